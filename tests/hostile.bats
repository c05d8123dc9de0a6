#!/usr/bin/env bats
# Hostile and odd peers against the servers (loopback only). After each,
# the server must still serve a normal client, and exit 0 with --count:
# a server killed by SIGPIPE, a sanitizer or a crash fails that check.

# The longest wait inside a test here is 120 s: bats' own per-test
# limit must be longer, or that wait could never say what it waited
# for (tests/timeouts checks it).
: "${BATS_TEST_TIMEOUT:=$((150 * ${SOCKSTEP_TEST_SCALE:-1}))}"
load test_helper
load hostile/common


# serve_one_more PORT: a normal client; its echo must come back whole.
echo_one() {
    run "$PYTHON" "$PEER" halfclose "$1" "one more client"
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
    run timeout "$((120 * SCALE))" "$PYTHON" "$PEER" echo "$PORT" $((8 << 20))
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
    run timeout "$WAIT_SHORT" "$PYTHON" "$PEER" binary "$PORT"
    assert_success
    assert_output "same 1024"
    echo_one "$PORT"
    server_done "$server" "$out"
    run cat "$out"
    assert_line --regexp '^client 127\.0\.0\.1:[0-9]+: 1024 bytes echoed$'
    plain && return 0
    # the preview of binary data is escaped and cut, on one line
    assert_line --regexp '^recv\(4, "\\x00\\x01\\x02.*"\.\.\., 4096, 0\) = 1024$'
}

@test "hostile 06: a client that resets the connection mid-stream (SO_LINGER 0)" {
    need_bin 06-send-recv-server
    local out="$BATS_TEST_TMPDIR/server"
    start_server "$out" 06-send-recv-server --count 2 --timeout 30
    local server="$BG_PID"
    run timeout "$WAIT_SHORT" "$PYTHON" "$PEER" reset "$PORT" $((1 << 20))
    assert_success
    echo_one "$PORT"
    server_done "$server" "$out"
    run cat "$out"
    # the reset is reported as an error on this client only, in words
    assert_line --regexp '^(recv|send): (Connection reset by peer|Broken pipe)$'
    plain && return 0
    # The failed call, on its line or wrapped onto the next one (the bytes
    # shown are random, so they may hold any printable character, '=' too).
    run awk '
        /^(recv|send)\(4, / {
            if (/\) = -1 (ECONNRESET|EPIPE) \(/) found = 1
            call = !/\) = /  # no result on this line: it wrapped
            next
        }
        call && /^    .*\) = -1 (ECONNRESET|EPIPE) \(/ { found = 1 }
        { call = 0 }
        END { exit !found }' "$out"
    assert_success
    run cat "$out"
    assert_output --partial "likely cause: "
}

@test "hostile 06: a client that says nothing is timed out (--timeout 1) and the next is served" {
    need_bin 06-send-recv-server
    local out="$BATS_TEST_TMPDIR/server"
    # One peer, started before the server: the silent client, and at once
    # the next one, which queues; the server gets to it after 1 s. Nothing
    # has to start while the server's second runs.
    before_server "$out" "$BATS_TEST_TMPDIR/peer" \
        "$PEERS/silent-first.py" '{port}' 1 "one more client"
    local clients="$PEER_PID"
    start_server "$out" 06-send-recv-server --count 2 --timeout 1
    local server="$BG_PID"
    wait_exit "$clients" 30
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/peer"
    assert_output "one more client"
    server_done "$server" "$out"
    run cat "$out"
    assert_output --partial "sent nothing for 1 s"
    assert_line --regexp '^client 127\.0\.0\.1:[0-9]+: 15 bytes echoed$'
    plain && return 0
    assert_line --regexp '^recv\(4, buf, [0-9]+, 0\) = -1 EAGAIN \(.*\)$'
}

@test "hostile 06: a client that half-closes (SHUT_WR) still receives the whole echo" {
    need_bin 06-send-recv-server
    local out="$BATS_TEST_TMPDIR/server"
    start_server "$out" 06-send-recv-server --count 1 --timeout 30
    local server="$BG_PID"
    local text
    text=$(head -c 20000 /dev/zero | tr '\0' h)
    run "$PYTHON" "$PEER" halfclose "$PORT" "$text"
    assert_success
    [ "${#output}" -eq 20000 ]
    [ "$output" = "$text" ]
    server_done "$server" "$out"
    run cat "$out"
    assert_line --regexp '^client 127\.0\.0\.1:[0-9]+: 20000 bytes echoed$'
    plain && return 0
    assert_line --regexp '^recv\(4, "", [0-9]+, 0\) = 0$'
}

