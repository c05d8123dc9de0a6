#!/usr/bin/env bats
# The handout's assignments, part 2 of 2 (assignments.bats says what they
# are): the solutions in tests/solutions/ against the specs the handout
# names in each assignment's second command (scripts/sockcheck/specs/),
# which add what the kind does not check. The two files run side by side,
# since the checks mostly wait.

load test_helper
load lib/assignments

# The assignments' second commands: the same solutions against the specs
# the handout names (scripts/sockcheck/specs/), which add what the kind
# does not check.
SPECS=scripts/sockcheck/specs

@test "assignments: 1, the echo server, passes echo.spec" {
    solution echo-server
    run "$PYTHON" "$ROOT/scripts/check" --spec "$ROOT/$SPECS/echo.spec" -- \
        "$BATS_TEST_TMPDIR/echo-server" '{port}'
    passes 18
}

@test "assignments: 2, the echo client, passes echo-client.spec" {
    solution echo-client
    run "$PYTHON" "$ROOT/scripts/check" --spec "$ROOT/$SPECS/echo-client.spec" -- \
        "$BATS_TEST_TMPDIR/echo-client" '{host}' '{port}'
    passes 10
}

@test "assignments: 4, many clients at once, passes echo-many.spec; 1 does not" {
    solution fork-echo-server
    run "$PYTHON" "$ROOT/scripts/check" --spec "$ROOT/$SPECS/echo-many.spec" -- \
        "$BATS_TEST_TMPDIR/fork-echo-server" '{port}'
    passes 19
    assert_line --regexp '^PASS together '
    # Assignment 1's server, one client at a time, is told apart.
    solution echo-server
    run "$PYTHON" "$ROOT/scripts/check" --spec "$ROOT/$SPECS/echo-many.spec" \
        --only together -- "$BATS_TEST_TMPDIR/echo-server" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL together '
}

@test "assignments: a broken echo server fails its check (the judge can fail)" {
    has_solutions
    # The echo server, with its echo cut to the first 3 bytes of each read.
    sed 's/send_all(conn, buf, (size_t)got)/send_all(conn, buf, got > 3 ? 3 : (size_t)got)/' \
        "$ROOT/tests/solutions/echo-server.c" >"$BATS_TEST_TMPDIR/broken.c"
    grep -q 'got > 3' "$BATS_TEST_TMPDIR/broken.c"
    cc -std=c11 "$BATS_TEST_TMPDIR/broken.c" -o "$BATS_TEST_TMPDIR/broken"
    run "$PYTHON" "$ROOT/scripts/check" --only one-line echo-server -- \
        "$BATS_TEST_TMPDIR/broken" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL one-line'
}

@test "assignments: an echo server with no send timeout fails never-reads" {
    has_solutions
    # Assignment 1's server without its SO_SNDTIMEO: it passes every
    # other check, but a client that sends much and never reads holds it
    # in send() for good, and the next client is never served.
    grep -v 'SO_SNDTIMEO' "$ROOT/tests/solutions/echo-server.c" \
        >"$BATS_TEST_TMPDIR/stuck.c"
    run grep -c 'SO_SNDTIMEO' "$BATS_TEST_TMPDIR/stuck.c"
    assert_output 0
    cc -std=c11 "$BATS_TEST_TMPDIR/stuck.c" -o "$BATS_TEST_TMPDIR/stuck"
    run "$PYTHON" "$ROOT/scripts/check" --only never-reads echo-server -- \
        "$BATS_TEST_TMPDIR/stuck" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL never-reads .*stuck on a client that never reads'
    # the words run over several lines: joined, they name the call it
    # sat in, the timeout read from its socket, and the cure
    local said
    said="$(tr -s ' \n' ' ' <<<"$output")"
    [[ "$said" == *"(the program sat in send() to it, with no send timeout)"* ]]
    [[ "$said" == *"the program was in send() on the first client's connection all that time"* ]]
    [[ "$said" == *"send timeout of a few seconds (SO_SNDTIMEO,"* ]]
}
