#!/usr/bin/env bats
# Lesson 09: a UDP sender (sendto)

# PORT is set by wait_ready (test_helper), not a misspelt "port".
# shellcheck disable=SC2153
load test_helper

# start_py_receiver OUTFILE N: a python3 UDP receiver on a kernel-chosen
# loopback port that prints "receiving on 127.0.0.1:PORT", then for each of
# N datagrams one line "PORT LENGTH REPR" (the sender's port, the length,
# the bytes as Python shows them, cut at 40), and exits; every wait is
# bounded. Sets PORT and BG_PID.
start_py_receiver() {
    start_bg "$1" "$PYTHON" -u "$PEERS/udp-collector.py" "$2"
    wait_ready "$1"
}

@test "09-udp-sender: each line is one datagram without its newline; a python3 receiver sees the port getsockname names" {
    start_py_receiver "$BATS_TEST_TMPDIR/recv" 3
    printf 'one\n\ntwo three\n' >"$BATS_TEST_TMPDIR/lines"
    run bare "$BIN/09-udp-sender" --port "$PORT" <"$BATS_TEST_TMPDIR/lines"
    assert_success
    local out="$output"
    assert_line "sending each line of input to 127.0.0.1:$PORT as one datagram"
    assert_line "datagram 1: 3 bytes to 127.0.0.1:$PORT"
    assert_line "datagram 2: 0 bytes to 127.0.0.1:$PORT"
    assert_line "datagram 3: 9 bytes to 127.0.0.1:$PORT"
    sender_port
    local sport=$SPORT
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/recv"
    assert_line --index 1 "$sport 3 b'one'"
    assert_line --index 2 "$sport 0 b''"
    assert_line --index 3 "$sport 9 b'two three'"
    plain && return 0
    run unwrap <(printf '%s\n' "$out")
    assert_line "socket(AF_INET, SOCK_DGRAM, 0) = 3"
    assert_line "sendto(3, \"one\", 3, 0, 127.0.0.1:$PORT, 16) = 3"
    assert_line "sendto(3, \"\", 0, 0, 127.0.0.1:$PORT, 16) = 0"
    assert_line "sendto(3, \"two three\", 9, 0, 127.0.0.1:$PORT, 16) = 9"
    refute_line --regexp '^(connect|bind|listen|accept)\('
    assert_line "getsockname(3, 0.0.0.0:$sport, 16) = 0"
    # The kernel chose the port at the first sendto(), not before.
    assert_line "    kernel: udp 0.0.0.0:$sport (from /proc/net/udp)"
    local first
    first=$(grep -m 1 -E '^(sendto|getsockname)\(|kernel: udp' <<<"$output")
    [[ "$first" == sendto* ]]
}

@test "09-udp-sender: each narrated call and its result match strace, a failing sendto included" {
    plain && skip "the plain build narrates nothing"
    need_strace
    # LeakSanitizer cannot work under ptrace (the sanitizer build).
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
    start_py_receiver "$BATS_TEST_TMPDIR/recv" 2
    printf 'hello\n\n' >"$BATS_TEST_TMPDIR/lines"
    run bare "${TRACE[@]}" "$BATS_TEST_TMPDIR/trace" "$BIN/09-udp-sender" \
        --port "$PORT" <"$BATS_TEST_TMPDIR/lines"
    assert_success
    printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out"
    strace_matches "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/trace"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    # Port 0 is no destination: sendto() fails with EINVAL on Linux.
    run bare "${TRACE[@]}" "$BATS_TEST_TMPDIR/trace2" "$BIN/09-udp-sender" \
        --port 0 --message x
    assert_failure 1
    printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out2"
    strace_matches "$BATS_TEST_TMPDIR/out2" "$BATS_TEST_TMPDIR/trace2"
    run grep -c 'sendto(3<.*) = -1 EINVAL' "$BATS_TEST_TMPDIR/trace2"
    assert_output 1
}

@test "09-udp-sender: to port 0 sendto() fails with EINVAL: perror, exit 1" {
    run_lesson timeout "$WAIT_LOOPBACK" "$BIN/09-udp-sender" --port 0 --message x
    assert_failure 1
    assert_line "sendto: Invalid argument"
    refute_line --regexp '^datagram 1:'
    plain && return 0
    run unwrap <(printf '%s\n' "$output")
    assert_line "sendto(3, \"x\", 1, 0, 127.0.0.1:0, 16) = -1 EINVAL (Invalid argument)"
}