@test "hostile 06: 200 clients one after another, then one more" {
    need_bin 06-send-recv-server
    local out="$BATS_TEST_TMPDIR/server"
    start_server "$out" 06-send-recv-server --count 201 --timeout 30
    local server="$BG_PID"
    run timeout "$((120 * SCALE))" "$PYTHON" "$PEER" many "$PORT" 200
    assert_success
    assert_output "served 200"
    echo_one "$PORT"
    server_done "$server" "$out"
    run grep -c '^client 127\.0\.0\.1:[0-9]*: [0-9]* bytes echoed$' "$out"
    assert_output 201
    plain && return 0
    run grep -c '^accept(3, 127\.0\.0\.1:[0-9]*, 16) = 4$' "$out"
    assert_output 201
}

@test "hostile 06: a client that sends a lot, never reads, and closes: EPIPE/ECONNRESET in words, no SIGPIPE" {
    need_bin 06-send-recv-server
    local out="$BATS_TEST_TMPDIR/server"
    start_server "$out" 06-send-recv-server --count 2 --timeout 30
    local server="$BG_PID"
    run timeout "$WAIT_LONG" "$PYTHON" "$PEER" noread "$PORT" $((64 << 20))
    assert_success
    echo "$output"
    echo_one "$PORT"
    server_done "$server" "$out"
    run cat "$out"
    assert_line --regexp '^send: (Broken pipe|Connection reset by peer)$'
    plain && return 0
    assert_output --regexp 'send\(4, [^=]*MSG_NOSIGNAL\) = -1 (EPIPE|ECONNRESET) \('
    assert_output --partial "likely cause: "
}

# ---- 04 accept server ---------------------------------------------------

@test "hostile 04: a client that resets at once, and a port-scan connect-and-close; it keeps serving" {
    need_bin 04-accept
    local out="$BATS_TEST_TMPDIR/server"
    start_server "$out" 04-accept --count 3 --timeout 30
    local server="$BG_PID"
    wait_blocked "$server"
    # Stopped, the server cannot win the race: both clients are gone
    # before it accept()s them. (Its accept() then fails with EINTR, which
    # it must shrug off: see signals.bats.)
    kill -STOP "$server"
    "$PYTHON" "$PEER" rst-at-once "$PORT"
    "$PYTHON" "$PEER" scan "$PORT"
    kill -CONT "$server"
    run timeout "$WAIT_LOOPBACK" "$PYTHON" "$PEER" halfclose "$PORT" ""
    assert_success
    assert_output --regexp '^hello 127\.0\.0\.1:[0-9]+, you are client 3$'
    server_done "$server" "$out"
    run cat "$out"
    # the reset client: send() fails, said in words; the server goes on
    assert_line --regexp '^send: (Connection reset by peer|Broken pipe)$'
    plain && return 0
    # (a long call line wraps inside its arguments)
    assert_output --regexp 'send\(4, [^=]*MSG_NOSIGNAL\) = -1 (ECONNRESET|EPIPE) \('
    assert_output --partial "likely cause: "
}

# ---- 08 UDP receiver ----------------------------------------------------

@test "hostile 08: an empty datagram is a datagram, not an end" {
    need_bin 08-udp-receiver
    local out="$BATS_TEST_TMPDIR/receiver"
    start_server "$out" 08-udp-receiver --count 2 --timeout 10
    local rcv="$BG_PID"
    "$PYTHON" "$PEER" udp "$PORT" 0 3
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
    "$PYTHON" "$PEER" udp "$PORT" 65507 4
    server_done "$rcv" "$out"
    run cat "$out"
    assert_line --regexp '^datagram of 65507 bytes from 127\.0\.0\.1:[0-9]+, only [0-9]+ kept$'
    # the next datagram is the next one, not the rest of the big one
    assert_line --regexp '^datagram 2 from 127\.0\.0\.1:[0-9]+: uuuu$'
    plain && return 0
    # (a long call line wraps inside its arguments)
    assert_output --regexp 'recvfrom\(3, "u{32}"\.\.\., [0-9]+, MSG_TRUNC,[^=]*\) = 65507'
    assert_output --partial "the datagram was longer than the buffer"
}

