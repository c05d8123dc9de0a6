#!/usr/bin/env bats
# Lesson 15: message framing (a 4-byte big-endian length, then the bytes)

# PORT, BG_PID and EXIT_STATUS are set by test_helper.
# shellcheck disable=SC2153
load test_helper

# client TEXT ARGS...: run the client (through bare) with TEXT as its
# input (backslash escapes such as \n interpreted).
client() {
    local text="$1"
    shift
    run bare "$BIN/15-framing-client" "$@" < <(printf '%b' "$text")
}

# peer PORT MODE: a Python client speaking the framing protocol badly or
# oddly on purpose (tests/peers/framing-peer.py); prints what it got back.
peer() {
    "$PYTHON" "$PEERS/framing-peer.py" "$@"
}

@test "15-framing: the client's lines come back whole, the empty one too" {
    start_server "$BATS_TEST_TMPDIR/server" 15-framing-server --count 1
    client "hello\n\nsocket world\n" --port "$PORT"
    assert_success
    assert_line "echo, 5 bytes: hello"
    assert_line "echo, 0 bytes: "
    assert_line "echo, 12 bytes: socket world"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "message 1, 5 bytes: hello"
    assert_line "message 2, 0 bytes: "
    assert_line "message 3, 12 bytes: socket world"
    assert_line "the client closed the connection after 3 messages"
    plain && return 0
    assert_line 'recv(4, "\x00\x00\x00\x05", 4, 0) = 4'
    assert_line 'recv(4, "hello", 5, 0) = 5'
    assert_line 'send(4, "\x00\x00\x00\x05hello", 9, MSG_NOSIGNAL) = 9'
}

@test "15-framing: the server's narrated calls match strace (a --bytewise client, then one that stops mid-message)" {
    plain && skip "the plain build narrates nothing"
    need_strace
    untraceable_leaks
    start_bg "$BATS_TEST_TMPDIR/server" "${TRACE[@]}" "$BATS_TEST_TMPDIR/trace" \
        "$BIN/15-framing-server" --port 0 --count 2 --timeout 10
    wait_ready "$BATS_TEST_TMPDIR/server"
    client "ab\n" --port "$PORT" --bytewise
    assert_success
    peer "$PORT" midbody
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    strace_matches "$BATS_TEST_TMPDIR/server" "$BATS_TEST_TMPDIR/trace"
}

@test "15-framing: the client's narrated calls match strace, --bytewise and --together" {
    plain && skip "the plain build narrates nothing"
    need_strace
    untraceable_leaks
    start_server "$BATS_TEST_TMPDIR/server" 15-framing-server --count 2
    bare "${TRACE[@]}" "$BATS_TEST_TMPDIR/trace" "$BIN/15-framing-client" \
        --port "$PORT" --bytewise <<<"hi" >"$BATS_TEST_TMPDIR/client"
    strace_matches "$BATS_TEST_TMPDIR/client" "$BATS_TEST_TMPDIR/trace"
    printf 'a\nb\n' | bare "${TRACE[@]}" "$BATS_TEST_TMPDIR/trace2" \
        "$BIN/15-framing-client" --port "$PORT" --together \
        >"$BATS_TEST_TMPDIR/client2"
    strace_matches "$BATS_TEST_TMPDIR/client2" "$BATS_TEST_TMPDIR/trace2"
}

@test "15-framing: --bytewise sends one byte per send(), and the server's recv() loop puts them together" {
    start_server "$BATS_TEST_TMPDIR/server" 15-framing-server --count 1
    client "hey\n" --port "$PORT" --bytewise
    assert_success
    assert_line "echo, 3 bytes: hey"
    if ! plain; then # 7 one-byte send()s: a 4-byte length and 3 bytes
        assert_line "setsockopt(3, IPPROTO_TCP, TCP_NODELAY, [1], 4) = 0"
        [ "$(grep -cE '^send\(3, ".+", 1, MSG_NOSIGNAL\) = 1$' <<<"$output")" -eq 7 ]
    fi
    wait_exit "$BG_PID"
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "message 1, 3 bytes: hey"
    plain && return 0
    # 20 ms apart, the bytes come in pieces: the first recv() of the
    # length gets less than its 4 bytes (one byte on a quiet machine; two
    # or three when the server waited longer than 20 ms for the CPU).
    assert_line --regexp '^recv\(4, "(\\x00){1,3}", 4, 0\) = [123]$'
}

