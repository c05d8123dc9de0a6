#!/usr/bin/env bats
# Lesson 04: accept

load test_helper

@test "04-accept: builds alone with one plain cc command" {
    run cc -std=c11 -Wall -Wextra -Werror -pedantic \
        "$ROOT/lessons/04-accept/accept.c" -o "$BATS_TEST_TMPDIR/accept"
    assert_success
    assert_output ""
}

@test "04-accept: serves 05-connect on a kernel-chosen port, narrating real values" {
    start_server "$BATS_TEST_TMPDIR/server" 04-accept --count 1
    run_lesson "$BIN/05-connect" --port "$PORT"
    assert_success
    assert_output --partial "hello 127.0.0.1:"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "bind(3, 127.0.0.1:0, 16) = 0"
    assert_line "listen(3, 5) = 0"
    assert_line "getsockname(3, 127.0.0.1:$PORT, 16) = 0"
    assert_line --regexp "^accept\(3, 127\.0\.0\.1:[0-9]+, 16\) = 4$"
    assert_line --regexp "^send\(4, \"hello 127\.0\.0\.1:.*, MSG_NOSIGNAL\) = [0-9]+$"
    assert_line "close(4) = 0"
    assert_line "close(3) = 0"
}

@test "04-accept: the client address printed by accept is the client's real port" {
    start_server "$BATS_TEST_TMPDIR/server" 04-accept --count 1
    run python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
print(s.getsockname()[1])
print(s.recv(200).decode(), end="")
' "$PORT"
    assert_success
    local cport="${lines[0]}"
    assert_line --index 1 "hello 127.0.0.1:$cport, you are client 1"
    wait_exit "$BG_PID"
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "accept(3, 127.0.0.1:$cport, 16) = 4"
}

@test "04-accept: --count 3 serves three nc clients one after another" {
    start_server "$BATS_TEST_TMPDIR/server" 04-accept --count 3
    for i in 1 2 3; do
        run timeout 5 nc -q 1 127.0.0.1 "$PORT" </dev/null
        assert_success
        assert_output --regexp "^hello 127\.0\.0\.1:[0-9]+, you are client $i$"
    done
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
}

@test "04-accept: the port already in use fails with EADDRINUSE, explained" {
    start_server "$BATS_TEST_TMPDIR/first" 04-accept --count 1
    run_lesson "$BIN/04-accept" --port "$PORT"
    assert_failure 1
    assert_line "bind(3, 127.0.0.1:$PORT, 16) = -1 EADDRINUSE (Address already in use)"
    assert_output --partial "likely cause:"
    assert_output --partial "try:"
}

@test "04-accept: no client within --timeout: clear message and exit 1" {
    run_lesson timeout 10 "$BIN/04-accept" --port 0 --timeout 1
    assert_failure 1
    assert_line --regexp "^accept\(3, &client, &len\) = -1 EAGAIN \(.*\)$"
    assert_output --partial "timed out: no client connected within --timeout 1 s"
}
