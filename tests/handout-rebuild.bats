#!/usr/bin/env bats
# The handout rebuilt where it is not rebuilt every day: after a line of a
# lesson changes, and on US letter. One rebuild does both (a line of a
# lesson changed, then make handout PAPER=letter: pandoc and pdflatex run
# once, not twice), and each test checks its own part of it. It is in a
# copy of the tree made from the real tree's finished build (build/ with its binaries,
# transcripts and LaTeX files, times kept), so the real build/ is never
# touched and neither test starts from nothing. The build from nothing is
# the real tree's own in a fresh clone, as CI runs it: handout.bats checks
# that one. The sanitizer run (SOCKSTEP_BIN set) checks the lessons, not
# this: it skips.

load handout_helper

setup_file() {
    local log="$BATS_FILE_TMPDIR/make.log"
    [[ -z "${SOCKSTEP_BIN:-}" ]] || return 0
    # The real tree's handout: built by handout.bats, or being built (then
    # this waits for it), or built here.
    build_real_handout "$log" || return 1
    # Copied under the same lock, so no build writes while it is read.
    with_handout_lock copy_tree "$BATS_FILE_TMPDIR/tree"
    # Up to date as copied: a build with nothing changed does nothing.
    if ! make -C "$BATS_FILE_TMPDIR/tree" -q handout; then
        echo "the copy's handout is not up to date as copied:" >&2
        make -C "$BATS_FILE_TMPDIR/tree" -n handout 2>&1 | head -n 20 >&2
        return 1
    fi
    # The rebuild both tests read: a comment added to a lesson, on letter.
    local mark="handout check $$ $RANDOM"
    printf '%s\n' "$mark" >"$BATS_FILE_TMPDIR/mark"
    printf '/* %s */\n' "$mark" >>"$BATS_FILE_TMPDIR/tree/lessons/01-socket/socket.c"
    # (The PDF and the HTML, which the tests read; not the EPUB.)
    "${HANDOUT_FIRST[@]}" timeout "$BUILD_LIMIT" make -j"$(nproc)" \
        -C "$BATS_FILE_TMPDIR/tree" build/handout.pdf build/handout.html \
        PAPER=letter >"$BATS_FILE_TMPDIR/rebuild.log" 2>&1
    echo $? >"$BATS_FILE_TMPDIR/rebuild.status"
}

setup() {
    if [[ -n "${SOCKSTEP_BIN:-}" ]]; then
        skip "the handout is built from build/, not from SOCKSTEP_BIN"
    fi
}

# copy_tree DIR: the working tree without .git, and of build/ what the
# handout is made from and of (not the plain and sanitizer builds), with
# every file's time kept to the nanosecond so make sees it up to date.
copy_tree() {
    local f
    mkdir -p "$1/build"
    for f in "$ROOT"/* "$ROOT"/.[!.]*; do
        case "${f##*/}" in .git | build) continue ;; esac
        cp -a "$f" "$1/"
    done
    for f in "$ROOT"/build/*; do
        case "${f##*/}" in plain | sanitize) continue ;; esac
        cp -a "$f" "$1/build/"
    done
}

@test "handout: changing a line of a lesson changes the handout on the next build" {
    local dir="$BATS_FILE_TMPDIR/tree" mark
    mark=$(<"$BATS_FILE_TMPDIR/mark")
    run cat "$BATS_FILE_TMPDIR/rebuild.log"
    [ "$(<"$BATS_FILE_TMPDIR/rebuild.status")" -eq 0 ] || fail "make handout failed: $output"
    # A comment changes no byte of the program, so its transcripts stand.
    assert_line "build/runs: the runs' programs are the same, byte for byte: transcripts kept"
    refute_line --partial "docs/runs.sh build"
    # The docs are checked for pasted C once, not once per format.
    run grep -c -x 'docs/check-code-blocks.sh docs' "$BATS_FILE_TMPDIR/rebuild.log"
    assert_output 1
    pdftotext "$dir/build/handout.pdf" "$BATS_TEST_TMPDIR/new.txt"
    contains "$BATS_TEST_TMPDIR/new.txt" "/* $mark */"
    grep -q -F "$mark" "$dir/build/handout.html"
    # Only there: the real handout does not have it.
    run grep -c -F "$mark" "$ROOT/build/handout.html"
    assert_output 0
}

@test "handout: PAPER=letter makes a US-letter PDF; another PAPER is refused" {
    local dir="$BATS_FILE_TMPDIR/tree"
    [ "$(<"$BATS_FILE_TMPDIR/rebuild.status")" -eq 0 ] ||
        fail "make handout PAPER=letter failed: $(tail -n 30 "$BATS_FILE_TMPDIR/rebuild.log")"
    run pdfinfo "$dir/build/handout.pdf"
    assert_output --regexp 'Page size: +612 x 792 pts \(letter\)'
    run timeout "$BUILD_LIMIT" make -C "$dir" handout PAPER=tabloid
    assert_failure
    assert_output --partial "PAPER must be a4 or letter"
}
