#!/usr/bin/env bats
# scripts/check against sample programs of ours (tests/check/) that it
# once judged wrongly: a false pass, or a failure hidden in a NOT RUN
# line, or a cure that did not fit. Each gets the verdict it must get,
# and the words a student can act on. (The other samples are in
# check-samples.bats and check-samples-clients.bats.)
#
# The checker starts and kills the programs itself (each in a session of
# its own, on ports it chose), so no test here has a background process;
# every run is bounded by timeout(1), below bats' own per-test limit, and
# goes through bare (only fds 0, 1 and 2 open).

load test_helper
load hostile/common
load lib/students

# ---- false passes ------------------------------------------------------------

@test "check-verdicts: a long line that overwrites the socket's descriptor fails long-line, the client left hanging" {
    cc_strict "$SAMPLES/overflow-fd-server.c" -o "$BATS_TEST_TMPDIR/overflow"
    check --only one-line,long-line echo-server -- \
        "$BATS_TEST_TMPDIR/overflow" '{port}'
    assert_failure 1
    assert_line --regexp '^PASS one-line '
    assert_line --regexp '^FAIL long-line .*: left the client hanging after a line of 100000 bytes'
    says "The connection stayed open with no one to answer or close it: the program slept in accept(), no call of it on that connection"
    says "the program lost that socket's descriptor"
    refute_output --partial "served the next client"
}

@test "check-verdicts: a forking server whose parent keeps the client's socket fails long-line" {
    check --only long-line echo-server -- \
        "$PYTHON" "$SAMPLES/fork-keeps-socket-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL long-line .*: left the client hanging after a line of 100000 bytes'
    says "the one holding the listening socket, still held its socket. The client waits for ever."
    says "close it in the parent after fork(), see lesson 12"
}

@test "check-verdicts: a server that answers a long line, or refuses it by closing, passes long-line" {
    # the other side of the two above: no false alarm for a careful server
    check --only long-line echo-server -- \
        "$PYTHON" "$SAMPLES/echo-server.py" '{port}'
    assert_success
    assert_line --regexp '^PASS long-line '
    # the forking sample's child refuses the line by closing; lesson 12's
    # forking server closes the client's socket in the parent too
    need_bin 12-fork-server
    check --only long-line echo-server -- "$BIN/12-fork-server" \
        --port '{port}'
    assert_success
    assert_line --regexp '^PASS long-line '
}

@test "check-verdicts: a server that writes made-up fault lines into the narration does not pass the fault checks" {
    # it writes the lines of three faults that acted into the narration's
    # descriptor, then starts itself again without the library: no fault
    # acts, and its made-up lines lack the library's seal
    check --spec "$ROOT/scripts/sockcheck/specs/hello.spec" \
        --only exchange,recv-pieces,short-send,eintr -- \
        "$PYTHON" "$SAMPLES/forge-faults-server.py" '{port}'
    assert_success
    assert_line --regexp '^PASS exchange '
    assert_line --regexp '^NOT RUN recv-pieces .*: the fault never acted$'
    assert_line --regexp '^NOT RUN short-send .*: the fault never acted$'
    assert_line --regexp '^NOT RUN eintr .*: the fault never acted$'
    refute_line --regexp '^PASS (recv-pieces|short-send|eintr) '
    # the same sample's narration, run by a lecturer without the checker:
    # its lines are in it (nothing is hidden from a reader)
    run bare timeout "$WAIT_RUN" "$ROOT/scripts/narrate" \
        --out "$BATS_TEST_TMPDIR/told" -- "$PYTHON" -c "import os
os.write(int(os.environ['SOCKSTEP_FD'].split(':')[0]), b'made-up line\\n')"
    assert_success
    run grep -c "made-up line" "$BATS_TEST_TMPDIR/told"
    assert_output 1
}

@test "check-verdicts: a UDP server that writes a made-up sendto() into the narration is told no reply, not where it sent" {
    # it never replies; for each request it writes a narrated sendto()
    # to 127.0.0.1:9 into the narration's descriptor, and on its
    # standard output and error
    check --spec "$SPECS/udp-echo.spec" --only exchange,in-turn -- \
        "$PYTHON" "$SAMPLES/forge-elsewhere-udp-echo.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL exchange .*: no reply '
    refute_output --partial "reply sent to"
    refute_output --partial "The replies were taken at"
    assert_line --regexp '^Not run: the spec.s exchange failed in check exchange \(see there\): in-turn\.$'
}

# ---- no failure hidden in NOT RUN ---------------------------------------------

