#!/usr/bin/env bats
# Lesson 09: a UDP sender (sendto)

# PORT is set by wait_ready (test_helper), not a misspelt "port".
# shellcheck disable=SC2153
load test_helper

# Lessons run in the foreground with fds 3 and 4 (bats' own) closed, so
# their socket is fd 3, as in a terminal.

# start_py_receiver OUTFILE N: a python3 UDP receiver on a kernel-chosen
# loopback port that prints "receiving on 127.0.0.1:PORT", then for each of
# N datagrams one line "PORT REPR" (sender's port, the bytes as Python
# shows them), and exits; every wait is bounded. Sets PORT and BG_PID.
start_py_receiver() {
    start_bg "$1" python3 -u -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
s.settimeout(10)
print("receiving on 127.0.0.1:%d" % s.getsockname()[1])
for _ in range(int(sys.argv[1])):
    data, addr = s.recvfrom(70000)
    print(addr[1], repr(data))
' "$2"
    wait_ready "$1"
}

# closed_port: a UDP port on 127.0.0.1 that surely nobody holds now.
closed_port() {
    python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
'
}

@test "09-udp-sender: builds alone with one plain cc command (gcc, clang)" {
    local c
    for c in gcc clang; do
        command -v "$c" >/dev/null || continue
        run "$c" -std=c11 -Wall -Wextra -Werror -pedantic \
            "$ROOT/lessons/09-udp-sender/sender.c" \
            -o "$BATS_TEST_TMPDIR/sender-$c"
        assert_success
        assert_output ""
    done
}

@test "09-udp-sender: each line is one datagram without its newline; a python3 receiver sees the getsockname port" {
    start_py_receiver "$BATS_TEST_TMPDIR/recv" 3
    printf 'one\n\ntwo three\n' >"$BATS_TEST_TMPDIR/lines"
    run "$BIN/09-udp-sender" --port "$PORT" \
        <"$BATS_TEST_TMPDIR/lines" 3>&- 4>&-
    assert_success
    assert_line "socket(AF_INET, SOCK_DGRAM, 0) = 3"
    assert_line "sendto(3, \"one\", 3, 0, 127.0.0.1:$PORT, 16) = 3"
    assert_line "sendto(3, \"\", 0, 0, 127.0.0.1:$PORT, 16) = 0"
    assert_line "sendto(3, \"two three\", 9, 0, 127.0.0.1:$PORT, 16) = 9"
    refute_line --regexp '^(connect|bind|listen|accept)\('
    assert_line --regexp '^getsockname\(3, 0\.0\.0\.0:[0-9]+, 16\) = 0$'
    local sport
    sport=$(grep -oE '^getsockname\(3, 0\.0\.0\.0:[0-9]+' <<<"$output")
    sport="${sport##*:}"
    # The kernel chose the port at the first sendto(), not before.
    local first
    first=$(grep -m 1 -E '^(sendto|getsockname)\(' <<<"$output")
    [[ "$first" == sendto* ]]
    assert_line "== done: sent 3 of 3 datagrams =="
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/recv"
    assert_line --index 1 "$sport b'one'"
    assert_line --index 2 "$sport b''"
    assert_line --index 3 "$sport b'two three'"
}

@test "09-udp-sender: --message is sent as it is, as one datagram" {
    start_py_receiver "$BATS_TEST_TMPDIR/recv" 1
    run "$BIN/09-udp-sender" --port "$PORT" \
        --message $'two\nlines' 3>&- 4>&-
    assert_success
    assert_line "sendto(3, \"two\\nlines\", 9, 0, 127.0.0.1:$PORT, 16) = 9"
    assert_line "== done: sent 1 of 1 datagram =="
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/recv"
    assert_line --index 1 --regexp "^[0-9]+ b'two\\\\nlines'$"
}

@test "09-udp-sender: sending with nobody listening succeeds, and no error is recorded" {
    local port
    port=$(closed_port)
    printf 'a\nb\nc\n' >"$BATS_TEST_TMPDIR/lines"
    run timeout 10 "$BIN/09-udp-sender" --port "$port" \
        <"$BATS_TEST_TMPDIR/lines" 3>&- 4>&-
    assert_success
    assert_line "sendto(3, \"a\", 1, 0, 127.0.0.1:$port, 16) = 1"
    assert_line "sendto(3, \"b\", 1, 0, 127.0.0.1:$port, 16) = 1"
    assert_line "sendto(3, \"c\", 1, 0, 127.0.0.1:$port, 16) = 1"
    assert_line "getsockopt(3, SOL_SOCKET, SO_ERROR, [0], 4) = 0"
    refute_output --partial "ECONNREFUSED ("
    assert_line "== done: sent 3 of 3 datagrams =="
}

@test "09-udp-sender: a line over 65507 bytes fails with EMSGSIZE, the next is still sent, exit 1" {
    start_py_receiver "$BATS_TEST_TMPDIR/recv" 1
    {
        head -c 70000 /dev/zero | tr '\0' z
        printf '\nafter\n'
    } >"$BATS_TEST_TMPDIR/lines"
    run timeout 10 "$BIN/09-udp-sender" --port "$PORT" \
        <"$BATS_TEST_TMPDIR/lines" 3>&- 4>&-
    assert_failure 1
    assert_line --regexp '^sendto\(3, "z+"\.\.\., 70000, 0, 127\.0\.0\.1:[0-9]+, 16\) = -1 EMSGSIZE \(.*\)$'
    assert_line "sendto(3, \"after\", 5, 0, 127.0.0.1:$PORT, 16) = 5"
    assert_line "== done: sent 1 of 2 datagrams =="
    wait_exit "$BG_PID"
    run cat "$BATS_TEST_TMPDIR/recv"
    assert_line --index 1 --regexp "^[0-9]+ b'after'$"
}

@test "09-udp-sender: empty input sends nothing and exits 0" {
    run timeout 10 "$BIN/09-udp-sender" --port "$(closed_port)" \
        </dev/null 3>&- 4>&-
    assert_success
    refute_line --regexp '^sendto\('
    assert_line "== done: sent 0 of 0 datagrams =="
    assert_line "close(3) = 0"
}

@test "09-udp-sender: bad options exit 2 with one line naming the option" {
    local args
    for args in "--port 65536" "--port -1" "--timeout x" "--host 1.2.3" \
        "--message" "--bogus"; do
        # shellcheck disable=SC2086 # split the option from its value
        run timeout 5 "$BIN/09-udp-sender" $args </dev/null 3>&- 4>&-
        assert_failure 2
        [ "${#lines[@]}" -eq 1 ]
        assert_output --partial "${args%% *}"
    done
}

@test "09-udp-sender: --help exits 0 and shows --message" {
    run "$BIN/09-udp-sender" --help 3>&- 4>&-
    assert_success
    assert_output --partial "--message T"
}
