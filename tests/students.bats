#!/usr/bin/env bats
# scripts/check --spec (issue 31) against our own student corpus,
# tests/students/: for each example spec in scripts/sockcheck/specs/, a
# correct program that passes every check, and a broken one that fails
# the check it must, with the words that explain it. tests/students/
# EXPECTED lists every program and its verdict; each program says why at
# its top. The C samples build warning-free into the test's directory.
#
# The checker starts and ends the programs itself (on ports it chose,
# loopback only): no test here has a background process. A broken
# program is run with --only its failing check, and the checks it also
# fails are left to the full runs of the correct ones.

load test_helper

CHECK="$ROOT/scripts/check"
SPECS="$ROOT/scripts/sockcheck/specs"
STUDENTS="$ROOT/tests/students"

# student NAME: the command that starts tests/students/NAME in PROG (a C
# file is built into the test's directory first).
student() {
    case "$1" in
    *.c)
        cc -std=c11 -Wall -Wextra -Werror -pedantic \
            "$STUDENTS/$1" -o "$BATS_TEST_TMPDIR/${1%.c}"
        PROG=("$BATS_TEST_TMPDIR/${1%.c}")
        ;;
    *.py) PROG=("$PYTHON" "$STUDENTS/$1") ;;
    esac
}

# spec SPEC [OPTIONS...] NAME [ARGS...]: bats' run of the checker on
# student NAME with scripts/sockcheck/specs/SPEC.spec, {port} last.
spec() {
    local file="$SPECS/$1.spec" opts=()
    shift
    while [[ "$1" == --* ]]; do
        opts+=("$1" "$2")
        shift 2
    done
    student "$1"
    shift
    run bare timeout 150 "$PYTHON" "$CHECK" "${opts[@]}" --spec "$file" -- \
        "${PROG[@]}" "$@" '{port}'
}

# passes_all: every check passed (notes count as passes).
passes_all() {
    assert_success
    assert_line --regexp '^([0-9]+) checks: \1 passed, 0 failed'
    refute_line --regexp '^FAIL'
}

# says TEXT: the output, its wrapped lines joined, contains TEXT.
says() {
    local flat
    flat=$(printf '%s' "$output" | tr '\n' ' ' | tr -s ' ')
    if [[ "$flat" != *"$1"* ]]; then
        printf 'the output does not say: %s\n--\n%s\n' "$1" "$output" >&2
        return 1
    fi
}

@test "students: EXPECTED names every sample, and every sample is in it" {
    local f listed
    listed=$(grep -v '^#' "$STUDENTS/EXPECTED" | awk '{print $1}')
    for f in "$STUDENTS"/*.c "$STUDENTS"/*.py; do
        grep -qx "${f##*/}" <<<"$listed" || {
            echo "not in EXPECTED: ${f##*/}" >&2
            return 1
        }
    done
    while read -r f; do
        [[ -f "$STUDENTS/$f" ]] || {
            echo "in EXPECTED, missing: $f" >&2
            return 1
        }
    done <<<"$listed"
}

# ---- echo (assignment 1) ---------------------------------------------------

@test "students: echo: a correct echo server passes every check" {
    spec echo echo-good.c
    passes_all
    assert_line "13 checks: 13 passed, 0 failed"
    assert_line --regexp '^PASS idle '
}

@test "students: echo: a server that never stops at recv() == 0 spins" {
    # under nice, as tests/check.bats runs its spinning sample: beside the
    # other test files it yields the CPU, and still spins at every look
    run bare timeout 150 "$PYTHON" "$CHECK" --only idle,silent-client \
        --spec "$SPECS/echo.spec" -- \
        nice -n 19 "$PYTHON" "$STUDENTS/echo-broken.py" '{port}'
    assert_failure 1
    assert_line --regexp "^FAIL idle .*: spins after a client left: [0-9.]+ s of CPU in [0-9.]+ s"
    says "it spins. When recv() returns 0 the client has gone"
    # stuck with its first client for ever, it never takes the next
    assert_line --regexp '^FAIL silent-client .*: next client not served after a silent one'
    says "The second client: nothing more came within"
}

# ---- daytime -----------------------------------------------------------------

@test "students: daytime: a server that greets with the date and closes passes" {
    spec daytime daytime-good.py
    passes_all
    assert_line --regexp '^PASS exchange '
}

@test "students: daytime: a server that never closes fails the exchange" {
    spec daytime --only exchange daytime-broken.c
    assert_failure 1
    assert_line --regexp '^FAIL exchange .*: connection still open after the last reply'
    says "the spec says the server closes it (close: yes"
    says 'the exchange: got "'
}

# ---- hello NAME ------------------------------------------------------------------

