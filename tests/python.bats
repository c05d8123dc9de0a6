#!/usr/bin/env bats
# The Python equivalents of Part I (docs/python/0*.py, included in the
# handout's "The same in Python" sections) run, against the C lesson they
# mirror: each Python client against the C server, each Python server
# against the C client, and the programs that run alone side by side with
# their C lesson. Plain-build friendly: only the lessons' result lines
# (their printf() output) are compared, never the narration.
#
# No fixed ports: every server gets --port 0 and prints its ready line
# (the Python ones as the lessons do), and every wait is bounded.

# The inner shells' "$1", "$2" and "$3" are theirs, in single quotes on
# purpose; PORT is set by wait_ready.
# shellcheck disable=SC2016,SC2153

load test_helper

PY="$ROOT/docs/python"

setup() {
    [[ -x "$PYTHON" ]] || command -v "$PYTHON" >/dev/null || skip "no python3"
}

# py NAME ARGS...: run docs/python/NAME.py with only fds 0-2 open, at most
# 20 s.
py() {
    local name=$1
    shift
    bare timeout "$WAIT_RUN" "$PYTHON" "$PY/$name.py" "$@"
}

# py_server OUTFILE NAME ARGS...: start a Python server on --port 0 in the
# background and wait for its ready line; sets PORT and BG_PID.
py_server() {
    local out=$1 name=$2
    shift 2
    start_bg "$out" timeout "$WAIT_SHORT" "$PYTHON" "$PY/$name.py" --port 0 "$@"
    wait_ready "$out"
}

# c_server OUTFILE BIN ARGS...: a C lesson server on --port 0.
c_server() {
    local out=$1 bin=$2
    shift 2
    start_server "$out" "$bin" "$@"
}

# results FILE PATTERN: the lines of FILE that match PATTERN, with every
# port number replaced by PORT.
results() {
    grep -E "$2" "$1" | sed -E 's/:[0-9]{1,5}\b/:PORT/g'
}

@test "python: every Part I chapter includes its Python file, and every file is included" {
    local md f n=0
    for md in "$ROOT"/docs/lessons/0[1-9]-*.md; do
        grep -q 'include="docs/python/0[1-9]_[a-z_]*\.py"' "$md" ||
            { echo "$md: no Python include" >&2; return 1; }
        grep -q '^```python$' "$md" &&
            { echo "$md: Python pasted, not included" >&2; return 1; }
    done
    for f in "$PY"/0[1-9]_*.py; do
        n=$((n + 1))
        # (lesson 03's ten clients are in the On Linux appendix)
        grep -q "include=\"docs/python/${f##*/}\"" "$ROOT"/docs/lessons/*.md \
            "$ROOT"/docs/on-linux.md ||
            { echo "${f##*/} is in no chapter" >&2; return 1; }
        # It parses (without writing a __pycache__ into the tree).
        "$PYTHON" -c 'import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])' "$f"
    done
    ((n >= 10))
}

@test "python 01: the same six result lines, the same descriptors, as lesson 01" {
    run bare "$BIN/01-socket"
    assert_success
    local c
    c=$(grep -E '^fd [0-9]+: ' <<<"$output")
    [ "$(wc -l <<<"$c")" -eq 6 ]
    run py 01_socket
    assert_success
    [ "$output" = "$c" ]
}

@test "python 02: bound to a port the kernel chose, and EADDRINUSE for the second bind, as lesson 02" {
    local c="$BATS_TEST_TMPDIR/c.txt" p="$BATS_TEST_TMPDIR/p.txt"
    bare "$BIN/02-bind" --port 0 >"$c" 2>&1
    bare timeout "$WAIT_RUN" "$PYTHON" "$PY/02_bind.py" --port 0 >"$p" 2>&1
    cat "$p"
    [ -n "$(results "$p" '^bound to ')" ]
    [ "$(results "$p" '^(bound to|the second bind)')" = \
        "$(results "$c" '^(bound to|the second bind)')" ]
    # The port's bytes, high byte first, as lesson 02 dumps them.
    [ "$(results "$p" 'sin_port .* high byte first')" = \
        "$(results "$c" 'sin_port .* high byte first')" ]
    port=$(sed -n 's/^bound to 127\.0\.0\.1://p' "$p")
    printf -v hex '%02x %02x' $((port >> 8)) $((port & 255))
    grep -q "sin_port   $hex  .*port $port, the kernel's choice" "$p"
}

