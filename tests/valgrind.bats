#!/usr/bin/env bats
# Every lesson once under valgrind (memcheck), with a peer where it needs
# one, over loopback on a kernel-chosen port. Each run must show no invalid
# access, no leak of any kind (still-reachable counts), and no open file
# descriptor at exit but 0, 1 and 2. The lesson runs with only those three
# open (run-clean closes the ones bats holds), so valgrind's list is the
# lesson's own. Valgrind's report goes to stderr (--log-fd 2 is its
# default), which the test keeps in a file apart from the lesson's stdout.
#
# Valgrind cannot run AddressSanitizer builds: under SOCKSTEP_BIN pointing
# at build/sanitize these tests are skipped (the plain run covers them).

# SC2016: the scripts given to vg_netns are expanded by the bash inside it.
# shellcheck disable=SC2016

# Valgrind is slow, the more so on a loaded machine: a test may take this
# long (test_helper's 60 s otherwise), unless the caller says otherwise.
: "${BATS_TEST_TIMEOUT:=$((300 * ${SOCKSTEP_TEST_SCALE:-1}))}"

load test_helper
load hostile/common

# --read-inline-info=no and --vgdb=no: about 10% less CPU (the header's
# inline functions are named by their caller in a report; its file and
# line stay right), and no gdb server. --vex-guest-chase=no: valgrind
# translates the code it runs in shorter blocks, without following jumps
# into the next; most of a run here is the program's start in ld.so and
# libc, run once, where that translation is less work than what it saves
# (a few percent of each run's CPU). What memcheck checks is the same.
VG=(valgrind --error-exitcode=99 --leak-check=full
    --errors-for-leak-kinds=all --track-fds=yes --show-leak-kinds=all
    --read-inline-info=no --vgdb=no --vex-guest-chase=no)

setup() {
    if grep -q __asan_init "$BIN/04-accept" 2>/dev/null; then
        skip "$BIN holds sanitizer builds, which valgrind cannot run"
    fi
    command -v valgrind >/dev/null || {
        echo "valgrind is not installed (./install-deps)" >&2
        return 1
    }
    VLOG="$BATS_TEST_TMPDIR/valgrind"
    VOUT="$BATS_TEST_TMPDIR/out"
}

# vg_files NAME: the next valgrind run writes its report to NAME.vg and
# the lesson's output to NAME.out in the test's directory (VLOG, VOUT), for
# a test that runs two lessons under valgrind; vg_check reads the pair set
# last.
vg_files() {
    VLOG="$BATS_TEST_TMPDIR/$1.vg"
    VOUT="$BATS_TEST_TMPDIR/$1.out"
}

# vg_bg NAME ARGS...: lesson NAME under valgrind in the background, only
# fds 0-2 open, stdin /dev/null. Sets BG_PID; waits for nothing.
vg_bg() {
    local name="$1"
    shift
    need_bin "$name"
    "$HOSTILE/run-clean" "${VG[@]}" "$BIN/$name" "$@" \
        </dev/null >"$VOUT" 2>"$VLOG" 3>&- 4>&- &
    BG_PID=$!
    SS_PIDS+=("$BG_PID")
}

# vg_fg NAME ARGS...: lesson NAME under valgrind in the foreground, stdin
# from the caller; sets VG_STATUS.
vg_fg() {
    local name="$1"
    shift
    need_bin "$name"
    VG_STATUS=0
    timeout "$((120 * SCALE))" "$HOSTILE/run-clean" "${VG[@]}" "$BIN/$name" "$@" \
        >"$VOUT" 2>"$VLOG" 3>&- 4>&- || VG_STATUS=$?
}

