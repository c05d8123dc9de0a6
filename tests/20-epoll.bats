#!/usr/bin/env bats
# Lesson 20: an epoll echo server, level- and edge-triggered, for 10,000
# clients at once. Correctness only (every byte echoed to its own client,
# the stall without the drain shown in the kernel's own counters); speed
# is measured by `make bench`, never here.

# PORT, BG_PID and EXIT_STATUS are set by test_helper.
# shellcheck disable=SC2153
# The longest wait inside a test here is 60 s: bats' own per-test
# limit must be longer, or that wait could never say what it waited
# for (tests/timeouts checks it).
: "${BATS_TEST_TIMEOUT:=$((90 * ${SOCKSTEP_TEST_SCALE:-1}))}"
load test_helper

# The load generator of `make bench` (C, epoll): thousands of clients
# from one process. Built once for this file.
setup_file() {
    cc -std=c11 -O2 "$ROOT/bench/load.c" -o "$BATS_FILE_TMPDIR/load"
}

# clients PORT SPEC...: Python clients, all connected at once; each SPEC
# is the bytes one client sends (N copies of a letter: "a:5000"). Prints
# "LETTER ok" for a client that got exactly its own bytes back.
clients() {
    timeout "$WAIT_RUN" "$PYTHON" "$PEERS/letter-clients.py" "$@"
}

@test "20-epoll: echoes 06-send-recv-client's lines, then ends after --count 1" {
    [[ -x "$BIN/06-send-recv-client" ]] || skip "06-send-recv-client not built"
    start_server "$BATS_TEST_TMPDIR/server" 20-epoll-server --count 1 --timeout 10
    run bash -c 'printf "hello\nepoll world\n" | "$0" --port "$1" --timeout 5' \
        "$BIN/06-send-recv-client" "$PORT"
    assert_success
    assert_output --partial 'hello'
    assert_output --partial 'epoll world'
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "served 1 client, at most 1 at once, 18 bytes echoed"
    assert_line "level-triggered"
    plain && return 0
    assert_line --regexp '^epoll_create1\(0\) = 4$'
    assert_line "epoll_ctl(4, EPOLL_CTL_ADD, 3, {events=EPOLLIN, data.fd=3}) = 0"
    assert_line "    ready: {fd=3, events=EPOLLIN}"
    assert_line --regexp '^accept\(3, 127\.0\.0\.1:[0-9]+, 16\) = 5$'
    assert_line "fcntl(5, F_SETFL, O_NONBLOCK|O_RDWR) = 0"
    assert_line "epoll_ctl(4, EPOLL_CTL_ADD, 5, {events=EPOLLIN, data.fd=5}) = 0"
    assert_line 'recv(5, "hello\n", 4096, 0) = 6'
    assert_line 'send(5, "hello\n", 6, MSG_NOSIGNAL) = 6'
}

@test "20-epoll: each narrated call and its result match strace" {
    plain && skip "the plain build narrates nothing"
    need_strace
    untraceable_leaks
    start_bg "$BATS_TEST_TMPDIR/server" "${TRACE[@]}" "$BATS_TEST_TMPDIR/trace" \
        "$BIN/20-epoll-server" --port 0 --count 2 --timeout 10 --edge
    wait_ready "$BATS_TEST_TMPDIR/server"
    run clients "$PORT" a:10 b:20000
    assert_success
    assert_output $'a ok\nb ok'
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    # up to the last line before close() of the epoll instance, which is
    # not a socket: tests/strace-match counts only sockets' closes
    sed '/^served /q' "$BATS_TEST_TMPDIR/server" >"$BATS_TEST_TMPDIR/calls"
    strace_matches "$BATS_TEST_TMPDIR/calls" "$BATS_TEST_TMPDIR/trace"
    run grep -c -E '^(accept|recv|send|close)\(' "$BATS_TEST_TMPDIR/server"
    ((output >= 12)) # every call is narrated: two clients, a drain each
    run cat "$BATS_TEST_TMPDIR/server"
    # edge-triggered: the drain ends with EAGAIN, said to be expected on a
    # socket the kernel says is non-blocking (no ss_expect_error() in 20)
    assert_line --regexp '^recv\([56], buf, 4096, 0\) = -1 EAGAIN \(Resource temporarily unavailable\)$'
    assert_output --partial "expected: fd"
    assert_output --partial "is non-blocking (O_NONBLOCK), so recv() returned at once"
    refute_output --partial "likely cause:"
    assert_output --partial "EPOLLET, edge-triggered: epoll_wait() reports fd 3"
}

