#!/usr/bin/env bats
# scripts/check against the sample programs in tests/check/: each fails
# the check it must, and says why in words a student can act on (the
# rest of the checker's tests are in check.bats).
#
# The checker starts and kills the programs itself (each in a session of
# its own, on ports it chose), so no test here has a background process;
# every run is bounded by timeout(1), below bats' own per-test limit, and
# goes through bare (only fds 0, 1 and 2 open: nothing holds bats' fd 3).
# The sample that spins runs under tests/low-priority: beside the other
# test files it yields the CPU it would burn for seconds, and the checker
# must still see that it spins (it is ready to run at each look, however
# little CPU it gets), which is how a spinning program looks on a loaded
# machine.

load test_helper
load hostile/common
load lib/students

# ---- the sample programs fail where they must ---------------------------------

@test "check: the seeds' server (no exit at recv() == 0) fails half-close and the spin is named" {
    check --only one-line,half-close,twenty-clients echo-server -- \
        "$LOW" "$PYTHON" "$SAMPLES/spin-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^PASS one-line '
    assert_line --regexp "^FAIL half-close .*: spins after the client's shutdown: [0-9.]+ s of CPU in [0-9.]+ s"
    says "it spins, calling recv() again and again"
    says "see lesson 06: recv() == 0"
    # it serves one client only: twenty-clients says it spins, not that
    # accept() needs a loop (it is still in client 1's loop)
    assert_line --regexp '^FAIL twenty-clients .*: served 1 of 20 clients'
    says "it spins; a further client's connection waited in its listening socket's queue, taken by no accept()"
    says "Probably it is still in its loop for an earlier client"
    refute_output --partial "served only the first client"
    # its own output, as evidence
    says "| Data received:"
}

@test "check: twenty-clients gives the accept() loop hint only to a server that sleeps or ended with status 0" {
    check --only twenty-clients echo-server -- \
        "$PYTHON" "$SAMPLES/one-client-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL twenty-clients .*: served 1 of 20 clients'
    says "The program still ran, asleep ("
    says "and a further client's connection waited in its listening socket's queue, taken by no accept(). It served only the first client: a server calls accept() again, in a loop"
    check --only twenty-clients echo-server -- \
        "$PYTHON" "$SAMPLES/one-shot-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL twenty-clients .*: served 1 of 20 clients'
    says "The program had ended: it exited with status 0."
    says "It ended by itself, with status 0, after one client: probably there is no loop around accept()"
}

@test "check: one-megabyte guesses a single recv(), not a short send, for a server that reads once per client" {
    check --only one-megabyte echo-server -- \
        "$PYTHON" "$SAMPLES/once-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL one-megabyte .*: [0-9]+ of 1048576 bytes came back'
    says "all the same as the start of what was sent; then the program"
    says "The program, still running, ended the connection before all had come"
    says "probably it calls recv() once (or a fixed number of times) per client"
    refute_output --partial "stuck in a send()"
    refute_output --partial "A short send"
}

@test "check: a server that never closes its client sockets fails the descriptor check" {
    check --only one-line,descriptors echo-server -- \
        "$PYTHON" "$SAMPLES/leak-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^PASS one-line '
    assert_line --regexp '^FAIL descriptors .*: (19|20|21) more descriptors after 20 clients'
    says "about one left open per client"
    says "close() it when that client is done"
}

@test "check: a server that dies of SIGPIPE is caught, with the fix" {
    check --only one-line,sigpipe echo-server -- \
        "$PYTHON" "$SAMPLES/sigpipe-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^PASS one-line '
    assert_line --regexp '^FAIL sigpipe .*: killed by SIGPIPE'
    # the reset came while the sample still had our bytes to read
    assert_regex "$(printf '%s' "$output" | tr '\n' ' ' | tr -s ' ')" \
        '\(([0-9]+) bytes of ours were still waiting in the program.s receive queue\)'
    (( BASH_REMATCH[1] >= 32768 ))
    says "The program was killed by SIGPIPE"
    says "MSG_NOSIGNAL"
}

@test "check: a UDP receiver with a 1024-byte buffer fails truncated, and the check explains" {
    check udp-receiver -- "$PYTHON" "$SAMPLES/small-buffer-receiver.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL truncated .*: cut to 1024 of 2000 bytes'
    says "printed only the first 1024 of them, so its buffer is probably 1024 bytes"
    says "use a buffer of 65536 bytes"
    assert_line "8 checks: 7 passed, 1 failed"
}

@test "check: a server listening on 0.0.0.0 gets a note, and is still checked over loopback" {
    # What the textbooks teach, and what a server for other
    # machines needs; the note says what it means and how to restrict it
    check --only loopback,one-line echo-server -- \
        "$PYTHON" "$SAMPLES/any-address-server.py" '{port}'
    assert_success
    assert_line --regexp '^NOTE loopback .*: bound to 0\.0\.0\.0:[0-9]+'
    says "every address of this machine, so other machines on its networks can reach it"
    says "To keep it to this machine, bind 127.0.0.1"
    refute_line --regexp '^FAIL'
    assert_line --regexp '^PASS one-line '
    assert_line "2 checks: 2 passed (1 of them with a note), 0 failed"
}

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
    check --only eintr --spec "$ROOT/scripts/sockcheck/specs/echo.spec" -- \
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
