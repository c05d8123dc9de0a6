#!/usr/bin/env bats
# make autograder's zip, run as Gradescope runs it: unpacked into
# /autograder/source (here PLATFORM/autograder, which run_autograder
# takes from AUTOGRADER_ROOT), its setup.sh run once (apt-get stubbed:
# no network here), run_autograder copied to /autograder/run_autograder
# and run in /autograder for a submission in /autograder/submission; the
# score is what /autograder/results/results.json says. A correct
# submission (tests/autograder/hello.c) must get full marks; a forging
# one (forge.mk, forge.sh) must not keep the score it writes, and does
# keep it when the same recipe runs without --sandbox (the attack is
# real, so the test of the recipe can fail). The lecturers' chapter
# must show the two scripts as the zip holds them, and the run steps of
# its CI workflow, run at the top of a copy of the template repository,
# must pass a correct program and fail a broken one in JUnit XML.

# The longest wait inside a test here is a checker's run (about 25 s
# here, with the build, when quiet; one took 142 s with the suite and
# four builds of the book beside it): bats' own limit is far longer.
: "${BATS_TEST_TIMEOUT:=$((300 * ${SOCKSTEP_TEST_SCALE:-1}))}"
load test_helper

PLATFORM=

# The zip, built by make autograder into a build/ of this file's own
# (the tree's build/ is left alone), and the platform's image: the zip
# unpacked and its setup.sh run, once for the file.
setup_file() {
    # where the sandbox cannot be made, nothing is built: each test's
    # setup skips it, saying why (a skip here would fail the file)
    [[ -z "$(sandbox_why)" ]] || return 0
    local build="$BATS_FILE_TMPDIR/build" image
    make -s -C "$ROOT" --no-print-directory autograder BUILD="$build" \
        >"$BATS_FILE_TMPDIR/make.out" 2>&1 ||
        { cat "$BATS_FILE_TMPDIR/make.out" >&2; return 1; }
    # the sandbox's own uid reads the checker: a folder it can reach
    image=$(mktemp -d "${TMPDIR:-/tmp}/sockstep-autograder-image.XXXXXX")
    chmod 755 "$image"
    echo "$image" >"$BATS_FILE_TMPDIR/image"
    unpack "$build/autograder.zip" "$image/autograder/source"
    mkdir -p "$image/stub"
    printf '#!/bin/sh\necho "apt-get $*" >>"%s/apt-get.log"\n' \
        "$image" >"$image/stub/apt-get"
    chmod 755 "$image/stub/apt-get"
    (cd "$image/autograder/source" &&
        PATH="$image/stub:$PATH" bash ./setup.sh) \
        >"$image/setup.out" 2>&1 || { cat "$image/setup.out" >&2; return 1; }
    cp -p "$image/autograder/source/run_autograder" \
        "$image/autograder/run_autograder"
}

teardown_file() {
    local image
    image=$(cat "$BATS_FILE_TMPDIR/image" 2>/dev/null) || return 0
    [[ "$image" == */sockstep-autograder-image.* ]] && rm -rf "$image"
}

# unpack ZIP DIR: as unzip does, each file's mode kept.
unpack() {
    "$PYTHON" - "$1" "$2" <<'EOF'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for info in z.infolist():
        path = z.extract(info, sys.argv[2])
        os.chmod(path, (info.external_attr >> 16) & 0o7777)
EOF
}

setup() {
    need_sandbox
    local image
    image=$(cat "$BATS_FILE_TMPDIR/image")
    # a container of the image: a copy of its /autograder
    PLATFORM=$(mktemp -d "${TMPDIR:-/tmp}/sockstep-autograder.XXXXXX")
    chmod 755 "$PLATFORM"
    cp -a "$image/autograder" "$PLATFORM/autograder"
    mkdir -p "$PLATFORM/autograder/submission"
}

teardown() {
    local writer
    # the forger's writer, left behind without the sandbox: it ends
    # within 3 s by itself; waited for, then ended, by its pid
    writer=$(cat "$PLATFORM/autograder/results/results.json.writer" \
        2>/dev/null) || writer=
    if [[ "$writer" =~ ^[0-9]+$ ]]; then
        timeout "$((10 * SCALE))" tail --pid="$writer" -f /dev/null ||
            kill -KILL "$writer" 2>/dev/null || true
    fi
    # (none where setup skipped the test)
    if [[ "$PLATFORM" == */sockstep-autograder.* ]]; then
        rm -rf "$PLATFORM"
    fi
}

# submit FILE...: the student's files, as the platform puts them in
# /autograder/submission.
submit() {
    cp "$@" "$PLATFORM/autograder/submission/"
}