# vg_check STATUS: the lesson exited STATUS (its own, expected 0, so not
# valgrind's 99) and valgrind found nothing, in every process it followed
# (a forked child sums up its own): each ERROR SUMMARY says 0 errors, each
# has its FILE DESCRIPTORS line with 0, 1 and 2 alone open and its heap
# summary with nothing in use. An open socket is listed as "Open AF_INET
# socket 4: ...", any other descriptor as "Open file descriptor 4: ...";
# valgrind's exit status does not count either (only memory errors and
# leaks do), so the lines are read.
vg_check() {
    local status="$1" bad=0 procs
    if [[ "$status" -ne 0 ]]; then
        echo "exit status $status (99 = valgrind found errors)" >&2
        bad=1
    fi
    if grep -E 'Open (file descriptor|AF_[A-Z0-9]+ socket)|Invalid (read|write|free)|uninitialised|Mismatched free|overlap|definitely lost|indirectly lost|possibly lost|still reachable' "$VLOG" >&2; then
        bad=1
    fi
    procs=$(grep -c 'ERROR SUMMARY: ' "$VLOG")
    if ((procs == 0)); then
        echo "no ERROR SUMMARY: valgrind did not finish" >&2
        bad=1
    fi
    [[ $(grep -c 'ERROR SUMMARY: 0 errors' "$VLOG") -eq "$procs" ]] || bad=1
    [[ $(grep -c 'FILE DESCRIPTORS: 3 open (3 std) at exit' "$VLOG") -eq "$procs" ]] || bad=1
    [[ $(grep -c 'in use at exit: 0 bytes in 0 blocks' "$VLOG") -eq "$procs" ]] || bad=1
    if ((bad)); then
        echo "---- valgrind ($VLOG):" >&2
        cat "$VLOG" >&2
        echo "---- the lesson's output ends:" >&2
        tail -n 20 "$VOUT" >&2
        return 1
    fi
}

# vg_wait [PID]: wait for the background valgrind run (default BG_PID) to
# end, then check it.
vg_wait() {
    wait_exit "${1:-$BG_PID}" 60
    vg_check "$EXIT_STATUS"
}

@test "valgrind: 01-socket" {
    vg_fg 01-socket </dev/null
    vg_check "$VG_STATUS"
}

@test "valgrind: 02-bind --port 0" {
    vg_fg 02-bind --port 0 </dev/null
    vg_check "$VG_STATUS"
}

@test "valgrind: 03-listen --count 1, with one client waiting in the backlog" {
    vg_bg 03-listen --port 0 --count 1 --timeout 30
    local lesson="$BG_PID"
    wait_ready "$VOUT" 30
    start_bg "$BATS_TEST_TMPDIR/client" "$PYTHON" "$PEER" silent "$PORT" 30
    vg_wait "$lesson"
}

@test "valgrind: 04-accept --count 1, with a client" {
    vg_bg 04-accept --port 0 --count 1 --timeout 30
    wait_ready "$VOUT" 30
    run "$PYTHON" "$PEER" halfclose "$PORT" ""
    assert_success
    assert_output --partial "you are client 1"
    vg_wait
}

@test "valgrind: 05-connect, against 04-accept" {
    start_server "$BATS_TEST_TMPDIR/server" 04-accept --count 1 --timeout 30
    vg_fg 05-connect --port "$PORT" --timeout 30 </dev/null
    vg_check "$VG_STATUS"
    grep -q "hello 127.0.0.1:" "$VOUT"
}

@test "valgrind: 06-send-recv-server --count 1, echoing binary bytes" {
    vg_bg 06-send-recv-server --port 0 --count 1 --timeout 30
    wait_ready "$VOUT" 30
    run "$PYTHON" "$PEER" binary "$PORT"
    vg_wait
    assert_success
    assert_output "same 1024"
}

@test "valgrind: 06-send-recv-client, lines from stdin, against the 06 server" {
    start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server --count 1 --timeout 30
    printf 'one\ntwo\nthree and a longer line\n' >"$BATS_TEST_TMPDIR/in"
    vg_fg 06-send-recv-client --port "$PORT" --timeout 30 <"$BATS_TEST_TMPDIR/in"
    vg_check "$VG_STATUS"
    grep -q "three and a longer line" "$VOUT"
}

@test "valgrind: 07-close --port 0" {
    vg_fg 07-close --port 0 --timeout 30 </dev/null
    vg_check "$VG_STATUS"
}

