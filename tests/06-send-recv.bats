#!/usr/bin/env bats
# Lesson 06: send and recv (an echo server and its client)

# PORT, BG_PID and EXIT_STATUS are set by test_helper (wait_ready, wait_exit).
# shellcheck disable=SC2153
load test_helper
load hostile/common

# A client that is not ours: sends the file argv[2] in 1000-byte pieces
# while a second thread reads the echo, then shutdown(SHUT_WR), and writes
# everything that came back to stdout.
PY_CLIENT='
import socket, sys, threading
data = open(sys.argv[2], "rb").read()
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
got = []
def reader():
    while True:
        b = s.recv(65536)
        if not b:
            break
        got.append(b)
t = threading.Thread(target=reader)
t.start()
for i in range(0, len(data), 1000):
    s.sendall(data[i:i + 1000])
s.shutdown(socket.SHUT_WR)
t.join(15)
sys.stdout.buffer.write(b"".join(got))
'

# Sends 40000 bytes and closes at once, reading nothing back.
PY_CLOSER='
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"never read\n" * 4000)
s.close()
'

# An echo server that is not ours: one client, echoes until it closes.
PY_ECHO='
import socket
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(1)
l.settimeout(10)
print("listening on 127.0.0.1:%d" % l.getsockname()[1], flush=True)
c, peer = l.accept()
c.settimeout(10)
while True:
    b = c.recv(4096)
    if not b:
        break
    c.sendall(b)
c.close()
'

# assert_said TEXT: the narration says TEXT (lines are wrapped at 78
# columns, so compare with runs of spaces and newlines made one space).
assert_said() {
    local flat
    flat=$(tr -s ' \n' '  ' <<<"$output")
    if [[ "$flat" != *"$1"* ]]; then
        echo "the output does not say: $1" >&2
        echo "$output" >&2
        return 1
    fi
}

# client IN ARGS...: run 06-send-recv-client with IN as stdin, only fds
# 0-2 open, bounded.
client() {
    local in="$1"
    shift
    run_lesson timeout 20 "$BIN/06-send-recv-client" "$@" \
        <"$in"
}

# The echoed lines of the last run, without "echo: ".
echoed() {
    grep '^echo: ' <<<"$output" | sed 's/^echo: //'
}

@test "06-send-recv: server and client build alone with plain cc (gcc, and clang)" {
    local f cc
    for cc in cc clang; do
        command -v "$cc" >/dev/null || continue
        for f in server client; do
            run "$cc" -std=c11 -Wall -Wextra -Werror -pedantic \
                "$ROOT/lessons/06-send-recv/$f.c" -o "$BATS_TEST_TMPDIR/$f"
            assert_success
            assert_output ""
        done
    done
}

@test "06-send-recv: the pair echoes lines back in order, byte for byte" {
    printf '%s\n' one 'two  words' '' $'tab\there' 'quote " and \ back' \
        $'caf\xc3\xa9 na\xc3\xafve' 'last' >"$BATS_TEST_TMPDIR/in"
    start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server --count 1
    client "$BATS_TEST_TMPDIR/in" --port "$PORT"
    assert_success
    diff <(echoed) "$BATS_TEST_TMPDIR/in"
    assert_line "connect(3, 127.0.0.1:$PORT, 16) = 0"
    assert_line 'send(3, "one\n", 4, MSG_NOSIGNAL) = 4'
    assert_line 'recv(3, "one\n", 4, 0) = 4'
    assert_line 'send(3, "tab\there\n", 9, MSG_NOSIGNAL) = 9'
    assert_line "shutdown(3, SHUT_WR) = 0"
    assert_line 'recv(3, "", 4096, 0) = 0'
    assert_line "close(3) = 0"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line --regexp '^accept\(3, 127\.0\.0\.1:[0-9]+, 16\) = 4$'
    assert_line "setsockopt(4, SOL_SOCKET, SO_RCVTIMEO, {30 s}, 16) = 0"
    assert_line "setsockopt(4, SOL_SOCKET, SO_SNDTIMEO, {30 s}, 16) = 0"
    assert_line 'recv(4, "one\n", 4096, 0) = 4'
    assert_line 'send(4, "one\n", 4, MSG_NOSIGNAL) = 4'
    assert_line 'recv(4, "last\n", 4096, 0) = 5'
    assert_line 'send(4, "last\n", 5, MSG_NOSIGNAL) = 5'
    # the seeds' bug, fixed: recv() == 0 ends this client, once
    assert_line 'recv(4, "", 4096, 0) = 0'
    [ "$(grep -c '^recv(4, "", 4096, 0) = 0$' <<<"$output")" -eq 1 ]
    assert_said "recv() returned 0: the client has closed its side"
    assert_said "TCP is a stream of bytes, not of messages"
    assert_line "close(4) = 0"
    assert_line "close(3) = 0"
}

