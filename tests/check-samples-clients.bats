#!/usr/bin/env bats
# scripts/check against the sample programs in tests/check/, part 2 of 2
# (check-samples.bats says how every run here is bounded; the two files
# run side by side, since the checks mostly wait): the seeds' client, an
# echo client's input, a program on another port or that never starts,
# and fault checks.

load test_helper
load hostile/common
load lib/students

@test "check: the seeds' client fails each client check with its cause" {
    check echo-client -- "$PYTHON" "$SAMPLES/seed-client.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL one-line .*: did not finish cleanly at the end of its input'
    says "input() raises EOFError"
    assert_line --regexp '^FAIL pieces .*: printed a line in pieces'
    says "it printed \"Enter message to send: Received b'hello'\""
    assert_line --regexp '^FAIL refused .*: Python traceback \(ConnectionRefusedError\)'
    assert_line "10 checks: 0 passed, 5 failed, 5 not run"
    # its EOFError at the end of its input is the one-line check's
    assert_line --regexp '^NOT RUN long-input .*: fails without the line too$'
    says "it ended the same way. The line is not what went wrong; the one-line check shows it."
    assert_line --regexp '^FAIL bad-input .*: Python traceback \(UnicodeEncodeError\) on a line with a NUL'
    assert_line --regexp "^NOT RUN short-send .*: fails without the fault"
    says "the one-line check shows it"
}

@test "check: a client slow to start is judged from its first socket, not from its start" {
    # Lesson 06's client, started 6 s late (an interpreter's start on a
    # busy grading machine): its checks' clocks (it ends within 5 s, UDP
    # or TCP alike) start once it holds a socket, which --wait (10 s)
    # allows it to open. A clock from its start judged it "never
    # connected".
    need_bin 06-send-recv-client
    # shellcheck disable=SC2016 # the $0 and $@ of sh -c's script
    check --only one-line,closes-early echo-client -- \
        sh -c 'sleep 6; exec "$0" "$@"' "$BIN/06-send-recv-client" --port '{port}'
    assert_success
    assert_line "2 checks: 2 passed, 0 failed"
}

@test "check: an echo client's own input does not count as the echo it printed" {
    # It prints "Sent: hello, sockstep", then each recv() as it comes: the
    # line is in its output whole, but not after the echo came back.
    check --only pieces echo-client -- "$PYTHON" "$SAMPLES/sent-client.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL pieces .*: printed a line in pieces'
    says "it printed \"Received: hello\", then \"Received: , soc\""
    says "only before the echo came (its own input, it seems)"
    # It prints what it sends and never the echo.
    check --only one-line echo-client -- "$PYTHON" "$SAMPLES/quiet-client.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL one-line .*: echo not printed'
    says "does not show the line \"hello, sockstep\" after the echo came back, only before it"
}

@test "check: an echo client that sends nothing is not told it printed a line in pieces" {
    # A daytime client: it reads what comes and never sends its input, so
    # the checker's server has nothing to send back in pieces.
    check --only pieces echo-client -- "$PYTHON" "$SAMPLES/daytime-client.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL pieces .*: sent nothing \([0-9.]+ s\)$'
    says "but the program sent nothing, so no echo came"
    refute_output --partial "got only part of a line"
}

@test "check: an echo client that printed megabytes before still has its echo counted" {
    # It prints 2 MiB before it connects: the checker keeps only the
    # start and the end of that, and the echo comes at the end.
    check --only one-line,pieces echo-client -- "$PYTHON" "$SAMPLES/chatty-client.py" '{port}'
    assert_success
    assert_line --regexp '^PASS one-line '
    assert_line --regexp '^PASS pieces '
    assert_line "2 checks: 2 passed, 0 failed"
}

@test "check: an echo client that exits but leaves a process running is told so, and the process ends" {
    # Its first process exits with status 0; a grandchild in a session of
    # its own sleeps on. The word after the port marks this test's run.
    local mark="forking-$BATS_TEST_NUMBER-$$"
    check --only one-line echo-client -- "$PYTHON" "$SAMPLES/forking-client.py" '{port}' "$mark"
    assert_failure 1
    assert_line --regexp '^FAIL one-line '
    says "exited with status 0; a process it started was still running"
    refute_output --partial "but then was still running"
    run pgrep -f -- "$mark"
    assert_failure 1
}

