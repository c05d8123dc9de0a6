#!/usr/bin/env bats
# Lesson 02: bind

load test_helper

# bound_port: the port of the line "bound to 127.0.0.x:PORT" in $output.
bound_port() {
    local line
    line=$(grep -E '^bound to [0-9.]+:[0-9]+$' <<<"$output" | head -n 1)
    [ -n "$line" ]
    PORT="${line##*:}"
}

# hold PROTO ADDR: a Python socket (TCP listening, or UDP) bound to ADDR
# in the background; sets PORT to its port. The port is one that TCP on
# 127.0.0.1 has free too, and below the kernel's ephemeral range (32768 on
# up on Linux), so that no other test's socket, given a port by the kernel,
# can take it on 127.0.0.1 before the lesson binds it there.
hold() {
    start_bg "$BATS_TEST_TMPDIR/holder" "$PYTHON" "$PEERS/hold-low-port.py" "$1" "$2"
    wait_ready "$BATS_TEST_TMPDIR/holder"
}

@test "02-bind: --port 0: the kernel chooses, getsockname tells, the port's bytes come back high byte first" {
    run_lesson "$BIN/02-bind" --port 0
    assert_success
    bound_port
    [ "$PORT" -gt 0 ]
    assert_line "  sin_port   00 00                      port 0, high byte first"
    assert_line "  sin_port   $(printf '%02x %02x' $((PORT >> 8)) $((PORT & 255)))                      port $PORT, the kernel's choice"
    assert_line "the second bind() failed with EADDRINUSE, as it must"
    plain && return 0
    local said
    # port 0's bytes read the same in either order: no swap is told
    said=$(tr -s ' \n' '  ' <<<"$output") # narration unwrapped
    [[ "$said" == *"htons(0) put the high byte first; on this "*"-endian machine it changes nothing you can see: 0 is 00 00"* ]]
    refute_output --partial "swaps the two bytes"
    assert_line "bind(3, 127.0.0.1:0, 16) = 0"
    assert_line "    port 0 asks the kernel to choose a free port; getsockname() tells which it"
    assert_line "getsockname(3, 127.0.0.1:$PORT, 16) = 0"
    assert_line "bind(4, 127.0.0.1:$PORT, 16) = -1 EADDRINUSE (Address already in use)"
    assert_line "close(4) = 0"
    assert_line "close(3) = 0"
}

@test "02-bind: htons and the bytes of struct sockaddr_in, in network order" {
    local port hi lo
    port=$(free_port)
    hi=$(printf '%02x' $((port >> 8)))
    lo=$(printf '%02x' $((port & 255)))
    run_lesson "$BIN/02-bind" --host 127.0.0.2 --port "$port"
    assert_success
    assert_line "struct sockaddr_in, 16 bytes, as bind() gets them:"
    assert_line --regexp "^  sin_family (02 00|00 02) +AF_INET, in this machine's byte order$"
    assert_line "  sin_port   $hi $lo                      port $port, high byte first"
    assert_line "  sin_addr   7f 00 00 02                127.0.0.2, in network byte order"
    assert_line "  sin_zero   00 00 00 00 00 00 00 00    zero"
    assert_line "bound to 127.0.0.2:$port"
    # a fixed port is not dumped a second time
    [ "$(grep -c '^  sin_port ' <<<"$output")" -eq 1 ]
    plain && return 0
    local said order
    said=$(tr -s ' \n' '  ' <<<"$output") # narration unwrapped
    order=$("$PYTHON" -c 'import sys; print(sys.byteorder)')
    if [ "$order" = little ]; then
        [[ "$said" == *"htons($port) put the high byte first; on this little-endian machine it swaps the two bytes"* ]]
    else
        [[ "$said" == *"htons($port) put the high byte first; on this big-endian machine it changes nothing"* ]]
    fi
    assert_line "bind(3, 127.0.0.2:$port, 16) = 0"
    assert_line "getsockname(3, 127.0.0.2:$port, 16) = 0"
}

@test "02-bind: the deliberate EADDRINUSE is narrated as expected, with no advice" {
    run_lesson "$BIN/02-bind" --port 0
    assert_success
    bound_port
    assert_line "the second bind() failed with EADDRINUSE, as it must"
    plain && return 0
    assert_line "bind(4, 127.0.0.1:$PORT, 16) = -1 EADDRINUSE (Address already in use)"
    assert_line --regexp "^    fd 3 has 127\.0\.0\.1:$PORT, and neither socket set SO_REUSEADDR: this bind\(\)$"
    assert_line --regexp "^    expected: this program meets it on purpose; the usual cause: another$"
    assert_output --partial "already has 127.0.0.1:$PORT"
    refute_output --partial "try:"
    refute_output --partial "likely cause:"
}