@test "check-verdicts: a server that resets every client after its tenth fails descriptors, not NOT RUN" {
    # a spec of 5 clients: in-turn plays 5, and the descriptors check
    # (1, then 20 more) is the one that sees the eleventh reset
    printf 'send: hello\nexpect: hello\n' >"$BATS_TEST_TMPDIR/five.spec"
    check --only in-turn,descriptors --spec "$BATS_TEST_TMPDIR/five.spec" -- \
        "$PYTHON" "$SAMPLES/tenth-reset-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^PASS in-turn '
    assert_line --regexp '^FAIL descriptors .*: served 9 of 20 more clients'
    refute_line --regexp '^NOT RUN'
    # (client 11's reset may come before or after its connect() returns)
    says "the first client was served, but of 20 more, 9 were served; the next one: client 11"
}

@test "check-verdicts: a UDP reply sent to another port is named, and the checks after the exchange run" {
    # it answers to its own port + 1, and dies of bytes that are not
    # UTF-8: the second was NOT RUN behind "no reply"
    check --spec "$SPECS/udp-echo.spec" -- \
        "$PYTHON" "$SAMPLES/elsewhere-udp-echo.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL exchange .*: reply sent to 127\.0\.0\.1:[0-9]+, not to the sender'
    says "The program did reply, but not to the client"
    says "(a port of its own choosing), not to 127.0.0.1:"
    says ", the address the request came from. Send each reply to the address recvfrom() gave"
    refute_line --regexp '^NOT RUN'
    refute_output --partial "Not run:"
    assert_line --regexp '^FAIL not-utf8 .*: ended after bytes that are not UTF-8'
    says "UnicodeDecodeError"
    assert_line --regexp '^PASS in-turn '
    says "(The replies were taken at 127.0.0.1:"
}

@test "check-verdicts: a crash seen by a check that cannot judge its own matter fails it, not NOT RUN" {
    # echo.spec's second line is never served, with or without odd
    # bytes (so not-utf8 cannot judge them), but those bytes crash it
    check --only one-line,not-utf8,empty-line echo-server -- \
        "$PYTHON" "$SAMPLES/one-line-decode-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^PASS one-line '
    assert_line --regexp '^FAIL not-utf8 .*: traceback'
    says "The program printed a Python traceback (UnicodeDecodeError:"
    says "while this check ran: it crashed (or one of its threads did), and a crash fails the check that saw it"
    says "Apart from that, the check could not judge what it is about: this check plays the exchange of the spec"
    # an empty line crashes nothing: still NOT RUN, for the same exchange
    assert_line --regexp "^NOT RUN empty-line +an empty line: the kind's spec's exchange fails$"
}

@test "check-verdicts: a server that serves one of 10 clients at once fails zombies, not NOT RUN" {
    # no loop around accept(): the burst's first client is served, the
    # others wait unaccepted (a timeout of 1 s: the burst waits 10 times it)
    printf 'send: hello\nexpect: hello\ntimeout: 1\n' >"$BATS_TEST_TMPDIR/one.spec"
    check --only zombies --spec "$BATS_TEST_TMPDIR/one.spec" -- \
        "$PYTHON" "$SAMPLES/one-client-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL zombies .*: served 1 of 10 clients at once'
    refute_line --regexp '^NOT RUN'
    says "10 clients played the exchange at the same time, and 1 was served."
    # the server sleeps in recv() on its first client: the others'
    # wait counts as its own time, 10 times the spec's 1 s
    says "connected, and was still in the listening socket's queue after 10 s of the program's own time (asleep, or on a CPU), taken by no accept()."
    says "still waited in its listening socket's queue, taken by no accept()"
    says "A server serves every client that comes, however many come at once"
}

@test "check-verdicts: a UDP server that answers every client at its first one's address is told so, not stuck" {
    check --only exchange,in-turn,not-utf8 --spec "$SPECS/udp-echo.spec" -- \
        "$PYTHON" "$SAMPLES/first-peer-udp-echo.py" '{port}'
    assert_failure 1
    assert_line --regexp '^PASS exchange '
    assert_line --regexp '^FAIL in-turn .*: served 1 of 10 clients'
    assert_line --regexp '^FAIL not-utf8 .*: next client not served after bytes that are not UTF-8'
    says "The program did reply, but not to the client: run again under scripts/narrate, with clients in turn, the second at 127.0.0.1:"
    says "(where the first client's request came from), not to 127.0.0.1:"
    says "given anew by each recvfrom()"
    # it answered; it was not stuck on the odd bytes
    refute_output --partial "stuck on the bad request"
}

