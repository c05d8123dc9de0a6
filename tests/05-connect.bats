#!/usr/bin/env bats
# Lesson 05: connect

# PORT, BG_PID and EXIT_STATUS are set by test_helper (wait_ready, wait_exit).
# shellcheck disable=SC2153
load test_helper
load hostile/common

# A TCP server in Python that is not ours: it prints the ready line the
# lessons print, the port of the client it accepted, and sends two lines.
PY_GREETER='
import socket
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(1)
l.settimeout(10)
print("listening on 127.0.0.1:%d" % l.getsockname()[1], flush=True)
c, peer = l.accept()
print("peer port %d" % peer[1], flush=True)
c.sendall(b"greetings from python\nsecond line\n")
c.close()
'

# A port that is surely closed: the kernel picks a free one, we let it go.
closed_port() {
    python3 -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
'
}

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

# wait_listening PORT: poll /proc/net/tcp until 127.0.0.1:PORT is LISTEN.
wait_listening() {
    local entry i
    entry=$(printf '0100007F:%04X 00000000:0000 0A' "$1")
    for ((i = 0; i < 200; i++)); do
        grep -q "$entry" /proc/net/tcp && return 0
        sleep 0.05
    done
    echo "nothing listens on 127.0.0.1:$1 after 10 s" >&2
    return 1
}

@test "05-connect: builds alone with one plain cc command (gcc, and clang)" {
    run cc -std=c11 -Wall -Wextra -Werror -pedantic \
        "$ROOT/lessons/05-connect/connect.c" -o "$BATS_TEST_TMPDIR/connect"
    assert_success
    assert_output ""
    if command -v clang >/dev/null; then
        run clang -std=c11 -Wall -Wextra -Werror -pedantic \
            "$ROOT/lessons/05-connect/connect.c" -o "$BATS_TEST_TMPDIR/c2"
        assert_success
        assert_output ""
    fi
}

