#!/usr/bin/env bats
# Sentences the narration used to get wrong, checked in
# real runs: each test makes the situation happen and reads what was said.

load test_helper
load hostile/common

@test "truth: a client that resets mid-echo: ECONNRESET's cause names a crash with unread data, and no sentence says MSG_NOSIGNAL makes EPIPE" {
    plain && skip "the plain build narrates nothing"
    local out="$BATS_TEST_TMPDIR/server"
    start_server "$out" 06-send-recv-server --count 2 --timeout 10
    local server="$BG_PID"
    run timeout "$WAIT_SHORT" "$PYTHON" "$PEER" reset "$PORT" $((1 << 20))
    run "$PYTHON" "$PEER" halfclose "$PORT" "next"
    assert_output "next"
    wait_exit "$server" 20
    run cat "$out"
    assert_output --regexp '= -1 (ECONNRESET|EPIPE) \('
    # the causes as they are, in whichever words wrapped them
    local flat
    flat=$(tr '\n' ' ' <"$out" | tr -s ' ')
    if grep -q 'ECONNRESET (' "$out"; then
        # A crash with a request unread resets too (truth-3, row 21).
        [[ "$flat" == *"by its kernel when the program ended or crashed"* ]]
        [[ "$flat" != *"closed normally by its kernel: FIN, not RST"* ]]
    fi
    if grep -q 'EPIPE (' "$out"; then
        [[ "$flat" == *"MSG_NOSIGNAL (or ignoring SIGPIPE) keeps the SIGPIPE that comes with EPIPE"* ]]
    fi
    [[ "$flat" != *"turned the deadly SIGPIPE"* ]]
    [[ "$flat" != *"would fail with EPIPE"* ]]
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

# The test programs that include sockstep.h: tests/advice.c walks the
# errno table, tests/tells.c makes the calls and options no lesson makes
# (truth-3's latent rows). Built once per file, with the lessons' flags.
build_tool() {
    local bin="$BATS_FILE_TMPDIR/$1"
    if [[ ! -x "$bin" ]]; then
        cc_strict -Wmissing-prototypes "$ROOT/tests/$1.c" \
            -o "$bin.$$" && mv "$bin.$$" "$bin"
    fi
    TOOL="$bin"
}

@test "truth: every entry of the errno table reads whole, with and without an address and a port" {
    build_tool advice
    run "$TOOL" table
    assert_success
    # Two runs of each entry, two lines each.
    local entries
    entries=$(grep -c '^ *SS_E(E[A-Z0-9]*, ' "$ROOT/lessons/common/ss_errors.h")
    [ "${#lines[@]}" -eq $((entries * 4)) ]
    # No text cut off or left empty, no placeholder left, every quote
    # that opens a command closed (a possessive's apostrophe aside).
    run "$PYTHON" "$PEERS/whole-entries.py" <<<"$output"
    assert_success
    run "$TOOL" table
    # The call with no address gets words and a placeholder, not nothing.
    assert_line "EADDRINUSE any|try|see who holds it: ss -tanp 'sport = :PORT'"
    assert_line "EADDRINUSE any|try|see who holds it: ss -tanp 'sport = :8080'"
}

@test "truth: every errno the lessons' calls can return (their Linux man pages) has an entry" {
    build_tool advice
    run "$TOOL" need
    assert_success
    refute_line --partial "missing"
    # ENODEV (an --iface typo) and EADDRNOTAVAIL from setsockopt among them.
    assert_line "ok setsockopt ENODEV"
    assert_line "ok setsockopt EADDRNOTAVAIL"
    ((${#lines[@]} > 100))
}

@test "truth: listen() failing with EADDRINUSE names the port it is bound to" {
    plain && skip "the plain build narrates nothing"
    build_tool tells
    # Two SO_REUSEADDR sockets bound to one port, then both listen(): Linux
    # lets both bind()s through and refuses the second listen().
    run bare "$TOOL" listen-inuse --no-color
    assert_success
    local bound
    bound=$(sed -n 's/^tells: port \([0-9]*\)$/\1/p' <<<"$output")
    [[ "$bound" =~ ^[0-9]+$ ]]
    assert_line --regexp '^listen\(4, 1\) = -1 EADDRINUSE '
    local flat
    flat=$(tr -s ' \n' '  ' <<<"$output")
    [[ "$flat" == *"ss -tanp 'sport = :$bound'"* ]]
}

@test "truth: options and calls no lesson makes are told as the values given" {
    plain && skip "the plain build narrates nothing"
    build_tool tells
    local c flat
    declare -A want=(
        [linger-off]="SO_LINGER with l_onoff=0: close() returns at once"
        [linger-0]="SO_LINGER with l_onoff=1 and l_linger=0: close() will reset the connection (RST) at once"
        [linger-5]="SO_LINGER with l_onoff=1 and l_linger=5: close() sends the FIN as usual, then waits up to 5 s"
        [rcvtimeo-0]="SO_RCVTIMEO 0: no time limit"
        [sndtimeo-0]="SO_SNDTIMEO 0: no time limit"
        [shut-rdwr]="shutdown(SHUT_RDWR) sends a FIN once the data already sent is out, and stops receiving"
        [reuse-tcp]="It never lets two sockets listen on one port"
        [reuse-udp]="SO_REUSEADDR on a UDP socket"
        [reuse-off]="SO_REUSEADDR 0:"
        [sndbuf-1024]="the kernel keeps 4608 bytes for the 1024 asked"
    )
    for c in "${!want[@]}"; do
        run bare "$TOOL" "$c" --no-color
        assert_success
        flat=$(tr -s ' \n' '  ' <<<"$output")
        if [[ "$flat" != *"${want[$c]}"* ]]; then
            echo "$c does not say: ${want[$c]}" >&2
            echo "$output" >&2
            return 1
        fi
    done
    # The sentences that were wrong for these values are gone.
    run bare "$TOOL" linger-5 --no-color
    refute_output --partial "l_linger=0"
    run bare "$TOOL" shut-rdwr --no-color
    refute_output --partial "This side can still receive"
    run bare "$TOOL" reuse-udp --no-color
    refute_output --partial "TIME_WAIT"
}

@test "truth: no lesson that takes a path changes a regular file given there" {
    local f="$BATS_TEST_TMPDIR/notes.txt" sum d="$BATS_TEST_TMPDIR/site"
    printf 'precious data\nsecond line\n' >"$f"
    sum=$(sha256sum <"$f")
    # 17: a server refuses a path that is not a socket; a client cannot
    # connect to it.
    run bare timeout "$WAIT_RUN" "$BIN/17-unix-server" --path "$f" --timeout 2
    [ "$status" -eq 1 ]
    [ "$(sha256sum <"$f")" = "$sum" ] || fail "17-unix-server changed $f"
    run bare timeout "$WAIT_RUN" "$BIN/17-unix-client" --path "$f" --timeout 2
    [ "$status" -ne 0 ]
    [ "$(sha256sum <"$f")" = "$sum" ] || fail "17-unix-client changed $f"
    # 16: --output names a file that is there: left alone, exit 1.
    mkdir "$d"
    printf 'the body\n' >"$d/page.txt"
    start_server "$BATS_TEST_TMPDIR/server" 16-http-server --root "$d" \
        --count 1 --timeout 10
    run bare timeout "$WAIT_RUN" "$BIN/16-http-client" \
        --url "http://127.0.0.1:$PORT/page.txt" --output "$f" --timeout 10
    [ "$status" -eq 1 ]
    assert_output --partial "--output $f: it exists, and is left as it is"
    [ "$(sha256sum <"$f")" = "$sum" ] || fail "16-http-client changed $f"
    wait_exit "$BG_PID" 20
    # 19: --sendfile only reads it.
    start_server "$BATS_TEST_TMPDIR/recv" 19-throughput --receive --timeout 10
    run bare timeout "$WAIT_RUN" "$BIN/19-throughput" --send --port "$PORT" \
        --sendfile "$f" --timeout 10
    assert_success
    [ "$(sha256sum <"$f")" = "$sum" ] || fail "19-throughput changed $f"
    wait_exit "$BG_PID" 20
}

@test "truth: a connection left on the port blocks bind() unless both sockets set SO_REUSEADDR, as the advice says" {
    # 04-accept sets SO_REUSEADDR. The old socket without it: EADDRINUSE.
    start_bg "$BATS_TEST_TMPDIR/hold0" "$PYTHON" "$PEERS/orphan-connection.py" 0
    wait_ready "$BATS_TEST_TMPDIR/hold0"
    run_lesson "$BIN/04-accept" --port "$PORT" --timeout 1
    assert_failure 1
    assert_output --partial "bind: Address already in use"
    if ! plain; then
        assert_line "bind(3, 127.0.0.1:$PORT, 16) = -1 EADDRINUSE (Address already in use)"
        local flat
        flat=$(tr -s ' \n' '  ' <<<"$output")
        [[ "$flat" == *"unless both its socket and this one set SO_REUSEADDR"* ]]
    fi
    # The old socket with it: the same bind() succeeds.
    start_bg "$BATS_TEST_TMPDIR/hold1" "$PYTHON" "$PEERS/orphan-connection.py" 1
    wait_ready "$BATS_TEST_TMPDIR/hold1"
    run_lesson "$BIN/04-accept" --port "$PORT" --timeout 1
    assert_line "listening on 127.0.0.1:$PORT"
    refute_output --partial "Address already in use"
}

# Children end in clumps of 30 while the parent narrates; its output goes
# through a reader that takes 256 bytes at a time, so a SIGCHLD often
# comes while the narrator is telling the handler's earlier calls. Each
# pid forked must be told exactly once as reaped. (Before the narrator
# copied its list, 2 to 4 runs in 12 lost or repeated a pid.)
@test "truth: every waitpid() a SIGCHLD handler makes is told once, children ending in clumps" {
    build_tool reaping
    local run forked got
    for run in 1 2 3 4; do
        "$TOOL" | "$PYTHON" "$PEERS/slow-copy.py" >"$BATS_TEST_TMPDIR/out"
        forked=$(sed -n 's/^fork() = \([0-9]*\)$/\1/p' "$BATS_TEST_TMPDIR/out" | sort)
        got=$(sed -nE 's/^(\[SIGCHLD handler\] )?waitpid\(-1, NULL, (WNOHANG|0)\) = ([0-9]+)$/\3/p' \
            "$BATS_TEST_TMPDIR/out" | grep -v '^0$' | sort)
        [ "$(wc -l <<<"$forked")" -eq 300 ]
        if [ "$forked" != "$got" ]; then
            local pid
            for pid in $(comm -3 <(echo "$forked") <(echo "$got") | head -3); do
                echo "lines with $pid:" >&2
                grep -n -B2 -A2 -w "$pid" "$BATS_TEST_TMPDIR/out" >&2
            done
            cp "$BATS_TEST_TMPDIR/out" "${TMPDIR:-/tmp}/reaping.failed.$$"
            fail "run $run: forked and told as reaped differ: $(comm -3 <(echo "$forked") <(echo "$got") | tr '\n' ' ')"
        fi
    done
}

# narrated FILE CMD...: CMD under scripts/narrate, its narration in FILE,
# each call and each note on one line (SOCKSTEP_NOWRAP); bats' run.
narrated() {
    local file="$1"
    shift
    [[ -f "$ROOT/build/libsockstep.so" ]] ||
        fail "build/libsockstep.so is not built (make)"
    SOCKSTEP_NOWRAP=1 run "$HOSTILE/run-clean" \
        "$ROOT/scripts/narrate" --out "$file" -- "$@"
}

# no_lesson_words FILE: FILE names no lesson option and no lesson.
no_lesson_words() {
    run grep -nE -- '--(timeout|port|host|path|iface)|the lesson' "$1"
    assert_failure
}

@test "truth: outside a lesson, EAGAIN is told from the socket: its real SO_RCVTIMEO, MSG_DONTWAIT; no --timeout" {
    narrated "$BATS_TEST_TMPDIR/nar" "$PYTHON" -c '
import socket, struct
a, b = socket.socketpair()
a.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", 1, 0))
for flags in (0, socket.MSG_DONTWAIT):
    try:
        a.recv(10, flags)
    except BlockingIOError:
        print("EAGAIN")
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.1", 0))
u.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", 0, 200000))
try:
    u.recvfrom(10)
except BlockingIOError:
    print("EAGAIN")'
    assert_success
    assert_output $'EAGAIN\nEAGAIN\nEAGAIN'
    run cat "$BATS_TEST_TMPDIR/nar"
    assert_line --regexp '^    likely cause: fd 3 has SO_RCVTIMEO 1 s: nothing arrived within that time$'
    assert_line --regexp '^    expected: MSG_DONTWAIT asked it not to wait on fd 3, so recv\(\) returned at once'
    # 200 ms as the kernel keeps it (in its ticks): about 200 ms
    assert_line --regexp '^    likely cause: fd 5 has SO_RCVTIMEO (1|2)[0-9]{2} ms: nothing arrived within that time$'
    no_lesson_words "$BATS_TEST_TMPDIR/nar"
}

@test "truth: outside a lesson, a program that gives up at EINTR is told to call again, not that 'the lesson' does" {
    cat >"$BATS_TEST_TMPDIR/eintr.c" <<'C'
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
static void on_alarm(int sig)
{
    (void)sig;
}
int main(void)
{
    struct sigaction sa;
    struct itimerval it = {{0, 0}, {0, 100000}};
    int sv[2];
    char b[16];
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm; /* no SA_RESTART: recv() fails with EINTR */
    sigaction(SIGALRM, &sa, NULL);
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        return 2;
    setitimer(ITIMER_REAL, &it, NULL);
    if (recv(sv[0], b, sizeof b, 0) == -1) {
        perror("recv");
        return 1;
    }
    return 0;
}
C
    cc -o "$BATS_TEST_TMPDIR/eintr" "$BATS_TEST_TMPDIR/eintr.c"
    narrated "$BATS_TEST_TMPDIR/nar" "$BATS_TEST_TMPDIR/eintr"
    assert_failure 1
    assert_output "recv: Interrupted system call"
    run cat "$BATS_TEST_TMPDIR/nar"
    assert_line "recv(3, buf, 16, 0) = -1 EINTR (Interrupted system call)"
    assert_line "    try: nothing is wrong: call it again. A program that takes EINTR for a failure stops here early"
    no_lesson_words "$BATS_TEST_TMPDIR/nar"
}

@test "truth: outside a lesson, a refused connect() and a taken port are advised without --port or --host" {
    local nobody
    nobody=$(free_port)
    narrated "$BATS_TEST_TMPDIR/nar" "$PYTHON" -c '
import socket, sys
c = socket.socket()
try:
    c.connect(("127.0.0.1", int(sys.argv[1])))
except ConnectionRefusedError:
    print("refused")
a = socket.socket()
a.bind(("127.0.0.1", 0))
a.listen()
b = socket.socket()
try:
    b.bind(a.getsockname())
except OSError:
    print("taken")' "$nobody"
    assert_output $'refused\ntaken'
    run cat "$BATS_TEST_TMPDIR/nar"
    assert_line --partial "try: start the server first, and check the address and port it listens on"
    assert_line --partial "or bind another port, or port 0 to let the kernel choose"
    no_lesson_words "$BATS_TEST_TMPDIR/nar"
}

@test "truth: a Unix connect() refused by a regular file or a socket that does not listen is not called a stale server's file" {
    narrated "$BATS_TEST_TMPDIR/nar" "$PYTHON" -c '
import os, socket, sys
d = sys.argv[1]
open(os.path.join(d, "file"), "w").close()
s = socket.socket(socket.AF_UNIX)
s.bind(os.path.join(d, "bound"))
for name in ("file", "bound"):
    try:
        socket.socket(socket.AF_UNIX).connect(os.path.join(d, name))
    except ConnectionRefusedError:
        print("refused")' "$BATS_TEST_TMPDIR"
    assert_output $'refused\nrefused'
    run grep -c "likely cause: no socket listens on $BATS_TEST_TMPDIR/.*: the file there is a socket whose server has ended (or has not called listen() yet), or not a socket" "$BATS_TEST_TMPDIR/nar"
    assert_output 2
}

@test "truth: a datagram that fills the buffer may have been cut: never told 'one whole datagram'; MSG_TRUNC's real length told" {
    narrated "$BATS_TEST_TMPDIR/nar" "$PYTHON" -c '
import socket
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.1", 0))
v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for d in (b"x" * 2000, b"y" * 2000, b"z" * 2000, b"last"):
    v.sendto(d, u.getsockname())
print(len(u.recv(100)), len(u.recvfrom(100)[0]))
print(len(u.recv(100, socket.MSG_TRUNC)), u.recvfrom(100)[0])'
    assert_output --regexp $'^100 100\n[0-9]+ b\'last\'$'
    run cat "$BATS_TEST_TMPDIR/nar"
    assert_line "    the datagram filled the buffer, 100 bytes: it may have been longer, and if it was, its rest is lost: the kernel keeps no part of a datagram for a later call. MSG_TRUNC in the flags makes recv() return its real length (on Linux)"
    assert_line --partial "MSG_TRUNC in the flags makes recvfrom() return its real length"
    assert_line "    the datagram was longer than the buffer (2000 bytes): only the first 100 were kept and the rest is lost (MSG_TRUNC made recv() return the real length)"
    # "whole" only for the 4 bytes of the last one
    run grep -c "whole datagram" "$BATS_TEST_TMPDIR/nar"
    assert_output 1
    run grep "whole datagram" "$BATS_TEST_TMPDIR/nar"
    assert_output --partial "(here 4 bytes)"
}

@test "truth: recv() = 0 is the end of the stream, not always a FIN: after this side's SHUT_RD, later bytes still come" {
    narrated "$BATS_TEST_TMPDIR/nar" "$PYTHON" -c '
import socket
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen()
c = socket.create_connection(l.getsockname())
s, _ = l.accept()
s.shutdown(socket.SHUT_RD)
print(s.recv(10))
c.sendall(b"later")
print(s.recv(10))'
    assert_output $'b\'\'\nb\'later\''
    run cat "$BATS_TEST_TMPDIR/nar"
    assert_said "recv() returned 0: the end of the stream. Most often the peer has closed its socket"
    assert_said "(0 comes too after a reset that an earlier call reported, and, on Linux, after this side's shutdown(SHUT_RD) while no byte waits.)"
    refute_output --partial "the peer has closed its side"
    refute_output --partial "The peer's FIN has come"
}

@test "truth: recv() = 0 after a reset is not called a FIN; after a FIN it is, with the state" {
    narrated "$BATS_TEST_TMPDIR/nar" "$PYTHON" -c '
import socket, struct
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen()
c = socket.create_connection(l.getsockname())
s, _ = l.accept()
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c.close()
try:
    s.recv(10)
except ConnectionResetError:
    print("reset")
print(s.recv(10))
c = socket.create_connection(l.getsockname())
s, _ = l.accept()
c.close()
print(s.recv(10))'
    assert_output $'reset\nb\'\'\nb\'\''
    run cat "$BATS_TEST_TMPDIR/nar"
    # the first 0 (after the reset): the general note, no FIN
    run grep -m1 -A2 -E '^recv\([0-9]+, "", 10, 0\) = 0$' "$BATS_TEST_TMPDIR/nar"
    assert_output --partial "Most often the peer has closed its socket"
    refute_output --partial "The peer's FIN has come"
    # the second (the next accepted socket, after a plain close): the FIN
    run grep -c "The peer's FIN has come (the kernel lists the connection as CLOSE_WAIT)" "$BATS_TEST_TMPDIR/nar"
    assert_output 1
}

@test "truth: close() after SO_LINGER {1, 0} says RST, and the peer reads what had come, then ECONNRESET" {
    narrated "$BATS_TEST_TMPDIR/nar" "$PYTHON" -c '
import socket, struct
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen()
c = socket.create_connection(l.getsockname())
s, _ = l.accept()
c.sendall(b"data")
s.settimeout(5)
print(s.recv(2))
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c.close()
print(s.recv(10))
try:
    s.recv(10)
except ConnectionResetError:
    print("reset")'
    assert_output $'b\'da\'\nb\'ta\'\nreset'
    run cat "$BATS_TEST_TMPDIR/nar"
    # the client's close(), and what is said of it
    run grep -A1 '^close(4) = 0$' "$BATS_TEST_TMPDIR/nar"
    assert_output "close(4) = 0
    SO_LINGER is on with a time of 0, and this was the last descriptor: the kernel ended the connection with RST, not FIN, and threw away what was not sent yet. On Linux the peer's recv() returns what had arrived, then fails with ECONNRESET"
}

# repeats N SECONDS: recv(MSG_DONTWAIT) on an empty socket N times,
# sleeping SECONDS after each (0: not at all), under narrate; the
# narration in $BATS_TEST_TMPDIR/nar.N.
repeats() {
    narrated "$BATS_TEST_TMPDIR/nar.$1" "$PYTHON" -c '
import socket, sys, time
a, b = socket.socketpair()
for i in range(int(sys.argv[1])):
    try:
        a.recv(10, socket.MSG_DONTWAIT)
    except BlockingIOError:
        pass
    if sys.argv[2] != "0":
        time.sleep(float(sys.argv[2]))' "$@"
    assert_success
}

@test "truth: a loop that waits between its calls is polling, not spinning; one that never waits spins" {
    repeats 8 0.1
    run grep "more times" "$BATS_TEST_TMPDIR/nar.8"
    assert_output "recv() returned -1 EAGAIN on fd 3, 5 more times in all: polling: the same call again and again, and the process waits between the tries or in them, so it does not spin"
    repeats 300 0
    run grep "more times" "$BATS_TEST_TMPDIR/nar.300"
    assert_line "recv() returned -1 EAGAIN on fd 3, 297 more times in all: nothing has come, and the call may not wait (O_NONBLOCK or MSG_DONTWAIT): the loop spins instead of waiting in poll() for POLLIN"
}

@test "truth: a loop that spins on a full send buffer is told so, whatever bytes it sends" {
    # A non-blocking sender whose peer never reads: once the buffer is
    # full, send() fails with EAGAIN, 300 times without a wait. Its
    # bytes hold ") = ", as a call's key does before its result.
    narrated "$BATS_TEST_TMPDIR/nar" "$PYTHON" -c '
import socket
a, b = socket.socketpair()
a.setblocking(False)
try:
    while True:
        a.send(b"x" * 65536)
except BlockingIOError:
    pass
for i in range(300):
    try:
        a.send(b") = 0 (1) = 0")
    except BlockingIOError:
        pass'
    assert_success
    run grep "more times in all" "$BATS_TEST_TMPDIR/nar"
    assert_output --regexp '^send\(\) returned -1 EAGAIN on fd 3, [0-9]+ more times in all: the send buffer is full, and the call may not wait \(O_NONBLOCK or MSG_DONTWAIT\): the loop spins instead of waiting in poll\(\) for POLLOUT$'
}

@test "truth: epoll_ctl(EPOLL_CTL_DEL) of a descriptor not in the set: ENOENT names the set, not a path or a server" {
    narrated "$BATS_TEST_TMPDIR/nar" "$PYTHON" -c '
import select, socket
e = select.epoll()
s = socket.socket()
try:
    e.unregister(s.fileno())
except FileNotFoundError:
    print("ENOENT")'
    assert_output "ENOENT"
    run cat "$BATS_TEST_TMPDIR/nar"
    assert_line --regexp '^epoll_ctl\(3, EPOLL_CTL_DEL, 4, .*\) = -1 ENOENT '
    assert_line "    likely cause: the descriptor is not in this epoll set: EPOLL_CTL_MOD or EPOLL_CTL_DEL of one never added, or already gone (closing its last descriptor removes it)"
    refute_output --partial "start the server"
}

@test "truth: poll() on a socket never connected reports POLLHUP, and the note on POLLHUP says so" {
    narrated "$BATS_TEST_TMPDIR/nar" "$PYTHON" -c '
import select, socket
s = socket.socket()
p = select.poll()
p.register(s, select.POLLIN | select.POLLOUT)
print(p.poll(0))'
    assert_output "[(3, 20)]"
    run cat "$BATS_TEST_TMPDIR/nar"
    assert_line --partial "revents=POLLOUT|POLLHUP"
    assert_line --partial "and POLLHUP a hang-up: on Linux, a reset, a failed connect(), both sides shut down, or a socket never connected at all"
}

@test "truth: a connected UDP socket hears of a refusal: ECONNREFUSED names the earlier datagram, and sendto() does not say UDP never tells" {
    local nobody
    nobody=$(free_port udp)
    narrated "$BATS_TEST_TMPDIR/nar" "$PYTHON" -c '
import socket, sys
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.connect(("127.0.0.1", int(sys.argv[1])))
u.sendto(b"x", ("127.0.0.1", int(sys.argv[1])))
u.settimeout(5)
try:
    u.recv(10)
except ConnectionRefusedError:
    print("refused")' "$nobody"
    assert_output "refused"
    run cat "$BATS_TEST_TMPDIR/nar"
    assert_line --partial "UDP never says that it arrived (a connected UDP socket may hear of a refusal later, as ECONNREFUSED)"
    # the socket is UDP: its cause alone (tests/kinds.bats: TCP's alone)
    assert_line --partial "likely cause: nothing listens where this socket sends: an ICMP 'port unreachable' came back for an earlier datagram, and this connected UDP socket reports it on this later call"
    refute_output --partial "over TCP"
}

@test "truth: a handler installed with SA_RESTART: poll(), select(), epoll_wait() and the sleeps still fail with EINTR, as the note says" {
    cat >"$BATS_TEST_TMPDIR/restart.c" <<'C'
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include "sockstep.h"
static void on_alarm(int sig)
{
    (void)sig;
}
int main(void)
{
    struct sigaction sa;
    struct itimerval it = {{0, 0}, {0, 100000}};
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    setitimer(ITIMER_REAL, &it, NULL);
    if (poll(NULL, 0, 10000) == -1 && errno == EINTR)
        printf("poll: EINTR\n");
    return 0;
}
C
    cc_strict -I "$ROOT/lessons/common" \
        "$BATS_TEST_TMPDIR/restart.c" -o "$BATS_TEST_TMPDIR/restart"
    SOCKSTEP_NOWRAP=1 run "$HOSTILE/run-clean" "$BATS_TEST_TMPDIR/restart"
    assert_success
    assert_line "poll: EINTR"
    assert_line --partial "A call the handler interrupts is made again (SA_RESTART), except, on Linux, a socket call with a timeout (SO_RCVTIMEO, SO_SNDTIMEO), poll(), select(), epoll_wait() and the sleeps: they fail with EINTR"
}

@test "truth: outside a lesson, connect() again while its handshake waits: EALREADY is a handshake under way, with no --timeout" {
    # A listening socket with backlog 0 holds one connection; the next
    # SYN is dropped, so the second client's handshake stays under way.
    narrated "$BATS_TEST_TMPDIR/nar" "$PYTHON" -c '
import errno, socket, time
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(0)
first = socket.socket()
first.setblocking(False)
first.connect_ex(l.getsockname())
time.sleep(0.2)
c = socket.socket()
c.setblocking(False)
for i in range(2):
    print(errno.errorcode[c.connect_ex(l.getsockname())])'
    assert_output $'EINPROGRESS\nEALREADY'
    run cat "$BATS_TEST_TMPDIR/nar"
    assert_line --regexp '^connect\(5, 127\.0\.0\.1:[0-9]+, 16\) = -1 EALREADY '
    assert_line "    likely cause: a handshake for this socket is already under way: connect() was called again before it finished"
    assert_line "    try: wait for it: poll() for POLLOUT, then read SO_ERROR"
    no_lesson_words "$BATS_TEST_TMPDIR/nar"
}

@test "truth: MSG_NOSIGNAL's note says when SIGPIPE is ignored already, so that it changes nothing there" {
    cat >"$BATS_TEST_TMPDIR/nosig.c" <<'C'
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <sys/socket.h>
int main(int argc, char **argv)
{
    int sv[2];
    (void)argv;
    if (argc > 1)
        signal(SIGPIPE, SIG_IGN);
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        return 1;
    return send(sv[0], "x", 1, MSG_NOSIGNAL) == 1 ? 0 : 1;
}
C
    cc -o "$BATS_TEST_TMPDIR/nosig" "$BATS_TEST_TMPDIR/nosig.c"
    narrated "$BATS_TEST_TMPDIR/nar" "$BATS_TEST_TMPDIR/nosig"
    assert_success
    run cat "$BATS_TEST_TMPDIR/nar"
    assert_line "    MSG_NOSIGNAL: if a send fails with EPIPE, the kernel does not also send SIGPIPE, which by default ends the program"
    narrated "$BATS_TEST_TMPDIR/nar.ign" "$BATS_TEST_TMPDIR/nosig" ignore
    assert_success
    run cat "$BATS_TEST_TMPDIR/nar.ign"
    assert_line "    MSG_NOSIGNAL: if a send fails with EPIPE, the kernel does not also send SIGPIPE, which by default ends the program. This process ignores SIGPIPE already, so here it changes nothing"
}

@test "truth: an address length too short for AF_INET is named as the cause of EINVAL, with sizeof to pass" {
    cat >"$BATS_TEST_TMPDIR/short.c" <<'C'
#define _POSIX_C_SOURCE 200809L
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
int main(void)
{
    struct sockaddr_in sin;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd == -1 || bind(fd, (struct sockaddr *)&sin, 3) != -1 ||
        connect(fd, (struct sockaddr *)&sin, 8) != -1)
        return 1;
    return 0;
}
C
    cc -o "$BATS_TEST_TMPDIR/short" "$BATS_TEST_TMPDIR/short.c"
    narrated "$BATS_TEST_TMPDIR/nar" "$BATS_TEST_TMPDIR/short"
    assert_success
    run cat "$BATS_TEST_TMPDIR/nar"
    assert_line "bind(3, {family 2, 3 bytes}, 3) = -1 EINVAL (Invalid argument)"
    assert_line "    likely cause: the address length, 3, is too short for AF_INET: a struct sockaddr_in is 16 bytes"
    assert_line --regexp "^connect\(3, .*, 8\) = -1 EINVAL \(Invalid argument\)$"
    assert_line "    likely cause: the address length, 8, is too short for AF_INET: a struct sockaddr_in is 16 bytes"
    assert_line "    try: pass the size of the address's struct: sizeof(struct sockaddr_in), or sizeof the variable that holds the address"
    refute_output --partial "IPV6_V6ONLY"
}

@test "truth: outside a lesson, bind()'s EADDRINUSE names who holds the port, from /proc/net, and whether this socket set SO_REUSEADDR" {
    narrated "$BATS_TEST_TMPDIR/nar" "$PYTHON" -c '
import socket
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", 0))
l.listen(1)
port = l.getsockname()[1]
c = socket.create_connection(("127.0.0.1", port))
s, _ = l.accept()
l.close()
s.close()  # this side closed first: its port is held by a FIN_WAIT socket
for reuse, where in ((0, port), (1, None)):
    if where is None:
        m = socket.socket()
        m.bind(("127.0.0.1", 0))
        m.listen(1)
        where = m.getsockname()[1]
    b = socket.socket()
    if reuse:
        b.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        b.bind(("127.0.0.1", where))
    except OSError as e:
        print(e.errno)
    b.close()'
    assert_output $'98\n98'
    run cat "$BATS_TEST_TMPDIR/nar"
    assert_line --regexp '^    kernel: port [0-9]+ is held by a connection in FIN_WAIT[12], 127\.0\.0\.1:[0-9]+ to 127\.0\.0\.1:[0-9]+ \(from /proc/net/tcp\)$'
    assert_line --regexp '^    fd [0-9]+ did not set SO_REUSEADDR before bind\(\): on Linux a port that only closed connections hold \(TIME_WAIT, FIN_WAIT2\) can be bound again when both their socket and this one set it; a listener.s port cannot$'
    assert_line --regexp '^    kernel: port [0-9]+ is held by a listener on 127\.0\.0\.1:[0-9]+ \(from /proc/net/tcp\)$'
    assert_line --regexp '^    fd [0-9]+ set SO_REUSEADDR before bind\(\): a port held by a listener, or by a connection whose socket did not set it, is still refused$'
    no_lesson_words "$BATS_TEST_TMPDIR/nar"
}

@test "truth: send() on a connected UDP socket is one datagram, not bytes TCP delivers; one byte is 'it'" {
    narrated "$BATS_TEST_TMPDIR/nar" "$PYTHON" -c '
import socket
r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
r.bind(("127.0.0.1", 0))
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.connect(r.getsockname())
u.send(b"x")
print(r.recv(10))
t = socket.create_server(("127.0.0.1", 0))
c = socket.create_connection(t.getsockname())
c.send(b"y")'
    assert_output "b'x'"
    run cat "$BATS_TEST_TMPDIR/nar"
    assert_line --partial "send() handed one datagram of 1 byte to the kernel for the connected peer."
    # joined: the note wraps at 78 columns
    [[ "$(tr '\n' ' ' <"$BATS_TEST_TMPDIR/nar" | tr -s ' ')" == *"send() copied 1 byte into the kernel's send buffer and returned; TCP delivers it later. A return says nothing about whether the peer has it"* ]]
    [[ "$(grep -c 'TCP delivers' "$BATS_TEST_TMPDIR/nar")" -eq 1 ]]
}

@test "truth: past the narrator's table of sockets, it says once, under the call, that it forgets what was set" {
    # N sockets at once, the last a connected client: past the
    # narrator's table (64), its SO_LINGER of 0 is not remembered and
    # its close() gets no word of a RST; the narration says why, once.
    local n
    for n in 60 70; do
        narrated "$BATS_TEST_TMPDIR/nar.$n" "$PYTHON" -c '
import socket, struct, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]) - 3)]
srv = socket.create_server(("127.0.0.1", 0))
c = socket.create_connection(srv.getsockname())
conn, _ = srv.accept()
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c.close()' "$n"
        assert_success
    done
    run grep -c 'more than 64 sockets are open at once' "$BATS_TEST_TMPDIR/nar.70"
    assert_output 1
    # It is told under the call that made the 65th socket, not a call
    # later: 65 sockets made above it.
    run awk '/more than 64 sockets/ { print n; exit }
        /^(socket|accept4?)\(.*\) = [0-9]+$/ { n++ }' "$BATS_TEST_TMPDIR/nar.70"
    assert_output 65
    run grep -c 'more than 64 sockets' "$BATS_TEST_TMPDIR/nar.60"
    assert_output 0
    # With 60, the close() of the lingering socket is told as a RST;
    # with 70 it is not.
    grep -q 'SO_LINGER is on with a time of 0' "$BATS_TEST_TMPDIR/nar.60"
    run grep -c 'SO_LINGER is on with a time of 0' "$BATS_TEST_TMPDIR/nar.70"
    assert_output 0
}