@test "students: hello: a server that greets each name passes" {
    spec hello hello-good.c
    passes_all
    assert_line --regexp '^PASS not-utf8 '
    assert_line --regexp '^PASS long-line '
}

@test "students: hello: a server that dies decoding a name fails not-utf8" {
    spec hello --only reset,not-utf8 hello-broken.py
    assert_failure 1
    assert_line --regexp '^FAIL not-utf8 .*: ended after bytes that are not UTF-8'
    says "The program had ended: it exited with status 1, after a Python traceback (UnicodeDecodeError"
    says "Check what a client sends before you use it"
    # the reset reaches it as a ConnectionResetError it does not catch
    assert_line --regexp '^FAIL reset .*: ended after a reset'
    says "after a Python traceback (ConnectionResetError"
}

@test "students: hello: a server that never closes its clients' sockets leaks" {
    spec hello --only exchange,descriptors hello-leak.c
    assert_failure 1
    assert_line --regexp '^PASS exchange '
    assert_line --regexp '^FAIL descriptors .*: (19|20|21) more descriptors after 20 clients'
    says "about one left open per client"
    says "close() it when that client is done"
}

@test "students: hello: a traceback in a thread is a failure, never a pass" {
    spec hello --only not-utf8 hello-threads.py
    assert_failure 1
    assert_line --regexp '^FAIL not-utf8 .*: traceback'
    says "The program stayed up and served the next client. But the program printed a Python traceback (UnicodeDecodeError"
    says "so this is not a pass"
}

# ---- calculator ------------------------------------------------------------------

@test "students: calculator: a server that refuses what it cannot compute passes" {
    spec calculator calc-good.py
    passes_all
    assert_line --regexp '^PASS out-of-range '
}

@test "students: calculator: an unchecked strchr() dies on an empty line" {
    spec calculator --only empty-line calc-broken.c
    assert_failure 1
    assert_line --regexp '^FAIL empty-line .*: ended after an empty line'
    says 'A client sent an empty line ("\n")'
    says "The program had ended: it was killed by SIGSEGV."
}

@test "students: calculator: the same server dies on a very long line" {
    spec calculator --only long-line calc-broken.c
    assert_failure 1
    assert_line --regexp '^FAIL long-line .*: ended after a line of 100000 bytes \('
    says "The program had ended: it was killed by SIGSEGV."
}

@test "students: calculator: strcpy() of a huge number overruns, out-of-range fails" {
    spec calculator --only exchange,out-of-range calc-overrun.c
    assert_failure 1
    assert_line --regexp '^PASS exchange '
    assert_line --regexp '^FAIL out-of-range .*: ended after its first line with each number made huge'
    says '("99999999999999999999999 "...)'
    says "The program had ended: it was killed by SIG"
}

# ---- random number, and the bind note ----------------------------------------------

@test "students: random: a server on 0.0.0.0 passes, with a note on bind" {
    spec random random-good.py
    passes_all
    assert_line --regexp '^NOTE bind .*: bound to 0\.0\.0\.0:[0-9]+'
    says "To keep it to this machine, bind 127.0.0.1"
    assert_line --regexp '^[0-9]+ checks: [0-9]+ passed, 0 failed \(1 note\)$'
}

@test "students: random: with 'bind: loopback' in the spec, 0.0.0.0 fails" {
    { cat "$SPECS/random.spec"; echo "bind: loopback"; } \
        >"$BATS_TEST_TMPDIR/random-local.spec"
    student random-good.py
    run bare timeout 60 "$PYTHON" "$CHECK" --only bind,exchange \
        --spec "$BATS_TEST_TMPDIR/random-local.spec" -- "${PROG[@]}" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL bind .*: bound to 0\.0\.0\.0:[0-9]+'
    says "bind 127.0.0.1"
    assert_line --regexp '^PASS exchange '
}

@test "students: random: a child per client, never reaped, leaves zombies" {
    spec random --only zombies random-broken.c
    assert_failure 1
    assert_line --regexp '^FAIL zombies .*: ([2-9]|10) zombies after 10 clients'
    says "were zombies (state Z in /proc)"
    says "until its parent calls waitpid()"
}

# ---- quote of the day ------------------------------------------------------------------

@test "students: quote: a server that sends a line and closes passes" {
    spec quote quote-good.c
    passes_all
    assert_line "9 checks: 9 passed, 0 failed"
}

@test "students: quote: a server without an accept() loop serves one client" {
    spec quote --only in-turn quote-broken.py
    assert_failure 1
    assert_line --regexp '^FAIL in-turn .*: served 1 of 10 clients'
    says "The program served only the first client: a server calls accept() again"
}