@test "06-send-recv: 100 lines piped in fast all come back, in order" {
    seq 1 100 >"$BATS_TEST_TMPDIR/in"
    start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server --count 1
    client "$BATS_TEST_TMPDIR/in" --port "$PORT"
    assert_success
    diff <(echoed) "$BATS_TEST_TMPDIR/in"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
}

@test "06-send-recv: a Python client gets 100 kB back byte for byte" {
    seq 1 20000 >"$BATS_TEST_TMPDIR/in"
    start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server --count 1
    timeout 20 python3 -c "$PY_CLIENT" "$PORT" \
        "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
    cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    # every byte received was sent back: the two sums agree
    local got sent
    got=$(grep -oE '^recv\(4, .*, 4096, 0\) = [0-9]+$' <<<"$output" |
        awk '{s += $NF} END {print s}')
    sent=$(grep -oE '^send\(4, .*, MSG_NOSIGNAL\) = [0-9]+$' <<<"$output" |
        awk '{s += $NF} END {print s}')
    [ "$got" -eq "$(wc -c <"$BATS_TEST_TMPDIR/in")" ]
    [ "$sent" -eq "$got" ]
}

@test "06-send-recv: binary data (every byte value, NULs too) comes back intact" {
    python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 64)' \
        >"$BATS_TEST_TMPDIR/in"
    start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server --count 1
    timeout 20 python3 -c "$PY_CLIENT" "$PORT" "$BATS_TEST_TMPDIR/in" \
        >"$BATS_TEST_TMPDIR/out"
    cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    # the preview escapes what is not printable
    assert_line --regexp '^recv\(4, "\\x00\\x01\\x02.*"\.\.\., 4096, 0\) = [0-9]+$'
    assert_line "close(4) = 0"
    assert_line "close(3) = 0"
}

@test "06-send-recv: nc as the client" {
    printf 'hello nc\nsecond line\n' >"$BATS_TEST_TMPDIR/in"
    start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server --count 1
    run timeout 10 nc -N 127.0.0.1 "$PORT" <"$BATS_TEST_TMPDIR/in"
    assert_success
    [ "$output" = "$(cat "$BATS_TEST_TMPDIR/in")" ]
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
}

@test "06-send-recv: --count 3 serves three clients one after another, then exits 0" {
    start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server --count 3
    local i
    for i in 1 2 3; do
        echo "client $i" >"$BATS_TEST_TMPDIR/in"
        client "$BATS_TEST_TMPDIR/in" --port "$PORT"
        assert_success
        assert_line "echo: client $i"
    done
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "== waiting for client 3 =="
    refute_line "== waiting for client 4 =="
    assert_line "== done: served 3 clients =="
    [ "$(grep -c '^accept(3, 127\.0\.0\.1:[0-9]*, 16) = 4$' <<<"$output")" -eq 3 ]
    [ "$(grep -c '^close(4) = 0$' <<<"$output")" -eq 3 ]
}

@test "06-send-recv: a silent client is timed out and the next one is served" {
    start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server --count 2 \
        --timeout 1
    start_bg "$BATS_TEST_TMPDIR/silent" python3 "$PEER" silent "$PORT" 5
    wait_for "$BATS_TEST_TMPDIR/server" '^accept\(3, '
    # the next client waits in the backlog while the first is timed out
    echo "after the silent one" >"$BATS_TEST_TMPDIR/in"
    client "$BATS_TEST_TMPDIR/in" --port "$PORT"
    assert_success
    assert_line "echo: after the silent one"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "recv(4, buf, 4096, 0) = -1 EAGAIN (Resource temporarily unavailable)"
    assert_said "sent nothing for 1 s: the server closes it and serves the next client"
    refute_output --partial "!! timed out"
    assert_line "== waiting for client 2 =="
    assert_line 'recv(4, "after the silent one\n", 4096, 0) = 21'
    assert_line "== done: served 2 clients =="
}