# grade [RUN_AUTOGRADER]: run it (default: the one the image has) in
# /autograder, as the platform does; its status and output in $status
# and $output.
grade() {
    local script="${1:-$PLATFORM/autograder/run_autograder}"
    cd "$PLATFORM/autograder" || return 1
    run env AUTOGRADER_ROOT="$PLATFORM/autograder" "$script"
    cd "$BATS_TEST_DIRNAME" || return 1
}

# score: "SCORE of MAX", what Gradescope would show for results.json
# (the tests' scores added up, or the top-level score), then its output
# line.
score() {
    "$PYTHON" - "$PLATFORM/autograder/results/results.json" <<'EOF'
import json, sys
with open(sys.argv[1]) as f:
    r = json.load(f)
tests = r.get("tests", [])
score = r["score"] if "score" in r else sum(t["score"] for t in tests)
print("%g of %g" % (score, sum(t["max_score"] for t in tests)))
print(r.get("output", "").replace("\n", " | "))
EOF
}

# forger: the forging submission, told where the results and the
# checker are (the file "target"), as it would know them on Gradescope.
forger() {
    submit "$ROOT/tests/autograder/forge.sh"
    cp "$ROOT/tests/autograder/forge.mk" \
        "$PLATFORM/autograder/submission/Makefile"
    printf '%s\n%s\n' "$PLATFORM/autograder/results/results.json" \
        "$PLATFORM/autograder/source" >"$PLATFORM/autograder/submission/target"
}

@test "autograder: make autograder's zip holds the checker, narrate and its library's source, laid out for /autograder/source" {
    local src="$PLATFORM/autograder/source" f
    for f in setup.sh run_autograder hello.spec sockstep/scripts/check \
        sockstep/scripts/narrate sockstep/scripts/sockcheck/solo.py \
        sockstep/scripts/sockcheck/sandbox.py \
        sockstep/lessons/common/preload.c; do
        [[ -f "$src/$f" ]] || fail "the zip has no $f"
    done
    for f in setup.sh run_autograder sockstep/scripts/check \
        sockstep/scripts/narrate; do
        [[ -x "$src/$f" ]] || fail "$f is not executable in the zip"
    done
    # the one shipped, its settings those make autograder defaults to
    cmp "$src/run_autograder" "$ROOT/scripts/autograder/run_autograder"
    cmp "$src/setup.sh" "$ROOT/scripts/autograder/setup.sh"
    # setup.sh installed the sandbox and built narrate's library
    run cat "$(cat "$BATS_FILE_TMPDIR/image")/apt-get.log"
    assert_line --partial "install -y --no-install-recommends python3 make gcc libc6-dev bubblewrap"
    [[ -f "$src/sockstep/build/libsockstep.so" ]] ||
        fail "setup.sh built no libsockstep.so"
}

@test "autograder: a correct submission gets full marks, every check run" {
    cp "$ROOT/tests/autograder/hello.c" \
        "$PLATFORM/autograder/submission/server.c"
    printf 'server: server.c\n\tcc -Wall -o server server.c\n' \
        >"$PLATFORM/autograder/submission/Makefile"
    grade
    assert_success
    run score
    assert_line --index 0 "18 of 18"
    assert_line --index 1 --partial "18 checks: 18 passed, 0 failed"
    # written whole, in one step: nothing else is left beside it
    run ls -A "$PLATFORM/autograder/results"
    assert_output "results.json"
}

@test "autograder: a submission that writes its own results.json and kills its checker does not keep the score" {
    local sum
    forger
    sum=$(cksum <"$PLATFORM/autograder/source/sockstep/scripts/check")
    grade
    assert_success
    run score
    assert_line --index 0 "0 of 18"
    refute_output --partial FORGED
    # its writer, had it lived, would have written within 0.1 s
    sleep 1
    run score
    assert_line --index 0 "0 of 18"
    [[ "$(cksum <"$PLATFORM/autograder/source/sockstep/scripts/check")" == \
        "$sum" ]] || fail "the build changed the checker"
    [[ ! -e "$PLATFORM/autograder/results/results.json.writer" ]]
}

