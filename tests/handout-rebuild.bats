#!/usr/bin/env bats
# The handout rebuilt where it is not rebuilt every day: after a line of a
# lesson changes, and on US letter. It is in a copy of the tree made from
# the real tree's lessons and transcripts (build/ with its binaries and
# build/runs, times kept), so the real build/ is never touched, no run is
# made twice, and the copy's build runs while the real tree builds its own
# A4 handout. One build in the copy does both: a comment added to a
# lesson, then make build/handout/handout.tex PAPER=letter (the LaTeX that
# pdflatex would typeset); each test checks its own part of it. Once it is
# built, a second comment must make the handout out of date again. The
# build from nothing, pdflatex and all, is the real tree's own in a fresh
# clone, as CI runs it: handout.bats checks that one. How pdflatex is run
# (until the contents settle, at most HANDOUT_RUNS times) is checked on a
# small document of its own, which takes a fraction of a second a run
# where the handout takes seconds. The sanitizer run (SOCKSTEP_BIN set)
# checks the lessons, not this: it skips.
#
# The copy builds a one-chapter handout (docs/stub.md, which setup_file
# writes there: lesson 10's program folded and a table, as an appendix)
# through the same filter, pandoc options and preamble as the book, in a
# second where the book takes many: what these tests read of it (the
# lesson's line, the paper, the preamble, the date) is the same. The
# whole book, every lesson's lines in it, is the real tree's build
# (handout.bats), so the whole book built again in the copy (make
# test-all did, twice: pandoc over every chapter) proved nothing new.
# REBUILD is the make argument that says so, given to every make of the
# copy's handout.

load handout_helper

REBUILD=(HANDOUT_MD=docs/stub.md)

setup_file() {
    local log="$BATS_FILE_TMPDIR/make.log"
    [[ -z "${SOCKSTEP_BIN:-}" ]] || return 0
    # The real tree's runs: made by another file, or being made (then this
    # waits for them), or made here; copied under the same lock, so no
    # build writes them while they are read.
    build_real_runs "$log" || return 1
    with_runs_lock copy_tree "$BATS_FILE_TMPDIR/tree"
    # Up to date as copied: the runs are not made again.
    if ! make -C "$BATS_FILE_TMPDIR/tree" -q build/runs/.done; then
        echo "the copy's runs are not up to date as copied:" >&2
        make -C "$BATS_FILE_TMPDIR/tree" -n build/runs/.done 2>&1 | head -n 20 >&2
        return 1
    fi
    # The build both tests read: a comment added to a lesson, on letter.
    local mark="handout check $$ $RANDOM"
    printf '%s\n' "$mark" >"$BATS_FILE_TMPDIR/mark"
    # (Lesson 10's file, printed whole in the stub, so that the paper
    # has the comment: the book folds it, and names it by its path
    # alone; Part I's lesson programs are whole on screen only.)
    printf '/* %s */\n' "$mark" >>"$BATS_FILE_TMPDIR/tree/lessons/10-getaddrinfo/getaddrinfo.c"
    # (and a table, as the book has: pandoc's preamble loads longtable
    # only for a document that has one, and a test below needs it)
    printf '%s\n' '# One chapter {.appendix}' '' 'Lesson 10, whole.' '' \
        '```{.c .whole include="lessons/10-getaddrinfo/getaddrinfo.c"}' '```' '' \
        '| call | what it does |' '|---|---|' '| socket() | makes a socket |' \
        >"$BATS_FILE_TMPDIR/tree/docs/stub.md"
    # (The LaTeX, which both tests read. The HTML and the EPUB are made
    # from the same filter and files: handout.bats finds every line of
    # every lesson in the real tree's HTML, and the test below checks that
    # a change makes the PDF and the HTML out of date.)
    "${HANDOUT_FIRST[@]}" timeout "$BUILD_LIMIT" make -j"$(nproc)" \
        -C "$BATS_FILE_TMPDIR/tree" build/handout/handout.tex \
        PAPER=letter "${REBUILD[@]}" >"$BATS_FILE_TMPDIR/rebuild.log" 2>&1
    echo $? >"$BATS_FILE_TMPDIR/rebuild.status"
}

setup() {
    if [[ -n "${SOCKSTEP_BIN:-}" ]]; then
        skip "the handout is built from build/, not from SOCKSTEP_BIN"
    fi
}