@test "20-epoll: clients talking at once each get their own bytes back, level- and edge-triggered" {
    local mode
    for mode in "" --edge; do
        # shellcheck disable=SC2086 # $mode: one option or none
        start_server "$BATS_TEST_TMPDIR/server$mode" 20-epoll-server \
            --count 4 --timeout 10 $mode
        run clients "$PORT" a:1 b:70000 c:300000 d:4096
        assert_success
        assert_output $'a ok\nb ok\nc ok\nd ok'
        wait_exit "$BG_PID"
        [ "$EXIT_STATUS" -eq 0 ]
        # (grep: hundreds of lines of narration)
        grep -qxF "served 4 clients, at most 4 at once, 374097 bytes echoed" \
            "$BATS_TEST_TMPDIR/server$mode"
    done
}

@test "20-epoll: a client that does not read is echoed all the same once it does (EAGAIN on send)" {
    local mode
    for mode in "" --edge; do
        # shellcheck disable=SC2086
        start_server "$BATS_TEST_TMPDIR/server$mode" 20-epoll-server \
            --count 1 --timeout 10 $mode
        # 8 MB sent before reading a byte: the server's send() must stop
        # with EAGAIN when the client's buffers fill, and wait
        run timeout "$WAIT_RUN" "$PYTHON" "$PEERS/big-echo.py" "$PORT"
        assert_success
        assert_output "echoed 8388608 True"
        wait_exit "$BG_PID"
        [ "$EXIT_STATUS" -eq 0 ]
    done
}

@test "20-epoll: a client that sends a lot and never reads is closed once nothing happens for --timeout" {
    local mode
    for mode in "" --edge; do
        noread_before "$BATS_TEST_TMPDIR/server$mode" "$BATS_TEST_TMPDIR/peer$mode"
        # shellcheck disable=SC2086
        start_server "$BATS_TEST_TMPDIR/server$mode" 20-epoll-server \
            --count 1 --timeout 2 $mode
        local server=$BG_PID
        noread_dropped
        wait_exit "$server" 20
        [ "$EXIT_STATUS" -eq 0 ]
        # (grep, not bats' run: the server narrated over a thousand lines, and
        # assert_line reads them in the shell, a command at a time)
        grep -qxF "nothing happened within --timeout 2 s: closing 1 idle client" \
            "$BATS_TEST_TMPDIR/server$mode"
    done
}

@test "20-epoll: --edge --no-drain stalls: the rest waits unread in the kernel, and draining echoes it all" {
    local mode
    for mode in "--edge --no-drain" "--edge" ""; do
        # shellcheck disable=SC2086
        start_server "$BATS_TEST_TMPDIR/server${mode// /}" 20-epoll-server \
            --timeout 10 $mode
        # up to 100000 bytes at once, then wait 1.5 s for the echo; then
        # look at the two sockets in /proc/net/tcp: the server's unread
        # bytes, the client's not yet taken
        run timeout "$WAIT_RUN" "$PYTHON" "$PEERS/unread-bytes.py" "$PORT"
        assert_success
        local sent got unread unsent
        read -r sent got unread unsent <<<"$output"
        ((sent > 8192))
        if [[ $mode == *no-drain* ]]; then
            # stalled: some was echoed, the rest still sits in the server's
            # receive queue (or the client's send queue, where the
            # server's is full), and nothing new will come to report it
            ((got > 0 && got < sent))
            [ $((got + unread + unsent)) -eq "$sent" ]
        else
            [ "$got" -eq "$sent" ]
            [ "$unread" -eq 0 ]
        fi
        kill_all_bg
    done
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "level-triggered"
    run cat "$BATS_TEST_TMPDIR/server--edge--no-drain"
    assert_line "edge-triggered, reading once per event"
}

