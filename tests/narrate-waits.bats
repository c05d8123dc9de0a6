#!/usr/bin/env bats
# scripts/narrate and the calls that wait on many descriptors (select,
# pselect, poll, ppoll, epoll_wait, epoll_pwait) or move a socket's bytes
# in pieces (readv, writev, sendmmsg, recvmmsg): told when a socket is
# among them, silent otherwise. The programs narrated are not ours:
# socat (select), nc (poll), Python's select and selectors modules, and
# a small C program written here for the calls no such tool makes.

bats_require_minimum_version 1.5.0

load test_helper

NARRATE="$ROOT/scripts/narrate"

setup() {
    [[ -f "$ROOT/build/libsockstep.so" ]] ||
        fail "build/libsockstep.so is not built (make)"
    NAR="$BATS_TEST_TMPDIR/narration"
    export SOCKSTEP_NOWRAP=1 # each line whole, for the patterns
}

# results NAME FILE: the results of NAME's call lines in a narration, one
# a line ("3", "-1 EINTR").
results() {
    sed -nE "s/^$1\\(.*\\) = (-?[0-9]+)( (E[A-Z]+))?.*$/\\1 \\3/p" "$2" |
        sed 's/ $//'
}

# traced NAME FILE: the same from strace's lines ("? ERESTARTNOHAND" is
# an interrupted call, told by the C library as -1 EINTR).
traced() {
    sed -nE "s/^([0-9]+ +)?$1\\(.*\\) += (-?[0-9]+|\\?)( (E[A-Z]+))?.*$/\\2 \\4/p" "$2" |
        sed -e 's/ $//' -e 's/^? ERESTART[A-Z]*$/-1 EINTR/'
}

@test "narrate-waits: socat's select() names stdin and the socket, its timeout, and what was ready; strace saw the same waits" {
    command -v socat >/dev/null || skip "no socat"
    need_strace
    start_bg "$BATS_TEST_TMPDIR/sink" "$PYTHON" "$PEERS/echo-server.py" echo
    wait_ready "$BATS_TEST_TMPDIR/sink" 30
    # glibc's select() is the pselect6 system call
    run strace -f -o "$BATS_TEST_TMPDIR/trace" -e trace=pselect6,select \
        "$NARRATE" --out "$NAR" -- socat -t 30 - "TCP:127.0.0.1:$PORT" <<<"via socat"
    assert_success
    assert_output "via socat"
    run cat "$NAR"
    # the first wait: stdin and the socket to read, stdout and the socket
    # to write, no time limit
    assert_line --regexp '^select\(([0-9]+), \[0 ([0-9]+)\], \[1 \2\], \[\], NULL\) = [0-9]+$'
    assert_line --regexp '^    waits for: fd 0 or [0-9]+ to read, fd 1 or [0-9]+ to write; no time limit$'
    assert_line --regexp '^    ready: fd 0( and [0-9]+)? to read'
    # after its input ends, socat waits for the socket as long as -t says
    # (30 s here: its default, half a second, is shorter than an echo
    # takes on a busy machine)
    assert_line --regexp '^select\([0-9]+, \[[0-9]+\], .*\{tv_sec=30, tv_usec=0\}\) = [0-9]+$'
    assert_line --regexp '^    waits for: fd [0-9]+ to read(, fd 1 to write)?; at most 30 s$'
    # every select() strace saw was told, with its result, in order
    [ -n "$(results select "$NAR")" ]
    [ "$(results select "$NAR")" = "$(traced pselect6 "$BATS_TEST_TMPDIR/trace")" ]
}

@test "narrate-waits: nc's poll() names stdin and the socket, with no time limit" {
    start_bg "$BATS_TEST_TMPDIR/sink" "$PYTHON" "$PEERS/echo-server.py" echo
    wait_ready "$BATS_TEST_TMPDIR/sink" 30
    run "$NARRATE" --out "$NAR" -- nc -N 127.0.0.1 "$PORT" <<<"via nc"
    assert_success
    assert_output "via nc"
    run cat "$NAR"
    assert_line --regexp '^poll\(\[\{fd=0, events=POLLIN\}, \{fd=([0-9]+), .*\], 4, -1\) = [0-9]+$'
    assert_line --regexp '^    waits for: fd 0 or [0-9]+ to read; no time limit$'
    assert_line --regexp '^    ready: \{fd=0, revents=POLLIN'
}