@test "15-framing: --together sends every message in one send(), and each echo still comes back whole" {
    start_server "$BATS_TEST_TMPDIR/server" 15-framing-server --count 1
    client "one\ntwo\nthree\n" --port "$PORT" --together
    assert_success
    assert_line "echo, 3 bytes: one"
    if ! plain; then # one send() of three frames, 23 bytes
        assert_line 'send(3, "\x00\x00\x00\x03one\x00\x00\x00"..., 23, MSG_NOSIGNAL) = 23'
        [ "$(grep -c '^send(' <<<"$output")" -eq 1 ]
    fi
    assert_line "echo, 3 bytes: two"
    assert_line "echo, 5 bytes: three"
    wait_exit "$BG_PID"
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "message 3, 5 bytes: three"
}

@test "15-framing: a Python peer that cuts a message at every byte boundary gets every echo whole" {
    start_server "$BATS_TEST_TMPDIR/server" 15-framing-server --count 1
    run peer "$PORT" cuts
    assert_success
    assert_output "8 cuts echoed"
    wait_exit "$BG_PID"
    run cat "$BATS_TEST_TMPDIR/server"
    [ "$(grep -c '^message [1-8], 5 bytes: hello$' <<<"$output")" -eq 8 ]
    assert_line "the client closed the connection after 8 messages"
}

@test "15-framing: ten messages in one send() from Python are ten messages" {
    start_server "$BATS_TEST_TMPDIR/server" 15-framing-server --count 1
    run peer "$PORT" ten
    assert_success
    assert_output "same"
    wait_exit "$BG_PID"
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "message 1, 2 bytes: m0"
    assert_line "message 10, 20 bytes: m9m9m9m9m9m9m9m9m9m9"
    assert_line "the client closed the connection after 10 messages"
}

@test "15-framing: a length of 0xFFFFFFFF is refused unread, and the server serves the next client" {
    start_server "$BATS_TEST_TMPDIR/server" 15-framing-server --count 2
    run peer "$PORT" huge
    assert_success
    # the server closed with 100 bytes unread: a RST, or an orderly end
    assert_output --regexp "^got (b''|reset)$"
    client "still here\n" --port "$PORT"
    assert_success
    assert_line "echo, 10 bytes: still here"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "message 1 would be 4294967295 bytes, over --max 65536: refused unread, and the connection closed"
    assert_line --regexp '^client 127\.0\.0\.1:[0-9]+: 0 messages$'
    plain && return 0
    assert_said "nothing was allocated for it"
    # only the 4 length bytes were read, never the 100 after them
    refute_line --regexp '^recv\(4, "x'
}

@test "15-framing: --max 8 takes 8 bytes and refuses 9" {
    start_server "$BATS_TEST_TMPDIR/server" 15-framing-server --count 1 --max 8
    run peer "$PORT" over
    assert_success
    assert_line "echo b'\\x00\\x00\\x00\\x0812345678'"
    wait_exit "$BG_PID"
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "message 1, 8 bytes: 12345678"
    assert_line "message 2 would be 9 bytes, over --max 8: refused unread, and the connection closed"
}

@test "15-framing: a peer that closes mid-message is reported as such, not as a short message" {
    start_server "$BATS_TEST_TMPDIR/server" 15-framing-server --count 2
    peer "$PORT" midlength
    peer "$PORT" midbody
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "the client closed in the middle of message 2, after 2 of its 4 length bytes"
    assert_line "the client closed in the middle of message 2, after 3 of its 10 message bytes"
    refute_line --regexp '^message 2,'
    [ "$(grep -c '^message 1, 2 bytes: ok$' <<<"$output")" -eq 2 ]
}

@test "15-framing: a peer that stops sending mid-message is closed after --timeout" {
    # The peer starts before the server (tests/after-ready): the server's
    # one second is not spent on starting Python.
    before_server "$BATS_TEST_TMPDIR/server" "$BATS_TEST_TMPDIR/peer" \
        "$PEERS/framing-peer.py" '{port}' stall
    local peer=$PEER_PID
    start_server "$BATS_TEST_TMPDIR/server" 15-framing-server --count 1 --timeout 2
    wait_exit "$peer" 30
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "the client sent nothing for --timeout 2 s, 3 of 5 bytes into message 1: the server closes it"
    plain && return 0
    assert_line --regexp '^recv\(4, buf, 2, 0\) = -1 EAGAIN \(.*\)$'
}

