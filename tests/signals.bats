#!/usr/bin/env bats
# Signals during a wait.
#  - SIGINT / SIGTERM / SIGHUP while a lesson waits (accept, recv, recvfrom,
#    connect): the header closes what is open, says so, and exits 130 / 143 /
#    129 (the plain build exits the same, silently).
#  - SIGSTOP then SIGCONT while a lesson waits in a call that has a socket
#    timeout: on Linux the call fails with EINTR although no handler ran.
#    That is not a failure: the lesson must make the call again and finish
#    normally (exit 0).
# A test knows the lesson is inside the call when the lesson has printed its
# ready line (or the peer sees the connection) and the process sleeps in the
# kernel (state S).

load test_helper
load hostile/common


# stop_cont PID: SIGSTOP, wait until stopped (state T), then SIGCONT.
stop_cont() {
    local pid="$1"
    kill -STOP "$pid"
    wait_until 10 stopped "$pid"
    kill -CONT "$pid"
}

# stopped PID: PID is stopped (state T).
stopped() {
    [[ "$(awk '{print $3}' "/proc/$1/stat")" == T ]]
}

# conn_in PORT STATE: a TCP connection to or from PORT is in STATE.
conn_in() {
    [[ -n "$(ss -Htn state "$2" "( dport = :$1 or sport = :$1 )" 2>/dev/null)" ]]
}

# wait_conn PORT [STATE]: poll until a TCP connection to or from PORT is
# in STATE (ss's name for it; established if not given).
wait_conn() {
    local state="${2:-established}"
    wait_until 10 conn_in "$1" "$state" && return 0
    echo "no connection to or from port $1 in $state after $((10 * SCALE)) s" >&2
    return 1
}

# killed OUT PID SIG FDS: send SIG to PID, which must exit 128+SIG saying
# it closed FDS (e.g. "close(4) = 0, close(3) = 0").
killed() {
    local out="$1" pid="$2" sig="$3" fds="$4" want caught
    case "$sig" in
    INT) want=130 caught="^C: caught SIGINT" ;;
    TERM) want=143 caught="caught SIGTERM" ;;
    HUP) want=129 caught="caught SIGHUP (the terminal closed)" ;;
    esac
    kill -"$sig" "$pid"
    wait_exit "$pid" 10
    run cat "$out"
    if [[ "$EXIT_STATUS" -ne "$want" ]]; then
        echo "SIG$sig: exit status $EXIT_STATUS, expected $want" >&2
        echo "$output" >&2
        return 1
    fi
    plain && return 0
    # Two lines, so that the message fits 80 columns on a projector.
    assert_line "$caught, closing what is open: $fds;"
    assert_line "    exit status $want"
}

# ---- SIGINT / SIGTERM during a wait -------------------------------------

@test "signals: 04-accept in accept(): SIGINT 130, SIGTERM 143, SIGHUP 129, closing fd 3" {
    need_bin 04-accept
    local sig out
    for sig in INT TERM HUP; do
        out="$BATS_TEST_TMPDIR/$sig"
        start_server "$out" 04-accept --timeout 30
        wait_blocked "$BG_PID"
        killed "$out" "$BG_PID" "$sig" "close(3) = 0"
    done
}

@test "signals: 06 server in accept(): SIGINT 130, SIGTERM 143, closing fd 3" {
    need_bin 06-send-recv-server
    local sig out
    for sig in INT TERM; do
        out="$BATS_TEST_TMPDIR/$sig"
        start_server "$out" 06-send-recv-server --timeout 30
        wait_for "$out" '^listening on '
        wait_blocked "$BG_PID"
        killed "$out" "$BG_PID" "$sig" "close(3) = 0"
    done
}

@test "signals: 06 server in recv() from a silent client: closes fds 4 and 3" {
    need_bin 06-send-recv-server
    local sig out server
    for sig in INT TERM; do
        out="$BATS_TEST_TMPDIR/$sig"
        start_server "$out" 06-send-recv-server --timeout 30
        server="$BG_PID"
        start_bg "$BATS_TEST_TMPDIR/peer-$sig" "$PYTHON" "$PEER" silent "$PORT" 20
        wait_conn "$PORT"
        plain || wait_for "$out" '^accept\(3, 127\.0\.0\.1:[0-9]+, 16\) = 4$'
        wait_blocked "$server"
        killed "$out" "$server" "$sig" "close(4) = 0, close(3) = 0"
    done
}