@test "students: quote: a server without SO_REUSEADDR cannot restart at once" {
    spec quote --only exchange,restart quote-noreuse.py
    assert_failure 1
    assert_line --regexp '^PASS exchange '
    assert_line --regexp '^FAIL restart .*: port in use after a restart \(EADDRINUSE\)'
    says "by the connection of its first run in TIME_WAIT. Set SO_REUSEADDR"
    says "OSError: [Errno 98] Address already in use"
}

# ---- unit converter ------------------------------------------------------------------------

@test "students: converter: a server that answers with two decimals passes" {
    spec converter converter-good.py
    passes_all
}

@test "students: converter: one decimal does not match the spec" {
    spec converter converter-broken.c
    assert_failure 1
    # the other checks play the same exchange: not run, not failed
    assert_line "14 checks: 1 passed, 1 failed, 12 not run"
    says "Not run: the spec's exchange failed in check exchange (see there): in-turn, idle,"
    assert_line --regexp '^FAIL exchange .*: reply did not match'
    says 'reply 1 was "6.2 mi\n", which does not match /6\.21 mi/ (spec line 4'
}

@test "students: converter: a send() whose result is ignored dies of SIGPIPE" {
    spec converter --only exchange,sigpipe converter-sigpipe.c
    assert_failure 1
    assert_line --regexp '^PASS exchange '
    assert_line --regexp '^FAIL sigpipe .*: killed by SIGPIPE'
    says "read none of the replies, and reset the connection. The program was killed by SIGPIPE"
    says "Send with MSG_NOSIGNAL"
}

# ---- UDP echo ------------------------------------------------------------------------

@test "students: udp-echo: a receiver that answers each sender passes" {
    spec udp-echo udp-echo-good.py
    passes_all
    assert_line "7 checks: 7 passed, 0 failed"
}

@test "students: udp-echo: answering the first sender for ever fails in-turn" {
    spec udp-echo --only in-turn udp-echo-broken.py
    assert_failure 1
    assert_line --regexp '^FAIL in-turn .*: served 1 of 10 clients'
    says "Client 2: nothing more came within 3.00 s, where reply 1"
}

# ---- echo client (assignment 2) ----------------------------------------------------------

@test "students: echo-client: a client that reads whole lines passes" {
    spec echo-client echo-client-good.py 127.0.0.1
    passes_all
    assert_line "7 checks: 7 passed, 0 failed"
}

@test "students: echo-client: a client that loops on recv() == 0 hangs" {
    spec echo-client --only closes-early echo-client-hang.py 127.0.0.1
    assert_failure 1
    assert_line --regexp '^FAIL closes-early .*: hangs'
    says "The checker's server closed its end of the connection (shutdown(SHUT_WR)) as soon as it came"
    says "A client must stop when recv() returns 0"
}

@test "students: echo-client: one recv() per line and no error handling" {
    spec echo-client --only pieces,refused,not-utf8 echo-client-broken.py \
        127.0.0.1
    assert_failure 1
    assert_line --regexp '^FAIL pieces .*: did not print /hello, sockstep/'
    says "so a recv() got only part of a line"
    assert_line --regexp '^FAIL refused .*: Python traceback \(ConnectionRefusedError\)'
    assert_line --regexp '^FAIL not-utf8 .*: Python traceback \(UnicodeDecodeError\)'
    says "decode with errors=\"replace\""
}

# ---- the handout's assignments, with specs -------------------------------------------------

@test "students: assignments 1 and 4: the solutions pass echo.spec and echo-many.spec" {
    cc -std=c11 -Wall -Wextra -Werror -pedantic \
        "$ROOT/tests/solutions/echo-server.c" -o "$BATS_TEST_TMPDIR/echo"
    run bare timeout 150 "$PYTHON" "$CHECK" --spec "$SPECS/echo.spec" -- \
        "$BATS_TEST_TMPDIR/echo" '{port}'
    passes_all
    cc -std=c11 -Wall -Wextra -Werror -pedantic \
        "$ROOT/tests/solutions/fork-echo-server.c" -o "$BATS_TEST_TMPDIR/fork"
    run bare timeout 150 "$PYTHON" "$CHECK" --only together,zombies \
        --spec "$SPECS/echo-many.spec" -- "$BATS_TEST_TMPDIR/fork" '{port}'
    passes_all
    assert_line "2 checks: 2 passed, 0 failed"
}

@test "students: assignment 4: a server of one client at a time fails together" {
    spec echo-many --only together echo-good.c
    assert_failure 1
    assert_line --regexp '^FAIL together .*: served 1 of 5 at once'
    says "a process per client (lesson 12), or poll() (lesson 13)"
}

