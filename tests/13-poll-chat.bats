#!/usr/bin/env bats
# Lesson 13: a chat server with poll()

# PORT, BG_PID and EXIT_STATUS are set by test_helper (wait_ready, wait_exit).
# shellcheck disable=SC2153
# The longest wait inside a test here is 60 s: bats' own per-test
# limit must be longer, or that wait could never say what it waited
# for (tests/timeouts checks it).
: "${BATS_TEST_TIMEOUT:=$((90 * ${SOCKSTEP_TEST_SCALE:-1}))}"
load test_helper

PY_SERVER="$ROOT/docs/python/13_poll_chat.py"

# has FILE LINE: FILE has exactly this line (for big files, where bats' run
# would take long to split the output into lines).
has() {
    grep -qxF -- "$2" "$1" || fail "no line '$2' in $1"
}

# chat OUT CMD...: start a chat server CMD on a free port.
chat() {
    local out="$1"
    shift
    start_bg "$out" "$@" --port 0
    wait_ready "$out"
}

# clients TEST ARGS...: run chat-clients.py against the server on PORT; its
# output in GOT (it must succeed).
clients() {
    GOT=$(timeout "$WAIT_LONG" "$PYTHON" "$PEERS/chat-clients.py" "$PORT" "$@") ||
        fail "clients $*: $GOT"
}

# said LINE: the clients printed exactly this line.
said() {
    grep -qxF -- "$1" <<<"$GOT" || fail "the clients did not print '$1': $GOT"
}

# fifty OUT CMD...: 50 clients at once, 5 lines each, against server CMD.
fifty() {
    local out="$1"
    shift
    chat "$out" "$@" --count 50 --timeout 30
    clients many 50 5
    said "50 clients: each got the 49 others x 5 lines, in order"
    wait_exit "$BG_PID" 30
    [ "$EXIT_STATUS" -eq 0 ]
    [ "$(grep -cE '^client [0-9]+ joined from 127\.0\.0\.1:[0-9]+ \([0-9]+ here\)$' "$out")" -eq 50 ]
    [ "$(grep -cE '^client [0-9]+ left \([0-9]+ here\)$' "$out")" -eq 50 ]
    [ "$(grep -cE '^client [0-9]+: line [0-4] of [0-9]+$' "$out")" -eq 250 ]
    has "$out" "--count 50 reached: no new clients; the chat ends when the last one leaves"
}

@test "13-poll-chat: 50 clients at once: every line reaches the 49 others, in order per sender" {
    fifty "$BATS_TEST_TMPDIR/server" "$BIN/13-poll-chat"
}

@test "13-poll-chat: the Python version passes the same 50-client test" {
    fifty "$BATS_TEST_TMPDIR/server" "$PYTHON" "$PY_SERVER"
}

# leavers OUT CMD...: one leaves mid-line, one resets; the one who stays is
# told, and the half line is never relayed.
leavers() {
    local out="$1"
    shift
    chat "$out" "$@" --count 3 --timeout 10
    clients leavers
    local ids
    read -ra ids <<<"$(head -n 1 <<<"$GOT")"
    [ "${ids[0]}" = ids ]
    said "* client ${ids[1]} left"
    said "client ${ids[3]}: bye"
    said "* client ${ids[3]} is gone (Connection reset by peer)"
    if grep -q half <<<"$GOT"; then
        fail "half a line was relayed: $GOT"
    fi
    wait_exit "$BG_PID" 10
    [ "$EXIT_STATUS" -eq 0 ]
    has "$out" "client ${ids[1]} left in the middle of a line: its last 9 bytes are dropped"
    has "$out" "client ${ids[1]} left (2 here)"
    has "$out" "client ${ids[3]} is gone: Connection reset by peer (1 here)"
}

@test "13-poll-chat: a client that leaves mid-line and one that resets: the others are told, nothing half is relayed" {
    leavers "$BATS_TEST_TMPDIR/server" "$BIN/13-poll-chat"
    plain && return 0
    # The reset shows in poll()'s revents, and recv() says ECONNRESET.
    grep -qE "^    ready: .*revents=POLLIN\|POLLERR\|POLLHUP" "$BATS_TEST_TMPDIR/server"
    grep -qE "^recv\([0-9]+, buf, 512, 0\) = -1 ECONNRESET" "$BATS_TEST_TMPDIR/server"
}

@test "13-poll-chat: the Python version: the same leavers" {
    leavers "$BATS_TEST_TMPDIR/server" "$PYTHON" "$PY_SERVER"
}

