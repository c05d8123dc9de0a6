#!/usr/bin/env bats
# The handout (make handout): build/handout.pdf, build/handout.html and
# build/handout.epub, generated from the lessons by docs/include.lua and
# docs/runs.sh. (The Python equivalents it includes are run against the
# lessons by tests/python.bats.)
#
# setup_file builds it once in the tree; the tests read what was built.
# In a fresh clone that build starts from nothing, as CI's does. The
# rebuilds in a copy of the tree (after a lesson edit, on US letter) are in
# handout-rebuild.bats, which runs beside this file.

load handout_helper

setup_file() {
    build_real_handout "$BATS_FILE_TMPDIR/make.log" || return 1
    pdftotext "$ROOT/build/handout.pdf" "$BATS_FILE_TMPDIR/handout.txt"
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
    "$PYTHON" - "$BATS_FILE_TMPDIR/handout.txt" "$title" "${all[@]}" >"$out" <<'EOF'
import re, sys
text, title, titles = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3:]
sq = lambda s: re.sub(r"\s+", "", s.replace("\u21aa", ""))
for page in text.split("\f"):
    p = sq(page)
    if sq(title) in p and sum(t in p for t in titles) < 3:
        print(page)
EOF
}

@test "handout: builds the PDF, the HTML and the EPUB, and they are not trivial" {
    [ -s "$ROOT/build/handout.pdf" ]
    [ -s "$ROOT/build/handout.html" ]
    [ -s "$ROOT/build/handout.epub" ]
    local pages
    pages=$(pdfinfo "$ROOT/build/handout.pdf" | sed -n 's/^Pages: *//p')
    echo "pages: $pages"
    ((pages >= 30))
    (($(stat -c %s "$ROOT/build/handout.html") > 100000))
    (($(stat -c %s "$ROOT/build/handout.epub") > 50000))
    # A4 by default.
    run pdfinfo "$ROOT/build/handout.pdf"
    assert_output --regexp 'Page size: +595\.[0-9]+ x 841\.[0-9]+ pts \(A4\)'
}

# epubcheck: Debian installs it as a symbolic link to the jar, which runs
# directly only where binfmt_misc knows jars; otherwise through java.
epubcheck_run() {
    local jar
    if epubcheck --version >/dev/null 2>&1; then
        epubcheck "$@"
    else
        jar=$(readlink -f "$(command -v epubcheck)")
        java -jar "$jar" "$@"
    fi
}

@test "handout: the EPUB passes epubcheck, with the diagrams and the listings inside" {
    command -v epubcheck >/dev/null || skip "no epubcheck (./install-deps installs it)"
    run epubcheck_run "$ROOT/build/handout.epub"
    echo "$output" | tail -n 20
    assert_success
    assert_output --partial 'No errors or warnings detected'
    # Diagrams (SVG), listings and transcripts are in it (python3 reads
    # the zip: unzip is not among the dependencies).
    run "$PYTHON" - "$ROOT/build/handout.epub" <<'EOF'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = z.namelist()
text = "".join(z.read(n).decode() for n in names if n.endswith(".xhtml"))
svgs = [n for n in names if n.endswith(".svg")]
print("svg:", svgs)
assert len(svgs) >= 2, "no diagrams"
assert "lessons/04-accept/accept.c</code>, lines 1" in text, "no listing of lesson 04"
assert 'class="sourceCode numberSource c numberLines"' in text, "no numbered C listing"
assert 'class="terminal"' in text, "no transcript"
EOF
    echo "$output"
    assert_success
}

@test "handout: the contents number lesson N as chapter N, to two levels" {
    # The table of contents pages: "N Lesson NN: title ... page" lines.
    "$PYTHON" - "$BATS_FILE_TMPDIR/handout.txt" <<'EOF'
import re, sys
pages = open(sys.argv[1]).read().split("\f")
toc = "\n".join(p for p in pages if re.search(r"^Contents", p, re.M))
found = re.findall(r"^(\d+) Lesson (\d+):", toc, re.M)
print("lesson chapters in the contents:", found)
assert len(found) >= 9, "too few lesson chapters in the contents"
for chapter, lesson in found:
    assert int(chapter) == int(lesson), "chapter %s is lesson %s" % (chapter, lesson)
# Sections too (depth 2): 6.1, 6.2 ... under lesson 06.
assert re.search(r"^6\.1(\s|$)", toc, re.M), "no section 6.1 in the contents"
# Front matter without a number, back matter lettered.
assert re.search(r"^Getting started", toc, re.M), "no Getting started"
assert re.search(r"^A Pitfalls", toc, re.M), "no appendix A Pitfalls"
EOF
}