@test "15-framing: a peer that sends messages and never reads the echoes is dropped after --timeout" {
    noread_before "$BATS_TEST_TMPDIR/server" "$BATS_TEST_TMPDIR/peer" --framed
    start_server "$BATS_TEST_TMPDIR/server" 15-framing-server --count 1 --timeout 2
    local server=$BG_PID
    noread_dropped
    wait_exit "$server" 20
    [ "$EXIT_STATUS" -eq 0 ]
    # (grep, not bats' run: the server narrated thousands of lines, and
    # assert_line reads them in the shell, a command at a time)
    grep -qxF "send: Resource temporarily unavailable" "$BATS_TEST_TMPDIR/server"
    grep -qE '^client .*: [0-9]+ messages$' "$BATS_TEST_TMPDIR/server"
}

@test "15-framing: what a peer sent is printed escaped" {
    start_server "$BATS_TEST_TMPDIR/server" 15-framing-server --count 1
    run peer "$PORT" escape
    assert_success
    wait_exit "$BG_PID"
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line 'message 1, 13 bytes: a\x1b]0;pwned\x07b\xff'
    refute_output --partial $'\e'
}

@test "15-framing: the client refuses an echo longer than any line it sent" {
    start_bg "$BATS_TEST_TMPDIR/liar" "$PYTHON" "$PEERS/liar-length.py"
    wait_ready "$BATS_TEST_TMPDIR/liar"
    client "hi\n" --port "$PORT"
    assert_failure 1
    assert_line "the server's echo would be 1048576 bytes: more than any line sent"
}

@test "15-framing: a line of 4096 bytes goes as one message; a longer one is refused, not cut" {
    start_server "$BATS_TEST_TMPDIR/server" 15-framing-server --count 1
    local a4096
    a4096=$(printf '%4096s' '' | tr ' ' a)
    client "ok\n${a4096}\n${a4096}b\nnever\n" --port "$PORT"
    assert_failure 1
    assert_line "echo, 2 bytes: ok"
    assert_line "echo, 4096 bytes: $a4096"
    assert_line "line 3 is longer than 4096 bytes: not sent"
    refute_output --partial "never"
    wait_exit "$BG_PID"
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "message 2, 4096 bytes: $a4096"
    assert_line "the client closed the connection after 2 messages"
}

@test "15-framing: at a terminal, lines typed at a --step prompt are sent, none lost" {
    start_server "$BATS_TEST_TMPDIR/server" 15-framing-server --count 1 \
        --timeout 30
    run timeout "$WAIT_SHORT" "$PYTHON" "$PEERS/tty-step-sender.py" \
        "$BIN/15-framing-client" "$PORT" "echo, 6 bytes: second"
    assert_success
    assert_line "exit 0"
    assert_line --partial "echo, 5 bytes: first"
    assert_line --partial "echo, 6 bytes: second"
    plain || assert_line "kept"
    wait_exit "$BG_PID"
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "message 1, 5 bytes: first"
    assert_line "message 2, 6 bytes: second"
}

@test "15-framing: no client within --timeout: says so and exits 1" {
    run_lesson timeout "$WAIT_LOOPBACK" "$BIN/15-framing-server" --port 0 --timeout 1
    assert_failure 1
    assert_line "no client connected within --timeout 1 s"
}

@test "15-framing: the Python version speaks the same protocol, as client and as server" {
    local py="$ROOT/docs/python/15_framing.py"
    start_server "$BATS_TEST_TMPDIR/server" 15-framing-server --count 1
    run timeout "$WAIT_LOOPBACK" "$PYTHON" "$py" --port "$PORT" <<<$'one\n\nthree'
    assert_success
    assert_output $'echo, 3 bytes: one\necho, 0 bytes: \necho, 5 bytes: three'
    wait_exit "$BG_PID"
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "message 3, 5 bytes: three"

    start_bg "$BATS_TEST_TMPDIR/py" timeout "$WAIT_LOOPBACK" "$PYTHON" "$py" --serve --port 0
    wait_ready "$BATS_TEST_TMPDIR/py"
    client "x\nyz\n" --port "$PORT" --bytewise
    assert_success
    assert_line "echo, 1 byte: x"
    assert_line "echo, 2 bytes: yz"
    wait_exit "$BG_PID"
    run cat "$BATS_TEST_TMPDIR/py"
    assert_line "message, 2 bytes: yz"
}

