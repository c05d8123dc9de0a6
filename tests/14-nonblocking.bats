#!/usr/bin/env bats
# Lesson 14: a non-blocking connect(), bounded by poll()

# PORT, BG_PID and EXIT_STATUS are set by test_helper.
# shellcheck disable=SC2153
load test_helper
load hostile/common

# hold_port OUTFILE: a socket bound to 127.0.0.1 that does not listen, in
# the background: a SYN to its port is answered with a RST. Sets PORT.
hold_port() {
    start_bg "$1" "$PYTHON" "$PEERS/hold-port.py" bound
    wait_for "$1" '^port [0-9]+$'
    PORT=$(sed -n 's/^port //p' "$1")
}

@test "14-nonblocking: connect() says EINPROGRESS, poll() waits for POLLOUT, SO_ERROR is 0; 04-accept greets it" {
    greeted 127.0.0.1 "$BIN/14-nonblocking-connect"
    plain && return 0
    assert_line --regexp '^fcntl\(3, F_GETFL\) = 0x[0-9a-f]+ \(.*O_RDWR.*\)$'
    assert_line --regexp '^fcntl\(3, F_SETFL, O_NONBLOCK\|.*\) = 0$'
    assert_line "connect(3, 127.0.0.1:$PORT, 16) = -1 EINPROGRESS (Operation now in progress)"
    assert_said "expected: fd 3 is non-blocking (O_NONBLOCK), so connect() only began the handshake"
    assert_line "poll([{fd=3, events=POLLOUT}], 1, 30000) = 1"
    assert_line "    ready: {fd=3, revents=POLLOUT}"
    assert_line "getsockopt(3, SOL_SOCKET, SO_ERROR, [0], [4]) = 0"
    assert_said "0 means the handshake succeeded"
    # The order: O_NONBLOCK, then connect(), poll() and SO_ERROR.
    local f c p g
    f=$(grep -n '^fcntl(3, F_SETFL' <<<"$output" | cut -d: -f1)
    c=$(grep -n '^connect(3' <<<"$output" | cut -d: -f1)
    p=$(grep -n '^poll(\[{fd=3, events=POLLOUT' <<<"$output" | cut -d: -f1)
    g=$(grep -n '^getsockopt(3, SOL_SOCKET, SO_ERROR' <<<"$output" | cut -d: -f1)
    [ "$f" -lt "$c" ] && [ "$c" -lt "$p" ] && [ "$p" -lt "$g" ]
}

@test "14-nonblocking: over IPv6 to 11-dual-stack-server on ::1" {
    need_ipv6
    greeted ::1 "$BIN/14-nonblocking-connect"
    plain && return 0
    assert_line "connect(3, [::1]:$PORT, 28) = -1 EINPROGRESS (Operation now in progress)"
}

@test "14-nonblocking: nothing listens: SO_ERROR says ECONNREFUSED, exit 1" {
    hold_port "$BATS_TEST_TMPDIR/holder"
    run_lesson timeout "$WAIT_LOOPBACK" "$BIN/14-nonblocking-connect" --host 127.0.0.1 \
        --port "$PORT" --timeout 5
    assert_failure 1
    assert_line "connect: Connection refused"
    assert_line "could not connect to 127.0.0.1 port $PORT"
    refute_line --partial "connected to"
    plain && return 0
    assert_line "connect(3, 127.0.0.1:$PORT, 16) = -1 EINPROGRESS (Operation now in progress)"
    assert_line "    ready: {fd=3, revents=POLLOUT|POLLERR|POLLHUP}"
    assert_line "getsockopt(3, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]) = 0"
    assert_said "likely cause: nothing is listening on 127.0.0.1:$PORT"
    assert_line "freeaddrinfo(res)"
    # No connection existed: closing the socket ends none.
    refute_output --partial "end the connection: with a FIN"
}

@test "14-nonblocking: a server whose queue is full: poll() gives up after --timeout" {
    full_queue_gives_up 14-nonblocking-connect
    echo "took $TOOK_MS ms"
    # Not before its second; that it gave up by itself at all is the exit
    # status 1 (a lesson that waited on would be killed by timeout: 124).
    ((TOOK_MS >= 900))
    plain && return 0
    assert_line "poll([{fd=3, events=POLLOUT}], 1, 1000) = 0"
    assert_line "    nothing was ready before the timeout"
}