@test "autograder: without --sandbox, the same recipe lets that submission keep its 100 (the attack is real)" {
    forger
    sed 's/ --sandbox / /' "$PLATFORM/autograder/run_autograder" \
        >"$PLATFORM/unsandboxed"
    chmod 755 "$PLATFORM/unsandboxed"
    run cmp -s "$PLATFORM/unsandboxed" "$PLATFORM/autograder/run_autograder"
    assert_failure  # --sandbox was there, and is gone
    # (the killed checker leaves its temporary folder: in PLATFORM)
    mkdir "$PLATFORM/tmp"
    TMPDIR="$PLATFORM/tmp" grade "$PLATFORM/unsandboxed"
    assert_failure 137  # killed by the submission
    # its writer rewrites the file for 3 s, truncating it each time: read
    # it once the writer has ended (a read in between may find it empty)
    local writer
    # (the writer is started in the background: on a busy machine it
    # may name itself after the recipe has ended)
    wait_until "$WAIT_RUN" test -s \
        "$PLATFORM/autograder/results/results.json.writer" ||
        fail "the forger's writer left no pid"
    writer=$(cat "$PLATFORM/autograder/results/results.json.writer")
    [[ -n "$writer" ]] || fail "the forger's writer left no pid"
    wait_until "$WAIT_RUN" not ss_running "$writer" ||
        fail "the forger's writer $writer did not end"
    run score
    assert_line --index 0 "100 of 0"
    assert_line --index 1 "FORGED"
}

@test "autograder: a submission ended by --limit time still gets the results.json the checker writes: its checks so far, then FAIL" {
    # it serves its first check, then spins and never listens again; the
    # recipe with a short --limit time (the second check waits for it to
    # listen, --wait 600, until then)
    submit "$ROOT/tests/check/stall-later-server.py"
    # shellcheck disable=SC2016 # the script's own $1
    printf '#!/bin/sh\nexec python3 stall-later-server.py "$1"\n' \
        >"$PLATFORM/autograder/submission/server.sh"
    printf 'server: server.sh\n\tcp server.sh server\n\tchmod 755 server\n' \
        >"$PLATFORM/autograder/submission/Makefile"
    sed 's/ --sandbox / --sandbox --limit time=30 --wait 600 /' \
        "$PLATFORM/autograder/run_autograder" >"$PLATFORM/limited"
    chmod 755 "$PLATFORM/limited"
    run grep -c -- '--limit time=30' "$PLATFORM/limited"
    assert_output 1
    grade "$PLATFORM/limited"
    assert_success
    run score
    assert_line --index 0 "1 of 18"
    assert_line --index 1 --partial "18 checks: 1 passed, 1 failed, 16 not run"
    run cat "$PLATFORM/autograder/results/results.json"
    assert_output --partial "FAIL: ended by a limit: the whole run had taken the 30 s it may take (--limit time)"
    run ls -A "$PLATFORM/autograder/results"
    assert_output "results.json"
}

@test "autograder: a submission that does not build gets 0 of 18, with the compiler's messages" {
    printf 'int main(void) { return x; }\n' \
        >"$PLATFORM/autograder/submission/server.c"
    printf 'server: server.c\n\tcc -o server server.c\n' \
        >"$PLATFORM/autograder/submission/Makefile"
    grade
    assert_success
    run score
    assert_line --index 0 "0 of 18"
    run cat "$PLATFORM/autograder/results/results.json"
    assert_output --partial "Not run: the build, 'make server' exited with status 2"
    assert_output --partial "server.c:1:"
    assert_output --partial "undeclared"
}

@test "autograder: where bwrap cannot make a sandbox, the score is 0 and says why" {
    mkdir "$PLATFORM/nobwrap"
    # as in a container that forbids namespaces
    printf '#!/bin/sh\necho "bwrap: No permissions to create new namespace" >&2\nexit 1\n' \
        >"$PLATFORM/nobwrap/bwrap"
    chmod 755 "$PLATFORM/nobwrap/bwrap"
    submit "$ROOT/tests/autograder/hello.c"
    PATH="$PLATFORM/nobwrap:$PATH" grade
    assert_success
    run score
    assert_line --index 0 "0 of 0"
    assert_line --index 1 --partial "could not check this submission (scripts/check exited with status 3): scripts/check: --sandbox checks the program in a sandbox, and bwrap cannot make a sandbox here (bwrap: No permissions to create new namespace)"
}

