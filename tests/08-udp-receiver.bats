#!/usr/bin/env bats
# Lesson 08: a UDP receiver (recvfrom)

# PORT is set by wait_ready (test_helper), not a misspelt "port".
# shellcheck disable=SC2153
load test_helper

# Lessons run in the foreground with fds 3 and 4 (bats' own) closed, so
# their socket is fd 3, as in a terminal.

# send_py PORT DATAGRAM...: send each argument as one datagram (Python
# escapes such as \x00 allowed; "" is an empty datagram) from one socket
# bound to a kernel-chosen port on 127.0.0.1; prints that port.
send_py() {
    python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
for d in sys.argv[2:]:
    data = d.encode().decode("unicode_escape").encode("latin-1")
    s.sendto(data, ("127.0.0.1", int(sys.argv[1])))
' "$@"
}

@test "08-udp-receiver: builds alone with one plain cc command (gcc, clang)" {
    local c
    for c in gcc clang; do
        command -v "$c" >/dev/null || continue
        run "$c" -std=c11 -Wall -Wextra -Werror -pedantic \
            "$ROOT/lessons/08-udp-receiver/receiver.c" \
            -o "$BATS_TEST_TMPDIR/receiver-$c"
        assert_success
        assert_output ""
    done
}

@test "08-udp-receiver: three lines from 09-udp-sender arrive as three datagrams, with the sender's real port" {
    start_server "$BATS_TEST_TMPDIR/recv" 08-udp-receiver --count 3 \
        --timeout 5
    printf 'one\ntwo words\nthree\n' >"$BATS_TEST_TMPDIR/lines"
    run "$BIN/09-udp-sender" --port "$PORT" \
        <"$BATS_TEST_TMPDIR/lines" 3>&- 4>&-
    assert_success
    assert_line --regexp '^getsockname\(3, 0\.0\.0\.0:[0-9]+, 16\) = 0$'
    local sport
    sport=$(grep -oE '^getsockname\(3, 0\.0\.0\.0:[0-9]+' <<<"$output")
    sport="${sport##*:}"
    [ "$sport" -gt 0 ]
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/recv"
    assert_line "bind(3, 127.0.0.1:0, 16) = 0"
    assert_line "getsockname(3, 127.0.0.1:$PORT, 16) = 0"
    assert_line "receiving on 127.0.0.1:$PORT"
    assert_line "recvfrom(3, \"one\", 512, MSG_TRUNC, 127.0.0.1:$sport, 16) = 3"
    assert_line "recvfrom(3, \"two words\", 512, MSG_TRUNC, 127.0.0.1:$sport, 16) = 9"
    assert_line "recvfrom(3, \"three\", 512, MSG_TRUNC, 127.0.0.1:$sport, 16) = 5"
    assert_line "datagram 1 from 127.0.0.1:$sport: one"
    assert_line "datagram 2 from 127.0.0.1:$sport: two words"
    assert_line "datagram 3 from 127.0.0.1:$sport: three"
    [ "$(grep -c '^datagram ' <<<"$output")" -eq 3 ]
    assert_line "close(3) = 0"
}

@test "08-udp-receiver: a python3 sender's address and datagram are reported as sent" {
    start_server "$BATS_TEST_TMPDIR/recv" 08-udp-receiver --count 1 \
        --timeout 5
    run send_py "$PORT" "hello"
    assert_success
    local cport="$output"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/recv"
    assert_line "recvfrom(3, \"hello\", 512, MSG_TRUNC, 127.0.0.1:$cport, 16) = 5"
    assert_line "datagram 1 from 127.0.0.1:$cport: hello"
}

@test "08-udp-receiver: a datagram from nc -u is printed without its newline" {
    start_server "$BATS_TEST_TMPDIR/recv" 08-udp-receiver --count 1 \
        --timeout 5
    run timeout 5 nc -u -q 1 127.0.0.1 "$PORT" <<<"hello from nc"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/recv"
    assert_line --regexp '^recvfrom\(3, "hello from nc\\n", 512, MSG_TRUNC, 127\.0\.0\.1:[0-9]+, 16\) = 14$'
    assert_line --regexp '^datagram 1 from 127\.0\.0\.1:[0-9]+: hello from nc$'
}

@test "08-udp-receiver: a 2000-byte datagram is cut to 512, the real length reported, the rest lost" {
    start_server "$BATS_TEST_TMPDIR/recv" 08-udp-receiver --count 2 \
        --timeout 5
    local big
    big=$(printf 'a%.0s' {1..2000})
    run send_py "$PORT" "$big" "next"
    assert_success
    local cport="$output"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/recv"
    assert_line "recvfrom(3, \"aaaaaaaaaaaaaaaaaaaaaaaa\"..., 512, MSG_TRUNC, 127.0.0.1:$cport, 16) = 2000"
    assert_line "datagram 1 from 127.0.0.1:$cport: ${big:0:512}"
    assert_line "truncated: 2000 bytes sent, only 512 kept; the rest is lost"
    # The rest is not delivered later: the next recvfrom is the next datagram.
    assert_line "recvfrom(3, \"next\", 512, MSG_TRUNC, 127.0.0.1:$cport, 16) = 4"
    assert_line "datagram 2 from 127.0.0.1:$cport: next"
}