@test "signals: 08-udp-receiver in recvfrom(): SIGINT 130, SIGTERM 143, closing fd 3" {
    need_bin 08-udp-receiver
    local sig out
    for sig in INT TERM; do
        out="$BATS_TEST_TMPDIR/$sig"
        start_server "$out" 08-udp-receiver --timeout 30
        wait_blocked "$BG_PID"
        killed "$out" "$BG_PID" "$sig" "close(3) = 0"
    done
}

@test "signals: 05-connect in connect() to a server whose queue is full: closes fd 3" {
    need_bin 05-connect
    local sig out
    start_bg "$BATS_TEST_TMPDIR/full" "$PYTHON" "$PEER" full-server 30
    wait_ready "$BATS_TEST_TMPDIR/full"
    for sig in INT TERM; do
        out="$BATS_TEST_TMPDIR/$sig"
        start_bg "$out" "$BIN/05-connect" --port "$PORT" --timeout 30
        wait_blocked "$BG_PID"
        # still in connect(): no result line printed yet
        run grep -c '^connect(' "$out"
        assert_output 0
        killed "$out" "$BG_PID" "$sig" "close(3) = 0"
    done
}

@test "signals: 05-connect in recv() from a silent server: closes fd 3" {
    need_bin 05-connect
    local sig out
    for sig in INT TERM; do
        out="$BATS_TEST_TMPDIR/$sig"
        start_bg "$BATS_TEST_TMPDIR/silent-$sig" "$PYTHON" "$PEER" silent-server 20
        wait_ready "$BATS_TEST_TMPDIR/silent-$sig"
        start_bg "$out" "$BIN/05-connect" --port "$PORT" --timeout 30
        wait_conn "$PORT"
        wait_blocked "$BG_PID"
        killed "$out" "$BG_PID" "$sig" "close(3) = 0"
    done
}

# ---- SIGSTOP + SIGCONT: EINTR is handled, not a failure ------------------

@test "signals: 04-accept: SIGSTOP+SIGCONT in accept() gives EINTR; it waits again and serves (exit 0)" {
    need_bin 04-accept
    local out="$BATS_TEST_TMPDIR/server"
    start_server "$out" 04-accept --timeout 30 --count 1
    wait_blocked "$BG_PID"
    stop_cont "$BG_PID"
    plain || wait_for "$out" '^accept\(3, &addr, &len\) = -1 EINTR '
    wait_blocked "$BG_PID"
    run "$PYTHON" "$PEER" halfclose "$PORT" ""
    assert_success
    assert_output --regexp '^hello 127\.0\.0\.1:[0-9]+, you are client 1$'
    wait_exit "$BG_PID" 10
    run cat "$out"
    [ "$EXIT_STATUS" -eq 0 ] || { echo "$output"; false; }
    refute_output --partial "within --timeout"
    plain && return 0
    assert_line --regexp '^accept\(3, 127\.0\.0\.1:[0-9]+, 16\) = 4$'
}

@test "signals: 06 server: SIGSTOP+SIGCONT in accept() and in recv(): EINTR handled, client served (exit 0)" {
    need_bin 06-send-recv-server
    local out="$BATS_TEST_TMPDIR/server" flag="$BATS_TEST_TMPDIR/go"
    start_server "$out" 06-send-recv-server --timeout 30 --count 1
    local server="$BG_PID"
    wait_for "$out" '^listening on '
    wait_blocked "$server"
    stop_cont "$server"
    plain || wait_for "$out" '^accept\(3, .*\) = -1 EINTR '
    wait_blocked "$server"
    # a client that connects, then waits: the server sits in recv()
    start_bg "$BATS_TEST_TMPDIR/client" "$PYTHON" "$PEER" late "$PORT" "$flag" "after the stop"
    local client="$BG_PID"
    wait_conn "$PORT"
    wait_blocked "$server"
    stop_cont "$server"
    plain || wait_for "$out" '^recv\(4, .*\) = -1 EINTR '
    wait_blocked "$server"
    touch "$flag"
    wait_exit "$client" 15
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/client"
    assert_output "after the stop"
    wait_exit "$server" 10
    run cat "$out"
    [ "$EXIT_STATUS" -eq 0 ] || { echo "$output"; false; }
    refute_output --partial "within --timeout"
}

