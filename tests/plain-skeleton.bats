#!/usr/bin/env bats
# The plain skeleton that opens Part I (lessons/plain/): a server and a
# client without the header, printed whole in the handout. They compile
# with the strict flags and talk over loopback, the server on port 0.

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
    run_lesson timeout 10 "$dir/client" 127.0.0.1 "$PORT" 'hello, server'
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
