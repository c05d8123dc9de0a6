#!/usr/bin/env bats
# Hostile and odd peers against the servers (loopback only). After each,
# the server must still serve a normal client, and exit 0 with --count:
# a server killed by SIGPIPE, a sanitizer or a crash fails that check.

load test_helper
load hostile/common


# serve_one_more PORT: a normal client; its echo must come back whole.
echo_one() {
    run python3 "$PEER" halfclose "$1" "one more client"
    assert_success
    assert_output "one more client"
}

# server_done PID OUT: the server exits 0 by itself (--count reached).
server_done() {
    wait_exit "$1" 30
    if [[ "$EXIT_STATUS" -ne 0 ]]; then
        echo "server exit status $EXIT_STATUS, expected 0; its output ends:" >&2
        tail -n 40 "$2" >&2
        return 1
    fi
}

# ---- 06 echo server -----------------------------------------------------

@test "hostile 06: 8 MiB of random bytes echoed back byte for byte (sha256)" {
    need_bin 06-send-recv-server
    local out="$BATS_TEST_TMPDIR/server"
    start_server "$out" 06-send-recv-server --count 2 --timeout 30
    local server="$BG_PID"
    run timeout 120 python3 "$PEER" echo "$PORT" $((8 << 20))
    assert_success
    local sent_sha got_sha
    sent_sha=$(awk '$1 == "sent" {print $2 " " $3}' <<<"$output")
    got_sha=$(awk '$1 == "got" {print $2 " " $3}' <<<"$output")
    echo "sent: $sent_sha / got: $got_sha"
    [ -n "$sent_sha" ]
    [ "$sent_sha" = "$got_sha" ]
    echo_one "$PORT"
    server_done "$server" "$out"
}

@test "hostile 06: every byte value 0..255 echoed back exactly (the narration escapes them)" {
    need_bin 06-send-recv-server
    local out="$BATS_TEST_TMPDIR/server"
    start_server "$out" 06-send-recv-server --count 2 --timeout 30
    local server="$BG_PID"
    run timeout 30 python3 "$PEER" binary "$PORT"
    assert_success
    assert_output "same 1024"
    echo_one "$PORT"
    server_done "$server" "$out"
    run cat "$out"
    # the preview of binary data is escaped and cut, on one line
    assert_line --regexp '^recv\(4, "\\x00\\x01\\x02.*"\.\.\., 4096, 0\) = 1024$'
}

@test "hostile 06: a client that resets the connection mid-stream (SO_LINGER 0)" {
    need_bin 06-send-recv-server
    local out="$BATS_TEST_TMPDIR/server"
    start_server "$out" 06-send-recv-server --count 2 --timeout 30
    local server="$BG_PID"
    run timeout 30 python3 "$PEER" reset "$PORT" $((1 << 20))
    assert_success
    echo_one "$PORT"
    server_done "$server" "$out"
    run cat "$out"
    # the reset is reported as an error on this client only, in words
    assert_line --regexp '^(recv|send)\(4, .*\) = -1 (ECONNRESET|EPIPE) \(.*\)$'
    assert_output --partial "the server closes"
}

@test "hostile 06: a client that says nothing is timed out (--timeout 1) and the next is served" {
    need_bin 06-send-recv-server
    local out="$BATS_TEST_TMPDIR/server"
    start_server "$out" 06-send-recv-server --count 2 --timeout 1
    local server="$BG_PID"
    start_bg "$BATS_TEST_TMPDIR/silent" python3 "$PEER" silent "$PORT" 20
    wait_for "$out" '^accept\(3, 127\.0\.0\.1:[0-9]+, 16\) = 4$'
    # the next client queues at once; the server gets to it after 1 s
    echo_one "$PORT"
    server_done "$server" "$out"
    run cat "$out"
    assert_line --regexp '^recv\(4, buf, [0-9]+, 0\) = -1 EAGAIN \(.*\)$'
    assert_output --partial "sent nothing for 1 s"
}

@test "hostile 06: a client that half-closes (SHUT_WR) still receives the whole echo" {
    need_bin 06-send-recv-server
    local out="$BATS_TEST_TMPDIR/server"
    start_server "$out" 06-send-recv-server --count 1 --timeout 30
    local server="$BG_PID"
    local text
    text=$(head -c 20000 /dev/zero | tr '\0' h)
    run python3 "$PEER" halfclose "$PORT" "$text"
    assert_success
    [ "${#output}" -eq 20000 ]
    [ "$output" = "$text" ]
    server_done "$server" "$out"
    run cat "$out"
    assert_line --regexp '^recv\(4, "", [0-9]+, 0\) = 0$'
}

@test "hostile 06: 200 clients one after another, then one more" {
    need_bin 06-send-recv-server
    local out="$BATS_TEST_TMPDIR/server"
    start_server "$out" 06-send-recv-server --count 201 --timeout 30
    local server="$BG_PID"
    run timeout 120 python3 "$PEER" many "$PORT" 200
    assert_success
    assert_output "served 200"
    echo_one "$PORT"
    server_done "$server" "$out"
    run grep -c '^accept(3, 127\.0\.0\.1:[0-9]*, 16) = 4$' "$out"
    assert_output 201
}