@test "signals: 08-udp-receiver: SIGSTOP+SIGCONT in recvfrom() gives EINTR; it waits again (exit 0)" {
    need_bin 08-udp-receiver
    local out="$BATS_TEST_TMPDIR/receiver"
    start_server "$out" 08-udp-receiver --timeout 30 --count 1
    wait_blocked "$BG_PID"
    stop_cont "$BG_PID"
    plain || wait_for "$out" '\) = -1 EINTR '
    wait_blocked "$BG_PID"
    run "$PYTHON" "$PEER" udp "$PORT" 5
    assert_success
    wait_exit "$BG_PID" 10
    run cat "$out"
    [ "$EXIT_STATUS" -eq 0 ] || { echo "$output"; false; }
    assert_output --partial "uuuuu"
}

# stop_in_recv CLIENT OUT FLAG: once CLIENT (writing to OUT) sleeps in
# recv(), SIGSTOP and SIGCONT it; the narrated build must say recv() got
# EINTR. Then, once it sleeps again, FLAG lets the server send or close,
# and CLIENT's end is waited for (EXIT_STATUS).
stop_in_recv() {
    local client="$1" out="$2" flag="$3"
    wait_blocked "$client"
    stop_cont "$client"
    plain || wait_for "$out" '^recv\(3, .*\) = -1 EINTR '
    wait_blocked "$client"
    touch "$flag"
    wait_exit "$client" 10
}

@test "signals: 05-connect: SIGSTOP+SIGCONT in recv() gives EINTR; it reads on (exit 0)" {
    need_bin 05-connect
    local out="$BATS_TEST_TMPDIR/client" flag="$BATS_TEST_TMPDIR/go"
    start_bg "$BATS_TEST_TMPDIR/server" "$PYTHON" "$PEER" late-server "$flag"
    wait_ready "$BATS_TEST_TMPDIR/server"
    start_bg "$out" "$BIN/05-connect" --port "$PORT" --timeout 30
    local client="$BG_PID"
    wait_conn "$PORT"
    stop_in_recv "$client" "$out" "$flag"
    run cat "$out"
    [ "$EXIT_STATUS" -eq 0 ] || { echo "$output"; false; }
    assert_output --partial "late"
    plain && return 0
    assert_line --regexp '^recv\(3, "late\\n", [0-9]+, 0\) = 5$'
}

@test "signals: 06 client: SIGSTOP+SIGCONT in its last recv() gives EINTR; it waits again (exit 0)" {
    need_bin 06-send-recv-client
    local out="$BATS_TEST_TMPDIR/client" flag="$BATS_TEST_TMPDIR/go"
    # The server says nothing and closes once the flag exists; the client,
    # with no input, shuts down its side at once and waits in its last
    # recv() for the server's end.
    start_bg "$BATS_TEST_TMPDIR/server" "$PYTHON" "$PEER" late-server "$flag" ""
    wait_ready "$BATS_TEST_TMPDIR/server"
    start_bg "$out" "$BIN/06-send-recv-client" --port "$PORT" --timeout 30
    local client="$BG_PID"
    # (its FIN has come: the server's end is in CLOSE_WAIT)
    wait_conn "$PORT" close-wait
    stop_in_recv "$client" "$out" "$flag"
    run cat "$out"
    [ "$EXIT_STATUS" -eq 0 ] || { echo "$output"; false; }
    plain && return 0
    assert_line --regexp '^recv\(3, "", [0-9]+, 0\) = 0$'
}

# ---- SIGSTOP + SIGCONT again and again: --timeout still holds -----------

