# What the checker's test files share (tests/check*.bats, the student
# corpus of tests/students*.bats, spec-keys.bats): the samples'
# directories, building a C sample, running the checker on one, and the
# assertions on its verdict. Loaded by each of those files after
# test_helper.

CHECK="$ROOT/scripts/check"
SPECS="$ROOT/scripts/sockcheck/specs"
STUDENTS="$ROOT/tests/students"
# The checker's own samples, each written to fail a check (its header
# says which).
SAMPLES="$ROOT/tests/check"

# check ARGS...: bats' run of the checker, bounded: only so that a hang
# ends before bats' own per-test limit (120 s) does, never so tight that
# a slow machine meets it. Every check of a kind on the seeds' client
# took 26 s here and more than 50 s on half a core (make test-slow),
# which the bound of 50 s it had then ended.
check() {
    run bare timeout "$((110 * SCALE))" "$PYTHON" "$CHECK" "$@"
}

# student NAME: the command that starts tests/students/NAME in PROG (a C
# file is built into the test's directory first).
student() {
    case "$1" in
    *.c)
        cc -std=c11 -Wall -Wextra -Werror -pedantic \
            "$STUDENTS/$1" -o "$BATS_TEST_TMPDIR/${1%.c}"
        PROG=("$BATS_TEST_TMPDIR/${1%.c}")
        ;;
    *.py) PROG=("$PYTHON" "$STUDENTS/$1") ;;
    esac
}

# spec SPEC [OPTIONS...] NAME [ARGS...]: bats' run of the checker on
# student NAME with scripts/sockcheck/specs/SPEC.spec, {port} last.
spec() {
    local file="$SPECS/$1.spec" opts=()
    shift
    while [[ "$1" == --* ]]; do
        opts+=("$1" "$2")
        shift 2
    done
    student "$1"
    shift
    run bare timeout "$((150 * SCALE))" "$PYTHON" "$CHECK" "${opts[@]}" --spec "$file" -- \
        "${PROG[@]}" "$@" '{port}'
}

# passes_all: every check passed (notes count as passes), or was not run
# for a reason of its own (a fault that never acted), never for a crash.
passes_all() {
    assert_success
    assert_line --regexp '^([0-9]+) checks: [0-9]+ passed( \([0-9]+ of them with a note\))?, 0 failed'
    refute_line --regexp '^FAIL'
    refute_line --regexp '^Not run: '
}

# says TEXT: the output, its wrapped lines joined, contains TEXT.
says() {
    local flat
    # shellcheck disable=SC2154 # output: set by bats' run
    flat=$(printf '%s' "$output" | tr '\n' ' ' | tr -s ' ')
    if [[ "$flat" != *"$1"* ]]; then
        printf 'the output does not say: %s\n--\n%s\n' "$1" "$output" >&2
        return 1
    fi
}