@test "valgrind: 08-udp-receiver --count 3, an empty, a short and a 65507-byte datagram" {
    vg_bg 08-udp-receiver --port 0 --count 3 --timeout 30
    wait_ready "$VOUT" 30
    "$PYTHON" "$PEER" udp "$PORT" 0 5 65507
    vg_wait
    grep -qE "^datagram of 65507 bytes from .*, only [0-9]+ kept$" "$VOUT"
}

@test "valgrind: 09-udp-sender, lines from stdin, to 08-udp-receiver" {
    start_server "$BATS_TEST_TMPDIR/receiver" 08-udp-receiver --count 2 --timeout 30
    printf 'one\ntwo\n' >"$BATS_TEST_TMPDIR/in"
    vg_fg 09-udp-sender --port "$PORT" --timeout 30 <"$BATS_TEST_TMPDIR/in"
    vg_check "$VG_STATUS"
    wait_exit "$BG_PID" 10
    grep -q ': two$' "$BATS_TEST_TMPDIR/receiver"
}

@test "valgrind: 10-getaddrinfo --host 127.0.0.1, against 04-accept" {
    need_bin 10-getaddrinfo
    start_server "$BATS_TEST_TMPDIR/server" 04-accept --count 1 --timeout 30
    vg_fg 10-getaddrinfo --host 127.0.0.1 --port "$PORT" --timeout 30 </dev/null
    vg_check "$VG_STATUS"
    grep -q "hello 127.0.0.1:" "$VOUT"
}

@test "valgrind: 10-getaddrinfo, a service name that does not exist (EAI_SERVICE path)" {
    need_bin 10-getaddrinfo
    vg_fg 10-getaddrinfo --host 127.0.0.1 --port no-such-service --timeout 5 </dev/null
    # its own exit status 1, and nothing from valgrind
    [[ "$VG_STATUS" -eq 1 ]]
    vg_check 0
}

@test "valgrind: 11-dual-stack-server --count 1, an IPv6 client" {
    need_ipv6
    need_bin 11-dual-stack-server
    vg_bg 11-dual-stack-server --port 0 --count 1 --timeout 30
    wait_ready "$VOUT" 30
    run "$PYTHON" -c '
import socket, sys
s = socket.create_connection(("::1", int(sys.argv[1])), timeout=20)
print(s.recv(200).decode(), end="")' "$PORT"
    assert_success
    vg_wait
}

@test "valgrind: 12-fork-server --count 2: the parent and each child close all and free all" {
    vg_bg 12-fork-server --port 0 --count 2 --timeout 30
    wait_ready "$VOUT" 30
    local i
    for i in 1 2; do
        run timeout "$WAIT_SHORT" nc -N 127.0.0.1 "$PORT" <<<"client $i"
        assert_output "client $i"
    done
    vg_wait
    # valgrind follows fork(): three processes each summed up their fds
    [ "$(grep -c 'FILE DESCRIPTORS: 3 open (3 std) at exit' "$VLOG")" -eq 3 ]
}

@test "valgrind: 14-nonblocking-connect --host 127.0.0.1, against 04-accept" {
    need_bin 14-nonblocking-connect
    start_server "$BATS_TEST_TMPDIR/server" 04-accept --count 1 --timeout 30
    vg_fg 14-nonblocking-connect --host 127.0.0.1 --port "$PORT" --timeout 30 </dev/null
    vg_check "$VG_STATUS"
    grep -q "hello 127.0.0.1:" "$VOUT"
}

@test "valgrind: 13-poll-chat --count 3: they chat, one leaves mid-line, one resets" {
    vg_bg 13-poll-chat --port 0 --count 3 --timeout 30
    wait_ready "$VOUT" 30
    # A, B and C join; A and B each say a line the two others get; B
    # sends a 1200-byte line (three pieces of at most 512); A leaves in
    # the middle of a line, C says bye and resets; B, the last, leaves.
    run timeout "$((120 * SCALE))" "$PYTHON" "$PEERS/vg-chat.py" "$PORT"
    assert_success
    assert_output "chatted"
    vg_wait
    grep -qE '^client [0-9]+ left in the middle of a line' "$VOUT"
    grep -qE '^client [0-9]+ is gone: Connection reset by peer' "$VOUT"
}

