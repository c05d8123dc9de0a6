#!/usr/bin/env bats
# The handout (make handout): build/handout.pdf, build/handout.html and
# build/handout.epub, generated from the lessons by docs/include.lua and
# docs/runs.sh. (The Python equivalents it includes are run against the
# lessons by tests/python.bats.)
#
# setup_file builds it once in the tree; the tests read what was built:
# handout.txt is its text as a reader's copy gives it (pdftotext), without
# the running headers and the feet, which the preamble makes no text (so
# a page's first line of text would start with pdftotext's form feed: the
# form feed is put on a line of its own, and a pattern anchored with ^
# finds that line whatever page it opens);
# paper.txt the same with them put back (tests/peers/furniture.py), for
# the tests that check them.
# In a fresh clone that build starts from nothing, as CI's does. The
# rebuilds in a copy of the tree (after a lesson edit, on US letter) are in
# handout-rebuild.bats, the checks of the EPUB in handout-epub.bats and of
# the HTML on a screen in handout-screen.bats: they run beside this file,
# on the same build. The checks of the sources that need no build of the
# book (the code blocks, the filter) are in handout-docs.bats.

load handout_helper

setup_file() {
    build_real_handout "$BATS_FILE_TMPDIR/make.log" || return 1
    # What poppler's tools print for the PDF, kept for the file's tests:
    # each run over its pages costs most of a CPU second, and several
    # tests read the same (tests/peers/pdftext.py).
    export SOCKSTEP_PDF_CACHE="$BATS_FILE_TMPDIR/pdf"
    mkdir -p "$SOCKSTEP_PDF_CACHE"
    pdftext pdftotext "$ROOT/build/handout.pdf" - | sed 's/\f/\f\n/g' \
        >"$BATS_FILE_TMPDIR/handout.txt"
    "$PYTHON" "$PEERS/furniture.py" "$ROOT/build/handout.pdf" >"$BATS_FILE_TMPDIR/paper.txt"
}

# pdftext TOOL ARG... PDF -: the tool's output, run once per file
# (tests/peers/pdftext.py).
pdftext() {
    "$PYTHON" "$PEERS/pdftext.py" "$@"
}

# The lesson directories: lessons/NN-name/, not lessons/common/.
lesson_dirs() {
    local d
    for d in "$ROOT"/lessons/[0-9][0-9]-*/; do
        basename "$d"
    done
}

# The chapter title of a lesson, from its sources' header comments
# (" * Lesson 06: send() and recv(), the client" -> "Lesson 06: send() and
# recv()"): one title per lesson directory.
lesson_title() {
    sed -n -E 's/^ \* (Lesson [0-9]+: .*)$/\1/p' "$ROOT/lessons/$1"/*.c |
        sed -E 's/, the (client|server)$//' | sort -u
}

# The text of the PDF pages that belong to a lesson's chapter: the pages
# that show its title (as the heading, or in the running header), without
# the table of contents (the pages that show three or more lessons' titles).
chapter_text() {
    local title=$1 out=$2 all=() l
    while IFS= read -r l; do
        all+=("$(lesson_title "$l" | tr -d '[:space:]')")
    done < <(lesson_dirs)
    "$PYTHON" "$PEERS/pages-with-title.py" "$BATS_FILE_TMPDIR/paper.txt" \
        "$title" "${all[@]}" >"$out"
}

@test "handout: builds the PDF, the HTML and the EPUB, and they are not trivial" {
    [ -s "$ROOT/build/handout.pdf" ]
    [ -s "$ROOT/build/handout.html" ]
    [ -s "$ROOT/build/handout.epub" ]
    local pages
    pages=$(pdfinfo "$ROOT/build/handout.pdf" | sed -n 's/^Pages: *//p')
    echo "pages: $pages"
    ((pages >= 30))
    # A student prints it: at most 130 pages of A4, Part I's plain
    # programs whole included (the lessons' own are whole on screen).
    if pdfinfo "$ROOT/build/handout.pdf" | grep -q '^Page size:.*(A4)'; then
        ((pages <= 130)) || { echo "the A4 handout has $pages pages, more than 130" >&2; return 1; }
    fi
    (($(stat -c %s "$ROOT/build/handout.html") > 100000))
    (($(stat -c %s "$ROOT/build/handout.epub") > 50000))
    # A4 by default.
    run pdfinfo "$ROOT/build/handout.pdf"
    assert_output --regexp 'Page size: +595\.[0-9]+ x 841\.[0-9]+ pts \(A4\)'
}

@test "handout: the lecturer's manual builds as PDF, HTML and EPUB; the student's book has none of it" {
    has_manual
    local f
    for f in lecturers.pdf lecturers.html lecturers.epub; do
        [ -s "$ROOT/build/$f" ] || { echo "not built: build/$f" >&2; return 1; }
    done
    pdftotext "$ROOT/build/lecturers.pdf" "$BATS_TEST_TMPDIR/manual.txt"
    # The manual: the lab, the course plan, grading a class, the
    # autograders, the assignments' models, how the book is built.
    for f in 'Two labs of two hours on Part I' 'A course of twelve weeks' \
        'Week 6: names and addresses' 'From checks to marks' \
        'How long a class takes' 'Assignment 5: a rubric' \
        'Grading a class' 'Gradescope and CI' 'tests/solutions/' \
        'How the book is built'; do
        grep -q -F "$f" "$BATS_TEST_TMPDIR/manual.txt" ||
            { echo "not in the manual: $f" >&2; return 1; }
    done
    # On paper the manual prints what the book leaves to the screen: the
    # spec keys and the autograders' scripts.
    grep -q -F 'run_autograder: Gradescope runs it for each submission' \
        "$BATS_TEST_TMPDIR/manual.txt"
    # None of it in the student's book, in any of its forms; a link from
    # the book to the manual names it.
    for f in 'Two labs of two hours on Part I' 'A course of twelve weeks' \
        'Gradescope and CI' 'How the book is built' 'Teaching the course' \
        'From checks to marks' 'Week by week'; do
        run grep -c -F "$f" "$BATS_FILE_TMPDIR/handout.txt"
        assert_output 0
        run grep -c -F "$f" "$ROOT/build/handout.html"
        assert_output 0
    done
    # (the book links to it only on screen, where a link is a click:
    # what the paper's reader needs, the book prints; each such link
    # says where it goes, if the book has one at all)
    run bash -c "tr '\n' ' ' <'$ROOT/build/handout.html' |
        grep -o 'href=\"lecturers\.html#[^\"]*\"[^>]*>[^<]*</a>[^<]\{0,30\}' |
        grep -vc 'in the lecturer.s manual'"
    assert_output 0
    # The manual's own header, not the book's.
    "$PYTHON" "$PEERS/furniture.py" "$ROOT/build/lecturers.pdf" | grep -q "sockstep lecturer’s manual\|sockstep lecturer's manual"
}

@test "handout: a cross-reference in the lecturer's manual gives, on paper, its target's page" {
    # The manual's chapters are unnumbered: a link there prints the page
    # to turn to (docs/filters/numbers.lua), "(the lab machines, p. 2)",
    # and that page (its foot, "page 2") holds the heading it names; a
    # link to a listing, the listing's first line (its label is set after
    # the room its caption asks for, not on the page before).
    has_manual
    local text="$BATS_TEST_TMPDIR/manual.txt" words heading n
    "$PYTHON" "$PEERS/furniture.py" "$ROOT/build/lecturers.pdf" >"$text"
    while IFS='|' read -r words heading; do
        n=$(tr '\n' ' ' <"$text" | grep -oE "$words.{0,5}p\. [0-9]+" |
            head -1 | grep -oE '[0-9]+$')
        [[ -n "$n" ]] || { echo "no page after \"$words\"" >&2; return 1; }
        awk -v RS='\f' -v n="$n" -v h="$heading" '
            $0 ~ ("(^|\n)page " n "\n*$") && index("\n" $0 "\n", "\n" h "\n") { found = 1 }
            END { exit !found }' "$text" ||
            { echo "\"$words\" says p. $n; \"$heading\" is not on it" >&2; return 1; }
    done <<'LINKS'
the lab machines|The lab machines
the mock exam|An exam: a model paper
the model answers|Model answers and marks
as a class of 300|Grading a class, step by step
in week 3.{1,3}s answers|static void send_all(int fd, const char *buf, size_t len)
LINKS
}

@test "handout: the contents: Parts I and II, each lesson's number once, its first section N.1" {
    # The PDF's contents list "Lesson 06: send() and recv() ... 37", with
    # no chapter number before the title that says it: nor do its
    # headings, the HTML's or the EPUB's. Its sections are still 6.1 ...,
    # and a reference "section 6.10, page 46" leads to that heading there.
    run "$PYTHON" "$PEERS/contents-numbers.py" "$BATS_FILE_TMPDIR/paper.txt" \
        "$ROOT/build/handout.html" "$ROOT/build/handout.epub"
    echo "$output"
    assert_success
    # A contents line "6 Lesson 06: ..." is caught.
    sed 's/^Lesson 06: /6 Lesson 06: /' "$BATS_FILE_TMPDIR/paper.txt" \
        >"$BATS_TEST_TMPDIR/twice.txt"
    run "$PYTHON" "$PEERS/contents-numbers.py" "$BATS_TEST_TMPDIR/twice.txt" \
        "$ROOT/build/handout.html" "$ROOT/build/handout.epub"
    assert_failure
    assert_output --partial "a lesson's number twice: '6 Lesson 06'"
}

@test "handout: the HTML has Part I and Part II, and each lesson its own contents" {
    local html="$ROOT/build/handout.html"
    grep -q '<section id="part-1" class="level1 part unnumbered">' "$html"
    grep -q '<section id="part-2" class="level1 part unnumbered">' "$html"
    # Part I's heading comes before lesson 01's, Part II's between 09 and 10.
    local order
    order=$(grep -o -E 'id="(part-[12]|lesson-(01|09|10))"' "$html" | tr '\n' ' ')
    [[ "$order" == *part-1*lesson-01*lesson-09*part-2*lesson-10* ]]
    [ "$(grep -c '<div class="chapter-contents">' "$html")" -ge 20 ]
    grep -q '<a href="#l06-teaches">' "$html"
}

