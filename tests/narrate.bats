#!/usr/bin/env bats
# scripts/narrate: any program's socket calls narrated through the
# preload library (build/libsockstep.so, from lessons/common/preload.c),
# and a student's own C file narrated by one include. The programs
# narrated and their peers are not ours: Python's socket module, nc,
# socat, curl, python3 -m http.server; the Python programs in tests/peers
# only use the socket module as a student would.

bats_require_minimum_version 1.5.0

# The longest wait inside a test here is 60 s: bats' own per-test
# limit must be longer, or that wait could never say what it waited
# for (tests/timeouts checks it).
: "${BATS_TEST_TIMEOUT:=$((90 * ${SOCKSTEP_TEST_SCALE:-1}))}"
bats_require_minimum_version 1.5.0

load test_helper
load hostile/common

NARRATE="$ROOT/scripts/narrate"

setup() {
    [[ -f "$ROOT/build/libsockstep.so" ]] ||
        fail "build/libsockstep.so is not built (make)"
    NAR="$BATS_TEST_TMPDIR/narration"
    export SOCKSTEP_NOWRAP=1 # each call on one line, for the patterns
}

# calls FILE: the call lines of a narration (no explanations, no kernel
# lines), each whole (SOCKSTEP_NOWRAP), ports and inodes made X.
calls() {
    grep -E '^(\[[a-z]+ [0-9]+\] )?[a-z_0-9]+\(.*\) = ' "$1" |
        sed -E 's/:[0-9]+/:X/g'
}

# seed_server [spin]: the seeds' echo server under narrate, on a free
# port (PORT); its own output in $BATS_TEST_TMPDIR/out.
seed_server() {
    local want
    want=$(free_port)
    start_bg "$BATS_TEST_TMPDIR/out" "$NARRATE" --out "$NAR" -- \
        "$PYTHON" "$ROOT/docs/own/echo-server.py" "$want" "$@"
    wait_ready "$BATS_TEST_TMPDIR/out" 30
}

@test "narrate: the seeds' echo server: socket, bind with its port, listen, accept, what nc sent, recv() = 0" {
    seed_server
    run nc -N 127.0.0.1 "$PORT" <<<"hello from nc"
    assert_success
    assert_output "hello from nc"
    wait_exit "$BG_PID" 30
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$NAR"
    assert_line "socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 0) = 3"
    assert_line "bind(3, 127.0.0.1:$PORT, 16) = 0"
    assert_line --regexp '^listen\(3, [0-9]+\) = 0$'
    assert_line --regexp "^accept4\(3, 127\.0\.0\.1:[0-9]+, 16, SOCK_CLOEXEC\) = 4$"
    assert_line 'recv(4, "hello from nc\n", 1024, 0) = 14'
    assert_line 'recv(4, "", 1024, 0) = 0'
    assert_said "recv() returned 0: the end of the stream. The peer's FIN has come (the kernel lists the connection as CLOSE_WAIT): it closed its socket or shut down its sending side"
    assert_line "close(4) = 0"
    # the program's own output is its own: no narration in it
    run cat "$BATS_TEST_TMPDIR/out"
    assert_line --partial "Connected to ('127.0.0.1', "
    assert_line "Data received: hello from nc"
    refute_output --partial "socket("
}

@test "narrate: the seeds' spinning server: the repeat is named, and 10,000 more rounds of it stay under 20 KB" {
    # at the normal priority: it spins only until the count is reached
    seed_server spin
    local server=$BG_PID
    # The client sends a line and shuts down its sending side, and stays
    # (socat, not nc -N, which would wait for the server's close, and
    # this server never closes) until teardown: not a moment longer than
    # the count takes, since the server spins on a core as long as it
    # runs. A client gone before the server's echo came would answer it
    # with a reset, and the server's next recv() would fail.
    # shellcheck disable=SC2016 # $1 and $2 are the inner shell's
    start_bg "$BATS_TEST_TMPDIR/client" bash -c \
        'exec socat -t "$1" - "TCP:127.0.0.1:$2" <<<hi' _ "$WAIT_LONG" "$PORT"
    # The program counts its own rounds, so the wait is for a count, not
    # for a time: on a loaded machine it only comes later. Each round
    # told in full would be some 80 bytes: 10,000 of them, 800 KB.
    wait_for "$NAR" '10,000 more times so far' 60
    size=$(stat -c %s "$NAR")
    echo "narration: $size bytes" >&2
    ((size < 20000))
    run cat "$NAR"
    # shown three times, then counted
    [ "$(grep -c '^recv(4, "", 1024, 0) = 0$' "$NAR")" -eq 3 ]
    assert_said 'recv() returned 0 and send() returned 0 on fd 4, 10 more times so far: the peer closed long ago, and the loop never looks'
    # it is still spinning: the narration did not stop the program
    ss_running "$server"
}

@test "narrate: curl from python3 -m http.server: the page alone on stdout, its connect() and GET told" {
    command -v curl >/dev/null || skip "no curl"
    mkdir "$BATS_TEST_TMPDIR/site"
    printf 'a page, and only the page\n' >"$BATS_TEST_TMPDIR/site/page.txt"
    start_bg "$BATS_TEST_TMPDIR/http" "$PYTHON" -u -m http.server 0 \
        --bind 127.0.0.1 --directory "$BATS_TEST_TMPDIR/site"
    wait_for "$BATS_TEST_TMPDIR/http" '^Serving HTTP on 127\.0\.0\.1 port [0-9]+' 30
    local http_port
    http_port=$(sed -n 's/^Serving HTTP on 127\.0\.0\.1 port \([0-9]*\).*/\1/p' \
        "$BATS_TEST_TMPDIR/http")
    run "$NARRATE" --out "$NAR" -- curl -q -sS --max-time 30 \
        "http://127.0.0.1:$http_port/page.txt"
    assert_success
    assert_output "a page, and only the page"
    run cat "$NAR"
    assert_line --regexp "^connect\([0-9]+, 127\.0\.0\.1:$http_port, 16\) = "
    assert_line --regexp '^send\([0-9]+, "GET /page\.txt HTTP/1\.1\\r\\nHost: "\.\.\., [0-9]+, MSG_NOSIGNAL\) = [0-9]+$'
}

