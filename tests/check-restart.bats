#!/usr/bin/env bats
# scripts/check, part 3 of 4 (check.bats says what the four hold and
# how every run here is bounded): cases that once went wrong, on a fixed
# port and at restart, with padded replies, short sends and UDP answers.

load test_helper
load hostile/common
load lib/students

@test "check: a fixed-port server that closes first leaves no TIME_WAIT to the next check; restart fails" {
    # a daytime server on a fixed port, without SO_REUSEADDR: it closes
    # first, and the checker resets each connection once it has seen the
    # close, so no TIME_WAIT is left on its port but in restart
    local port
    port=$(free_port tcp)
    cat >"$BATS_TEST_TMPDIR/day.py" <<'PY'
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
while True:
    c, _ = s.accept()
    c.sendall(time.strftime("%H:%M:%S\n").encode())
    c.close()
PY
    check --spec "$ROOT/scripts/sockcheck/specs/daytime.spec" --port "$port" \
        --only exchange,in-turn,restart -- \
        "$PYTHON" "$BATS_TEST_TMPDIR/day.py" "$port"
    assert_failure 1
    assert_line --regexp '^PASS exchange '
    assert_line --regexp '^PASS in-turn +clients one after another '
    # the last line of results: restart, which shows the missing option
    assert_line --regexp '^FAIL restart +a restart on the same port: port in use after a restart \(EADDRINUSE\)'
    says "SO_REUSEADDR"
}

@test "check: on a fixed port, a silent client leaves when it says, and a one-at-a-time server passes" {
    # hello-good.c serves one client at a time: the second client is
    # served once the silent one has gone. On a fixed port each close
    # looks for the program's end first; that look once waited out the
    # socket's 3 s timeout, the silent client left 3 s late, and the
    # second client's reply was not there in time.
    local port
    port=$(free_port tcp)
    student hello-good.c
    check --spec "$ROOT/scripts/sockcheck/specs/hello.spec" --port "$port" \
        --only silent-client -- "${PROG[@]}" "$port"
    assert_success
    assert_line --regexp '^PASS silent-client '
    says "then closed; a second client connected 0.5 s after it. It was served"
}

@test "check: a reply padded with NUL bytes is no match, and the whole buffer sent is named" {
    # send(fd, buf, sizeof buf): the text, then NUL bytes; over TCP with
    # the line, over TCP after it and before the close, and over UDP
    printf 'send: hello\nexpect: hello\nclose: yes\n' >"$BATS_TEST_TMPDIR/t.spec"
    printf 'proto: udp\nsend: hello\nexpect: hello\n' >"$BATS_TEST_TMPDIR/u.spec"
    # late: the NULs come after the line (a busy machine may read them
    # with it: then the words are those of the tcp run below)
    check --spec "$BATS_TEST_TMPDIR/t.spec" --only exchange -- \
        "$PYTHON" "$SAMPLES/padded-server.py" '{port}' late
    assert_failure 1
    assert_line --regexp '^FAIL exchange .*: bytes the spec does not describe'
    says "58 "
    says "The program probably sends its whole buffer (sizeof"
    # the checks after exchange drop the NUL bytes: they are run, and
    # judge what they are about
    check --spec "$BATS_TEST_TMPDIR/t.spec" --only exchange,in-turn -- \
        "$PYTHON" "$SAMPLES/padded-server.py" '{port}' tcp
    assert_failure 1
    says "58 NUL bytes (\\0) came right after its newline"
    assert_line --regexp '^PASS in-turn +clients one after another '
    check --spec "$BATS_TEST_TMPDIR/u.spec" --only exchange -- \
        "$PYTHON" "$SAMPLES/padded-server.py" '{port}' udp
    assert_failure 1
    assert_line --regexp '^FAIL exchange .*: reply did not match'
    says "Up to its first NUL byte it would match, and 59 more bytes follow (all NUL)."
}

@test "check: restart makes its own TIME_WAIT: it waits for a late reader to read the last line" {
    # a server that closes first, without SO_REUSEADDR, and reads each
    # next line a second after its reply: ended at once after "QUIT", it
    # would reset the connection (that line unread) and leave no TIME_WAIT,
    # and its restart would pass
    local port
    port=$(free_port tcp)
    cc_strict \
        "$SAMPLES/late-reader-server.c" -o "$BATS_TEST_TMPDIR/late"
    printf 'send: hello\nexpect: HELLO\nsend: QUIT\nclose: yes\ntimeout: 30\n' \
        >"$BATS_TEST_TMPDIR/late.spec"
    check --spec "$BATS_TEST_TMPDIR/late.spec" --port "$port" \
        --only exchange,restart -- "$BATS_TEST_TMPDIR/late" "$port"
    assert_failure 1
    assert_line --regexp '^PASS exchange '
    assert_line --regexp '^FAIL restart +a restart on the same port: port in use after a restart \(EADDRINUSE\)'
    says "SO_REUSEADDR"
}

@test "check: restart is NOT RUN when the program never reads the last line (no TIME_WAIT)" {
    # ended with "QUIT" unread, the program resets the connection: no
    # TIME_WAIT is left, and a restart would show nothing
    local port
    port=$(free_port tcp)
    cat >"$BATS_TEST_TMPDIR/deaf.py" <<'PY'
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
while True:
    c, _ = s.accept()
    c.recv(100)
    c.sendall(b"HELLO\n")
    time.sleep(3600)  # never reads again
PY
    printf 'send: hello\nexpect: HELLO\nsend: QUIT\nclose: yes\n' \
        >"$BATS_TEST_TMPDIR/deaf.spec"
    check --spec "$BATS_TEST_TMPDIR/deaf.spec" --port "$port" \
        --only restart -- "$PYTHON" "$BATS_TEST_TMPDIR/deaf.py" "$port"
    assert_line --regexp '^NOT RUN restart +a restart on the same port: no TIME_WAIT to restart against'
    says "the program had not read all the client sent within 3.00 s"
    refute_line --regexp '^PASS restart'
}

