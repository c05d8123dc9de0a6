#!/usr/bin/env bats
# Part of the student corpus, checked with scripts/check
# --spec (tests/students.bats says how; the files run side by side, since
# the checks mostly wait). This one: converter and udp-echo.

# The longest wait inside a test here is 150 s: bats' own per-test
# limit must be longer, or that wait could never say what it waited
# for (tests/timeouts checks it).
: "${BATS_TEST_TIMEOUT:=$((180 * ${SOCKSTEP_TEST_SCALE:-1}))}"
load test_helper
load lib/students

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
    assert_line "20 checks: 3 passed, 1 failed, 16 not run"
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
    # The client reads none of the replies, unless the program's receive
    # queue stopped nearly empty: then it reads some, so that the program
    # reads on (spec_peers.py's sp_sigpipe). Which it was depends on the
    # machine's load; both are said.
    if ! says "read none of the replies, and reset the connection (" 2>/dev/null; then
        says "bytes of the replies, and reset the connection ("
    fi
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