@test "narrate: nc's and socat's connect() are told, and the bytes they read() and write()" {
    command -v socat >/dev/null || skip "no socat"
    start_bg "$BATS_TEST_TMPDIR/sink" "$PYTHON" "$PEERS/echo-server.py" echo
    wait_ready "$BATS_TEST_TMPDIR/sink" 30
    run "$NARRATE" --out "$NAR" -- nc -N 127.0.0.1 "$PORT" <<<"via nc"
    assert_success
    assert_output "via nc"
    run cat "$NAR"
    assert_line --regexp "^connect\([0-9]+, 127\.0\.0\.1:$PORT, 16\) = (0|-1 EINPROGRESS)"
    # nc moves the bytes with write() and read(), not send() and recv()
    assert_line --regexp '^write\([0-9]+, "via nc\\n", 7\) = 7$'
    assert_line --regexp '^read\([0-9]+, "via nc\\n", [0-9]+\) = 7$'
    assert_said "read() returned 0: the end of the stream"
    wait_exit "$BG_PID" 30
    start_bg "$BATS_TEST_TMPDIR/sink" "$PYTHON" "$PEERS/echo-server.py" echo
    wait_ready "$BATS_TEST_TMPDIR/sink" 30
    run "$NARRATE" --out "$NAR.socat" -- socat -t "$WAIT_LOOPBACK" - "TCP:127.0.0.1:$PORT" <<<"via socat"
    assert_success
    assert_output "via socat"
    run cat "$NAR.socat"
    assert_line --regexp "^connect\([0-9]+, 127\.0\.0\.1:$PORT, 16\) = 0$"
    assert_line --regexp '^write\([0-9]+, "via socat\\n", 10\) = 10$'
}

@test "narrate: a static program gets a clear message pointing to strace, and does not run" {
    cc -static -std=c11 -DSOCKSTEP_PLAIN -I "$ROOT/lessons/common" \
        "$ROOT/docs/own/echo-server.c" -o "$BATS_TEST_TMPDIR/static" 2>/dev/null ||
        skip "no static C library to build with (libc.a)"
    run "$NARRATE" -- "$BATS_TEST_TMPDIR/static" 1
    assert_failure 1
    assert_said "is statically linked: it does not load the C library"
    assert_said "strace -f -e trace=network $BATS_TEST_TMPDIR/static 1"
    refute_output --partial "usage: echo-server"
}

@test "narrate: the plain 04 under narrate tells the same calls as the narrated 04, with and without sanitizers" {
    plain && skip "the binaries under test do not narrate"
    local flags
    start_bg "$BATS_TEST_TMPDIR/narrated" "$BIN/04-accept" --port 0 --count 1
    wait_ready "$BATS_TEST_TMPDIR/narrated"
    run nc -N 127.0.0.1 "$PORT" </dev/null
    assert_success
    wait_exit "$BG_PID" 30
    calls "$BATS_TEST_TMPDIR/narrated" >"$BATS_TEST_TMPDIR/a"
    [ "$(wc -l <"$BATS_TEST_TMPDIR/a")" -ge 5 ]
    # a program built with ASan wants its runtime first: narrate lets it
    # follow the preload (ASAN_OPTIONS), and nothing else changes
    for flags in "" "-fsanitize=address,undefined -fno-sanitize-recover=all"; do
        # shellcheck disable=SC2086 # the flags are words
        cc -std=c11 -DSOCKSTEP_PLAIN $flags "$ROOT/lessons/04-accept/accept.c" \
            -o "$BATS_TEST_TMPDIR/04-plain"
        rm -f "$NAR"
        start_bg "$BATS_TEST_TMPDIR/plain" "$NARRATE" --out "$NAR" -- \
            "$BATS_TEST_TMPDIR/04-plain" --port 0 --count 1
        wait_ready "$BATS_TEST_TMPDIR/plain"
        run nc -N 127.0.0.1 "$PORT" </dev/null
        assert_success
        wait_exit "$BG_PID" 30
        [ "$EXIT_STATUS" -eq 0 ]
        calls "$NAR" >"$BATS_TEST_TMPDIR/b"
        diff "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
    done
}

@test "narrate: the Python server's narrated calls match strace" {
    need_strace
    local want
    want=$(free_port)
    # HOME unset, as in some CI runners: Python then asks libc for the
    # passwd entry, and libc tries nscd with calls no wrapper sees.
    start_bg "$BATS_TEST_TMPDIR/out" "${TRACE[@]}" "$BATS_TEST_TMPDIR/trace" \
        env -u HOME "$NARRATE" --out "$NAR" -- \
        "$PYTHON" "$ROOT/docs/own/echo-server.py" "$want"
    wait_ready "$BATS_TEST_TMPDIR/out" 30
    run nc -N 127.0.0.1 "$PORT" <<<"traced"
    assert_success
    wait_exit "$BG_PID" 30
    strace_matches "$NAR" "$BATS_TEST_TMPDIR/trace"
}

@test "narrate: threads: eight clients at once, every call whole on its lines" {
    command -v socat >/dev/null || skip "no socat"
    local echo_port
    echo_port=$(free_port)
    start_bg "$BATS_TEST_TMPDIR/echo" socat \
        "TCP-LISTEN:$echo_port,bind=127.0.0.1,reuseaddr,fork" EXEC:cat
    wait_until 10 nc -z 127.0.0.1 "$echo_port"
    run "$NARRATE" --out "$NAR" -- "$PYTHON" "$PEERS/thread-clients.py" "$echo_port" 8
    assert_success
    assert_output "8 ok"
    # each thread's lines say which thread: eight threads, eight ids
    [ "$(grep -cE "^\[thread [0-9]+\] connect\([0-9]+, 127\.0\.0\.1:$echo_port, 16\) = " "$NAR")" -eq 8 ]
    [ "$(grep -cE '^\[thread [0-9]+\] send\([0-9]+, "thread [0-7]\\n", 9, 0\) = 9$' "$NAR")" -eq 8 ]
    [ "$(grep -oE '^\[thread [0-9]+\] connect' "$NAR" | sort -u | wc -l)" -eq 8 ]
    # no call begins in the middle of another's line
    run grep -nE '.(socket|connect|send|recv|close)\([0-9]+, ' \
        <(sed -E 's/^\[thread [0-9]+\] //' "$NAR")
    assert_failure
}