@test "hostile 06: a client that sends a lot, never reads, and closes: EPIPE/ECONNRESET in words, no SIGPIPE" {
    need_bin 06-send-recv-server
    local out="$BATS_TEST_TMPDIR/server"
    start_server "$out" 06-send-recv-server --count 2 --timeout 30
    local server="$BG_PID"
    run timeout 60 python3 "$PEER" noread "$PORT" $((64 << 20))
    assert_success
    echo "$output"
    echo_one "$PORT"
    server_done "$server" "$out"
    run cat "$out"
    assert_line --regexp '^send\(4, .*, MSG_NOSIGNAL\) = -1 (EPIPE|ECONNRESET) \(.*\)$'
    assert_output --regexp "has closed its end|reset the connection"
    refute_output --partial "SIGPIPE killed"
}

# ---- 04 accept server ---------------------------------------------------

@test "hostile 04: a client that resets at once, and a port-scan connect-and-close; it keeps serving" {
    need_bin 04-accept
    local out="$BATS_TEST_TMPDIR/server"
    start_server "$out" 04-accept --count 3 --timeout 30
    local server="$BG_PID"
    wait_for "$out" '^    accept\(\) blocks'
    wait_blocked "$server"
    # Stopped, the server cannot win the race: both clients are gone
    # before it accept()s them. (Its accept() then fails with EINTR, which
    # it must shrug off: see signals.bats.)
    kill -STOP "$server"
    python3 "$PEER" rst-at-once "$PORT"
    python3 "$PEER" scan "$PORT"
    kill -CONT "$server"
    run timeout 10 python3 "$PEER" halfclose "$PORT" ""
    assert_success
    assert_output --regexp '^hello 127\.0\.0\.1:[0-9]+, you are client 3$'
    server_done "$server" "$out"
    run cat "$out"
    # the reset client: send() fails in plain words, the server goes on
    assert_line --regexp '^send\(4, .*, MSG_NOSIGNAL\) = -1 (ECONNRESET|EPIPE) \(.*\)$'
    assert_output --partial "the client has gone already"
}

# ---- 08 UDP receiver ----------------------------------------------------

@test "hostile 08: an empty datagram is a datagram, not an end" {
    need_bin 08-udp-receiver
    local out="$BATS_TEST_TMPDIR/receiver"
    start_server "$out" 08-udp-receiver --count 2 --timeout 10
    local rcv="$BG_PID"
    python3 "$PEER" udp "$PORT" 0 3
    server_done "$rcv" "$out"
    run cat "$out"
    assert_line --regexp '^datagram 1 from 127\.0\.0\.1:[0-9]+ is empty: 0 bytes$'
    assert_line --regexp '^datagram 2 from 127\.0\.0\.1:[0-9]+: uuu$'
}

@test "hostile 08: a 65507-byte datagram into its small buffer: truncation reported with the real length" {
    need_bin 08-udp-receiver
    local out="$BATS_TEST_TMPDIR/receiver"
    start_server "$out" 08-udp-receiver --count 2 --timeout 10
    local rcv="$BG_PID"
    python3 "$PEER" udp "$PORT" 65507 4
    server_done "$rcv" "$out"
    run cat "$out"
    assert_line --regexp '^recvfrom\(3, "u{24}"\.\.\., [0-9]+, MSG_TRUNC, 127\.0\.0\.1:[0-9]+, 16\) = 65507$'
    assert_line --regexp '^truncated: 65507 bytes sent, only [0-9]+ kept; the rest is lost$'
    # the next datagram is the next one, not the rest of the big one
    assert_line --regexp '^datagram 2 from 127\.0\.0\.1:[0-9]+: uuuu$'
}

@test "hostile 08: a datagram of every byte value 0..255, narrated on one line" {
    need_bin 08-udp-receiver
    local out="$BATS_TEST_TMPDIR/receiver"
    start_server "$out" 08-udp-receiver --count 2 --timeout 10
    local rcv="$BG_PID"
    python3 "$PEER" udp-binary "$PORT"
    python3 "$PEER" udp "$PORT" 2
    server_done "$rcv" "$out"
    run cat "$out"
    assert_line --regexp '^recvfrom\(3, "\\x00\\x01.*"\.\.\., [0-9]+, MSG_TRUNC, 127\.0\.0\.1:[0-9]+, 16\) = 256$'
    assert_line --regexp '^datagram 2 from 127\.0\.0\.1:[0-9]+: uu$'
}

@test "hostile 08: 1000 datagrams in a burst: it keeps going (loss allowed) and exits 0" {
    need_bin 08-udp-receiver
    local out="$BATS_TEST_TMPDIR/receiver"
    # no --count: it stops after 2 s without a datagram, exit 0 (the first
    # must come within 2 s of the ready line too: python starts in time)
    start_server "$out" 08-udp-receiver --timeout 2
    local rcv="$BG_PID"
    run python3 "$PEER" burst "$PORT" 1000 100
    assert_success
    server_done "$rcv" "$out"
    local got
    got=$(grep -cE '^datagram [0-9]+ from 127\.0\.0\.1:[0-9]+: ' "$out")
    echo "# 08-udp-receiver reported $got of 1000 datagrams" >&3
    ((got > 0))
    ((got <= 1000))
    # what it counted is what it printed: the last number is the count
    run tail -n 20 "$out"
    assert_output --partial "done: received $got datagram"
}
