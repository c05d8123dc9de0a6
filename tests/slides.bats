#!/usr/bin/env bats
# The lecture slides (make slides, build/slides.pdf), made from the week
# by week notes of the lecturer's manual (docs/manual-weeks.md) by
# docs/slides.lua: checked against those notes as tests/peers/slides-check.py
# reads them itself (pandoc's JSON of the notes), not through the filter:
# what the class should see on the projected frames (pdftotext of
# build/slides.pdf), what the lecturer only in the frames' notes (the
# \note{} of build/slides/slides.tex, which make slides-notes shows; that
# PDF is not built here, to spare the suite its pdflatex runs).
# setup_file builds the slides once, as the real tree's handout build
# (make handout builds them too), and keeps pdftotext's text
# of them and the notes' JSON for the file's tests: a build and two
# conversions, then cheap checks.

load handout_helper

setup_file() {
    [[ -e "$ROOT/docs/manual-weeks.md" ]] || return 0
    # The slides show the book's figures and lines of its runs: the
    # handout's build makes them, the runs under their own lock first (a
    # make of build/slides.pdf under the handout's lock alone made the
    # runs beside another file's make of them, and the two collided).
    build_real_handout "$BATS_FILE_TMPDIR/make.log" || return 1
    pdftotext "$ROOT/build/slides.pdf" "$BATS_FILE_TMPDIR/slides.txt"
    pandoc "$ROOT/docs/manual-weeks.md" --from markdown --to json \
        -o "$BATS_FILE_TMPDIR/notes.json"
}

setup() {
    [[ -e "$ROOT/docs/manual-weeks.md" ]] ||
        skip "a students' copy: no lecturer's manual, no slides"
}

# check WHAT: tests/peers/slides-check.py's check WHAT.
check() {
    run "$PYTHON" "$PEERS/slides-check.py" "$1" "$BATS_FILE_TMPDIR/notes.json" \
        "$BATS_FILE_TMPDIR/slides.txt" "$ROOT/build/slides/slides.tex"
    assert_success
    assert_output ""
}