@test "truth: a TCP queue's count tells bytes apart from a SYN or FIN, which /proc counts as one more" {
    # The kernel's fact behind the words: /proc/net/tcp counts the peer's
    # FIN in rx_queue until recv() returns 0 (16 bytes and a FIN: 17).
    run "$PYTHON" - <<'PY'
import socket, time
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen()
c = socket.create_connection(srv.getsockname())
a, _ = srv.accept(); a.sendall(b"x" * 16); a.close()
def rxq():
    port = "%04X" % c.getsockname()[1]
    for line in open("/proc/net/tcp"):
        f = line.split()
        if f[1].endswith(":" + port):
            return f[3], int(f[4].split(":")[1], 16)
for _ in range(100):  # until the FIN has come
    if rxq()[0] == "08":
        break
    time.sleep(0.05)
print("before", *rxq())
while c.recv(100):
    pass
print("after", *rxq())
PY
    assert_success
    assert_line "before 08 17"
    assert_line "after 08 0"
    # The words, from the counts and the state.
    cat >"$BATS_TEST_TMPDIR/queues.c" <<'C'
#define _POSIX_C_SOURCE 200809L
#include "sockstep.h"
int main(void)
{
    struct { int state; unsigned long rxq, txq; } cases[] = {
        {SS_TCP_CLOSE_WAIT, 17, 0}, {SS_TCP_CLOSE_WAIT, 1, 0},
        {SS_TCP_ESTABLISHED, 1, 2}, {SS_TCP_FIN_WAIT1, 0, 1},
        {SS_TCP_LAST_ACK, 2, 5}, {SS_TCP_SYN_SENT, 0, 1},
        {SS_TCP_FIN_WAIT2, 0, 0}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ss_procsock s = {0};
        char out[200] = "";
        s.state = cases[i].state;
        s.rxq = cases[i].rxq;
        s.txq = cases[i].txq;
        ss_tcp_queues(out, sizeof out, &s);
        printf("%s:%s\n", ss_tcp_state(s.state), out);
    }
    return 0;
}
C
    cc_strict -I "$ROOT/lessons/common" \
        "$BATS_TEST_TMPDIR/queues.c" -o "$BATS_TEST_TMPDIR/queues"
    run "$BATS_TEST_TMPDIR/queues"
    assert_success
    assert_output "CLOSE_WAIT:, 16 bytes and the peer's FIN received and unread
CLOSE_WAIT:, the peer's FIN received and unread
ESTABLISHED:, 1 byte received and unread, 2 bytes not yet acknowledged by the peer
FIN_WAIT1:, its FIN not yet acknowledged by the peer
LAST_ACK:, 1 byte and the peer's FIN received and unread, 4 bytes and its FIN not yet acknowledged by the peer
SYN_SENT:, its SYN not yet acknowledged by the peer
FIN_WAIT2:"
}