# copy_tree DIR: the working tree without .git, and of build/ what the
# handout is made from (the lessons' binaries and build/runs; not the
# handout being built beside it, nor the plain and sanitizer builds), with
# every file's time kept to the nanosecond so make sees it up to date.
copy_tree() {
    local f
    mkdir -p "$1/build"
    for f in "$ROOT"/* "$ROOT"/.[!.]*; do
        case "${f##*/}" in .git | build) continue ;; esac
        cp -a "$f" "$1/"
    done
    # (Other files' tests keep files of their own in build/ for a while,
    # a class's CSV: one gone between the glob and its copy is not what
    # the handout is made from, and is left out.)
    for f in "$ROOT"/build/* "$ROOT"/build/.flags; do
        case "${f##*/}" in plain | sanitize | handout | handout.*) continue ;; esac
        cp -a "$f" "$1/build/" || [[ ! -e "$f" ]] || return 1
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
    # The listing has the new line.
    contains "$dir/build/handout/handout.tex" "$mark"
    # Only there: the real handout does not have it.
    if [[ -e "$ROOT/build/handout.html" ]]; then
        run grep -c -F "$mark" "$ROOT/build/handout.html"
        assert_output 0
    fi
    # Built, the copy's LaTeX is up to date; one more comment in a lesson,
    # and the next build would make the LaTeX, the PDF and the HTML again
    # (make -q: it says so without building).
    make -C "$dir" -q build/handout/handout.tex PAPER=letter "${REBUILD[@]}" ||
        fail "the copy's handout is not up to date once built"
    # (The file is put back as it was, its time too, so that the next
    # test finds the copy's LaTeX up to date and pandoc is not run again.)
    local file="$dir/lessons/04-accept/accept.c"
    cp -p "$file" "$BATS_TEST_TMPDIR/accept.c"
    printf '/* and one more */\n' >>"$file"
    local target
    for target in build/handout/handout.tex build/handout.pdf build/handout.html; do
        run make -C "$dir" -q "$target" PAPER=letter "${REBUILD[@]}"
        [ "$status" -eq 1 ] || fail "$target: not out of date after a lesson changed"
    done
    cp -p "$BATS_TEST_TMPDIR/accept.c" "$file"
    make -C "$dir" -q build/handout/handout.tex PAPER=letter "${REBUILD[@]}" ||
        fail "the copy's LaTeX is not up to date with the lesson put back"
}

@test "handout: PAPER=letter asks LaTeX for US letter; another PAPER is refused" {
    local dir="$BATS_FILE_TMPDIR/tree"
    [ "$(<"$BATS_FILE_TMPDIR/rebuild.status")" -eq 0 ] ||
        fail "make handout PAPER=letter failed: $(tail -n 30 "$BATS_FILE_TMPDIR/rebuild.log")"
    # pandoc puts the paper into the class's options; the size of the real
    # A4 build's pages is checked in handout.bats
    run sed -n '/^\\documentclass\[/,/]{report}$/p' "$dir/build/handout/handout.tex"
    assert_line --index 0 '\documentclass['
    assert_line '  letterpaper,'
    refute_output --partial a4paper
    run timeout "$BUILD_LIMIT" make -C "$dir" handout PAPER=tabloid "${REBUILD[@]}"
    assert_failure
    assert_output --partial "PAPER must be a4 or letter"
    # A count of pdflatex runs that is not a number is refused before any
    # (the LaTeX it would typeset is up to date: nothing else is made).
    run timeout "$BUILD_LIMIT" make -C "$dir" build/handout.pdf PAPER=letter \
        HANDOUT_RUNS=x "${REBUILD[@]}"
    assert_failure
    assert_output --partial "HANDOUT_RUNS must be a number of pdflatex runs"
    refute_output --partial "pdflatex build/handout/handout.tex"
    refute_output --partial "pandoc "
}

