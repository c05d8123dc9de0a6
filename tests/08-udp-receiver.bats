#!/usr/bin/env bats
# Lesson 08: a UDP receiver (recvfrom)

# PORT is set by wait_ready (test_helper), not a misspelt "port".
# shellcheck disable=SC2153
load test_helper

# send_py PORT DATAGRAM...: send each argument as one datagram (escapes
# such as \x00 allowed) from one socket; prints its port.
send_py() {
    "$PYTHON" "$PEERS/udp-send.py" "$@"
}

@test "08-udp-receiver: three lines from 09-udp-sender arrive as three datagrams, with the sender's real port" {
    start_server "$BATS_TEST_TMPDIR/recv" 08-udp-receiver --count 3 \
        --timeout 5
    printf 'one\ntwo words\nthree\n' >"$BATS_TEST_TMPDIR/lines"
    run bare "$BIN/09-udp-sender" --port "$PORT" <"$BATS_TEST_TMPDIR/lines"
    assert_success
    sender_port
    local sport=$SPORT
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/recv"
    assert_line "receiving on 127.0.0.1:$PORT"
    assert_line "datagram 1 from 127.0.0.1:$sport: one"
    assert_line "datagram 2 from 127.0.0.1:$sport: two words"
    assert_line "datagram 3 from 127.0.0.1:$sport: three"
    [ "$(grep -c '^datagram ' <<<"$output")" -eq 3 ]
    plain && return 0
    assert_line "bind(3, 127.0.0.1:0, 16) = 0"
    assert_line "getsockname(3, 127.0.0.1:$PORT, 16) = 0"
    assert_line "recvfrom(3, \"one\", 512, MSG_TRUNC, 127.0.0.1:$sport, 16) = 3"
    assert_line "recvfrom(3, \"two words\", 512, MSG_TRUNC, 127.0.0.1:$sport, 16) = 9"
    assert_line "recvfrom(3, \"three\", 512, MSG_TRUNC, 127.0.0.1:$sport, 16) = 5"
    assert_line "== done: received 3 datagrams =="
    assert_line "close(3) = 0"
}

@test "08-udp-receiver: each narrated call and its result match strace, a timeout included" {
    plain && skip "the plain build narrates nothing"
    need_strace
    # LeakSanitizer cannot work under ptrace (the sanitizer build).
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
    # The sender starts before the receiver (tests/after-ready): the
    # receiver's 2 s are not spent on starting Python.
    local big sender
    big=$(printf 'b%.0s' {1..600})
    before_server "$BATS_TEST_TMPDIR/recv" "$BATS_TEST_TMPDIR/sender" \
        "$PEERS/udp-send.py" '{port}' "hello" "" "$big"
    sender=$PEER_PID
    start_bg "$BATS_TEST_TMPDIR/recv" "${TRACE[@]}" "$BATS_TEST_TMPDIR/trace" \
        "$BIN/08-udp-receiver" --port 0 --timeout 2
    wait_ready "$BATS_TEST_TMPDIR/recv"
    wait_exit "$sender" 30
    [ "$EXIT_STATUS" -eq 0 ]
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run unwrap "$BATS_TEST_TMPDIR/recv"
    assert_line --regexp '^recvfrom\(3, buf, 512, MSG_TRUNC, &from, &len\) = -1 EAGAIN \(.*\)$'
    strace_matches "$BATS_TEST_TMPDIR/recv" "$BATS_TEST_TMPDIR/trace"
    # strace saw the real length of the cut datagram too
    run grep -cE '^[0-9]+ +recvfrom\(3.*, 512, MSG_TRUNC, .*\) = 600$' \
        "$BATS_TEST_TMPDIR/trace"
    assert_output 1
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
    assert_line "datagram 1 from 127.0.0.1:$cport: hello"
    plain && return 0
    assert_line "recvfrom(3, \"hello\", 512, MSG_TRUNC, 127.0.0.1:$cport, 16) = 5"
}

@test "08-udp-receiver: a datagram from nc -u arrives with the newline nc sent, shown as \\n" {
    start_server "$BATS_TEST_TMPDIR/recv" 08-udp-receiver --count 1 \
        --timeout 5
    run timeout "$WAIT_RUN" nc -u -q 1 127.0.0.1 "$PORT" <<<"hello from nc"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/recv"
    assert_line --regexp '^datagram 1 from 127\.0\.0\.1:[0-9]+: hello from nc\\n$'
    plain && return 0
    assert_line --regexp '^recvfrom\(3, "hello from nc\\n", 512, MSG_TRUNC, 127\.0\.0\.1:[0-9]+, 16\) = 14$'
}