@test "narrate-waits: Python's select() on stdin and a socket: both named, the time runs out, then the ready ones; a select() on a pipe alone is silent" {
    run "$ROOT/tests/hostile/run-clean" "$NARRATE" --out "$NAR" -- "$PYTHON" -c '
import os, select, socket
a, b = socket.socketpair()
r, w = os.pipe()
os.dup2(r, 0)  # stdin: a pipe with nothing in it
print(select.select([0, a], [], [], 0.2))
b.send(b"x")
print(len(select.select([0, a], [b], [], None)[0]))
select.select([r], [w], [], 0)
print(select.select([0], [], [], 0.01))'
    assert_success
    assert_output $'([], [], [])\n1\n([], [], [])'
    run cat "$NAR"
    assert_line "select(4, [0 3], NULL, NULL, {tv_sec=0, tv_usec=200000}) = 0"
    assert_line "    waits for: fd 0 or 3 to read; at most 200 ms"
    assert_line "    nothing was ready before the timeout"
    assert_line "select(5, [0 3], [4], NULL, NULL) = 2"
    assert_line "    waits for: fd 0 or 3 to read, fd 4 to write; no time limit"
    assert_line "    ready: fd 3 to read, fd 4 to write"
    # a wait without a socket is not told
    [ "$(grep -c '^select(' "$NAR")" -eq 2 ]
}

@test "narrate-waits: selectors' epoll_wait() names the set's sockets and its timeout; an epoll set of a pipe alone is silent" {
    run "$ROOT/tests/hostile/run-clean" "$NARRATE" --out "$NAR" -- "$PYTHON" -c '
import os, selectors, socket
a, b = socket.socketpair()
sel = selectors.EpollSelector()
sel.register(a, selectors.EVENT_READ)
print(len(sel.select(timeout=0.1)))
b.send(b"x")
print(len(sel.select(timeout=1)))
p, q = os.pipe()
pipes = selectors.EpollSelector()
pipes.register(p, selectors.EVENT_READ)
print(len(pipes.select(timeout=0)))'
    assert_success
    assert_output $'0\n1\n0'
    run cat "$NAR"
    assert_line --regexp '^epoll_wait\(([0-9]+), events, 1, 100\) = 0$'
    assert_line --regexp '^    waits for: fd 3 to read \(the entries of epoll set [0-9]+\); at most 100 ms$'
    assert_line "    nothing was ready before the timeout"
    assert_line --regexp '^epoll_wait\([0-9]+, events, 1, 1000\) = 1$'
    assert_line "    ready: {fd=3, events=EPOLLIN}"
    [ "$(grep -c '^epoll_wait(' "$NAR")" -eq 2 ]
}

# loop SLEEP: a Python loop of 40 select()s with a timeout of 0 on a
# socket with nothing to read, sleeping SLEEP seconds between them (0:
# not at all), under narrate.
# loop SLEEP COUNT: COUNT select()s with a timeout of 0 on a socket,
# SLEEP seconds apart.
loop() {
    run "$ROOT/tests/hostile/run-clean" "$NARRATE" --out "$NAR.$1" -- \
        "$PYTHON" -c '
import select, socket, sys, time
a, b = socket.socketpair()
for i in range(int(sys.argv[2])):
    select.select([a], [], [], 0)
    if sys.argv[1] != "0":
        time.sleep(float(sys.argv[1]))' "$1" "$2"
    assert_success
}

