#!/usr/bin/env bats
# scripts/check --spec against our own student corpus,
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
#
# The corpus runs in several files side by side (its checks mostly
# wait): the other students-*.bats files hold the rest, each named by
# what it checks; this one:
# echo and daytime, the false pass, bad specs, a program that never
# starts, --batch.

# The longest wait inside a test here is 150 s: bats' own per-test
# limit must be longer, or that wait could never say what it waited
# for (tests/timeouts checks it).
: "${BATS_TEST_TIMEOUT:=$((180 * ${SOCKSTEP_TEST_SCALE:-1}))}"
load test_helper
load lib/students

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

@test "students: echo: a correct echo server passes, with a note on EINTR" {
    # Every check of echo.spec on a correct server is assignment 1's
    # (assignments-specs.bats): this one is run on the two that say
    # something of its own.
    spec echo --only idle,eintr echo-good.c
    passes_all
    assert_line "2 checks: 2 passed (1 of them with a note), 0 failed"
    assert_line --regexp '^PASS idle '
    # EINTR made up: it gives up the client, but catches no signal, so
    # it never meets one for real: a note (tests/students-faults.bats)
    assert_line --regexp '^NOTE eintr '
}

@test "students: echo: a server that never stops at recv() == 0 spins" {
    # under tests/low-priority, as check.bats runs its spinning sample:
    # beside the other test files it yields the CPU, and still spins at
    # every look. At that priority, beside one busy loop per core, its
    # first reply took longer than the spec's 3 s once: the copy of the
    # spec here gives each reply $WAIT_LOOPBACK s (the verdicts are the
    # same; only the wait for the reply that never comes grows).
    { cat "$SPECS/echo.spec"; echo "timeout: $WAIT_LOOPBACK"; } \
        >"$BATS_TEST_TMPDIR/echo.spec"
    run bare timeout "$((150 * SCALE))" "$PYTHON" "$CHECK" --only idle,silent-client \
        --wait "$LOW_WAIT" --spec "$BATS_TEST_TMPDIR/echo.spec" -- \
        "$LOW" "$PYTHON" "$STUDENTS/echo-broken.py" '{port}'
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

# ---- the kinds too: no pass over a crash -----------------------------------------------

@test "students: a receiver that prints a datagram only in its traceback fails" {
    # An earlier scripts/check passed it: the payload was printed
    student number-receiver.py
    run bare timeout "$WAIT_LONG" "$PYTHON" "$CHECK" --only datagram udp-receiver -- \
        "${PROG[@]}" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL datagram .*: traceback'
    says "But the program printed a Python traceback (ValueError: invalid literal for int() with base 10: b'hello, sockstep') while the check ran"
}

# ---- what the checker says about a spec, and a program that never starts ---------------------

@test "students: a bad spec is refused in one line naming its line, exit 2" {
    printf 'send: 3 + 4\nexpect: (7\n' >"$BATS_TEST_TMPDIR/bad.spec"
    run bare timeout "$WAIT_RUN" "$PYTHON" "$CHECK" --spec "$BATS_TEST_TMPDIR/bad.spec" \
        -- "$PYTHON" -c pass '{port}'
    assert_failure 2
    assert_output "scripts/check: --spec: $BATS_TEST_TMPDIR/bad.spec line 2: expect: not a Python regular expression: missing ), unterminated subpattern at position 0"
    run bare timeout "$WAIT_RUN" "$PYTHON" "$CHECK" --spec "$SPECS/echo.spec" \
        echo-server -- "$PYTHON" -c pass '{port}'
    assert_failure 2
    assert_output "scripts/check: --spec: takes the place of KIND: give one or the other"
}

@test "students: a program that never starts: the rest is one line, not run" {
    run bare timeout "$WAIT_LONG" "$PYTHON" "$CHECK" --spec "$SPECS/echo.spec" -- \
        "$PYTHON" -c 'import sys; sys.exit(3)' '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL bind '
    says "The program exited with status 3 before it listened on port"
    says "Not run: the program could not be started in check bind (see there): exchange, in-turn,"
    refute_line --regexp '^FAIL exchange'
    assert_line "18 checks: 0 passed, 1 failed, 17 not run"
}

@test "students: --batch --spec grades a class: one row each, a column per check" {
    local dir="$BATS_TEST_TMPDIR/class"
    mkdir -p "$dir/ann" "$dir/bob"
    cp "$STUDENTS/converter-good.py" "$dir/ann/server.py"
    printf -- '-- %s server.py {port}\n' "$PYTHON" >"$dir/ann/run"
    student converter-broken.c
    cp "${PROG[0]}" "$dir/bob/server"
    printf -- '-- ./server {port}\n' >"$dir/bob/run"
    run bare timeout "$((100 * SCALE))" "$PYTHON" "$CHECK" --batch "$dir" \
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