@test "02-bind: a real EADDRINUSE (a Python socket holds the port) exits 1, with advice naming the real port and its holder" {
    hold tcp 127.0.0.1
    run_lesson "$BIN/02-bind" --port "$PORT"
    assert_failure 1
    assert_line "bind: Address already in use"
    refute_output --partial "bound to"
    refute_output --partial "second bind()"
    plain && return 0
    assert_line "bind(3, 127.0.0.1:$PORT, 16) = -1 EADDRINUSE (Address already in use)"
    assert_output --partial "likely cause: another socket already has 127.0.0.1:$PORT"
    assert_line --regexp "^    try: see who holds it: ss -tanp 'sport = :$PORT' "
    refute_output --partial "expected:"
    assert_line "close(3) = 0"
    # on Linux the holder, from /proc/net/tcp: the Python listener
    local said
    said=$(tr -s ' \n' '  ' <<<"$output") # narration unwrapped
    [[ "$said" == *" kernel: port $PORT is held by a listener on 127.0.0.1:$PORT (from /proc/net/tcp) fd 3 did not set SO_REUSEADDR before bind(): "*"a listener's port cannot "* ]]
}

@test "02-bind: a port is per protocol and per address: a UDP socket or 127.0.0.2 on it does not stop the bind" {
    hold udp 127.0.0.1
    run_lesson "$BIN/02-bind" --port "$PORT"
    assert_success
    assert_line "bound to 127.0.0.1:$PORT"
    kill_all_bg
    hold tcp 127.0.0.2
    run_lesson "$BIN/02-bind" --port "$PORT"
    assert_success
    assert_line "bound to 127.0.0.1:$PORT"
}

@test "02-bind: the kernel line: a bound TCP socket that does not listen is not in /proc/net/tcp" {
    plain && skip "the plain build narrates nothing"
    [ -r /proc/net/tcp ] || skip "no /proc/net/tcp"
    run_lesson "$BIN/02-bind" --port 0
    assert_success
    assert_line --regexp '^    kernel: fd 3 is socket:\[[0-9]+\], not in /proc/net yet$'
    # bound, and still not listed: the rule is told there
    [[ "$(tr -s ' \n' '  ' <<<"$output")" == *"a TCP socket is listed there only once it listens or has a connection (bound is not enough)"* ]]
    # with a port of its own (not 0), the bind line says what that means
    run_lesson "$BIN/02-bind" --port "$(free_port)"
    assert_success
    assert_line --regexp '^    fd 3 now has the address 127\.0\.0\.1:[0-9]+\. It takes no connections until it$'
}

@test "02-bind: each narrated call and its result match strace, the deliberate failure too" {
    plain && skip "the plain build narrates nothing"
    need_strace
    # LeakSanitizer cannot run under ptrace: off for a sanitizer build
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
    run_lesson "${TRACE[@]}" "$BATS_TEST_TMPDIR/trace" "$BIN/02-bind" --port 0
    assert_success
    bound_port
    printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out"
    strace_matches "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/trace"
    run grep -E "^[0-9]+ +bind\(4<TCP:\[[0-9]+\]>, \{sa_family=AF_INET, sin_port=htons\($PORT\), sin_addr=inet_addr\(\"127\.0\.0\.1\"\)\}, 16\) = -1 EADDRINUSE" \
        "$BATS_TEST_TMPDIR/trace"
    assert_success
    # the real failure: the first bind() fails, and fd 3 is closed
    hold tcp 127.0.0.1
    run_lesson "${TRACE[@]}" "$BATS_TEST_TMPDIR/trace2" "$BIN/02-bind" \
        --port "$PORT"
    assert_failure 1
    printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out2"
    strace_matches "$BATS_TEST_TMPDIR/out2" "$BATS_TEST_TMPDIR/trace2"
}

@test "02-bind: --help lists --host and --port, not --timeout; a bad option exits 2 with one line" {
    run_lesson "$BIN/02-bind" --help
    assert_success
    assert_line "usage: $BIN/02-bind [options]"
    assert_output --partial "--host ADDR    the address to bind to"
    assert_output --partial "--port N"
    refute_output --partial "--timeout"
    refute_output --partial "--count"
    run bash -c '"$1" --timeout 5 2>&1 >/dev/null' _ "$BIN/02-bind"
    assert_failure 2
    assert_output "02-bind: --timeout: unknown option (see --help)"
    run bash -c '"$1" --host localhost 2>&1 >/dev/null' _ "$BIN/02-bind"
    assert_failure 2
    assert_output --regexp "^02-bind: --host: expected an IPv4 address such as 127\.0\.0\.1.*, got 'localhost' \(see --help\)$"
    run bash -c '"$1" --port=-1 2>&1 >/dev/null' _ "$BIN/02-bind"
    assert_failure 2
    assert_output "02-bind: --port: expected a port from 0 to 65535, got '-1' (see --help)"
}
