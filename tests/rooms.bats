#!/usr/bin/env bats
# The header's rooms (lessons/common/ss_*.h): each compiles after the rooms
# its top comment names and no others; no room calls a wrapped function
# by its bare name; the macros are all in ss_macros.h; state is all in
# ss_state.h; no file is over 600 lines. tests/rooms says how it checks.

load test_helper

@test "rooms: each room compiles after the rooms it names, with gcc" {
    command -v gcc >/dev/null || skip "no gcc"
    CC=gcc run "$PYTHON" "$ROOT/tests/rooms"
    assert_output ""
    [ "$status" -eq 0 ]
}

@test "rooms: each room compiles after the rooms it names, with clang" {
    command -v clang >/dev/null || skip "no clang"
    CC=clang run "$PYTHON" "$ROOT/tests/rooms"
    assert_output ""
    [ "$status" -eq 0 ]
}

@test "rooms: a bare call to a wrapped function is found" {
    # The check must be able to fail: a copy of the header with one
    # SS_REAL(close)( written close( again.
    mkdir -p "$BATS_TEST_TMPDIR/tree/lessons"
    cp -R "$ROOT/lessons/common" "$BATS_TEST_TMPDIR/tree/lessons/"
    sed -i '0,/SS_REAL(close)(/s//close(/' \
        "$BATS_TEST_TMPDIR/tree/lessons/common/ss_conn.h"
    cd "$BATS_TEST_TMPDIR/tree"
    run "$PYTHON" "$ROOT/tests/rooms"
    [ "$status" -eq 1 ]
    assert_output --partial "a room calls a wrapped function by its bare name"
    assert_output --partial "ss_poisoned_close"
}
