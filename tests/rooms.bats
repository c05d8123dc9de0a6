#!/usr/bin/env bats
# The header's rooms (lessons/common/ss_*.h): each compiles after the rooms
# its top comment names and no others; no room calls a wrapped function
# by its bare name; the macros are all in ss_macros.h; state is all in
# ss_state.h; no file is over 600 lines, and no function body starts
# with a blank line; every static function, SS_ macro and explanation
# key is used; no errno text is written twice;
# sockstep.h's top comment lists every room and every wrapped call.
# tests/rooms says how it checks.

# The first test makes 39 compiles, one after another: 4 s alone, 27 s
# beside the rest of make test, over 120 s (bats' usual limit) under half
# a core (make test-slow). This limit only keeps a test from hanging.
: "${BATS_TEST_TIMEOUT:=$((360 * ${SOCKSTEP_TEST_SCALE:-1}))}"

load test_helper

@test "rooms: each room compiles after the rooms it names, with gcc" {
    command -v gcc >/dev/null || skip "no gcc"
    CC=gcc run "$PYTHON" "$ROOT/tests/rooms"
    assert_output ""
    [ "$status" -eq 0 ]
}

@test "rooms: with clang, no room calls a wrapped function by its bare name" {
    # Which rooms a room needs (the compiles above) is a question of C's
    # rules, which gcc and clang apply alike: asked once, of gcc. clang
    # compiles every room in sockstep.h's order, narrated and plain, with
    # every lesson (builds.bats). Here it makes the one compile of all
    # the rooms with each wrapped name poisoned, and the other checks.
    command -v clang >/dev/null || skip "no clang"
    CC=clang run "$PYTHON" "$ROOT/tests/rooms" --no-needs-builds
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
    # (the compiles of each room after its needs are the first two tests')
    run "$PYTHON" "$ROOT/tests/rooms" --no-needs-builds
    [ "$status" -eq 1 ]
    assert_output --partial "a room calls a wrapped function by its bare name"
    assert_output --partial "ss_poisoned_close"
}

@test "rooms: a function body that starts with a blank line is found" {
    # The check must be able to fail: a copy of the header with a blank
    # line after the "{" of preload.c's first function.
    mkdir -p "$BATS_TEST_TMPDIR/tree/lessons"
    cp -R "$ROOT/lessons/common" "$BATS_TEST_TMPDIR/tree/lessons/"
    local f="$BATS_TEST_TMPDIR/tree/lessons/common/preload.c" n
    n=$(grep -n -m 1 '^{$' "$f" | cut -d: -f1)
    sed -i "${n}G" "$f" # G: the empty hold space, a blank line
    cd "$BATS_TEST_TMPDIR/tree"
    run "$PYTHON" "$ROOT/tests/rooms" --no-needs-builds
    [ "$status" -eq 1 ]
    assert_line "preload.c:$((n + 1)): a function body that starts with a blank line"
}

@test "rooms: a literal's length counted by hand is found" {
    # A copy of the header where one SS_STARTS is written out again as
    # strncmp with the length typed in.
    mkdir -p "$BATS_TEST_TMPDIR/tree/lessons"
    cp -R "$ROOT/lessons/common" "$BATS_TEST_TMPDIR/tree/lessons/"
    local f="$BATS_TEST_TMPDIR/tree/lessons/common/ss_errors.h" n
    n=$(grep -n -m 1 'SS_STARTS(text, "{port}")' "$f" | cut -d: -f1)
    [ -n "$n" ]
    sed -i "${n}s/SS_STARTS(text, \"{port}\")/strncmp(text, \"{port}\", 6) == 0/" "$f"
    cd "$BATS_TEST_TMPDIR/tree"
    run "$PYTHON" "$ROOT/tests/rooms" --no-needs-builds
    [ "$status" -eq 1 ]
    assert_line --partial "ss_errors.h:$n: a literal's length counted by hand"
}

@test "rooms: state kept outside ss_state.h is found, in a function too" {
    # The check must be able to fail: a copy of the header with a
    # counter at file scope in one room and a static buffer inside
    # ss_late_flush() in another; a static const table stays allowed.
    mkdir -p "$BATS_TEST_TMPDIR/tree/lessons"
    cp -R "$ROOT/lessons/common" "$BATS_TEST_TMPDIR/tree/lessons/"
    local c="$BATS_TEST_TMPDIR/tree/lessons/common"
    printf '%s\n' 'static int ss_planted_count;' >>"$c/ss_wait.h"
    sed -i 's/^\( *\)struct ss_late_call \*told = ss_late_told;/&\n\1static char planted_buf[64];/' \
        "$c/ss_call.h"
    grep -q planted_buf "$c/ss_call.h" || fail "ss_late_flush() not found to plant in"
    cd "$BATS_TEST_TMPDIR/tree"
    run "$PYTHON" "$ROOT/tests/rooms" --no-needs-builds
    [ "$status" -eq 1 ]
    assert_line "ss_wait.h: state outside ss_state.h: static int ss_planted_count;"
    assert_line "ss_call.h: state outside ss_state.h: static char planted_buf[64];"
    refute_output --partial "static const"
}