@test "autograder: the lecturers' chapter shows setup.sh and run_autograder as the zip has them" {
    has_manual
    local f
    for f in setup.sh run_autograder; do
        # the code block whose second line is "# NAME: ..."
        awk -v name="# $f:" '
            /^```/ {
                if (inside && keep) {
                    for (i = 1; i <= n; i++) print lines[i]
                    exit
                }
                inside = !inside; n = 0; next
            }
            inside { lines[++n] = $0; if (n == 2 && index($0, name) == 1) keep = 1 }
        ' "$ROOT/docs/manual-grading.md" >"$BATS_TEST_TMPDIR/$f"
        [[ -s "$BATS_TEST_TMPDIR/$f" ]] ||
            fail "docs/manual-grading.md shows no $f"
        diff "$BATS_TEST_TMPDIR/$f" "$ROOT/scripts/autograder/$f" ||
            fail "docs/manual-grading.md's $f is not scripts/autograder/$f"
    done
}

# workflow_steps: the lecturers' chapter's CI workflow
# (.github/workflows/check.yml), each of its "run:" steps on one line, a
# folded (>-) one joined as YAML joins it. The apt-get step is left out:
# it needs sudo and the network, and bubblewrap is here already.
workflow_steps() {
    "$PYTHON" - "$ROOT/docs/manual-grading.md" <<'EOF_PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"```yaml\n# \.github/workflows/check\.yml\n(.*?)```", text, re.S)
if not m:
    sys.exit("docs/manual-grading.md shows no .github/workflows/check.yml")
lines = m.group(1).splitlines()
i = 0
while i < len(lines):
    step = re.match(r"^( *)- run: (.*)$", lines[i])
    i += 1
    if not step:
        continue
    if step.group(2) == ">-":
        words = []
        while i < len(lines) and len(lines[i]) - len(lines[i].lstrip()) > len(step.group(1)) + 2:
            words.append(lines[i].strip())
            i += 1
        cmd = " ".join(words)
    else:
        cmd = step.group(2)
    if "apt-get" not in cmd:
        print(cmd)
EOF_PY
}

# ci_run SERVER.C: a copy of the assignment's template repository (the
# zip's sockstep/ folder without its built library, hello.spec, a
# Makefile and SERVER.C as server.c), and the workflow's run steps run at
# its top, as a runner runs them, until one exits with more than 1; its
# status is the last step's. Run it with bats' run.
ci_run() {
    local repo="$PLATFORM/repo" step
    mkdir -p "$repo"
    cp -a "$PLATFORM/autograder/source/sockstep" "$repo/sockstep"
    rm -rf "$repo/sockstep/build"
    cp "$PLATFORM/autograder/source/hello.spec" "$repo/"
    cp "$1" "$repo/server.c"
    printf 'server: server.c\n\tcc -Wall -o server server.c\n' >"$repo/Makefile"
    workflow_steps >"$BATS_TEST_TMPDIR/steps" || fail "no workflow"
    [ "$(wc -l <"$BATS_TEST_TMPDIR/steps")" -eq 2 ] ||
        fail "expected 2 run steps after apt-get: $(cat "$BATS_TEST_TMPDIR/steps")"
    cd "$repo" || return 1
    local rc=0
    while IFS= read -r step; do
        rc=0
        bash -c "$step" || rc=$?
        ((rc <= 1)) || break
    done <"$BATS_TEST_TMPDIR/steps"
    return "$rc"
}

# The two runs the chapter tells of, each a test of its own: each runs
# the checker's 18 checks once (20 s here when quiet, most of it the
# checks' own waits), under the file's limit with room to spare on a
# busy machine (the two in one test took 126 s of its 180 on a CI run).
@test "autograder: the lecturers' CI workflow's steps, run as a runner would, pass a correct program in JUnit XML" {
    has_manual
    command -v xmllint >/dev/null || skip "no xmllint (./install-deps installs it)"
    local xml="$PLATFORM/repo/check.xml"
    run ci_run "$ROOT/tests/autograder/hello.c"
    assert_success
    [[ -f "$PLATFORM/repo/sockstep/build/libsockstep.so" ]] ||
        fail "the workflow's gcc step built no library"
    run xmllint --noout --schema "$ROOT/tests/junit.xsd" "$xml"
    assert_success
    run bash -c "grep -o '<testcase ' '$xml' | wc -l"
    assert_output 18
    run bash -c "grep -o '<failure \\|<skipped' '$xml' | wc -l"
    assert_output 0
}

@test "autograder: the lecturers' CI workflow's steps fail a program that ignores a short send, the check named in JUnit XML" {
    has_manual
    command -v xmllint >/dev/null || skip "no xmllint (./install-deps installs it)"
    local xml="$PLATFORM/repo/check.xml"
    run ci_run "$ROOT/tests/students/hello-shortsend.c"
    assert_failure 1
    [[ -f "$PLATFORM/repo/sockstep/build/libsockstep.so" ]] ||
        fail "the workflow's gcc step built no library"
    run xmllint --noout --schema "$ROOT/tests/junit.xsd" "$xml"
    assert_success
    run bash -c "grep -o '<testcase ' '$xml' | wc -l"
    assert_output 18
    run bash -c "grep -o '<failure [^>]*type=\"short-send\"' '$xml' | wc -l"
    assert_output 1
}
