#!/usr/bin/env bats
# Lesson 07: shutdown and close

load test_helper

# PORT from the ready line in $output; with narration also CPORT1, CPORT2,
# CPORT3, the client ports of connections 1 to 3 (from the accept lines).
read_ports() {
    local line
    line=$(grep -E '^listening on [0-9.]+:[0-9]+$' <<<"$output")
    PORT=${line##*:}
    [ -n "$PORT" ]
    plain && return 0
    mapfile -t cports < <(grep -E '^accept\(3, 127\.0\.0\.1:[0-9]+, 16\) = 5$' <<<"$output" |
        sed -E 's/^accept\(3, 127\.0\.0\.1:([0-9]+), .*/\1/')
    CPORT1=${cports[0]}
    CPORT2=${cports[1]}
    CPORT3=${cports[2]}
    [ -n "$CPORT1" ] && [ -n "$CPORT2" ] && [ -n "$CPORT3" ]
}

# tcp_entries STATE: "LOCALPORT REMOTEPORT" of each /proc/net/tcp entry in
# STATE (hex, as /proc writes it: 06 is TIME_WAIT).
tcp_entries() {
    local laddr raddr st rest
    while read -r _ laddr raddr st rest; do
        [[ $st == "$1" ]] && echo "$((16#${laddr#*:})) $((16#${raddr#*:}))"
    done < <(tail -n +2 /proc/net/tcp)
    return 0
}

# has TEXT...: each TEXT is in $output, where a narration line wrapped at
# the screen's width is joined again (its continuation is 8 spaces in).
has() {
    local joined t mode=-qF
    [[ -n "${HAS_RE:-}" ]] && mode=-qE # HAS_RE=1: each text a regex
    joined=$(awk 'NR > 1 && /^        / { sub(/^ +/, " "); printf "%s", $0; next }
                  NR > 1 { print "" } { printf "%s", $0 } END { print "" }' <<<"$output")
    for t in "$@"; do
        grep "$mode" -- "$t" <<<"$joined" ||
            { echo "not in the output: $t" >&2; return 1; }
    done
}

@test "07-close: half-close: recv() = 0 on the server, data still flows to the client" {
    run_lesson timeout "$WAIT_RUN" "$BIN/07-close" --port 0 --timeout 5
    assert_success
    read_ports
    plain && return 0
    assert_line "bind(3, 127.0.0.1:0, 16) = 0"
    assert_line "getsockname(3, 127.0.0.1:$PORT, 16) = 0"
    assert_line "connect(4, 127.0.0.1:$PORT, 16) = 0"
    assert_line 'send(4, "hello\n", 6, MSG_NOSIGNAL) = 6'
    assert_line 'recv(5, "hello\n", 64, 0) = 6'
    assert_line "shutdown(4, SHUT_WR) = 0"
    # FIN_WAIT1 until the server's kernel acknowledges the FIN (on Linux
    # it may wait for its delayed ACK), then FIN_WAIT2
    assert_output --regexp "kernel: tcp 127\.0\.0\.1:$CPORT1 -> 127\.0\.0\.1:$PORT FIN_WAIT[12],"
    assert_line 'recv(5, "", 64, 0) = 0'
    has "kernel: tcp 127.0.0.1:$PORT -> 127.0.0.1:$CPORT1 CLOSE_WAIT (from /proc/net/tcp)"
    assert_line 'send(5, "bye\n", 4, MSG_NOSIGNAL) = 4'
    assert_line 'recv(4, "bye\n", 64, 0) = 4'
    # the client closes first: its end waits in FIN_WAIT2 for the server's
    # FIN; in FIN_WAIT1 while a loaded kernel has not yet acknowledged its own
    HAS_RE=1 has "kernel: tcp 127\.0\.0\.1:$CPORT1 -> 127\.0\.0\.1:$PORT FIN_WAIT(2|1, .*not yet acknowledged.*), closed by its program"
}

@test "07-close: TIME_WAIT on the client's port, then on the server's, as /proc shows it" {
    [ -r /proc/net/tcp ] || skip "no /proc/net/tcp"
    run_lesson timeout "$WAIT_RUN" "$BIN/07-close" --port 0 --timeout 5
    assert_success
    read_ports
    local tw
    tw=$(tcp_entries 06)
    # connection 1: the client's FIN went first, its end is in TIME_WAIT;
    # connection 2: the server's FIN went first, the server's end is.
    # (This is the whole machine's table: another test's connection may
    # have left an entry on a port number equal to $PORT. Only the narrated
    # run names this run's client ports, to tell its entries from those.)
    grep -qE "^[0-9]+ $PORT\$" <<<"$tw"
    grep -qE "^$PORT [0-9]+\$" <<<"$tw"
    plain && return 0
    grep -qxF "$CPORT1 $PORT" <<<"$tw"
    grep -qxF "$PORT $CPORT2" <<<"$tw"
    # and only those ends: connection 3 ended with a RST, no TIME_WAIT on
    # either end
    [ "$(grep -cxF -e "$PORT $CPORT1" -e "$CPORT2 $PORT" <<<"$tw")" -eq 0 ]
    [ "$(grep -cxF -e "$PORT $CPORT3" -e "$CPORT3 $PORT" <<<"$tw")" -eq 0 ]
    has "kernel: the peer's end: tcp 127.0.0.1:$CPORT1 -> 127.0.0.1:$PORT TIME_WAIT, a record no descriptor owns" \
        "kernel: the peer's end: tcp 127.0.0.1:$PORT -> 127.0.0.1:$CPORT2 TIME_WAIT, a record no descriptor owns" \
        "kernel: the connection 127.0.0.1:$PORT -> 127.0.0.1:$CPORT1 is gone from /proc/net/tcp" \
        "kernel: the connection 127.0.0.1:$CPORT2 -> 127.0.0.1:$PORT is gone from /proc/net/tcp"
    assert_output --partial "not the server's port $PORT"
}

@test "07-close: closing one of two descriptors sends nothing; the last close sends the FIN" {
    run_lesson timeout "$WAIT_RUN" "$BIN/07-close" --port 0 --timeout 5
    assert_success
    read_ports
    plain && return 0
    local all="$output"
    # after dup(5), close(5) leaves the connection as it was ...
    run awk 'd && /^close\(5\) = 0$/ { c = 1 } /^dup\(5\) = 6$/ { d = 1 }
             c && /^close\(6\) = 0$/ { exit } c' <<<"$all"
    assert_line --index 0 "close(5) = 0"
    assert_line --index 1 --partial "another descriptor still refers to this socket"
    has "kernel: tcp 127.0.0.1:$PORT -> 127.0.0.1:$CPORT2 ESTABLISHED (from /proc/net/tcp)"
    refute_output --partial "FIN_WAIT"
    # ... and close(6), the last descriptor, sends the FIN
    run awk '/^close\(6\) = 0$/ { c = 1 } c' <<<"$all"
    assert_line --index 0 "close(6) = 0"
    # FIN_WAIT1 with the FIN not yet acknowledged, or already FIN_WAIT2:
    # which one depends on how soon the peer's kernel answered.
    local flat
    flat=$(tr -s ' \n' '  ' <<<"$output")
    [[ "$flat" =~ "kernel: tcp 127.0.0.1:$PORT -> 127.0.0.1:$CPORT2 FIN_WAIT"[12]", "("its FIN not yet acknowledged by the peer, ")?"closed by its program" ]] ||
        fail "no FIN_WAIT line for the connection after close(6)"
    assert_line 'recv(4, "", 64, 0) = 0'
}

@test "07-close: close() with unread data sends a RST: the client's recv() gets ECONNRESET" {
    run_lesson timeout "$WAIT_RUN" "$BIN/07-close" --port 0 --timeout 5
    assert_success
    assert_line "recv: Connection reset by peer"
    read_ports
    plain && return 0
    assert_line 'send(4, "hello\nworld\n", 12, MSG_NOSIGNAL) = 12'
    assert_line 'recv(5, "hello\n", 6, 0) = 6'
    assert_output --partial "close() found 6 received bytes nobody had read"
    has "kernel: the connection 127.0.0.1:$PORT -> 127.0.0.1:$CPORT3 is gone from /proc/net/tcp"
    assert_line "recv(4, buf, 64, 0) = -1 ECONNRESET (Connection reset by peer)"
    assert_output --partial "expected: this program meets it on purpose"
}

@test "07-close: what the lesson says about dup() and unread data is true, seen from Python" {
    run "$PYTHON" "$PEERS/dup-and-unread.py"
    assert_success
    assert_line --index 0 "after one close: nothing"
    assert_line --index 1 "after the last close: b''"
    assert_line --index 2 "read: b'hello\\n'"
    assert_line --index 3 "recv: ECONNRESET"
}

@test "07-close: the restarted server gets EADDRINUSE, then binds with SO_REUSEADDR" {
    run_lesson timeout "$WAIT_RUN" "$BIN/07-close" --port 0 --timeout 5
    assert_success
    assert_line "bind: Address already in use"
    read_ports
    plain && return 0
    local fail ok
    fail=$(grep -nxF "bind(3, 127.0.0.1:$PORT, 16) = -1 EADDRINUSE (Address already in use)" <<<"$output" | cut -d: -f1)
    ok=$(grep -nxF "bind(3, 127.0.0.1:$PORT, 16) = 0" <<<"$output" | cut -d: -f1)
    [ -n "$fail" ] && [ -n "$ok" ] && [ "$fail" -lt "$ok" ]
    # SO_REUSEADDR set on the new socket between the two
    run sed -n "${fail},${ok}p" <<<"$output"
    assert_line "setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0"
    assert_output --partial "expected: this program meets it on purpose"
    assert_output --partial "waits in TIME_WAIT"
    # on Linux the holder, from /proc/net/tcp: connection 2's server end
    # (in FIN_WAIT2 if the client's FIN is not in yet on a busy machine)
    local said re
    said=$(tr -s ' \n' '  ' <<<"$output") # narration unwrapped
    re=" kernel: port $PORT is held by .*a connection in (TIME_WAIT|FIN_WAIT2), 127\.0\.0\.1:$PORT to 127\.0\.0\.1:[0-9]+(;[^(]*)? \(from /proc/net/tcp\)"
    [[ "$said" =~ $re ]]
    assert_output --partial "fd 3 did not set SO_REUSEADDR before bind(): on Linux"
}

@test "07-close: what the lesson says about the port is true, seen from another program" {
    run_lesson timeout "$WAIT_RUN" "$BIN/07-close" --port 0 --timeout 5
    assert_success
    read_ports
    # The TIME_WAIT is still there (60 s): without SO_REUSEADDR no bind,
    # with it, yes.
    run "$PYTHON" "$PEERS/reuseaddr-bind.py" "$PORT"
    assert_success
    assert_line --index 0 "reuse 0 Address already in use"
    assert_line --index 1 "reuse 1 bound"
}

@test "07-close: a stranger that connects first is named and closed, and the run goes on" {
    start_bg "$BATS_TEST_TMPDIR/out" "$BIN/07-close" --port 0 --pause 2 --timeout 5
    wait_ready "$BATS_TEST_TMPDIR/out"
    # 07 is pausing after its ready line, before its own client connects
    run "$PYTHON" "$PEERS/connect-send-hi.py" "$PORT"
    assert_success
    local sport="${lines[0]}"
    # 07 closed it with "hi\n" unread: a RST
    assert_line --index 1 "reset"
    wait_exit "$BG_PID" 20
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/out"
    assert_line "a stranger connected from 127.0.0.1:$sport: closing it"
    [ "$(grep -c "^a stranger" <<<"$output")" -eq 1 ]
    # the three connections and the restart still ran
    assert_line "recv: Connection reset by peer"
    assert_line "bind: Address already in use"
    plain && return 0
    assert_line "accept(3, 127.0.0.1:$sport, 16) = 5"
    assert_output --partial "close() found 3 received bytes nobody had read"
    # the ready line comes before 07's own connect()
    local ready conn
    ready=$(grep -n "^listening on" <<<"$output" | cut -d: -f1)
    conn=$(grep -n "^connect(" <<<"$output" | head -n 1 | cut -d: -f1)
    [ "$ready" -lt "$conn" ]
}

@test "07-close: each narrated call and its result match strace" {
    plain && skip "the plain build narrates nothing"
    need_strace
    # (LeakSanitizer cannot work under ptrace: a sanitizer build runs
    # without it here)
    export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"
    # TRACE with dup() added (strace-match leaves dup lines out of both)
    local trace=(strace -f -yy -e "trace=network,close,dup" -o)
    start_bg "$BATS_TEST_TMPDIR/out" "${trace[@]}" \
        "$BATS_TEST_TMPDIR/trace" "$BIN/07-close" --port 0 --timeout 5
    wait_ready "$BATS_TEST_TMPDIR/out"
    wait_exit "$BG_PID" 20
    [ "$EXIT_STATUS" -eq 0 ]
    strace_matches "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/trace"
    # the failures are in it: bind's EADDRINUSE, recv's ECONNRESET
    run grep -E '^[0-9]+ +(bind|recvfrom)\(.* = -1 (EADDRINUSE|ECONNRESET)' "$BATS_TEST_TMPDIR/trace"
    assert_success
    [ "${#lines[@]}" -eq 2 ]
    run grep -E '^[0-9]+ +dup\(5<TCP:.*\) = 6<TCP:' "$BATS_TEST_TMPDIR/trace"
    assert_success
    run grep -xF "dup(5) = 6" "$BATS_TEST_TMPDIR/out"
    assert_success
}

@test "07-close: the port taken by another program: the first bind fails, exit 1" {
    start_bg "$BATS_TEST_TMPDIR/holder" "$PYTHON" "$PEERS/hold-port.py" listen
    wait_ready "$BATS_TEST_TMPDIR/holder"
    run_lesson timeout "$WAIT_RUN" "$BIN/07-close" --port "$PORT" --timeout 5
    assert_failure 1
    assert_line "bind: Address already in use"
    refute_line --regexp "^listening on"
    plain && return 0
    assert_line "bind(3, 127.0.0.1:$PORT, 16) = -1 EADDRINUSE (Address already in use)"
    assert_output --partial "likely cause: another socket already has 127.0.0.1:$PORT"
    assert_line "close(3) = 0"
}

@test "07-close: --help lists --pause and what --timeout bounds; a bad option exits 2 with one line" {
    run_lesson "$BIN/07-close" --help
    assert_success
    assert_line "usage: $BIN/07-close [options]"
    assert_output --partial "--pause S"
    assert_output --partial "seconds each accept() and recv() may wait"
    refute_output --partial "--count"
    run bash -c '"$1" --timeout 0 2>&1 >/dev/null' _ "$BIN/07-close"
    assert_failure 2
    assert_output "07-close: --timeout: expected whole seconds from 1 to 86400, got '0' (see --help)"
    run bash -c '"$1" --pause 9999 2>&1 >/dev/null' _ "$BIN/07-close"
    assert_failure 2
    assert_output "07-close: --pause: expected a whole number from 0 to 3600, got '9999' (see --help)"
    run bash -c '"$1" --no-colour 2>&1 >/dev/null' _ "$BIN/07-close"
    assert_failure 2
    assert_output "07-close: --no-colour: unknown option (see --help)"
}
