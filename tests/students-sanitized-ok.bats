#!/usr/bin/env bats
# Part of the student corpus, checked with scripts/check
# --spec (tests/students.bats says how; the files run side by side, since
# the checks mostly wait). This one: the sanitizer builds.

# The longest wait inside a test here is 150 s: bats' own per-test
# limit must be longer, or that wait could never say what it waited
# for (tests/timeouts checks it).
: "${BATS_TEST_TIMEOUT:=$((180 * ${SOCKSTEP_TEST_SCALE:-1}))}"
load test_helper
load lib/students

# ---- the sanitizer builds: no false alarm on the correct C samples --------------------

# sanitized NAME SPEC: build tests/students/NAME.c with AddressSanitizer
# and UndefinedBehaviorSanitizer (skip where the compiler cannot), then
# check it with SPEC: every check passes, and no sanitizer spoke.
sanitized() {
    cc_strict -g \
        -fsanitize=address,undefined "$STUDENTS/$1.c" \
        -o "$BATS_TEST_TMPDIR/$1" 2>/dev/null ||
        skip "cc cannot build with -fsanitize=address,undefined here"
    run bare timeout "$((150 * SCALE))" "$PYTHON" "$CHECK" --spec "$SPECS/$2.spec" -- \
        "$BATS_TEST_TMPDIR/$1" '{port}'
    passes_all
    refute_output --partial "Sanitizer"
    refute_output --partial "runtime error"
}

@test "students: sanitizers: echo-good.c passes echo.spec" {
    sanitized echo-good echo
}

@test "students: sanitizers: hello-good.c passes hello.spec" {
    sanitized hello-good hello
}

@test "students: sanitizers: quote-good.c passes quote.spec" {
    sanitized quote-good quote
}