@test "08-udp-receiver: an empty datagram is a datagram, not the end" {
    start_server "$BATS_TEST_TMPDIR/recv" 08-udp-receiver --count 2 \
        --timeout 5
    run send_py "$PORT" "" "after"
    assert_success
    local cport="$output"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/recv"
    assert_line "recvfrom(3, \"\", 512, MSG_TRUNC, 127.0.0.1:$cport, 16) = 0"
    assert_line "datagram 1 from 127.0.0.1:$cport is empty: 0 bytes"
    assert_output --partial "UDP has no connection to close"
    assert_line "datagram 2 from 127.0.0.1:$cport: after"
}

@test "08-udp-receiver: control bytes are escaped so one datagram stays one line" {
    start_server "$BATS_TEST_TMPDIR/recv" 08-udp-receiver --count 1 \
        --timeout 5
    run send_py "$PORT" 'a\nb\x01c\n'
    assert_success
    local cport="$output"
    wait_exit "$BG_PID"
    run cat "$BATS_TEST_TMPDIR/recv"
    assert_line "datagram 1 from 127.0.0.1:$cport: a\\nb\\x01c"
}

@test "08-udp-receiver: --count 2 stops after two of five datagrams, without waiting" {
    # The default --timeout is 30 s: exiting within 10 s shows it did not
    # wait for a timeout.
    start_server "$BATS_TEST_TMPDIR/recv" 08-udp-receiver --count 2
    run send_py "$PORT" 1 2 3 4 5
    assert_success
    wait_exit "$BG_PID" 10
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/recv"
    assert_line --regexp '^datagram 1 from 127\.0\.0\.1:[0-9]+: 1$'
    assert_line --regexp '^datagram 2 from 127\.0\.0\.1:[0-9]+: 2$'
    refute_line --regexp '^datagram 3 '
    assert_line "== done: received 2 datagrams =="
}

@test "08-udp-receiver: a hundred datagrams numbered 1..100 all arrive, in order" {
    start_server "$BATS_TEST_TMPDIR/recv" 08-udp-receiver --count 100 \
        --timeout 5
    seq 1 100 >"$BATS_TEST_TMPDIR/lines"
    run "$BIN/09-udp-sender" --port "$PORT" \
        <"$BATS_TEST_TMPDIR/lines" 3>&- 4>&-
    assert_success
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run bash -c "grep '^datagram ' '$BATS_TEST_TMPDIR/recv' | sed 's/.*: //'"
    assert_output "$(seq 1 100)"
}

@test "08-udp-receiver: without --count, it ends after a quiet --timeout and exits 0" {
    start_server "$BATS_TEST_TMPDIR/recv" 08-udp-receiver --timeout 1
    run send_py "$PORT" x y
    assert_success
    wait_exit "$BG_PID" 10
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/recv"
    assert_line --regexp '^recvfrom\(3, buf, 512, MSG_TRUNC, &from, &len\) = -1 EAGAIN \(.*\)$'
    assert_output --partial "without --count this is the normal end"
    assert_line "== done: received 2 datagrams =="
}

@test "08-udp-receiver: no datagram within --timeout: clear message and exit 1" {
    run timeout 10 "$BIN/08-udp-receiver" --port 0 --timeout 1 \
        3>&- 4>&-
    assert_failure 1
    assert_line --regexp '^recvfrom\(3, buf, 512, MSG_TRUNC, &from, &len\) = -1 EAGAIN \(.*\)$'
    assert_line "!! timed out: no datagram arrived within --timeout 1 s; giving up"
    assert_line "== done: received 0 datagrams =="
}

@test "08-udp-receiver: --count 3 with only one datagram: timed out, exit 1" {
    start_server "$BATS_TEST_TMPDIR/recv" 08-udp-receiver --count 3 \
        --timeout 1
    run send_py "$PORT" only
    assert_success
    wait_exit "$BG_PID" 10
    [ "$EXIT_STATUS" -eq 1 ]
    run cat "$BATS_TEST_TMPDIR/recv"
    assert_line "!! timed out: no datagram arrived within --timeout 1 s; giving up"
    assert_output --partial "1 of the 3 datagrams asked for with --count arrived"
}

@test "08-udp-receiver: the port already taken fails with EADDRINUSE, explained" {
    start_server "$BATS_TEST_TMPDIR/first" 08-udp-receiver --timeout 5
    run timeout 10 "$BIN/08-udp-receiver" --port "$PORT" \
        --timeout 1 3>&- 4>&-
    assert_failure 1
    assert_line "bind(3, 127.0.0.1:$PORT, 16) = -1 EADDRINUSE (Address already in use)"
    assert_output --partial "likely cause:"
}

@test "08-udp-receiver: bad options exit 2 with one line naming the option" {
    local args
    for args in "--port 70000" "--port x" "--timeout 0" "--count 0" \
        "--count -1" "--host nowhere" "--bogus"; do
        # shellcheck disable=SC2086 # split the option from its value
        run timeout 5 "$BIN/08-udp-receiver" $args 3>&- 4>&-
        assert_failure 2
        [ "${#lines[@]}" -eq 1 ]
        assert_output --partial "${args%% *}"
    done
}

@test "08-udp-receiver: --help exits 0" {
    run "$BIN/08-udp-receiver" --help 3>&- 4>&-
    assert_success
    assert_output --partial "--count N"
}