# noread OUT CMD...: a client that never reads stalls nobody, and is
# dropped when 64 KiB wait for it.
noread() {
    local out="$1"
    shift
    chat "$out" "$@" --count 3 --timeout 10
    clients noread
    # Stalls nobody: every ping came back (each within 5 s, or the clients
    # fail), and more than one before the silent reader was dropped, so
    # the others were served while its queue filled. (How fast each ping
    # was depends on the machine: printed, not asserted.)
    local pings
    pings=$(sed -n 's/^pings \([0-9]*\), slowest [0-9.]* s$/\1/p' <<<"$GOT")
    echo "# $(grep '^pings ' <<<"$GOT")" >&3
    ((pings >= 2)) || fail "only $pings ping(s) before the drop: $GOT"
    grep -qxE "bulk lines [0-9]+, in order True" <<<"$GOT" || fail "$GOT"
    said "dropped: * client 1 was dropped: it was not reading"
    said "the talker was told too: True"
    wait_exit "$BG_PID" 10
    [ "$EXIT_STATUS" -eq 0 ]
    has "$out" "client 1 was dropped: it did not read, and its queue (65536 bytes) was full (2 here)"
}

@test "13-poll-chat: a client that never reads: the others get their lines promptly, and it is dropped" {
    noread "$BATS_TEST_TMPDIR/server" "$BIN/13-poll-chat"
}

@test "13-poll-chat: the Python version: the same client that never reads" {
    noread "$BATS_TEST_TMPDIR/server" "$PYTHON" "$PY_SERVER"
}

# odd OUT CMD...: the lines of chat-clients.py's odd test, as relayed by
# server CMD (its output in OUT); the server is left to end.
odd() {
    local out="$1"
    shift
    chat "$out" "$@" --count 2 --timeout 10
    clients odd
    run cat <<<"$GOT"
    assert_line --index 0 'client 1: ?]0;PWNED?hi?[2J'
    assert_line --index 1 "client 1: $(printf 'y%.0s' {1..512})"
    assert_line --index 2 "client 1: $(printf 'y%.0s' {1..512})"
    assert_line --index 3 "client 1: $(printf 'y%.0s' {1..176})"
    # C1 controls become '?' too, raw or in UTF-8; UTF-8 characters go
    # whole, their bytes 0x80-0x9f included
    assert_line --index 4 'client 1: C1 ?2J ?2J ? | \xe2\x82\xac \xc3\x9b \xc3\xa9 \xe2?| \xf8?'
}

@test "13-poll-chat: escapes, C1 and CR become '?' or go; a long line goes in 512-byte pieces; the server prints them escaped" {
    odd "$BATS_TEST_TMPDIR/server" "$BIN/13-poll-chat"
    wait_exit "$BG_PID" 10
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line 'client 1: \x1b]0;PWNED\x07hi\x1b[2J\r'
    assert_line "client 1: $(printf 'y%.0s' {1..512}) [no newline in 512 bytes: relayed as a line]"
    # No raw escape byte reached the server's terminal.
    run grep -c $'\x1b' "$BATS_TEST_TMPDIR/server"
    assert_output "0"
}

@test "13-poll-chat: the Python version relays the same odd lines alike" {
    odd "$BATS_TEST_TMPDIR/server" "$PYTHON" "$PY_SERVER"
    wait_exit "$BG_PID" 10
}