@test "narrate-waits: a select() loop that never waits spins; one that sleeps between its calls polls" {
    # "spins" only after 100 rounds or more with no wait meanwhile
    loop 0 150
    run grep "more times in all" "$NAR.0"
    assert_output "select() returned 0, 147 more times in all: the wait returns at once, every time (a timeout of 0, or a descriptor it reports ready that the loop never reads or writes): the loop spins without waiting"
    loop 0.02 40
    run grep "more times in all" "$NAR.0.02"
    assert_output "select() returned 0, 37 more times in all: polling: the same call again and again, and the process waits between the tries or in them, so it does not spin"
}

@test "narrate-waits: readv, writev, sendmmsg and recvmmsg on sockets told with their buffers and messages; a pipe's writev is not; an EINTR in select() despite SA_RESTART" {
    need_strace
    cat >"$BATS_TEST_TMPDIR/vec.c" <<'C'
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

static void on_alarm(int sig)
{
    (void)sig;
}

int main(void)
{
    int sv[2], dg[2], p[2];
    char a[4], b[16], m[3][8];
    struct iovec out[2] = {{"hello", 5}, {" world\n", 7}};
    struct iovec in[2] = {{a, sizeof a}, {b, sizeof b}};
    struct iovec d[2] = {{"one", 3}, {"two!", 4}};
    struct iovec r[3] = {{m[0], 8}, {m[1], 8}, {m[2], 8}};
    struct mmsghdr sm[2], rm[3];
    struct sigaction sa;
    struct itimerval it = {{0, 0}, {0, 100000}};
    fd_set rd;
    int i;

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) ||
        socketpair(AF_UNIX, SOCK_DGRAM, 0, dg) || pipe(p))
        return 1;
    printf("writev %zd\n", writev(sv[0], out, 2));
    printf("readv %zd\n", readv(sv[1], in, 2));
    printf("pipe writev %zd\n", writev(p[1], out, 2));
    memset(sm, 0, sizeof sm);
    memset(rm, 0, sizeof rm);
    for (i = 0; i < 2; i++) {
        sm[i].msg_hdr.msg_iov = &d[i];
        sm[i].msg_hdr.msg_iovlen = 1;
    }
    for (i = 0; i < 3; i++) {
        rm[i].msg_hdr.msg_iov = &r[i];
        rm[i].msg_hdr.msg_iovlen = 1;
    }
    printf("sendmmsg %d\n", sendmmsg(dg[0], sm, 2, 0));
    printf("recvmmsg %d\n", recvmmsg(dg[1], rm, 3, MSG_DONTWAIT, NULL));
    /* a handler with SA_RESTART, and a signal while select() waits */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    setitimer(ITIMER_REAL, &it, NULL);
    FD_ZERO(&rd);
    FD_SET(sv[1], &rd);
    printf("select %d\n", select(sv[1] + 1, &rd, NULL, NULL, NULL));
    return 0;
}
C
    cc -std=c11 -Wall -Wextra -Werror -o "$BATS_TEST_TMPDIR/vec" "$BATS_TEST_TMPDIR/vec.c"
    run strace -f -o "$BATS_TEST_TMPDIR/trace" \
        -e trace=readv,writev,sendmmsg,recvmmsg,pselect6,select \
        "$ROOT/tests/hostile/run-clean" "$NARRATE" --out "$NAR" -- \
        "$BATS_TEST_TMPDIR/vec"
    assert_success
    assert_output $'writev 12\nreadv 12\npipe writev 12\nsendmmsg 2\nrecvmmsg 2\nselect -1'
    run cat "$NAR"
    assert_line 'writev(3, [{"hello", 5}, {" world\n", 7}], 2) = 12'
    assert_line "    12 bytes written from 2 buffers, 12 in all"
    assert_line 'readv(4, [{"hell", 4}, {"o world\n", 16}], 2) = 12'
    assert_line "    12 bytes read into 2 buffers, 20 bytes of room in all"
    assert_line 'sendmmsg(5, [{"one", 3}, {"two!", 4}], 2, 0) = 2'
    assert_line "    2 of 2 messages sent, of 3 and 4 bytes"
    assert_line 'recvmmsg(6, [{"one", 3}, {"two!", 4}], 3, MSG_DONTWAIT, NULL) = 2'
    assert_line "    2 of 3 messages received, of 3 and 4 bytes"
    assert_line "select(5, [4], NULL, NULL, NULL) = -1 EINTR (Interrupted system call)"
    assert_said "on Linux select(), poll(), epoll_wait() and their p versions are never made again after a handler, even one installed with SA_RESTART"
    # the pipe's writev() (fd 8) is not told
    [ "$(grep -c '^writev(' "$NAR")" -eq 1 ]
    # what strace saw: the same results; the pipe's writev() too, and the
    # select() interrupted, not made again
    run grep -E '^[0-9]+ +(writev|readv|sendmmsg|recvmmsg|pselect6)\(' "$BATS_TEST_TMPDIR/trace"
    assert_line --regexp '^[0-9]+ +writev\(3, .* = 12$'
    assert_line --regexp '^[0-9]+ +readv\(4, .* = 12$'
    assert_line --regexp '^[0-9]+ +writev\(8, .* = 12$'
    assert_line --regexp '^[0-9]+ +sendmmsg\(5, .* = 2$'
    assert_line --regexp '^[0-9]+ +recvmmsg\(6, .* = 2$'
    assert_line --regexp '^[0-9]+ +pselect6\(5, \[4\], NULL, NULL, NULL, NULL\) += \? ERESTARTNOHAND'
    [ "$(grep -cE '^[0-9]+ +pselect6\(' "$BATS_TEST_TMPDIR/trace")" -eq 1 ]
}