@test "check: a client of one process that hangs is not told it left a process running" {
    # A daytime client waits for the server to speak, with or without
    # the long line: the checker ends it, and that is no process left.
    check --only long-input echo-client -- "$PYTHON" "$SAMPLES/daytime-client.py" '{port}'
    assert_success
    assert_line --regexp '^NOT RUN long-input .*: fails without the line too'
    refute_output --partial "left a process running"
    refute_output --partial "a process it started"
}

@test "check: an echo client that sends nothing does not pass closes-early" {
    # It ends by itself, with status 0, but no line reached the server:
    # nothing was echoed, and nothing was closed early.
    check --only closes-early echo-client -- "$PYTHON" "$SAMPLES/mute-client.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL closes-early .*: sent nothing \([0-9.]+ s\)$'
    says "but sent nothing, so the server had no line to echo, and did not close early"
    refute_output --partial "echoed the first line"
}

@test "check: a program on another port than {port} is told so, and --port N checks it" {
    local port
    port=$(free_port)
    # The port is in the command, not in {port}: the checker's port is not used.
    check --only one-line echo-server -- \
        "$PYTHON" "$SAMPLES/leak-server.py" "$port" '{port}'
    assert_failure 1
    says "The program listened on 127.0.0.1:$port, not port"
    says "run the checker with --port $port"
    check --port "$port" --only one-line echo-server -- \
        "$PYTHON" "$SAMPLES/leak-server.py" "$port"
    assert_success
    assert_line --regexp '^PASS one-line '
}

@test "check: a program that never starts fails the first check; the rest are not run" {
    check --only one-line,reset echo-server -- "$PYTHON" -c 'import sys; sys.exit(3)' '{port}'
    assert_failure 1
    says "The program exited with status 3 before it listened on port"
    says "Not run: the program could not be started in check one-line"
}

@test "check: a fault check whose exchange fails without the fault too blames no fault" {
    # The seeds' server spins once its client is done, fault or not: the
    # EINTR fault must not be named as the cause (it was, as a note that
    # told a Python program to loop on EINTR, which Python does itself).
    check --only eintr --wait "$LOW_WAIT" --spec "$ROOT/scripts/sockcheck/specs/echo.spec" -- \
        "$LOW" "$PYTHON" "$SAMPLES/spin-server.py" '{port}'
    assert_line --regexp '^NOT RUN eintr .*: fails without the fault$'
    says "the exchange failed without the fault as well"
    refute_output --partial "while errno == EINTR"
}

@test "check: a server that answers each piece of a request fails recv-pieces: more replies than requests" {
    printf 'send: hello\nexpect: Thank you\n' >"$BATS_TEST_TMPDIR/thanks.spec"
    check --spec "$BATS_TEST_TMPDIR/thanks.spec" --only exchange,recv-pieces \
        -- "$PYTHON" "$SAMPLES/piece-reply-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^PASS exchange '
    assert_line --regexp '^FAIL recv-pieces .*: more replies than requests under recv=3'
    says 'But after the last reply more came, which the spec does not ask for: "Thank you\n", with replies that the program does not send without the fault.'
    says "It answered a piece of a request as if it were a whole one."
}

@test "check: a chat that relays its whole buffer fails the exchange on the NUL bytes; the other checks judge the lines" {
    check --spec "$ROOT/scripts/sockcheck/specs/chat.spec" \
        --only exchange,in-turn -- \
        "$PYTHON" "$SAMPLES/padded-chat.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL exchange +the spec.s exchange: bytes the spec does not describe'
    says "the other client got the line, but after 1008 NUL bytes (\\0), which the spec does not describe"
    says "The program probably sends its whole buffer (sizeof, or a fixed count)"
    refute_output --partial "The line was not relayed"
    assert_line --regexp '^PASS in-turn '
    says "5 clients played the exchange one after another; each line reached the other client."
}

@test "check: an echo client that ends well at a long or bad line but sends nothing fails" {
    # It reads all its input, and at a line of 10000 bytes or one that is
    # not text it says so and exits with status 0: the lines after it
    # never reach the checker's server.
    check --only one-line,long-input,bad-input echo-client -- \
        "$PYTHON" "$SAMPLES/picky-client.py" '{port}'
    assert_failure 1
    assert_line --regexp '^PASS one-line '
    assert_line --regexp '^FAIL long-input .*: never connected after a line of 10000 bytes'
    assert_line --regexp '^FAIL bad-input .*: never connected after a line with a NUL'
    says "With the spec's input alone it sends 16 bytes."
    # So does one that connects first, then gives up without a byte.
    check --only long-input,bad-input echo-client -- \
        "$PYTHON" "$SAMPLES/picky-client.py" '{port}' first
    assert_failure 1
    assert_line --regexp '^FAIL long-input .*: sent nothing after a line of 10000 bytes'
    assert_line --regexp '^FAIL bad-input .*: sent nothing after a line with a NUL'
    # A client that never connects at all is the exchange's to fail.
    check --only long-input echo-client -- "$PYTHON" -c 'print("hi")' '{port}'
    assert_line --regexp '^NOT RUN long-input .*: never connected$'
}

