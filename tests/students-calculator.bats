#!/usr/bin/env bats
# Part of the student corpus, checked with scripts/check
# --spec (tests/students.bats says how; the files run side by side,
# since the checks mostly wait). This one: the calculator's failures and
# its replies with no line end (the correct one is in students-echo-client.bats).

# The longest wait inside a test here is 150 s: bats' own per-test
# limit must be longer, or that wait could never say what it waited
# for (tests/timeouts checks it).
: "${BATS_TEST_TIMEOUT:=$((180 * ${SOCKSTEP_TEST_SCALE:-1}))}"
load test_helper
load lib/students

# ---- calculator ------------------------------------------------------------------

@test "students: calculator: replies with no line end pass with 'newline: no', and only so" {
    { cat "$SPECS/calculator.spec"; echo "newline: no"; } \
        >"$BATS_TEST_TMPDIR/bare.spec"
    student calc-nonewline.py
    run bare timeout "$((150 * SCALE))" "$PYTHON" "$CHECK" \
        --spec "$BATS_TEST_TMPDIR/bare.spec" -- "${PROG[@]}" '{port}'
    passes_all
    assert_line "18 checks: 18 passed, 0 failed"
    refute_line --regexp '^PASS (recv-pieces|empty-line) '
    # the same protocol, each reply sent with one unchecked send(): cut
    # to "7", it still matches /7(\.0+)?/; the plain run shows the cut
    student calc-nonewline-send.py
    run bare timeout "$((150 * SCALE))" "$PYTHON" "$CHECK" --only exchange,short-send \
        --spec "$BATS_TEST_TMPDIR/bare.spec" -- "${PROG[@]}" '{port}'
    assert_failure 1
    assert_line --regexp '^PASS exchange '
    assert_line --regexp '^FAIL short-send .*: reply cut short under send=half'
    says 'But reply 1 was "7", and "7.0" when the checker ran the program again without the fault'
    # as the spec is, the bare "7" is no line
    spec calculator --only exchange calc-nonewline.py
    assert_failure 1
    says 'Only "7" had come, with no newline'
}

@test "students: calculator: an unchecked strchr() dies on an empty line" {
    spec calculator --only empty-line calc-broken.c
    assert_failure 1
    assert_line --regexp '^FAIL empty-line .*: ended after an empty line'
    says 'A client sent an empty line ("\n")'
    says "The program had ended: it was killed by SIGSEGV."
}

@test "students: calculator: the same server dies on a very long line" {
    spec calculator --only long-line calc-broken.c
    assert_failure 1
    assert_line --regexp '^FAIL long-line .*: ended after a line of 100000 bytes \('
    says "The program had ended: it was killed by SIGSEGV."
}

@test "students: calculator: strcpy() of a huge number overruns, out-of-range fails" {
    spec calculator --only exchange,out-of-range calc-overrun.c
    assert_failure 1
    assert_line --regexp '^PASS exchange '
    assert_line --regexp '^FAIL out-of-range .*: ended after its first line with each number made huge'
    says '("99999999999999999999999 "...)'
    says "The program had ended: it was killed by SIG"
}
