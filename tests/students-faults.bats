#!/usr/bin/env bats
# scripts/check --spec's fault checks: the program runs under
# scripts/narrate --faults, so that recv() hands over a few bytes at a
# time, send() takes half, and an EINTR comes now and then. Our own
# samples in tests/students/: a server that takes one recv() for a whole
# name, one that ignores a short send, the careful ones that pass, and a
# static build the library cannot enter. The checker starts and ends the
# programs itself, on ports it chose, loopback only.

# The longest wait inside a test here is 150 s: bats' own per-test
# limit must be longer, or that wait could never say what it waited
# for (tests/timeouts checks it).
: "${BATS_TEST_TIMEOUT:=$((180 * ${SOCKSTEP_TEST_SCALE:-1}))}"
load test_helper
load lib/students

FAULTS=recv-pieces,short-send,eintr

@test "faults: one recv() taken for a whole name fails recv-pieces, and the narration shows the piece" {
    spec hello --only "$FAULTS" hello-onerecv.py
    assert_failure 1
    assert_line --regexp '^FAIL recv-pieces .*: failed under recv=3'
    says "Each recv(), recvfrom() or read() on a TCP socket was given at most 3 bytes"
    says "which does not match /Hello, Grace!?/"
    says "The program probably takes what one recv() returns for a whole message"
    assert_line "     its last socket calls (scripts/narrate):"
    # which 3 bytes each recv() got depends on when they came
    assert_line --regexp '^       recv\(4, "[^"]+", 3, 0\) = [123]$'
    # it sends with sendall() and Python makes an interrupted call again
    assert_line --regexp '^PASS short-send '
    assert_line --regexp '^PASS eintr '
}

@test "faults: a send() whose result is checked only for -1 fails short-send" {
    spec hello --only "$FAULTS" hello-shortsend.c
    assert_failure 1
    assert_line --regexp '^FAIL short-send .*: failed under send=half'
    says 'Only "Hello" had come, with no newline'
    says "The program probably ignores what send() returns"
    assert_line --regexp '^       send\(4, "Hello", 5, MSG_NOSIGNAL\) = 5$'
    # fgets() reads through the C library's own read(): nothing to shorten
    assert_line --regexp '^NOT RUN recv-pieces .*: the fault never acted$'
}

@test "faults: the careful hello server sends the rest and makes an interrupted call again" {
    spec hello --only "$FAULTS" hello-good.c
    assert_success
    assert_line --regexp '^PASS short-send '
    assert_line --regexp '^PASS eintr '
    says "Every third accept(), or call that received or sent (recv(), recvfrom(), read(), send(), sendto(), write()), failed with EINTR"
    assert_line "3 checks: 2 passed, 0 failed, 1 not run"
}

@test "faults: a server that gives up a client at EINTR, catching no signal, gets a note" {
    spec echo --only "$FAULTS" echo-good.c
    assert_success
    assert_line --regexp '^PASS recv-pieces '
    assert_line --regexp '^PASS short-send '
    assert_line --regexp '^NOTE eintr .*: gave up at EINTR'
    says "It catches no signal, so today no call of it is interrupted"
}

@test "faults: a server that catches SIGCHLD and gives up at EINTR: the note names the signal" {
    cat >"$BATS_TEST_TMPDIR/chld.c" <<'C'
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
static void reap(int sig) { (void)sig; }
int main(int argc, char **argv)
{
    struct sigaction sa;
    struct sockaddr_in a;
    char buf[512];
    int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    (void)argc;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = reap; /* no SA_RESTART */
    sigaction(SIGCHLD, &sa, NULL);
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)atoi(argv[1]));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 8) != 0)
        return 1;
    for (;;) {
        int c = accept(s, NULL, NULL);
        ssize_t n;
        if (c < 0)
            continue;
        while ((n = recv(c, buf, sizeof buf, 0)) > 0)
            if (send(c, buf, (size_t)n, MSG_NOSIGNAL) != n)
                break;
        close(c); /* any error, EINTR too, ends the client */
    }
}
C
    cc_strict -o "$BATS_TEST_TMPDIR/chld" \
        "$BATS_TEST_TMPDIR/chld.c"
    run bare timeout "$((150 * SCALE))" "$PYTHON" "$CHECK" --only eintr \
        --spec "$SPECS/echo.spec" -- "$BATS_TEST_TMPDIR/chld" '{port}'
    assert_success
    assert_line --regexp '^NOTE eintr .*: gave up at EINTR'
    says "It catches SIGCHLD: a call interrupted by that signal fails with EINTR unless the handler was installed with SA_RESTART"
    refute_output --partial "It catches no signal"
}

@test "faults: a static program: the fault checks are not run, and say why" {
    cc -static -o "$BATS_TEST_TMPDIR/hello-static" \
        "$STUDENTS/hello-good.c" 2>/dev/null || skip "no static C library"
    run bare timeout "$((150 * SCALE))" "$PYTHON" "$CHECK" --only "$FAULTS" \
        --spec "$SPECS/hello.spec" -- "$BATS_TEST_TMPDIR/hello-static" '{port}'
    assert_success
    assert_line --regexp '^NOT RUN recv-pieces .*: cannot preload the fault library$'
    says "hello-static is statically linked: it does not load the C library"
    assert_line "3 checks: 0 passed, 0 failed, 3 not run"
}

@test "faults: --batch runs the fault checks of every submission, not only the first" {
    # each submission's narration file is new: scripts/narrate refuses
    # one that holds another run's lines
    local dir="$BATS_TEST_TMPDIR/class" who
    for who in ann bob; do
        mkdir -p "$dir/$who"
        cp "$STUDENTS/hello-onerecv.py" "$dir/$who/server.py"
        printf -- '-- %s server.py {port}\n' "$PYTHON" >"$dir/$who/run"
    done
    run bare timeout "$((150 * SCALE))" "$PYTHON" "$CHECK" --batch "$dir" \
        --spec "$SPECS/hello.spec" --only recv-pieces \
        --csv "$BATS_TEST_TMPDIR/out.csv"
    assert_failure 1
    run "$PYTHON" -c '
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    print(r["submission"], r["recv-pieces"], "|", r["notes"])
' "$BATS_TEST_TMPDIR/out.csv"
    assert_success
    assert_line --index 0 "ann FAIL | recv-pieces: failed under recv=3"
    assert_line --index 1 "bob FAIL | recv-pieces: failed under recv=3"
}

@test "faults: a client whose send() result is never looked at fails short-send" {
    student echo-client-shortsend.c
    run bare timeout "$((150 * SCALE))" "$PYTHON" "$CHECK" --only exchange,short-send \
        --spec "$SPECS/echo-client.spec" -- "${PROG[@]}" '{host}' '{port}'
    assert_failure 1
    assert_line --regexp '^PASS exchange '
    assert_line --regexp '^FAIL short-send .*: did not print /hello, sockstep/'
    says 'nothing came within 3.00 s (only "hello, s", with no newline)'
    says "The program probably ignores what send() returns"
    assert_line --regexp '^       send\(3, "hello, s", 8, 0\) = 8$'
}

@test "faults: the careful echo client sends all of each line" {
    spec echo-client --only short-send echo-client-good.py '{host}'
    assert_success
    assert_line --regexp '^PASS short-send '
}