@test "valgrind: 15-framing-server --count 3: the C client, ten frames in one send, one cut off mid-message" {
    need_bin 15-framing-client
    vg_bg 15-framing-server --port 0 --count 3 --timeout 30
    wait_ready "$VOUT" 30
    run bare "$BIN/15-framing-client" --port "$PORT" --timeout 60 \
        < <(printf 'hello\n\nsocket world\n')
    assert_success
    assert_line "echo, 12 bytes: socket world"
    run timeout "$((120 * SCALE))" "$PYTHON" "$PEERS/vg-framing.py" "$PORT"
    assert_success
    assert_output "same"
    vg_wait
    grep -qx "the client closed the connection after 3 messages" "$VOUT"
    grep -qx "the client closed the connection after 10 messages" "$VOUT"
    grep -qx "the client closed in the middle of message 2, after 3 of its 10 message bytes" "$VOUT"
}

@test "valgrind: 15-framing-client, lines from stdin, against the 15 server" {
    start_server "$BATS_TEST_TMPDIR/server" 15-framing-server --count 1 --timeout 30
    printf 'hello\n\nsocket world\n' >"$BATS_TEST_TMPDIR/in"
    vg_fg 15-framing-client --port "$PORT" --timeout 60 <"$BATS_TEST_TMPDIR/in"
    vg_check "$VG_STATUS"
    grep -qx "echo, 0 bytes: " "$VOUT"
    grep -qx "echo, 12 bytes: socket world" "$VOUT"
}

@test "valgrind: 16-http-server --count 4: curl GET, HEAD, a 404 and a 403" {
    local site="$ROOT/lessons/16-http/site"
    vg_bg 16-http-server --port 0 --root "$site" --count 4 --timeout 30
    wait_ready "$VOUT" 30
    local url="http://127.0.0.1:$PORT"
    run curl -sS --max-time 60 -o "$BATS_TEST_TMPDIR/body" -w '%{http_code}' "$url/"
    assert_output 200
    cmp "$site/index.html" "$BATS_TEST_TMPDIR/body"
    run curl -sS --max-time 60 -I -o /dev/null -w '%{http_code}' "$url/style.css"
    assert_output 200
    run curl -sS --max-time 60 -o /dev/null -w '%{http_code}' "$url/nope"
    assert_output 404
    run curl -sS --max-time 60 --path-as-is -o /dev/null -w '%{http_code}' "$url/../../Makefile"
    assert_output 403
    vg_wait
}

@test "valgrind: 16-http-client against the 16 server: --output a file, then a page printed" {
    start_server "$BATS_TEST_TMPDIR/server" 16-http-server \
        --root "$ROOT/lessons/16-http/site" --count 2 --timeout 60
    vg_fg 16-http-client --url "http://127.0.0.1:$PORT/pic.png" \
        --output "$BATS_TEST_TMPDIR/pic.png" --timeout 60 </dev/null
    vg_check "$VG_STATUS"
    cmp "$ROOT/lessons/16-http/site/pic.png" "$BATS_TEST_TMPDIR/pic.png"
    vg_fg 16-http-client --url "http://127.0.0.1:$PORT/" --timeout 60 </dev/null
    vg_check "$VG_STATUS"
    grep -q "status 200, body 719 bytes" "$VOUT"
}

# unix_ready FILE: wait for lesson 17's ready line, "listening on PATH".
unix_ready() {
    wait_for "$1" '^listening on /' 30
}

