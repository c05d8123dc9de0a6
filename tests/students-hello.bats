#!/usr/bin/env bats
# Part of the student corpus, checked with scripts/check
# --spec (tests/students.bats says how; the files run side by side, since
# the checks mostly wait). This one: hello NAME.

# The longest wait inside a test here is 150 s: bats' own per-test
# limit must be longer, or that wait could never say what it waited
# for (tests/timeouts checks it).
: "${BATS_TEST_TIMEOUT:=$((180 * ${SOCKSTEP_TEST_SCALE:-1}))}"
load test_helper
load lib/students

# ---- hello NAME ------------------------------------------------------------------

@test "students: hello: a server that greets each name passes" {
    spec hello hello-good.c
    passes_all
    assert_line --regexp '^PASS not-utf8 '
    assert_line --regexp '^PASS long-line '
}

@test "students: hello: a server that dies decoding a name fails not-utf8" {
    spec hello --only reset,not-utf8 hello-broken.py
    assert_failure 1
    assert_line --regexp '^FAIL not-utf8 .*: ended after bytes that are not UTF-8'
    says "The program had ended: it exited with status 1, after a Python traceback (UnicodeDecodeError"
    says "Check what a client sends before you use it"
    # the reset reaches it as a ConnectionResetError it does not catch
    assert_line --regexp '^FAIL reset .*: ended after a reset'
    says "after a Python traceback (ConnectionResetError"
}

@test "students: hello: a server that never closes its clients' sockets leaks" {
    spec hello --only exchange,descriptors hello-leak.c
    assert_failure 1
    assert_line --regexp '^PASS exchange '
    assert_line --regexp '^FAIL descriptors .*: (19|20|21) more descriptors after 20 clients'
    says "about one left open per client"
    says "close() it when that client is done"
}

@test "students: hello: a server that serves one client and ends is told so, not given guesses" {
    spec hello --only in-turn,silent-client,not-utf8,recv-pieces \
        hello-oneshot.py
    assert_failure 1
    assert_line --regexp '^FAIL in-turn .*: served 1 of 5 clients'
    assert_line --regexp '^FAIL silent-client .*: ended by itself \(status 0\)'
    assert_line --regexp '^FAIL not-utf8 .*: ended by itself \(status 0\)'
    says "It ended by itself, with no error: it serves a client and stops."
    refute_output --partial "Check what a client sends before you use it"
    refute_output --partial "must not wait for ever for one client"
    # the fault is not why: the first client was served under it
    assert_line --regexp '^PASS recv-pieces '
    says "Then the program ended by itself (status 0), so no next client was served"
}

@test "students: hello: with 'clients: 1' the one-client server passes" {
    { cat "$SPECS/hello.spec"; echo "clients: 1"; } >"$BATS_TEST_TMPDIR/one.spec"
    student hello-oneshot.py
    run bare timeout "$((150 * SCALE))" "$PYTHON" "$CHECK" --spec "$BATS_TEST_TMPDIR/one.spec" \
        -- "${PROG[@]}" '{port}'
    passes_all
    assert_line "10 checks: 10 passed, 0 failed"
    refute_line --regexp '^(PASS|FAIL) (in-turn|idle|silent-client|reset) '
    says "It did not crash."
}

@test "students: hello: a traceback in a thread is a failure, never a pass" {
    spec hello --only not-utf8 hello-threads.py
    assert_failure 1
    assert_line --regexp '^FAIL not-utf8 .*: traceback'
    says "The program stayed up and served the next client. But the program printed a Python traceback (UnicodeDecodeError"
    says "so this is not a pass"
}
