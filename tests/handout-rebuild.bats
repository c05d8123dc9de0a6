#!/usr/bin/env bats
# The handout built where it is not built every day: in a copy of the tree
# without build/ (as from a fresh clone), again after a line of a lesson
# changes, and on US letter. Every build here is in that copy, so the real
# build/ is never touched by them; the one build of the real tree that the
# first test compares with is handout.bats' (they share a lock, so the two
# files may run side by side). The sanitizer run (SOCKSTEP_BIN set) checks
# the lessons, not this: it skips.

load handout_helper

setup_file() {
    local log="$BATS_FILE_TMPDIR/make.log"
    [[ -z "${SOCKSTEP_BIN:-}" ]] || return 0
    copy_tree "$BATS_FILE_TMPDIR/tree"
    if ! timeout "$BUILD_LIMIT" make -C "$BATS_FILE_TMPDIR/tree" handout \
        >"$log" 2>&1; then
        echo "make handout in a copy of the tree without build/ failed:" >&2
        tail -n 40 "$log" >&2
        return 1
    fi
    # The real tree's handout, to compare with: built by handout.bats,
    # or being built (then this waits for it), or built here.
    build_real_handout "$log"
}

setup() {
    if [[ -n "${SOCKSTEP_BIN:-}" ]]; then
        skip "the handout is built from build/, not from SOCKSTEP_BIN"
    fi
}

# copy_tree DIR: the working tree without build/ and .git, to build in.
copy_tree() {
    mkdir -p "$1"
    tar -C "$ROOT" --exclude=./build --exclude=./.git -cf - . | tar -C "$1" -xf -
}

@test "handout: a copy of the tree without build/ builds the same handout" {
    local dir="$BATS_FILE_TMPDIR/tree"
    [ -s "$dir/build/handout.pdf" ]
    [ -s "$dir/build/handout.html" ]
    # The same contents, chapter by chapter and section by section (page
    # numbers aside: the transcripts are real runs, and a run with other
    # ports or timings may wrap a line differently).
    local a b
    a=$(pdftotext -l 8 "$ROOT/build/handout.pdf" - | grep -v '^built ' | tr -d '[:digit:][:space:]')
    b=$(pdftotext -l 8 "$dir/build/handout.pdf" - | grep -v '^built ' | tr -d '[:digit:][:space:]')
    [ "${#a}" -gt 2000 ]
    [ "$a" = "$b" ]
    # And about as many pages: a few lines more or less in a transcript.
    local pa pb
    pa=$(pdfinfo "$ROOT/build/handout.pdf" | awk '/^Pages:/ { print $2 }')
    pb=$(pdfinfo "$dir/build/handout.pdf" | awk '/^Pages:/ { print $2 }')
    echo "pages: $pa here, $pb in the copy"
    ((pa - pb <= 3 && pb - pa <= 3))
}

@test "handout: changing a line of a lesson changes the handout on the next build" {
    local dir="$BATS_FILE_TMPDIR/tree" file mark
    file="$dir/lessons/01-socket/socket.c"
    mark="handout check $$ $RANDOM"
    printf '/* %s */\n' "$mark" >>"$file"
    run timeout "$BUILD_LIMIT" make -C "$dir" handout
    assert_success
    # A comment changes no byte of the program, so its transcripts stand.
    assert_line "build/runs: the runs' programs are the same, byte for byte: transcripts kept"
    refute_line --partial "docs/runs.sh build"
    pdftotext "$dir/build/handout.pdf" "$BATS_TEST_TMPDIR/new.txt"
    contains "$BATS_TEST_TMPDIR/new.txt" "/* $mark */"
    grep -q -F "$mark" "$dir/build/handout.html"
    # Only there: the real handout does not have it.
    run grep -c -F "$mark" "$ROOT/build/handout.html"
    assert_output 0
}

@test "handout: PAPER=letter makes a US-letter PDF; another PAPER is refused" {
    local dir="$BATS_FILE_TMPDIR/tree"
    run timeout "$BUILD_LIMIT" make -C "$dir" handout PAPER=letter
    assert_success
    run pdfinfo "$dir/build/handout.pdf"
    assert_output --regexp 'Page size: +612 x 792 pts \(letter\)'
    run timeout "$BUILD_LIMIT" make -C "$dir" handout PAPER=tabloid
    assert_failure
    assert_output --partial "PAPER must be a4 or letter"
}