# ten_thousand N MODE: in a network namespace of its own where one can be
# made, start the server, run N load clients against it and wait for the
# server to end; the outputs land in $BATS_TEST_TMPDIR/{server,load}MODE
# and the script prints "load_status=S" and "server_status=S". In its own
# namespace, the 20,000 sockets and the TIME_WAIT entries they leave
# behind for 60 s stay out of the /proc/net/tcp that the tests running
# beside this one read on every narrated call.
ten_thousand() {
    local n="$1" mode="$2" wrap=() netns=no
    cat >"$BATS_TEST_TMPDIR/tenk.sh" <<'SH'
set -u
bin=$1 load=$2 n=$3 mode=$4 out=$5 netns=$6 lib=$7 scale=$8
. "$lib/ready.bash" # ss_wait_ready: the one ready-line wait
if [[ $netns == yes ]]; then
    ip link set lo up || exit 97
fi
# The file exists before the server starts, so the first read below
# cannot come before the background shell has made it.
: >"$out/server$mode"
# shellcheck disable=SC2086
"$bin" --port 0 --count "$n" --quiet-after 5 --timeout 20 $mode \
    >"$out/server$mode" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null' EXIT
ss_wait_ready "$out/server$mode" $((10 * scale)) "$pid" ||
    { echo "no listening line"; exit 98; }
port=$SS_PORT
status=0
timeout "$WAIT_LONG" "$load" --port "$port" --clients "$n" --check --seconds 30 \
    >"$out/load$mode" 2>&1 || status=$?
echo "load_status=$status"
for ((i = 0; i < 600 * scale; i++)); do
    ss_running "$pid" || break
    sleep 0.05
done
ss_running "$pid" && { echo "server still running"; exit 99; }
status=0
wait "$pid" || status=$?
echo "server_status=$status"
SH
    if unshare -rn true 2>/dev/null; then
        wrap=(unshare -rn) netns=yes
    fi
    run timeout "$((55 * SCALE))" "${wrap[@]}" bash "$BATS_TEST_TMPDIR/tenk.sh" \
        "$BIN/20-epoll-server" "$BATS_FILE_TMPDIR/load" "$n" "$mode" \
        "$BATS_TEST_TMPDIR" "$netns" "$ROOT/scripts/lib" "$SCALE" 3>&-
}

@test "20-epoll: 10,000 concurrent connections on loopback, every one echoed (up to the hard fd limit)" {
    local n=10000 hard mode
    hard=$(ulimit -Hn)
    if [[ $hard != unlimited ]] && ((hard < n + 100)); then
        n=$((hard - 100))
        echo "# the hard limit on open files is $hard: $n connections" >&3
    fi
    unshare -rn true 2>/dev/null ||
        echo "# no network namespace here: on this machine's loopback" >&3
    for mode in "" --edge; do
        ten_thousand "$n" "$mode"
        assert_success
        assert_output "load_status=0
server_status=0"
        run cat "$BATS_TEST_TMPDIR/load$mode"
        assert_output --regexp "^clients=$n connected=$n answered=$n .* failed=0 echoed=$n mismatched=0 open_at_once=$n$"
        run cat "$BATS_TEST_TMPDIR/server$mode"
        assert_line "served $n clients, at most $n at once, $((n * 64)) bytes echoed"
        assert_line --regexp "^descriptor limit: $hard \(the hard limit is $hard\)$"
    done
    plain && return 0
    assert_output --partial "that was 5 events and clients: from here on"
}

