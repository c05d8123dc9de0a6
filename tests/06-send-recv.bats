#!/usr/bin/env bats
# Lesson 06: send and recv (an echo server and its client)

# PORT, BG_PID and EXIT_STATUS are set by test_helper (wait_ready, wait_exit).
# shellcheck disable=SC2153
# The longest wait inside a test here is 200 s (echo_big's, below):
# bats' own per-test limit must be longer, or that wait could never say
# what it waited for (tests/timeouts checks it).
: "${BATS_TEST_TIMEOUT:=$((240 * ${SOCKSTEP_TEST_SCALE:-1}))}"
load test_helper
load hostile/common

# Sends up to 44000 bytes, what the kernel takes without waiting (the
# echoes fill the sockets' buffers, which may be small), and closes at
# once, reading nothing back: "$PYTHON" -c "$PY_CLOSER" PORT "$HOSTILE".
PY_CLOSER='
import sys
sys.path.insert(0, sys.argv[2])
import peer
s = peer.connect(int(sys.argv[1]))
peer.send_unread(s, b"never read\n" * 4000)
s.close()
'

# A terminal for the client: "$PYTHON" "$TTY" SCRIPT CMD... (see the file)
TTY="$BATS_TEST_DIRNAME/hostile/typist.py"

# client IN ARGS...: run 06-send-recv-client with IN as stdin, only fds
# 0-2 open, bounded.
client() {
    local in="$1"
    shift
    run_lesson timeout "$WAIT_RUN" "$BIN/06-send-recv-client" "$@" <"$in"
}

# The echoed text of the last run: each "echo: TEXT" line's TEXT, with the
# escaped newline at its end ("\n", two characters) taken off.
echoed() {
    sed -n 's/^echo: //p' <<<"$output" | sed 's/\\n$//'
}

@test "06-send-recv: the pair echoes lines back in order, byte for byte" {
    printf '%s\n' one 'two  words' 'x' $'tab\there' 'quote " and \ back' \
        $'caf\xc3\xa9 na\xc3\xafve' 'last' >"$BATS_TEST_TMPDIR/in"
    local bytes
    bytes=$(wc -c <"$BATS_TEST_TMPDIR/in")
    start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server --count 1
    client "$BATS_TEST_TMPDIR/in" --port "$PORT"
    assert_success
    # what the client prints is escaped: \t and \\ stand for the bytes
    diff <(echoed) <(sed 's/\\/\\\\/g; s/\t/\\t/g' "$BATS_TEST_TMPDIR/in")
    refute_output --partial "differs"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line --regexp "^client 127\.0\.0\.1:[0-9]+: $bytes bytes echoed$"
    plain && return 0
    assert_line --regexp '^listen\(3, [0-9]+\) = 0$'
    refute_line "listen(3, 5) = 0"
    assert_line --regexp '^accept\(3, 127\.0\.0\.1:[0-9]+, 16\) = 4$'
    assert_line "setsockopt(4, SOL_SOCKET, SO_RCVTIMEO, {300 s}, 16) = 0"
    assert_line "setsockopt(4, SOL_SOCKET, SO_SNDTIMEO, {300 s}, 16) = 0"
    refute_output --partial "TCP_NODELAY"
    assert_line --regexp '^recv\(4, "one\\n.*", 4096, 0\) = [0-9]+$'
    # recv() == 0 ends this client, once
    [ "$(grep -c '^recv(4, "", 4096, 0) = 0$' <<<"$output")" -eq 1 ]
    assert_said "recv() returned 0: the end of the stream. The peer's FIN has come (the kernel lists the connection as CLOSE_WAIT): it closed its socket or shut down its sending side"
    assert_line "close(4) = 0"
    assert_line "close(3) = 0"
}