@test "python 03: two C clients wait in its queue, and are reset when it closes" {
    local s="$BATS_TEST_TMPDIR/s.txt" a="$BATS_TEST_TMPDIR/a.txt" b="$BATS_TEST_TMPDIR/b.txt"
    py_server "$s" 03_listen --count 2 --timeout 10
    local server=$BG_PID
    start_bg "$a" "$BIN/05-connect" --port "$PORT" --timeout 10
    local c1=$BG_PID
    start_bg "$b" "$BIN/05-connect" --port "$PORT" --timeout 10
    local c2=$BG_PID
    wait_exit "$server" 15
    [ "$EXIT_STATUS" -eq 0 ]
    grep -q '^2 connections waiting for accept()$' "$s"
    wait_exit "$c1" 15
    [ "$EXIT_STATUS" -eq 1 ]
    wait_exit "$c2" 15
    [ "$EXIT_STATUS" -eq 1 ]
    grep -q "^connected to 127.0.0.1:$PORT from " "$a"
    grep -q 'recv: Connection reset by peer' "$a"
    grep -q "^connected to 127.0.0.1:$PORT from " "$b"
}

@test "python 03: lesson 03 counts a Python client in its queue" {
    local s="$BATS_TEST_TMPDIR/s.txt"
    c_server "$s" 03-listen --count 1 --timeout 10
    local server=$BG_PID
    run py 05_connect --port "$PORT" --timeout 10
    echo "$output"
    assert_failure 1
    # Lesson 03 closes its listening socket once it sees the client's
    # finished handshake in its queue, and that resets the connection.
    # Python's connect() with a timeout waits in poll() and then reads the
    # result with getsockopt(SO_ERROR): on a loaded machine lesson 03 can
    # close before the client reads it, and the reset is then connect()'s
    # error, not recv()'s. Both are the reset lesson 03 sent.
    if [[ "$output" == "connect: Connection reset by peer" ]]; then
        :
    else
        assert_line --regexp "^connected to 127\.0\.0\.1:$PORT from 127\.0\.0\.1:[0-9]+$"
        assert_output --partial 'recv: Connection reset by peer'
    fi
    wait_exit "$server" 15
    [ "$EXIT_STATUS" -eq 0 ]
    grep -q '^1 connection waiting for accept()$' "$s"
}

@test "python 04 and 05: the Python server greets lesson 05, lesson 04 greets the Python client" {
    local s="$BATS_TEST_TMPDIR/s.txt"
    py_server "$s" 04_accept --count 1 --timeout 10
    local server=$BG_PID
    run bare "$BIN/05-connect" --port "$PORT" --timeout 10
    assert_success
    assert_line --regexp "^hello 127\.0\.0\.1:[0-9]+, you are client 1\\\\n$"
    assert_line --regexp '^the server closed the connection: [0-9]+ bytes in all$'
    local c_said
    c_said=$(grep -E '^(hello|the server closed)' <<<"$output" | sed -E 's/:[0-9]+/:PORT/')
    wait_exit "$server" 10
    [ "$EXIT_STATUS" -eq 0 ]

    c_server "$BATS_TEST_TMPDIR/c.txt" 04-accept --count 1 --timeout 10
    run py 05_connect --port "$PORT" --timeout 10
    assert_success
    assert_line --regexp "^connected to 127\.0\.0\.1:$PORT from 127\.0\.0\.1:[0-9]+$"
    [ "$(grep -E '^(hello|the server closed)' <<<"$output" | sed -E 's/:[0-9]+/:PORT/')" = "$c_said" ]
    # Nothing listens there any more: refused, exit 1.
    wait_exit "$BG_PID" 10
    run py 05_connect --port "$PORT" --timeout 5
    assert_failure 1
    assert_output 'connect: Connection refused'
}

@test "python 06: the Python echo server serves lesson 06's client, a long line included" {
    local s="$BATS_TEST_TMPDIR/s.txt"
    py_server "$s" 06_server --count 2 --timeout 10
    local server=$BG_PID
    run bare sh -c 'printf "hello\nsocket world\n" | "$1" --port "$2" --timeout 10' \
        sh "$BIN/06-send-recv-client" "$PORT"
    assert_success
    assert_line 'echo: hello\n'
    assert_line 'echo: socket world\n'
    # 100 000 bytes in one line: the client sends it in pieces, the server
    # echoes every byte, and the client compares them.
    run bare sh -c 'head -c 100000 /dev/zero | tr "\0" x | "$1" --port "$2" --timeout 10 >/dev/null' \
        sh "$BIN/06-send-recv-client" "$PORT"
    assert_success
    wait_exit "$server" 10
    [ "$EXIT_STATUS" -eq 0 ]
    grep -q -E '^client 127\.0\.0\.1:[0-9]+: 19 bytes echoed$' "$s"
    grep -q -E '^client 127\.0\.0\.1:[0-9]+: 100000 bytes echoed$' "$s"
}

