#!/usr/bin/env bats
# Lesson 04: accept

load test_helper

@test "04-accept: serves 05-connect on a kernel-chosen port" {
    start_server "$BATS_TEST_TMPDIR/server" 04-accept --count 1
    run_lesson "$BIN/05-connect" --port "$PORT"
    assert_success
    assert_output --partial "hello 127.0.0.1:"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    plain && return 0
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "bind(3, 127.0.0.1:0, 16) = 0"
    assert_line --regexp "^listen\(3, [0-9]+\) = 0$"
    assert_line "getsockname(3, 127.0.0.1:$PORT, 16) = 0"
    assert_line --regexp "^accept\(3, 127\.0\.0\.1:[0-9]+, 16\) = 4$"
    assert_line --regexp "^send\(4, \"hello 127\.0\.0\.1:.*, MSG_NOSIGNAL\) = [0-9]+$"
    assert_line "close(4) = 0"
    assert_line "close(3) = 0"
}

@test "04-accept: each narrated call and its result match strace" {
    plain && skip "the plain build narrates nothing"
    need_strace
    start_bg "$BATS_TEST_TMPDIR/server" "${TRACE[@]}" "$BATS_TEST_TMPDIR/trace" \
        "$BIN/04-accept" --port 0 --count 2 --timeout 10
    wait_ready "$BATS_TEST_TMPDIR/server"
    run timeout "$WAIT_RUN" nc -N 127.0.0.1 "$PORT" </dev/null
    assert_success
    run "$PYTHON" "$ROOT/tests/hostile/peer.py" rst-at-once "$PORT"
    wait_exit "$BG_PID"
    strace_matches "$BATS_TEST_TMPDIR/server" "$BATS_TEST_TMPDIR/trace"
}

@test "04-accept: the client address printed by accept is the client's real port" {
    start_server "$BATS_TEST_TMPDIR/server" 04-accept --count 1
    run "$PYTHON" -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
print(s.getsockname()[1])
print(s.recv(200).decode(), end="")
' "$PORT"
    assert_success
    local cport="${lines[0]}"
    assert_line --index 1 "hello 127.0.0.1:$cport, you are client 1"
    wait_exit "$BG_PID"
    plain && return 0
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "accept(3, 127.0.0.1:$cport, 16) = 4"
}

@test "04-accept: --count 3 serves three nc clients one after another" {
    start_server "$BATS_TEST_TMPDIR/server" 04-accept --count 3
    for i in 1 2 3; do
        run timeout "$WAIT_RUN" nc -N 127.0.0.1 "$PORT" </dev/null
        assert_success
        assert_output --regexp "^hello 127\.0\.0\.1:[0-9]+, you are client $i$"
    done
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
}

@test "04-accept: a lecture hall of 30 clients connecting at once all get their greeting" {
    start_server "$BATS_TEST_TMPDIR/server" 04-accept --count 30 --timeout 20
    run "$PYTHON" "$PEERS/hall-greeted.py" "$PORT"
    assert_output "30 of 30 greeted"
    wait_exit "$BG_PID" 20
    [ "$EXIT_STATUS" -eq 0 ]
}

@test "04-accept: the port already in use fails with EADDRINUSE, with the real port in the advice" {
    start_server "$BATS_TEST_TMPDIR/first" 04-accept --count 1
    run_lesson "$BIN/04-accept" --port "$PORT"
    assert_failure 1
    assert_line --partial "bind: Address already in use"
    plain && return 0
    assert_line "bind(3, 127.0.0.1:$PORT, 16) = -1 EADDRINUSE (Address already in use)"
    assert_output --partial "likely cause: another socket already has 127.0.0.1:$PORT"
    assert_output --partial "ss -tanp 'sport = :$PORT'"
}

@test "04-accept: no client within --timeout: says so and exits 1" {
    run_lesson timeout "$WAIT_LOOPBACK" "$BIN/04-accept" --port 0 --timeout 1
    assert_failure 1
    assert_output --partial "no client connected within --timeout 1 s"
    plain && return 0
    assert_line --regexp "^accept\(3, &addr, &len\) = -1 EAGAIN \(.*\)$"
}

@test "04-accept: served clients, then none within --timeout: exits 0" {
    # The client is started first and connects as soon as the port is
    # known, so the server's 1 s runs only after its first client.
    before_server "$BATS_TEST_TMPDIR/server" "$BATS_TEST_TMPDIR/nc" \
        timeout "$WAIT_RUN" nc -N 127.0.0.1 '{port}'
    local nc="$PEER_PID"
    start_server "$BATS_TEST_TMPDIR/server" 04-accept --count 5 --timeout 1
    wait_exit "$nc" 30
    [ "$EXIT_STATUS" -eq 0 ]
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    assert_output --partial "no more clients within --timeout 1 s"
}

@test "04-accept: --help lists only the options it takes, and says what --timeout bounds" {
    run_lesson "$BIN/04-accept" --help
    assert_success
    assert_output --partial "--count N"
    assert_output --partial "seconds accept() waits for each client"
    refute_output --partial "--message"
}
