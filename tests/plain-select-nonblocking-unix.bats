#!/usr/bin/env bats
# Three more plain programs of lessons/plain/, printed whole in the
# handout: the select() chat (lesson 13, beside poll-chat.c), the
# non-blocking client (lesson 14) and the Unix domain server (lesson 17).
# Each is built as plain-skeleton.bats builds the others, with a strict
# POSIX feature macro too, and runs against peers nobody here wrote:
# Python's socket module (bare, or in tests/hostile/peer.py), socat and nc.

# PORT, BG_PID and EXIT_STATUS are set by test_helper (wait_ready, wait_exit).
# shellcheck disable=SC2153
load test_helper
load hostile/common

teardown() {
    kill_all_bg
}

# build_plain NAME...: lessons/plain/NAME.c with the strict flags, into
# the test's own directory.
build_plain() {
    local f
    for f in "$@"; do
        cc_strict -D_POSIX_C_SOURCE=200809L \
            "$ROOT/lessons/plain/$f.c" -o "$BATS_TEST_TMPDIR/$f"
    done
}

# stopped PID: PID is stopped (state T), as after Ctrl-Z.
stopped() {
    [[ "$(ps -o stat= -p "$1")" == T* ]]
}

@test "plain 13: the select() chat relays to the others, and a client that never reads stalls nobody" {
    local dir="$BATS_TEST_TMPDIR" args
    build_plain select-chat
    start_bg "$dir/server.out" "$dir/select-chat" 127.0.0.1 0
    local server="$BG_PID"
    wait_ready "$dir/server.out"
    ((PORT > 0))
    # As plain-skeleton.bats does for poll-chat.c: a speaks once b and c
    # have joined, and both hear it; c leaves; b speaks, a hears it. Then
    # d joins and never reads, and a speaks in pieces of 64 KiB, each
    # heard by b before the next, until the server cuts d off.
    run_lesson timeout "$((3 * WAIT_LOOPBACK))" "$PYTHON" \
        "$PEERS/plain-chat-stall.py" "$PORT" "$dir/server.out" $'hi \e[2J all\n'
    assert_success
    assert_output "b'hi \\x1b[2J all\\n' b'hi \\x1b[2J all\\n'
b'bye\\n'
b heard every piece; d cut off after True
d read to its end"
    ss_running "$server"
    run cat "$dir/server.out"
    assert_line --index 0 "listening on 127.0.0.1:$PORT"
    assert_line --regexp '^fd [0-9]+ left$'
    for args in '127.0.0.1 8x' '127.0.0.1 65536' 'localhost 0' '127.0.0.1'; do
        eval "run_lesson \"\$dir/select-chat\" $args"
        [ "$status" -eq 2 ] || { echo "select-chat $args: $status" >&2; false; }
        assert_output --partial 'usage: '
    done
}

@test "plain 13: a client whose descriptor is FD_SETSIZE or more is turned away, the others chat on" {
    local dir="$BATS_TEST_TMPDIR" hard
    hard=$(ulimit -Hn)
    [[ "$hard" == unlimited ]] || ((hard >= 1100)) ||
        skip "the hard limit on descriptors ($hard) is below 1100"
    build_plain select-chat
    # bash opens descriptors 3 to 1021 and raises the limit above 1024,
    # then runs the server: its listening socket is 1022, its first
    # client 1023, the last select() can watch. The second gets 1024:
    # FD_SET() on it would write past the set. Python connects.
    # shellcheck disable=SC2016 # bash, not this shell, expands $fd and $0
    run_lesson timeout "$((3 * WAIT_LOOPBACK))" "$PYTHON" -c 'import socket, subprocess, sys
p = subprocess.Popen(["bash", "-c", """ulimit -n 1100 || exit 1
for ((fd = 3; fd < 1022; fd++)); do eval "exec $fd</dev/null"; done
exec "$0" 127.0.0.1 0""", sys.argv[1]], text=True, stdout=subprocess.PIPE)
port = int(p.stdout.readline().rsplit(":", 1)[1])
def client():
    return socket.create_connection(("127.0.0.1", port), timeout=10)
a = client()
print(p.stdout.readline(), end="")
b = client()
print(p.stdout.readline(), end="")
print("b got", b.recv(100))
c = client()
print(p.stdout.readline(), end="")
c.sendall(b"to nobody\n")
a.sendall(b"alone\n")
a.close()
print(p.stdout.readline(), end="")
p.kill()
p.wait()' "$dir/select-chat"
    assert_success
    assert_output "fd 1023 joined
fd 1024 turned away: too high for select()
b got b''
fd 1024 turned away: too high for select()
fd 1023 left"
}

@test "plain 13: out of descriptors, the select() chat leaves its listening socket out until a client leaves" {
    build_plain select-chat
    at_fd_limit 5 close '^fd [0-9]+ joined$' "$BATS_TEST_TMPDIR/select-chat" \
        127.0.0.1 0
}