@test "14-nonblocking: recv() fails with EAGAIN until data comes; poll() waits for POLLIN" {
    local flag="$BATS_TEST_TMPDIR/flag" out="$BATS_TEST_TMPDIR/client"
    start_bg "$BATS_TEST_TMPDIR/server" "$PYTHON" "$PEER" late-server "$flag"
    wait_ready "$BATS_TEST_TMPDIR/server"
    start_bg "$out" "$BIN/14-nonblocking-connect" --host 127.0.0.1 \
        --port "$PORT" --timeout 10
    local client=$BG_PID
    wait_for "$out" '^connected to '
    plain || wait_for "$out" '^recv\(3, buf, 4096, 0\) = -1 EAGAIN'
    wait_blocked "$client" # in poll(), waiting for POLLIN
    run grep -c '^late' "$out"
    assert_output 0 # nothing has come yet
    touch "$flag"
    wait_exit "$client"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$out"
    assert_line 'late\n'
    plain && return 0
    assert_line "recv(3, buf, 4096, 0) = -1 EAGAIN (Resource temporarily unavailable)"
    assert_said "recv() on a non-blocking socket does not wait"
    assert_line "    ready: {fd=3, revents=POLLIN}"
    assert_line 'recv(3, "late\n", 4096, 0) = 5'
    local a d
    a=$(grep -n '= -1 EAGAIN' "$out" | head -n 1 | cut -d: -f1)
    d=$(grep -n '^late' "$out" | cut -d: -f1)
    [ "$a" -lt "$d" ]
}

@test "14-nonblocking: a server that neither sends nor closes: poll() for POLLIN times out, exit 1" {
    silent_server_times_out 14-nonblocking-connect
    plain && return 0
    assert_line "poll([{fd=3, events=POLLIN}], 1, 1000) = 0"
}

@test "14-nonblocking: a socat server over IPv6 sends two lines" {
    need_ipv6
    socat_lines ::1
    run_lesson "$BIN/14-nonblocking-connect" --host ::1 --port "$PORT"
    assert_success
    assert_output --partial 'one\ntwo\n'
}

@test "14-nonblocking: each narrated call and its result match strace, refused and connected" {
    plain && skip "the plain build narrates nothing"
    need_strace
    untraceable_leaks
    hold_port "$BATS_TEST_TMPDIR/holder"
    traced_client 1 refused "$BIN/14-nonblocking-connect" --host 127.0.0.1 \
        --port "$PORT"
    start_server "$BATS_TEST_TMPDIR/server" 04-accept --count 1
    traced_client 0 client "$BIN/14-nonblocking-connect" --host 127.0.0.1 \
        --port "$PORT"
    run grep -c 'SO_ERROR' "$BATS_TEST_TMPDIR/client.trace"
    assert_output 1
}

@test "14-nonblocking: the Python equivalent does the same against 04-accept, 11 and a late server" {
    need_ipv6
    local py="$ROOT/docs/python/14_nonblocking.py"
    greeted 127.0.0.1 "$PYTHON" "$py"
    greeted ::1 "$PYTHON" "$py"
    hold_port "$BATS_TEST_TMPDIR/holder"
    run timeout "$WAIT_LOOPBACK" "$PYTHON" "$py" --host 127.0.0.1 --port "$PORT"
    assert_failure 1
    assert_line "connect: Connection refused"
    local flag="$BATS_TEST_TMPDIR/flag"
    start_bg "$BATS_TEST_TMPDIR/late" "$PYTHON" "$PEER" late-server "$flag"
    wait_ready "$BATS_TEST_TMPDIR/late"
    start_bg "$BATS_TEST_TMPDIR/pyclient" "$PYTHON" "$py" --host 127.0.0.1 \
        --port "$PORT" --timeout 10
    local client=$BG_PID
    wait_for "$BATS_TEST_TMPDIR/pyclient" '^recv: nothing yet \(EAGAIN\)'
    touch "$flag"
    wait_exit "$client"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/pyclient"
    assert_line 'late\n'
}

@test "14-nonblocking: --help says what --timeout bounds" {
    run_lesson "$BIN/14-nonblocking-connect" --help
    assert_success
    assert_output --partial "--host NAME"
    assert_output --partial "seconds poll() waits for the handshake, and then for"
    refute_output --partial "--count"
}