@test "check: an echo client that sends a piece of a long line and gives up fails" {
    # It reads its input as fgets() into 1024 bytes, sends the first
    # piece of the long line and exits with status 1: the lines after
    # it stay unread. Without the long line it reads its input to the end.
    check --only one-line,long-input echo-client -- \
        "$PYTHON" "$SAMPLES/giving-up-client.py" '{port}'
    assert_failure 1
    assert_line --regexp '^PASS one-line '
    assert_line --regexp '^FAIL long-input .*: input after a line of 10000 bytes never read \('
    says "and left the last 5921 bytes of its input unread, so it never read the spec's input: lines after this one"
    says "without this line, it reads its input to the end"
    # A client that reads all of its input first is not told so.
    check --only long-input echo-client -- \
        "$PYTHON" "$SAMPLES/picky-client.py" '{port}' first
    refute_output --partial "unread"
    # One whose reads took all its input gives up all the same: what
    # the spec's lines make it print never comes.
    check --only long-input echo-client -- \
        "$PYTHON" "$SAMPLES/whole-reader-client.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL long-input .*: did not print /\.\*hello, sockstep\.\*/ after a line of 10000 bytes \('
    says "which the spec's input: lines make it print after a line such as \"an ordinary line of input\\n\""
    # Nor one that reads one line by design, whatever the line.
    check --only long-input echo-client -- \
        "$PYTHON" "$SAMPLES/one-line-client.py" '{port}'
    assert_success
    assert_line --regexp '^PASS long-input '
}