@test "06-send-recv: the client's narration: send, recv, shutdown, close" {
    printf 'one\ntab\there\n' >"$BATS_TEST_TMPDIR/in"
    start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server --count 1
    client "$BATS_TEST_TMPDIR/in" --port "$PORT"
    assert_success
    assert_line 'echo: one\n'
    assert_line 'echo: tab\there\n'
    plain && return 0
    assert_line "connect(3, 127.0.0.1:$PORT, 16) = 0"
    assert_line "setsockopt(3, SOL_SOCKET, SO_SNDTIMEO, {30 s}, 16) = 0"
    assert_line 'send(3, "one\n", 4, MSG_NOSIGNAL) = 4'
    assert_line 'recv(3, "one\n", 4, 0) = 4'
    assert_line 'send(3, "tab\there\n", 9, MSG_NOSIGNAL) = 9'
    assert_line 'recv(3, "tab\there\n", 9, 0) = 9'
    assert_line "shutdown(3, SHUT_WR) = 0"
    assert_line 'recv(3, "", 4096, 0) = 0'
    assert_line "close(3) = 0"
    # stdin is not a terminal: no prompt
    refute_output --partial ">>> type lines"
}

@test "06-send-recv: after shutdown(SHUT_WR) and the server's close, the client's kernel view is the TIME_WAIT entry, as ss sees it" {
    plain && skip "the plain build narrates nothing"
    echo hello >"$BATS_TEST_TMPDIR/in"
    start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server --count 1
    client "$BATS_TEST_TMPDIR/in" --port "$PORT"
    assert_success
    local cport
    cport=$(sed -n "s/^ *kernel: tcp 127\.0\.0\.1:\([0-9]*\) -> 127\.0\.0\.1:$PORT ESTABLISHED.*/\1/p" <<<"$output" | head -n 1)
    [ -n "$cport" ]
    # the last recv(): the entry has no inode, so it is found by addresses
    local tail
    tail=$(sed -n '/^recv(3, "", 4096, 0) = 0$/,/^close(3)/p' <<<"$output" | tr -s ' \n' '  ')
    [[ "$tail" == *"kernel: tcp 127.0.0.1:$cport -> 127.0.0.1:$PORT TIME_WAIT, a record no descriptor owns; it lasts up to 60 s on Linux"* ]]
    [[ "$tail" == *"fd 3 is still open, but its connection is over: the line above is what is left of it"* ]]
    # and the kernel agrees: that connection waits in TIME_WAIT
    run ss -Htan state time-wait "( sport = :$cport and dport = :$PORT )"
    assert_output --partial "127.0.0.1:$cport"
}

@test "06-send-recv: 100 lines piped in fast all come back, in order" {
    seq 1 100 >"$BATS_TEST_TMPDIR/in"
    start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server --count 1
    client "$BATS_TEST_TMPDIR/in" --port "$PORT"
    assert_success
    diff <(echoed) "$BATS_TEST_TMPDIR/in"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
}