@test "handout: a cross-reference gives the target's number and, on paper, its page" {
    # [SIGPIPE](#pitfall-sigpipe) in lesson 06: "SIGPIPE (section A.4, page N)".
    run grep -o -E 'SIGPIPE \(section A\.[0-9]+, page [0-9]+\)' "$BATS_FILE_TMPDIR/handout.txt"
    assert_success
    # An empty link names a transcript by its number.
    run grep -o -E 'transcript 5\.[0-9]+ \(page [0-9]+\)' "$BATS_FILE_TMPDIR/handout.txt"
    assert_success
    # On screen: the number, no page.
    grep -q -E 'SIGPIPE</a>[^<]*\(section A\.[0-9]+\)' "$ROOT/build/handout.html" ||
        grep -q -E 'SIGPIPE</a> \(section A\.[0-9]+\)' "$ROOT/build/handout.html"
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
    "$PYTHON" - "$1" <<'EOF'
import sys
lines = [l.strip() for l in open(sys.argv[1])]
long = [l for l in lines if len(l) >= 30 and lines.count(l) == 1]
if not long:
    sys.exit("no distinctive line in " + sys.argv[1])
for i in sorted({0, len(long) // 4, len(long) // 2, 3 * len(long) // 4, len(long) - 1}):
    print(long[i])
EOF
}

@test "handout: every lesson's whole file is in the PDF, once, with its real line numbers" {
    local l f rel n=0 line total
    while IFS= read -r l; do
        for f in "$ROOT/lessons/$l"/*.c; do
            rel=${f#"$ROOT/"}
            total=$(awk 'END { print NR }' "$f") # a last line without "\n" counts
            # The caption names the file and says it is whole.
            contains "$BATS_FILE_TMPDIR/handout.txt" "$rel, lines 1–$total (the whole file)" ||
                { echo "no whole listing of $rel (lines 1–$total) in the PDF" >&2; return 1; }
            [ "$(grep -c -F "$rel, lines 1–$total (the whole file)" "$BATS_FILE_TMPDIR/handout.txt")" -eq 1 ] ||
                { echo "$rel is listed whole more than once" >&2; return 1; }
            while IFS= read -r line; do
                contains "$BATS_FILE_TMPDIR/handout.txt" "$line" ||
                    { echo "$rel: not in the PDF: $line" >&2; return 1; }
            done < <(distinctive_lines "$f")
            n=$((n + 1))
        done
    done < <(lesson_dirs)
    echo "$n lesson files"
    ((n >= 10))
    # No region marker shows anywhere.
    run grep -c -E 'region: |endregion' "$BATS_FILE_TMPDIR/handout.txt"
    assert_output 0
}

@test "handout: copying a listing from the PDF gives the code, not its line numbers" {
    # Line 2 of lesson 01 is " * Lesson 01: socket()"; pdftotext (what a
    # viewer's copy gives) must not put "2" or any number before it.
    local want
    want=$(sed -n 2p "$ROOT/lessons/01-socket/socket.c" | sed 's/^ *//')
    run grep -n -F -- "$want" "$BATS_FILE_TMPDIR/handout.txt"
    assert_success
    refute_output --regexp ':[[:space:]]*[0-9]+[[:space:]]*\* Lesson 01'
    # Nor on lines of their own: the 40 lines of text after the caption
    # of that listing have no line that is only a number.
    run "$PYTHON" - "$BATS_FILE_TMPDIR/handout.txt" <<'EOF'
import re, sys
text = open(sys.argv[1]).read().splitlines()
at = next(i for i, l in enumerate(text) if l.startswith("lessons/01-socket/socket.c, lines 1"))
numbers = [l for l in text[at + 1:at + 41] if re.fullmatch(r"\s*\d+\s*", l)]
print("number-only lines after the caption:", numbers)
sys.exit(1 if numbers else 0)
EOF
    assert_success
}

@test "handout: a narrated line from a real run of each lesson is in the PDF" {
    # Each transcript is shown once, some only in part: for each lesson,
    # the first narrated call line of at least one of its runs is there.
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
        ((shown > 0)) || { echo "$l: no run's first call line is in the PDF" >&2; return 1; }
    done < <(lesson_dirs)
}

@test "handout: the runs start with only fds 0-2 open, whoever runs the build" {
    # bats itself holds fds 3 and 4 while it runs make: runs.sh must not
    # pass them on, or the first socket() in print would return 5.
    local f first n=0
    for f in "$ROOT"/build/runs/*.txt; do
        first=$(grep -m 1 -E '^socket\(' "$f" || true)
        [ -n "$first" ] || continue
        n=$((n + 1))
        [[ "$first" == *") = 3" ]] || { echo "$f: $first" >&2; return 1; }
    done
    ((n >= 9))
}

@test "handout: the reference card fits on one page" {
    # The pages that show its title as a heading or as the running header,
    # the table of contents aside: exactly one.
    run "$PYTHON" -c '
import re, sys
pages = open(sys.argv[1]).read().split("\f")
card = [i + 1 for i, p in enumerate(pages)
        if re.search(r"^[A-Z0-9]+\.? Reference card$", p, re.M)
        and not re.search(r"^Contents$", p, re.M)]
print("pages:", card)
sys.exit(0 if len(card) == 1 else 1)
' "$BATS_FILE_TMPDIR/handout.txt"
    assert_success
}

@test "handout: check-code-blocks.sh passes on the real docs" {
    run "$ROOT/docs/check-code-blocks.sh"
    assert_success
}

# spoil DIR MD...: DIR/docs holding only the given Markdown files of docs/
# (paths relative to docs/), and DIR/lessons, DIR/docs/python as in the
# tree, for the check to read with DIR as its root. A test spoils one of
# them; the check then reads a few files, not all of docs/.
spoil() {
    local dir="$1" md
    shift
    mkdir -p "$dir/docs"
    cp -r "$ROOT/lessons" "$dir/"
    cp -r "$ROOT/docs/python" "$dir/docs/"
    for md in "$@"; do
        mkdir -p "$dir/docs/$(dirname "$md")"
        cp "$ROOT/docs/$md" "$dir/docs/$md"
    done
}

@test "handout: check-code-blocks.sh fails on a pasted C block, whatever the fence" {
    local dir="$BATS_TEST_TMPDIR/docs" i=0 fence
    mkdir -p "$dir"
    # One file per fence, and one with a shell block that must pass.
    for fence in '```c' '~~~c' '```{.c}' '``` C' '```{.c .numberLines}' '```cpp' '```'; do
        i=$((i + 1))
        printf 'Some text.\n\n%s\n#include <stdio.h>\nint main(void) { return puts("hi"); }\n%s\n' \
            "$fence" "${fence:0:3}" >"$dir/fence-$i.md"
    done
    # shellcheck disable=SC2016 # Markdown, not an expansion
    printf 'Some text.\n\n```sh\ncc lessons/01-socket/socket.c -o socket\n```\n' >"$dir/fence-sh.md"
    run "$ROOT/docs/check-code-blocks.sh" "$dir" "$ROOT"
    assert_failure 1
    for ((i = 1; i <= 7; i++)); do
        assert_line --regexp "^$dir/fence-$i\.md: .*not an include from lessons/"
    done
    refute_output --partial "fence-sh.md"
}

@test "handout: check-code-blocks.sh fails on a part that drifted, a missing file, a long command" {
    local dir="$BATS_TEST_TMPDIR/a" md
    # A part (lines=) whose contains= is no longer in those lines: the
    # lesson changed under the pitfall that quotes it.
    spoil "$dir" pitfalls.md
    md="$dir/docs/pitfalls.md"
    run "$ROOT/docs/check-code-blocks.sh" "$dir/docs"
    assert_success
    grep -q 'lines="[0-9]*-[0-9]*" contains=' "$md"
    sed -i -E '0,/lines="[0-9]+-[0-9]+"/s//lines="1-5"/' "$md"
    run "$ROOT/docs/check-code-blocks.sh" "$dir/docs"
    assert_failure 1
    assert_output --partial 'is not in the included lines any more'

    # An include of a file that is not there.
    dir="$BATS_TEST_TMPDIR/b"
    spoil "$dir" lessons/05-connect.md
    run "$ROOT/docs/check-code-blocks.sh" "$dir/docs"
    assert_success
    rm "$dir/docs/python/05_connect.py"
    run "$ROOT/docs/check-code-blocks.sh" "$dir/docs"
    assert_failure 1
    assert_output --partial 'docs/python/05_connect.py": no such file'

    # C included from anywhere but lessons/, Python from anywhere but
    # docs/python/.
    dir="$BATS_TEST_TMPDIR/c"
    spoil "$dir" pitfalls.md
    # shellcheck disable=SC2016 # Markdown, not an expansion
    printf '\n```{.c include="docs/include.lua"}\n```\n' >>"$dir/docs/pitfalls.md"
    run "$ROOT/docs/check-code-blocks.sh" "$dir/docs"
    assert_failure 1
    assert_output --partial 'include="docs/include.lua": only C from lessons/ and Python from docs/python/'

    # A command that would wrap on paper.
    dir="$BATS_TEST_TMPDIR/d"
    spoil "$dir" pitfalls.md
    # shellcheck disable=SC2016 # Markdown, not an expansion
    printf '\nRun `build/06-send-recv-client --host 127.0.0.1 --port 0 --timeout 3000 --step`.\n' \
        >>"$dir/docs/pitfalls.md"
    run "$ROOT/docs/check-code-blocks.sh" "$dir/docs"
    assert_failure 1
    assert_output --partial 'put it in a ```sh block'
}

@test "handout: the filter stops the build on a missing file, line, transcript or target" {
    local md="$BATS_TEST_TMPDIR/t.md" F
    F=$(printf '\140\140\140') # a code fence
    cd "$ROOT"
    pf() { # pf MARKDOWN: run the filter on it
        printf '# Lesson 01: x {#lesson-01}\n\n%s\n' "$1" >"$md"
        run pandoc "$md" --lua-filter docs/include.lua -M runs-dir="$ROOT/build/runs" -t native
    }
    pf "$(printf '%s{.c include="lessons/nope/nope.c"}\n%s' "$F" "$F")"
    assert_failure
    assert_output --partial 'lessons/nope/nope.c'
    pf "$(printf '%s{.c include="lessons/01-socket/socket.c" lines="1-99999"}\n%s' "$F" "$F")"
    assert_failure
    assert_output --partial 'the file has'
    pf "$(printf '%s{.c include="lessons/01-socket/socket.c" lines="20-30" contains="no such text"}\n%s' "$F" "$F")"
    assert_failure
    assert_output --partial 'no "no such text" in them any more'
    pf "$(printf '%s{.output run="99-nothing"}\n%s' "$F" "$F")"
    assert_failure
    assert_output --partial 'build/runs/99-nothing.txt'
    pf "$(printf '%sc\nint x;\n%s' "$F" "$F")"
    assert_failure
    assert_output --partial 'C code block without include='
    pf 'see [nothing](#no-such-id)'
    assert_failure
    assert_output --partial '"#no-such-id"'
    # A transcript shown twice stops the build: refer to it instead.
    pf "$(printf '%s{.output run="01-socket"}\n%s\n\n%s{.output run="01-socket" from="^close"}\n%s' \
        "$F" "$F" "$F" "$F")"
    assert_failure
    assert_output --partial 'is shown already, in transcript 1.1'
    # A chapter that is neither front matter, a lesson nor an appendix.
    printf '# Somewhere\n' >"$md"
    run pandoc "$md" --lua-filter docs/include.lua -t native
    assert_failure
    assert_output --partial '{.unnumbered}'

    # A part keeps the file's own line numbers, marks what it leaves out,
    # and a Python include works like a C one.
    pf "$(printf '%s{.c include="lessons/01-socket/socket.c" lines="20-30" contains="#include"}\n%s' "$F" "$F")"
    assert_success
    assert_output --regexp '"startFrom" *, *"20"'
    assert_output --partial 'Str "1\8211\&19"'
    assert_output --partial 'Str "shown"'
    pf "$(printf '%s{.python include="docs/python/05_connect.py"}\n%s' "$F" "$F")"
    assert_success
    assert_output --partial '"python"'
    assert_output --partial 'Str "whole"'
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

@test "handout: every internal link of the HTML resolves, and it loads nothing from outside" {
    local html="$ROOT/build/handout.html" ids hrefs missing n
    ids=$(grep -o ' id="[^"]*"' "$html" | sed -E 's/^ id="(.*)"$/\1/' | LC_ALL=C sort -u)
    hrefs=$(grep -o 'href="#[^"]*"' "$html" | sed -E 's/^href="#(.*)"$/\1/' | LC_ALL=C sort -u)
    n=$(grep -c . <<<"$hrefs")
    echo "$n distinct internal links"
    ((n > 20))
    # The targets no id names (both lists sorted the same way for comm).
    missing=$(LC_ALL=C comm -23 <(echo "$hrefs") <(echo "$ids"))
    if [[ -n "$missing" ]]; then
        local m
        while IFS= read -r m; do
            echo "href=\"#$m\": no such id" >&2
        done <<<"$missing"
        return 1
    fi
    # Nothing fetched from elsewhere: no external src, stylesheet or import.
    run grep -n -i -E 'src="(https?:)?//|src="https?:|<link[^>]*rel="?stylesheet|@import|url\((["'"'"']?)(https?:)?//' "$html"
    assert_failure 1
    run grep -c -i -E '<link[^>]*href=' "$html"
    assert_output 0
    # The diagrams are inside: inline SVG or data: URIs.
    run grep -c -E 'src="data:image/svg\+xml|<svg' "$html"
    ((output >= 2))
    # Readable on a phone: the viewport meta and scrolling code blocks.
    grep -q 'name="viewport" content="width=device-width' "$html"
    grep -q 'overflow-x: auto' "$html"
}

# The measuring script for the phone test: at the page's viewport, no
# element of prose (anything outside a listing or a code block) may reach
# past either edge, no transcript may scroll sideways inside its box, and
# no listing's box may be wider than the viewport (its code may scroll
# inside it). The result goes into the page and, when it is in a frame,
# to the page around it.
PHONE_JS='
window.addEventListener("load", function () {
  var vw = document.documentElement.clientWidth, bad = [], n = 0;
  function name(el) {
    var s = el.tagName.toLowerCase(), sec = el.closest("section[id]");
    if (el.className && typeof el.className === "string")
      s += "." + el.className.trim().split(/\s+/).join(".");
    return s + (sec ? " in #" + sec.id : "") + " (" +
      (el.textContent || "").replace(/\s+/g, " ").slice(0, 40) + ")";
  }
  var els = document.querySelectorAll("body *");
  for (var i = 0; i < els.length; i++) {
    var el = els[i];
    if (el.closest("div.sourceCode") || el.closest("script") || el.closest("svg") ||
        (el.parentElement && el.parentElement.closest("pre"))) continue;
    var r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    n++;
    if (r.right > vw + 0.5 || r.left < -0.5)
      bad.push(name(el) + " spans " + Math.round(r.left) + ".." + Math.round(r.right));
  }
  var pres = document.querySelectorAll("div.terminal pre");
  for (var j = 0; j < pres.length; j++)
    if (pres[j].scrollWidth > pres[j].clientWidth + 1)
      bad.push(name(pres[j]) + " scrolls: " + pres[j].scrollWidth + " > " + pres[j].clientWidth);
  var boxes = document.querySelectorAll("div.sourceCode, pre");
  for (var k = 0; k < boxes.length; k++)
    if (boxes[k].getBoundingClientRect().right > vw + 0.5)
      bad.push(name(boxes[k]) + " box reaches " + Math.round(boxes[k].getBoundingClientRect().right));
  var out = "viewport " + vw + " elements " + n + " transcripts " + pres.length +
    " boxes " + boxes.length + "\n" + bad.join("\n");
  if (window.parent !== window) window.parent.postMessage(out, "*");
});'

# phone_measure HTML EXTRA_CSS: the measurement of HTML in a frame 390 px
# wide and 844 high (a phone; Chromium will not make a window that narrow,
# but a frame is a viewport of its own). EXTRA_CSS is added to the page.
# Scroll bars take no room, as on a phone.
phone_measure() {
    local dir="$BATS_TEST_TMPDIR/phone" html=$1 css=$2
    mkdir -p "$dir"
    "$PYTHON" - "$html" "$dir/page.html" "$css" "$PHONE_JS" <<'EOF'
import sys
h = open(sys.argv[1]).read()
i = h.rindex("</body>")
open(sys.argv[2], "w").write(h[:i] + "<style>html { scrollbar-width: none }" +
    sys.argv[3] + "</style><script>" + sys.argv[4] + "</script>" + h[i:])
EOF
    cat >"$dir/frame.html" <<'EOF'
<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>body { margin: 0 }
iframe { border: 0; width: 390px; height: 844px; display: block }</style></head>
<body><iframe src="page.html"></iframe><pre id="result">no result</pre>
<script>window.addEventListener("message", function (e) {
  document.getElementById("result").textContent = e.data; });</script>
</body></html>
EOF
    timeout 120 chromium --headless=new --no-sandbox --disable-gpu \
        --window-size=500,900 --virtual-time-budget=20000 \
        --dump-dom "file://$dir/frame.html" 2>/dev/null |
        "$PYTHON" -c '
import html, re, sys
m = re.search(r"<pre id=\"result\">(.*?)</pre>", sys.stdin.read(), re.S)
print(html.unescape(m.group(1)) if m else "no result")'
}

@test "handout: on a phone (390 px) no prose or transcript is wider than the screen" {
    command -v chromium >/dev/null || skip "no chromium (./install-deps installs it)"
    run phone_measure "$ROOT/build/handout.html" ""
    echo "$output" | head -n 30
    assert_line --regexp '^viewport 390 elements [0-9]+ transcripts [1-9][0-9]* boxes [1-9][0-9]*$'
    [ "${#lines[@]}" -eq 1 ]
    # The measurement can fail: transcripts that do not wrap, and a diagram
    # with a minimum width, are caught.
    run phone_measure "$ROOT/build/handout.html" \
        "div.terminal pre, div.terminal pre code { white-space: pre !important }
         figure img { min-width: 34em }"
    assert_line --regexp 'pre\.output in #l01-run .* scrolls: '
    assert_line --regexp '^img.* in #sequence-tcp .* spans '
}

@test "handout: on screen, the contents list sections, every section has a way back, diagrams scale" {
    local html="$ROOT/build/handout.html"
    # The contents: chapters and their sections (6.1 under lesson 06).
    "$PYTHON" - "$html" <<'EOF'
import re, sys
h = open(sys.argv[1]).read()
toc = re.search(r'<nav id="TOC".*?</nav>', h, re.S).group(0)
assert 'href="#lesson-06"' in toc and 'href="#l06-call"' in toc, "no sections"
# Every chapter and section (h1, h2) is followed by a link back to it.
# (the title block and the contents' own heading aside)
heads = re.findall(r"<h[12] (?!class=\"title\"|id=\"toc-title\").*?</h[12]>\s*(<div class=\"back\">)?", h, re.S)
missing = [x for x in heads if not x]
print(len(heads), "headings,", len(missing), "without a way back")
assert heads and not missing
EOF
    grep -q 'href="#TOC"' "$html"
    # Diagrams are no wider than the page, and their fonts fall back to
    # generic families.
    grep -q 'figure img, img { max-width: 100%; height: auto; }' "$html"
    local svg
    for svg in "$ROOT"/build/handout/*.svg; do
        run grep -o 'font-family="[^"]*"' "$svg"
        assert_success
        refute_output --regexp 'font-family="[^",]*"$'
        refute_output --partial 'DejaVu Sans Bold'
        assert_output --partial 'sans-serif"'
        assert_output --partial 'monospace"'
    done
}

@test "handout: no page is more than half empty, except at the end of a chapter" {
    # A chapter's first page has no running header; the page before it may
    # end where its chapter ends.
    run "$PYTHON" - "$ROOT/build/handout.pdf" <<'EOF'
import html, re, subprocess, sys
out = subprocess.run(["pdftotext", "-bbox", sys.argv[1], "-"],
                     capture_output=True, text=True).stdout
pages = re.findall(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', out, re.S)
info = []
for height, body in pages:
    height = float(height)
    words = [tuple(float(v) for v in w) for w in
             re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">', body)]
    top, bottom = 25 / 25.4 * 72, height - 25 / 25.4 * 72   # the margins
    header = any(w[3] < top for w in words)
    text = [w[3] for w in words if w[1] >= top and w[3] <= bottom + 2]
    info.append((header, (max(text, default=top) - top) / (bottom - top)))
bad = [(i + 1, round(fill, 2)) for i, (header, fill) in enumerate(info[:-1])
       if header and info[i + 1][0] and fill < 0.5]
print(len(info), "pages; half empty, not at a chapter's end:", bad)
sys.exit(1 if bad else 0)
EOF
    echo "$output"
    assert_success
}