@test "check: an echo client that sends its whole buffer fails, though it prints the echo" {
    # It sends each line in a buffer of 80 bytes: the line, a NUL, and
    # what the buffer held before. It prints the echo up to the NUL.
    check --only one-line echo-client -- "$PYTHON" "$SAMPLES/padded-client.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL one-line .*: sent 80 bytes for a line of 16 \('
    says 'then 64 bytes that its input did not have, from a NUL byte (\0) on.'
    says "The program probably sends its whole buffer (sizeof, or a fixed count)"
    check --spec "$ROOT/scripts/sockcheck/specs/echo-client.spec" --only exchange -- \
        "$PYTHON" "$SAMPLES/padded-client.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL exchange .*: bytes the spec does not describe \('
    says 'line 1, "hello, sockstep\n", came with bytes after it that the spec does not describe, from a NUL byte (\0) on'
    # One that sends the string's NUL too (strlen() + 1) is told that.
    check --only one-line echo-client -- "$PYTHON" -c '
import socket, sys
with socket.create_connection(("127.0.0.1", int(sys.argv[1]))) as s:
    s.sendall(sys.stdin.buffer.readline() + b"\0")
    print(s.recv(1024).split(b"\0")[0].decode(), end="")' '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL one-line .*: sent 17 bytes for a line of 16 \('
    says "then a NUL byte (\0), which its input did not have. The program probably sends the string's terminating NUL too (strlen() + 1)"
    # One whose buffer was zeroed sends NULs only after the line.
    check --only one-line echo-client -- "$PYTHON" -c '
import socket, sys
with socket.create_connection(("127.0.0.1", int(sys.argv[1]))) as s:
    s.sendall(sys.stdin.buffer.readline().ljust(64, b"\0"))
    print(s.recv(1024).split(b"\0")[0].decode(), end="")' '{port}'
    assert_failure 1
    says "then 48 bytes that its input did not have, from a NUL byte (\0) on (all NUL)."
    says "its whole buffer, zeroed (sizeof, or a fixed count), or its string's terminating NUL (strlen() + 1), perhaps in a loop."
}

@test "check: an echo client that ignores its input fails closes-early" {
    # It sends a line of its own: the server gets bytes, not the line.
    check --only closes-early echo-client -- "$PYTHON" "$SAMPLES/fixed-line-client.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL closes-early .*: did not send its first line \('
    says 'The program sent "Hello from the client!\n", and never read its input, whose first line was "line 1\n"'
}

@test "check: a client that dies of a Python error before connect() is told so, not asked about its port" {
    check --only one-line,refused echo-client -- "$PYTHON" "$SAMPLES/str-port-client.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL one-line .*: never connected \('
    assert_line --regexp '^FAIL refused .*: Python traceback \(TypeError\) \('
    says "after a Python traceback (TypeError:"
    says "Its error is not the refused connection (ConnectionRefusedError)"
    refute_output --partial "port from its command line"
    refute_output --partial "lesson 05: ECONNREFUSED"
    # One that dies reading its command line is still asked.
    check --only one-line echo-client -- "$PYTHON" -c '
import socket, sys
socket.create_connection((sys.argv[1], int(sys.argv[2])))' '{port}'
    assert_failure 1
    says "after a Python traceback (IndexError:"
    says "Does it take the server's port from its command line ({port})?"
    # So is one refused on a port of its own.
    check --only one-line echo-client -- "$PYTHON" -c '
import socket
socket.create_connection(("127.0.0.1", 1))' '{port}'
    assert_failure 1
    says "after a Python traceback (ConnectionRefusedError:"
    says "Does it take the server's port from its command line ({port})?"
}

@test "check: a UDP sender that misses the end of its input is told so, not about ECONNREFUSED" {
    # It sends its last line again and again once its input has ended;
    # its socket is not connect()ed, so no refusal could stop it.
    check --only no-receiver udp-sender -- \
        "$LOW" "$PYTHON" "$SAMPLES/eof-spin-sender.py" '{host}' '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL no-receiver .*: hangs \('
    says "Its socket is not connect()ed, so no ECONNREFUSED comes to it: only the end of its input can tell it to stop."
    refute_output --partial "a later call may fail with ECONNREFUSED"
    # One that waits for a reply is told that none can come.
    check --only no-receiver udp-sender -- \
        "$PYTHON" "$SAMPLES/reply-waiting-sender.py" '{host}' '{port}'
    assert_failure 1
    says "It waits in the kernel, in a call that receives, or in poll() or select(): for a reply, it seems, which cannot come"
    refute_output --partial "only the end of its input"
    # So is one whose wait has a timeout too long (Python polls then).
    check --only no-receiver udp-sender -- "$PYTHON" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(60)
s.sendto(sys.stdin.buffer.readline(), (sys.argv[1], int(sys.argv[2])))
s.recvfrom(100)' '{host}' '{port}'
    assert_failure 1
    says "for a reply, it seems, which cannot come"
    # A Python error that is not a refusal is not told to catch one.
    check --only no-receiver udp-sender -- "$PYTHON" -c 'import sys; sys.stdin.read(); b"x" + "y"' '{host}' '{port}'
    assert_failure 1
    says "Its error is not a refused datagram (ConnectionRefusedError)"
}

@test "check: a sender given its fixed port with --port is not asked whether it takes {port}" {
    local port
    port=$(free_port udp)
    check --port "$port" --only lines udp-sender -- "$PYTHON" -c 'import sys; sys.stdin.read()'
    assert_failure 1
    assert_line --regexp '^FAIL lines .*: no datagram came \('
    says "reached the checker's receiver on 127.0.0.1:$port, and the program exited with status 0."
    refute_output --partial "from its command line"
    # without --port, the question stays
    check --only lines udp-sender -- "$PYTHON" -c 'import sys; sys.stdin.read()' '{port}'
    says "Does it take the receiver's port from its command line ({port})?"
}

@test "check: a client spec judges the connection after a probe that carried nothing" {
    # It connects and closes at once (is the server up?), then connects
    # again and plays the exchange on that connection.
    check --spec "$ROOT/scripts/sockcheck/specs/echo-client.spec" \
        --only exchange,pieces -- "$PYTHON" "$SAMPLES/probe-client.py" '{port}'
    assert_success
    assert_line --regexp '^PASS exchange '
    assert_line --regexp '^PASS pieces '
    # With only the probe, the exchange never happened.
    check --spec "$ROOT/scripts/sockcheck/specs/echo-client.spec" \
        --only exchange -- "$PYTHON" "$SAMPLES/probe-client.py" '{port}' once
    assert_failure 1
    assert_line --regexp '^FAIL exchange '
    says "never came: the program closed the connection"
}