@test "08-udp-receiver: a 2000-byte datagram is cut to 512, its real length reported, the rest lost" {
    start_server "$BATS_TEST_TMPDIR/recv" 08-udp-receiver --count 2 \
        --timeout 5
    local big
    big=$(printf 'a%.0s' {1..2000})
    run send_py "$PORT" "$big" "next"
    assert_success
    local cport="$output"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run unwrap "$BATS_TEST_TMPDIR/recv"
    assert_line "datagram 1 from 127.0.0.1:$cport: ${big:0:512}"
    assert_line "datagram of 2000 bytes from 127.0.0.1:$cport, only 512 kept"
    # The rest is not delivered later: the next recvfrom is the next datagram.
    assert_line "datagram 2 from 127.0.0.1:$cport: next"
    plain && return 0
    assert_line "recvfrom(3, \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"..., 512, MSG_TRUNC, 127.0.0.1:$cport, 16) = 2000"
    assert_output --partial "the rest is lost"
    assert_line "recvfrom(3, \"next\", 512, MSG_TRUNC, 127.0.0.1:$cport, 16) = 4"
}

@test "08-udp-receiver: a datagram of exactly 512 bytes is whole, not cut" {
    start_server "$BATS_TEST_TMPDIR/recv" 08-udp-receiver --count 1 \
        --timeout 5
    run "$PYTHON" "$ROOT/tests/hostile/peer.py" udp "$PORT" 512
    assert_success
    wait_exit "$BG_PID"
    run cat "$BATS_TEST_TMPDIR/recv"
    assert_line --regexp "^datagram 1 from 127\\.0\\.0\\.1:[0-9]+: u{512}\$"
    refute_output --partial "kept"
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
    assert_line "datagram 1 from 127.0.0.1:$cport is empty: 0 bytes"
    assert_line "datagram 2 from 127.0.0.1:$cport: after"
    plain && return 0
    assert_line "recvfrom(3, \"\", 512, MSG_TRUNC, 127.0.0.1:$cport, 16) = 0"
    assert_output --partial "UDP has no connection to close"
}

@test "08-udp-receiver: every byte value and escape sequences never reach stdout raw" {
    start_server "$BATS_TEST_TMPDIR/recv" 08-udp-receiver --count 3 \
        --timeout 5
    run "$PYTHON" "$PEERS/odd-datagrams.py" "$PORT"
    assert_success
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run "$PYTHON" "$PEERS/escaped-output.py" "$BATS_TEST_TMPDIR/recv"
    assert_success
    assert_line "raw control characters: []"
    assert_line "all bytes: True"
    assert_line '\x1b]0;owned\x07\x1b[2J\x9b31m\xc2\x9b1m\r\n'
    assert_line "café ☃"
}

@test "08-udp-receiver: --count 2 stops after two of five datagrams, without waiting" {
    # --timeout 30: exiting within 10 s shows it did not wait for one.
    start_server "$BATS_TEST_TMPDIR/recv" 08-udp-receiver --count 2 \
        --timeout 30
    run send_py "$PORT" 1 2 3 4 5
    assert_success
    wait_exit "$BG_PID" 10
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/recv"
    assert_line --regexp '^datagram 1 from 127\.0\.0\.1:[0-9]+: 1$'
    assert_line --regexp '^datagram 2 from 127\.0\.0\.1:[0-9]+: 2$'
    refute_line --regexp '^datagram 3 '
    plain && return 0
    assert_line "== done: received 2 datagrams =="
}

@test "08-udp-receiver: a hundred datagrams numbered 1..100 from 09-udp-sender all arrive, in order" {
    start_server "$BATS_TEST_TMPDIR/recv" 08-udp-receiver --count 100 \
        --timeout 5
    seq 1 100 >"$BATS_TEST_TMPDIR/lines"
    run bare "$BIN/09-udp-sender" --port "$PORT" <"$BATS_TEST_TMPDIR/lines"
    assert_success
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run sed -n 's/^datagram [0-9]* from [0-9.:]*: //p' "$BATS_TEST_TMPDIR/recv"
    assert_output "$(seq 1 100)"
}