@test "13-poll-chat: nc -N and socat as chat clients" {
    command -v socat >/dev/null || skip "socat is not installed"
    chat "$BATS_TEST_TMPDIR/server" "$BIN/13-poll-chat" --count 2 --timeout 10
    start_bg "$BATS_TEST_TMPDIR/socat" timeout "$WAIT_LOOPBACK" socat -lf /dev/null -u \
        "TCP:127.0.0.1:$PORT" STDOUT
    local socat=$BG_PID
    wait_for "$BATS_TEST_TMPDIR/socat" "you are client 1" 5
    run timeout "$WAIT_RUN" nc -N 127.0.0.1 "$PORT" <<<"hello from nc"
    assert_success
    assert_line --index 0 "* you are client 2, with 1 other"
    wait_for "$BATS_TEST_TMPDIR/socat" "client 2 left" 5
    kill "$socat"
    wait_exit "${SS_PIDS[0]}" 10
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/socat"
    assert_output "* you are client 1, with 0 others
* client 2 joined from 127.0.0.1:${lines[1]##*:}
client 2: hello from nc
* client 2 left"
}

@test "13-poll-chat: two events in one wake-up: a client leaves and the last one sends; both are handled before the next poll()" {
    plain && skip "the plain build narrates nothing"
    chat "$BATS_TEST_TMPDIR/server" "$BIN/13-poll-chat" --count 3 --timeout 10
    local server=$BG_PID
    "$PYTHON" "$PEERS/stopped-server.py" "$PORT" "$server" >"$BATS_TEST_TMPDIR/py" 2>&1
    wait_exit "$server" 10
    [ "$EXIT_STATUS" -eq 0 ]
    # The wake-up that reports fd 4 (a, gone) and fd 6 (c, the last): fd 4's
    # recv() = 0 and fd 6's line, then a's removal, before the next poll().
    run awk '/^    ready: .*fd=4, revents=POLLIN.*fd=6, revents=POLLIN/ {on = 1; next}
        on && /^poll\(/ {exit}
        on && /^(recv|close)\(|^client / {print}' "$BATS_TEST_TMPDIR/server"
    assert_line --index 0 'recv(4, "", 512, 0) = 0'
    assert_line --index 1 'recv(6, "hello\n", 512, 0) = 6'
    assert_line --index 2 "client 3: hello"
    assert_line --index 3 "close(4) = 0"
    assert_line --index 4 "client 1 left (2 here)"
}

@test "13-poll-chat: each narrated call and its result match strace, resets and all" {
    plain && skip "the plain build narrates nothing"
    need_strace
    start_bg "$BATS_TEST_TMPDIR/server" env \
        ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
        "${TRACE[@]}" "$BATS_TEST_TMPDIR/trace" \
        "$BIN/13-poll-chat" --port 0 --count 5 --timeout 10
    wait_ready "$BATS_TEST_TMPDIR/server"
    clients leavers
    run timeout "$WAIT_RUN" nc -N 127.0.0.1 "$PORT" <<<"from nc"
    run "$PYTHON" "$ROOT/tests/hostile/peer.py" rst-at-once "$PORT"
    wait_exit "$BG_PID" 10
    [ "$EXIT_STATUS" -eq 0 ]
    strace_matches "$BATS_TEST_TMPDIR/server" "$BATS_TEST_TMPDIR/trace"
}

@test "13-poll-chat: no client within --timeout exits 1; everyone gone, then --timeout of nobody: exits 0" {
    run_lesson timeout "$WAIT_LOOPBACK" "$BIN/13-poll-chat" --port 0 --timeout 1
    assert_failure 1
    assert_output --partial "no client connected within --timeout 1 s"
    chat "$BATS_TEST_TMPDIR/server" "$BIN/13-poll-chat" --timeout 1
    run timeout "$WAIT_RUN" nc -N 127.0.0.1 "$PORT" <<<"anyone?"
    assert_output "* you are client 1, with 0 others"
    wait_exit "$BG_PID" 10
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "client 1: anyone?"
    assert_line "no more clients within --timeout 1 s"
}

@test "13-poll-chat: a client that sends nothing is closed once nothing happens for --timeout" {
    # The client starts before the server (tests/after-ready): the server's
    # two seconds are not spent on starting Python. It never sends, and
    # never closes: only the server can end this (its 30 s are a bound).
    before_server "$BATS_TEST_TMPDIR/server" "$BATS_TEST_TMPDIR/client" -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30)
got = b""
while True:
    b = s.recv(100)
    if not b:
        break
    got += b
print(got.decode(), end="")
print("the server closed")' '{port}'
    local client=$PEER_PID
    start_server "$BATS_TEST_TMPDIR/server" 13-poll-chat --count 1 --timeout 2
    wait_exit "$client" 30
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/client"
    assert_output $'* you are client 1, with 0 others\nthe server closed'
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "nothing happened within --timeout 2 s: closing 1 idle client"
}

@test "13-poll-chat: out of descriptors, it stops watching for clients until one leaves" {
    # 0 to 2, the listening socket and one client.
    at_fd_limit 5 close '^client [0-9]+ joined' "$BIN/13-poll-chat" --port 0
}

@test "13-poll-chat: --help says what --timeout and --count mean here" {
    run_lesson "$BIN/13-poll-chat" --help
    assert_success
    assert_output --partial "seconds poll() waits for anything to happen"
    assert_output --partial "the server ends when the last"
    refute_output --partial "--message"
}
