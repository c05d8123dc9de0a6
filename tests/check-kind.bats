#!/usr/bin/env bats
# scripts/check's echo-server kind against a C echo server with one
# mistake planted in each build (tests/check/planted-echo-server.c): the
# kind names each, in the check that shows it, and the other checks pass
# (a lecturer who uses the kind, not echo.spec, misses none of them).

load test_helper
load lib/students

# build NAME [-DMACRO]: the sample, built into the test's directory
build() {
    cc_strict ${2:+"$2"} \
        "$SAMPLES/planted-echo-server.c" -o "$BATS_TEST_TMPDIR/$1"
}

@test "check-kind: the server without a planted mistake passes the checks below" {
    build good
    check --only one-line,zombies,short-send,restart echo-server -- \
        "$BATS_TEST_TMPDIR/good" '{port}'
    assert_success
    assert_line "4 checks: 4 passed, 0 failed"
}

@test "check-kind: a server that never reaps its children fails zombies" {
    build noreap -DNO_REAP
    check --only one-line,zombies echo-server -- \
        "$BATS_TEST_TMPDIR/noreap" '{port}'
    assert_failure 1
    assert_line --regexp '^PASS one-line '
    assert_line --regexp '^FAIL zombies +no zombie left after a burst of clients: ([2-9]|10) zombies after 10 clients'
    says "reap them (a SIGCHLD handler, or waitpid(-1, NULL, WNOHANG) in a loop"
}

@test "check-kind: with --port N, a server without SO_REUSEADDR fails restart, and only restart" {
    local port
    port=$(free_port tcp)
    build noreuse -DNO_REUSEADDR
    # the checks that leave the most connections behind run before it
    check --port "$port" --only \
        one-line,reset,silent-client,twenty-clients,descriptors,sigpipe,zombies,restart \
        echo-server -- "$BATS_TEST_TMPDIR/noreuse" "$port"
    assert_failure 1
    assert_line "8 checks: 7 passed, 1 failed"
    assert_line --regexp '^FAIL restart +a restart on the same port: port in use after a restart \(EADDRINUSE\)'
    says "Set SO_REUSEADDR on the listening socket before bind()"
    refute_output --partial "TIME_WAIT there"
}

@test "check-kind: a server that drops send()'s count fails short-send" {
    build ignsend -DIGNORE_SEND
    check --only one-line,short-send echo-server -- \
        "$BATS_TEST_TMPDIR/ignsend" '{port}'
    assert_failure 1
    assert_line --regexp '^PASS one-line '
    assert_line --regexp '^FAIL short-send +send\(\) taking half of a reply: failed under send=half'
    says "The program probably ignores what send() returns"
}

@test "check-kind: a kind's verdicts name the reply that was due, not its spec's lines" {
    # A kind's user never wrote nor opened the spec the kind plays: its
    # line numbers and its 'clients: 1' key mean nothing to them. A
    # lecturer's own spec, the same file given with --spec, names both.
    check --only silent-client echo-server -- \
        "$PYTHON" "$SAMPLES/one-shot-server.py" '{port}'
    assert_failure 1
    says 'where reply 1 ("hello, sockstep") was due'
    says 'accept() in a loop (lessons 04 and 06).'
    local flat
    flat=$(printf '%s' "$output" | tr '\n' ' ' | tr -s ' ')
    [[ "$flat" != *"spec line"* && "$flat" != *"clients: 1"* ]]
    check --only silent-client --spec "$ROOT/scripts/sockcheck/specs/echo.spec" \
        -- "$PYTHON" "$SAMPLES/one-shot-server.py" '{port}'
    assert_failure 1
    says 'where reply 1 (spec line 6, /hello, sockstep/) was due'
    says "says 'clients: 1'."
}

@test "check-kind: eintr interrupts read() and write() too, not only recv() and send()" {
    # Many students read and write their connections with read() and
    # write(). The fault must reach those calls, or the check could only
    # ever say that it never acted.
    build rw -DREAD_WRITE
    check --only one-line,eintr echo-server -- "$BATS_TEST_TMPDIR/rw" '{port}'
    assert_success
    assert_line --regexp '^PASS one-line '
    assert_line --regexp '^PASS eintr '
    says 'Every third accept(), or call that received or sent (recv(), recvfrom(), read(), send(), sendto(), write()), failed with EINTR'
}