@test "20-epoll: the soft fd limit is raised to the hard one, and the narration says so" {
    local hard
    hard=$(ulimit -Hn)
    [[ $hard != unlimited ]] || skip "no hard limit on open files here"
    run_lesson bash -c 'ulimit -Sn 256 && exec "$@"' _ timeout "$WAIT_LOOPBACK" \
        "$BIN/20-epoll-server" --port 0 --timeout 1
    assert_failure 1
    assert_line "descriptor limit: $hard (the hard limit is $hard)"
    assert_line "no client connected within --timeout 1 s"
    plain && return 0
    assert_line "getrlimit(RLIMIT_NOFILE, {rlim_cur=256, rlim_max=$hard}) = 0"
    assert_line "setrlimit(RLIMIT_NOFILE, {rlim_cur=$hard, rlim_max=$hard}) = 0"
}

@test "20-epoll: out of descriptors, the listening socket is watched for nothing until a client leaves, level- and edge-triggered" {
    # The server raises its soft limit to the hard one: ulimit -n sets
    # both. 0 to 2, the listening socket, the epoll instance, one client.
    at_fd_limit 6 close echo "$BIN/20-epoll-server" --port 0
    at_fd_limit 6 close echo "$BIN/20-epoll-server" --port 0 --edge
}

@test "20-epoll: --timeout: an idle client is closed, a served server exits 0" {
    # The client starts before the server (tests/after-ready): the server's
    # one second is not spent on starting Python.
    before_server "$BATS_TEST_TMPDIR/server" "$BATS_TEST_TMPDIR/client" -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30)
s.sendall(b"ping")
print(s.recv(10).decode())
print(repr(s.recv(10)))' '{port}'
    local client=$PEER_PID
    start_server "$BATS_TEST_TMPDIR/server" 20-epoll-server --timeout 1
    wait_exit "$client" 30
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/client"
    assert_output $'ping\nb\'\''
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "nothing happened within --timeout 1 s: closing 1 idle client"
    assert_line "served 1 client, at most 1 at once, 4 bytes echoed"
}

@test "20-epoll: --no-drain needs --edge; --quiet-after takes a number" {
    run_lesson "$BIN/20-epoll-server" --no-drain
    assert_failure 2
    assert_output "20-epoll-server: --no-drain: expected --edge with it (see --help)"
    run_lesson "$BIN/20-epoll-server" --quiet-after x
    assert_failure 2
    assert_output --partial "--quiet-after: expected a whole number from 0 to 1000000"
}

@test "20-epoll: --help lists its own options and says what --timeout bounds" {
    run_lesson "$BIN/20-epoll-server" --help
    assert_success
    assert_output --partial "  --edge "
    assert_output --partial "  --no-drain "
    assert_line "  --quiet-after N" # too long for its column: alone
    assert_output --partial "  --count N "
    assert_output --partial "seconds epoll_wait() waits for anything to happen"
    refute_output --partial "--message"
}

@test "20-epoll: the Python version serves the C load generator, level- and edge-triggered" {
    local mode py="$ROOT/docs/python/20_epoll.py"
    for mode in "" --edge; do
        # shellcheck disable=SC2086
        start_bg "$BATS_TEST_TMPDIR/py$mode" "$PYTHON" "$py" --port 0 \
            --count 500 --timeout 10 $mode
        wait_ready "$BATS_TEST_TMPDIR/py$mode"
        run timeout "$WAIT_SHORT" "$BATS_FILE_TMPDIR/load" --port "$PORT" --clients 500 \
            --check --size 3000 --seconds 20
        assert_success
        assert_output --regexp ' echoed=500 mismatched=0 open_at_once=500$'
        wait_exit "$BG_PID"
        [ "$EXIT_STATUS" -eq 0 ]
        run cat "$BATS_TEST_TMPDIR/py$mode"
        assert_line "served 500 clients, at most 500 at once"
    done
}