@test "plain 14: connect() goes on in the background; recv() says EAGAIN until a late server sends" {
    local dir="$BATS_TEST_TMPDIR" flag="$BATS_TEST_TMPDIR/flag"
    build_plain nonblocking
    # Python accepts, and sends only once the test makes the file flag.
    start_bg "$dir/server.out" "$PYTHON" "$PEER" late-server "$flag" \
        $'late\033[2J\n'
    wait_ready "$dir/server.out"
    start_bg "$dir/client.out" "$ROOT/scripts/narrate" -- \
        "$dir/nonblocking" 127.0.0.1 "$PORT"
    local client=$BG_PID
    wait_for "$dir/client.out" '^connected$'
    wait_for "$dir/client.out" '^recv\(3, buf, 512, 0\) = -1 EAGAIN'
    run grep -c '^received' "$dir/client.out"
    assert_output 0 # nothing has come yet
    touch "$flag"
    wait_exit "$client" 20
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$dir/client.out"
    assert_line --regexp "^connect\\(3, 127\\.0\\.0\\.1:$PORT, 16\\) = (0|-1 EINPROGRESS)"
    assert_line --regexp '^fcntl\(3, F_SETFL, O_NONBLOCK'
    assert_line 'received late\x1b[2J\x0a'
    assert_line 'the server closed the connection'
    refute_output --partial $'\033'
    # recv() failed with EAGAIN, then poll() waited for POLLIN, before
    # the line came.
    local a p r
    a=$(grep -n '= -1 EAGAIN' <<<"$output" | head -n 1 | cut -d: -f1)
    p=$(grep -n '^poll(\[{fd=3, events=POLLIN}\], 1, 5000) = 1' <<<"$output" |
        head -n 1 | cut -d: -f1)
    r=$(grep -n '^received' <<<"$output" | cut -d: -f1)
    [ -n "$a" ] && [ -n "$p" ] && [ "$a" -lt "$p" ] && [ "$p" -lt "$r" ]
}

@test "plain 14: refused, a full queue and a silent server each end it, exit 1" {
    local dir="$BATS_TEST_TMPDIR" args port
    build_plain nonblocking
    # A port that is bound but not listening: the SYN is answered by a RST.
    start_bg "$dir/holder.out" "$PYTHON" "$PEERS/hold-port.py" bound
    wait_for "$dir/holder.out" '^port [0-9]+$'
    port=$(sed -n 's/^port //p' "$dir/holder.out")
    run_lesson timeout "$WAIT_LOOPBACK" "$dir/nonblocking" 127.0.0.1 "$port"
    [ "$status" -eq 1 ]
    assert_output 'connect: Connection refused'
    kill_all_bg
    # A server whose queue is full answers no SYN: poll() gives up after
    # 5 s (a client that waited on would be killed by timeout: 124).
    start_bg "$dir/full.out" "$PYTHON" "$PEER" full-server 30
    wait_ready "$dir/full.out"
    run_lesson timeout "$((4 * WAIT_LOOPBACK))" "$dir/nonblocking" 127.0.0.1 "$PORT"
    [ "$status" -eq 1 ]
    assert_output 'connect: no answer within 5 s'
    kill_all_bg
    # A server that accepts and neither sends nor closes.
    start_bg "$dir/silent.out" "$PYTHON" "$PEER" silent-server 30
    wait_ready "$dir/silent.out"
    run_lesson timeout "$((4 * WAIT_LOOPBACK))" "$dir/nonblocking" 127.0.0.1 "$PORT"
    [ "$status" -eq 1 ]
    assert_output $'connected\nrecv: nothing within 5 s'
    for args in '127.0.0.1 0' '127.0.0.1 8x' 'localhost 80' '127.0.0.1'; do
        eval "run_lesson \"\$dir/nonblocking\" $args"
        [ "$status" -eq 2 ] || { echo "nonblocking $args: $status" >&2; false; }
        assert_output --partial 'usage: '
    done
}

@test "plain 14: socat sends two lines and closes" {
    local dir="$BATS_TEST_TMPDIR"
    build_plain nonblocking
    socat_lines 127.0.0.1
    run_lesson timeout "$WAIT_LOOPBACK" "$dir/nonblocking" 127.0.0.1 "$PORT"
    assert_success
    assert_line --index 0 connected
    # The two lines may come in one piece or in two.
    [[ "$(sed -n 's/^received //p' <<<"$output" | tr -d '\n')" == \
        'one\x0atwo\x0a' ]]
    assert_line 'the server closed the connection'
}

# unix_server OUT PATH: the plain Unix server on PATH in the background,
# waited for; UNIX_PID is its pid.
unix_server() {
    start_bg "$1" "$BATS_TEST_TMPDIR/unix-server" "$2"
    UNIX_PID=$BG_PID
    wait_for "$1" "^listening on "
}

