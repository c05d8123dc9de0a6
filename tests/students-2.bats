#!/usr/bin/env bats
# Part of the student corpus, checked with scripts/check
# --spec (tests/students.bats says how; the three files run side by side,
# since the checks mostly wait). This one: calculator, random, quote, converter and udp-echo.

# The longest wait inside a test here is 150 s: bats' own per-test
# limit must be longer, or that wait could never say what it waited
# for (tests/timeouts checks it).
: "${BATS_TEST_TIMEOUT:=180}"
load test_helper
load lib/students

# ---- calculator ------------------------------------------------------------------

@test "students: calculator: a server that refuses what it cannot compute passes" {
    spec calculator calc-good.py
    passes_all
    assert_line --regexp '^PASS out-of-range '
}

@test "students: calculator: replies with no line end pass with 'newline: no', and only so" {
    { cat "$SPECS/calculator.spec"; echo "newline: no"; } \
        >"$BATS_TEST_TMPDIR/bare.spec"
    student calc-nonewline.py
    run bare timeout 150 "$PYTHON" "$CHECK" \
        --spec "$BATS_TEST_TMPDIR/bare.spec" -- "${PROG[@]}" '{port}'
    passes_all
    assert_line "17 checks: 17 passed, 0 failed"
    refute_line --regexp '^PASS (recv-pieces|empty-line) '
    # the same protocol, each reply sent with one unchecked send(): cut
    # to "7", it still matches /7(\.0+)?/; the plain run shows the cut
    student calc-nonewline-send.py
    run bare timeout 150 "$PYTHON" "$CHECK" --only exchange,short-send \
        --spec "$BATS_TEST_TMPDIR/bare.spec" -- "${PROG[@]}" '{port}'
    assert_failure 1
    assert_line --regexp '^PASS exchange '
    assert_line --regexp '^FAIL short-send .*: reply cut short under send=half'
    says 'But reply 1 was "7", and "7.0" when the checker ran the program again without the fault'
    # as the spec is, the bare "7" is no line
    spec calculator --only exchange calc-nonewline.py
    assert_failure 1
    says 'Only "7" had come, with no newline'
}

@test "students: calculator: an unchecked strchr() dies on an empty line" {
    spec calculator --only empty-line calc-broken.c
    assert_failure 1
    assert_line --regexp '^FAIL empty-line .*: ended after an empty line'
    says 'A client sent an empty line ("\n")'
    says "The program had ended: it was killed by SIGSEGV."
}

@test "students: calculator: the same server dies on a very long line" {
    spec calculator --only long-line calc-broken.c
    assert_failure 1
    assert_line --regexp '^FAIL long-line .*: ended after a line of 100000 bytes \('
    says "The program had ended: it was killed by SIGSEGV."
}

@test "students: calculator: strcpy() of a huge number overruns, out-of-range fails" {
    spec calculator --only exchange,out-of-range calc-overrun.c
    assert_failure 1
    assert_line --regexp '^PASS exchange '
    assert_line --regexp '^FAIL out-of-range .*: ended after its first line with each number made huge'
    says '("99999999999999999999999 "...)'
    says "The program had ended: it was killed by SIG"
}

# ---- random number, and the bind note ----------------------------------------------

@test "students: random: a server on 0.0.0.0 passes, with a note on bind" {
    spec random random-good.py
    passes_all
    assert_line --regexp '^NOTE bind .*: bound to 0\.0\.0\.0:[0-9]+'
    says "To keep it to this machine, bind 127.0.0.1"
    assert_line --regexp '^[0-9]+ checks: [0-9]+ passed \(1 of them with a note\), 0 failed$'
}

@test "students: random: with 'bind: loopback' in the spec, 0.0.0.0 fails" {
    { cat "$SPECS/random.spec"; echo "bind: loopback"; } \
        >"$BATS_TEST_TMPDIR/random-local.spec"
    student random-good.py
    run bare timeout 60 "$PYTHON" "$CHECK" --only bind,exchange \
        --spec "$BATS_TEST_TMPDIR/random-local.spec" -- "${PROG[@]}" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL bind .*: bound to 0\.0\.0\.0:[0-9]+'
    says "bind 127.0.0.1"
    assert_line --regexp '^PASS exchange '
}

