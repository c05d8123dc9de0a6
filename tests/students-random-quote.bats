#!/usr/bin/env bats
# Part of the student corpus, checked with scripts/check
# --spec (tests/students.bats says how; the files run side by side, since
# the checks mostly wait). This one: random, quote and the echo server
# whose bind() is never checked.

# The longest wait inside a test here is 150 s: bats' own per-test
# limit must be longer, or that wait could never say what it waited
# for (tests/timeouts checks it).
: "${BATS_TEST_TIMEOUT:=$((180 * ${SOCKSTEP_TEST_SCALE:-1}))}"
load test_helper
load lib/students

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
    run bare timeout "$WAIT_LONG" "$PYTHON" "$CHECK" --only bind,exchange \
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