@test "hostile 08: a datagram of every byte value 0..255, printed escaped" {
    need_bin 08-udp-receiver
    local out="$BATS_TEST_TMPDIR/receiver"
    start_server "$out" 08-udp-receiver --count 2 --timeout 10
    local rcv="$BG_PID"
    "$PYTHON" "$PEER" udp-binary "$PORT"
    "$PYTHON" "$PEER" udp "$PORT" 2
    server_done "$rcv" "$out"
    run cat "$out"
    assert_line --regexp '^datagram 2 from 127\.0\.0\.1:[0-9]+: uu$'
    # the datagram itself, escaped: no raw control byte reached stdout
    assert_output --partial '\x00\x01\x02\x03'
    plain || assert_output --regexp 'recvfrom\(3, "\\x00\\x01[^=]*\) = 256'
    run "$PYTHON" -c 'import sys; d = open(sys.argv[1], "rb").read(); sys.exit(any(b < 32 and b != 10 or 0x7f <= b < 0xa0 for b in d))' "$out"
    assert_success
}

@test "hostile 08: 1000 datagrams in a burst: it keeps going (loss allowed) and exits 0" {
    need_bin 08-udp-receiver
    local out="$BATS_TEST_TMPDIR/receiver"
    # no --count: it stops after 2 s without a datagram, exit 0. The first
    # must come within 2 s of the ready line too: the sender starts before
    # the receiver (tests/after-ready) and sends once it is ready.
    before_server "$out" "$BATS_TEST_TMPDIR/burst" "$PEER" burst '{port}' \
        1000 100
    local burst="$PEER_PID"
    start_server "$out" 08-udp-receiver --timeout 2
    local rcv="$BG_PID"
    wait_exit "$burst" 30
    [ "$EXIT_STATUS" -eq 0 ]
    server_done "$rcv" "$out"
    local got
    got=$(grep -cE '^datagram [0-9]+ from 127\.0\.0\.1:[0-9]+: ' "$out")
    echo "# 08-udp-receiver reported $got of 1000 datagrams" >&3
    ((got > 0))
    ((got <= 1000))
    plain && return 0
    # what it counted is what it printed: the last number is the count
    run tail -n 20 "$out"
    assert_output --partial "done: received $got datagram"
}

# ---- the terminal side: closed descriptors, stdout that fails ----------

# port_of PID: the TCP port PID listens on, from ss (for a server whose
# stdout is closed, so it cannot print its ready line to us).
port_of() {
    wait_until 5 listen_port "$1"
}