@test "05-connect: connects to 04-accept; its ephemeral port is the one the server saw" {
    start_server "$BATS_TEST_TMPDIR/server" 04-accept --count 1
    run_lesson timeout 10 "$BIN/05-connect" --port "$PORT"
    assert_success
    assert_line "socket(AF_INET, SOCK_STREAM, 0) = 3"
    assert_line "setsockopt(3, SOL_SOCKET, SO_SNDTIMEO, {30 s}, 16) = 0"
    assert_line "setsockopt(3, SOL_SOCKET, SO_RCVTIMEO, {30 s}, 16) = 0"
    assert_line "connect(3, 127.0.0.1:$PORT, 16) = 0"
    assert_line --regexp "^getsockname\(3, 127\.0\.0\.1:[0-9]+, 16\) = 0$"
    local line cport
    line=$(grep -E '^getsockname\(3, ' <<<"$output")
    cport=${line#*127.0.0.1:}
    cport=${cport%%,*}
    # a real ephemeral port, inside the kernel's range
    local lo hi
    read -r lo hi </proc/sys/net/ipv4/ip_local_port_range
    ((cport >= lo && cport <= hi))
    assert_said "the kernel chose the free port $cport for our end"
    # the greeting, on its own plain line, and the end of the stream
    local greeting="hello 127.0.0.1:$cport, you are client 1"
    assert_line "$greeting"
    assert_line "recv(3, \"${greeting:0:24}\"..., 4096, 0) = $((${#greeting} + 1))"
    assert_line 'recv(3, "", 4096, 0) = 0'
    assert_said "recv() returned 0: the server closed the connection"
    assert_line "close(3) = 0"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "accept(3, 127.0.0.1:$cport, 16) = 4"
}

@test "05-connect: talks to a Python server that is not ours" {
    start_bg "$BATS_TEST_TMPDIR/py" python3 -c "$PY_GREETER"
    wait_ready "$BATS_TEST_TMPDIR/py"
    run_lesson timeout 10 "$BIN/05-connect" --port "$PORT" \
        --timeout 5
    assert_success
    assert_line "connect(3, 127.0.0.1:$PORT, 16) = 0"
    assert_line "greetings from python"
    assert_line "second line"
    assert_line 'recv(3, "", 4096, 0) = 0'
    local gs
    gs=$(grep -E '^getsockname\(3, ' <<<"$output")
    wait_for "$BATS_TEST_TMPDIR/py" '^peer port [0-9]+$'
    run cat "$BATS_TEST_TMPDIR/py"
    local peer="${lines[1]#peer port }"
    [ "$gs" = "getsockname(3, 127.0.0.1:$peer, 16) = 0" ]
}

@test "05-connect: talks to nc -l" {
    local port
    port=$(closed_port)
    printf 'hello from nc\n' >"$BATS_TEST_TMPDIR/in"
    timeout 10 nc -N -l 127.0.0.1 "$port" \
        <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/nc" 2>&1 3>&- 4>&- &
    SS_PIDS+=("$!")
    wait_listening "$port"
    run_lesson timeout 10 "$BIN/05-connect" --port "$port" \
        --timeout 5
    assert_success
    assert_line "connect(3, 127.0.0.1:$port, 16) = 0"
    assert_line 'recv(3, "hello from nc\n", 4096, 0) = 14'
    assert_line "hello from nc"
    assert_line 'recv(3, "", 4096, 0) = 0'
}

@test "05-connect: nothing listening: ECONNREFUSED explained, exit 1" {
    local port
    port=$(closed_port)
    run_lesson timeout 10 "$BIN/05-connect" --port "$port"
    assert_failure 1
    assert_line "connect(3, 127.0.0.1:$port, 16) = -1 ECONNREFUSED (Connection refused)"
    assert_output --partial "likely cause: nothing is listening"
    assert_output --partial "try: "
    assert_said "the refusal came at once, not after --timeout"
    assert_said "/proc/net/tcp has no socket at all with port $port"
    assert_line "close(3) = 0"
    refute_line --regexp '^recv\('
}

@test "05-connect: a server that says nothing: recv times out, exit 1" {
    start_bg "$BATS_TEST_TMPDIR/py" python3 "$PEER" silent-server 10
    wait_ready "$BATS_TEST_TMPDIR/py"
    run_lesson timeout 10 "$BIN/05-connect" --port "$PORT" \
        --timeout 1
    assert_failure 1
    assert_line "connect(3, 127.0.0.1:$PORT, 16) = 0"
    assert_line "recv(3, buf, 4096, 0) = -1 EAGAIN (Resource temporarily unavailable)"
    assert_line "!! timed out: the server neither sent more nor closed within --timeout 1 s; giving up"
    assert_line "close(3) = 0"
}

@test "05-connect: a full accept queue: connect times out (SO_SNDTIMEO), exit 1" {
    start_bg "$BATS_TEST_TMPDIR/py" python3 "$PEER" full-server 10
    wait_ready "$BATS_TEST_TMPDIR/py"
    local t0=$SECONDS
    run_lesson timeout 10 "$BIN/05-connect" --port "$PORT" \
        --timeout 1
    assert_failure 1
    ((SECONDS - t0 < 5))
    assert_line "setsockopt(3, SOL_SOCKET, SO_SNDTIMEO, {1 s}, 16) = 0"
    assert_line --regexp "^connect\(3, 127\.0\.0\.1:$PORT, 16\) = -1 .*\(Operation now in progress\)$"
    assert_line "!! timed out: the server did not answer the handshake within --timeout 1 s; giving up"
    assert_line "close(3) = 0"
}

@test "05-connect: bad options exit 2 with one line naming the option" {
    run "$BIN/05-connect" --port 70000
    assert_failure 2
    assert_output --partial "--port"
    run "$BIN/05-connect" --bogus
    assert_failure 2
    assert_output "05-connect: --bogus: unknown option (see --help)"
    run "$BIN/05-connect" --help
    assert_success
    assert_output --partial "usage: build/05-connect"
}

@test "05-connect: --count is not an option of a client: exit 2" {
    run "$BIN/05-connect" --count 3
    assert_failure 2
    assert_output "05-connect: --count: unknown option (see --help)"
}