# FAILS, on purpose, until lesson 17's server closes its lock: it ends
# with PATH.lock still open (lessons/17-unix/server.c, main: "The lock (lk)
# goes when the process ends"), and valgrind lists it as "Open file
# descriptor 4: .../s.sock.lock". Every other lesson closes all it opened;
# this test holds 17 to the same rule (reported to the lead engineer).
@test "valgrind: 17-unix-server --count 2: the C client, then socat, which leaves the passed socket" {
    need_bin 17-unix-client
    local sock="$BATS_TEST_TMPDIR/s.sock"
    vg_bg 17-unix-server --path "$sock" --count 2 --timeout 30
    unix_ready "$VOUT"
    run bare "$BIN/17-unix-client" --path "$sock" --timeout 60
    assert_success
    assert_line 'this line came over the socket pair, which has no name\n'
    run timeout "$WAIT_LONG" socat -u "UNIX-CONNECT:$sock" STDOUT
    assert_success
    assert_output --partial "here is a socket"
    vg_wait
    [ ! -e "$sock" ]
}

@test "valgrind: 17-unix-client against the 17 server: the greeting and the passed socket" {
    local sock="$BATS_TEST_TMPDIR/s.sock"
    start_bg "$BATS_TEST_TMPDIR/server" "$BIN/17-unix-server" --path "$sock" \
        --timeout 60
    unix_ready "$BATS_TEST_TMPDIR/server"
    vg_fg 17-unix-client --path "$sock" --timeout 60 </dev/null
    vg_check "$VG_STATUS"
    grep -qF 'this line came over the socket pair, which has no name\n' "$VOUT"
}

# vg_netns SCRIPT: bats' run of bash SCRIPT in a user and network namespace
# of its own (unshare -rn) with lo up, as tests/18-multicast.bats does:
# multicast on lo, never on the machine's real interfaces. In SCRIPT, $B
# is the lesson binaries, $T the test's directory, $RC run-clean, "$@"
# valgrind's command line, and ready FILE 60 (tests/lib/mcast-ready.bash:
# wait for lesson 18's "receiving on 0.0.0.0:PORT", at most 60 s under
# valgrind; sets PORT)
vg_netns() {
    need_unshare -rn
    run timeout "$((120 * SCALE))" unshare -rn env B="$BIN" T="$BATS_TEST_TMPDIR" \
        RC="$HOSTILE/run-clean" ROOT="$ROOT" bash -c '
set -u
ip link set lo up || exit 1
. "$ROOT/tests/lib/mcast-ready.bash" # ready FILE SECONDS: the receiver joined
'"$1" vg_netns "${VG[@]}"
}

@test "valgrind: 18-multicast-receiver --count 2, in the group, from 18-multicast-sender (in a namespace)" {
    need_bin 18-multicast-receiver 18-multicast-sender
    vg_files receiver
    vg_netns '
        "$RC" "$@" "$B/18-multicast-receiver" --port 0 --count 2 --timeout 30 \
            </dev/null >"$T/receiver.out" 2>"$T/receiver.vg" &
        pid=$!
        ready "$T/receiver.out" 60 || { kill "$pid"; exit 1; }
        printf "one\ntwo\n" | "$RC" "$B/18-multicast-sender" --port "$PORT" >"$T/sender" 2>&1
        echo "sender $?"
        wait "$pid"
        echo "receiver $?"'
    assert_line "sender 0"
    assert_line --regexp '^receiver [0-9]+$'
    vg_check "${lines[-1]#receiver }"
    grep -qE '^from 127\.0\.0\.1:[0-9]+: two$' "$VOUT"
}

@test "valgrind: 18-multicast-sender, lines from stdin, to 18-multicast-receiver (in a namespace)" {
    need_bin 18-multicast-receiver 18-multicast-sender
    vg_files sender
    vg_netns '
        "$RC" "$B/18-multicast-receiver" --port 0 --count 2 --timeout 30 \
            </dev/null >"$T/receiver" 2>&1 &
        pid=$!
        ready "$T/receiver" 60 || { kill "$pid"; exit 1; }
        printf "one\ntwo\n" >"$T/in"
        "$RC" "$@" "$B/18-multicast-sender" --port "$PORT" \
            <"$T/in" >"$T/sender.out" 2>"$T/sender.vg"
        echo "sender $?"
        wait "$pid"
        echo "receiver $?"'
    assert_line "receiver 0"
    assert_line --regexp '^sender [0-9]+$'
    local status
    status=$(sed -n 's/^sender //p' <<<"$output")
    vg_check "$status"
    grep -qE '^from 127\.0\.0\.1:[0-9]+: two$' "$BATS_TEST_TMPDIR/receiver"
}