@test "plain 17: the Unix server greets socat, nc -U and Python, then Ctrl-C removes its file" {
    local dir="$BATS_TEST_TMPDIR" sock="$BATS_TEST_TMPDIR/s.sock"
    build_plain unix-server
    command -v socat >/dev/null || skip "no socat"
    unix_server "$dir/server.out" "$sock"
    # bind() made a file of type socket, mode 700 (umask 077).
    [ -S "$sock" ]
    run stat -c %a "$sock"
    assert_output 700
    run_lesson timeout "$WAIT_LOOPBACK" socat -u UNIX-CONNECT:"$sock" -
    assert_success
    assert_output 'hello, client 1'
    if nc -h 2>&1 | grep -q -- '-U'; then
        run_lesson timeout "$WAIT_LOOPBACK" nc -U "$sock" </dev/null
        assert_output 'hello, client 2'
    else
        run_lesson timeout "$WAIT_LOOPBACK" socat -u UNIX-CONNECT:"$sock" -
        assert_output 'hello, client 2'
    fi
    run_lesson timeout "$WAIT_LOOPBACK" "$PYTHON" -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
got = b""
while True:
    d = s.recv(100)
    if not d:
        break
    got += d
print(got)' "$sock"
    assert_output "b'hello, client 3\\n'"
    # Ctrl-Z and fg on the way: poll() goes on waiting.
    kill -STOP "$UNIX_PID"
    wait_until 10 stopped "$UNIX_PID"
    kill -CONT "$UNIX_PID"
    [ -S "$sock" ]
    kill -INT "$UNIX_PID"
    wait_exit "$UNIX_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    [ ! -e "$sock" ]
    run cat "$dir/server.out"
    assert_output "listening on $sock
served 3, removed $sock"
}

@test "plain 17: out of descriptors, the Unix server waits a second before accept() again" {
    build_plain unix-server
    # 0 to 2 and the listening socket: no room for a client until the
    # soft limit goes up.
    at_fd_limit 4 raise line "$BATS_TEST_TMPDIR/unix-server" \
        "$BATS_TEST_TMPDIR/sock"
    [[ ! -e "$BATS_TEST_TMPDIR/sock" ]]
}

@test "plain 17: a name that exists is left alone; a stale socket file is the user's to remove" {
    local dir="$BATS_TEST_TMPDIR" sock="$BATS_TEST_TMPDIR/s.sock"
    build_plain unix-server
    # A regular file where the socket would go: bind() refuses, the file
    # stays as it was.
    printf 'keep me\n' >"$sock"
    run_lesson "$dir/unix-server" "$sock"
    [ "$status" -eq 1 ]
    assert_output 'bind: Address already in use'
    run cat "$sock"
    assert_output 'keep me'
    rm "$sock"
    # A server killed (SIGKILL: no handler runs) leaves its file; the
    # next one is refused until the user removes it.
    unix_server "$dir/first.out" "$sock"
    kill -KILL "$UNIX_PID"
    wait_exit "$UNIX_PID"
    [ -S "$sock" ]
    run_lesson "$dir/unix-server" "$sock"
    [ "$status" -eq 1 ]
    assert_output 'bind: Address already in use'
    [ -S "$sock" ]
    rm "$sock"
    # SIGTERM ends it as Ctrl-C does, file removed.
    unix_server "$dir/second.out" "$sock"
    kill -TERM "$UNIX_PID"
    wait_exit "$UNIX_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    [ ! -e "$sock" ]
    # A path too long for sun_path, or none: exit 2, nothing made.
    run_lesson "$dir/unix-server" "$dir/$(printf 'x%.0s' {1..120})"
    [ "$status" -eq 2 ]
    assert_output --regexp '^usage: .* PATH \(at most 107 bytes\)$'
    run_lesson "$dir/unix-server"
    [ "$status" -eq 2 ]
    run ls "$dir"
    refute_output --partial xxxx
}

@test "plain 17: no client for 30 s: the Unix server ends by itself and removes its file" {
    local dir="$BATS_TEST_TMPDIR" sock="$BATS_TEST_TMPDIR/s.sock"
    build_plain unix-server
    unix_server "$dir/server.out" "$sock"
    run_lesson timeout "$WAIT_LOOPBACK" socat -u UNIX-CONNECT:"$sock" -
    assert_output 'hello, client 1'
    # It ends only by the clock: a server that waited on would be here
    # after 60 s still (wait_exit fails).
    wait_exit "$UNIX_PID" 60
    [ "$EXIT_STATUS" -eq 0 ]
    [ ! -e "$sock" ]
    run cat "$dir/server.out"
    assert_line --index 1 "served 1, removed $sock"
}