@test "handout: pdflatex runs until the contents settle, at most RUNS times; a line past the margin fails" {
    local d="$BATS_TEST_TMPDIR/tex" script="$ROOT/docs/pdflatex-until-stable.sh"
    mkdir -p "$d"
    # a contents and a page reference: the first run only notes them
    cat >"$d/small.tex" <<'EOF'
\documentclass{article}
\begin{document}
\tableofcontents
\section{One}
See page~\pageref{two}.
\section{Two}\label{two}
EOF
    cp "$d/small.tex" "$d/wide.tex"
    printf '%s\n' '\end{document}' >>"$d/small.tex"
    cd "$BATS_TEST_TMPDIR"
    run timeout "$BUILD_LIMIT" "$script" tex/small.tex 4
    assert_success
    assert_line "pdflatex tex/small.tex (run 2)"
    refute_line "pdflatex tex/small.tex (run 3)"
    grep -q -F '{\numberline {2}Two}' "$d/small.toc"
    # a draft from nothing: one run, whatever is left to settle
    rm "$d"/small.{aux,toc,ind,pdf}
    run timeout "$BUILD_LIMIT" "$script" tex/small.tex 1
    assert_success
    assert_line "pdflatex tex/small.tex (run 1)"
    refute_line "pdflatex tex/small.tex (run 2)"
    [ -s "$d/small.pdf" ]
    run "$script" tex/small.tex x
    assert_failure 2
    assert_output --partial "RUNS must be a number of pdflatex runs, 1 or more, not 'x'"
    # a word too long for the line: the build fails and says where
    printf '%s\n' 'A word too long: \hbox{Supercalifragilisticexpialidocious-and-more-and-more-and-more-and-more-and-more-and-more}' \
        '\end{document}' >>"$d/wide.tex"
    run timeout "$BUILD_LIMIT" "$script" tex/wide.tex 4
    assert_failure 1
    assert_output --partial "wide.pdf: text runs past the margin"
    assert_output --regexp 'Overfull \\hbox \([0-9.]+pt too wide\) in paragraph at lines 7--8'
}

@test "handout: a page reference not yet known is printed ?? in the room of three digits" {
    local dir="$BATS_FILE_TMPDIR/tree" d="$BATS_TEST_TMPDIR/ref" widths
    [ "$(<"$BATS_FILE_TMPDIR/rebuild.status")" -eq 0 ] ||
        fail "make handout PAPER=letter failed: $(tail -n 30 "$BATS_FILE_TMPDIR/rebuild.log")"
    # The handout's own preamble (the copy's LaTeX up to \begin{document}),
    # then a reference to a label no run defines, as the first run of a
    # build from nothing sees every one: it takes the width of "000", not
    # that of the bold "??" it prints, so that the second run's number
    # seldom moves a line (docs/preamble.tex).
    mkdir -p "$d"
    sed '/^\\begin{document}/q' "$dir/build/handout/handout.tex" >"$d/ref.tex"
    printf '%s\n' '\sbox0{\pageref{no-such-label}}\sbox2{000}\sbox4{\bfseries ??}' \
        '\typeout{widths: \the\wd0\space\the\wd2\space\the\wd4\space}' \
        'See page~\pageref{no-such-label}.' '\end{document}' >>"$d/ref.tex"
    cd "$d"
    run timeout "$BUILD_LIMIT" env TEXINPUTS="$dir:" pdflatex \
        -interaction=nonstopmode -halt-on-error ref.tex
    assert_success
    assert_output --partial "Reference \`no-such-label' on page"
    # (reference, three digits, the marks alone)
    read -r -a widths < <(sed -n 's/^widths: //p' <<<"$output" | sed 's/pt/ /g')
    [ "${#widths[@]}" -eq 3 ] || fail "no widths in pdflatex's output"
    [ "${widths[0]}" = "${widths[1]}" ] ||
        fail "the reference is ${widths[0]}pt wide, three digits ${widths[1]}pt"
    [ "${widths[2]}" != "${widths[1]}" ] || fail "?? alone is as wide as three digits"
    run pdftotext ref.pdf -
    assert_output --partial "See page ??"
}

