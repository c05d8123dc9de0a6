#!/usr/bin/env bats
# The unit tests of scripts/check's package, scripts/sockcheck/:
# tests/unit/test_sockcheck_*.py, Python's unittest, standard library only.
# They test the parts that need no program under test (the command line,
# the words, the report, the verdicts); tests/check.bats, check-cli.bats,
# check-restart.bats and check-crashes.bats run the checker against real
# programs.

load test_helper

@test "check-unit: every unit test of scripts/sockcheck runs and passes" {
    # Discovery must run every test method the files define: one that
    # finds fewer (a file it skips, a class it cannot import) fails here.
    local defined
    defined=$(cat "$ROOT"/tests/unit/test_sockcheck_*.py |
        grep -cE '^    def test_')
    ((defined >= 100))
    # -B: nothing written beside the modules (no __pycache__)
    run timeout "$((100 * SCALE))" "$PYTHON" -B -m unittest discover \
        -s "$ROOT/tests/unit" -t "$ROOT/tests/unit"
    assert_success
    assert_line --regexp "^Ran $defined tests in [0-9.]+s$"
    assert_line --regexp '^OK( \(skipped=[0-9]+\))?$'
}

@test "check-unit: scripts/check starts the package from anywhere, through a link" {
    ln -s "$ROOT/scripts/check" "$BATS_TEST_TMPDIR/check"
    cd "$BATS_TEST_TMPDIR"
    run bare timeout "$WAIT_RUN" "$PYTHON" ./check --help
    assert_success
    assert_line --index 0 "usage: scripts/check [options] KIND -- COMMAND [ARG...]"
    run bare timeout "$WAIT_RUN" ./check --format xml
    assert_failure 2
    assert_output "scripts/check: --format: expected text, json, tap, gradescope or junit, got 'xml'"
    # nothing written beside the modules; their compiled form is kept
    # under build/ (make's directory), whatever PYTHONDONTWRITEBYTECODE says
    [[ ! -e "$ROOT/scripts/sockcheck/__pycache__" ]]
    if [[ -d "$ROOT/build" ]]; then
        run find "$ROOT/build/pycache" -path '*/scripts/sockcheck/cli.*.pyc'
        assert_success
        [[ -n "$output" ]] || fail "no compiled module under build/pycache"
    fi
}

@test "check-unit: the package's files are Python modules, not scripts" {
    # make lint hands shellcheck the files that start like shell scripts
    local f first bad=()
    for f in "$ROOT"/scripts/sockcheck/*; do
        [[ -f "$f" ]] || continue
        first=
        IFS= read -r first <"$f" || true
        if [[ -x "$f" || "$first" == '#!'* ]]; then
            bad+=("${f#"$ROOT"/}")
        fi
    done
    if ((${#bad[@]} > 0)); then
        echo "executable, or starts with #!: ${bad[*]}" >&2
        return 1
    fi
    [[ -f "$ROOT/scripts/sockcheck/__init__.py" ]]
    # the launcher is Python, and no longer tells shellcheck so
    run grep -c shellcheck "$ROOT/scripts/check"
    assert_output 0
}