@test "06-send-recv: a client that closes without reading does not kill the server" {
    start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server --count 2
    run timeout 10 python3 -c "$PY_CLOSER" "$PORT"
    assert_success
    echo "still here" >"$BATS_TEST_TMPDIR/in"
    client "$BATS_TEST_TMPDIR/in" --port "$PORT"
    assert_success
    assert_line "echo: still here"
    wait_exit "$BG_PID"
    # killed by SIGPIPE would be 141: MSG_NOSIGNAL made it an error
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line --regexp '^(send\(4, ".*, MSG_NOSIGNAL\)|recv\(4, buf, 4096, 0\)) = -1 (EPIPE \(Broken pipe\)|ECONNRESET \(Connection reset by peer\))$'
    assert_said "serves the next"
    assert_line "== done: served 2 clients =="
}

@test "06-send-recv: no client within --timeout: the server says so and exits 1" {
    run_lesson timeout 10 "$BIN/06-send-recv-server" --port 0 \
        --timeout 1
    assert_failure 1
    assert_line "accept(3, &client, &len) = -1 EAGAIN (Resource temporarily unavailable)"
    assert_line "!! timed out: no client connected within --timeout 1 s; giving up"
    assert_line "close(3) = 0"
}

@test "06-send-recv: the client with no server: ECONNREFUSED, exit 1" {
    local port
    port=$(python3 -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
')
    echo hi >"$BATS_TEST_TMPDIR/in"
    client "$BATS_TEST_TMPDIR/in" --port "$port"
    assert_failure 1
    assert_line "connect(3, 127.0.0.1:$port, 16) = -1 ECONNREFUSED (Connection refused)"
    assert_line "close(3) = 0"
    refute_line --regexp '^send\('
}

@test "06-send-recv: the client with a Python echo server that is not ours" {
    start_bg "$BATS_TEST_TMPDIR/echo" python3 -c "$PY_ECHO"
    wait_ready "$BATS_TEST_TMPDIR/echo"
    printf 'one\ntwo words\n' >"$BATS_TEST_TMPDIR/in"
    client "$BATS_TEST_TMPDIR/in" --port "$PORT" --timeout 5
    assert_success
    assert_line "connect(3, 127.0.0.1:$PORT, 16) = 0"
    assert_line 'recv(3, "two words\n", 10, 0) = 10'
    run echoed
    assert_output $'one\ntwo words'
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
}

@test "06-send-recv: the client and a server that never echoes: timeout, exit 1" {
    start_bg "$BATS_TEST_TMPDIR/mute" python3 "$PEER" silent-server 10
    wait_ready "$BATS_TEST_TMPDIR/mute"
    echo "anyone there?" >"$BATS_TEST_TMPDIR/in"
    client "$BATS_TEST_TMPDIR/in" --port "$PORT" --timeout 1
    assert_failure 1
    assert_line 'send(3, "anyone there?\n", 14, MSG_NOSIGNAL) = 14'
    assert_line "recv(3, back, 14, 0) = -1 EAGAIN (Resource temporarily unavailable)"
    assert_line "!! timed out: the echo did not come back within --timeout 1 s; giving up"
    assert_line "close(3) = 0"
    refute_line --regexp '^echo: '
}

@test "06-send-recv: bad options exit 2 with one line naming the option" {
    run "$BIN/06-send-recv-server" --count 0
    assert_failure 2
    assert_output --partial "--count"
    run "$BIN/06-send-recv-server" --count x
    assert_failure 2
    assert_output --partial "--count"
    run "$BIN/06-send-recv-server" --timeout 0
    assert_failure 2
    assert_output --partial "--timeout"
    run "$BIN/06-send-recv-client" --port 70000
    assert_failure 2
    assert_output --partial "--port"
    run "$BIN/06-send-recv-client" --bogus
    assert_failure 2
    assert_output "06-send-recv-client: --bogus: unknown option (see --help)"
    run "$BIN/06-send-recv-server" --help
    assert_success
    assert_output --partial "--count N"
}

@test "06-send-recv: --count is not an option of the client: exit 2" {
    run "$BIN/06-send-recv-client" --count 3
    assert_failure 2
    assert_output "06-send-recv-client: --count: unknown option (see --help)"
}