@test "15-framing: --help lists --max, --bytewise and --together" {
    run_lesson "$BIN/15-framing-server" --help
    assert_success
    assert_output --partial "--max N"
    assert_output --partial "--count N"
    run_lesson "$BIN/15-framing-client" --help
    assert_success
    assert_output --partial "--bytewise"
    assert_output --partial "--together"
    refute_output --partial "--count"
    # a client's network waits end after 30 s, as every client's do (the
    # server waits 300 s for a person to connect)
    assert_output --regexp "--timeout S .*your typing"$'\n'" +is not timed \(default 30\)"
}

@test "15-framing: send_all() and recv_exactly() are one text in every Part II lesson that has them" {
    # Part II writes each once and retypes it whole where a lesson needs
    # it (a lesson compiles alone): the copies must not drift.
    local f fn want n=0 defined
    # every copy in any lesson, counted from the files, not by hand: one
    # outside Part II would not be compared below, and fails the count
    defined=$(cat "$ROOT"/lessons/*/*.c |
        grep -cE '^static int (send_all|recv_exactly)\(')
    ((defined >= 2))
    for fn in send_all recv_exactly; do
        want=""
        for f in "$ROOT"/lessons/1[0-9]-*/*.c "$ROOT"/lessons/20-*/*.c; do
            grep -q "^static int $fn(" "$f" || continue
            # The function and the comment above it: from the blank line
            # before it to its closing brace.
            run awk -v fn="$fn" '
                !on && /^$/ { buf = ""; next }
                { buf = buf $0 "\n" }
                index($0, "static int " fn "(") == 1 { on = 1 }
                on && /^}$/ { printf "%s", buf; exit }' "$f"
            [[ "$output" == *"static int $fn("* ]]
            if [[ -z "$want" ]]; then want=$output; else assert_output "$want"; fi
            n=$((n + 1))
        done
    done
    [ "$n" -eq "$defined" ]
}

# A peer that closes at once, and says so on its stdout: the client, told
# to send only then, is in CLOSE_WAIT when its first byte draws the reset,
# so on Linux its next send() fails with EPIPE (and SIGPIPE, unless
# MSG_NOSIGNAL).
PY_SHUTTER='
import socket
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(1)
print("listening on 127.0.0.1:%d" % l.getsockname()[1], flush=True)
c, _ = l.accept()
c.close()
print("closed", flush=True)
'

# shut_client BIN: BIN --bytewise against PY_SHUTTER, its one line typed
# after the peer has closed; sets ST and leaves its output in OUT.
shut_client() {
    local peer="$BATS_TEST_TMPDIR/peer"
    OUT="$BATS_TEST_TMPDIR/out"
    start_bg "$peer" "$PYTHON" -c "$PY_SHUTTER"
    wait_ready "$peer"
    ST=0
    {
        wait_for "$peer" '^closed$'
        echo "a line long enough to send a few bytes"
    } | bare timeout "$WAIT_RUN" "$1" --host 127.0.0.1 --port "$PORT" --bytewise \
        >"$OUT" 2>&1 || ST=$?
}

@test "15-framing: without MSG_NOSIGNAL a send to a peer that reset kills the client (SIGPIPE); the lesson says EPIPE" {
    local copy="$BATS_TEST_TMPDIR/nosignal" flags=()
    plain && flags=(-DSOCKSTEP_PLAIN)
    sed -e 's/MSG_NOSIGNAL/0/' \
        -e "s|\"\\.\\./common/|\"$ROOT/lessons/common/|" \
        "$ROOT/lessons/15-framing/client.c" >"$copy.c"
    run grep -c MSG_NOSIGNAL "$copy.c"
    assert_output 0
    cc -std=c11 -O0 "${flags[@]}" "$copy.c" -o "$copy"
    shut_client "$copy"
    cat "$OUT"
    [ "$ST" -eq 141 ] # 128 + SIGPIPE: the header does not ignore it
    shut_client "$BIN/15-framing-client"
    run cat "$OUT"
    [ "$ST" -eq 1 ]
    assert_line "send: Broken pipe"
}