@test "rooms: an errno text written out in both tables of ss_errors.h is found" {
    # The check must be able to fail: a copy of the header with one
    # shared cause written out again where each table names its macro.
    mkdir -p "$BATS_TEST_TMPDIR/tree/lessons"
    cp -R "$ROOT/lessons/common" "$BATS_TEST_TMPDIR/tree/lessons/"
    sed -i 's/^\( *\)SS_CAUSE_HOSTUNREACH,/\1"the host cannot be reached",/' \
        "$BATS_TEST_TMPDIR/tree/lessons/common/ss_errors.h"
    cd "$BATS_TEST_TMPDIR/tree"
    run "$PYTHON" "$ROOT/tests/rooms" --no-needs-builds
    [ "$status" -eq 1 ]
    assert_line "ss_errors.h: a text written twice (make it one macro that both entries name): the host cannot be reached"
}

@test "rooms: a static function, a macro or an explanation key nothing uses is found" {
    # The check must be able to fail: a copy of the tree's C with a key
    # no ss_tell() names, a function nothing calls, one only that
    # function calls (dead too), and an SS_ colour nothing prints.
    local t="$BATS_TEST_TMPDIR/tree"
    mkdir -p "$t/tests" "$t/docs"
    cp -R "$ROOT/lessons" "$t/"
    cp "$ROOT"/tests/*.c "$t/tests/"
    cp -R "$ROOT/docs/own" "$t/docs/"
    cd "$t"
    # Nothing changed yet: nothing reported. (The compiles of each room
    # after its needs are the first two tests'.)
    run "$PYTHON" "$ROOT/tests/rooms" --no-needs-builds
    assert_output ""
    [ "$status" -eq 0 ]
    sed -i 's/^    SS_K_UNLISTED,/    SS_K_NEVER_TOLD,\n&/' \
        lessons/common/ss_state.h
    sed -i '$i\
static inline int ss_dead_callee(void) { return 1; }\
static inline int ss_never_called(void) { return ss_dead_callee(); }' \
        lessons/common/ss_text.h
    sed -i 's/^#define SS_CYAN .*/&\n#define SS_MAGENTA "\\033[35m"/' \
        lessons/common/ss_narrate.h
    grep -q '^#define SS_MAGENTA' lessons/common/ss_narrate.h
    run "$PYTHON" "$ROOT/tests/rooms" --no-needs-builds
    [ "$status" -eq 1 ]
    assert_line "SS_K_NEVER_TOLD: an explanation key nothing uses (a lesson, the preload library, tests/*.c or a used part of the header)"
    assert_line --regexp "^ss_never_called: a static function nothing uses "
    assert_line --regexp "^ss_dead_callee: a static function nothing uses "
    assert_line --regexp "^SS_MAGENTA: a macro nothing uses "
    [ "${#lines[@]}" -eq 4 ]
}

@test "rooms: sockstep.h's top comment leaving out a room or a wrapped call is found" {
    # The check must be able to fail: a copy of the header whose comment
    # lists neither ss_watch.h nor sigaction, as it once did.
    mkdir -p "$BATS_TEST_TMPDIR/tree/lessons"
    cp -R "$ROOT/lessons/common" "$BATS_TEST_TMPDIR/tree/lessons/"
    sed -i -e '/^ \*     ss_watch\.h /d' -e 's/ \* waitpid, sigaction, / * waitpid, /' \
        "$BATS_TEST_TMPDIR/tree/lessons/common/sockstep.h"
    cd "$BATS_TEST_TMPDIR/tree"
    run "$PYTHON" "$ROOT/tests/rooms" --no-needs-builds
    [ "$status" -eq 1 ]
    assert_output --partial "sockstep.h's top comment: its rooms are ss_text.h"
    assert_output --partial "it includes ss_text.h ss_state.h ss_narrate.h ss_errors.h ss_proc.h ss_kernel.h ss_watch.h"
    assert_line "sockstep.h's top comment: its list of calls leaves out sigaction()"
}