@test "handout: an index of calls, options, errno names and terms, with pages on paper and links on screen" {
    # On paper: its entries have pages.
    local name
    for name in 'bind\(\)' SO_REUSEADDR EADDRINUSE MSG_NOSIGNAL 'file descriptor' \
        SCM_RIGHTS 'Nagle.s algorithm' HTTP 'stream of bytes' 'message boundaries' \
        'send buffer' 'receive buffer' MTU; do
        grep -qE "^$name, [0-9]+" "$BATS_FILE_TMPDIR/handout.txt" ||
            { echo "not in the printed index: $name"; return 1; }
    done
    # Each page it gives for a call names the call there.
    run "$PYTHON" "$PEERS/index-pages.py" "$ROOT/build/handout.pdf"
    echo "$output"
    assert_success
    # TCP_NODELAY where lesson 19 defines it and where its kernel section
    # says what it changes (lesson 15's program, which uses it too, is
    # printed on screen only).
    grep -qE '^TCP_NODELAY, [0-9]+, [0-9]+' "$BATS_FILE_TMPDIR/handout.txt"
    # A sub-entry keeps the underscores of a name ("\_" in docs/index.txt).
    run grep -c 'IPV6 V6ONLY' "$BATS_FILE_TMPDIR/handout.txt" "$ROOT/build/handout.html"
    assert_output "$BATS_FILE_TMPDIR/handout.txt:0
$ROOT/build/handout.html:0"
    grep -qE '^IPV6_V6ONLY, [0-9]+$' "$BATS_FILE_TMPDIR/handout.txt"
    # A name in code is set in the code font, as in the text, and each
    # name is one entry, however \index wrote it (\SSidxcode, index.lua).
    local ind="$ROOT/build/handout/handout.ind"
    grep -qF '\item \SSidxcode{bind()}, ' "$ind"
    grep -qF '\item file descriptor, ' "$ind"
    run bash -c "grep -o '^  \\\\item [^,]*' '$ind' | sed 's/SSidxcode *{/SSidxcode{/' | sort | uniq -d"
    assert_output ''
    run grep -c '^  \\item ' "$ind"
    ((output > 150))
    # On screen: each link of the index leads to a mention of its name.
    run "$PYTHON" "$PEERS/index-links.py" "$ROOT/build/handout.html"
    assert_success
}

@test "handout: on paper, Part II's chapters do not point at the lesson programs only the screen prints" {
    # A sentence about a lesson's own program and its runs, which
    # appendix D prints on screen only, is [...]{.screen}: on paper it
    # would point at a table (readers counted thirteen such pointers).
    local txt="$BATS_FILE_TMPDIR/handout.txt" html="$ROOT/build/handout.html" s
    for s in "also gives up on a" "shows each of these in its runs" \
        "can also run" "claim their path safely"; do
        run grep -c "$s" "$txt"
        assert_output 0
        grep -q "$s" "$html" || { echo "not on screen: $s"; return 1; }
    done
    # In a sentence, only the words go: lesson 15 still names its server.
    grep -q "Here it ran against the plain echo server" "$txt"
    run grep -c "(appendix D)" "$txt"
    ((output <= 5))
}

@test "handout: the checks' tables are the manual's; the book says where to look" {
    # docs/manual-grading.md has the tables of each kind's checks; the
    # student's book (tools.md) says where it tells what the checks try
    # (the assignments, the hints), and once that scripts/check --list
    # prints them. The hints go by what went wrong, not by the checks'
    # names (three readers found hints keyed to check names tooling
    # talk): no echo-server check's name is in the book's text.
    tr '\n' ' ' <"$BATS_FILE_TMPDIR/handout.txt" >"$BATS_TEST_TMPDIR/joined.txt"
    grep -q 'say where to look, by what went wrong' "$BATS_TEST_TMPDIR/joined.txt"
    grep -q 'It served one client and stopped:' "$BATS_TEST_TMPDIR/joined.txt"
    run grep -c -E '(^|[^-])(twenty-clients|one-megabyte|silent-client|never-reads|short-send)' \
        "$BATS_FILE_TMPDIR/handout.txt"
    assert_output 0
    grep -q -E "An echo server(.|..|...)s checks try the steps of assignment 1" \
        "$BATS_TEST_TMPDIR/joined.txt"
    grep -q 'scripts/check --list prints every check' "$BATS_FILE_TMPDIR/handout.txt"
    run grep -c 'check --list' "$BATS_FILE_TMPDIR/handout.txt"
    assert_output 1
    run grep -c '20 clients, one after another' "$BATS_FILE_TMPDIR/handout.txt" "$ROOT/build/handout.html"
    assert_output "$BATS_FILE_TMPDIR/handout.txt:0
$ROOT/build/handout.html:0"
    grep -q '20 clients, one after another' "$ROOT/build/lecturers.html"
}

@test "handout: a link reads as a plain link: no page, no number after a lesson's name" {
    # "lesson 09's plain sender", never "Lesson 09 (page 43)'s"; a link
    # named "lesson 07" to a section of lesson 07 adds nothing.
    tr '\n' ' ' <"$BATS_FILE_TMPDIR/handout.txt" >"$BATS_TEST_TMPDIR/joined.txt"
    run grep -c -E '[Ll]esson 0?[0-9]+,? \((page|section) ' "$BATS_TEST_TMPDIR/joined.txt"
    assert_output 0
    local rq=$'\u2019'
    run grep -c -E "[0-9]\\)($rq|')s " "$BATS_TEST_TMPDIR/joined.txt"
    assert_output 0
    run grep -c -E '(section|transcript|figure|appendix) [A-Z0-9.]+, page [0-9]+' \
        "$BATS_TEST_TMPDIR/joined.txt"
    assert_output 0
    grep -q -E "the sender of the next lesson, lesson 09, instead" "$BATS_TEST_TMPDIR/joined.txt"
    # A word before an empty link that gives the word itself: "Section
    # [](#programs-1) says" printed "Section section C.1 says".
    run grep -c -i -E '\b(section|transcript|figure|appendix) +(section|transcript|figure|appendix) [A-Z0-9]' \
        "$BATS_TEST_TMPDIR/joined.txt"
    assert_output 0
}

@test "handout: a cross-reference gives the target's number, the same on paper and on screen" {
    # ([Forgetting htons](#pitfall-htons)) in lesson 02: "(Forgetting
    # htons, section A.7)", wherever the PDF's lines break it.
    tr '\n' ' ' <"$BATS_FILE_TMPDIR/handout.txt" >"$BATS_TEST_TMPDIR/joined.txt"
    run grep -o -E '\(Forgetting htons, section A\.[0-9]+\)' "$BATS_TEST_TMPDIR/joined.txt"
    assert_success
    # A link already in parentheses takes its number after a comma, so no
    # reference reads "(see Troubleshooting (section B.3))".
    run grep -o -E '\(see Troubleshooting, section B\.[0-9]+\)' \
        "$BATS_TEST_TMPDIR/joined.txt"
    assert_success
    run grep -c -E '\([^()]*\((section|appendix|transcript|chapter) [A-Z0-9.]+\)\)' \
        "$BATS_TEST_TMPDIR/joined.txt"
    assert_output 0
    # An empty link names a transcript by its number (lesson 09: the
    # plain sender's run, printed in lesson 08).
    run grep -o -E 'transcript 8\.[0-9]+' "$BATS_TEST_TMPDIR/joined.txt"
    assert_success
    # One that begins a sentence begins with a capital: "Figure 3
    # numbers", never ". figure 3".
    run grep -c -E '[.!?] (figure|transcript|section|appendix|chapter) [A-Z0-9.]+ ' \
        "$BATS_TEST_TMPDIR/joined.txt"
    assert_output 0
    run grep -c -E '[.!?] Figure [0-9]+ ' "$BATS_TEST_TMPDIR/joined.txt"
    refute_output 0
    # On screen: the same number (pandoc wraps the HTML's lines, so the
    # words may sit on two).
    tr '\n' ' ' <"$ROOT/build/handout.html" |
        grep -q -E 'htons</a>, section A\.[0-9]+\)'
    # A link with words of its own to a section of its own chapter gives
    # its number too: a reader on paper cannot find a section by its
    # title alone. Lesson 02's exercise 1: "In the sixteen bytes
    # (section 2.3)"; never a bare "(The calls)".
    grep -q -E 'In the sixteen bytes \(section 2\.[0-9]+\)' \
        "$BATS_TEST_TMPDIR/joined.txt"
    run grep -c -E '\(The calls\)' "$BATS_TEST_TMPDIR/joined.txt"
    assert_output 0
    # (pandoc wraps the HTML's lines where it likes: read it as one)
    tr '\n' ' ' <"$ROOT/build/handout.html" >"$BATS_TEST_TMPDIR/html.txt"
    grep -q -E 'the sixteen bytes</a>[^(]{1,8}\(section 2\.[0-9]+\)' "$BATS_TEST_TMPDIR/html.txt"
    run grep -c -E 'The calls</a>\)' "$BATS_TEST_TMPDIR/html.txt"
    assert_output 0
    # One to an unnumbered section of the front matter gives its page
    # on paper: lesson 15's "(Byte order, p. 5)", never "(Byte order)".
    grep -q -E '\(Byte order, p\. [0-9]+\)' "$BATS_TEST_TMPDIR/joined.txt"
    run grep -c -E '\(Byte order\)' "$BATS_TEST_TMPDIR/joined.txt"
    assert_output 0
    # So a link to a chapter's Going further box is an empty one, which
    # gives its number: "EINTR (section 7.7)", never a bare "(Going
    # further)", which every chapter could mean: "a short send (section
    # 6.8 says when)".
    grep -q -E 'EINTR \(section 7\.[0-9]+\)' "$BATS_TEST_TMPDIR/joined.txt"
    grep -q -E 'a short send \(section 6\.[0-9]+ says when\)' \
        "$BATS_TEST_TMPDIR/joined.txt"
    run grep -c -E 'Going further( shows|\)|,)' "$BATS_TEST_TMPDIR/joined.txt"
    assert_output 0
    run grep -c -E 'Going further</a>( shows|\)|,)' "$ROOT/build/handout.html"
    assert_output 0
}

@test "handout: every lesson has a chapter with its title from the lesson source" {
    local l title n=0
    while IFS= read -r l; do
        title=$(lesson_title "$l")
        [ -n "$title" ] || { echo "no 'Lesson NN:' header in lessons/$l" >&2; return 1; }
        [ "$(printf '%s\n' "$title" | wc -l)" -eq 1 ] ||
            { echo "lessons/$l: more than one title: $title" >&2; return 1; }
        contains "$BATS_FILE_TMPDIR/handout.txt" "$title" ||
            { echo "not in the PDF: $title" >&2; return 1; }
        n=$((n + 1))
    done < <(lesson_dirs)
    echo "$n lessons"
    ((n >= 9))
}