@test "narrate-waits: epoll_create1, epoll_ctl on a socket (not on a pipe) and epoll_pwait2 told, each the call strace saw" {
    need_strace
    cat >"$BATS_TEST_TMPDIR/ep2.c" <<'C'
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
    int sv[2], p[2], ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event e = {.events = EPOLLIN}, out[4];
    struct timespec ts = {0, 50000000};

    if (ep < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0 ||
        pipe(p) != 0)
        return 1;
    e.data.fd = sv[0];
    if (epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &e) != 0)
        return 1;
    e.data.fd = p[0];
    if (epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e) != 0)
        return 1;
    printf("%d\n", epoll_pwait2(ep, out, 4, &ts, NULL));
    if (send(sv[1], "x", 1, 0) != 1)
        return 1;
    ts.tv_sec = 5;
    ts.tv_nsec = 0;
    printf("%d\n", epoll_pwait2(ep, out, 4, &ts, NULL));
    return close(ep) == 0 && close(sv[0]) == 0 && close(sv[1]) == 0 ? 0 : 1;
}
C
    cc -std=c11 -Wall -Wextra -Werror -o "$BATS_TEST_TMPDIR/ep2" "$BATS_TEST_TMPDIR/ep2.c"
    run strace -f -yy -o "$BATS_TEST_TMPDIR/trace" \
        -e trace=network,close,epoll_create1,epoll_ctl,epoll_pwait2 \
        "$ROOT/tests/hostile/run-clean" "$NARRATE" --out "$NAR" -- \
        "$BATS_TEST_TMPDIR/ep2"
    assert_success
    assert_output $'0\n1'
    run cat "$NAR"
    assert_line "epoll_create1(EPOLL_CLOEXEC) = 3"
    assert_line "epoll_ctl(3, EPOLL_CTL_ADD, 4, {events=EPOLLIN, data.fd=4}) = 0"
    [ "$(grep -c '^epoll_ctl(' "$NAR")" -eq 1 ] # not the pipe's
    assert_line "epoll_pwait2(3, events, 4, {tv_sec=0, tv_nsec=50000000}, NULL) = 0"
    assert_line "    waits for: fd 4 or 6 to read (the entries of epoll set 3); at most 50 ms"
    assert_line "    nothing was ready before the timeout"
    assert_line "epoll_pwait2(3, events, 4, {tv_sec=5, tv_nsec=0}, NULL) = 1"
    assert_line "    ready: {fd=4, events=EPOLLIN}"
    strace_matches "$NAR" "$BATS_TEST_TMPDIR/trace"
}
