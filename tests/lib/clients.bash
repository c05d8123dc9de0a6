# What the tests of the client lessons that connect by name and by address
# (10-getaddrinfo, 14-nonblocking) share: servers that are not ours, and
# the checks both lessons (and their Python versions) must pass. The
# silent server is tests/hostile/peer.py ($PEER, from hostile/common.bash).
# Loaded by test_helper.bash.

# socat_lines ADDR: a socat server on a free port of ADDR (127.0.0.1 or
# ::1) that sends "one\ntwo\n" to its one client; waits until it listens.
# Sets PORT.
socat_lines() {
    local listen
    command -v socat >/dev/null || skip "no socat (apt-get install socat)"
    printf 'one\ntwo\n' >"$BATS_TEST_TMPDIR/lines"
    PORT=$(free_port tcp "$1")
    if [[ "$1" == *:* ]]; then
        listen="TCP6-LISTEN:$PORT,bind=[$1],reuseaddr"
    else
        listen="TCP4-LISTEN:$PORT,bind=$1,reuseaddr"
    fi
    start_bg "$BATS_TEST_TMPDIR/socat" timeout "$WAIT_LOOPBACK" socat -u \
        "OPEN:$BATS_TEST_TMPDIR/lines" "$listen"
    wait_until 5 listening "$PORT"
}

# greeted HOST CMD...: the client CMD --host HOST --port P (a lesson, or
# "$PYTHON" and a Python version) is greeted by 04-accept (HOST 127.0.0.1)
# or 11-dual-stack-server (HOST ::1), which then exits 0. $output is CMD's.
greeted() {
    local host="$1" out="$BATS_TEST_TMPDIR/server" shown re
    shift
    if [[ "$host" == *:* ]]; then
        start_bg "$out" "$BIN/11-dual-stack-server" --port 0 --count 1 \
            --timeout 10
        wait_ready "$out"
        shown="[$host]"
    else
        start_server "$out" 04-accept --count 1
        shown=$host
    fi
    run_lesson timeout "$WAIT_LOOPBACK" "$@" --host "$host" --port "$PORT"
    assert_success
    assert_line "connected to $shown:$PORT"
    re=${shown//./\\.}
    re=${re//[/\\[}
    re=${re//]/\\]}
    assert_line --regexp "^hello $re:[0-9]+, you are client 1\\\\n\$"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
}

# silent_server_times_out LESSON: the client LESSON, --timeout 1, against a
# server that accepts and neither sends nor closes: it says so, exit 1.
# $output is the lesson's.
silent_server_times_out() {
    start_bg "$BATS_TEST_TMPDIR/server" "$PYTHON" "$PEER" silent-server 5
    wait_ready "$BATS_TEST_TMPDIR/server"
    run_lesson timeout "$WAIT_LOOPBACK" "$BIN/$1" --host 127.0.0.1 --port "$PORT" \
        --timeout 1
    assert_failure 1
    assert_line "connected to 127.0.0.1:$PORT"
    assert_line "the server neither sent nor closed within --timeout 1 s"
}

# full_queue_gives_up LESSON: the client LESSON, --timeout 1, against a
# server whose listen queue is full (no handshake completes): it says no
# answer came, exit 1. $output is the lesson's; TOOK_MS how long it ran,
# from the server's ready line on.
full_queue_gives_up() {
    local t0
    start_bg "$BATS_TEST_TMPDIR/server" "$PYTHON" "$PEER" full-server 8
    wait_ready "$BATS_TEST_TMPDIR/server"
    t0=$(now_ms)
    run_lesson timeout "$WAIT_LOOPBACK" "$BIN/$1" --host 127.0.0.1 --port "$PORT" \
        --timeout 1
    TOOK_MS=$(($(now_ms) - t0))
    assert_failure 1
    assert_line "no answer within --timeout 1 s"
    assert_line "could not connect to 127.0.0.1 port $PORT"
}