@test "09-udp-sender: --message is sent as it is, as one datagram" {
    start_py_receiver "$BATS_TEST_TMPDIR/recv" 1
    run_lesson "$BIN/09-udp-sender" --port "$PORT" --message $'two\nlines'
    assert_success
    local out="$output"
    assert_line "datagram 1: 9 bytes to 127.0.0.1:$PORT"
    assert_line --regexp '^sent 1 datagram from 0\.0\.0\.0:[0-9]+$'
    refute_line --partial "sending each line"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/recv"
    assert_line --index 1 --regexp "^[0-9]+ 9 b'two\\\\nlines'$"
    plain && return 0
    run unwrap <(printf '%s\n' "$out")
    assert_line "sendto(3, \"two\\nlines\", 9, 0, 127.0.0.1:$PORT, 16) = 9"
}

@test "09-udp-sender: a NUL byte inside a line is sent too" {
    start_py_receiver "$BATS_TEST_TMPDIR/recv" 1
    printf 'a\0b\n' >"$BATS_TEST_TMPDIR/lines"
    run bare "$BIN/09-udp-sender" --port "$PORT" <"$BATS_TEST_TMPDIR/lines"
    assert_success
    assert_line "datagram 1: 3 bytes to 127.0.0.1:$PORT"
    wait_exit "$BG_PID"
    run cat "$BATS_TEST_TMPDIR/recv"
    assert_line --index 1 --regexp "^[0-9]+ 3 b'a\\\\x00b'$"
}

@test "09-udp-sender: sending with nobody receiving succeeds, and no error is recorded" {
    local port
    port=$(free_port udp)
    printf 'a\nb\nc\n' >"$BATS_TEST_TMPDIR/lines"
    run bare timeout "$WAIT_LOOPBACK" "$BIN/09-udp-sender" --port "$port" \
        <"$BATS_TEST_TMPDIR/lines"
    assert_success
    assert_line "datagram 3: 1 byte to 127.0.0.1:$port"
    assert_line --regexp '^sent 3 datagrams from 0\.0\.0\.0:[0-9]+$'
    plain && return 0
    run unwrap <(printf '%s\n' "$output")
    assert_line "sendto(3, \"c\", 1, 0, 127.0.0.1:$port, 16) = 1"
    assert_line "getsockopt(3, SOL_SOCKET, SO_ERROR, [0], [4]) = 0"
    refute_output --partial "ECONNREFUSED ("
    # (the explanation is wrapped: compared with its lines joined)
    [[ "$(tr -s ' \n' '  ' <<<"$output")" == *"does not report an ICMP \"port unreachable\" to an unconnected UDP socket"* ]]
}

@test "09-udp-sender: a line of exactly 65507 bytes goes whole; a longer one stops it with the limit named, exit 1" {
    start_py_receiver "$BATS_TEST_TMPDIR/recv" 2
    {
        printf 'first\n'
        head -c 65507 /dev/zero | tr '\0' y
        printf '\n'
        head -c 65508 /dev/zero | tr '\0' z
        printf '\nafter\n'
    } >"$BATS_TEST_TMPDIR/lines"
    run bare timeout "$WAIT_LOOPBACK" "$BIN/09-udp-sender" --port "$PORT" \
        <"$BATS_TEST_TMPDIR/lines"
    assert_failure 1
    assert_line "datagram 2: 65507 bytes to 127.0.0.1:$PORT"
    assert_line "line 3 is longer than a datagram can be (65507 bytes)"
    refute_line --regexp '^datagram 3'
    wait_exit "$BG_PID"
    run cat "$BATS_TEST_TMPDIR/recv"
    assert_line --index 1 --regexp "^[0-9]+ 5 b'first'$"
    assert_line --index 2 --regexp "^[0-9]+ 65507 b'y+'$"
    refute_output --partial "after"
    plain && return 0
    run unwrap <(printf '%s\n' "$output")
    refute_line --regexp '^sendto\(3, "z'
}

# The sanitizer build relaxes this bound: .ci/run runs it against build/.
# bats test_tags=memory-bound
@test "09-udp-sender: endless input with no newline (/dev/zero): memory stays small, the limit is named, exit 1" {
    # The sanitizers reserve terabytes of address space: no ulimit -v there.
    local limit=""
    [[ "$BIN" == */sanitize ]] || limit="ulimit -v 32768;"
    # shellcheck disable=SC2016 # expanded by the inner bash
    run timeout "$WAIT_LOOPBACK" bash -c "$limit"' exec "$0" "$1" --port 9 </dev/zero' \
        "$ROOT/tests/hostile/run-clean" "$BIN/09-udp-sender"
    [ "$status" -ne 124 ] # it ended by itself, not killed by timeout
    assert_failure 1
    assert_line "line 1 is longer than a datagram can be (65507 bytes)"
    refute_line --partial "datagram 1:"
}

