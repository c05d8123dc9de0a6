#!/usr/bin/env bats
# scripts/check, part 4 of 4 (check.bats says what the four hold and
# how every run here is bounded): cases that once went wrong, with
# servers that die of a reset, of SIGPIPE or after a client, that fork,
# that print raw bytes or tracebacks, and a UDP echo that cuts datagrams.

load test_helper
load hostile/common
load lib/students

@test "check: a server that greets first and dies of the silent client's reset is told of the reset" {
    printf 'expect: hello\nsend: one\nexpect: one\nclose: yes\n' >"$BATS_TEST_TMPDIR/g.spec"
    check --spec "$BATS_TEST_TMPDIR/g.spec" --only silent-client -- \
        "$PYTHON" "$SAMPLES/greet-reset-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL silent-client .*: traceback after a silent client'
    says "The silent client closed with the program's first reply unread"
    says "catch the error, close that socket and go on to the next client"
    refute_output --partial "makes recv() return 0"
}

@test "check: a server killed by SIGPIPE after a client left is told so, not to loop on accept() or to check its input" {
    printf 'send: one\nexpect: one\n' >"$BATS_TEST_TMPDIR/o.spec"
    check --spec "$BATS_TEST_TMPDIR/o.spec" --only in-turn,not-utf8 -- \
        "$PYTHON" "$SAMPLES/eof-reply-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL in-turn +clients one after another: served 1 of 5 clients'
    refute_output --partial "calls accept() again, in a loop"
    # it answered the odd line; its answer to the client that had left
    # ended it: that is said, and the input is not blamed
    assert_line --regexp '^FAIL not-utf8 +input that is not UTF-8: killed by SIGPIPE after a client left'
    refute_output --partial "Check what a client sends"
    local flat
    flat=$(tr '\n' ' ' <<<"$output" | tr -s ' ')
    [ "$(grep -o "It sent to a client's socket after that client had closed it. When recv() returns 0 the client has left" <<<"$flat" | wc -l)" -eq 2 ]
    # the echo-server kind's twenty-clients says it in the same words
    check --only twenty-clients echo-server -- \
        "$PYTHON" "$SAMPLES/eof-reply-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL twenty-clients +20 clients one after another: served 1 of 20 clients'
    says "It sent to a client's socket after that client had closed it. When recv() returns 0 the client has left"
    refute_output --partial "no loop around accept()"
}

@test "check: zombies and a missing SO_REUSEADDR are found although the exchange fails" {
    printf 'send: one\nexpect: ONE\nsend: two\nexpect: TWO\n' >"$BATS_TEST_TMPDIR/o.spec"
    check --spec "$BATS_TEST_TMPDIR/o.spec" --only exchange,zombies,restart -- \
        "$PYTHON" "$SAMPLES/upper-fork-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL exchange .*: (closed|reset) before replying'
    # each client got "ONE\n", its child closed and ended unreaped
    assert_line --regexp '^FAIL zombies .*: ([2-9]|10) zombies after 10 clients'
    says 'and 0 were served. Client'
    says 'Each was accepted all the same, and has left; once its children had ended and it slept again'
    # its first client's connection was gone: one that sent nothing
    # was open when it was ended
    assert_line --regexp '^FAIL restart .*: port in use after a restart \(EADDRINUSE\)'
    says 'a second client that sent nothing was connected too'
}

@test "check: a kind's generic checks are not run when its spec's plain exchange fails too" {
    # it echoes one recv() per client: echo.spec's second line never
    # comes back, with or without odd input
    check --only one-line,not-utf8 echo-server -- \
        "$PYTHON" "$SAMPLES/one-line-server.py" '{port}'
    assert_success
    assert_line --regexp '^PASS one-line '
    assert_line --regexp "^NOT RUN not-utf8 +input that is not UTF-8: the kind's spec's exchange fails$"
    says "this check plays the exchange of the spec that the kind echo-server plays (echo.spec), and without anything odd that exchange fails too: A client:"
    says 'where reply 2 ("a second line") was due'
    [[ "$(printf '%s' "$output" | tr '\n' ' ')" != *"spec line"* ]]
    refute_output --partial "stuck on the bad request"
}

@test "check: a traceback's escape codes reach the terminal written out, never raw" {
    check --only loopback echo-server -- \
        "$PYTHON" "$SAMPLES/escape-server.py" '{port}'
    assert_failure 1
    says 'ValueError: bad byte \x1b[0m\x00 in the configuration'
    [[ "$output" != *$'\e'* ]]
}

@test "check: a reply of bytes that are not text does not match .+ (an unfilled buffer)" {
    # a server whose reply comes from a buffer it never filled: one NUL
    cat >"$BATS_TEST_TMPDIR/nul.py" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
while True:
    c, _ = s.accept()
    while c.recv(4096):
        c.sendall(b"\x00\n")
    c.close()
PY
    printf '%s\n' 'send: hi' 'expect: .+' >"$BATS_TEST_TMPDIR/any.spec"
    check --spec "$BATS_TEST_TMPDIR/any.spec" --only exchange -- \
        "$PYTHON" "$BATS_TEST_TMPDIR/nul.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL exchange '
    says 'reply 1 was "\x00\n", which does not match /.+/'
    says "the reply holds bytes that the pattern does not name"
}

@test "check: a fork server whose parent keeps the client's socket fails half-close, kind and spec alike" {
    # the parent forgets close() after fork(): when the child ends, the
    # client still sees no end of the connection
    cat >"$BATS_TEST_TMPDIR/parent-open.py" <<'PY'
import os, signal, socket, sys
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
kept = []
while True:
    c, _ = s.accept()
    if os.fork() == 0:
        s.close()
        data = c.recv(4096)
        while data:
            c.sendall(data)
            data = c.recv(4096)
        c.close()
        os._exit(0)
    kept.append(c)
PY
    check --spec "$ROOT/scripts/sockcheck/specs/echo.spec" \
        --only exchange,half-close,long-line -- \
        "$PYTHON" "$BATS_TEST_TMPDIR/parent-open.py" '{port}'
    assert_failure 1
    assert_line --regexp '^PASS exchange '
    assert_line --regexp '^PASS long-line '
    assert_line --regexp "^FAIL half-close +the client half-closes: no close after the client's shutdown"
    says "must also close the client's socket in the parent after fork()"
    # the echo-server kind's own half-close says the same
    check --only half-close echo-server -- \
        "$PYTHON" "$BATS_TEST_TMPDIR/parent-open.py" '{port}'
    assert_failure 1
    assert_line --regexp "^FAIL half-close +the client half-closes: no close after the client's shutdown"
    says "A server that forks must also close the client's socket in the parent after fork(), or the connection stays open when the child ends (lesson 12)."
}

@test "check: a server that crashes when a silent client leaves is told so, by the kind as by the spec" {
    local how by
    for how in kind spec; do
        by=(echo-server)
        [[ $how == kind ]] ||
            by=(--spec "$ROOT/scripts/sockcheck/specs/echo.spec")
        check --only silent-client "${by[@]}" -- \
            "$PYTHON" "$SAMPLES/eof-crash-server.py" '{port}'
        assert_failure 1
        assert_line --regexp '^FAIL silent-client +a silent client, then a new client: traceback after a silent client'
        says "A client that leaves without a word makes recv() return 0 (no bytes): that is the end of that client, not a request to use."
        refute_output --partial "must not wait for ever"
    done
}

@test "check: a server that crashes when its client leaves fails one-megabyte by that crash, each time" {
    # Its verdict must come from the event (the client left, recv()
    # returned 0, data[0] raised), not from where recv() happened to cut
    # the megabyte: a sample that stopped at a piece that began with a
    # byte 0x04 ended the connection in some runs and not in others.
    for _ in 1 2 3; do
        check --only one-megabyte echo-server -- \
            "$PYTHON" "$SAMPLES/eof-crash-server.py" '{port}'
        assert_failure 1
        assert_line --regexp '^FAIL one-megabyte +1 MiB echoed intact: traceback '
        says "all 1048576 came back the same (sha256)"
        says "IndexError"
    done
}

@test "check: a server a reset ends is told of the reset by sigpipe, the spec's as the kind's" {
    local how by
    for how in kind spec; do
        by=(echo-server)
        [[ $how == kind ]] ||
            by=(--spec "$ROOT/scripts/sockcheck/specs/echo.spec")
        check --only sigpipe "${by[@]}" -- \
            "$PYTHON" "$SAMPLES/reset-crash-server.py" '{port}'
        assert_failure 1
        assert_line --regexp '^FAIL sigpipe +no death by SIGPIPE: ended after a client left without reading'
        says "(ConnectionResetError"
        says "A failed send() ends that one client, not the server"
        refute_output --partial "glued together"
    done
}

@test "check: a server that crashes after its first client is not told to loop on accept(), kind and spec alike" {
    # it takes the first client's leaving for a request and dies of it:
    # its loop around accept() is there
    check --only in-turn --spec "$ROOT/scripts/sockcheck/specs/echo.spec" -- \
        "$PYTHON" "$SAMPLES/eof-crash-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL in-turn +clients one after another: served 1 of 20 clients'
    says "after a Python traceback (IndexError: index out of range)."
    refute_output --partial "accept() again"
    check --only twenty-clients echo-server -- \
        "$PYTHON" "$SAMPLES/eof-crash-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL twenty-clients +20 clients one after another: served 1 of 20 clients'
    says "after a Python traceback (IndexError: index out of range)."
    refute_output --partial "accept() again"
}

@test "check: a server that prints a client's bytes raw gets a note on not-utf8; lesson 06's does not" {
    check --spec "$ROOT/scripts/sockcheck/specs/echo.spec" \
        --only exchange,not-utf8 -- \
        "$PYTHON" "$SAMPLES/raw-print-server.py" '{port}'
    assert_success
    assert_line --regexp "^NOTE not-utf8 +input that is not UTF-8: a client's bytes printed raw"
    says "the program printed the client's bytes as they came: \\xff and \\xfe reached its terminal raw"
    assert_line "2 checks: 2 passed (1 of them with a note), 0 failed"
    # the lessons print what a peer sends escaped: no note
    need_bin 06-send-recv-server
    check --spec "$ROOT/scripts/sockcheck/specs/echo.spec" \
        --only not-utf8 -- "$ROOT/build/06-send-recv-server" --port '{port}'
    assert_success
    assert_line --regexp '^PASS not-utf8 '
}

@test "check: a UDP echo that cuts a long datagram to its buffer gets a note on long-line" {
    check --spec "$ROOT/scripts/sockcheck/specs/udp-echo.spec" \
        --only exchange,long-line -- \
        "$PYTHON" "$SAMPLES/cut-udp-echo.py" '{port}'
    assert_success
    assert_line --regexp "^NOTE long-line +a very long line: a datagram cut to 1024 bytes"
    says "Its answer was the first 1024 of the 60000 bytes"
    # one whose buffer holds any datagram: no note
    student udp-echo-good.py
    check --spec "$ROOT/scripts/sockcheck/specs/udp-echo.spec" \
        --only long-line -- "${PROG[@]}" '{port}'
    assert_success
    assert_line --regexp '^PASS long-line '
}