# distinctive_lines FILE: a few lines of FILE that only it is likely to
# have (long enough, not a comment's bare punctuation): its first long
# line, and the long lines at a quarter, half, three quarters and the end.
distinctive_lines() {
    "$PYTHON" "$PEERS/distinctive-lines.py" "$1"
}

@test "handout: the lesson files are whole on screen; on paper none is printed whole, and Part II's appendix names each one's folder" {
    local l f rel n=0 total
    # The lessons' own programs are whole on screen only (the HTML,
    # checked below): Part I's in the tools appendix, Part II's in the
    # appendix of their own (D). On paper no lesson file is printed whole,
    # and D's table names the folder of each of Part II's. (Part II's
    # excerpts and runs, on paper in the chapters until the appendix took
    # them, then in it, cost pages that readers counted as tooling.)
    "$PYTHON" - "$BATS_FILE_TMPDIR/handout.txt" >"$BATS_TEST_TMPDIR/d.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
body = re.split(r"(?m)^D The lesson programs of Part II$", text)
print(re.split(r"(?m)^E [A-Z]", body[-1])[0] if len(body) >= 2 else "")
PY
    [[ -s "$BATS_TEST_TMPDIR/d.txt" ]]
    while IFS= read -r l; do
        for f in "$ROOT/lessons/$l"/*.c; do
            rel=${f#"$ROOT/"}
            total=$(awk 'END { print NR }' "$f") # a last line without "\n" counts
            run grep -c -E "^${rel//./\\.}, (lines 1–$total( \(|$)|$total lines)" \
                "$BATS_FILE_TMPDIR/handout.txt"
            assert_output 0
            if [[ "$l" != 0[1-9]-* ]]; then
                grep -q -F "$l/" "$BATS_TEST_TMPDIR/d.txt" ||
                    { echo "appendix D does not name $l/ on paper" >&2; return 1; }
            fi
            n=$((n + 1))
        done
    done < <(lesson_dirs)
    echo "$n lesson files"
    ((n >= 10))
    # Each plain program of lessons/plain/ is whole in the PDF, once:
    # every line printed, or, a part printed in an earlier program
    # (fail(), the check of the command line, the escaped print), named
    # with its lines there and its page (the copy of it, below, is checked
    # line for line; each part named, against the block it names, by
    # referral-pages.py).
    for f in "$ROOT"/lessons/plain/*.c; do
        rel=${f#"$ROOT/"}
        total=$(awk 'END { print NR }' "$f")
        # (the book's first whole listing adds that it is the whole file;
        # the first with grey lines, or parts not shown, what they are)
        [ "$(grep -c -E "^${rel//./\\.}, lines 1–$total( \((the whole file|(grey|grey, or named in italics and not printed): as in an earlier program|in italics: a part as in an earlier program, not printed)\))?$" \
            "$BATS_FILE_TMPDIR/handout.txt")" -eq 1 ] ||
            { echo "not one whole listing of $rel" >&2; return 1; }
    done
    # No region marker shows anywhere.
    run grep -c -E 'region: |endregion' "$BATS_FILE_TMPDIR/handout.txt"
    assert_output 0
    # On screen every lesson file of Part I is whole, once, in its own
    # chapter, right after its command; every line of every lesson file
    # of Part II is in a folded "whole program", exactly as in the file;
    # so is each Python version of Part II.
    run "$PYTHON" "$PEERS/whole-programs.py" "$ROOT" "$ROOT/build/handout.html"
    assert_success
}

@test "handout: copying a listing from the PDF gives the code, not its line numbers" {
    # Line 2 of lesson 01's plain program is " * kernel gave each, then
    # closes both. ..."; pdftotext (what a viewer's copy gives) must not
    # put "2" or any number before it.
    local want
    want=$(sed -n 2p "$ROOT/lessons/plain/socket.c" | sed 's/^ *//')
    run grep -n -F -- "$want" "$BATS_FILE_TMPDIR/handout.txt"
    assert_success
    refute_output --regexp ':[[:space:]]*[0-9]+[[:space:]]*\* kernel gave'
    # Nor on lines of their own: the 40 lines of text after the caption
    # of that listing have no line that is only a number.
    run "$PYTHON" "$PEERS/no-number-lines.py" "$BATS_FILE_TMPDIR/handout.txt"
    assert_success
}

@test "handout: a listing breaks across pages only where the break is marked continued, and between blocks" {
    # A page that opens inside a listing (a line of code, or a line that
    # names a part printed before) says "continued from the previous
    # page", and the page before says "continued on the next page": a
    # listing is one box, and its caption never stays alone at the foot
    # of a page (framing.c broke between two boxes with no note).
    # And only where a reader picks the code up again, read in the lesson
    # file: a listing of up to 15 lines never breaks (a 13-line excerpt
    # split 9/4), never between a call and its check ("fd = socket(...);"
    # at a page's foot, "if (fd == -1)" overleaf), only after an empty
    # line, next to a part named as printed before, or between two
    # statements.
    run "$PYTHON" "$PEERS/listing-breaks.py" "$ROOT/build/handout.pdf" "$ROOT"
    echo "$output"
    assert_success
    assert_output --regexp '(^|[[:space:]])[1-9][0-9]* pages open inside a listing, 0 wrong'
}

@test "handout: a whole program copied across a page break is its code alone, no header, foot or note" {
    # A student selects a whole plain program that runs on to the next
    # page, pastes it into a file and compiles it. The copy (pdftotext,
    # as a viewer's) must be the file's code, and nothing from between its
    # halves: not the foot ("page 8"), not the next page's running header
    # ("A plain program first", "sockstep handout"), not the box's
    # "continued on the next page" or "continued from the previous page".
    # The header and the foot are on paper (paper.txt) all the same.
    run "$PYTHON" - "$BATS_FILE_TMPDIR/handout.txt" "$BATS_FILE_TMPDIR/paper.txt" \
        "$ROOT" <<'EOF'
import glob, os, re, sys
copy = open(sys.argv[1], encoding="utf-8").read()
paper = open(sys.argv[2], encoding="utf-8").read().split("\f")
squash = lambda s: re.sub(r"\s+", "", s)
spans = bad = 0
for path in sorted(glob.glob(os.path.join(sys.argv[3], "lessons/plain/*.c"))):
    src = open(path, encoding="utf-8").read()
    caption = re.escape("%s, lines 1\u2013%d" % (
        os.path.relpath(path, sys.argv[3]), len(src.splitlines()))) + \
        r"( \((the whole file|(grey|grey, or named in italics and not printed): as in an earlier program|in italics: a part as in an earlier program, not printed)\))?(?=\s)"
    # The copy: the text after the caption, as many characters of it
    # (white space aside) as the file has, less the parts it names as
    # printed before ("lines 12-18 (fail(), as in server.c, page 7) not
    # shown"), each named by a line of its own, in the file's order.
    start = re.search(caption, copy).end()
    src_lines = src.splitlines()
    named, n, end = [], 0, start
    need = len(squash(src))
    for m in re.finditer(r"[^\n\f]*[\n\f]?", copy[start:]):
        if n >= need or not m.group(0):
            break
        end = start + m.end()
        r = re.fullmatch(r"\W*lines (\d+)\u2013(\d+) \(.*, as in [\w.-]+\.c, "
                         r"lines \d+\u2013\d+, page \d+\) not shown",
                         m.group(0).strip())
        if r:
            a, b = int(r.group(1)), int(r.group(2))
            named.append((a, b))
            need -= len(squash("\n".join(src_lines[a - 1:b])))
        else:
            n += len(squash(m.group(0)))
    kept = [l for i, l in enumerate(src_lines, 1)
            if not any(a <= i <= b for a, b in named)]
    want = squash("\n".join(kept))
    got = copy[start:end]
    lines = [l for l in re.split(r"[\n\f]", got)
             if not re.fullmatch(r"\W*lines \d+\u2013\d+ \(.*\) not shown", l.strip())]
    breaks = [copy.count("\f", 0, start) + k for k in range(got.count("\f"))]
    print("%s: %d page breaks" % (os.path.basename(path), len(breaks)))
    spans += bool(breaks)
    if squash("\n".join(lines)) != want:
        bad = 1
        print("  the copy is not the file; not in it:",
              [l for l in lines if l.strip() and squash(l) not in want])
    # What paper shows at each break: the foot of the page (its last
    # line), the header of the next (its first, then "sockstep handout").
    for b in breaks:
        foot = [l for l in paper[b].split("\n") if l.strip()][-1]
        head = [l for l in paper[b + 1].split("\n") if l.strip()][:2]
        if not re.fullmatch(r"page \d+", foot) or head[1:] != ["sockstep handout"]:
            bad = 1
            print("  no foot or header on paper at the break:", foot, head)
        for furniture in [foot] + head + ["continued on the next page",
                                          "continued from the previous page"]:
            if furniture in lines:
                bad = 1
                print("  in the copy:", repr(furniture))
print(spans, "whole programs run on to the next page")
sys.exit(bad or spans < 1)
EOF
    echo "$output"
    assert_success
    assert_output --regexp '(^|[[:space:]])[1-9][0-9]* whole programs run on to the next page'
}

@test "handout: every plain program is printed whole, in both parts: none names a part printed before" {
    # "lines 10-16 (fail(), as in server.c, lines 9-15, page 6) not
    # shown": lines 10-16 of the program are lines 9-15 of server.c,
    # byte for byte; server.c's listing comes before and prints those
    # lines itself (it names none of them); page 6 has the first of them;
    # the part is 4 lines or more. With the copy test above (a listing is
    # its file less the parts it names), every line of every plain program
    # is printed: in its listing, or in the earlier block its line names.
    # Neither part names one in the book (a student types each program
    # from its own pages, fail() too): the script says WRONG of any.
    run "$PYTHON" "$PEERS/referral-pages.py" "$BATS_FILE_TMPDIR/paper.txt" "$ROOT"
    echo "$output"
    assert_success
    assert_output --regexp '(^|[[:space:]])0 references checked, 0 wrong'
    assert_output --regexp 'Part I: [1-9][0-9]* whole programs, 0 parts named; Part II: [1-9][0-9]* whole programs, 0 parts named'
}