@test "students: random: a child per client, never reaped, leaves zombies" {
    spec random --only zombies random-broken.c
    assert_failure 1
    assert_line --regexp '^FAIL zombies .*: ([2-9]|10) zombies after 10 clients'
    says "were zombies (state Z in /proc)"
    says "until its parent calls waitpid()"
}

# ---- quote of the day ------------------------------------------------------------------

@test "students: quote: a server that sends a line and closes passes" {
    spec quote quote-good.c
    passes_all
    assert_line "11 checks: 11 passed, 0 failed"
}

@test "students: quote: a server without an accept() loop serves one client" {
    spec quote --only in-turn quote-broken.py
    assert_failure 1
    assert_line --regexp '^FAIL in-turn .*: served 1 of 10 clients'
    says "It ended by itself, with status 0, after one client: probably there is no loop around accept(): a server calls accept() again"
}

@test "students: quote: a server without SO_REUSEADDR cannot restart at once" {
    spec quote --only exchange,restart quote-noreuse.py
    assert_failure 1
    assert_line --regexp '^PASS exchange '
    assert_line --regexp '^FAIL restart .*: port in use after a restart \(EADDRINUSE\)'
    says "by the connection of its first run in TIME_WAIT. Set SO_REUSEADDR"
    says "OSError: [Errno 98] Address already in use"
}

@test "students: echo: a bind() never checked: the restart names it, not --port" {
    # the measured false hint: 'take the port from the command line'
    spec echo --only restart echo-unchecked.c
    assert_failure 1
    assert_line --regexp '^FAIL restart .*: bind\(\) failed unchecked: listened on a port the kernel chose'
    says "so its bind() to port"
    says "probably with EADDRINUSE (a connection of an earlier run was in TIME_WAIT on port"
    refute_output --partial "Take the port from the command line"
}

# ---- unit converter ------------------------------------------------------------------------

@test "students: converter: a server that answers with two decimals passes" {
    spec converter converter-good.py
    passes_all
}

@test "students: converter: one decimal does not match the spec" {
    spec converter converter-broken.c
    assert_failure 1
    # the other checks play the same exchange: not run, not failed; but
    # zombies and restart need no reply to match
    assert_line "19 checks: 3 passed, 1 failed, 15 not run"
    says "Not run: the spec's exchange failed in check exchange (see there): in-turn, idle, descriptors, silent-client,"
    says "short-send, eintr."
    assert_line --regexp '^PASS zombies '
    assert_line --regexp '^PASS restart '
    assert_line --regexp '^FAIL exchange .*: reply did not match'
    says 'reply 1 was "6.2 mi\n", which does not match /6\.21 mi/ (spec line 4'
}

@test "students: converter: a send() whose result is ignored dies of SIGPIPE" {
    spec converter --only exchange,sigpipe converter-sigpipe.c
    assert_failure 1
    assert_line --regexp '^PASS exchange '
    assert_line --regexp '^FAIL sigpipe .*: killed by SIGPIPE'
    says "read none of the replies, and reset the connection ("
    says "bytes of ours were still waiting in the program's receive queue). The program was killed by SIGPIPE"
    says "Send with MSG_NOSIGNAL"
}

# ---- UDP echo ------------------------------------------------------------------------

@test "students: udp-echo: a receiver that answers each sender passes" {
    spec udp-echo udp-echo-good.py
    passes_all
    assert_line "7 checks: 7 passed, 0 failed"
}

@test "students: udp-echo: answering the first sender for ever fails in-turn" {
    spec udp-echo --only in-turn udp-echo-broken.py
    assert_failure 1
    assert_line --regexp '^FAIL in-turn .*: served 1 of 10 clients'
    says "Client 2: nothing more came within 3.00 s, where reply 1"
}