# Random bytes, base64 as a text file's lines (76 characters each), piped
# through the client to SERVER_KIND (ours or socat's cat) and checked: the
# client compares every echo with its line, and the echoed lines, joined,
# are the input. SOCKSTEP_ECHO_MB sets the amount: 1 MB in make test (14,000
# lines), 100 MB in make test-volume.
echo_volume() {
    local kind="$1" mb="${SOCKSTEP_ECHO_MB:-1}"
    head -c "${mb}M" /dev/urandom | base64 >"$BATS_TEST_TMPDIR/in"
    if [[ "$kind" == socat ]]; then
        command -v socat >/dev/null || skip "no socat (apt-get install socat)"
        start_bg "$BATS_TEST_TMPDIR/server" socat -d -d \
            TCP-LISTEN:0,bind=127.0.0.1,reuseaddr EXEC:cat
        wait_for "$BATS_TEST_TMPDIR/server" 'listening on AF=2 127\.0\.0\.1:[0-9]+$'
        PORT=${SS_LINE##*:}
    else
        start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server --count 1
    fi
    status=0
    bare "$BIN/06-send-recv-client" --port "$PORT" <"$BATS_TEST_TMPDIR/in" \
        >"$BATS_TEST_TMPDIR/out" 2>&1 || status=$?
    [ "$status" -eq 0 ]
    sed -n 's/^echo: //p' "$BATS_TEST_TMPDIR/out" | sed 's/\\n$//' |
        cmp - "$BATS_TEST_TMPDIR/in"
    run grep -c differs "$BATS_TEST_TMPDIR/out"
    assert_output 0
    wait_exit "$BG_PID" 30
    [ "$EXIT_STATUS" -eq 0 ]
}

@test "06-send-recv: base64 lines piped in come back byte for byte, through the 06 server" {
    echo_volume ours
    # (grep, not bats' run: the narration is tens of thousands of lines)
    grep -Eq "^client 127\.0\.0\.1:[0-9]+: $(wc -c <"$BATS_TEST_TMPDIR/in") bytes echoed$" \
        "$BATS_TEST_TMPDIR/server"
}

@test "06-send-recv: base64 lines piped in come back byte for byte, through socat's cat" {
    echo_volume socat
}

# echo_big MIB: a line of MIB MiB of base64, then a newline, through the
# lesson's server and client: it comes back intact, in 4 KiB pieces.
# Every one of its 2 x 256 x MIB calls is narrated: 32 MiB took about
# 12 s here, and under half a core beside the rest of the suite (make
# test-slow) more than 60 s in one run and more than 90 s in another:
# how long depends on what else shares the half core. So the client's
# bound, which only stops a hang (each of its waits has its own
# --timeout), is 200 s, and each size is a test of its own.
echo_big() {
    local mib=$1 sum
    head -c $((mib << 20)) /dev/urandom | base64 -w 0 |
        head -c $((mib << 20)) >"$BATS_TEST_TMPDIR/in"
    echo >>"$BATS_TEST_TMPDIR/in"
    # A server per line, started once its input is made: its accept()
    # waits at most --timeout, and making 32 MiB on a busy machine
    # may take longer than that.
    start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server \
        --count 1 --timeout 10
    status=0
    bare timeout "$((200 * SCALE))" "$BIN/06-send-recv-client" --port "$PORT" \
        --timeout 10 <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out" \
        2>&1 || status=$?
    # (a failure shows how the client and the server ended)
    [ "$status" -eq 0 ] || {
        echo "client: status $status, $mib MiB" >&2
        grep -v '^echo: ' "$BATS_TEST_TMPDIR/out" | tail -5 >&2
        tail -5 "$BATS_TEST_TMPDIR/server" >&2
        false
    }
    # base64 needs no escaping: the echo lines, joined, are the line
    sum=$(sed -n 's/^echo: //p' "$BATS_TEST_TMPDIR/out" | tr -d '\n' |
        sed 's/\\n$//' | sha256sum)
    [ "$sum" = "$(head -c $((mib << 20)) "$BATS_TEST_TMPDIR/in" | sha256sum)" ]
    [ "$(grep -c '^echo: ' "$BATS_TEST_TMPDIR/out")" -eq $((mib * 256 + 1)) ]
    run grep -c differs "$BATS_TEST_TMPDIR/out"
    assert_output 0
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
}

@test "06-send-recv: an 8 MiB line comes back intact, in 4 KiB pieces" {
    echo_big 8
}

@test "06-send-recv: a 32 MiB line comes back intact, in 4 KiB pieces" {
    echo_big 32
}

@test "06-send-recv: a client that sends 64 MiB before it reads stalls with the server (lesson 13's chapter)" {
    start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server --count 1 \
        --timeout 30
    run timeout "$WAIT_SHORT" "$PYTHON" "$ROOT/docs/python/13_stall.py" --port "$PORT" \
        --wait 2
    assert_success
    # both waited in send(): some was sent, far from all, and none read
    assert_output --regexp '^send\(\) waited 2 s: [0-9]+ of 67108864 bytes sent, none read back$'
    local sent
    sent=$(awk '{print $5}' <<<"$output")
    ((sent > 0 && sent < 67108864))
    wait_exit "$BG_PID" 30
    [ "$EXIT_STATUS" -eq 0 ]
    # the client's close() reset the connection: the server's call failed
    grep -Eq '^(send|recv): (Connection reset by peer|Broken pipe)$' "$BATS_TEST_TMPDIR/server"
}

# The sanitizer build relaxes this bound: .ci/run runs it against build/.
# bats test_tags=memory-bound
@test "06-send-recv: an endless line streams through in 4 KiB pieces, and the client's memory stays small" {
    start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server --count 1 \
        --timeout 10
    # 8 MiB of a line of x with no newline, then end of input. (An amount,
    # not a time: 0.5 s of it was under 4 MiB on a loaded machine.)
    run "$PYTHON" "$PEERS/stdin-flood.py" "$BIN/06-send-recv-client" "$PORT"
    assert_success
    assert_line "exit 0"
    local mib kb limit=20000
    mib=$(awk '$1 == "sent" {print $2}' <<<"$output")
    kb=$(awk '$1 == "peak" {print $2}' <<<"$output")
    echo "sent $mib MiB, peak resident $kb kB"
    [ "$mib" -eq 8 ] # 2048 times what the client's buffer holds
    # AddressSanitizer's shadow memory adds its own megabytes
    [[ "$BIN" == */sanitize ]] && limit=40000
    [ "$kb" -lt "$limit" ]
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
}

# The sanitizer build relaxes this bound: .ci/run runs it against build/.
# bats test_tags=memory-bound
@test "06-send-recv: </dev/zero is bytes like any other: 100 000 NUL bytes come back in 4 KiB pieces, in bounded memory" {
    start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server --count 1
    # 64 MiB of address space at most (ASan reserves terabytes: not there)
    local limit=65536
    [[ "$BIN" == */sanitize ]] && limit=unlimited
    # shellcheck disable=SC2016 # the inner bash expands them
    run_lesson bash -c 'ulimit -v "$1" && head -c 100000 /dev/zero |
        timeout "$WAIT_LOOPBACK" "$2" --port "$3"' _ "$limit" \
        "$BIN/06-send-recv-client" "$PORT"
    assert_success
    # 24 pieces of 4096 bytes, then 1696: each echoed whole. The lines
    # are matched as fixed strings: a regular expression repeating a
    # group 4096 times costs grep seconds of CPU.
    local nuls
    printf -v nuls '%4096s' ''
    nuls=${nuls// /\\x00}
    [ "$(grep -cxF "echo: $nuls" <<<"$output")" -eq 24 ]
    [ "$(grep -cxF "echo: ${nuls:0:1696*4}" <<<"$output")" -eq 1 ]
    wait_exit "$BG_PID"
}

@test "06-send-recv: a NUL byte in a last line without a newline is sent and echoed, not cut off" {
    start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server --count 1
    # shellcheck disable=SC2016 # the inner bash expands them
    run_lesson bash -c 'printf "ab\\0cd" | timeout "$WAIT_LOOPBACK" "$1" --port "$2"' \
        _ "$BIN/06-send-recv-client" "$PORT"
    assert_success
    assert_line 'echo: ab\x00cd'
    wait_exit "$BG_PID"
}

@test "06-send-recv: the client prints what comes back escaped, and stops when the echo differs" {
    start_bg "$BATS_TEST_TMPDIR/evil" "$PYTHON" "$PEERS/echo-server.py" evil
    wait_ready "$BATS_TEST_TMPDIR/evil"
    printf 'hello\n' >"$BATS_TEST_TMPDIR/in"
    status=0
    bare timeout "$WAIT_RUN" "$BIN/06-send-recv-client" --port "$PORT" --timeout 5 \
        <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out" 2>&1 || status=$?
    [ "$status" -eq 1 ]
    run cat "$BATS_TEST_TMPDIR/out"
    # 16 bytes came back for 6 sent: the client reads 6, and stops
    assert_line 'echo: \x1b]0;PW'
    assert_line "the echo differs: 6 of 6 bytes came back"
    # and not one of those bytes reached the terminal raw
    run "$PYTHON" -c '
import sys
out = open(sys.argv[1], "rb").read()
print([hex(b) for b in b"\x1b\x07\r\x9b" if b in out])' "$BATS_TEST_TMPDIR/out"
    assert_output "[]"
}

@test "06-send-recv: a server that changes the bytes: the client says the echo differs, exit 1" {
    start_bg "$BATS_TEST_TMPDIR/upper" "$PYTHON" "$PEERS/echo-server.py" upper
    wait_ready "$BATS_TEST_TMPDIR/upper"
    printf 'same 123\nloud\n' >"$BATS_TEST_TMPDIR/in"
    client "$BATS_TEST_TMPDIR/in" --port "$PORT" --timeout 5
    assert_failure 1
    assert_line 'echo: SAME 123\n'
    assert_line "the echo differs: 9 of 9 bytes came back"
    # it stops there: the next line is not sent
    refute_output --partial "LOUD"
}

@test "06-send-recv: the client with a Python echo server that is not ours" {
    start_bg "$BATS_TEST_TMPDIR/echo" "$PYTHON" "$PEERS/echo-server.py" echo
    wait_ready "$BATS_TEST_TMPDIR/echo"
    printf 'one\ntwo words\n' >"$BATS_TEST_TMPDIR/in"
    client "$BATS_TEST_TMPDIR/in" --port "$PORT" --timeout 5
    assert_success
    run echoed
    assert_output $'one\ntwo words'
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
}

@test "06-send-recv: a Python client gets 100 kB back byte for byte" {
    seq 1 20000 >"$BATS_TEST_TMPDIR/in"
    start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server --count 1
    timeout "$WAIT_RUN" "$PYTHON" "$PEERS/echo-file-client.py" "$PORT" \
        "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
    cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line --regexp "^client 127\.0\.0\.1:[0-9]+: $(wc -c <"$BATS_TEST_TMPDIR/in") bytes echoed$"
    plain && return 0
    # every byte received was sent back: the two sums agree
    local got sent
    got=$(grep -oE '^recv\(4, .*, 4096, 0\) = [0-9]+$' <<<"$output" |
        awk '{s += $NF} END {print s}')
    sent=$(grep -oE '^send\(4, .*, MSG_NOSIGNAL\) = [0-9]+$' <<<"$output" |
        awk '{s += $NF} END {print s}')
    [ "$got" -eq "$(wc -c <"$BATS_TEST_TMPDIR/in")" ]
    [ "$sent" -eq "$got" ]
}

@test "06-send-recv: binary data (every byte value, NULs too) comes back intact" {
    "$PYTHON" -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 64)' \
        >"$BATS_TEST_TMPDIR/in"
    start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server --count 1
    timeout "$WAIT_RUN" "$PYTHON" "$PEERS/echo-file-client.py" "$PORT" "$BATS_TEST_TMPDIR/in" \
        >"$BATS_TEST_TMPDIR/out"
    cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    plain && return 0
    run cat "$BATS_TEST_TMPDIR/server"
    # the preview escapes what is not printable
    assert_line --regexp '^recv\(4, "\\x00\\x01\\x02.*"\.\.\., 4096, 0\) = [0-9]+$'
}

@test "06-send-recv: nc -N as the client" {
    printf 'hello nc\nsecond line\n' >"$BATS_TEST_TMPDIR/in"
    start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server --count 1
    run timeout "$WAIT_LOOPBACK" nc -N 127.0.0.1 "$PORT" <"$BATS_TEST_TMPDIR/in"
    assert_success
    [ "$output" = "$(cat "$BATS_TEST_TMPDIR/in")" ]
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
}

@test "06-send-recv: --count 3 serves three clients one after another, then exits 0" {
    start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server --count 3
    local i
    for i in 1 2 3; do
        echo "client $i" >"$BATS_TEST_TMPDIR/in"
        client "$BATS_TEST_TMPDIR/in" --port "$PORT"
        assert_success
        assert_line "echo: client $i\n"
    done
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    [ "$(grep -c '^client 127\.0\.0\.1:[0-9]*: 9 bytes echoed$' <<<"$output")" -eq 3 ]
    plain && return 0
    assert_line "== waiting for client 3 =="
    refute_line "== waiting for client 4 =="
    assert_line "== done: served 3 clients =="
}

@test "06-send-recv: one client at a time: the second waits in the queue until the first has gone" {
    start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server --count 2
    run timeout "$WAIT_RUN" "$PYTHON" "$PEERS/queued-second.py" "$PORT"
    assert_success
    assert_output $'b waits while a is served\na got b\'first\\n\'\nb got b\'second\\n\''
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
}

@test "06-send-recv: a lecture hall connecting at once is served, one after another" {
    # The narrated server reads /proc/net/tcp for each call's kernel view,
    # and on a busy machine that takes tens of milliseconds a read: it
    # serves 60 here; the plain build serves the whole hall of 500.
    local n=60
    plain && n=500
    start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server --count "$n" \
        --timeout 20
    run timeout "$((25 * SCALE))" "$PYTHON" "$PEERS/hall-echo.py" "$PORT" "$n"
    assert_output "$n of $n echoed"
    wait_exit "$BG_PID" 20
    [ "$EXIT_STATUS" -eq 0 ]
}

@test "06-send-recv: a silent client is timed out and the next one is served" {
    # One peer, started before the server, connects twice at once: the
    # silent client, then the next one, which waits in the backlog while
    # the first is timed out. So the server's one second starts after both
    # are connected, however busy the machine.
    before_server "$BATS_TEST_TMPDIR/server" "$BATS_TEST_TMPDIR/peer" \
        "$PEERS/silent-then-next.py" '{port}'
    local peer="$PEER_PID"
    start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server --count 2 \
        --timeout 1
    local server="$BG_PID"
    wait_exit "$peer" 30
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/peer"
    assert_line "next got b'after the silent one\\n'"
    # the server closed the silent one without a word
    assert_line "silent got b''"
    wait_exit "$server"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line --regexp '^client 127\.0\.0\.1:[0-9]+ sent nothing for 1 s \(--timeout\): the server closes it$'
    assert_line --regexp '^client 127\.0\.0\.1:[0-9]+: 21 bytes echoed$'
    plain && return 0
    assert_line --regexp '^recv\(4, buf, 4096, 0\) = -1 EAGAIN \(.*\)$'
    assert_line "== done: served 2 clients =="
}

@test "06-send-recv: a client that closes without reading does not kill the server" {
    start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server --count 2
    run timeout "$WAIT_LOOPBACK" "$PYTHON" -c "$PY_CLOSER" "$PORT" "$HOSTILE"
    assert_success
    echo "still here" >"$BATS_TEST_TMPDIR/in"
    client "$BATS_TEST_TMPDIR/in" --port "$PORT"
    assert_success
    assert_line 'echo: still here\n'
    wait_exit "$BG_PID"
    # killed by SIGPIPE would be 141: MSG_NOSIGNAL made it an error
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line --regexp '^(send|recv): (Broken pipe|Connection reset by peer)$'
    plain && return 0
    # a failed call, its line wrapped or not
    local flat re='(send\(4, "[^)]*, MSG_NOSIGNAL\)|recv\(4, buf, 4096, 0\)) = -1 (EPIPE|ECONNRESET) '
    flat=$(tr -s ' \n' '  ' <<<"$output")
    [[ "$flat" =~ $re ]]
    assert_line "== done: served 2 clients =="
    # sends succeeded at first: only a call after the client's RST fails
    assert_line --regexp '^send\(4, "never read\\n.*, MSG_NOSIGNAL\) = 4096$'
    refute_output --partial "would fail with EPIPE"
    # The failed call's note (the header's, for its errno) says why.
    if [[ "$flat" == *"MSG_NOSIGNAL) = -1 EPIPE "* ]]; then
        assert_said "the other end is gone (the peer closed its socket; over TCP its kernel answered an earlier send with a reset)"
    else
        assert_said "the peer's end was torn down while the connection was open"
    fi
}

@test "06-send-recv: a client that sends a lot and never reads is dropped after --timeout, and the server goes on to its end" {
    export SOCKSTEP_NOWRAP=1 # a call on one line
    noread_before "$BATS_TEST_TMPDIR/server" "$BATS_TEST_TMPDIR/peer"
    start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server --count 1 --timeout 2
    local server=$BG_PID
    noread_dropped
    wait_exit "$server" 20
    [ "$EXIT_STATUS" -eq 0 ]
    # (grep, not bats' run: the server narrated a thousand lines and more,
    # and assert_line reads them in the shell, a command at a time)
    local out="$BATS_TEST_TMPDIR/server"
    grep -qE '^client 127\.0\.0\.1:[0-9]+ left its echo unread for 2 s \(--timeout\): the server closes it$' "$out"
    grep -qE '^client 127\.0\.0\.1:[0-9]+: [0-9]+ bytes echoed$' "$out"
    plain && return 0
    grep -qxF "== done: served 1 client ==" "$out"
    no_send_after_short "$out"
}

@test "06-send-recv: no client within --timeout: the server says so and exits 1" {
    run_lesson timeout "$WAIT_LOOPBACK" "$BIN/06-send-recv-server" --port 0 --timeout 1
    assert_failure 1
    assert_line "no client connected within --timeout 1 s"
    plain && return 0
    assert_line "accept(3, &addr, &len) = -1 EAGAIN (Resource temporarily unavailable)"
    assert_line "close(3) = 0"
}

@test "06-send-recv: served a client, then none within --timeout: exits 0" {
    before_server "$BATS_TEST_TMPDIR/server" "$BATS_TEST_TMPDIR/nc" \
        timeout "$WAIT_RUN" nc -N 127.0.0.1 '{port}'
    local nc="$PEER_PID"
    start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server --timeout 1
    wait_exit "$nc" 30
    [ "$EXIT_STATUS" -eq 0 ]
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "no more clients within --timeout 1 s"
}

@test "06-send-recv: a person who thinks longer than --timeout: the client waits, then echoes the line" {
    start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server --count 1 \
        --timeout 30
    # The pause starts once the client asks for a line: three of its
    # --timeout seconds pass while it waits for the keyboard.
    run_lesson timeout "$WAIT_LONG" "$PYTHON" "$TTY" "?>>> type lines|!3|late|~" \
        "$BIN/06-send-recv-client" --port "$PORT" --timeout 1
    assert_line ">>> type lines; Ctrl-D ends"
    assert_line 'echo: late\n'
    assert_line "exit 0"
    refute_output --partial "typist.py: gave up"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    plain && return 0
    assert_line 'recv(3, "late\n", 5, 0) = 5'
}

@test "06-send-recv: a person who does not type: the server gives up after its --timeout; the client finds out at its next line" {
    # The terminal (Python) starts first and starts the client as soon as
    # the server is ready: the server's one second is not spent on it.
    local server_out="$BATS_TEST_TMPDIR/server"
    before_server "$server_out" "$BATS_TEST_TMPDIR/tty" "$TTY" \
        "@$server_out@sent nothing for 1 s|hello|~" \
        "$BIN/06-send-recv-client" --port '{port}' --timeout 10
    local tty="$PEER_PID"
    start_server "$server_out" 06-send-recv-server --count 1 --timeout 1
    wait_exit "$tty" 60
    run cat "$BATS_TEST_TMPDIR/tty"
    refute_output --partial "typist.py: gave up"
    assert_line "the server closed its side: 0 of 6 bytes came back"
    assert_line "exit 1"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$server_out"
    assert_line --regexp '^client 127\.0\.0\.1:[0-9]+ sent nothing for 1 s \(--timeout\): the server closes it$'
    plain && return 0
    run cat "$BATS_TEST_TMPDIR/tty"
    assert_line 'recv(3, "", 6, 0) = 0'
}

@test "06-send-recv: typing on a terminal: lines echo, and Ctrl-D ends" {
    start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server --count 1
    run_lesson timeout "$((25 * SCALE))" "$PYTHON" "$TTY" "hello|wörld|~" \
        "$BIN/06-send-recv-client" --port "$PORT"
    assert_line 'echo: hello\n'
    assert_line 'echo: wörld\n'
    assert_line "exit 0"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
}

@test "06-send-recv: the client with no server: ECONNREFUSED, exit 1" {
    local port
    port=$(free_port)
    echo hi >"$BATS_TEST_TMPDIR/in"
    client "$BATS_TEST_TMPDIR/in" --port "$port"
    assert_failure 1
    assert_line "connect: Connection refused"
    refute_line --regexp '^echo: '
    plain && return 0
    assert_line "connect(3, 127.0.0.1:$port, 16) = -1 ECONNREFUSED (Connection refused)"
    refute_line --regexp '^send\('
}

@test "06-send-recv: the client and a server that never echoes: timeout, exit 1" {
    start_bg "$BATS_TEST_TMPDIR/mute" "$PYTHON" "$PEER" silent-server 10
    wait_ready "$BATS_TEST_TMPDIR/mute"
    echo "anyone there?" >"$BATS_TEST_TMPDIR/in"
    client "$BATS_TEST_TMPDIR/in" --port "$PORT" --timeout 1
    assert_failure 1
    assert_line "recv: no answer within --timeout"
    refute_line --regexp '^echo: '
    plain && return 0
    assert_line 'send(3, "anyone there?\n", 14, MSG_NOSIGNAL) = 14'
    assert_line --regexp '^recv\(3, buf, 14, 0\) = -1 EAGAIN'
    assert_said "likely cause: nothing arrived within --timeout 1 s"
}

@test "06-send-recv: the server's narrated calls match strace, a timed-out client and a reset one included" {
    plain && skip "the plain build narrates nothing"
    need_strace
    # LeakSanitizer cannot run under ptrace (the sanitizer build)
    # shellcheck disable=SC2030,SC2031 # for this test only, as meant
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
    # Three clients, one after another, from one peer started before the
    # server: each next one connects at once, within the server's second.
    before_server "$BATS_TEST_TMPDIR/server" "$BATS_TEST_TMPDIR/peer" \
        "$PEERS/halfclose-bulk-silent.py" '{port}'
    local peer="$PEER_PID"
    start_bg "$BATS_TEST_TMPDIR/server" "${TRACE[@]}" "$BATS_TEST_TMPDIR/trace" \
        "$BIN/06-send-recv-server" --port 0 --count 3 --timeout 1
    local server="$BG_PID"
    wait_ready "$BATS_TEST_TMPDIR/server"
    wait_exit "$peer" 30
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/peer"
    assert_output "hello strace"
    wait_exit "$server" 20
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line --regexp '^recv\(4, buf, 4096, 0\) = -1 EAGAIN'
    strace_matches "$BATS_TEST_TMPDIR/server" "$BATS_TEST_TMPDIR/trace"
}

@test "06-send-recv: the client's narrated calls match strace, a refused connect included" {
    plain && skip "the plain build narrates nothing"
    need_strace
    # LeakSanitizer cannot run under ptrace (the sanitizer build)
    # shellcheck disable=SC2030,SC2031 # for this test only, as meant
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
    start_server "$BATS_TEST_TMPDIR/server" 06-send-recv-server --count 1
    printf 'one\ntwo\n' >"$BATS_TEST_TMPDIR/in"
    run_lesson "${TRACE[@]}" "$BATS_TEST_TMPDIR/trace" \
        "$BIN/06-send-recv-client" --port "$PORT" <"$BATS_TEST_TMPDIR/in"
    assert_success
    echo "$output" >"$BATS_TEST_TMPDIR/out"
    strace_matches "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/trace"
    wait_exit "$BG_PID"
    # the server has gone: connect() is refused
    run_lesson "${TRACE[@]}" "$BATS_TEST_TMPDIR/trace2" \
        "$BIN/06-send-recv-client" --port "$PORT" <"$BATS_TEST_TMPDIR/in"
    assert_failure 1
    echo "$output" >"$BATS_TEST_TMPDIR/out2"
    strace_matches "$BATS_TEST_TMPDIR/out2" "$BATS_TEST_TMPDIR/trace2"
}

@test "06-send-recv: bad options exit 2 with one line naming the option" {
    run "$BIN/06-send-recv-server" --count -1
    assert_failure 2
    assert_output --partial "--count"
    run "$BIN/06-send-recv-server" --count x
    assert_failure 2
    assert_output --partial "--count"
    run "$BIN/06-send-recv-server" --timeout 0
    assert_failure 2
    assert_output --partial "--timeout"
    run "$BIN/06-send-recv-client" --port 70000
    assert_failure 2
    assert_output --partial "--port"
    run "$BIN/06-send-recv-client" --bogus
    assert_failure 2
    assert_output "06-send-recv-client: --bogus: unknown option (see --help)"
    run "$BIN/06-send-recv-client" --count 3
    assert_failure 2
    assert_output "06-send-recv-client: --count: unknown option (see --help)"
}

@test "06-send-recv: --help says one client at a time, what --timeout bounds, and the line limit" {
    run_lesson "$BIN/06-send-recv-server" --help
    assert_success
    # (--help wraps each option's text at 78 columns)
    local flat
    flat=$(tr -s ' \n' ' ' <<<"$output")
    [[ "$flat" == *"one client at a time"* ]]
    # the example shows a second client waiting, in a shell comment
    assert_line "  and in a third: build/06-send-recv-client  # waits its turn"
    assert_said "each recv() for a client's next bytes (a person typing) and each echo of them for room: each wait, not a client's whole session"
    assert_output --partial "--count N"
    refute_output --partial "--message"
    run_lesson "$BIN/06-send-recv-client" --help
    assert_success
    assert_said "seconds for each network wait; your typing is not timed (default 30)"
    refute_output --partial "--count"
}