# listen_port PID: the port, if PID listens on one now.
listen_port() {
    local p
    p=$(ss -Htlnp 2>/dev/null | awk -v pid="pid=$1," '
        index($0, pid) { n = split($4, a, ":"); print a[n]; exit }')
    [[ -n "$p" ]] && echo "$p"
}

@test "hardening: stdin and stdout closed at start: the 06 server's narration never reaches its client" {
    need_bin 06-send-recv-server
    "$ROOT/tests/hostile/run-clean" "$BIN/06-send-recv-server" --port 0 \
        --count 1 --timeout 10 <&- >&- 2>"$BATS_TEST_TMPDIR/err" 3>&- 4>&- &
    BG_PID=$!
    # shellcheck disable=SC2030,SC2031 # teardown runs in the same subshell
    SS_PIDS+=("$BG_PID")
    local lport
    lport=$(port_of "$BG_PID")
    run "$PYTHON" "$PEER" halfclose "$lport" "just the echo"
    assert_success
    # Only the echo: no "accept(", "send(" or any narration came back.
    assert_output "just the echo"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    # The listening socket was fd 3, not 0: /dev/null took 0 and 1.
}

@test "hardening: stdout closed at start: every lesson's --help and a short run do not die of SIGPIPE" {
    local l status fails=()
    read -r -a LESSON_LIST <<<"$(all_lessons)"
    for l in "${LESSON_LIST[@]}"; do
        status=0
        "$HOSTILE/run-clean" timeout "$WAIT_LOOPBACK" "$BIN/$l" --help >&- 2>/dev/null \
            </dev/null 3>&- 4>&- || status=$?
        ((status == 0)) || fails+=("$l --help >&-: exit $status")
    done
    status=0
    "$HOSTILE/run-clean" timeout "$WAIT_LOOPBACK" "$BIN/01-socket" >&- 2>/dev/null \
        </dev/null 3>&- 4>&- || status=$?
    ((status == 0)) || fails+=("01-socket >&-: exit $status")
    status=0
    "$HOSTILE/run-clean" timeout "$WAIT_LOOPBACK" "$BIN/04-accept" --port 0 --timeout 1 \
        >&- 2>/dev/null </dev/null 3>&- 4>&- || status=$?
    ((status == 1)) || fails+=("04-accept --timeout 1 >&-: exit $status, expected 1")
    printf '%s\n' "${fails[@]}" >&2
    ((${#fails[@]} == 0))
}

@test "hardening: stdin closed: 09 reads end of input at once instead of its own socket" {
    need_bin 09-udp-sender
    # (closed inside: bats' own run would hand 09 its output pipe as fd 0)
    # shellcheck disable=SC2016 # $0 and $@ are for the inner bash
    run timeout "$WAIT_LOOPBACK" "$HOSTILE/run-clean" bash -c '"$0" "$@" <&-' \
        "$BIN/09-udp-sender" --port 9
    [ "$status" -ne 124 ] # not stuck until timeout killed it
    [ "$status" -eq 0 ]
}

@test "hardening: a reader of stdout that stops after the ready line does not kill the server" {
    need_bin 04-accept
    local line="$BATS_TEST_TMPDIR/line" st="$BATS_TEST_TMPDIR/status"
    local err="$BATS_TEST_TMPDIR/err"
    # The natural way to read a kernel-chosen port in a script.
    {
        {
            "$HOSTILE/run-clean" "$BIN/04-accept" --port 0 --count 2 \
                --timeout 10 2>"$err" </dev/null
            echo $? >"$st"
        } | grep -m1 'listening on' >"$line"
    } 3>&- 4>&- &
    # shellcheck disable=SC2030,SC2031 # teardown runs in the same subshell
    SS_PIDS+=("$!")
    wait_for "$line" 'listening on'
    local lport
    lport=$(sed 's/.*://' "$line")
    [ -n "$lport" ]
    run timeout "$WAIT_RUN" nc -N 127.0.0.1 "$lport" </dev/null
    assert_output --regexp "^hello 127\.0\.0\.1:[0-9]+, you are client 1$"
    run timeout "$WAIT_RUN" nc -N 127.0.0.1 "$lport" </dev/null
    assert_output --regexp "you are client 2$"
    wait_until 5 test -s "$st"
    [ "$(cat "$st")" -eq 0 ] # not 141 (SIGPIPE)
    plain && return 0 # no narration to stop
    run cat "$err"
    assert_output --partial "narration stops, the program goes on"
}

@test "hardening: stdout on /dev/full: the error is said on stderr and the exit status is 1" {
    need_bin 01-socket
    run bash -c '"$0" 2>&1 >/dev/full' "$BIN/01-socket"
    assert_failure 1
    assert_output --partial "could not write to standard output"
}

@test "hardening: stdout to a pipe nobody reads: the server neither blocks past --timeout nor in its signal handler" {
    need_bin 08-udp-receiver
    # The guard on stdout is the narration's: the plain program writes its
    # lines with printf, and blocks on a full pipe as any program would.
    plain && skip "the plain build has no narration, and no guard on stdout"
    run timeout "$WAIT_LONG" "$PYTHON" "$PEERS/stdout-never-read.py" \
        "$HOSTILE/run-clean" "$BIN/08-udp-receiver"
    assert_success
    assert_line --regexp "^ended by itself after [0-9.]+ s, status [01]$"
    assert_output --partial "standard output has not been read for 2 s"
}

@test "hardening: at ulimit -n 4 the kernel view says it could not read /proc, and concludes nothing" {
    need_bin 04-accept
    plain && skip "the plain build reads no /proc"
    # shellcheck disable=SC2016 # $0 is for the inner bash
    run "$HOSTILE/run-clean" bash -c \
        'ulimit -n 4; exec "$0" --port 0 --timeout 1' "$BIN/04-accept"
    assert_failure 1
    assert_output --partial "could not read /proc/net/tcp: EMFILE"
    refute_output --partial "not in /proc/net"
    refute_output --regexp "kernel: tcp "
}
