#!/usr/bin/env bats
# scripts/check --batch's sandbox against a hostile class, one attack a
# test (each of the breaks B1-B13 of a hostile reading): what the sandbox
# shows (not the lecturer's environment, the checker's tree, the batch's
# temporary folder, the directories on the lecturer's PATH), what it
# limits (its disk, memory and time, a run file's --wait), how the CSV
# keeps its rows apart and whole (names that look alike, a full disk),
# what reaches the lecturer's terminal, and NOT RUN counted as its own.
#
# A submission that sees what it must not gives up (SystemExit) before
# it listens: its row then fails, and the test with it.

# The longest wait inside a test here is 150 s: bats' own per-test
# limit must be longer, or that wait could never say what it waited
# for (tests/timeouts checks it).
: "${BATS_TEST_TIMEOUT:=$((180 * ${SOCKSTEP_TEST_SCALE:-1}))}"
load test_helper

CHECK="$ROOT/scripts/check"
SAMPLES="$ROOT/tests/check"
CLASS=
MARK=

setup() {
    command -v bwrap >/dev/null || skip "bwrap is not installed"
    CLASS="$BATS_TEST_TMPDIR/class"
    MARK="sockstep-sandbox-$$-$BATS_TEST_NUMBER"
    mkdir -p "$CLASS"
}

teardown() {
    pkill -KILL -f -- "$MARK" 2>/dev/null || true
    kill_all_bg
    # what a test planted outside /tmp, for a submission to look for
    [[ -z "${PLANTED:-}" ]] || rm -rf -- "$PLANTED"
}

# honest NAME [PREFIX]: submission NAME, a Python echo server run as
# 'python3 server.py {port} MARK'; PREFIX (Python lines) runs first.
honest() {
    local dir="$CLASS/$1"
    mkdir -p "$dir"
    {
        printf '%s\n' "${2:-}"
        cat "$SAMPLES/echo-server.py"
    } >"$dir/server.py"
    printf -- '-- %s server.py {port} %s\n' "$PYTHON" "$MARK" >"$dir/run"
}

# rows CSV CHECK...: each row as "submission passed failed not-run
# RESULT... | notes".
rows() {
    local file="$1"
    shift
    run "$PYTHON" -c '
import csv, sys
for r in csv.DictReader(open(sys.argv[1], newline="")):
    print(r["submission"], r["passed"], r["failed"], r.get("not run", "-"),
          *[r[c] for c in sys.argv[2:]], "|", r["notes"])
' "$file" "$@"
    assert_success
}

# grade CSV ARGS...: the batch on the class, into CSV.
grade() {
    local csv="$1"
    shift
    run bare timeout "$((150 * SCALE))" "$PYTHON" "$CHECK" --batch "$CLASS" \
        "$@" --csv "$csv"
}

# peeks PATH...: Python lines that give up when any PATH can be read or
# listed from inside.
peeks() {
    local p list=""
    for p in "$@"; do
        list+="'$p', "
    done
    printf '%s\n' "import os
for f in ($list):
    try:
        if os.path.isdir(f) and os.listdir(f) or open(f, 'rb').read(1):
            raise SystemExit('read ' + f)
    except OSError:
        pass"
}

# ---- B12, B13: programs the fault checks cannot reach -----------------------

# shortsend NAME CCFLAGS...: submission NAME, tests/students/
# hello-shortsend.c (it ignores a short send) built with CCFLAGS.
shortsend() {
    local name=$1
    shift
    mkdir -p "$CLASS/$name"
    cc "$@" -o "$CLASS/$name/hello" "$ROOT/tests/students/hello-shortsend.c" \
        2>/dev/null || skip "cannot build with $*"
    printf -- '-- ./hello {port}\n' >"$CLASS/$name/run"
}

@test "sandbox B12: NOT RUN is its own count in the row, the summary and the exit; --require-faults fails it" {
    shortsend dyn
    shortsend static -static
    local spec="$ROOT/scripts/sockcheck/specs/hello.spec"
    grade "$BATS_TEST_TMPDIR/out.csv" --spec "$spec" --only exchange,short-send
    assert_failure 1
    assert_line "scripts/check: 2 submissions: 0 passed every check, 1 failed, 1 with checks not run, 0 not checked"
    rows "$BATS_TEST_TMPDIR/out.csv" exchange short-send
    assert_line --index 0 --regexp '^dyn 1 1 0 PASS FAIL \| short-send: '
    assert_line --index 1 "static 1 0 1 PASS NOT RUN | "
    # the lecturer who wants the fault checks made asks for them
    grade "$BATS_TEST_TMPDIR/req.csv" --spec "$spec" --only exchange,short-send \
        --require-faults
    assert_failure 1
    rows "$BATS_TEST_TMPDIR/req.csv" exchange short-send
    assert_line --index 1 --regexp '^static 1 1 0 PASS FAIL \| short-send: the fault checks cannot reach it'
    # alone, each format counts it apart
    cd "$CLASS/static"
    run bare timeout "$((100 * SCALE))" "$PYTHON" "$CHECK" --spec "$spec" \
        --only exchange,short-send --format json -- ./hello '{port}'
    assert_success
    assert_output --partial '"not_run": 1,'
    run bare timeout "$((100 * SCALE))" "$PYTHON" "$CHECK" --spec "$spec" \
        --only exchange,short-send --format tap -- ./hello '{port}'
    assert_line "# 1 passed, 0 failed, 1 not run"
    assert_line --regexp '^ok 2 - short-send: .* # SKIP not run: cannot preload the fault library$'
    run bare timeout "$((100 * SCALE))" "$PYTHON" "$CHECK" --spec "$spec" \
        --only exchange,short-send --format junit -- ./hello '{port}'
    assert_output --partial 'skipped="1"'
    run bare timeout "$((100 * SCALE))" "$PYTHON" "$CHECK" --spec "$spec" \
        --only exchange,short-send --format gradescope -- ./hello '{port}'
    assert_output --partial '2 checks: 1 passed, 0 failed, 1 not run'
    refute_output --regexp '"status": "passed",[^}]*NOT RUN'
}