@test "truth: a connection reset in the accept queue, when the server closes its listening socket: ECONNRESET's cause names it" {
    plain && skip "the plain build narrates nothing"
    cc_strict "$ROOT/lessons/plain/connect.c" -o "$BATS_TEST_TMPDIR/connect"
    run "$PYTHON" - "$ROOT/scripts/narrate" "$BATS_TEST_TMPDIR/connect" <<'PY'
import select, socket, subprocess, sys, time
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(5)
port = srv.getsockname()[1]
cli = subprocess.Popen([sys.argv[1], "--", sys.argv[2], "127.0.0.1",
                        str(port)], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
select.select([srv], [], [], 30)  # its connection waits in the queue
time.sleep(0.2)  # and the client in recv() (a reset before it fails it too)
srv.close()  # never accepted: the kernel resets the queued connection
out, err = cli.communicate(timeout=30)
print(out + err)
PY
    assert_success
    assert_line --partial "connected from port"
    assert_line --regexp '^recv\(3, buf, 512, 0\) = -1 ECONNRESET'
    local flat
    flat=$(tr -s ' \n' '  ' <<<"$output")
    [[ "$flat" == *"or the connection still waited in a server's accept queue when the server closed its listening socket"* ]]
}

# ETIMEDOUT after the peer had answered (truth-5 I-a): a connection that
# exchanged data, then loses every packet (an nft rule in a namespace of
# its own) while TCP_USER_TIMEOUT is 1.5 s. The advice must not send the
# reader to check the address that just worked.
@test "truth: ETIMEDOUT on a connection that had answered advises no address check" {
    plain && skip "the plain build narrates nothing"
    command -v nft >/dev/null || skip "nft is not installed"
    need_unshare -rn -- nft list tables
    local nar="$BATS_TEST_TMPDIR/nar"
    SOCKSTEP_NOWRAP=1 run timeout "$WAIT_LONG" unshare -rn sh -c \
        'ip link set lo up && exec "$@"' sh \
        "$ROOT/scripts/narrate" --out "$nar" -- "$PYTHON" -c '
import socket, subprocess
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
c = socket.create_connection(l.getsockname()); a, _ = l.accept()
c.send(b"hello"); a.recv(5)
subprocess.run(["nft", "-f", "-"], check=True, text=True, input=
    "table inet t { chain o { type filter hook output priority 0; "
    "oif \"lo\" drop; }; }\n")
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, 1500)
c.settimeout(60)
c.send(b"more")
try:
    c.recv(100)
except OSError as e:  # a 60 s timeout has no errno
    print(e.errno == 110 and "ETIMEDOUT" or e)'
    assert_success
    assert_output "ETIMEDOUT"
    run grep -A3 "^recv([0-9]*, buf, 100, 0) = -1 ETIMEDOUT" "$nar"
    [ "$status" -eq 0 ] || cat "$nar" >&2
    assert_success
    assert_output --partial "though it may have answered before"
    assert_output --partial "try: check that the peer is still up"
    refute_output --partial "check the address"
}
