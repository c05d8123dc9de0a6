#!/usr/bin/env bats
# Lesson 07: shutdown and close

load test_helper


# From $output: PORT (the server's) and CPORT1, CPORT2 (the two clients').
read_ports() {
    local line
    line=$(grep -E '^listening on [0-9.]+:[0-9]+$' <<<"$output")
    PORT=${line##*:}
    mapfile -t cports < <(grep -E '^accept\(3, 127\.0\.0\.1:[0-9]+, 16\) = 5$' <<<"$output" |
        sed -E 's/^accept\(3, 127\.0\.0\.1:([0-9]+), .*/\1/')
    CPORT1=${cports[0]}
    CPORT2=${cports[1]}
    [ -n "$PORT" ] && [ -n "$CPORT1" ] && [ -n "$CPORT2" ]
}

# tcp_state LOCALPORT REMOTEPORT: the state /proc/net/tcp shows, in hex.
tcp_state() {
    awk -v l="$(printf '%04X' "$1")" -v r="$(printf '%04X' "$2")" \
        'NR > 1 { split($2, a, ":"); split($3, b, ":");
                  if (a[2] == l && b[2] == r) print $4 }' /proc/net/tcp
}

@test "07-close: builds alone with one plain cc command (gcc, and clang if present)" {
    run gcc -std=c11 -Wall -Wextra -Werror -pedantic \
        "$ROOT/lessons/07-close/close.c" -o "$BATS_TEST_TMPDIR/close"
    assert_success
    assert_output ""
    if command -v clang >/dev/null; then
        run clang -std=c11 -Wall -Wextra -Werror -pedantic \
            "$ROOT/lessons/07-close/close.c" -o "$BATS_TEST_TMPDIR/close-clang"
        assert_success
        assert_output ""
    fi
}

@test "07-close: half-close: recv() = 0 on the server, data still flows to the client" {
    run bare timeout 20 "$BIN/07-close" --port 0 --timeout 5
    assert_success
    read_ports
    assert_line "bind(3, 127.0.0.1:0, 16) = 0"
    assert_line "getsockname(3, 127.0.0.1:$PORT, 16) = 0"
    assert_line "connect(4, 127.0.0.1:$PORT, 16) = 0"
    assert_line 'send(4, "hello\n", 6, MSG_NOSIGNAL) = 6'
    assert_line 'recv(5, "hello\n", 64, 0) = 6'
    assert_line "shutdown(4, SHUT_WR) = 0"
    assert_output --partial "kernel: tcp 127.0.0.1:$CPORT1 -> 127.0.0.1:$PORT FIN_WAIT2 (from"
    assert_output --partial "kernel: tcp 127.0.0.1:$PORT -> 127.0.0.1:$CPORT1 CLOSE_WAIT (from"
    assert_line "recv(5, buf, 64, 0) = 0"
    assert_line 'send(5, "bye\n", 4, MSG_NOSIGNAL) = 4'
    assert_line 'recv(4, "bye\n", 64, 0) = 4'
}

@test "07-close: TIME_WAIT: on the client's port, then on the server's port" {
    [ -r /proc/net/tcp ] || skip "no /proc/net/tcp"
    run bare timeout 20 "$BIN/07-close" --port 0 --timeout 5
    assert_success
    read_ports
    assert_output --partial "kernel: tcp 127.0.0.1:$CPORT1 -> 127.0.0.1:$PORT TIME_WAIT, owned by no"
    assert_output --partial "kernel: tcp 127.0.0.1:$PORT -> 127.0.0.1:$CPORT2 TIME_WAIT, owned by no"
    # and the kernel agrees, seen from outside: 06 is TIME_WAIT
    [ "$(tcp_state "$CPORT1" "$PORT")" = 06 ]
    [ "$(tcp_state "$PORT" "$CPORT2")" = 06 ]
    # the server's end of the first connection is gone
    [ -z "$(tcp_state "$PORT" "$CPORT1")" ]
}

@test "07-close: the restarted server gets EADDRINUSE, then binds with SO_REUSEADDR" {
    run bare timeout 20 "$BIN/07-close" --port 0 --timeout 5
    assert_success
    read_ports
    local fail ok
    fail=$(grep -nxF "bind(3, 127.0.0.1:$PORT, 16) = -1 EADDRINUSE (Address already in use)" <<<"$output" | cut -d: -f1)
    ok=$(grep -nxF "bind(3, 127.0.0.1:$PORT, 16) = 0" <<<"$output" | cut -d: -f1)
    [ -n "$fail" ] && [ -n "$ok" ] && [ "$fail" -lt "$ok" ]
    # SO_REUSEADDR set on the new socket between the two
    run sed -n "${fail},${ok}p" <<<"$output"
    assert_line "setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0"
    assert_output --partial "the TIME_WAIT"
}

@test "07-close: what the lesson says about the port is true, seen from another program" {
    run bare timeout 20 "$BIN/07-close" --port 0 --timeout 5
    assert_success
    read_ports
    # The TIME_WAIT is still there (60 s): without SO_REUSEADDR no bind,
    # with it, yes.
    run python3 -c '
import socket, sys
for reuse in (0, 1):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, reuse)
    try:
        s.bind(("127.0.0.1", int(sys.argv[1])))
        print("reuse", reuse, "bound")
    except OSError as e:
        print("reuse", reuse, e.strerror)
    s.close()
' "$PORT"
    assert_success
    assert_line --index 0 "reuse 0 Address already in use"
    assert_line --index 1 "reuse 1 bound"
}

@test "07-close: the port taken by another program: the first bind fails, exit 1" {
    start_bg "$BATS_TEST_TMPDIR/holder" python3 -c '
import socket, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
print("listening on 127.0.0.1:%d" % s.getsockname()[1], flush=True)
time.sleep(30)
'
    wait_ready "$BATS_TEST_TMPDIR/holder"
    run bare timeout 20 "$BIN/07-close" --port "$PORT" --timeout 5
    assert_failure 1
    assert_line "bind(3, 127.0.0.1:$PORT, 16) = -1 EADDRINUSE (Address already in use)"
    assert_line "close(3) = 0"
    refute_line --regexp "^listening on"
}

@test "07-close: --help exits 0; a bad option exits 2 with one line naming it" {
    run "$BIN/07-close" --help
    assert_success
    assert_output --partial "usage: build/07-close"
    run bash -c '"$1" --timeout 0 2>&1 >/dev/null' _ "$BIN/07-close"
    assert_failure 2
    assert_output "07-close: --timeout: expected whole seconds from 1 to 86400, got '0' (see --help)"
    run bash -c '"$1" --no-colour 2>&1 >/dev/null' _ "$BIN/07-close"
    assert_failure 2
    assert_output "07-close: --no-colour: unknown option (see --help)"
}
