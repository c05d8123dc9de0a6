#!/usr/bin/env bats
# shellcheck disable=SC2153 # ROOT, BIN and PORT come from test_helper
# Narration fits an 80-column terminal: every line a lesson prints on
# standard output, in its normal run and in its error paths (a refused
# connect, EADDRINUSE, a timeout, bad options), is at most 80 columns wide
# with COLUMNS=80, counted in characters, not bytes.
#
# Part I (01 to 09): every path below. Part II: every binary in build/
# gets --help, bad input and one run that needs no peer.

# A test here runs every lesson of a part, each several times: under the
# sanitizers, on a loaded machine, that took longer than test_helper's
# 120 s. This limit only keeps a test from hanging.
: "${BATS_TEST_TIMEOUT:=$((300 * ${SOCKSTEP_TEST_SCALE:-1}))}"
load test_helper
load hostile/common

export COLUMNS=80 NO_COLOR=1

setup_file() {
    local root
    root="$(cd "$(dirname "$BATS_TEST_FILENAME")/.." && pwd)"
    make -s -C "$root" build/01-socket build/02-bind build/03-listen \
        build/04-accept build/05-connect build/06-send-recv-server \
        build/06-send-recv-client build/07-close build/08-udp-receiver \
        build/09-udp-sender >&2
}

# OUT: where this test's runs keep their output, one file per run.
setup() {
    OUT="$BATS_TEST_TMPDIR/runs"
    mkdir -p "$OUT"
}

# lesson NAME BIN ARGS...: run lesson BIN (bounded, only fds 0-2 open,
# stdin from /dev/null unless INPUT is set) and keep its stdout in
# $OUT/NAME.out, stderr in $OUT/NAME.err. Its exit status does not matter.
lesson() {
    local name="$1" bin="$2"
    shift 2
    printf '%s' "${INPUT:-}" |
        bare timeout "$WAIT_RUN" "$BIN/$bin" "$@" \
            >"$OUT/$name.out" 2>"$OUT/$name.err" || true
}

# lesson_bg NAME BIN ARGS...: the same in the background (start_bg); the
# output goes to $OUT/NAME.out, stdout and stderr together.
lesson_bg() {
    local name="$1" bin="$2"
    shift 2
    start_bg "$OUT/$name.out" "$BIN/$bin" "$@"
}

# in_use NAME BIN HOLDER ARGS...: run lesson BIN as NAME on the port that
# lesson HOLDER (a server, in the background) holds: --port PORT ARGS.
# HOLDER is stopped and its output dropped after: its own lines are
# measured in its own test.
in_use() {
    local name="$1" bin="$2" holder="$3"
    shift 3
    lesson_bg holder "$holder" --port 0 --timeout 20
    wait_ready "$OUT/holder.out"
    lesson "$name" "$bin" --port "$PORT" "$@"
    kill_all_bg
    rm "$OUT/holder.out"
}

# bad_options BIN: the bad-input runs every lesson gets.
bad_options() {
    lesson "$1.bad-option" "$1" --frobnicate
    lesson "$1.bad-color" "$1" --color sometimes
    if takes_option "$1" --port; then
        lesson "$1.bad-port" "$1" --port 99999
    fi
    if takes_option "$1" --timeout; then
        lesson "$1.bad-timeout" "$1" --timeout 0
    fi
    if takes_option "$1" --host; then
        lesson "$1.bad-host" "$1" --host 'not an address'
    fi
    lesson "$1.help" "$1" --help
}