@test "check-verdicts: where a reply went is asked again when a run under narrate shows nothing" {
    # The checker runs the program again under scripts/narrate to see
    # where the second client's reply went. That run once showed nothing
    # (make test, all files at once: the program never served its first
    # client there), and the verdict told "stuck on the bad request" in
    # place of where the reply went. The sample's second start ends
    # early, at once after bind() or after one datagram, unanswered; the
    # third behaves as the first.
    local when
    for when in bound read; do
        rm -f "$BATS_TEST_TMPDIR/starts"
        check --only not-utf8 --spec "$SPECS/udp-echo.spec" -- \
            "$PYTHON" "$SAMPLES/first-peer-udp-echo.py" '{port}' \
            "$BATS_TEST_TMPDIR/starts" "$when"
        assert_failure 1
        assert_line --regexp '^FAIL not-utf8 .*: next client not served after bytes that are not UTF-8'
        says "The program did reply, but not to the client: run again under scripts/narrate, with clients in turn, the second at 127.0.0.1:"
        refute_output --partial "stuck on the bad request"
        refute_output --partial "ended before it bound"
        # the first run, the one that showed nothing, and the one after
        run wc -l <"$BATS_TEST_TMPDIR/starts"
        assert_output 3
    done
}

@test "check-verdicts: a reply printed on the server's terminal, not sent, is told so" {
    check --only one-line echo-server -- \
        "$PYTHON" "$SAMPLES/printed-reply-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL one-line .*: no echo'
    says 'Meanwhile the program printed "hello, sockstep" on its standard output: if that was meant as the reply, it went to the terminal, not to the client'
    printf 'send: hello\nexpect: hello\n' >"$BATS_TEST_TMPDIR/hello.spec"
    check --only exchange --spec "$BATS_TEST_TMPDIR/hello.spec" -- \
        "$PYTHON" "$SAMPLES/printed-reply-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL exchange .*: no reply'
    says 'Meanwhile the program printed "hello" on its standard output'
}

@test "check-verdicts: a UDP client that sends to another port than its server's is told where they went" {
    # it sends to the port after the one it is given
    check --only exchange --spec "$SPECS/udp-echo-client.spec" -- \
        "$PYTHON" "$SAMPLES/elsewhere-udp-client.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL exchange .*: no datagram came'
    local port
    port=$(sed -n 's/.*({port} is \([0-9]*\)).*/\1/p' <<<"$(printf '%s' "$output" | tr '\n' ' ')")
    [[ -n "$port" ]]
    says "Run again under scripts/narrate, it sent its first datagram to 127.0.0.1:$((port + 1)) (its sendto()), not to 127.0.0.1:$port, where the checker's server was"
    refute_output --partial "Does it take the server's port from its command line"
    # the udp-sender kind says the same of its receiver
    check --only lines udp-sender -- \
        "$PYTHON" "$SAMPLES/elsewhere-udp-client.py" '{port}'
    assert_failure 1
    says "where the checker's receiver was: send to the address and port its command line gives"
}

@test "check-verdicts: in a batch, the check a submission's time limit ended fails, not NOT RUN" {
    need_sandbox
    # zombies waits for its burst of 10 (a reply may take 30 s when a
    # server serves one at a time): this one serves its first client only,
    # and the submission's 25 s end in that check
    mkdir -p "$BATS_TEST_TMPDIR/class/slowpoke"
    cp "$SAMPLES/one-client-server.py" "$BATS_TEST_TMPDIR/class/slowpoke/server.py"
    printf -- '-- %s server.py {port}\n' "$PYTHON" >"$BATS_TEST_TMPDIR/class/slowpoke/run"
    run bare timeout "$((100 * SCALE))" "$PYTHON" "$CHECK" --batch \
        "$BATS_TEST_TMPDIR/class" echo-server --only zombies \
        --limit time=25 --csv "$BATS_TEST_TMPDIR/out.csv"
    assert_failure 1
    run cat "$BATS_TEST_TMPDIR/out.csv"
    assert_line 'slowpoke,echo-server,0,1,0,FAIL,"in check zombies, it had taken the 25 s a submission may take (--limit time), and was ended"'
}

# ---- the same verdict on any machine ------------------------------------------

@test "check-verdicts: a SIGCHLD handler that reaps one child per signal fails zombies every time, with the same count" {
    # Its zombies once depended on how the children's ends fell (none on
    # a quiet machine, several on a busy one): the checker now stops the
    # parent while the children end, so their SIGCHLDs come as one
    cc_strict "$SAMPLES/reap-once-server.c" -o "$BATS_TEST_TMPDIR/once"
    for _ in 1 2 3; do
        check --only zombies echo-server -- "$BATS_TEST_TMPDIR/once" '{port}'
        assert_failure 1
        assert_line --regexp '^FAIL zombies .*: 9 zombies after 10 clients'
    done
    says "left together while its process"
    says "was stopped (SIGSTOP, then SIGCONT), so that their ends gave it one SIGCHLD between them"
}

