#!/usr/bin/env bats
# Lessons and checker agree: each of sockstep's own servers passes every
# check of its kind (or its shipped spec), started with its default
# options, as a student would start it. A check that fails one of them
# fails a careful program: either the check or the lesson is wrong, and
# this file says so before a class is graded with it.
#
# The checker starts and kills the programs itself (each in a session of
# its own, on ports it chose), so no test here has a background process;
# each run is bounded by timeout(1), below bats' own per-test limit, and
# goes through bare (only fds 0, 1 and 2 open). The four files run side
# by side with the rest; each is one whole run of the checker.

load test_helper
load hostile/common
load lib/students

# lesson NAME KIND-OR-SPEC...: the whole checker on build/NAME, its
# default options but the port.
lesson() {
    local name=$1
    shift
    need_bin "$name"
    run bare timeout "$((100 * SCALE))" "$PYTHON" "$CHECK" "$@" -- \
        "$BIN/$name" --port '{port}'
}

@test "check-lessons: lesson 06's server passes every echo-server check, default options" {
    lesson 06-send-recv-server echo-server
    assert_success
    assert_line "20 checks: 20 passed, 0 failed"
    refute_line --regexp '^(FAIL|NOT RUN|NOTE)'
    # its send timeout is --timeout, 300 s for a person at the keyboard:
    # a client that never reads holds it, one client at a time, and the
    # checker says so from the socket, not from a clock
    assert_line --regexp '^PASS never-reads '
    # (300 through a variable: tests/timeouts reads "timeout" and a
    # number as a wait of this test's own)
    local secs=300
    [[ "$(tr -s ' \n' ' ' <<<"$output")" == *"(the program sat in send() to it, its send timeout $secs s)"* ]]
    [[ "$(tr -s ' \n' ' ' <<<"$output")" == *"It was served once the first client had left (reset)"* ]]
}

@test "check-lessons: lesson 12's forking server passes every echo-server check, default options" {
    lesson 12-fork-server echo-server
    assert_success
    assert_line "20 checks: 20 passed, 0 failed"
    refute_line --regexp '^(FAIL|NOT RUN|NOTE)'
}

@test "check-lessons: lesson 20's epoll server passes every echo-server check, default options" {
    lesson 20-epoll-server echo-server
    assert_success
    assert_line "20 checks: 20 passed, 0 failed"
    refute_line --regexp '^(FAIL|NOT RUN|NOTE)'
}

@test "check-lessons: lesson 13's poll chat passes every check of the shipped chat spec, default options" {
    lesson 13-poll-chat --spec "$SPECS/chat.spec"
    assert_success
    assert_line "18 checks: 18 passed, 0 failed"
    refute_line --regexp '^(FAIL|NOT RUN|NOTE)'
    # a chat sends a client's lines to the others, never back: the
    # never-reads flood ends once 1 MiB of it has brought nothing back,
    # not after 64 MiB through a narrating program (100 s on a busy CI)
    [[ "$(tr -s ' \n' ' ' <<<"$output")" == *"for the last 1048576 bytes sent it nothing back"* ]]
}
