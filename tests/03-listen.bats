#!/usr/bin/env bats
# Lesson 03: listen

load test_helper

# A client that connects to 127.0.0.1:$1, prints "connected PORT" (its own
# port) as soon as connect() returns, then waits for data and prints what
# recv() said: "reset" when the listening socket is closed under it.
CLIENT='
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
print("connected", s.getsockname()[1], flush=True)
try:
    print("recv", s.recv(10), flush=True)
except ConnectionResetError:
    print("reset", flush=True)
'

# wait_line FILE REGEX [SECONDS]: wait until FILE has a line matching REGEX.
wait_line() {
    local i
    for ((i = 0; i < ${3:-10} * 20; i++)); do
        grep -qE "$2" "$1" 2>/dev/null && return 0
        sleep 0.05
    done
    echo "no line matching '$2' in $1:" >&2
    cat "$1" >&2
    return 1
}

@test "03-listen: builds alone with one plain cc command (gcc, and clang if present)" {
    run gcc -std=c11 -Wall -Wextra -Werror -pedantic \
        "$ROOT/lessons/03-listen/listen.c" -o "$BATS_TEST_TMPDIR/listen"
    assert_success
    assert_output ""
    if command -v clang >/dev/null; then
        run clang -std=c11 -Wall -Wextra -Werror -pedantic \
            "$ROOT/lessons/03-listen/listen.c" -o "$BATS_TEST_TMPDIR/listen-clang"
        assert_success
        assert_output ""
    fi
}

@test "03-listen: clients connect without accept(); the lesson reports them waiting, then they are reset" {
    local out="$BATS_TEST_TMPDIR/server" server c1 c2 p1 p2
    start_server "$out" 03-listen --count 2 --timeout 20
    server=$BG_PID
    start_bg "$BATS_TEST_TMPDIR/c1" python3 -c "$CLIENT" "$PORT"
    c1=$BG_PID
    start_bg "$BATS_TEST_TMPDIR/c2" python3 -c "$CLIENT" "$PORT"
    c2=$BG_PID
    wait_exit "$server" 20
    [ "$EXIT_STATUS" -eq 0 ]
    # both clients' connect() returned, though nobody called accept()
    wait_exit "$c1"
    wait_exit "$c2"
    run cat "$BATS_TEST_TMPDIR/c1" "$BATS_TEST_TMPDIR/c2"
    assert_line --index 0 --regexp "^connected [0-9]+$"
    assert_line --index 1 "reset"
    assert_line --index 2 --regexp "^connected [0-9]+$"
    assert_line --index 3 "reset"
    p1=${lines[0]#connected }
    p2=${lines[2]#connected }

    run cat "$out"
    assert_line "bind(3, 127.0.0.1:0, 16) = 0"
    assert_line "listen(3, 5) = 0"
    assert_line "getsockname(3, 127.0.0.1:$PORT, 16) = 0"
    assert_line "listening on 127.0.0.1:$PORT"
    refute_line --regexp "^accept\("
    assert_output --partial "client 127.0.0.1:$p1: its handshake is complete"
    assert_output --partial "client 127.0.0.1:$p2: its handshake is complete"
    assert_output --partial "kernel: tcp 127.0.0.1:$PORT -> 127.0.0.1:$p1 ESTABLISHED,"
    assert_output --partial "kernel: tcp 127.0.0.1:$PORT -> 127.0.0.1:$p2 ESTABLISHED,"
    assert_line "    2 connections waiting for accept() (the Recv-Q of the LISTEN socket)"
    assert_line "== done: 2 connections waiting, none accept()ed =="
    assert_line "close(3) = 0"
    assert_output --partial "the listening socket is gone, and with it its queue"
}

@test "03-listen: the LISTEN socket shows in /proc before any client" {
    [ -r /proc/net/tcp ] || skip "no /proc/net/tcp"
    start_server "$BATS_TEST_TMPDIR/server" 03-listen --count 1 --timeout 20
    # an independent look at the kernel's table, while the lesson waits
    local hexport
    hexport=$(printf '%04X' "$PORT")
    run grep -E "^ *[0-9]+: (0100007F|7F000001):$hexport 00000000:0000 0A " /proc/net/tcp
    assert_success
    run timeout 5 nc -z 127.0.0.1 "$PORT"
    wait_exit "$BG_PID" 20
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    assert_output --partial "kernel: tcp 127.0.0.1:$PORT LISTEN, 0 waiting for accept()"
    assert_line "    1 connection waiting for accept() (the Recv-Q of the LISTEN socket)"
}

@test "03-listen: the backlog of 5 lets 6 wait; the 7th client's connect() times out" {
    local out="$BATS_TEST_TMPDIR/server"
    start_server "$out" 03-listen --count 7 --timeout 4
    run timeout 15 python3 -c '
import socket, sys
held, ok, late = [], 0, 0
for i in range(7):
    s = socket.socket()
    s.settimeout(1)
    try:
        s.connect(("127.0.0.1", int(sys.argv[1])))
        ok += 1
    except (socket.timeout, OSError):
        late += 1
    held.append(s)
print(ok, "connected,", late, "timed out")
s.settimeout(10)
try:
    held[0].recv(1)
except OSError:
    pass
' "$PORT"
    assert_success
    assert_output "6 connected, 1 timed out"
    wait_exit "$BG_PID" 10
    [ "$EXIT_STATUS" -eq 1 ]
    run cat "$out"
    assert_line "    6 connections waiting for accept() (the Recv-Q of the LISTEN socket)"
    assert_output --partial "timed out: only 6 of 7 connections arrived within --timeout 4 s"
}

@test "03-listen: no --count: watches for --timeout seconds, then exits 0" {
    run timeout 10 "$BIN/03-listen" --port 0 --timeout 1
    assert_success
    assert_line --regexp "^listening on 127\.0\.0\.1:[0-9]+$"
    assert_output --partial "watching /proc/net/tcp for 1 s"
    assert_line "== done: 0 connections waiting, none accept()ed =="
    assert_output --partial "the listening socket is gone: new clients are now refused"
}

@test "03-listen: --count 1 and no client within --timeout: clear message and exit 1" {
    run timeout 10 "$BIN/03-listen" --port 0 --count 1 --timeout 1
    assert_failure 1
    assert_output --partial "timed out: only 0 of 1 connection arrived within --timeout 1 s; giving up"
    assert_line --regexp "^close\([0-9]+\) = 0$"
}

@test "03-listen: --help exits 0; a bad option exits 2 with one line naming it" {
    run "$BIN/03-listen" --help
    assert_success
    assert_output --partial "--count N"
    run bash -c '"$1" --count 0 2>&1 >/dev/null' _ "$BIN/03-listen"
    assert_failure 2
    assert_output "03-listen: --count: expected a whole number from 1 to 1000000, got '0' (see --help)"
    run bash -c '"$1" --timeout 2>&1 >/dev/null' _ "$BIN/03-listen"
    assert_failure 2
    assert_output "03-listen: --timeout: expected whole seconds from 1 to 86400 after it (see --help)"
}