@test "check-verdicts: the same server with the handler's loop passes zombies" {
    cc_strict -DREAP_ALL "$SAMPLES/reap-once-server.c" -o "$BATS_TEST_TMPDIR/all"
    check --only zombies echo-server -- "$BATS_TEST_TMPDIR/all" '{port}'
    assert_success
    assert_line --regexp '^PASS zombies '
    says "the program had 0 zombies"
}

@test "check-verdicts: Python's ForkingTCPServer, which reaps as it wakes every 0.5 s, passes zombies" {
    # Its zombies were counted the moment it slept again, before its
    # next wake: "10 zombies after 10 clients", a FAIL for Python's own
    # library. The check now gives a program that wakes two wakings
    for _ in 1 2 3; do
        check --only zombies echo-server -- \
            "$PYTHON" "$SAMPLES/forking-tcpserver.py" '{port}'
        assert_success
        assert_line --regexp '^PASS zombies '
    done
}

@test "check-verdicts: a forking server that a SIGCHLD ends (EINTR in accept) fails zombies, not NOT RUN" {
    cc_strict -DNO_RESTART "$SAMPLES/reap-once-server.c" -o "$BATS_TEST_TMPDIR/nr"
    check --only zombies echo-server -- "$BATS_TEST_TMPDIR/nr" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL zombies .*: ended after a burst of clients'
    refute_line --regexp '^NOT RUN'
    says "it exited with status 1"
    says "Install the handler with SA_RESTART (sigaction()), or make the call again after EINTR"
}

@test "check-verdicts: a forking server slow back to accept() after fork() still ends with EINTR" {
    # Its parent spends 0.2 s of CPU between fork() and accept(), as any
    # parent may on a busy machine. Stopped there, it took the SIGCHLD
    # outside accept() and lived on with 9 zombies (a red CI run); the
    # checker now stops it only once it sleeps again
    cc_strict -DNO_RESTART -DSLOW_BACK "$SAMPLES/reap-once-server.c" \
        -o "$BATS_TEST_TMPDIR/slow"
    check --only zombies echo-server -- "$BATS_TEST_TMPDIR/slow" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL zombies .*: ended after a burst of clients'
    says "it exited with status 1"
}

# ---- no failure for what is not the program's ---------------------------------

@test "check-verdicts: a thread that dies with its own client's reset does not fail reset or sigpipe" {
    check --only reset,sigpipe echo-server -- \
        "$PYTHON" "$SAMPLES/thread-dies-server.py" '{port}'
    assert_success
    assert_line --regexp '^PASS reset '
    assert_line --regexp '^PASS sigpipe '
    says "A thread or child of the program ended with a Python traceback (ConnectionResetError"
    says "that is the end of that client, not of the server"
    # a traceback of another kind, in a check that resets nothing, is
    # still a crash (students-hello.bats: hello-threads.py, not-utf8)
}

# ---- the cure that fits -------------------------------------------------------

@test "check-verdicts: an integer in the wrong byte order is named as byte order, a server's and a client's" {
    if [[ "$(printf '\1\0' | od -An -tu2 | tr -d ' ')" != 1 ]]; then
        skip "a big-endian machine: the host's order is network order"
    fi
    check --only exchange --spec "$SAMPLES/next-u32.spec" -- \
        "$PYTHON" "$SAMPLES/next-u32.py" --host-order '{port}'
    assert_failure 1
    says 'reply 1 was "+\x00\x00\x00", 721420288, where the spec wants a 4-byte integer 43 in network order'
    says "Read in the other byte order, those 4 bytes are 43, the number wanted"
    says "Convert it with htonl() before send() and with ntohl() after recv()"
    # a client that prints the integer it read in the host's order
    check --only exchange --spec "$SAMPLES/u32-client.spec" -- \
        "$PYTHON" "$SAMPLES/u32-client.py" --host-order '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL exchange .*: did not print /43/'
    says "It printed 721420288: the checker's 4-byte integer 43 read in the other byte order"
    refute_output --partial "until the whole line has come"
    check --only exchange --spec "$SAMPLES/u32-client.spec" -- \
        "$PYTHON" "$SAMPLES/u32-client.py" '{port}'
    assert_success
}