@test "08-udp-receiver: without --count it ends after a quiet --timeout, exit 0, end lines within 80 columns" {
    # COLUMNS unset: narration wraps at its default width.
    # The sender starts first and sends once the receiver is ready: the
    # receiver's one second starts after both datagrams.
    before_server "$BATS_TEST_TMPDIR/recv" "$BATS_TEST_TMPDIR/sender" \
        "$PEERS/udp-send.py" '{port}' x y
    local sender="$PEER_PID"
    start_bg "$BATS_TEST_TMPDIR/recv" env -u COLUMNS \
        "$BIN/08-udp-receiver" --port 0 --timeout 1
    wait_ready "$BATS_TEST_TMPDIR/recv"
    wait_exit "$sender" 20
    [ "$EXIT_STATUS" -eq 0 ]
    wait_exit "$BG_PID" 10
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/recv"
    assert_line "no more datagrams within --timeout 1 s"
    # every line after the last datagram is at most 80 columns
    run bash -c "sed '1,/^datagram 2 /d' '$BATS_TEST_TMPDIR/recv' |
        awk 'length > 80' | wc -l"
    assert_output 0
    run unwrap "$BATS_TEST_TMPDIR/recv"
    plain && return 0
    assert_line --regexp '^recvfrom\(3, buf, 512, MSG_TRUNC, &from, &len\) = -1 EAGAIN \(.*\)$'
    assert_line "== done: received 2 datagrams =="
}

@test "08-udp-receiver: no datagram within --timeout: says so and exits 1" {
    run_lesson timeout "$WAIT_LOOPBACK" "$BIN/08-udp-receiver" --port 0 --timeout 1
    assert_failure 1
    assert_line "no datagram within --timeout 1 s"
    refute_line --partial "no more"
    plain && return 0
    run unwrap <(printf '%s\n' "$output")
    assert_line --regexp '^recvfrom\(3, buf, 512, MSG_TRUNC, &from, &len\) = -1 EAGAIN \(.*\)$'
    assert_line "close(3) = 0"
}

@test "08-udp-receiver: --count 3 with only one datagram: no more within --timeout, exit 0 (as 04)" {
    before_server "$BATS_TEST_TMPDIR/recv" "$BATS_TEST_TMPDIR/sender" \
        "$PEERS/udp-send.py" '{port}' only
    local sender="$PEER_PID"
    start_server "$BATS_TEST_TMPDIR/recv" 08-udp-receiver --count 3 \
        --timeout 1
    wait_exit "$sender" 20
    [ "$EXIT_STATUS" -eq 0 ]
    wait_exit "$BG_PID" 10
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/recv"
    assert_line --regexp '^datagram 1 from 127\.0\.0\.1:[0-9]+: only$'
    assert_line "no more datagrams within --timeout 1 s"
    plain && return 0
    assert_line "== done: received 1 datagram =="
}

@test "08-udp-receiver: the port already taken fails with EADDRINUSE, explained" {
    start_server "$BATS_TEST_TMPDIR/first" 08-udp-receiver --timeout 5
    run_lesson timeout "$WAIT_LOOPBACK" "$BIN/08-udp-receiver" --port "$PORT" --timeout 1
    assert_failure 1
    assert_line --partial "bind: Address already in use"
    plain && return 0
    assert_line "bind(3, 127.0.0.1:$PORT, 16) = -1 EADDRINUSE (Address already in use)"
    assert_output --partial "likely cause:"
}

@test "08-udp-receiver: bad options exit 2 with one line naming the option" {
    local args
    for args in "--port 70000" "--port x" "--timeout 0" "--count 1000001" \
        "--count -1" "--host nowhere" "--message hi" "--bogus"; do
        # shellcheck disable=SC2086 # split the option from its value
        run_lesson timeout "$((30 * SCALE))" "$BIN/08-udp-receiver" $args
        assert_failure 2
        [ "${#lines[@]}" -eq 1 ]
        assert_output --partial "${args%% *}"
    done
}

@test "08-udp-receiver: --help says what --timeout and --count bound, default 300 s" {
    run_lesson "$BIN/08-udp-receiver" --help
    assert_success
    assert_output --partial "--count N"
    assert_output --partial "seconds recvfrom() waits for each datagram (default 300)"
    assert_output --partial "how many datagrams to receive"
    refute_output --partial "--message"
}