@test "handout: the lines that make a call are marked in the listings, and a copy of one is the code alone" {
    # Paper: lesson 01's plain program's first socket() line is marked (a
    # shade and a bar, its name in bold), and many more are.
    local tex="$ROOT/build/handout/handout.tex" html="$ROOT/build/handout.html" n
    run grep -c '^\\SScall{}' "$tex"
    echo "$output marked lines on paper"
    ((output > 100))
    run grep -F 'SScallname{socket}' "$tex"
    assert_output --partial 'tcp '
    # What a reader copies from the PDF is the line as the file has it.
    local want
    want=$(grep -m1 -F 'tcp = socket(' "$ROOT/lessons/plain/socket.c" | sed 's/^ *//')
    run grep -F -- "$want" "$BATS_FILE_TMPDIR/handout.txt"
    assert_success
    assert_line --regexp "^[[:space:]]*${want//[()]/.}[[:space:]]*\$"
    # Screen (the EPUB has the same blocks): the lines by a class, the
    # names in a span; nothing added to the text.
    n=$(grep -c -E 'class="(i[0-9]+ )?call"><a href=' "$html")
    echo "$n marked lines in the HTML"
    ((n > 100))
    grep -q '<span class="callname">socket</span><span class="op">(</span>AF_INET' "$html"
}

@test "handout: a prototype in the text that wraps goes on indented, not at the margin" {
    # pdftotext -layout keeps a line's indentation: each prototype that
    # starts a line at the margin and ends it after a comma ("int
    # getsockopt(int sockfd, ..., void *optval,") has its next line
    # indented.
    local lay="$BATS_TEST_TMPDIR/layout.txt"
    pdftext pdftotext -layout "$ROOT/build/handout.pdf" - >"$lay"
    run "$PYTHON" -c '
import re, sys
# (a line at the top of a page starts with its form feed)
lines = open(sys.argv[1], encoding="utf-8").read().replace("\f", "").split("\n")
found = bad = 0
for i, l in enumerate(lines[:-1]):
    if re.match(r"(int|ssize_t) [a-z]+\(int sockfd,.*,$", l):
        found += 1
        if not re.match(r"  +\S", lines[i + 1]):
            bad += 1
            print("at the margin after %r: %r" % (l, lines[i + 1]))
print("%d wrapped prototypes" % found)
sys.exit(1 if bad or found < 3 else 0)' "$lay"
    echo "$output"
    assert_success
    # On screen it wraps only after a comma, its lines after the first
    # hanging under it (handout.css: code.proto).
    grep -q '<code class="proto"><span class="nobr">int getsockopt(int sockfd</span>, <span class="nobr">int level</span>' \
        "$ROOT/build/handout.html"
}

@test "handout: a transcript's call lines are bold, kernel: lines grey, the program's own output italic; a copy is the text alone" {
    # Paper: the rows of the transcripts in their styles (preamble.tex).
    # How many rows a kind has moves with the run: lesson 06's client's
    # last kernel: line is FIN_WAIT1 over three rows, or TIME_WAIT on one,
    # as the server was quick or not (51 and 49 kernel rows in two builds
    # of one commit). Each floor stays well under what any run gives.
    local tex="$ROOT/build/handout/handout.tex" html="$ROOT/build/handout.html" k n
    local -A floor=([call]=120 [kernel]=30 [out]=50)
    for k in call kernel out; do
        n=$(grep -c "^ *\\\\SST$k{" "$tex")
        echo "$n rows of kind $k on paper"
        ((n > floor[$k]))
    done
    grep -qE '^\\SSTout\{bound to 127\.0\.0\.1:[0-9]+\}$' "$tex"
    grep -qx '\\SSTcall{bind(3, 127.0.0.1:0, 16) = 0}' "$tex"
    grep -qE '^\\SSTfail\{bind\(4, 127\.0\.0\.1:[0-9]+, 16\) = -1 EADDRINUSE' "$tex"
    grep -qE '^    \\SSTkernel\{kernel: fd 3 is socket' "$tex"
    # What a reader copies from the PDF is the line alone.
    run grep -c -x 'bind(3, 127.0.0.1:0, 16) = 0' "$BATS_FILE_TMPDIR/handout.txt"
    ((output >= 1))
    # Screen (the EPUB has the same blocks): by a class on each line, and
    # the style sheet gives each class its style.
    for k in call fail kernel note out; do
        n=$(grep -c "<span class=\"tl $k\"" "$html")
        echo "$n lines of kind $k in the HTML"
        ((n > 5))
    done
    grep -qE 'span class="tl out" style="[^"]*">bound to 127\.0\.0\.1:[0-9]+' "$html"
    grep -q 'span.tl.call { font-weight: bold; }' "$html"
    grep -q 'span.tl.out { font-style: italic; }' "$html"
    # Lesson 01, where the first narrated run is, says what each style is.
    run grep -A12 'How to read it' "$ROOT/docs/lessons/01-socket.md"
    assert_output --partial 'A **bold** line is a call'
    # (A kernel: line is named by its word, not its grey, which in a
    # listing marks what a reader may skip: docs/plain.md.)
    # shellcheck disable=SC2016 # Markdown, not an expansion
    assert_output --partial 'A `kernel:` line shows'
    assert_output --partial "*Italic* lines are the program's own output"
}