@test "check: a restart that ends with its own bind error, its port in TIME_WAIT, is told to set SO_REUSEADDR" {
    # as real course servers do: "[-] Bind Error", no errno, status 15
    local port
    port=$(free_port tcp)
    cat >"$BATS_TEST_TMPDIR/own.py" <<'PY'
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    print("[-] Bind Error")
    sys.exit(15)
s.listen(5)
while True:
    c, _ = s.accept()
    c.sendall(c.recv(100))
    c.close()
PY
    check --spec "$ROOT/scripts/sockcheck/specs/echo.spec" --port "$port" \
        --only restart -- "$PYTHON" "$BATS_TEST_TMPDIR/own.py" "$port"
    assert_failure 1
    assert_line --regexp '^FAIL restart +a restart on the same port: ended, its port in TIME_WAIT '
    says "while the connection of its first run was in TIME_WAIT on port $port: a socket without SO_REUSEADDR cannot bind a port in that state. Set SO_REUSEADDR"
    assert_output --partial "| [-] Bind Error"
}

@test "check: a one-client server that drops send()'s count fails short-send; its one client is the measure" {
    # serves one client, then ends: the next client fails with or without
    # the fault, so short-send judges the first client alone
    cat >"$BATS_TEST_TMPDIR/once.py" <<'PY'
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(1)
c, _ = s.accept()
while True:
    data = c.recv(512)
    if not data:
        break
    c.send(data)
PY
    check --only short-send echo-server -- "$PYTHON" "$BATS_TEST_TMPDIR/once.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL short-send +send\(\) taking half of a reply: failed under send=half '
    says "The program probably ignores what send() returns"
    refute_output --partial "fails without the fault"
}

@test "check: a padded reply on a connection never closed: the close first, the NUL bytes also" {
    printf 'send: hello\nexpect: hello\nclose: yes\n' >"$BATS_TEST_TMPDIR/t.spec"
    check --spec "$BATS_TEST_TMPDIR/t.spec" --only exchange,in-turn -- \
        "$PYTHON" "$SAMPLES/padded-server.py" '{port}' open
    assert_failure 1
    assert_line --regexp '^FAIL exchange .*: connection still open after the last reply'
    says "Also: reply 1 matched /hello/ (spec line 2), but 58 NUL bytes"
    # a failed exchange stops the checks after it, as before
    assert_line --regexp '^Not run: the spec.s exchange failed in check exchange'
}

@test "check: a buffer sent whole is named by short-send and by the echo-server kind's one-line, in one text" {
    printf 'send: hello\nexpect: hello\nclose: yes\n' >"$BATS_TEST_TMPDIR/t.spec"
    # one send(), its count unread: under short-send, the NUL bytes cut
    # after the line are missed
    check --spec "$BATS_TEST_TMPDIR/t.spec" --only short-send -- \
        "$PYTHON" "$SAMPLES/padded-server.py" '{port}' send
    assert_failure 1
    assert_line --regexp '^FAIL short-send .*: reply cut short under send=half'
    says "But 32 bytes came in all, and 64 when the checker ran the program again without the fault"
    # the echo-server kind's one-line says it too
    check --only one-line echo-server -- \
        "$PYTHON" "$SAMPLES/padded-server.py" '{port}' tcp
    assert_failure 1
    assert_line --regexp '^FAIL one-line +one line echoed: bytes never sent came back'
    says "The line came back, then 48 bytes more that were never sent, starting with a NUL byte"
    # in the words a spec's checks use
    says "The program probably sends its whole buffer (sizeof, or a fixed count) where it should send the length of the text in it (strlen(), or what recv() returned)."
}

@test "check: a bad answer the checker never sent is not judged; a silent client's last line is 'nothing'" {
    # a client that connects and leaves without a word: the checker's
    # server never sends the answer that is not UTF-8
    printf 'import socket, sys\nsocket.create_connection(("127.0.0.1", int(sys.argv[1]))).close()\n' \
        >"$BATS_TEST_TMPDIR/quiet.py"
    check --spec "$ROOT/scripts/sockcheck/specs/echo-client.spec" \
        --only exchange,not-utf8 -- "$PYTHON" "$BATS_TEST_TMPDIR/quiet.py" '{port}'
    assert_failure 1
    assert_line --regexp '^NOT RUN not-utf8 +an answer that is not UTF-8: answer never sent$'
    says "the checker's server never sent bytes that are not UTF-8, because the program did not first send the request the spec says"
    says "exited with status 0 (it printed nothing)"
    refute_output --partial "None"
}

@test "check: a UDP client whose request did not match has no stranger check, not a failed one" {
    printf 'proto: udp\nprogram: client\nexpect: hello\nsend: hi\nprint: hi\n' \
        >"$BATS_TEST_TMPDIR/u.spec"
    check --spec "$BATS_TEST_TMPDIR/u.spec" --only stranger -- \
        "$PYTHON" "$SAMPLES/wrong-udp-client.py" '{port}'
    assert_success
    assert_line --regexp '^NOT RUN stranger +a datagram from another port: answer never sent$'
    says 'datagram 1 was "hullo", which does not match /hello/'
}