@test "09-udp-sender: stdin closed at start: end of input at once, nothing sent, exit 0" {
    # Closed inside bash -c: closed around `run` itself, fd 0 would be the
    # read end of the pipe bats captures the output with.
    # shellcheck disable=SC2016 # expanded by the inner bash
    run timeout "$WAIT_LOOPBACK" bash -c '"$0" "$@" <&-' "$ROOT/tests/hostile/run-clean" \
        "$BIN/09-udp-sender" --port 9
    [ "$status" -ne 124 ] # it ended by itself, not killed by timeout
    assert_success
    assert_line "sent 0 datagrams from 0.0.0.0:0"
    plain && return 0
    # fd 0 was /dev/null, not the socket: the socket is still fd 3
    assert_line "socket(AF_INET, SOCK_DGRAM, 0) = 3"
    refute_line --regexp '^sendto\('
}

@test "09-udp-sender: empty input sends nothing and exits 0" {
    run bare timeout "$WAIT_LOOPBACK" "$BIN/09-udp-sender" --port "$(free_port udp)" \
        </dev/null
    assert_success
    assert_line "sent 0 datagrams from 0.0.0.0:0"
    plain && return 0
    refute_line --regexp '^sendto\('
    assert_line "close(3) = 0"
}

@test "09-udp-sender: a line of input is waited for past --timeout, as nc does, then sent" {
    local port
    port=$(free_port udp)
    # stdin: a pipe whose writer is silent for 3 s, three times --timeout,
    # then writes a line and ends. The sender's clock would have run out
    # long before: it waits for the line and sends it.
    # shellcheck disable=SC2016 # expanded by the inner bash
    run timeout "$WAIT_RUN" bash -c '"$0" "$1" --port "$2" --timeout 1 \
        < <(exec 3>&- 4>&-; sleep 3; echo late)' \
        "$ROOT/tests/hostile/run-clean" "$BIN/09-udp-sender" "$port"
    assert_success
    assert_line "datagram 1: 4 bytes to 127.0.0.1:$port"
    assert_line --regexp '^sent 1 datagram from 0\.0\.0\.0:[0-9]+$'
    refute_output --partial "within --timeout"
}

@test "09-udp-sender: at a terminal, lines typed at a --step prompt are sent, none lost" {
    start_py_receiver "$BATS_TEST_TMPDIR/recv" 2
    run timeout "$WAIT_SHORT" "$PYTHON" "$PEERS/tty-step-sender.py" "$BIN/09-udp-sender" "$PORT"
    assert_success
    assert_line "exit 0"
    assert_line --regexp '^sent 2 datagrams from '
    assert_line --regexp '^datagram 2: 6 bytes to 127\.0\.0\.1:[0-9]+'
    refute_line --regexp '^datagram 3'
    plain || assert_line "kept"
    wait_exit "$BG_PID"
    run cat "$BATS_TEST_TMPDIR/recv"
    assert_line --index 1 --regexp "^[0-9]+ 5 b'first'$"
    assert_line --index 2 --regexp "^[0-9]+ 6 b'second'$"
}

@test "09-udp-sender: bad options exit 2 with one line naming the option" {
    local args
    for args in "--port 65536" "--port -1" "--timeout x" "--host 1.2.3" \
        "--message" "--count 2" "--bogus"; do
        # shellcheck disable=SC2086 # split the option from its value
        run bare timeout "$((30 * SCALE))" "$BIN/09-udp-sender" $args </dev/null
        assert_failure 2
        [ "${#lines[@]}" -eq 1 ]
        assert_output --partial "${args%% *}"
    done
}

@test "09-udp-sender: --help shows --message, the 65507-byte limit, and what --timeout bounds" {
    run_lesson "$BIN/09-udp-sender" --help
    assert_success
    assert_output --partial "--message T"
    assert_output --partial "65507 bytes"
    assert_output --partial "seconds sendto() may wait (a line of input is waited for as"
    assert_output --partial "long as it takes, as nc does; default 30)"
    refute_output --partial "--count"
}
