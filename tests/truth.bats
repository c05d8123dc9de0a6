#!/usr/bin/env bats
# Sentences the narration used to get wrong (issue 8's findings), checked in
# real runs: each test makes the situation happen and reads what was said.

load test_helper
load hostile/common

@test "truth: a client that resets mid-echo: ECONNRESET's cause does not blame a crash, and no sentence says MSG_NOSIGNAL makes EPIPE" {
    plain && skip "the plain build narrates nothing"
    local out="$BATS_TEST_TMPDIR/server"
    start_server "$out" 06-send-recv-server --count 2 --timeout 10
    local server="$BG_PID"
    run timeout 30 "$PYTHON" "$PEER" reset "$PORT" $((1 << 20))
    run "$PYTHON" "$PEER" halfclose "$PORT" "next"
    assert_output "next"
    wait_exit "$server" 20
    run cat "$out"
    assert_output --regexp '= -1 (ECONNRESET|EPIPE) \('
    # the causes as they are, in whichever words wrapped them
    local flat
    flat=$(tr '\n' ' ' <"$out" | tr -s ' ')
    if grep -q 'ECONNRESET (' "$out"; then
        [[ "$flat" == *"a program that crashes is closed normally by its kernel: FIN, not RST"* ]]
    fi
    if grep -q 'EPIPE (' "$out"; then
        [[ "$flat" == *"MSG_NOSIGNAL (or ignoring SIGPIPE) keeps the SIGPIPE that comes with EPIPE"* ]]
    fi
    [[ "$flat" != *"turned the deadly SIGPIPE"* ]]
    [[ "$flat" != *"would fail with EPIPE"* ]]
    [[ "$flat" != *"or crashed"* ]]
}

@test "truth: after the client closed, the server's next send() succeeds (it draws a RST), as the narration now says" {
    plain && skip "the plain build narrates nothing"
    local out="$BATS_TEST_TMPDIR/server"
    start_server "$out" 06-send-recv-server --count 1 --timeout 10
    # Send a line and close at once, reading nothing: the server's echo
    # goes to a socket whose peer has closed.
    run "$PYTHON" -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"ab\n")
s.close()' "$PORT"
    assert_success
    wait_exit "$BG_PID" 20
    run cat "$out"
    # the first send after the peer closed returned 3, not -1 EPIPE
    assert_line --regexp '^send\(4, "ab\\n", 3, MSG_NOSIGNAL\) = 3$'
}

@test "truth: a listening client's queue: a hung-up client waiting in it is not 'closed by its program'" {
    plain && skip "the plain build narrates nothing"
    local out="$BATS_TEST_TMPDIR/listen"
    start_server "$out" 03-listen --count 1 --timeout 10
    run "$PYTHON" -c '
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.close()
time.sleep(1)' "$PORT"
    wait_exit "$BG_PID" 20
    run cat "$out"
    refute_output --partial "closed by its program"
}

@test "truth: every lesson's --help says what --port is for its role (a client's port is the server's)" {
    local l fails=()
    read -r -a LESSON_LIST <<<"$(all_lessons)"
    for l in "${LESSON_LIST[@]}"; do
        "$HOSTILE/run-clean" timeout 10 "$BIN/$l" --help </dev/null \
            >"$BATS_TEST_TMPDIR/help" 2>&1 3>&- 4>&- || true
        grep -q -- '--port N' "$BATS_TEST_TMPDIR/help" || continue
        if grep -q "the server's port" "$BATS_TEST_TMPDIR/help"; then
            # a client: no "0 = the kernel chooses"
            grep -q "kernel" "$BATS_TEST_TMPDIR/help" &&
                fails+=("$l: a client's --help says the kernel chooses its port")
        fi
    done
    printf '%s\n' "${fails[@]}" >&2
    ((${#fails[@]} == 0))
}
