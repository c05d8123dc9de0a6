#!/bin/sh
# pdflatex-until-stable.sh DIR/NAME.tex RUNS: run pdflatex on NAME.tex, in
# DIR, until the table of contents and "page N of M" settle, at most RUNS
# times; mk/handout.mk calls it for build/handout/handout.tex with
# HANDOUT_RUNS. Run it from the top of the tree: TEXINPUTS starts there, so
# the LaTeX finds what it names relative to the tree.
#
# Settled: a run leaves NAME.aux, NAME.toc and the index it makes (NAME.ind,
# by makeindex from NAME.idx) as it found them and its log asks for no
# rerun. RUNS=1 makes a draft whose contents and page
# references may be out of date, enough to look at a change. The total of
# physical pages LaTeX notes in NAME.aux (\@abspage@last) is left out of
# the comparison: nothing in the handout prints it, and the first run, with
# no contents yet, counts fewer pages (the preamble numbers the contents
# apart, so no other page number moves). A build from nothing starts with
# an empty index (below), so it too takes two runs, or three when
# the page numbers the second prints in place of "??" move a page break
# (seldom: docs/preamble.tex gives each "??" the room of three digits).
#
# The last build's .aux and .toc are kept, so a small change needs one or
# two runs, not three; if the first run fails with them, they are removed
# and the runs start again without them. A failed run prints the error
# from the log and exits 1. A line that would run past the margin (an
# overfull box of more than 1pt) exits 1 too, naming the line of NAME.tex.
set -eu

if [ $# -ne 2 ]; then
    echo "usage: $0 DIR/NAME.tex RUNS" >&2
    exit 2
fi
tex=$1 runs=$2
case "$runs" in
[1-9] | [1-9][0-9]) ;;
*)
    echo "$0: RUNS must be a number of pdflatex runs, 1 or more, not '$runs'" >&2
    exit 2
    ;;
esac
dir=$(dirname "$tex")
name=$(basename "$tex" .tex)
top=$(pwd)

cd "$dir"
kept=
if [ -e "$name.aux" ]; then kept=yes; fi
# No index yet (a build from nothing): an empty one, so that the first run
# prints the index's heading and puts it in the contents as the second
# run will, and the second run can find everything as the first left it.
if [ ! -e "$name.ind" ]; then
    printf '\\begin{theindex}\n\\end{theindex}\n' >"$name.ind"
fi
run=0
while [ "$run" -lt "$runs" ]; do
    run=$((run + 1))
    grep -v '@abspage@last' "$name.aux" >"$name.aux.before" 2>/dev/null || :
    cp "$name.toc" "$name.toc.before" 2>/dev/null || : >"$name.toc.before"
    echo "pdflatex $tex (run $run)"
    if ! TEXINPUTS="$top:" max_print_line=200 pdflatex \
        -interaction=nonstopmode -halt-on-error -file-line-error \
        "$name.tex" >"$name.out" 2>&1; then
        if [ "$kept" = yes ]; then
            echo "pdflatex failed with the last build's $name.aux: again without it"
            rm -f "$name.aux" "$name.toc"
            kept=
            run=0
            continue
        fi
        grep -A 8 -E '^(!|.*:[0-9]+:)' "$name.log" >&2 || tail -n 30 "$name.out" >&2
        echo "pdflatex failed: see $dir/$name.log" >&2
        exit 1
    fi
    kept=
    # The index for the next run. A page that is a term's main place
    # (bold, |textbf) loses the plain mention of the same page, which
    # makeindex would print beside it: "49, 49".
    cp "$name.ind" "$name.ind.before" 2>/dev/null || : >"$name.ind.before"
    if [ -e "$name.idx" ]; then
        # A name in code, \SSidxcode: from inside another command's
        # argument (the glossary's terms) \index writes it with spaces,
        # "\SSidxcode  {socket()}", and makeindex would list it twice.
        sed -i 's/\\SSidxcode *{/\\SSidxcode{/g' "$name.idx"
        awk 'NR == FNR { if (sub(/\|textbf}\{/, "}{")) main[$0] = 1; next }
             !($0 in main)' "$name.idx" "$name.idx" >"$name.idx.main"
        makeindex -q -o "$name.ind" "$name.idx.main"
    fi
    grep -v '@abspage@last' "$name.aux" >"$name.aux.after" || :
    if cmp -s "$name.aux.after" "$name.aux.before" &&
        cmp -s "$name.toc" "$name.toc.before" &&
        cmp -s "$name.ind" "$name.ind.before" &&
        ! grep -q -E 'Rerun to get|Label\(s\) may have changed|undefined references' \
            "$name.log"; then
        break
    fi
done
rm -f "$name.aux.before" "$name.aux.after" "$name.toc.before" "$name.ind.before"
if grep -E '^Overfull \\hbox \(([1-9]|[0-9]{2,})[0-9.]*pt too wide\)' \
    "$name.log" >&2; then
    echo "$name.pdf: text runs past the margin (see $dir/$name.log)" >&2
    exit 1
fi
