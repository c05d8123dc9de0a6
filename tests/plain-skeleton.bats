#!/usr/bin/env bats
# The plain skeleton of Part I (lessons/plain/): a TCP server and client
# without the header, printed whole in the handout, and a UDP receiver and
# sender whose calls lessons 08 and 09 show. They compile with the strict
# flags and talk over loopback, the server and receiver on port 0.

# PORT, BG_PID and EXIT_STATUS are set by test_helper (wait_ready, wait_exit).
# shellcheck disable=SC2153
load test_helper

teardown() {
    kill_all_bg
}

@test "plain skeleton: builds strict, echoes over loopback on port 0, rejects bad arguments" {
    local f args dir="$BATS_TEST_TMPDIR"
    for f in server client; do
        "${CC:-cc}" -Wall -Wextra -Werror -pedantic \
            "$ROOT/lessons/plain/$f.c" -o "$dir/$f"
    done
    start_bg "$dir/server.out" "$dir/server" 127.0.0.1 0
    wait_ready "$dir/server.out"
    ((PORT > 0))
    run_lesson timeout "$WAIT_LOOPBACK" "$dir/client" 127.0.0.1 "$PORT" 'hello, server'
    assert_success
    # The echo may come back in pieces: together they are the message.
    [[ "$(sed -n 's/^received //p' <<<"$output" | tr -d '\n')" == \
        'hello, server' ]]
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$dir/server.out"
    assert_output "listening on 127.0.0.1:$PORT"

    # Nothing listens there any more: connect() fails, perror() says so.
    run_lesson "$dir/client" 127.0.0.1 "$PORT" x
    [ "$status" -eq 1 ]
    assert_output 'connect: Connection refused'
    # strtol() and inet_pton() reject what is not a port or an address.
    for args in '127.0.0.1 8x' '127.0.0.1 65536' '127.0.0.1 -1' \
        '127.0.0.1 ""' '127.1.2 0' 'localhost 0' '127.0.0.1'; do
        eval "run_lesson \"\$dir/server\" $args"
        [ "$status" -eq 2 ] || { echo "server $args: $status" >&2; false; }
        assert_output --partial 'usage: '
    done
}

@test "plain skeleton: the client prints what the server sent escaped, never raw" {
    local f dir="$BATS_TEST_TMPDIR"
    for f in server client; do
        "${CC:-cc}" -Wall -Wextra -Werror -pedantic \
            "$ROOT/lessons/plain/$f.c" -o "$dir/$f"
    done
    start_bg "$dir/server.out" "$dir/server" 127.0.0.1 0
    wait_ready "$dir/server.out"
    run_lesson timeout "$WAIT_LOOPBACK" "$dir/client" 127.0.0.1 "$PORT" $'a\033[2Jb\tc\n'
    assert_success
    refute_output --partial $'\033'
    # The echo may come back in pieces: together they are the message.
    [[ "$(sed -n 's/^received //p' <<<"$output" | tr -d '\n')" == \
        'a\x1b[2Jb\x09c\x0a' ]]
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
}

@test "plain UDP pair: builds strict, one sendto() is one datagram, escaped" {
    local f args dir="$BATS_TEST_TMPDIR"
    for f in udp-receiver udp-sender; do
        "${CC:-cc}" -Wall -Wextra -Werror -pedantic \
            "$ROOT/lessons/plain/$f.c" -o "$dir/$f"
    done
    # The peer starts before the receiver, whose 5 s of silence start at
    # its ready line: Python (a sender nobody here wrote) sends first,
    # then runs the plain sender.
    before_server "$dir/receiver.out" "$dir/peer.out" -c 'import socket, subprocess, sys
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"\x1b[2J\n", ("127.0.0.1", port))
sys.stdout.flush()
sys.exit(subprocess.call([sys.argv[2], "127.0.0.1", str(port), "hello",
                          "a\tb", ""]))' '{port}' "$dir/udp-sender"
    local peer="$PEER_PID"
    start_bg "$dir/receiver.out" "$dir/udp-receiver" 127.0.0.1 0
    local receiver="$BG_PID"
    wait_ready "$dir/receiver.out"
    ((PORT > 0))
    wait_exit "$peer" 30
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$dir/peer.out"
    [[ "$output" =~ ^sent\ 3\ datagrams\ from\ port\ ([0-9]+)$ ]]
    local from="${BASH_REMATCH[1]}"
    # The receiver ends by itself after 5 s without a datagram.
    wait_exit "$receiver" 30
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$dir/receiver.out"
    assert_line --index 1 --regexp '^5 bytes from 127\.0\.0\.1:[0-9]+: \\x1b\[2J\\x0a$'
    assert_line --index 2 "5 bytes from 127.0.0.1:$from: hello"
    assert_line --index 3 "3 bytes from 127.0.0.1:$from: a\\x09b"
    assert_line --index 4 "0 bytes from 127.0.0.1:$from: "
    assert_line --index 5 'no datagram for 5 s: done'
    # A port of 0 or no message is a usage error.
    for args in '127.0.0.1 0 x' '127.0.0.1 9' 'localhost 9 x'; do
        eval "run_lesson \"\$dir/udp-sender\" $args"
        [ "$status" -eq 2 ] || { echo "sender $args: $status" >&2; false; }
        assert_output --partial 'usage: '
    done
}