@test "narrate: a child of fork() narrates with its pid" {
    start_bg "$BATS_TEST_TMPDIR/sink" "$PYTHON" "$PEERS/echo-server.py" echo
    wait_ready "$BATS_TEST_TMPDIR/sink" 30
    run "$NARRATE" --out "$NAR" -- "$PYTHON" "$PEERS/fork-client.py" "$PORT"
    assert_success
    child=${output#child }
    run cat "$NAR"
    assert_line "fork() = $child"
    assert_line --regexp "^\[child $child\] connect\([0-9]+, 127\.0\.0\.1:$PORT, 16\) = "
    assert_line --regexp "^\[child $child\] send(all)?\([0-9]+, \"from the child\\\\n\", 15, 0\) = 15$"
}

@test "narrate: --help: each option's text starts in one column, no line over 78" {
    run "$NARRATE" --help
    assert_success
    # "  --out FILE     text", a text going on, a LIST item "recv=N  ..."
    local opt='^(  -[-a-z]+(, --[-a-z]+)?( [A-Z]+)? +)[a-z]' \
        more='^( +)[a-zA-Z(]' \
        item='^ +[a-z]+=[A-Za-z]+ ' line col cols=()
    while IFS= read -r line; do
        ((${#line} <= 78)) || fail "a line of ${#line} columns: $line"
        if [[ $line =~ $opt ]]; then
            cols+=("${#BASH_REMATCH[1]}")
        elif ((${#cols[@]} > 0)) && [[ $line =~ $more ]]; then
            # a text going on: in its option's column, or its item's
            col=${#BASH_REMATCH[1]}
            [[ $line =~ $item ]] && continue
            ((col == cols[0] || col == cols[0] + 13)) ||
                fail "a line out of its column ($col, not ${cols[0]}): $line"
        fi
    done <<<"$output"
    ((${#cols[@]} == 4)) # --out, --time, --faults, --help
    for col in "${cols[@]}"; do
        ((col == cols[0])) || fail "option texts start in columns ${cols[*]}"
    done
    # the sentences are whole: no word cut in two across lines
    refute_output --partial "their p"$'\n'
}

@test "narrate: bad command lines: one line and exit 2; an existing --out file is never overwritten" {
    run "$NARRATE"
    assert_failure 2
    assert_output --partial "no command given"
    run "$NARRATE" --bogus -- true
    assert_failure 2
    assert_output "scripts/narrate: --bogus: unknown option (see --help)"
    printf 'keep me\n' >"$BATS_TEST_TMPDIR/kept"
    run "$NARRATE" --out "$BATS_TEST_TMPDIR/kept" -- true
    assert_failure 2
    assert_output --partial "exists and is not empty"
    [ "$(cat "$BATS_TEST_TMPDIR/kept")" = "keep me" ]
    run -127 "$NARRATE" -- no-such-command-here
    assert_failure 127
}

@test "narrate: --out at a directory, and a COMMAND that is a directory or not executable, are named for what they are" {
    local d="$BATS_TEST_TMPDIR"
    run "$NARRATE" --out "$d" -- true
    assert_failure 2
    assert_output "scripts/narrate: --out $d: that is a directory; name a file, new or empty (--out $d/calls.txt, say)"
    run -126 "$NARRATE" -- "$d"
    assert_output "scripts/narrate: $d: is a directory, not a program"
    printf 'just words\n' >"$d/words"
    run -126 "$NARRATE" -- "$d/words"
    assert_output "scripts/narrate: $d/words: not a program: no permission to run it (no x in ls -l), and no #! line"
    printf '#!/bin/sh\necho ran\n' >"$d/script"
    run -126 "$NARRATE" -- "$d/script"
    assert_output "scripts/narrate: $d/script: a script without permission to run (no x in ls -l): chmod +x it, or name its interpreter first (sh $d/script, say)"
    run -127 "$NARRATE" -- "$d/none"
    assert_output "scripts/narrate: $d/none: no such file"
    run -127 "$NARRATE" -- no-such-command-here
    assert_output "scripts/narrate: no-such-command-here: no such command (nothing of that name on PATH)"
}

# own_echo BINARY: the echo server BINARY on a free port (PORT), one line
# from nc echoed, and the server gone with status 0; its output in
# $BATS_TEST_TMPDIR/out.
own_echo() {
    start_bg "$BATS_TEST_TMPDIR/out" "$1" "$(free_port)"
    wait_ready "$BATS_TEST_TMPDIR/out"
    run nc -N 127.0.0.1 "$PORT" <<<"hi"
    assert_output "hi"
    wait_exit "$BG_PID" 30
    [ "$EXIT_STATUS" -eq 0 ]
}

@test "narrate: a student's own C server, one include: narrated without ss_start(), silent with -DSOCKSTEP_PLAIN" {
    cc_strict -I "$ROOT/lessons/common" \
        "$ROOT/docs/own/echo-server.c" -o "$BATS_TEST_TMPDIR/own-narrated"
    cc_strict -I "$ROOT/lessons/common" \
        -DSOCKSTEP_PLAIN "$ROOT/docs/own/echo-server.c" -o "$BATS_TEST_TMPDIR/own-plain"
    own_echo "$BATS_TEST_TMPDIR/own-narrated"
    run cat "$BATS_TEST_TMPDIR/out"
    assert_line "socket(AF_INET, SOCK_STREAM, 0) = 3"
    assert_line "bind(3, 127.0.0.1:$PORT, 16) = 0"
    assert_line "accept(3, NULL, NULL) = 4"
    assert_line 'recv(4, "hi\n", 1024, 0) = 3'
    assert_line 'recv(4, "", 1024, 0) = 0'
    # SOCKSTEP_NOWRAP is heard without ss_start(): a note on one line
    assert_line "    a new socket: fd 3, the lowest descriptor number not in use. It has no address and no peer yet"
    own_echo "$BATS_TEST_TMPDIR/own-plain"
    run cat "$BATS_TEST_TMPDIR/out"
    assert_output "listening on 127.0.0.1:$PORT"
}

@test "narrate: scripts/check --narrate shows the failing program's last calls, the repeat counted" {
    run "$PYTHON" "$ROOT/scripts/check" --narrate --only half-close \
        --wait "$LOW_WAIT" echo-server -- "$LOW" "$PYTHON" "$ROOT/docs/own/echo-server.py" '{port}' spin
    assert_failure 1
    assert_line --partial "FAIL half-close"
    assert_line "     its last socket calls (scripts/narrate):"
    assert_line '       recv(4, "", 1024, 0) = 0'
    assert_line --regexp '^       recv\(\) returned 0 and send\(\) returned 0 on fd 4, [0-9,]+ more times so far: the peer closed long ago'
    # (without --narrate, no such lines: check-samples.bats's seeds'
    # server fails half-close so, spinning too, and says none)
}

# own_plain: docs/own/echo-server.c built silent (it checks send() for -1
# only, and ends its loop at any recv() that is not > 0).
own_plain() {
    cc -std=c11 -DSOCKSTEP_PLAIN -I "$ROOT/lessons/common" \
        "$ROOT/docs/own/echo-server.c" -o "$BATS_TEST_TMPDIR/own-plain"
}

@test "narrate --faults recv=3,send=half: a server that ignores short sends breaks, and the narration says why" {
    own_plain
    local want
    want=$(free_port)
    start_bg "$BATS_TEST_TMPDIR/out" "$NARRATE" --out "$NAR" \
        --faults recv=3,send=half -- "$BATS_TEST_TMPDIR/own-plain" "$want"
    wait_ready "$BATS_TEST_TMPDIR/out"
    run socat -t "$WAIT_LOOPBACK" - "TCP:127.0.0.1:$PORT" <<<"hello world"
    assert_success
    # half of each 3-byte piece: 1 byte of 3 comes back
    assert_output "hlwl"
    wait_exit "$BG_PID" 30
    run cat "$NAR"
    assert_line --partial "fault: each recv() on a SOCK_STREAM socket now asks the kernel for at most 3 bytes (here the program asked for 1024)"
    assert_line --partial "fault: each send() on a SOCK_STREAM socket now hands the kernel half of what the program gave (here 1 of 3 bytes), as a send() may take only part when the socket is non-blocking, has SO_SNDTIMEO, or a signal interrupts it"
    assert_line 'recv(4, "hel", 3, 0) = 3'
    assert_line 'send(4, "h", 1, 0) = 1'
    # each call's line shows what the kernel was given; the line under
    # it, what the program gave
    run grep -A 1 -F 'recv(4, "hel", 3, 0) = 3' "$NAR"
    assert_line "    fault: the program's buffer holds 1024 bytes; the fault asked the kernel for 3"
    run grep -A 1 -F 'send(4, "h", 1, 0) = 1' "$NAR"
    assert_line "    fault: the program gave 3 bytes to send; the fault handed the kernel 1 of them"
    # without faults the same server echoes the line whole
    want=$(free_port)
    start_bg "$BATS_TEST_TMPDIR/out" "$NARRATE" --out "$NAR.2" -- \
        "$BATS_TEST_TMPDIR/own-plain" "$want"
    wait_ready "$BATS_TEST_TMPDIR/out"
    run socat -t "$WAIT_LOOPBACK" - "TCP:127.0.0.1:$PORT" <<<"hello world"
    assert_output "hello world"
    run grep -c "^ *fault: " "$NAR.2"
    assert_output 0
}

@test "narrate --faults recv=1: one byte is said as one byte" {
    # a socket pair in one Python process: no network, no port
    SOCKSTEP_NOWRAP=1 run bare timeout "$WAIT_RUN" "$NARRATE" --faults recv=1 -- \
        "$PYTHON" -c 'import socket; a, b = socket.socketpair(); b.send(b"ab"); print(a.recv(100))'
    assert_success
    assert_line "b'a'"
    assert_line --partial "now asks the kernel for at most 1 byte (here the program asked for 100)"
    assert_line 'recv(3, "a", 1, 0) = 1'
    assert_line "    fault: the program's buffer holds 100 bytes; the fault asked the kernel for 1"
    # a call the fault leaves as it was has no such line
    run grep -c "the program gave\|the program's buffer holds" <<<"$output"
    assert_output 1
}

@test "narrate --faults eintr=N: N is 2 or more, and a datagram socket's calls are left alone" {
    # eintr=1 would fail every call: a program that makes it again, as
    # it should, would never get past it
    run bare timeout "$WAIT_RUN" "$NARRATE" --faults eintr=1 -- true
    assert_failure 2
    assert_output "scripts/narrate: --faults: 'eintr=1' is not recv=N, send=N, send=half or eintr=N, comma-separated (N from 1; eintr from 2: eintr=1 would fail every call, and a program that makes it again would never get past it)"
    # the library loaded by hand, past the script's check: no fault at
    # all, and it says so
    run "$NARRATE" -- env SOCKSTEP_FAULTS=eintr=1 \
        timeout "$WAIT_RUN" "$PYTHON" -c 'import socket
a, b = socket.socketpair()
a.send(b"hello")
print("got", len(b.recv(100)))'
    assert_success
    assert_line --partial "fault: 'eintr=1' is not recv=N, send=N, send=half or eintr=N"
    assert_line "got 5"
    # the fault is for TCP (a stream): send() and recv() on a datagram
    # socket pair are made every time
    SOCKSTEP_NOWRAP=1 run bare timeout "$WAIT_RUN" "$NARRATE" --faults eintr=2 -- \
        "$PYTHON" -c 'import socket
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
for _ in range(4):
    a.send(b"x")
    b.recv(10)
print("done")'
    assert_success
    assert_line "done"
    refute_output --partial "made up"
    # and the process says, at its end, that the fault found nothing
    assert_line "fault: no fault acted in this process: of its calls that send or receive on a socket (8), none is one the faults change, recv(), recvfrom(), read(), send(), sendto() or write() on a stream socket (TCP). sendmsg(), recvmsg(), readv(), writev() and datagram sockets are left alone"
}

@test "narrate --faults: one rule: recv(), recvfrom(), read(), send(), sendto(), write() on a stream socket; sendmsg() and recvmsg() left alone, and said" {
    cat >"$BATS_TEST_TMPDIR/rule.c" <<'C'
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/uio.h>
int main(int argc, char **argv)
{
    int sv[2], i;
    char b[64], hello[] = "hello";
    ssize_t s, r;
    (void)argv;
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        return 1;
    if (argc > 1) {
        struct iovec out = {hello, 5}, in = {b, sizeof b};
        struct msghdr mo = {0}, mi = {0};
        mo.msg_iov = &out, mo.msg_iovlen = 1;
        mi.msg_iov = &in, mi.msg_iovlen = 1;
        for (i = 0; i < 2; i++) {
            s = sendmsg(sv[0], &mo, 0);
            r = recvmsg(sv[1], &mi, 0);
            printf("sendmsg %zd recvmsg %zd\n", s, r);
        }
        return 0;
    }
    s = sendto(sv[0], hello, 5, 0, NULL, 0);
    r = recvfrom(sv[1], b, sizeof b, 0, NULL, NULL);
    printf("sendto %zd recvfrom %zd%s\n", s, r,
           r == -1 && errno == EINTR ? " EINTR" : "");
    return 0;
}
C
    cc -o "$BATS_TEST_TMPDIR/rule" "$BATS_TEST_TMPDIR/rule.c"
    # sendto() and recvfrom() on a stream socket are shortened ...
    run bare timeout "$WAIT_RUN" "$NARRATE" --faults send=half,recv=1 -- \
        "$BATS_TEST_TMPDIR/rule"
    assert_success
    assert_line "sendto 2 recvfrom 1"
    assert_line --regexp '^sendto\([0-9]+, "he", 2, 0, NULL, 0\) = 2$'
    assert_line --partial "fault: each recvfrom() on a SOCK_STREAM socket now asks the kernel for at most 1 byte"
    # ... and interrupted
    run bare timeout "$WAIT_RUN" "$NARRATE" --faults eintr=2 -- \
        "$BATS_TEST_TMPDIR/rule"
    assert_success
    assert_line "sendto 5 recvfrom -1 EINTR"
    assert_line --regexp '^recvfrom\([0-9]+, \.\.\., 64, \.\.\.\) = -1 EINTR \(Interrupted system call\), made up: the call was not made$'
    # sendmsg() and recvmsg() are left alone, whatever the fault, and
    # the process says so at its end
    run bare timeout "$WAIT_RUN" "$NARRATE" --faults eintr=2,recv=1,send=1 -- \
        "$BATS_TEST_TMPDIR/rule" msg
    assert_success
    assert_line "sendmsg 5 recvmsg 5"
    refute_output --partial "made up"
    assert_line --partial "fault: no fault acted in this process: of its calls that send or receive on a socket (4), none is one"
}

@test "narrate --faults eintr=2: a C loop that ends at EINTR stops early; Python makes the call again" {
    own_plain
    local want
    want=$(free_port)
    start_bg "$BATS_TEST_TMPDIR/out" "$NARRATE" --out "$NAR" \
        --faults eintr=2 -- "$BATS_TEST_TMPDIR/own-plain" "$want"
    wait_ready "$BATS_TEST_TMPDIR/out"
    # The server closes with the line unread: a RST, which socat 1.8
    # reports ("E read(...): Connection reset by peer", status 1) and
    # 1.7 does not. Nothing echoed either way.
    run --separate-stderr socat -t "$WAIT_LOOPBACK" - "TCP:127.0.0.1:$PORT" <<<"one line"
    # shellcheck disable=SC2154 # stderr: set by run --separate-stderr
    [[ $status -eq 0 || $stderr == *"Connection reset by peer"* ]] ||
        fail "socat: status $status: $stderr"
    assert_output ""
    wait_exit "$BG_PID" 30
    run cat "$NAR"
    assert_line --regexp '^recv\(4, \.\.\., 1024, \.\.\.\) = -1 EINTR \(Interrupted system call\), made up: the call was not made$'
    assert_said "read(), send(), sendto() or write() on a SOCK_STREAM socket now fails with EINTR before it is made, as when a signal arrives during the call and its handler was installed without SA_RESTART"
    assert_line "close(4) = 0"
    # Python makes a call that failed with EINTR again (PEP 475): the
    # seeds' server echoes all the same
    want=$(free_port)
    start_bg "$BATS_TEST_TMPDIR/out" "$NARRATE" --out "$NAR.py" \
        --faults eintr=2 -- "$PYTHON" "$ROOT/docs/own/echo-server.py" "$want"
    wait_ready "$BATS_TEST_TMPDIR/out" 30
    run socat -t "$WAIT_LOOPBACK" - "TCP:127.0.0.1:$PORT" <<<"one line"
    assert_output "one line"
    wait_exit "$BG_PID" 30
    grep -q 'made up: the call was not made' "$NAR.py"
}

@test "narrate --faults eintr=2: made-up EINTRs in a loop are told three times, then counted with the real calls" {
    # a non-blocking recv() in a loop: EAGAIN, and every other call a
    # made-up EINTR that Python makes again (PEP 475)
    SOCKSTEP_NOWRAP=1 run bare timeout "$WAIT_RUN" "$NARRATE" --faults eintr=2 -- \
        "$PYTHON" -c 'import socket
a, b = socket.socketpair()
b.setblocking(False)
for _ in range(60):
    try:
        b.recv(100)
    except BlockingIOError:
        pass
print("done")'
    assert_success
    assert_line "done"
    assert_line --regexp '^recv\(\) returned -1 EAGAIN and recv\(\) returned -1 EINTR \(made up\) on fd [0-9]+, [0-9]+ more times in all: '
    run grep -c '^recv([0-9]*, \.\.\., 100, \.\.\.) = -1 EINTR (Interrupted system call), made up' <<<"$output"
    assert_output 3
}

@test "narrate: getpeername() that only asks (Python showing a socket, bash's stdin) gets one note a run, no cause and no try" {
    # Python's repr() of a socket that is not connected asks getpeername();
    # printing it twice asks twice. bash asks of its standard input.
    run "$NARRATE" --out "$NAR" -- "$PYTHON" -c \
        'import socket; s = socket.socket(); print(s); print(s); s.close()'
    assert_success
    echo | "$NARRATE" --out "$NAR.bash" -- bash -c 'true'
    cat "$NAR.bash" >>"$NAR"
    # (fd 3 outside bats, which holds more descriptors open)
    run grep -cE '^getpeername\([0-9]+, &addr, &len\) = -1 ENOTCONN ' "$NAR"
    assert_output 2
    run grep -c '^getpeername(0, &addr, &len) = -1 ENOTSOCK ' "$NAR"
    assert_output 1
    run cat "$NAR"
    refute_output --partial "likely cause"
    refute_output --partial "try:"
    assert_line --regexp '^    fd [0-9]+ has no peer: it is not connected, or no longer is\. Programs ask this to find out \(Python does to show a socket\): an answer, not a fault$'
    # (bash's own getenv() does not see SOCKSTEP_NOWRAP that early: the
    # note is wrapped)
    assert_line '    fd 0 is not a socket. Programs ask this to find out (bash asks it of its'
    run grep -c 'an answer, not a fault' "$NAR"
    assert_output 2
}

@test "narrate --faults: a list it does not know: one line from the library, exit 2, nothing run" {
    # The library says what is wrong (scripts/narrate has no grammar of
    # its own): the first part it does not know, and what it knows.
    local part
    for part in recv=0 send=x eintr= recv=1x; do
        run "$NARRATE" --faults "send=half,$part" -- touch "$BATS_TEST_TMPDIR/ran"
        assert_failure 2
        assert_output "scripts/narrate: --faults: '$part' is not recv=N, send=N, send=half or eintr=N, comma-separated (N from 1; eintr from 2: eintr=1 would fail every call, and a program that makes it again would never get past it)"
    done
    [ ! -e "$BATS_TEST_TMPDIR/ran" ]
    # a list it knows is taken
    run "$NARRATE" --faults recv=3,send=half,eintr=2 -- true
    assert_success
}

@test "narrate: SOCKSTEP_FAULTS set by hand with a part the library does not know: said once, no fault made" {
    # scripts/narrate checks --faults itself; the library, loaded by hand,
    # must not stop at a part it does not know and go on in silence.
    local code='import socket, sys
a, b = socket.socketpair()
a.send(b"hello")
print("got", len(b.recv(100)), file=sys.stderr)'
    run "$NARRATE" -- env SOCKSTEP_FAULTS=recv=2,eintr=0 \
        "$PYTHON" -c "$code"
    assert_success
    [ "$(grep -c "^fault: 'eintr=0' is not recv=N" <<<"$output")" -eq 1 ]
    assert_line --partial "no fault is made"
    assert_line "got 5"
    # A list it knows still works the same way.
    run "$NARRATE" -- env SOCKSTEP_FAULTS=recv=2 \
        "$PYTHON" -c "$code"
    assert_line "got 2"
}

@test "narrate --faults: read() and write() on a socket are shortened too, and told with their bytes; recv(MSG_WAITALL) and files are not" {
    cat >"$BATS_TEST_TMPDIR/rw.c" <<'C'
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>
int main(void)
{
    int sv[2], f;
    char b[64];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        return 1;
    ssize_t w = write(sv[0], "hello world\n", 12);
    ssize_t r = read(sv[1], b, sizeof b);
    printf("write %zd read %zd\n", w, r);
    w = send(sv[0], "0123456789", 10, 0);
    r = recv(sv[1], b, 5, MSG_WAITALL);
    printf("send %zd waitall %zd\n", w, r);
    f = open("/dev/zero", O_RDONLY);
    printf("file %zd\n", read(f, b, sizeof b));
    signal(SIGPIPE, SIG_IGN);
    close(sv[1]);
    printf("gone %zd\n", write(sv[0], "gone", 4));
    return 0;
}
C
    cc -o "$BATS_TEST_TMPDIR/rw" "$BATS_TEST_TMPDIR/rw.c"
    # (timeout: a wrong fault would leave recv(MSG_WAITALL) waiting)
    run timeout "$WAIT_LONG" "$NARRATE" --out "$NAR" --faults recv=3 -- \
        "$BATS_TEST_TMPDIR/rw"
    assert_success
    # read() of a socket: 3 bytes; recv() with MSG_WAITALL: all 5 it asked
    # for (the kernel fills it whole); a file's read(): untouched
    assert_output $'write 12 read 3\nsend 10 waitall 5\nfile 64\ngone -1'
    run grep -c "fault: each read() on a SOCK_STREAM socket" "$NAR"
    assert_output 1
    # a shortened read() is told as recv() is, with the bytes it got
    run grep -cE '^read\([0-9]+, "hel", 3\) = 3$' "$NAR"
    assert_output 1
    run timeout "$WAIT_LONG" "$NARRATE" --out "$NAR.2" --faults send=half -- \
        "$BATS_TEST_TMPDIR/rw"
    assert_success
    assert_output $'write 6 read 6\nsend 5 waitall 5\nfile 64\ngone -1'
    run grep -cE '^write\([0-9]+, "hello ", 6\) = 6$' "$NAR.2"
    assert_output 1
    # a shortened write() that fails names its errno, as every failing
    # line does
    run grep -cE '^write\([0-9]+, "go", 2\) = -1 EPIPE \(Broken pipe\)$' "$NAR.2"
    assert_output 1
}

# inetd FILE|- SCRIPT: tests/peers/inetd-sh.py SCRIPT under narrate, with
# --out FILE or (-) its narration on narrate's stderr, which is the
# server's output file $BATS_TEST_TMPDIR/out; a Python client's bytes, as
# repr(), in output; the server gone.
inetd() {
    local out=()
    [[ "$1" == - ]] || out=(--out "$1")
    start_bg "$BATS_TEST_TMPDIR/out" "$NARRATE" "${out[@]}" -- \
        "$PYTHON" "$PEERS/inetd-sh.py" "$2"
    wait_ready "$BATS_TEST_TMPDIR/out" 30
    run "$PYTHON" "$PEERS/recv-repr.py" 127.0.0.1 "$PORT"
    assert_success
    wait_exit "$BG_PID" 30
}

@test "narrate: an inetd-style server's client gets the program's bytes alone, the narration goes where narrate was told" {
    # the client's socket on fds 0, 1 and 2, then sh: the narration is
    # not written to the program's fd 2, nor to fd 1
    inetd - 'echo hello; exec 1>&-; echo gone >&2'
    assert_output "b'hello\\ngone\\n'"
    run cat "$BATS_TEST_TMPDIR/out"
    assert_line --regexp '^accept4\(3, 127\.0\.0\.1:[0-9]+, 16, SOCK_CLOEXEC\) = 4$'
    # sh, exec'd by the server, narrates too: its close(1) of the socket
    assert_line "close(1) = 0"
    inetd "$NAR" 'echo only this'
    assert_output "b'only this\\n'"
    run cat "$NAR"
    assert_line "close(4) = 0"
    run cat "$BATS_TEST_TMPDIR/out"
    assert_output --regexp '^listening on 127\.0\.0\.1:[0-9]+$'
}

@test "narrate: a lesson's narrated build tells each call once; its silent build is told by the library" {
    # (a student may well narrate build/01-socket, which narrates itself)
    run timeout "$WAIT_RUN" "$NARRATE" -- "$ROOT/build/01-socket"
    assert_success
    assert_line --index 0 "scripts/narrate: $ROOT/build/01-socket tells its own calls (a lesson's narrated build): it runs as it is, without narrate's library, so that each call is told once"
    [ "$(grep -cE '^socket\(AF_INET, SOCK_STREAM, 0\) = [0-9]+$' <<<"$output")" -eq 1 ]
    # the silent build: told once, by the library, with no such line
    make -s -C "$ROOT" build/plain/01-socket >&2
    run timeout "$WAIT_RUN" "$NARRATE" -- "$ROOT/build/plain/01-socket"
    assert_success
    refute_output --partial "tells its own calls"
    [ "$(grep -cE '^socket\(AF_INET, SOCK_STREAM, 0\) = [0-9]+$' <<<"$output")" -eq 1 ]
}

@test "narrate: a program that closes every descriptor above 2 before it execs another: both narrated, the first's fd numbers its own" {
    cat >"$BATS_TEST_TMPDIR/closer.c" <<'C'
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>
int main(int argc, char **argv)
{
    (void)argc;
    for (int fd = 3; fd < 1024; fd++)
        close(fd);
    closefrom(3);
    close_range(3, ~0U, 0);
    printf("socket %d\n", socket(AF_INET, SOCK_DGRAM, 0));
    fflush(stdout);
    execv(argv[1], argv + 1);
    return 1;
}
C
    cc -o "$BATS_TEST_TMPDIR/closer" "$BATS_TEST_TMPDIR/closer.c"
    run "$NARRATE" --out "$NAR" -- "$BATS_TEST_TMPDIR/closer" \
        "$PYTHON" -c 'import socket; print(socket.socket().fileno())'
    assert_success
    assert_output $'socket 3\n4'
    run cat "$NAR"
    assert_line "socket(AF_INET, SOCK_DGRAM, 0) = 3"
    assert_line "socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 0) = 4"
}

@test "narrate: read(), write() and ioctl(FIONREAD, FIONBIO) on a socket told, in a program built with -D_FORTIFY_SOURCE=2" {
    cat >"$BATS_TEST_TMPDIR/fort.c" <<'C'
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
int main(int argc, char **argv)
{
    int sv[2], dg[2], on = 1, n = 0;
    char b[64];
    /* a length the compiler cannot see: the checked calls are made */
    size_t want = (size_t)atoi(argv[argc - 1]);
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0 ||
        socketpair(AF_UNIX, SOCK_DGRAM, 0, dg) != 0)
        return 1;
    if (write(sv[0], "hello\tworld\n", 12) != 12)
        return 1;
    ioctl(sv[1], FIONREAD, &n);
    printf("fionread %d\n", n);
    printf("read %zd\n", read(sv[1], b, want));
    ioctl(sv[1], FIONBIO, &on);
    printf("recv %zd\n", recv(sv[1], b, want, 0));
    close(sv[0]);
    printf("read %zd\n", read(sv[1], b, want));
    if (send(dg[0], "dgram", 5, 0) != 5)
        return 1;
    printf("recvfrom %zd\n", recvfrom(dg[1], b, want, 0, NULL, NULL));
    return 0;
}
C
    cc -O2 -D_FORTIFY_SOURCE=2 -o "$BATS_TEST_TMPDIR/fort" "$BATS_TEST_TMPDIR/fort.c"
    # the fortified C library calls are the ones the program makes
    run nm -D "$BATS_TEST_TMPDIR/fort"
    assert_line --regexp ' U __read_chk'
    assert_line --regexp ' U __recv_chk'
    assert_line --regexp ' U __recvfrom_chk'
    SOCKSTEP_NOWRAP=1 run "$HOSTILE/run-clean" "$NARRATE" --out "$NAR" -- \
        "$BATS_TEST_TMPDIR/fort" 64
    assert_success
    assert_output $'fionread 12\nread 12\nrecv -1\nread 0\nrecvfrom 5'
    run cat "$NAR"
    assert_line 'write(3, "hello\tworld\n", 12) = 12'
    assert_line "ioctl(4, FIONREAD, [12]) = 0"
    assert_line "    FIONREAD: 12 bytes received on fd 4 wait to be read"
    assert_line 'read(4, "hello\tworld\n", 64) = 12'
    assert_line "ioctl(4, FIONBIO, [1]) = 0"
    assert_line "recv(4, buf, 64, 0) = -1 EAGAIN (Resource temporarily unavailable)"
    assert_line --partial "expected: fd 4 is non-blocking (O_NONBLOCK), so recv() returned at once"
    assert_line 'read(4, "", 64) = 0'
    assert_line --partial "read() returned 0: the end of the stream."
    assert_line 'recvfrom(6, "dgram", 64, 0, NULL, 0) = 5'
}

@test "narrate: whose line: a thread's calls say [thread TID], a child's [child PID], and a call the kernel restarted after a SA_RESTART handler says so" {
    cat >"$BATS_TEST_TMPDIR/whose.c" <<'C'
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int sv[2], ran[2];

static void on_usr1(int sig)
{
    char c = 's';
    (void)sig;
    if (write(ran[1], &c, 1) != 1)
        _exit(3);
}

static void *sender(void *arg)
{
    return send(sv[1], "t", 1, 0) == 1 ? NULL : arg;
}

/* Wait until pid blocks in recvfrom (recv() is that system call). */
static void wait_in_recv(pid_t pid)
{
    char path[64];
    long nr = -1;

    snprintf(path, sizeof path, "/proc/%ld/syscall", (long)pid);
    while (nr != SYS_recvfrom) {
        FILE *f = fopen(path, "r");
        if (f == NULL || fscanf(f, "%ld", &nr) != 1)
            nr = -1;
        if (f != NULL)
            fclose(f);
        nanosleep(&(struct timespec){0, 10000000}, NULL);
    }
}

int main(int argc, char **argv)
{
    char buf[4];
    pthread_t t;
    struct sigaction sa;
    pid_t child;
    int status;

    (void)argv;
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0 || pipe(ran) != 0)
        return 1;
    if (pthread_create(&t, NULL, sender, NULL) != 0 ||
        pthread_join(t, NULL) != 0 || recv(sv[0], buf, 1, 0) != 1)
        return 1;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sa.sa_flags = argc > 1 ? 0 : SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    child = fork();
    if (child == 0) {
        ssize_t n;
        while ((n = recv(sv[0], buf, 1, 0)) == -1)
            ;
        _exit(n == 1 ? 0 : 1);
    }
    wait_in_recv(child);
    kill(child, SIGUSR1);
    if (read(ran[0], buf, 1) != 1 || send(sv[1], "x", 1, 0) != 1)
        return 1;
    return waitpid(child, &status, 0) == child && status == 0 ? 0 : 1;
}
C
    cc -pthread -o "$BATS_TEST_TMPDIR/whose" "$BATS_TEST_TMPDIR/whose.c"
    SOCKSTEP_NOWRAP=1 run timeout "$WAIT_RUN" "$NARRATE" --out "$NAR" -- \
        "$BATS_TEST_TMPDIR/whose"
    assert_success
    run cat "$NAR"
    assert_line --regexp '^\[thread [0-9]+\] send\([0-9]+, "t", 1, 0\) = 1$'
    assert_line --regexp '^recv\([0-9]+, "t", 1, 0\) = 1$'
    assert_line --regexp '^\[child [0-9]+\] recv\([0-9]+, "x", 1, 0\) = 1$'
    assert_line --regexp '^\[child [0-9]+\]     restarted: SIGUSR1 came while this call waited; its handler ran, and because it was installed with SA_RESTART the kernel made the call again instead of returning EINTR$'
    # the main thread's lines and the parent's carry no tag
    refute_line --regexp '^\[thread [0-9]+\] recv'
    # without SA_RESTART the program sees EINTR, and nothing is said restarted
    SOCKSTEP_NOWRAP=1 run timeout "$WAIT_RUN" "$NARRATE" --out "$NAR.eintr" -- \
        "$BATS_TEST_TMPDIR/whose" no-restart
    assert_success
    run cat "$NAR.eintr"
    assert_line --regexp '^\[child [0-9]+\] recv\([0-9]+, buf, 1, 0\) = -1 EINTR '
    refute_output --partial "restarted:"
}

@test "narrate: a python3 that is a shell script (a version manager's shim) is told in one line, then the program it runs" {
    local shim="$BATS_TEST_TMPDIR/shims"
    mkdir -p "$shim"
    # what a shim does: find the real interpreter (a fork or two), exec it
    # shellcheck disable=SC2016 # $(uname) and $@ are for the shim
    printf '#!/bin/sh\nv=$(uname)\nexec "%s" "$@"\n' "$PYTHON" >"$shim/python3"
    chmod +x "$shim/python3"
    SOCKSTEP_NOWRAP=1 PATH="$shim:$PATH" run timeout "$WAIT_RUN" "$HOSTILE/run-clean" "$NARRATE" \
        --out "$NAR" -- python3 -c 'import socket; socket.socket().close()'
    assert_success
    run cat "$NAR"
    assert_line "scripts/narrate: python3 is a shell script ($shim/python3, run by sh): the fork()s of the shells it runs are not told; the narration follows the programs it starts"
    refute_output --regexp "fork\\(\\) ="
    # the shim exec'd the interpreter: the same process, no tag
    assert_line "socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 0) = 3"
    assert_line "close(3) = 0"
    refute_output --regexp '^\['
}

@test "narrate: a send() or write() that SIGPIPE ends is told, and the program still dies of it (141)" {
    cat >"$BATS_TEST_TMPDIR/pipe.c" <<'C'
#define _POSIX_C_SOURCE 200809L
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int sv[2];

    (void)argv;
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0 || close(sv[1]) != 0)
        return 1;
    if (argc > 1)
        return write(sv[0], "x", 1) == -1 ? 2 : 3;
    return send(sv[0], "x", 1, 0) == -1 ? 2 : 3;
}
C
    cc -o "$BATS_TEST_TMPDIR/pipe" "$BATS_TEST_TMPDIR/pipe.c"
    local died="    SIGPIPE: the kernel sent it with this EPIPE, and its default action ends the program now, before the program sees the -1 (exit status 141 in a shell). Sent with send() and MSG_NOSIGNAL, or with SIGPIPE ignored, it would get the error instead"
    SOCKSTEP_NOWRAP=1 run "$HOSTILE/run-clean" "$NARRATE" --out "$NAR" -- \
        "$BATS_TEST_TMPDIR/pipe"
    assert_failure 141
    run cat "$NAR"
    assert_line 'send(3, "x", 1, 0) = -1 EPIPE (Broken pipe)'
    assert_line "$died"
    SOCKSTEP_NOWRAP=1 run "$HOSTILE/run-clean" "$NARRATE" --out "$NAR.w" -- \
        "$BATS_TEST_TMPDIR/pipe" write
    assert_failure 141
    run cat "$NAR.w"
    assert_line 'write(3, "x", 1) = -1 EPIPE (Broken pipe)'
    assert_line "$died"
}

@test "narrate: a set-user-ID program, or one with file capabilities, run by another user: it says LD_PRELOAD is ignored, points to strace, runs nothing" {
    ((EUID == 0)) || skip "needs root, to make such a program"
    command -v setpriv >/dev/null || skip "no setpriv"
    need_nobody_runs "$NARRATE"
    local dir
    # a folder the other user can reach (the test's own is root's alone)
    dir=$(mktemp -d /tmp/sockstep-priv.XXXXXX)
    chmod 755 "$dir"
    cp /usr/bin/true "$dir/suid"
    if ! "$dir/suid"; then
        rm -r "$dir"
        skip "/tmp does not let programs run here (mounted noexec)"
    fi
    chmod 4755 "$dir/suid"
    run setpriv --reuid 65534 --regid 65534 --clear-groups \
        "$NARRATE" -- "$dir/suid" --version
    local suid_status=$status suid_out=$output
    local setcap caps_status=0 caps_out=""
    setcap=$(command -v setcap || echo /usr/sbin/setcap)
    if [[ -x "$setcap" ]]; then
        cp /usr/bin/true "$dir/caps"
        "$setcap" cap_net_raw=ep "$dir/caps"
        run setpriv --reuid 65534 --regid 65534 --clear-groups \
            "$NARRATE" -- "$dir/caps"
        caps_status=$status caps_out=$output
    fi
    rm -r "$dir"
    [[ "$suid_status" -eq 1 ]]
    run printf '%s\n' "$suid_out"
    assert_line "scripts/narrate: $dir/suid is set-user-ID (it runs as its owner, root)."
    assert_line "For such a program the loader ignores LD_PRELOAD, so there is nothing to"
    assert_line "    strace -f -e trace=network $dir/suid --version"
    [[ -x "$setcap" ]] || skip "no setcap: file capabilities not tried"
    [[ "$caps_status" -eq 1 ]]
    run printf '%s\n' "$caps_out"
    assert_line "scripts/narrate: $dir/caps is given file capabilities (cap_net_raw=ep)."
    # root is let through a program with file capabilities (it has them
    # all already) and one that is not set-user-ID
    run "$NARRATE" --out "$NAR" -- /usr/bin/true
    assert_success
}

@test "narrate --time: every line of every process begins with the time since the run began, after whose it is, in order; a call that may wait is told as it starts" {
    run "$NARRATE" --time --out "$NAR" -- "$PYTHON" -c '
import os, socket, time
a, b = socket.socketpair()
time.sleep(0.2)
if os.fork() == 0:
    a.send(b"from the child")
    os._exit(0)
os.wait()
print(b.recv(100))'
    assert_success
    assert_output "b'from the child'"
    run cat "$NAR"
    assert_line --regexp '^\+[0-9]+\.[0-9]{6} socketpair\(AF_UNIX, SOCK_STREAM\|SOCK_CLOEXEC, 0, \[[0-9]+, [0-9]+\]\) = 0$'
    assert_line --regexp '^\[child [0-9]+\] \+[0-9]+\.[0-9]{6} send\([0-9]+, "from the child", 14, 0\) = 14$'
    # a call that may wait is told as it starts, then with its result
    assert_line --regexp '^\+[0-9]+\.[0-9]{6} recv\([0-9]+, buf, 100, 0\) \.\.\.$'
    assert_line --regexp '^\+[0-9]+\.[0-9]{6} recv\([0-9]+, "from the child", 100, 0\) = 14$'
    # every line that is not empty carries a time
    refute_line --regexp '^(\[(child|pid|thread) [0-9]+\] )*[^[+]'
    # the times of the first process never go back, and the sleep shows
    local t prev=0 first="" last=""
    while read -r t; do
        [[ -z "$first" ]] && first=$t
        awk -v a="$prev" -v b="$t" 'BEGIN { exit !(b >= a) }' ||
            fail "time went back: $prev, then $t"
        prev=$t last=$t
    done < <(grep -o '^+[0-9.]*' "$NAR" | tr -d +)
    awk -v a="$first" -v b="$last" 'BEGIN { exit !(b - a >= 0.2) }' ||
        fail "0.2 s of sleep not seen between $first and $last"
}
