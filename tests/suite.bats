#!/usr/bin/env bats
# The suite itself: no wait inside a test outlasts bats' own per-test
# limit (tests/timeouts says how it checks).

load test_helper

@test "suite: no test's timeout N is at or above its file's per-test limit" {
    run "$PYTHON" "$ROOT/tests/timeouts"
    assert_output ""
    assert_success
}

@test "suite: a timeout that bats' limit would end first is found" {
    # The check must be able to fail: a file with the default limit
    # (120 s) and a wait of 120 s, and one that sets its limit above such
    # a wait.
    printf 'load test_helper\n@test "x" {\n    run timeout 120 sleep 1\n}\n' \
        >"$BATS_TEST_TMPDIR/short.bats"
    # shellcheck disable=SC2016 # a file's text, not an expansion
    printf ': "${BATS_TEST_TIMEOUT:=150}"\nload test_helper\n@test "x" {\n    run timeout 120 sleep 1 --timeout 600\n}\n' \
        >"$BATS_TEST_TMPDIR/long.bats"
    run "$PYTHON" "$ROOT/tests/timeouts" "$BATS_TEST_TMPDIR/short.bats" \
        "$BATS_TEST_TMPDIR/long.bats"
    assert_failure 1
    assert_output "$BATS_TEST_TMPDIR/short.bats:3: timeout 120, limit 120"
}