# stops_in_connect CMD...: CMD (given --timeout 2, and the port of a full
# accept queue by the caller) is stopped and continued every 0.2 s, 40
# times: at least 8 s. Each time connect() fails with EINTR; a lesson that
# waited a whole --timeout again after each would still be waiting when
# the loop ends. (No upper bound in seconds: on a busy machine the lesson
# may get the CPU late.) Sets EXIT_STATUS; the output is in $OUT.
stops_in_connect() {
    local t0 took i client stops=0
    OUT="$BATS_TEST_TMPDIR/client"
    t0=$(now_ms)
    start_bg "$OUT" "$@" --timeout 2
    client=$BG_PID
    for ((i = 0; i < 40; i++)); do
        kill -STOP "$client" 2>/dev/null || break
        sleep 0.1
        kill -CONT "$client" 2>/dev/null || break
        stops=$((stops + 1))
        sleep 0.1
    done
    ((i < 40)) || { echo "$1: still running after 40 stops"; false; }
    wait_exit "$client" 5
    took=$(($(now_ms) - t0))
    ((stops >= 2)) || { echo "$1: only $stops stops"; false; }
    ((took >= 2000)) || { echo "$1: gave up after $took ms"; false; } # a lower bound
    plain && return 0
    # Each retry waited only for what was left of the 2 s. (Only connect()
    # waits here; a long Unix path puts its result on a line of its own.)
    local n
    n=$(grep -cE '^(connect\(3, .*| +[0-9]+)\) = -1 EINTR ' "$OUT") || true
    ((n >= 2)) || { echo "$1: only $n EINTR"; false; }
    grep -qE '^setsockopt\(3, SOL_SOCKET, SO_SNDTIMEO, \{[01]\.[0-9]{6} s\}, 16\) = 0$' "$OUT" ||
        { echo "$1: no shorter SO_SNDTIMEO"; false; }
}

@test "signals: SIGSTOP+SIGCONT again and again in connect(): 10 still gives up within --timeout" {
    need_bin 10-getaddrinfo
    start_bg "$BATS_TEST_TMPDIR/py" "$PYTHON" "$PEER" full-server 30
    wait_ready "$BATS_TEST_TMPDIR/py"
    stops_in_connect "$BIN/10-getaddrinfo" --host 127.0.0.1 --port "$PORT"
    [ "$EXIT_STATUS" -eq 1 ]
    run cat "$OUT"
    assert_line "no answer within --timeout 2 s"
    assert_line "could not connect to 127.0.0.1 port $PORT"
}

@test "signals: SIGSTOP+SIGCONT again and again in connect(): 19's sender still gives up within --timeout" {
    need_bin 19-throughput
    start_bg "$BATS_TEST_TMPDIR/py" "$PYTHON" "$PEER" full-server 30
    wait_ready "$BATS_TEST_TMPDIR/py"
    stops_in_connect "$BIN/19-throughput" --send --host 127.0.0.1 --port "$PORT"
    [ "$EXIT_STATUS" -eq 1 ]
    run cat "$OUT"
    assert_line "no answer within --timeout 2 s"
}

@test "signals: SIGSTOP+SIGCONT again and again in connect(): 15's and 16's clients still give up within --timeout" {
    need_bin 15-framing-client 16-http-client
    start_bg "$BATS_TEST_TMPDIR/py" "$PYTHON" "$PEER" full-server 30
    wait_ready "$BATS_TEST_TMPDIR/py"
    stops_in_connect "$BIN/15-framing-client" --host 127.0.0.1 --port "$PORT" </dev/null
    [ "$EXIT_STATUS" -eq 1 ]
    run cat "$OUT"
    assert_line "no answer within --timeout 2 s"
    stops_in_connect "$BIN/16-http-client" --url "http://127.0.0.1:$PORT/"
    [ "$EXIT_STATUS" -eq 1 ]
    run cat "$OUT"
    assert_line "no answer within --timeout 2 s"
}

@test "signals: SIGSTOP+SIGCONT again and again in connect(): 17's client still gives up within --timeout" {
    need_bin 17-unix-client
    local sock="$BATS_TEST_TMPDIR/full.sock"
    # A Unix server whose queue is full: a further connect() waits.
    start_bg "$BATS_TEST_TMPDIR/py" "$PYTHON" -c '
import socket, sys, time
ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
ls.bind(sys.argv[1])
ls.listen(0)
fillers = []
while True:
    f = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    f.setblocking(False)
    try:
        f.connect(sys.argv[1])
    except BlockingIOError:
        break
    fillers.append(f)
print("full", flush=True)
time.sleep(30)' "$sock"
    wait_for "$BATS_TEST_TMPDIR/py" '^full$'
    stops_in_connect "$BIN/17-unix-client" --path "$sock"
    [ "$EXIT_STATUS" -eq 1 ]
    run cat "$OUT"
    assert_line "the server's queue stayed full for --timeout 2 s"
}
