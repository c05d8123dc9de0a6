# What assignments.bats and assignments-specs.bats share: building a
# solution of tests/solutions/ and the line that says all checks passed.

# has_solutions: skip the test in a copy made without the model
# solutions (git archive leaves tests/solutions/ out: .gitattributes).
has_solutions() {
    [[ -d "$ROOT/tests/solutions" ]] ||
        skip "no tests/solutions/ here (a students' copy, made by git archive)"
}

# solution NAME: build tests/solutions/NAME.c into the test's directory.
solution() {
    has_solutions
    cc -std=c11 -Wall -Wextra -Werror -pedantic \
        "$ROOT/tests/solutions/$1.c" -o "$BATS_TEST_TMPDIR/$1"
}

# passes N: scripts/check's last line says all N checks passed. When
# not, the checks that did not pass are printed first, whole: a failure's
# output is long, and a CI log may keep only its start.
passes() {
    # shellcheck disable=SC2154 # bats' run sets output
    if ! grep -qx "$1 checks: $1 passed, 0 failed" <<<"$output"; then
        echo "# the checks that did not pass, whole:"
        awk '/^[A-Z]/ { keep = $1 != "PASS" && $1 != "checking" } keep' \
            <<<"$output"
    fi
    assert_success
    assert_line --regexp "^$1 checks: $1 passed, 0 failed$"
}