@test "python 06: the Python client talks to lesson 06's server, escaped echoes and a long line" {
    local s="$BATS_TEST_TMPDIR/s.txt"
    c_server "$s" 06-send-recv-server --count 2 --timeout 10
    local server=$BG_PID
    run bare sh -c 'printf "hi\tthere\n\n" | timeout "$WAIT_RUN" "$PYTHON" "$1" --port "$2" --timeout 10' \
        sh "$PY/06_client.py" "$PORT"
    assert_success
    assert_output "$(printf '%s\n' 'echo: hi\tthere\n' 'echo: \n')"
    run bare sh -c 'head -c 200000 /dev/zero | tr "\0" x | timeout "$WAIT_RUN" "$PYTHON" "$1" --port "$2" --timeout 10 | wc -l' \
        sh "$PY/06_client.py" "$PORT"
    assert_success
    assert_output 49 # 4 KiB pieces: 4096 * 48 + 3392
    wait_exit "$server" 10
    [ "$EXIT_STATUS" -eq 0 ]
    grep -q -E '^client 127\.0\.0\.1:[0-9]+: 10 bytes echoed$' "$s"
    grep -q -E '^client 127\.0\.0\.1:[0-9]+: 200000 bytes echoed$' "$s"
}

@test "python 07: TIME_WAIT holds the port without SO_REUSEADDR, as in lesson 07" {
    run py 07_close --port 0
    echo "$output"
    assert_success
    assert_line 'the client got: got 8 bytes'
    assert_line 'without SO_REUSEADDR: bind: Address already in use'
    assert_line --regexp '^with SO_REUSEADDR: bound to 127\.0\.0\.1:[0-9]+ again$'
    # The C lesson meets the same EADDRINUSE at its restart.
    run bare "$BIN/07-close" --port 0
    assert_success
    assert_output --regexp 'EADDRINUSE|Address already in use'
}

@test "python 08 and 09: datagrams between the Python and the C programs, the same lines either way" {
    local c="$BATS_TEST_TMPDIR/c.txt" p="$BATS_TEST_TMPDIR/p.txt"
    # (not $lines: bats' run sets that to the output's lines)
    local input='hello\n\nthree datagrams\n'
    # C to C, for the reference.
    c_server "$c" 08-udp-receiver --count 3 --timeout 10
    local recv=$BG_PID
    run bare sh -c 'printf "$3" | "$1" --port "$2" --timeout 10' sh "$BIN/09-udp-sender" "$PORT" "$input"
    assert_success
    local c_sent
    printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/sent.txt"
    c_sent=$(results "$BATS_TEST_TMPDIR/sent.txt" '^(datagram|sent)')
    wait_exit "$recv" 10
    # C sender to the Python receiver: the receiver prints what lesson 08 does.
    py_server "$p" 08_udp_receiver --count 3 --timeout 10
    recv=$BG_PID
    run bare sh -c 'printf "$3" | "$1" --port "$2" --timeout 10' sh "$BIN/09-udp-sender" "$PORT" "$input"
    assert_success
    wait_exit "$recv" 10
    [ "$EXIT_STATUS" -eq 0 ]
    diff <(results "$p" '^datagram') <(results "$c" '^datagram')
    # The Python sender to lesson 08: lesson 08 prints the same, and the
    # sender reports what lesson 09 does.
    c_server "$c" 08-udp-receiver --count 3 --timeout 10
    recv=$BG_PID
    run bare sh -c 'printf "$3" | timeout "$WAIT_RUN" "$PYTHON" "$1" --port "$2"' sh "$PY/09_udp_sender.py" "$PORT" "$input"
    assert_success
    printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/sent.txt"
    [ "$(results "$BATS_TEST_TMPDIR/sent.txt" '^(datagram|sent)')" = "$c_sent" ]
    wait_exit "$recv" 10
    [ "$EXIT_STATUS" -eq 0 ]
    diff <(results "$c" '^datagram') <(results "$p" '^datagram')
}

@test "python 08: a datagram of 2000 bytes is cut to 512, and MSG_TRUNC tells its length" {
    local p="$BATS_TEST_TMPDIR/p.txt"
    py_server "$p" 08_udp_receiver --count 1 --timeout 10
    run bare "$BIN/09-udp-sender" --port "$PORT" --timeout 10 \
        --message "$(printf 'byte %04d ' $(seq 0 10 1990))"
    assert_success
    wait_exit "$BG_PID" 10
    [ "$EXIT_STATUS" -eq 0 ]
    grep -q -E '^datagram of 2000 bytes from 127\.0\.0\.1:[0-9]+, only 512 kept$' "$p"
    grep -q -E ': byte 0000 .* byte 0500 by$' "$p"
}