@test "handout: a forked child's transcript lines are shaded, on paper and on screen, the parent's not" {
    local tex="$ROOT/build/handout/handout.tex" html="$ROOT/build/handout.html" n
    # Paper: every row of a "[child N]" line starts with \SSchild (its
    # continuation rows too), and no row of the parent's does. How many
    # child lines lesson 12's transcript shows depends on how its run
    # interleaved (7 and 13 in two builds): a few, whatever the run.
    n=$(grep -c '^\\SSchild{}' "$tex")
    echo "$n shaded rows on paper"
    ((n >= 3))
    run grep -E '^(\\SST[a-z]+\{)?\[child [0-9]+\] ' "$tex"
    assert_failure
    run grep -E '^\\SSchild\{\}(\\SST[a-z]+\{)?[^[ \\]' "$tex"
    assert_failure
    # Screen (and the EPUB): a class on each of the child's lines, and the
    # style sheet shades it. (Counted before appendix D, whose runs of the
    # lesson programs only the screen prints: lesson 12's has children.)
    sed '/<section id="programs-2"/,$d' "$html" >"$BATS_TEST_TMPDIR/paper-part.html"
    run grep -o '<span class="tl [a-z]* child"[^>]*>[^<]\{0,7\}' "$BATS_TEST_TMPDIR/paper-part.html"
    echo "${#lines[@]} shaded lines on screen"
    ((${#lines[@]} >= 3 && n >= ${#lines[@]})) # a line is a row or more
    refute_output --regexp '>[^[]|>\[[^c]'
    run grep -c '<span class="tl [a-z]*"[^>]*>\[child ' "$html"
    assert_output 0
    grep -q 'span.tl.child { background: ' "$html"
}

@test "handout: every diagram (docs/*.dot) is a numbered figure in the PDF, the HTML and the EPUB" {
    local dot name n=0 html="$ROOT/build/handout.html" svgs
    svgs=$("$PYTHON" -c '
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print("".join(z.read(n).decode() for n in z.namelist() if n.endswith(".svg")))' \
        "$ROOT/build/handout.epub")
    for dot in "$ROOT"/docs/*.dot; do
        n=$((n + 1))
        # The graph's name, which graphviz writes as the SVG's title.
        name=$(sed -n -E 's/^digraph ([A-Za-z_0-9]+) \{$/\1/p' "$dot")
        echo "$dot: $name"
        [ -n "$name" ]
        grep -q "%3Ctitle%3E$name%3C/title%3E" "$html"
        [[ "$svgs" == *"<title>$name</title>"* ]]
    done
    # On paper: figures 1 to n, each once, captioned; the pictures of real
    # runs are numbered with them (the next test).
    n=$((n + $(book_pictures | wc -l)))
    local k
    for ((k = 1; k <= n; k++)); do
        run grep -c "^Figure $k: " "$BATS_FILE_TMPDIR/handout.txt"
        assert_output 1
    done
    run grep -c "^Figure $k: " "$BATS_FILE_TMPDIR/handout.txt"
    assert_output 0
}

@test "handout: every figure and picture has the client on the left, the server on the right" {
    # The diagrams (docs/*.dot, wide and narrow), the EPUB's cover and the
    # pictures of the runs just drawn (tests/peers/figure-sides.py); the
    # slides show the same files.
    run "$PYTHON" "$PEERS/figure-sides.py" "$ROOT" "$ROOT/build/pictures"
    echo "$output"
    assert_success
    assert_line "docs/tcp-sequence.dot: client side (hc) left, server side (hs) right"
    assert_line --regexp '^plain-04\.msc: lanes client connect \| server accept$'
    # (a program named as its side gets its title once, not "client client")
    assert_line --regexp '^plain-06\.msc: lanes client \| server$'
    # A picture or a cover drawn the other way is caught.
    local d="$BATS_TEST_TMPDIR" f
    mkdir -p "$d/root/docs" "$d/pictures"
    cp "$ROOT"/docs/*.dot "$ROOT/docs/narrow.sed" "$d/root/docs/"
    sed -E 's/^(  )(c[0-9]+ \[label="[^"]*"\]), (s[0-9]+ \[label="[^"]*"\]);$/\1\3, \2;/' \
        "$ROOT/build/pictures/plain-04.msc" >"$d/pictures/plain-04.msc"
    if cmp -s "$ROOT/build/pictures/plain-04.msc" "$d/pictures/plain-04.msc"; then
        fail "plain-04.msc: its lanes were not swapped"
    fi
    sed -e 's/(socket) at (8\.6,/(socket) at (3.4,/' -e 's/(csocket) at (3\.4,/(csocket) at (8.6,/' \
        "$ROOT/docs/cover.tex" >"$d/root/docs/cover.tex"
    run "$PYTHON" "$PEERS/figure-sides.py" "$d/root" "$d/pictures"
    echo "$output"
    assert_failure
    assert_line --partial "plain-04.msc: a server-side lane left of a client-side one"
    assert_line --partial "docs/cover.tex: the client's socket() at x=8.6 is not left"
}

# The pictures of real runs the student's book shows: the NAME of each
# ![...](picture:NAME) in its Markdown (docs/README.md, which shows the
# syntax, is no chapter), one a line.
book_pictures() {
    local f
    for f in "$ROOT"/docs/*.md "$ROOT"/docs/lessons/*.md; do
        [[ "$f" == */README.md ]] || cat "$f"
    done | sed -n 's/.*](picture:\([A-Za-z0-9_-]*\)).*/\1/p'
}

@test "handout: four pictures of real runs or more, in the PDF, the HTML and the EPUB, with alt text" {
    # (One a lesson for 04, 06, 07 and 09: three charts in lesson 07's
    # five pages were more than a reader on paper could use.)
    local names
    mapfile -t names < <(book_pictures)
    echo "pictures: ${names[*]}"
    ((${#names[@]} >= 4))
    # Each drawn by make pictures from a run (its alt text the chart in
    # words), and in all three books with it (tests/peers/book-pictures.py).
    run "$PYTHON" "$PEERS/book-pictures.py" "$ROOT/build/handout.pdf" \
        "$ROOT/build/handout.html" "$ROOT/build/handout.epub" \
        "$ROOT/build/pictures" "${names[@]}"
    echo "$output"
    assert_success
    assert_line "${#names[@]} pictures, ${#names[@]} /Alt in the PDF"
    # Each captioned on paper with the run it is drawn from, its packets'
    # labels drawn as text (the PDF mscgen's SVG became).
    run bash -c "tr '\n' ' ' <'$BATS_FILE_TMPDIR/handout.txt' |
        grep -o -E 'Figure [0-9]+: [^.]* drawn from (a|the same) run of' | wc -l"
    assert_output "${#names[@]}"
    grep -q 'SYN-ACK' "$BATS_FILE_TMPDIR/handout.txt"
    # No text of a picture touches a line, on screen or in its part on
    # paper (scripts/lib/picture-svg.py gives the text room; the part is
    # cut where no label is parted from its arrow).
    local name
    for name in "${names[@]}"; do
        "$PYTHON" "$PEERS/picture-text-room.py" "$ROOT/build/handout/pictures/$name.svg"
        "$PYTHON" "$ROOT/docs/picture-columns.py" --excerpt "$name" \
            "$ROOT/build/pictures/$name.svg" "$BATS_TEST_TMPDIR/$name.svg" \
            "$ROOT"/docs/*.md "$ROOT"/docs/lessons/*.md
        "$PYTHON" "$PEERS/picture-text-room.py" "$BATS_TEST_TMPDIR/$name.svg"
    done
}

@test "handout: on paper each picture of a run takes a box of its own height, however tall the run drew it" {
    # Each picture in the book has its box's height (paper-height), and
    # the book's LaTeX gives it.
    local name tex="$ROOT/build/handout/handout.tex" d="$BATS_TEST_TMPDIR" h
    while IFS= read -r name; do
        h=$(grep -h -o "(picture:$name){[^}]*paper-height=[0-9.]*" "$ROOT"/docs/lessons/*.md "$ROOT"/docs/*.md |
            sed 's/.*paper-height=//')
        [[ -n "$h" ]] || fail "picture:$name has no paper-height"
        grep -q -F "\\sspicturetwo{$h}{build/handout/pictures/$name.left.pdf}" "$tex" ||
            grep -q -F "\\sspicture{$h}{" "$tex" || fail "picture:$name: no box of $h in the LaTeX"
    done < <(book_pictures)
    # The preamble's macros: a short run, a tall one and a taller one in
    # a box of 0.3 of the text's height all come out that high (LaTeX's
    # own measure of the box), the taller scaled down, not the page moved.
    sed -n '/^\\newsavebox{\\sspicbox}/,/^  \\sspicturebox{#1}}/p' "$ROOT/docs/preamble.tex" >"$d/macros.tex"
    grep -q sspicturetwo "$d/macros.tex"
    for h in 100 600 3000; do
        printf '<svg xmlns="http://www.w3.org/2000/svg" width="450px" height="%spx"><rect width="450" height="%s" fill="black"/></svg>\n' \
            "$h" "$h" >"$d/p$h.svg"
        rsvg-convert -f pdf -o "$d/p$h.pdf" "$d/p$h.svg"
    done
    cat >"$d/t.tex" <<'EOF'
\documentclass{article}
\usepackage[a4paper,top=16mm,bottom=16mm,left=25mm,right=25mm]{geometry}
\usepackage{graphicx}
\input{macros.tex}
\newsavebox{\testbox}
\newcommand{\measure}[1]{\sbox{\testbox}{#1}%
  \typeout{BOX \the\dimexpr\ht\testbox+\dp\testbox\relax\space WIDTH \the\wd\testbox}}
\begin{document}
\typeout{WANT \the\dimexpr0.3\textheight\relax}
\measure{\sspicturetwo{0.3}{p100.pdf}{p100.pdf}}
\measure{\sspicturetwo{0.3}{p600.pdf}{p100.pdf}}
\measure{\sspicturetwo{0.3}{p100.pdf}{p3000.pdf}}
\measure{\sspicture{0.3}{p3000.pdf}}
x
\end{document}
EOF
    (cd "$d" && pdflatex -interaction=nonstopmode t.tex >/dev/null) || { cat "$d/t.log"; fail "pdflatex failed"; }
    local want
    want=$(sed -n 's/^WANT //p' "$d/t.log")
    grep '^BOX' "$d/t.log"
    run grep -c "^BOX $want WIDTH" "$d/t.log"
    assert_output 4
}

@test "handout: a listing's say(), heading(), lesson table and ss_start() are grey; a copy is the code alone" {
    local tex="$ROOT/build/handout/handout.tex" html="$ROOT/build/handout.html" n want
    n=$(grep -c '^\\SSnarr{}' "$tex")
    echo "$n narrating lines on paper"
    ((n > 50))
    run grep -c '^\\SSnarr{}.*SScall' "$tex"
    assert_output 0
    n=$(grep -c -E 'class="(i[0-9]+ )?narration"' "$html")
    echo "$n narrating lines in the HTML"
    ((n > 50))
    grep -q 'pre > code > span.narration span' "$html"
    # The lesson's table of options and ss_start(): grey in each of Part
    # I's ten lesson programs, which the screen prints whole (the tools appendix).
    run grep -c -E 'class="(i[0-9]+ )?narration">.*ss_lesson lesson' "$html"
    ((output >= 10))
    run grep -c -E 'class="(i[0-9]+ )?narration">.*ss_start' "$html"
    ((output >= 10))
    # Part II's parts leave their say() lines out on paper ({.quiet}),
    # each stretch marked, where a say() of the lesson file stood.
    n=0
    while IFS= read -r want; do
        if grep -q -F -- "$want" "$BATS_FILE_TMPDIR/handout.txt"; then
            echo "a say() of Part II in the PDF's text: $want"
            n=$((n + 1))
        fi
    done < <(grep -h 'say("' "$ROOT"/lessons/[12][0-9]-*/*.c | sed 's/^ *//')
    ((n == 0))
    # Each {.quiet} part marks at least one stretch; with none (lesson
    # 16's resolve() was the last: it now hands its reason back in *why),
    # no mark is printed at all.
    local quiet
    quiet=$(cat "$ROOT"/docs/*.md "$ROOT"/docs/lessons/*.md | grep -c '^```{\.c \.quiet ' || :)
    run grep -c -F '(narration) not shown' "$BATS_FILE_TMPDIR/handout.txt"
    if ((quiet > 0)); then
        ((output >= quiet))
    else
        assert_output 0
    fi
}

@test "handout: a narrated line from a real run of each lesson is in the PDF" {
    # Each transcript is shown once, some only in part: for each lesson,
    # the first narrated call line of at least one of its runs is there,
    # or failing that, some call line of its runs.
    local l f line n shown
    while IFS= read -r l; do
        n=0 shown=0
        for f in "$ROOT/build/runs/${l%%-*}"-*.txt; do
            [ -f "$f" ] || continue
            n=$((n + 1))
            line=$(grep -m 1 -E '^[a-z_0-9]+\(.*\) = ' "$f" || true)
            [ -n "$line" ] || continue
            contains "$BATS_FILE_TMPDIR/handout.txt" "$line" && shown=$((shown + 1))
        done
        ((n > 0)) || { echo "no transcript build/runs/${l%%-*}-*.txt for $l" >&2; return 1; }
        if ((shown == 0)); then
            for f in "$ROOT/build/runs/${l%%-*}"-*.txt; do
                while IFS= read -r line; do
                    contains "$BATS_FILE_TMPDIR/handout.txt" "$line" && { shown=1; break 2; }
                done < <(grep -E '^[a-z_0-9]+\(.*\) = ' "$f")
            done
        fi
        ((shown > 0)) || { echo "$l: no call line of its runs is in the PDF" >&2; return 1; }
    done < <(lesson_dirs)
}

@test "handout: a Part I chapter's run is of the plain program it prints, under scripts/narrate" {
    # runs.sh's plain.NN runs: the chapter of lesson NN shows the command
    # as typed, the program's first call and its first line of its own
    # output, all on the chapter's pages (a run of the lesson's own
    # program there would print other lines: "hello 127.0.0.1:PORT, you
    # are client 1" where the plain server sends "hello, client 1").
    local f nn dir ch own n=0
    for f in "$ROOT"/build/runs/plain.0[0-9]*.txt; do
        nn=${f##*/plain.}
        nn=${nn:0:2}
        # 09's plain sender was the sender of lesson 08's run.
        [[ "$nn" != 09 ]] || nn=08
        dir=$(cd "$ROOT/lessons" && echo "$nn"-*/)
        ch="$BATS_TEST_TMPDIR/ch-$n.txt"
        chapter_text "$(lesson_title "${dir%/}")" "$ch"
        head -n 1 "$f" | grep -qE '^\$ scripts/narrate -- \./[a-z-]+( .*)?$' ||
            { echo "$f: not a run under scripts/narrate" >&2; return 1; }
        contains "$ch" "$(head -n 1 "$f")" ||
            { echo "$f: its command is not in lesson $nn's chapter" >&2; return 1; }
        contains "$ch" "$(grep -m 1 -E '^socket\(' "$f")" ||
            { echo "$f: its first call is not in lesson $nn's chapter" >&2; return 1; }
        own=$(grep -m 1 -vE '^(\$ |    |[a-z_0-9]+\(.*\) = )' "$f")
        [ -n "$own" ] || { echo "$f: no line of the program's own" >&2; return 1; }
        contains "$ch" "$own" ||
            { echo "$f: '$own' is not in lesson $nn's chapter" >&2; return 1; }
        n=$((n + 1))
    done
    # 01, 02, 03, 04, 05, the 06 pair, the 08 receiver, 09's sender
    # (03's client, the client.c of A plain program first, and its ss
    # are l03.client and l03.ss).
    ((n >= 9))
    # Lesson 01 shows first what its program prints on its own, no
    # narrator: each line of that run is one of the narrated run's own.
    f="$ROOT/build/runs/plain-alone.01.txt"
    head -n 1 "$f" | grep -qx '\$ \./socket' || fail "$f: not ./socket alone"
    chapter_text "$(lesson_title 01-socket)" "$BATS_TEST_TMPDIR/ch-01.txt"
    local line
    while IFS= read -r line; do
        contains "$BATS_TEST_TMPDIR/ch-01.txt" "$line" || fail "'$line' is not in lesson 01's chapter"
        grep -qxF -- "$line" "$ROOT/build/runs/plain.01.txt" ||
            fail "'$line' is not a line the narrated run printed"
    done < <(tail -n +2 "$f")
    [[ $(tail -n +2 "$f" | wc -l) -eq 2 ]] || fail "$f: not the two lines the chapter says"
}

@test "handout: a Part I chapter's picture of a run is of the plain programs it prints" {
    # Each ![...](picture:NAME) of lessons 01 to 09 is drawn (mk/pictures.mk)
    # from a run of programs of lessons/plain/, under scripts/narrate: the
    # run names them, the caption gives their commands, and the chart has
    # no call they do not make. (Lesson 04's was once drawn from the
    # lessons' own programs: two setsockopt() calls, not taught until
    # lesson 07, and a greeting of 40 bytes where accept.c sends 16.)
    local md cap name progs p calls call n=0
    for md in "$ROOT"/docs/lessons/0[1-9]-*.md; do
        while IFS=$'\t' read -r cap name; do
            progs=$(sed -n 's/^capture: \(.*\) over the loopback of a .*/\1/p' \
                "$ROOT/build/pictures/$name.run.txt")
            [ -n "$progs" ] || fail "picture:$name: no run of programs of one's own"
            calls=""
            for p in ${progs// and / }; do
                [ -f "$ROOT/lessons/plain/$p.c" ] ||
                    fail "picture:$name: drawn from $p, not a program of lessons/plain/"
                [[ "$cap" == *"\`./$p "* ]] ||
                    fail "picture:$name: its caption does not give ./$p's command"
                calls+=$(cat "$ROOT/lessons/plain/$p.c")
            done
            while IFS= read -r call; do
                [[ "$calls" == *"$call("* ]] ||
                    fail "picture:$name: $call() is drawn, but the plain programs make none"
            done < <(sed -n -E 's/.* box [a-z0-9]+ \[label="([a-z_]+)\(.*/\1/p' \
                "$ROOT/build/pictures/$name.msc" | sort -u)
            n=$((n + 1))
        done < <(sed -n 's/^!\[\(.*\)\](picture:\([A-Za-z0-9_-]*\)).*/\1\t\2/p' "$md")
    done
    # 04, 06, 07 and 09
    ((n >= 4))
    # Lesson 04's text gives the greeting's length the chart draws.
    grep -q 'PSH-ACK, 16 bytes' "$ROOT/build/pictures/plain-04.msc"
    grep -q '16 bytes' "$ROOT/docs/lessons/04-accept.md"
}

@test "handout: a note of the narration is shown once, then left out, uncounted" {
    # In the HTML each line of a transcript is one span: a note is one
    # line four columns in (padding 6ch, a child's tag aside), not a
    # kernel line, of six words or more; numbers do not make it another
    # note. None is shown twice, and none leaves a mark in its place.
    run "$PYTHON" "$PEERS/notes-once.py" "$ROOT/build/handout.html"
    assert_success
    # On paper too: no mark, and no kernel line's "[why: ...]".
    run grep -cE '\[as in |\[why: shown before\]' "$BATS_FILE_TMPDIR/handout.txt"
    assert_output 0
    # No transcript's title counts the notes it left out ("(6 notes
    # cut)" read as tooling); an excerpt's still says it is one.
    run grep -cE 'notes? cut' "$BATS_FILE_TMPDIR/handout.txt"
    assert_output 0
    grep -qE '^Transcript [0-9]+\.[0-9]+: .* \(excerpt\)$' "$BATS_FILE_TMPDIR/handout.txt"
}

@test "handout: the runs start with only fds 0-2 open, whoever runs the build" {
    # bats itself holds fds 3 and 4 while it runs make: runs.sh must not
    # pass them on, or the first socket() in print would return 5.
    local f first want n=0
    for f in "$ROOT"/build/runs/*.txt; do
        first=$(grep -m 1 -E '^socket\(' "$f" || true)
        [ -n "$first" ] || continue
        n=$((n + 1))
        # 19 --sendfile opens its file (fd 3) before it makes its socket
        want=3
        [[ "$f" != *.sendfile.txt ]] || want=4
        [[ "$first" == *") = $want" ]] || { echo "$f: $first" >&2; return 1; }
    done
    ((n >= 9))
}

@test "handout: each part's reference card fits on one page" {
    # The pages that show its title as a heading or as the running header,
    # the table of contents aside: exactly two, Part I's card on the first,
    # Part II's on the second.
    run "$PYTHON" "$PEERS/reference-card-pages.py" "$BATS_FILE_TMPDIR/paper.txt"
    assert_success
}

@test "handout: every font in the PDF is embedded" {
    run pdffonts "$ROOT/build/handout.pdf"
    assert_success
    local rows=0 line
    while IFS= read -r line; do
        [[ "$line" =~ [[:space:]](yes|no)[[:space:]]+(yes|no)[[:space:]]+(yes|no)[[:space:]]+[0-9]+[[:space:]]+[0-9]+$ ]] ||
            { echo "unexpected pdffonts row: $line" >&2; return 1; }
        [ "${BASH_REMATCH[1]}" = yes ] || { echo "not embedded: $line" >&2; return 1; }
        rows=$((rows + 1))
    done < <(tail -n +3 <<<"$output")
    echo "$rows fonts"
    ((rows > 0))
}

@test "handout: a part opens a page; each running header names the chapter at its top" {
    # Not the last chapter started on the page, and a lesson's number once
    # ("Lesson 10: getaddrinfo()", not "10. Lesson 10: ..."); the contents
    # file says where each chapter and part starts. A chapter that runs on
    # in the top quarter of a page names it (the .aux lists those pages).
    run "$PYTHON" "$PEERS/running-headers.py" "$BATS_FILE_TMPDIR/paper.txt" \
        "$ROOT/build/handout/handout.toc" "$ROOT/build/handout/handout.aux"
    echo "$output"
    assert_success
}

@test "handout: no listing may break after its first line or before its last two, no transcript before its last four, nor after a == title == line" {
    run "$PYTHON" "$PEERS/paper-keeps.py" "$ROOT/build/handout/handout.tex"
    echo "$output"
    assert_success
    # A run of one-line calls to one function stays on one page:
    # record.c's reply read, its second and third memcpy() each kept
    # with the one before (a reader found it broken after the second).
    run grep -c -E '^\\NormalTok\{    memcpy\}\\OperatorTok\{\(\\&\}\\NormalTok\{(score|len)\}.*\\SSkeep\{\}$' \
        "$ROOT/build/handout/handout.tex"
    assert_output 2
    # Nor may a page open where the code falls back two levels with no
    # brace to show it: record.c's recv_all() after its send loop's
    # fail("send"); (r150 could not tell whether it was in the loop).
    grep -q -E 'recv\\_all\}.*the reply: the numbers first.*\\SSkeep\{\}$' \
        "$ROOT/build/handout/handout.tex"
    # A listing whose marks are gone is caught.
    sed 's/\\SSkeep{}$//' "$ROOT/build/handout/handout.tex" >"$BATS_TEST_TMPDIR/bare.tex"
    run "$PYTHON" "$PEERS/paper-keeps.py" "$BATS_TEST_TMPDIR/bare.tex"
    assert_failure
    assert_output --partial "a page may break before line 2"
    # So is a transcript whose "== ... ==" line may end a page.
    awk '{ row = $0; if (prev ~ /SSTcall\{== .* ==\}/) sub(/\\SSkeep\{\}$/, "", row)
        print row; prev = $0 }' "$ROOT/build/handout/handout.tex" >"$BATS_TEST_TMPDIR/loose.tex"
    run "$PYTHON" "$PEERS/paper-keeps.py" "$BATS_TEST_TMPDIR/loose.tex"
    assert_failure
    assert_output --partial 'a page may break after a "== ... ==" line'
    # And a transcript that may break before its third row from the end,
    # which left the next page a repeated title over two or three rows.
    "$PYTHON" - "$ROOT/build/handout/handout.tex" >"$BATS_TEST_TMPDIR/tail.tex" <<'EOF'
import re, sys
lines, block = open(sys.argv[1], encoding="utf-8").read().split("\n"), None
for i, line in enumerate(lines):
    if line.startswith("\\begin{Verbatim}") and "\\begin{terminal}" in lines[i - 1]:
        block = []
    elif block is not None and line.startswith("\\end{Verbatim}"):
        full = [j for j in block if lines[j].replace("\\SSkeep{}", "").strip()]
        if len(full) >= 6:
            lines[full[-3]] = re.sub(r"\\SSkeep\{\}$", "", lines[full[-3]])
        block = None
    elif block is not None:
        block.append(i)
print("\n".join(lines))
EOF
    run "$PYTHON" "$PEERS/paper-keeps.py" "$BATS_TEST_TMPDIR/tail.tex"
    assert_failure
    assert_output --partial "in a transcript"
}

@test "handout: no page ends with a numbered heading above its footer" {
    # Two did: a heading before a box of text, and one before an
    # exercise that keeps its lead-in with its command; and three
    # chapters' headings, with their contents, when the chapter ran on.
    run "$PYTHON" "$PEERS/heading-at-foot.py" "$BATS_FILE_TMPDIR/paper.txt"
    assert_success
    assert_output ''
    # The checker itself: a page ending with a heading is found; one
    # ending with a transcript's timed line ("2.1 s: clients open 1", as
    # lesson 20 prints) is not a heading.
    local planted="$BATS_TEST_TMPDIR/planted.txt" p
    for p in $(seq 40); do printf 'text\npage %d\n\f' "$p"; done >"$planted"
    printf 'text\n2.1 s: clients open 1, served 1\npage 41\n\f' >>"$planted"
    run "$PYTHON" "$PEERS/heading-at-foot.py" "$planted"
    assert_success
    printf 'text\n6.9 Going further: a short send\npage 42\n' >>"$planted"
    run "$PYTHON" "$PEERS/heading-at-foot.py" "$planted"
    assert_failure 1
    assert_output "page 42 (of the PDF) ends with the heading '6.9 Going further: a short send'"
    # A chapter that ran on after the last one: its heading and its
    # contents at the foot, its first section overleaf (lessons 03, 16
    # and 20 did); or its heading alone.
    for p in $(seq 40); do printf 'text\npage %d\n\f' "$p"; done >"$planted"
    printf '%s\n' text 'Lesson 20: epoll, ten thousand clients' \
        'In this chapter: What it teaches (p. 100) · The calls (p. 100) · The' \
        "lesson's program, in excerpts (p. 102) · Exercises (p. 105)" 'page 99' \
        >>"$planted"
    run "$PYTHON" "$PEERS/heading-at-foot.py" "$planted"
    assert_failure 1
    assert_output "page 41 (of the PDF) ends with the chapter heading 'Lesson 20: epoll, ten thousand clients' and its contents"
    printf '\f%s\n%s\n' 'Lesson 16: HTTP' 'page 100' >>"$planted"
    run "$PYTHON" "$PEERS/heading-at-foot.py" "$planted"
    assert_failure 1
    assert_line --index 1 "page 42 (of the PDF) ends with the chapter heading 'Lesson 16: HTTP'"
}

@test "handout: a listing moved whole to the next page leaves no more than a fifth of a page blank, or only what it needed" {
    # A chapter's core (16 lines) and the sentence that led to it once
    # went whole to the next page, a quarter of the page before blank: a
    # short listing breaks instead when keeping it whole costs that much.
    # A listing of up to 15 lines never breaks: it may leave the page
    # before as empty as what moved is tall, never more (it moved because
    # it did not fit).
    # Which listings move depends on the layout of the day, so the pages
    # the peer must find are read from the book's text as a reader's copy
    # gives it (handout.txt, one form feed a page), not from the peer's
    # bounding boxes: each page whose text opens with a listing's caption
    # ("lessons/18-multicast/sender.c, lines 138-142 of 187"), alone or
    # after one lead-in paragraph that ends with ":". The peer must find
    # those pages and no others, and measure the page before each.
    local expected found
    expected=$(awk 'BEGIN { RS = "\f\n" }
        { n = split($0, line, "\n"); k = 0; lead = 0; bad = 0; colon = 0
          for (i = 1; i <= n && k < 5; i++) {
              if (line[i] ~ /^[ \t]*$/) continue
              k++
              if (line[i] ~ /^[^ ]+\.(c|h|py), (lines [0-9]+|[0-9]+ lines)/) {
                  if (NR > 1 && (lead == 0 || (colon && !bad))) print NR
                  break
              }
              lead++
              if (colon) bad = 1
              colon = line[i] ~ /:$/
          } }' "$BATS_FILE_TMPDIR/handout.txt" | tr '\n' ' ')
    run "$PYTHON" "$PEERS/moved-listings.py" "$ROOT/build/handout.pdf"
    echo "$output"
    echo "pages that open with a caption in the text: ${expected:-none}"
    assert_success
    found=$(sed -n 's/^PDF page \([0-9]*\) starts with .*/\1/p' <<<"$output" | tr '\n' ' ')
    assert_equal "$found" "$expected"
    assert_line "$(wc -w <<<"$expected") pages start with a listing moved from the page before"
}

@test "handout: no page opens with a mark of lines left out: a short excerpt cut by one stays whole" {
    # Lesson 11's excerpt, lines 79-93 with 84-87 (narration) left out,
    # broke 5 lines and 6 across two pages, the next one opening with the
    # mark (three readers). Each piece is a box of its own; the caption
    # now keeps room for all of a short one (docs/filters/code.lua).
    run awk 'BEGIN { RS = "\f" }
        { n = split($0, line, "\n"); k = 0
          for (i = 1; i <= n && k < 3; i++) {
              if (line[i] ~ /^[ \t]*$/) continue
              k++
              if (line[i] ~ /^ *\. lines [0-9][^ ]* \([a-z ,]+\) not shown/)
                  print "page " NR ": " line[i]
          } }' "$BATS_FILE_TMPDIR/handout.txt"
    assert_success
    assert_output ""
}

@test "handout: no page is more than half empty, except at the end of a chapter" {
    # A chapter's first page has no running header; the page before it may
    # end where its chapter ends.
    run "$PYTHON" "$PEERS/half-empty-pages.py" "$ROOT/build/handout.pdf"
    echo "$output"
    assert_success
}


@test "handout: no mark of lines left out above an excerpt on paper; on screen it names no line shown" {
    # Paper: the caption names the lines shown ("lines 297-309 of 484");
    # "lines 225-296 not shown" above them was read as a cut inside the
    # excerpt. Screen: Part II shows a file's parts out of order: "lines
    # 1-338 not shown" once stood above lines 339-346, and lines 128-158
    # came further on.
    run "$PYTHON" "$PEERS/omissions.py" "$ROOT/build/handout.pdf" \
        "$ROOT/build/handout.html"
    echo "$output"
    assert_success
    assert_output --regexp "paper: [1-9][0-9]* excerpt captions read; screen: [1-9][0-9]* marks under captions read; 0 wrong"
}

@test "handout: a diagram right after a heading is printed on the heading's page" {
    # The call sequence's heading and first paragraph once ended a page,
    # 40% of it blank, its diagram overleaf (the peer says how it looks).
    # Its TCP picture now follows the steps that read it; the UDP one
    # still comes right after its heading, and must be found so.
    run "$PYTHON" "$PEERS/figure-headings.py" "$ROOT/build/handout.pdf" \
        "$ROOT"/docs/*.md "$ROOT"/docs/lessons/*.md
    echo "$output"
    assert_success
    assert_line --partial "'UDP: a receiver and a sender', caption"
}

@test "handout: no page ends with a lead-in: a line ending with a colon goes with what it leads to" {
    # "You can also build a lesson by hand:" at the foot of a page and
    # its command on the next: the last line of text of a page (its
    # footer and "continued on the next page" aside) never ends with ":".
    # A line that ends with a port and a colon is a program's output,
    # not a lead-in: "0 bytes from 127.0.0.1:35960:" is the plain UDP
    # receiver's line for an empty datagram, in a transcript.
    pdftext pdftotext -layout "$ROOT/build/handout.pdf" - >"$BATS_TEST_TMPDIR/layout.txt"
    run awk 'BEGIN { RS = "\f" }
        { n = split($0, line, "\n"); last = ""
          for (i = 1; i <= n; i++)
              if (line[i] !~ /^[ \t]*$/ && line[i] !~ /^[ \t]*page [0-9]+[ \t]*$/ &&
                  line[i] !~ /continued on the next page/)
                  last = line[i]
          if (last ~ /:[ \t]*$/ && last !~ /[0-9]:[0-9]+:[ \t]*$/) print "PDF page " NR ": " last }' \
        "$BATS_TEST_TMPDIR/layout.txt"
    assert_success
    assert_output ""
}

@test "handout: no page ends with what introduces the listing or transcript that opens the next" {
    # A page ended with lesson 04's "This server greets three clients
    # ...:" and its cc command, the whole program overleaf; one with
    # "15.5 The code", its two whole files' lines and a paragraph, the
    # excerpt overleaf; one with "Here is the server, from its first
    # accept().", its transcript overleaf. What introduces a box stays
    # with its first lines (docs/filters/layout.lua: is_intro,
    # folded_chain).
    run "$PYTHON" "$PEERS/page-joins.py" intros "$ROOT/build/handout.pdf"
    echo "$output"
    assert_success
    assert_line --regexp "^[0-9]+ pages open with a listing or a transcript, 0 with"
}

@test "handout: a Remember box never opens a page, cut off from the chapter it closes" {
    # Lessons 04, 05 and 07's boxes found no room at a page's foot and
    # went overleaf alone, above the next chapter's start: no page break
    # may come before one (docs/filters/divs.lua), so the lines before it
    # go with it. Lesson 08's then opened a page under its one line "The
    # same in Python: ...": such a line goes with the section before it
    # (docs/filters/layout.lua). Lesson 15's, once a list ran straight
    # into it, went overleaf alone: a list's end before it is no place
    # to break.
    run "$PYTHON" "$PEERS/page-joins.py" remember "$ROOT/build/handout.pdf"
    echo "$output"
    assert_success
    assert_line --regexp "^[1-9][0-9]* Remember boxes, 0 opening a page$"
}

@test "handout: a transcript's title is one row: none wraps a word or two onto a row of its own" {
    # The tools appendix's transcript "scripts/narrate -- python3
    # docs/own/echo-server.py 8888 spin" left ">/dev/null (excerpt)"
    # alone on a second row: a title a little too long is set a size
    # smaller (\ssfittitle, docs/preamble.tex).
    run "$PYTHON" "$PEERS/page-joins.py" titles "$ROOT/build/handout.pdf"
    echo "$output"
    assert_success
    assert_line --regexp "^[1-9][0-9]* transcript titles, 0 wrapped$"
}

@test "handout: no page ends with a transcript's mark of lines left out" {
    # Transcript 20.1 ended a page with "[6 lines left out]", the
    # epoll_wait() it leads to overleaf: no break may come after the
    # mark (docs/filters/transcripts.lua, \SSkeep).
    run "$PYTHON" "$PEERS/page-joins.py" gaps "$ROOT/build/handout.pdf"
    echo "$output"
    assert_success
    assert_line --regexp "^[1-9][0-9]* marks of lines left out, 0 at a page's foot$"
}

@test "handout: a short appendix opens with no contents of its own: three sections or fewer, or under three pages" {
    # Appendices E (three sections, a page), G (six, two pages) and H
    # (two, two pages) each opened with "In this chapter: ...", lines a
    # glance at the chapter gives (docs/filters/parts.lua). Each lesson
    # keeps its own (contents-numbers.py checks that).
    run "$PYTHON" - "$ROOT/build/handout/handout.toc" "$BATS_FILE_TMPDIR/paper.txt" <<'EOF'
import re, sys
toc = open(sys.argv[1], encoding="utf-8").read()
lines = open(sys.argv[2], encoding="utf-8").read().split("\n")
entries = re.findall(r"\\contentsline \{(chapter|section|part)\}\{(.*?)\}\{(\d+)\}\{([^}]*)\}", toc)
chapters = []
for kind, title, page, anchor in entries:
    if kind == "section":
        if chapters:
            chapters[-1]["sections"] += 1
        continue
    chapters.append({"title": re.sub(r"\\numberline \{(\w+)\}", r"\1 ", title),
                     "page": int(page), "anchor": anchor, "sections": 0})
short = bad = 0
for c, nxt in zip(chapters, chapters[1:]):
    if not c["anchor"].startswith("appendix."):
        continue
    pages = nxt["page"] - c["page"]
    if c["sections"] > 3 and pages >= 3:
        continue
    short += 1
    has = any(ln.strip() == c["title"] and j + 1 < len(lines) and
              lines[j + 1].startswith("In this chapter:") for j, ln in enumerate(lines))
    print("%s: %d sections, %d pages%s" % (c["title"], c["sections"], pages,
                                           ": it has contents of its own" if has else ""))
    bad += has
print(short, "short appendices,", bad, "with contents of their own")
sys.exit(1 if bad or not short else 0)
EOF
    echo "$output"
    assert_success
    assert_line --partial "F Further reading: 3 sections"
}

@test "handout: the student's book says plain only of the plain programs: the silent build is named so" {
    # "plain" is the programs a student types (lessons/plain/); the lesson
    # built with -DSOCKSTEP_PLAIN is "the silent build". make plain and
    # build/plain/, whose names say the other, are the lecturer's: the
    # book gives the cc line instead.
    local f
    for f in "$BATS_FILE_TMPDIR/handout.txt" "$ROOT/build/handout.html"; do
        run grep -nE 'make plain($|[^-])|build/plain/|plain (build|lines|words|address)' "$f"
        assert_failure
    done
    run grep -c 'silent build' "$BATS_FILE_TMPDIR/handout.txt"
    ((output >= 3))
}

# The order of a Part I chapter's exercises (lNN-exercises), Going
# further (lNN-kernel) and The same in Python (lNN-python) in FILE, one
# line a chapter: "l05 exercises kernel python".
part1_tail_order() {
    grep -oE 'id="l0[1-9]-(exercises|kernel|python)"' "$1" |
        sed -E 's/id="(l0[1-9])-([a-z]+)"/\1 \2/' |
        awk '$1 != last { if (line) print line; line = $1; last = $1 }
             { line = line " " $2 } END { if (line) print line }'
}

@test "handout: a Part I chapter's The same in Python comes after its exercises and Going further on screen, and not on paper" {
    local n html="$ROOT/build/handout.html" epub="$BATS_TEST_TMPDIR/epub.xhtml"
    n=$(grep -l '^## The same in Python {#l0[1-9]-python}' "$ROOT"/docs/lessons/0[1-9]-*.md | wc -l)
    ((n >= 9))
    # On paper the section is left out: no pointer to a repository's
    # Python file, whose place Getting started names once.
    run grep -c 'The same in Python' "$BATS_FILE_TMPDIR/handout.txt"
    assert_output 0
    run grep -c 'comes in Python, in the repository.s docs/python/' "$BATS_FILE_TMPDIR/handout.txt"
    assert_output 1
    # On screen the same order: the HTML, and the EPUB's chapters.
    unzip -p "$ROOT/build/handout.epub" 'EPUB/text/*.xhtml' >"$epub"
    local f
    for f in "$html" "$epub"; do
        run part1_tail_order "$f"
        assert_equal "$(grep -c ' python$' <<<"$output")" "$n"
        refute_output --regexp 'python [a-z]'
    done
}

@test "handout: each Part I lesson shows its calls once, marks what to skip, ends with Remember" {
    local n txt="$BATS_FILE_TMPDIR/handout.txt" html="$ROOT/build/handout.html"
    # Lesson 06, whose plain programs are the part's opening pair, points
    # back to their lines instead of printing them again (a reader who
    # wanted send_all() there, and two who counted it printed four times:
    # the text says what buf += n does, and the page); the others print
    # their own plain program whole (08 and 09 the UDP pair) and repeat no
    # lines of the TCP pair.
    run grep -cE '^lessons/plain/(server|client|udp-receiver|udp-sender)\.c, lines [0-9]+.[0-9]+ of [0-9]+$' "$txt"
    assert_output 0
    # What a first reading may skip: the same boxes on paper, in the HTML
    # and in the EPUB's chapters.
    n=$(grep -c '^On a first reading you may skip this$' "$txt")
    ((n >= 8))
    run grep -c '<div class="box skip">' "$html"
    assert_output "$n"
    run bash -c "unzip -p '$ROOT/build/handout.epub' 'EPUB/text/*.xhtml' | grep -c '<div class=\"box skip\">'"
    assert_output "$n"
    # Remember: once in every lesson, on paper and on screen.
    run grep -L '^::: {.box .remember' "$ROOT"/docs/lessons/[0-9][0-9]-*.md
    assert_output ""
    n=$(cat "$ROOT"/docs/lessons/*.md | grep -c '^::: {.box .remember')
    ((n >= 20))
    run grep -c '^Remember$' "$txt"
    assert_output "$n"
    run grep -c '^Remember$' "$html"
    assert_output "$n"
}

@test "handout: lesson 20's drain, as its text tells it, is the transcript printed" {
    local txt="$BATS_TEST_TMPDIR/appendix-d.txt" t="$BATS_TEST_TMPDIR/drain.txt"
    # Lesson 20's program, its run and its kernel notes are printed on
    # screen only (appendix D): their text, from the HTML, a line for each
    # of a transcript's lines.
    "$PYTHON" - "$ROOT/build/handout.html" >"$txt" <<'PY'
import html, re, sys
h = open(sys.argv[1], encoding="utf-8").read()
s = h[h.index('id="l20-code"'):h.index('<section id="glossary"')]
s = re.sub(r"</(p|div|li|h[1-6]|pre)>|<br\s*/?>", "\n", s)
print(html.unescape(re.sub(r"<[^>]+>", "", s)))
PY
    # The transcript of --edge, as the screen prints it, up to its recv() = 0.
    awk '/edge-triggered, the drain \(--edge\) \(excerpt\)$/ { on = 1 }
         on { print } on && /^ *recv\(5, "", / { exit }' "$txt" >"$t"
    grep -q '^ *epoll_ctl(4, EPOLL_CTL_ADD, 5,' "$t"
    grep -q '^ *recv(5, "", 4096, 0) = 0$' "$t"
    # It fits what the text claims (docs/drain-story.awk lists the claims;
    # docs/runs.sh makes the build stop on a run that does not fit).
    run awk -f "$ROOT/docs/drain-story.awk" "$t"
    assert_output ok
    # The text claims that, and tells no one run's story: it names both
    # ends of the drain, and counts no recv() ("the fourth recv() failed
    # with EAGAIN" was a run not printed).
    # (awk's index, not grep -oE 'drain\..{1,900}Without': that regex
    # over the book on one line took grep 16 s of CPU in a UTF-8 locale.)
    # (Lines and pages joined, runs of spaces made one: a claim may wrap.)
    tr '\n\f' '  ' <"$txt" | tr -s ' ' | awk '{
        i = index($0, "Edge-triggered, the drain.")
        s = substr($0, i, 26 + 900 + 17); j = index(s, "Without the drain")
        if (i && j > 27) print substr(s, 1, j + 16) }' >"$BATS_TEST_TMPDIR/text.txt"
    [[ -s "$BATS_TEST_TMPDIR/text.txt" ]]
    local claim
    for claim in 'one EPOLLIN event' 'ends with EAGAIN if the client' \
        'comes as a new event, whose recv() returns 0' 'with 0 if it has' 'a race' \
        'EPOLLOUT alone may come first'; do
        grep -qF "$claim" "$BATS_TEST_TMPDIR/text.txt" ||
            fail "lesson 20's drain does not say: $claim"
    done
    run grep -oiE '(first|second|third|fourth|fifth|last) recv\(\)' "$BATS_TEST_TMPDIR/text.txt"
    assert_output ''
}

@test "handout: no line of prose that starts with a number and a dot becomes a numbered list" {
    # Markdown takes a line that starts "3. " in a paragraph of a list
    # item for a new list, numbered from 3: "got / 3. The second frame"
    # printed a list item of its own. Every numbered list of the two
    # books starts at 1, so a list that starts elsewhere is such a line.
    # Their HTML, as built (a pandoc of every docs/*.md for this alone
    # took 4 s of CPU; docs/README.md, in neither book, is not read);
    # only when it finds one does a pandoc for each file say where.
    local f out html=("$ROOT/build/handout.html")
    [[ ! -e "$ROOT/build/lecturers.html" ]] || html+=("$ROOT/build/lecturers.html")
    if grep -q '<ol start=' "${html[@]}"; then
        for f in "$ROOT"/docs/*.md "$ROOT"/docs/lessons/*.md; do
            out=$(pandoc --from markdown -t html "$f") || fail "pandoc failed on $f"
            if grep -q '<ol start=' <<<"$out"; then
                echo "${f#"$ROOT"/}: $(grep -o '<ol start="[^"]*"' <<<"$out" | tr '\n' ' ')"
            fi
        done
        fail "a numbered list starts at another number than 1"
    fi
    # and the check sees one
    out=$(printf -- '- a line that ends with\n  3. and goes on\n' | pandoc --from markdown -t html)
    grep -q '<ol start="3"' <<<"$out"
}

@test "handout: an unbroken transcript stays on one page: lesson 07's restart" {
    # Transcript 7.3 shows the plain server's refused bind() on a
    # restart, the kernel: line that names the connection in TIME_WAIT
    # holding the port, and perror()'s line: a reader found a page break
    # inside the restart (r115). Its class "unbroken" keeps every row
    # with the one before (docs/filters/transcripts.lua), and its lead-in
    # keeps room for all of it (docs/filters/layout.lua).
    grep -q '^%unbroken ' "$ROOT/build/handout/handout.tex"
    local pages p text found=0
    pages=$(pdfinfo "$ROOT/build/handout.pdf" | awk '/^Pages:/ { print $2 }')
    for ((p = 1; p <= pages; p++)); do
        text=$(pdftotext -f "$p" -l "$p" -layout "$ROOT/build/handout.pdf" -)
        if [[ "$text" == *"Transcript 7.3:"* ]]; then
            found=1
            [[ "$text" == *"= -1 EADDRINUSE"* ]]
            [[ "$text" == *"is held by a connection in TIME_WAIT"* ]]
            [[ "$text" == *"bind: Address already in use"* ]]
        fi
    done
    ((found == 1))
}