# slides_tex PICTURES FIGURES OUT: the slides' LaTeX as make's own pandoc
# command makes it (make -n), the slides' pieces of runs read from
# PICTURES and the book's figures from FIGURES, written to OUT. Of what
# make -n prints, its pandoc command only: another recipe out of date,
# or the mv after it, is left out.
slides_tex() {
    local cmd
    cmd=$(cd "$ROOT" && make -s -n -W docs/slides.lua build/slides/slides.tex |
        sed -n '/^pandoc docs\/manual-weeks\.md /,/ -o build\/slides\/slides\.tex\.new$/p')
    [[ "$cmd" == *"-M slide-pictures=build/slides/pictures "* &&
        "$cmd" == *"-M figure-dir=build/handout "* &&
        "$cmd" == *" -o build/slides/slides.tex.new" ]] || {
        echo "make's pandoc command for the slides is not as read here: $cmd" >&2
        return 1
    }
    cmd=${cmd% -o build/slides/slides.tex.new}
    cmd=${cmd//slide-pictures=build\/slides\/pictures /slide-pictures=$1 }
    cmd=${cmd//figure-dir=build\/handout /figure-dir=$2 }
    (cd "$ROOT" && eval "$cmd -o $3")
}

@test "slides: a section and a title frame for each week of the notes" {
    check weeks
    # beamer's sections (the PDF's bookmarks), one a week, in order
    grep -E '^## Week [0-9]+:' "$ROOT/docs/manual-weeks.md" |
        sed -E 's/^## (Week [0-9]+: .*[^ ]) *\{#.*\}$/\1/' >"$BATS_TEST_TMPDIR/notes"
    # (LaTeX's \_ and the like, as the notes write them)
    sed -n 's/^\\beamer@sectionintoc {[0-9]*}{\(.*\)}{[0-9]*}{[0-9]*}{[0-9]*}$/\1/p' \
        "$ROOT/build/slides/slides.toc" | sed 's/\\\([_&#%$]\)/\1/g' >"$BATS_TEST_TMPDIR/sections"
    [[ -s "$BATS_TEST_TMPDIR/notes" ]] || fail "no '## Week N:' in the notes"
    run diff "$BATS_TEST_TMPDIR/notes" "$BATS_TEST_TMPDIR/sections"
    assert_success
}

@test "slides: the second frame gives each week's first frame, which is that week's title frame" {
    # "3   Week 1: a socket, ..." in two columns: each number, then the
    # title of the frame of that number (the footer's "3 / 105").
    pdftotext -layout -f 2 -l 2 "$ROOT/build/slides.pdf" "$BATS_TEST_TMPDIR/map"
    run head -n 1 "$BATS_TEST_TMPDIR/map"
    assert_output --regexp "^ *The weeks$"
    grep -oE '[0-9]+ +Week [0-9]+:' "$BATS_TEST_TMPDIR/map" >"$BATS_TEST_TMPDIR/pairs" || :
    run grep -cE '^## Week [0-9]+:' "$ROOT/docs/manual-weeks.md"
    [ "$(wc -l <"$BATS_TEST_TMPDIR/pairs")" -eq "$output" ] ||
        fail "$output weeks in the notes; the map: $(cat "$BATS_TEST_TMPDIR/map")"
    local page week
    while read -r page week; do
        run pdftotext -f "$page" -l "$page" "$ROOT/build/slides.pdf" -
        [[ "${lines[0]}" == "$week"* ]] ||
            fail "the map says $week is on frame $page, which opens: ${lines[0]}"
    done < <(sed -E 's/ +/ /' "$BATS_TEST_TMPDIR/pairs")
}

@test "slides: a frame opens with each lecture point's title, in order" {
    check points
}

@test "slides: no frame shows a sentence or two alone" {
    # a short point joins its neighbour's frame (its title a bold line
    # there, which the check above finds) or goes beside its figure
    check sparse
}

@test "slides: a point's sentence stays with its run's picture at any height" {
    # A picture of a run is as tall as that run made it: one piece (385 px
    # or less) or two (335 at most each), and which depends on the
    # machine. Lesson 07's run was one piece of 250 to 280 px on a CI
    # machine, and its point's sentence went to a frame alone; on
    # another, two pieces of 265 px whose last part's line ("(2 of 2):
    # from send(4, "hello", ...) = 5 to TIME_WAIT") took its room. Each
    # run's picture on the slides, made one piece or two of each height
    # here (the filter reads a piece's /MediaBox only), must keep its
    # point's sentence. The filter's frames from make's own pandoc
    # command, its pictures' folder changed.
    local d h pic
    for h in 150 175 200 225 250 275 300 325 350 385 200,200 270,270 335,150 335,335; do
        d="$BATS_TEST_TMPDIR/$h"
        mkdir -p "$d"
        for pic in "$ROOT"/build/slides/pictures/*.pieces; do
            pic=$(basename "$pic" .pieces)
            : >"$d/$pic.pieces"
            local k=0 one
            for one in ${h//,/ }; do
                k=$((k + 1))
                printf '/MediaBox [0 0 450 %s]\n' "$one" >"$d/$pic-$k.pdf"
                # labels as long as a run's get: a piece's part line
                # ("(2 of 2): from ... to ...") takes room in its column
                printf '%s\t%s\t%s\n' "$d/$pic-$k.svg" 'accept(3, &addr, &len) called' \
                    'recvfrom(3, "three", ...) = 5' >>"$d/$pic.pieces"
            done
        done
        slides_tex "$d" build/handout "$d/slides.tex" 2>"$d/err" ||
            fail "pieces of $h px: $(cat "$d/err")"
        run "$PYTHON" "$PEERS/slides-check.py" sparse "$BATS_FILE_TMPDIR/notes.json" \
            "$BATS_FILE_TMPDIR/slides.txt" "$d/slides.tex"
        assert_success
        [[ -z "$output" ]] || fail "pieces of $h px: $output"
    done
}

@test "slides: a run's picture in one piece, short or tall, is drawn large under its title" {
    # The same, built: lesson 07's picture (its point has a sentence to
    # keep) as one piece of the top 200, 250 or 330 px of this build's
    # run, laid out under its sentence, beside it, or on a plain frame
    # of its own. Each slides.pdf is checked as the real one is: no box
    # runs over, no sentence alone, and the figure on its point's frames,
    # as large as the frame allows, its words large enough. (A chart of
    # 200 px lost its frame's title under it: beamer read the sentence's
    # {\small ...} after the title as a subtitle.) A fake tree: the
    # book's excerpt and the slides' piece both the cut chart, all else
    # this build's.
    local h r pic=plain-07 f tall
    [[ -s "$ROOT/build/slides/pictures/$pic.svg" ]] || fail "no $pic.svg"
    # (A cut no taller than the chart: how tall the run drew it depends
    # on the order its events came in, 265 px in one CI run, 581 in
    # another; a cut of 330 px from a 265 px chart is 65 px of nothing,
    # which no layout draws large.)
    tall=$(sed -nE '1s/.*height="([0-9]+)(\.[0-9]+)?px".*/\1/p' \
        "$ROOT/build/slides/pictures/$pic.svg")
    [[ -n "$tall" ]] || fail "$pic.svg: no height"
    for h in 200 250 330; do
        ((h <= tall)) || h=$tall
        r="$BATS_TEST_TMPDIR/$h"
        [[ ! -e "$r" ]] || continue # (a chart of 250 px or less: cut once)
        mkdir -p "$r/build/slides/pictures" "$r/build/handout/pictures"
        ln -s "$ROOT/docs" "$r/docs"
        ln -s "$ROOT/lessons" "$r/lessons"
        ln -s "$ROOT/build/runs" "$r/build/runs"
        for f in "$ROOT"/build/handout/* "$ROOT"/build/handout/pictures/*; do
            [[ "$f" == "$ROOT/build/handout/pictures" ]] ||
                ln -s "$f" "$r/${f#"$ROOT"/}"
        done
        cp "$ROOT"/build/slides/pictures/* "$r/build/slides/pictures/"
        rm -f "$r/build/slides/pictures/$pic"-[0-9]* "$r/build/handout/pictures/$pic.excerpt.pdf"
        sed -E "1s/height=\"[0-9.]+px\"/height=\"${h}px\"/;
                1s/viewBox=\"0 0 ([0-9.]+) [0-9.]+\"/viewBox=\"0 0 \1 $h\"/" \
            "$ROOT/build/slides/pictures/$pic.svg" >"$r/build/slides/pictures/$pic-1.svg"
        rsvg-convert -f pdf -o "$r/build/slides/pictures/$pic-1.pdf" \
            "$r/build/slides/pictures/$pic-1.svg"
        cp "$r/build/slides/pictures/$pic-1.pdf" "$r/build/handout/pictures/$pic.excerpt.pdf"
        printf '%s\tfirst\tlast\n' "$r/build/slides/pictures/$pic-1.svg" \
            >"$r/build/slides/pictures/$pic.pieces"
        slides_tex "$r/build/slides/pictures" "$r/build/handout" \
            "$r/build/slides/slides.tex" 2>"$r/err" || fail "$h px: $(cat "$r/err")"
        # one run: the build's second only fills in the frames' total, in
        # their feet, which neither the layout of a frame's body nor the
        # checks below read
        (cd "$ROOT" && pdflatex -interaction=nonstopmode -halt-on-error \
            -output-directory "$r/build/slides" "$r/build/slides/slides.tex" \
            >"$r/latex.out" 2>&1) || fail "$h px: pdflatex failed: $(tail -5 "$r/latex.out")"
        cp "$r/build/slides/slides.pdf" "$r/build/slides.pdf"
        run grep -E '^(Overfull|Underfull) \\[hv]box' "$r/build/slides/slides.log"
        [[ -z "$output" ]] || fail "$h px: $output"
        pdftotext "$r/build/slides.pdf" "$r/slides.txt"
        for f in sparse shown; do
            run "$PYTHON" "$PEERS/slides-check.py" "$f" "$BATS_FILE_TMPDIR/notes.json" \
                "$r/slides.txt" "$r/build/slides/slides.tex" "$r"
            assert_success
            [[ -z "$output" ]] || fail "$h px, $f: $output"
        done
    done
}

@test "slides: each point's sentence is on its frame or in its notes" {
    check text
}

@test "slides: no direction to the lecturer on the projected frames" {
    # "Draw ...", "Write ... on the board", a Show step's prose: in
    # \note{}, which only make slides-notes shows (not built here: the
    # same slides.tex, whose notes the check reads)
    check directions
    run grep -c '^\\note{' "$ROOT/build/slides/slides.tex"
    assert_success
}

@test "slides: the quizzes' questions are there, and none of the answers" {
    check quiz
}

@test "slides: each Show step's program is set as code, on its frame" {
    check commands
}

@test "slides: a Show step's frames hold what its program prints" {
    # a run of the book under the Show block (or on the next frame), a
    # lesson's part or a figure; or the point is one the check lists,
    # with the reason no run of the book shows its output
    check output
}

@test "slides: each figure and lesson part a point names is on its frames" {
    # []{.slide figure=ID}: the book's drawing, found by its own words on
    # the page (a figure is drawn, vector, so pdfimages lists none);
    # []{.slide include=... lines=...}: each line whole, under its name
    run "$PYTHON" "$PEERS/slides-check.py" shown "$BATS_FILE_TMPDIR/notes.json" \
        "$BATS_FILE_TMPDIR/slides.txt" "$ROOT/build/slides/slides.tex" "$ROOT"
    assert_success
    assert_output ""
    # and they are drawn there: a figure is an \includegraphics on a frame,
    # a picture of a run one for each piece mk/slides.mk cut it in
    run grep -c '\\includegraphics\[' "$ROOT/build/slides/slides.tex"
    assert_success
    local named=0 id pic
    while IFS= read -r id; do
        pic=$(grep -h -o "](picture:[A-Za-z0-9_-]*){#${id}[ }]" "$ROOT"/docs/*.md \
            "$ROOT"/docs/lessons/*.md | sed 's/^](picture:\([^)]*\)).*/\1/')
        if [[ -n "$pic" ]]; then
            named=$((named + $(wc -l <"$ROOT/build/slides/pictures/$pic.pieces")))
        else
            named=$((named + 1))
        fi
    done < <(grep -o '\[\]{\.slide figure="[^"]*"' "$ROOT/docs/manual-weeks.md" |
        sed 's/.*figure="//; s/"$//')
    [[ "$output" -eq "$named" ]] || fail "$output figures drawn, $named named (pieces counted)"
}

@test "slides: no box runs over in the LaTeX log, and the frames are 16:9" {
    run grep -E '^(Overfull|Underfull) \\[hv]box' "$ROOT/build/slides/slides.log"
    assert_failure
    assert_output ""
    # Page size: 453.543 x 255.118 pts (160 mm by 90 mm)
    run pdfinfo "$ROOT/build/slides.pdf"
    assert_success
    assert_line --regexp '^Page size: +453\.[0-9]+ x 255\.[0-9]+ pts$'
}

@test "slides: every frame has its foot, the frame's number out of all" {
    # A figure's frame of its own (the TCP call sequence) is plain, with
    # no foot: its caption's column ends with the week and the number
    # (docs/slides.lua), or a lecturer has no number to say for it.
    local total
    total=$(pdfinfo "$ROOT/build/slides.pdf" | awk '/^Pages:/ { print $2 }')
    run awk -v total="$total" 'BEGIN { RS = "\f" }
        NR <= total && !($0 ~ ("(^|\n)" NR " / " total "(\n|$)")) {
            print "frame " NR " has no foot" }' "$BATS_FILE_TMPDIR/slides.txt"
    assert_success
    assert_output ""
}

@test "slides: a short listing is set in the text's size, its name right under it" {
    # docs/slides.lua: a listing of 7 lines at most, none wider than 52
    # characters (less their shared indent), in \normalsize, the text's
    # 14pt; a longer or wider one smaller. Each listing's name
    # ("PATH, lines A-B"; "PATH, line A" for one line) follows it at a
    # \smallskip, not pushed down the frame by a \vfill.
    run "$PYTHON" - "$ROOT" <<'PY'
import re, sys
root = sys.argv[1]
tex = open(root + "/build/slides/slides.tex", encoding="utf-8").read()
notes = open(root + "/docs/manual-weeks.md", encoding="utf-8").read()
blocks = re.findall(
    r"\\begingroup\\(\w+)\n\n\\begin\{Shaded\}\n\\begin\{Highlighting\}\[numbers=left,"
    r",firstnumber=\d+,\]\n.*?\\end\{Highlighting\}\n\\end\{Shaded\}\n\n"
    r"\\endgroup(\\\w+)\{\\small\\centering\n\n\\texttt\{(.*?),\\ lines?\\ (\d+)(?:\u2013(\d+))?\}",
    tex, re.S)
named = len(re.findall(r"\[\]\{\.slide include=", notes))
if len(blocks) != named:
    print("%d listings found in slides.tex, %d named in the notes" % (len(blocks), named))
large = 0
for size, skip, path, a, b in blocks:
    a, b = int(a), int(b or a)  # "line 48": one line
    lines = open(root + "/" + path, encoding="utf-8").read().split("\n")[a - 1:b]
    indent = min(len(l) - len(l.lstrip(" ")) for l in lines if l.strip())
    widest = max(len(l[indent:]) for l in lines)
    want = "normalsize" if b - a + 1 <= 7 and widest <= 52 else None
    if want and size != want:
        print("%s %d-%d: %d lines, %d wide, set \\%s, not \\%s" % (path, a, b, b - a + 1, widest, size, want))
    if not want and size == "normalsize":
        print("%s %d-%d: %d lines, %d wide, set \\normalsize" % (path, a, b, b - a + 1, widest))
    large += size == "normalsize"
    if skip != "\\smallskip":
        print("%s %d-%d: its name after %s, not right under it" % (path, a, b, skip))
if large == 0:
    print("no listing in the text's size")
# one line is named "line 48", not "lines 48-48"
for path, a in re.findall(r"\\texttt\{([^{}]*?),\\ lines\\ (\d+)\u2013\2\}", tex):
    print("%s: one line named \"lines %s-%s\"" % (path, a, a))
PY
    assert_success
    assert_output ""
}