# fits: every line of every $OUT/*.out at most 80 columns. Names each one
# that is wider: FILE:LINE: COLUMNS columns: TEXT.
fits() {
    run "$PYTHON" "$PEERS/max-columns.py" "$OUT"/*.out
    if [ "$status" -ne 0 ]; then
        echo "lines wider than 80 columns:" >&2
        printf '%s\n' "$output" >&2
    fi
    [ "$status" -eq 0 ]
}

# Some runs must have printed something: a measure of nothing passes.
printed() {
    local f
    for f in "$@"; do
        [ -s "$OUT/$f.out" ] || {
            echo "$f printed nothing on stdout; stderr:" >&2
            cat "$OUT/$f.err" >&2 2>/dev/null
            return 1
        }
    done
}

@test "width: the measure counts characters, not bytes, and finds a long line" {
    printf '%s\n' "$(printf 'é%.0s' {1..80})" >"$OUT/a.out"
    fits
    printf '%s\n' "$(printf 'x%.0s' {1..81})" >"$OUT/b.out"
    run fits
    assert_failure
    assert_output --partial "b.out:1: 81 columns"
}

@test "width: 01-socket: normal, EMFILE, bad options" {
    lesson 01.normal 01-socket
    # With 4 descriptors allowed, the TCP socket gets fd 3 and the UDP
    # socket() fails with EMFILE.
    # shellcheck disable=SC2016 # $1 is for the inner bash
    printf '' | bare timeout "$WAIT_RUN" bash -c 'ulimit -n 4; exec "$1"' _ \
        "$BIN/01-socket" >"$OUT/01.emfile.out" 2>"$OUT/01.emfile.err" || true
    bad_options 01-socket
    printed 01.normal 01.emfile 01-socket.help
    fits
}

@test "width: 02-bind: normal, EADDRINUSE, EADDRNOTAVAIL, bad options" {
    lesson 02.normal 02-bind --port 0
    in_use 02.inuse 02-bind 04-accept
    # An address this machine does not have (bind() fails; nothing is sent).
    lesson 02.notavail 02-bind --host 192.0.2.1 --port 0
    bad_options 02-bind
    printed 02.normal 02.inuse 02.notavail
    fits
}

@test "width: 03-listen: the queue filling, a timeout, EADDRINUSE, bad options" {
    lesson_bg 03.normal 03-listen --port 0 --count 2 --timeout 10
    wait_ready "$OUT/03.normal.out"
    local server=$BG_PID
    lesson_bg 03.client1 05-connect --port "$PORT" --timeout 10
    lesson_bg 03.client2 05-connect --port "$PORT" --timeout 10
    wait_exit "$server" 15
    lesson 03.timeout 03-listen --port 0 --timeout 1
    in_use 03.inuse 03-listen 04-accept --timeout 1
    bad_options 03-listen
    printed 03.normal 03.timeout 03.inuse
    fits
}

@test "width: 04-accept and 05-connect: a greeting, refused, timeouts, EADDRINUSE, bad options" {
    lesson_bg 04.normal 04-accept --port 0 --count 2 --timeout 10
    wait_ready "$OUT/04.normal.out"
    local port=$PORT server=$BG_PID
    lesson 05.normal 05-connect --port "$port"
    lesson 05.normal2 05-connect --port "$port" --timeout 5
    wait_exit "$server" 15
    # 04's port is free again: connect() is refused.
    lesson 05.refused 05-connect --port "$port" --timeout 1
    # A server that never accepts nor sends: recv() times out.
    lesson_bg quiet 03-listen --port 0 --timeout 10
    wait_ready "$OUT/quiet.out"
    lesson 05.timeout 05-connect --port "$PORT" --timeout 1
    # accept() with no client: the timeout; then the port taken.
    lesson 04.timeout 04-accept --port 0 --timeout 1
    lesson 04.inuse 04-accept --port "$PORT" --timeout 1
    bad_options 04-accept
    bad_options 05-connect
    kill_all_bg
    rm "$OUT/quiet.out"
    printed 04.normal 05.normal 05.refused 05.timeout 04.timeout 04.inuse
    fits
}

@test "width: 06-send-recv: echoes, refused, timeouts, EADDRINUSE, bad options" {
    lesson_bg 06s.normal 06-send-recv-server --port 0 --count 1 --timeout 10
    wait_ready "$OUT/06s.normal.out"
    local port=$PORT server=$BG_PID
    # Lines a reader would type (an echo line is as long as its data: the
    # data is not narration, and is printed whole).
    INPUT=$'hello\nsocket world\n' \
        lesson 06c.normal 06-send-recv-client --port "$port" --timeout 10
    wait_exit "$server" 15
    INPUT=$'hello\n' lesson 06c.refused 06-send-recv-client --port "$port" \
        --timeout 1
    # A server that never echoes: the client's wait for the echo times out.
    lesson_bg quiet 03-listen --port 0 --timeout 10
    wait_ready "$OUT/quiet.out"
    INPUT=$'hello\n' lesson 06c.timeout 06-send-recv-client --port "$PORT" \
        --timeout 1
    lesson 06s.timeout 06-send-recv-server --port 0 --timeout 1
    lesson 06s.inuse 06-send-recv-server --port "$PORT" --timeout 1
    bad_options 06-send-recv-server
    bad_options 06-send-recv-client
    kill_all_bg
    rm "$OUT/quiet.out"
    printed 06s.normal 06c.normal 06c.refused 06c.timeout 06s.timeout \
        06s.inuse
    fits
}

@test "width: 07-close: normal, EADDRINUSE, bad options" {
    lesson 07.normal 07-close --port 0
    in_use 07.inuse 07-close 04-accept --timeout 1
    bad_options 07-close
    printed 07.normal 07.inuse
    fits
}

@test "width: 08-udp-receiver and 09-udp-sender: datagrams, nobody there, timeouts, EADDRINUSE, bad options" {
    lesson_bg 08.normal 08-udp-receiver --port 0 --count 3 --timeout 10
    wait_ready "$OUT/08.normal.out"
    local port=$PORT receiver=$BG_PID
    INPUT=$'hello\n\nthree datagrams\n' \
        lesson 09.normal 09-udp-sender --port "$port" --timeout 5
    wait_exit "$receiver" 15
    # Nobody receives on that port any more.
    lesson 09.nobody 09-udp-sender --port "$port" --message "anyone there?"
    INPUT=$'one\ntwo\n' lesson 09.nobody2 09-udp-sender --port "$port"
    lesson 08.timeout 08-udp-receiver --port 0 --timeout 1
    in_use 08.inuse 08-udp-receiver 08-udp-receiver --timeout 1
    bad_options 08-udp-receiver
    bad_options 09-udp-sender
    printed 08.normal 09.normal 09.nobody 08.timeout 08.inuse
    fits
}

@test "width: Part II: every built lesson's --help, bad input and one run without a peer" {
    local bin n=0 args ran=()
    for bin in $(all_lessons); do
        [[ "$bin" =~ ^(0[1-9])- ]] && continue # Part I: the tests above
        [[ -x "$BIN/$bin" ]] || continue
        n=$((n + 1))
        bad_options "$bin"
        printed "$bin.help"
        # One run that needs no peer: a server's wait for a client that
        # does not come, or a client's connect() to a port nobody holds.
        # Only for a lesson that takes --port: no run may reach a fixed
        # port (such as 8888) that something else holds.
        takes_option "$bin" --port || continue
        args=()
        if [[ "$bin" =~ (server|receiver|chat) ]]; then
            args+=(--port 0)
        else
            args+=(--port "$(free_port tcp)")
        fi
        if takes_option "$bin" --timeout; then
            args+=(--timeout 1)
        fi
        lesson "$bin.run" "$bin" "${args[@]}"
        ran+=("$bin")
    done
    echo "# Part II lessons measured: $n; a run without a peer: ${ran[*]}" >&3
    fits
}

@test "width: SOCKSTEP_NOWRAP prints each note on one line, whatever COLUMNS says" {
    # For a reader that wraps lines itself: docs/runs.sh sets it, and the
    # handout's build tells one note from the next by its line.
    SOCKSTEP_NOWRAP=1 lesson 01.nowrap 01-socket
    grep -qx '    a new socket: fd 3, the lowest descriptor number not in use. It has no address and no peer yet' \
        "$OUT/01.nowrap.out"
    run fits
    assert_failure
    # Unset (or empty), the same run fits 80 columns.
    rm "$OUT/01.nowrap.out"
    SOCKSTEP_NOWRAP='' lesson 01.wrap 01-socket
    fits
}

@test "width: a call line breaks between arguments, under the first; the handout's paper copy breaks it the same way" {
    local tool="$BATS_TEST_TMPDIR/layout"
    cc_strict -Wmissing-prototypes "$ROOT/tests/layout.c" -o "$tool"
    COLUMNS=78 "$tool" >"$OUT/layout.out"
    mkdir "$BATS_TEST_TMPDIR/paper"
    SOCKSTEP_NOWRAP=1 "$tool" >"$BATS_TEST_TMPDIR/paper/99-layout.txt"
    run cat "$OUT/layout.out"
    # At the ", " between two arguments, the rest under the first one;
    # the result whole.
    assert_line --index 0 'getpeername(3, &addr,'
    assert_line --index 1 '            &len) = -1 ENOTCONN (Transport endpoint is not connected)'
    # A comma inside a buffer's quotes is no place to break.
    assert_line --index 3 'sendto(5, "hello, world, and more, and more, "..., 4096,'
    assert_line --index 4 '       MSG_NOSIGNAL|MSG_DONTWAIT, 127.0.0.1:9999, 16) = 4096'
    # A list longer than a line breaks between its own items.
    assert_line --index 5 'poll([{fd=3, events=POLLIN}, {fd=4, events=POLLIN}, {fd=5, events=POLLIN},'
    # A path longer than a line: after one of its "/".
    assert_line --index 8 '    /tmp/a-directory-with-a-long-name/another-one-inside-it/'
    assert_line --index 9 '    and-the-server.sock, 110) = -1 ENOENT (No such file or directory)'
    fits
    # On paper (docs/filters/transcripts.lua, from the unwrapped run, with
    # docs/filters/paper-wrap.c, which the filter finds beside the runs'
    # directory): the same lines.
    cc_strict \
        "$ROOT/docs/filters/paper-wrap.c" -o "$BATS_TEST_TMPDIR/paper-wrap"
    # shellcheck disable=SC2016 # Markdown, not an expansion
    printf '# Lesson 01: x {#lesson-01}\n\n```{.output run="99-layout"}\n```\n' \
        >"$BATS_TEST_TMPDIR/t.md"
    (cd "$ROOT" && pandoc "$BATS_TEST_TMPDIR/t.md" --lua-filter docs/include.lua \
        -M runs-dir="$BATS_TEST_TMPDIR/paper" -t latex) >"$BATS_TEST_TMPDIR/t.tex"
    # (its rows escaped for fancyvrb's commandchars, some ending in
    # \SSkeep{}, the mark no page break may come before, each row's text
    # in its line's style, \SSTcall{...})
    run diff <(sed -n '/^\\begin{Verbatim}/,/^\\end{Verbatim}/{//!p}' "$BATS_TEST_TMPDIR/t.tex" |
        sed -e 's/\\SSkeep{}$//' -e 's/\\SST[a-z]*{\(.*\)}$/\1/' \
            -e 's/\\\([{}]\)/\1/g' -e 's/\\textbackslash{}/\\/g') \
        "$OUT/layout.out"
    assert_success
}