@test "students: assignment 2: the solution passes echo-client.spec" {
    cc -std=c11 -Wall -Wextra -Werror -pedantic \
        "$ROOT/tests/solutions/echo-client.c" -o "$BATS_TEST_TMPDIR/client"
    run bare timeout 150 "$PYTHON" "$CHECK" --spec "$SPECS/echo-client.spec" \
        -- "$BATS_TEST_TMPDIR/client" '{host}' '{port}'
    passes_all
}

# ---- the sanitizer builds: no false alarm on the correct C samples --------------------

# sanitized NAME SPEC: build tests/students/NAME.c with AddressSanitizer
# and UndefinedBehaviorSanitizer (skip where the compiler cannot), then
# check it with SPEC: every check passes, and no sanitizer spoke.
sanitized() {
    cc -std=c11 -Wall -Wextra -Werror -pedantic -g \
        -fsanitize=address,undefined "$STUDENTS/$1.c" \
        -o "$BATS_TEST_TMPDIR/$1" 2>/dev/null ||
        skip "cc cannot build with -fsanitize=address,undefined here"
    run bare timeout 150 "$PYTHON" "$CHECK" --spec "$SPECS/$2.spec" -- \
        "$BATS_TEST_TMPDIR/$1" '{port}'
    passes_all
    refute_output --partial "Sanitizer"
    refute_output --partial "runtime error"
}

@test "students: sanitizers: echo-good.c passes echo.spec" {
    sanitized echo-good echo
}

@test "students: sanitizers: hello-good.c passes hello.spec" {
    sanitized hello-good hello
}

@test "students: sanitizers: quote-good.c passes quote.spec" {
    sanitized quote-good quote
}

# ---- the kinds too: no pass over a crash -----------------------------------------------

@test "students: a receiver that prints a datagram only in its traceback fails" {
    # scripts/check before issue 31 passed it: the payload was printed
    student number-receiver.py
    run bare timeout 60 "$PYTHON" "$CHECK" --only datagram udp-receiver -- \
        "${PROG[@]}" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL datagram .*: traceback'
    says "But the program printed a Python traceback (ValueError: invalid literal for int() with base 10: b'hello, sockstep') while the check ran"
}

# ---- what the checker says about a spec, and a program that never starts ---------------------

@test "students: a bad spec is refused in one line naming its line, exit 2" {
    printf 'send: 3 + 4\nexpect: (7\n' >"$BATS_TEST_TMPDIR/bad.spec"
    run bare timeout 20 "$PYTHON" "$CHECK" --spec "$BATS_TEST_TMPDIR/bad.spec" \
        -- "$PYTHON" -c pass '{port}'
    assert_failure 2
    assert_output "scripts/check: --spec: $BATS_TEST_TMPDIR/bad.spec line 2: expect: not a Python regular expression: missing ), unterminated subpattern at position 0"
    run bare timeout 20 "$PYTHON" "$CHECK" --spec "$SPECS/echo.spec" \
        echo-server -- "$PYTHON" -c pass '{port}'
    assert_failure 2
    assert_output "scripts/check: --spec: takes the place of KIND: give one or the other"
}

@test "students: a program that never starts: the rest is one line, not run" {
    run bare timeout 60 "$PYTHON" "$CHECK" --spec "$SPECS/echo.spec" -- \
        "$PYTHON" -c 'import sys; sys.exit(3)' '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL bind '
    says "The program exited with status 3 before it listened on port"
    says "Not run: the program could not be started in check bind (see there): exchange, in-turn,"
    refute_line --regexp '^FAIL exchange'
    assert_line "13 checks: 0 passed, 1 failed, 12 not run"
}

@test "students: --batch --spec grades a class: one row each, a column per check" {
    local dir="$BATS_TEST_TMPDIR/class"
    mkdir -p "$dir/ann" "$dir/bob"
    cp "$STUDENTS/converter-good.py" "$dir/ann/server.py"
    printf -- '-- %s server.py {port}\n' "$PYTHON" >"$dir/ann/run"
    student converter-broken.c
    cp "${PROG[0]}" "$dir/bob/server"
    printf -- '-- ./server {port}\n' >"$dir/bob/run"
    run bare timeout 100 "$PYTHON" "$CHECK" --batch "$dir" \
        --spec "$SPECS/converter.spec" --only exchange,out-of-range \
        --csv "$BATS_TEST_TMPDIR/out.csv"
    assert_failure 1
    run "$PYTHON" -c '
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    print(r["submission"], r["kind"], r["passed"], r["failed"],
          r["exchange"], r["out-of-range"], "|", r["notes"])
' "$BATS_TEST_TMPDIR/out.csv"
    assert_success
    assert_line --index 0 "ann converter.spec 2 0 PASS PASS | "
    # the exchange failed: out-of-range, which plays it too, is not run
    assert_line --index 1 "bob converter.spec 0 1 FAIL NOT RUN | exchange: reply did not match"
}
