#!/usr/bin/env bats
# Every broken C sample of tests/students/ fails the checks
# EXPECTED names for it in its sanitizer build too (-fsanitize=address,
# undefined), as it does in the normal build (tests/students*.bats): a
# sanitizer must not hide a defect, nor turn it into another failure.
# The correct samples' sanitizer builds are in students-sanitized-ok.bats
# and students-udp-client.bats.

# It builds and checks about ten programs in turn: on a machine loaded
# beyond its cores that takes more than the suite's usual 60 s.
export BATS_TEST_TIMEOUT=$((240 * ${SOCKSTEP_TEST_SCALE:-1}))
load test_helper
load lib/students

@test "students: sanitizers: each broken C sample fails the checks EXPECTED names" {
    cc -fsanitize=address,undefined -x c -o "$BATS_TEST_TMPDIR/probe" - \
        <<<'int main(void) { return 0; }' 2>/dev/null ||
        skip "cc cannot build with -fsanitize=address,undefined here"
    local file spec verdict checks name c args seen=0
    while read -r file spec verdict; do
        [[ "$file" == *.c && "$verdict" != PASS* && "$spec" != "("* ]] ||
            continue
        checks=$(sed 's/ *(.*//; s/ //g' <<<"$verdict")
        name="${file%.c}"
        cc_strict -g \
            -fsanitize=address,undefined "$STUDENTS/$file" \
            -o "$BATS_TEST_TMPDIR/$name"
        args=('{port}')
        if grep -q '^program: client' "$SPECS/$spec.spec"; then
            args=('{host}' '{port}')
        fi
        run bare timeout "$((150 * SCALE))" "$PYTHON" "$CHECK" --only "$checks" \
            --spec "$SPECS/$spec.spec" -- "$BATS_TEST_TMPDIR/$name" "${args[@]}"
        assert_failure 1
        for c in ${checks//,/ }; do
            assert_line --regexp "^FAIL $c "
        done
        refute_line --regexp '^PASS '
        seen=$((seen + 1))
    done < <(grep -v '^#' "$STUDENTS/EXPECTED")
    # a table that lost its rows would pass with nothing checked
    ((seen >= 9))
}