@test "valgrind: 19-throughput, both ends: a 200 kB transfer with --verify, then --exchanges" {
    vg_files receiver
    vg_bg 19-throughput --receive --port 0 --count 2 --verify --timeout 60
    local receiver="$BG_PID"
    wait_ready "$VOUT" 30
    vg_files sender
    vg_fg 19-throughput --send --port "$PORT" --verify --bytes 200001 \
        --buffer 64K --timeout 60 </dev/null
    vg_check "$VG_STATUS"
    grep -q '^sent 200001 bytes in ' "$VOUT"
    local hash
    hash=$(sed -n 's/^  fnv1a64 \([0-9a-f]\{16\}\)$/\1/p' "$VOUT")
    [[ -n "$hash" ]]
    vg_files receiver
    wait_for "$VOUT" '^received 200001 bytes in ' 60
    grep -qx "  fnv1a64 $hash" "$VOUT"
    # The second transfer takes the receiver's second --count. Its sender
    # runs outside valgrind: without --verify it runs no line of its own
    # that the sender above did not (the hash is all --verify adds), and
    # most of a short memcheck run is its start (reading libc's debug
    # information: valgrind -v --time-stamp=yes shows it).
    # --exchanges is a mode of its own on both sides, so a receiver of
    # its own.
    run bare "$BIN/19-throughput" --send --port "$PORT" --bytes 64K \
        --timeout 60 </dev/null
    assert_success
    vg_files receiver
    vg_wait "$receiver"
    vg_files xreceiver
    vg_bg 19-throughput --receive --port 0 --exchanges 1 --timeout 60
    wait_ready "$VOUT" 30
    vg_files xsender
    vg_fg 19-throughput --send --port "$PORT" --exchanges 20 --nodelay --timeout 60 </dev/null
    vg_check "$VG_STATUS"
    grep -qE '^20 exchanges in ' "$VOUT"
    vg_files xreceiver
    vg_wait
    grep -qE '^answered 20 requests in ' "$VOUT"
}

@test "valgrind: 19-throughput --send --sendfile, to a plain receiver" {
    head -c 500003 /dev/urandom >"$BATS_TEST_TMPDIR/file"
    start_server "$BATS_TEST_TMPDIR/receiver" 19-throughput --receive --timeout 60
    vg_fg 19-throughput --send --port "$PORT" --sendfile "$BATS_TEST_TMPDIR/file" \
        --timeout 60 </dev/null
    vg_check "$VG_STATUS"
    grep -q '^sent 500003 bytes in ' "$VOUT"
    wait_exit "$BG_PID" 60
    grep -q '^received 500003 bytes in ' "$BATS_TEST_TMPDIR/receiver"
}

# epoll_clients PORT SPEC...: Python clients, all connected at once; each
# SPEC is what one sends (N copies of a letter: "a:5000"), all before any
# reads; prints "LETTER ok" for one that got its own bytes back.
epoll_clients() {
    timeout "$((120 * SCALE))" "$PYTHON" "$PEERS/vg-epoll-clients.py" "$@"
}

@test "valgrind: 20-epoll-server --count 3, level- and edge-triggered, one client with 300 kB" {
    local mode
    for mode in level edge; do
        vg_files "$mode"
        if [[ "$mode" == edge ]]; then
            vg_bg 20-epoll-server --port 0 --count 3 --timeout 60 --edge
        else
            vg_bg 20-epoll-server --port 0 --count 3 --timeout 60
        fi
        wait_ready "$VOUT" 30
        run epoll_clients "$PORT" a:1 b:300000 c:4096
        assert_success
        assert_output $'a ok\nb ok\nc ok'
        vg_wait
        grep -qx "served 3 clients, at most 3 at once, 304097 bytes echoed" "$VOUT"
    done
}