@test "handout: a table that runs over pages keeps the running header of its chapter" {
    local dir="$BATS_FILE_TMPDIR/tree" d="$BATS_TEST_TMPDIR/lt" i
    [ "$(<"$BATS_FILE_TMPDIR/rebuild.status")" -eq 0 ] ||
        fail "make handout PAPER=letter failed: $(tail -n 30 "$BATS_FILE_TMPDIR/rebuild.log")"
    # The handout's preamble, then an appendix long enough to end on its
    # second page, and one that starts after it on that page ({.runon})
    # with a table (longtable) that runs over three pages. Before the
    # preamble mended longtable's output routine, the pages the table
    # shipped took their header from the appendix before (in a CI run of
    # the handout: pages 147-149 named G where H had begun).
    mkdir -p "$d"
    {
        sed '/^\\begin{document}/q' "$dir/build/handout/handout.tex"
        printf '%s\n' '\appendix' '\chapter{The one before}'
        for i in $(seq 1 30); do
            printf '%s\n' "Filler of the appendix before, paragraph $i, long enough" \
                "to take a line and a half of the page it is printed on." ''
        done
        printf '%s\n' '\begingroup\ssrunon' '\chapter{The one with a table}' \
            '\endgroup' 'A table follows.' '\begin{longtable}{ll}'
        for i in $(seq 1 150); do printf 'row %d & cell \\\\\n' "$i"; done
        printf '%s\n' '\end{longtable}' 'After the table.\newpage A page after it.' \
            '\end{document}'
    } >"$d/lt.tex"
    cd "$d"
    run timeout "$BUILD_LIMIT" env TEXINPUTS="$dir:" pdflatex \
        -interaction=nonstopmode -halt-on-error lt.tex
    assert_success
    refute_output --partial "not patched"
    # The text with the headers, which a copy leaves out (no text).
    "$PYTHON" "$PEERS/furniture.py" lt.pdf >lt.txt
    # Each page after the first: its header (furniture.py puts it and
    # "sockstep handout" in its first lines, in either order), against
    # the page the second appendix starts on; the table must start on
    # that page and run on over two more.
    run "$PYTHON" - lt.txt <<'EOF'
import sys
pages = open(sys.argv[1]).read().split("\f")[:-1]
def on(text):
    return next(i for i, p in enumerate(pages) if text in p.split("\n"))
start, table, end = on("A table follows."), on("row 1"), on("row 150")
print("starts on", start + 1, "table", table + 1, "to", end + 1, "of", len(pages))
bad = 0
for i, p in enumerate(pages[1:], 1):
    lines = p.split("\n")[:4]
    head = [l for l in lines if l and l != "sockstep handout"][:1]
    want = "A. The one before" if i <= start else "B. The one with a table"
    if "sockstep handout" not in lines or head != [want]:
        print("page %d: header %r, want %r" % (i + 1, head, want))
        bad = 1
sys.exit(bad or not (start == table and end >= start + 2))
EOF
    echo "$output"
    assert_success
}

@test "handout: SOURCE_DATE_EPOCH sets the day the handout says it was built" {
    local dir="$BATS_FILE_TMPDIR/tree"
    # make -n -B: the commands it would run, none run
    run make -C "$dir" -n -B build/handout/handout.tex build/handout.epub \
        SOURCE_DATE_EPOCH=1700000000
    assert_success
    assert_output --regexp '-M date="built 2023-11-14(, commit [0-9a-f]+(-dirty)?)?"'
    assert_output --partial '-M date=2023-11-14 '
    refute_output --partial "built $(date +%Y-%m-%d)"
    run make -C "$dir" -n -B build/handout/handout.tex SOURCE_DATE_EPOCH=soon
    assert_failure
    assert_output --partial "SOURCE_DATE_EPOCH must be a number of seconds since 1970, not 'soon'"
}

@test "handout: a new day or commit to name makes the handout out of date" {
    # (last in this file: it rebuilds the copy's LaTeX with another day)
    local dir="$BATS_FILE_TMPDIR/tree"
    [ "$(<"$BATS_FILE_TMPDIR/rebuild.status")" -eq 0 ] ||
        fail "make handout PAPER=letter failed: $(tail -n 30 "$BATS_FILE_TMPDIR/rebuild.log")"
    run make -C "$dir" -q build/handout/handout.tex PAPER=letter "${REBUILD[@]}"
    assert_success
    # What the title page says of the build changes (here its day, as a
    # commit does): the LaTeX is made again, and says it.
    run timeout "$BUILD_LIMIT" make -C "$dir" build/handout/handout.tex \
        PAPER=letter SOURCE_DATE_EPOCH=1700000000 "${REBUILD[@]}"
    assert_success
    assert_output --partial "pandoc "
    grep -q 'built 2023-11-14' "$dir/build/handout/handout.tex" ||
        fail "the LaTeX does not name the new day"
    run make -C "$dir" -q build/handout/handout.tex PAPER=letter \
        SOURCE_DATE_EPOCH=1700000000 "${REBUILD[@]}"
    assert_success
}
