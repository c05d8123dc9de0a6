#!/usr/bin/env bats
# The handout (make handout): build/handout.pdf and build/handout.html,
# generated from the lessons by docs/include.lua and docs/runs.sh.
#
# setup_file builds it once in the tree, and once more in a copy of the
# tree without build/ (a build from a clean tree); the tests read what was
# built. The tests that rebuild (a changed lesson line, US letter) do so in
# that copy, so the real build/ is never touched by them.

# A whole handout build (lessons, runs, three pdflatex passes) in one test.
: "${BATS_TEST_TIMEOUT:=300}"
export BATS_TEST_TIMEOUT

load test_helper

# The longest one build may take, in seconds.
BUILD_LIMIT=600

setup_file() {
    local log="$BATS_FILE_TMPDIR/make.log"
    if ! timeout "$BUILD_LIMIT" make -C "$ROOT" handout >"$log" 2>&1; then
        echo "make handout failed:" >&2
        tail -n 40 "$log" >&2
        return 1
    fi
    pdftotext "$ROOT/build/handout.pdf" "$BATS_FILE_TMPDIR/handout.txt"

    # The sanitizer run (SOCKSTEP_BIN set) checks the lessons, not this.
    if [[ -z "${SOCKSTEP_BIN:-}" ]]; then
        copy_tree "$BATS_FILE_TMPDIR/tree"
        if ! timeout "$BUILD_LIMIT" make -C "$BATS_FILE_TMPDIR/tree" handout \
            >"$log" 2>&1; then
            echo "make handout in a copy of the tree without build/ failed:" >&2
            tail -n 40 "$log" >&2
            return 1
        fi
    fi
}

# copy_tree DIR: the working tree without build/ and .git, to build in.
copy_tree() {
    mkdir -p "$1"
    tar -C "$ROOT" --exclude=./build --exclude=./.git -cf - . | tar -C "$1" -xf -
}

# squash FILE: the text with all white space (and fvextra's wrap arrow)
# removed, so that a line wrapped in the PDF still matches.
squash() {
    sed 's/↪//g' "$1" | tr -d '[:space:]'
}

# contains HAYSTACK_FILE NEEDLE: the squashed file contains the squashed
# needle.
contains() {
    local hay needle
    hay=$(squash "$1")
    needle=$(printf '%s' "$2" | tr -d '[:space:]')
    [[ "$hay" == *"$needle"* ]]
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

# The socket calls a lesson makes: every ss_next("NAME( in its sources.
lesson_calls() {
    grep -ho 'ss_next("[a-z_]*(' "$ROOT/lessons/$1"/*.c |
        sed -E 's/^ss_next\("//' | sort -u
}

# The text of the PDF pages that belong to a lesson's chapter: the pages
# that show its title (as the heading, or in the running header), without
# the table of contents (the pages that show three or more lessons' titles).
chapter_text() {
    local title=$1 out=$2 all=() l
    while IFS= read -r l; do
        all+=("$(lesson_title "$l" | tr -d '[:space:]')")
    done < <(lesson_dirs)
    python3 - "$BATS_FILE_TMPDIR/handout.txt" "$title" "${all[@]}" >"$out" <<'EOF'
import re, sys
text, title, titles = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3:]
sq = lambda s: re.sub(r"\s+", "", s.replace("\u21aa", ""))
for page in text.split("\f"):
    p = sq(page)
    if sq(title) in p and sum(t in p for t in titles) < 3:
        print(page)
EOF
}

@test "handout: builds both files, and they are not trivial" {
    [ -s "$ROOT/build/handout.pdf" ]
    [ -s "$ROOT/build/handout.html" ]
    local pages
    pages=$(pdfinfo "$ROOT/build/handout.pdf" | sed -n 's/^Pages: *//p')
    echo "pages: $pages"
    ((pages >= 30))
    (($(stat -c %s "$ROOT/build/handout.html") > 100000))
    # A4 by default.
    run pdfinfo "$ROOT/build/handout.pdf"
    assert_output --regexp 'Page size: +595\.[0-9]+ x 841\.[0-9]+ pts \(A4\)'
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

@test "handout: each lesson's chapter shows every socket call the lesson makes" {
    local l title call calls chapter
    while IFS= read -r l; do
        title=$(lesson_title "$l")
        chapter="$BATS_TEST_TMPDIR/$l.txt"
        chapter_text "$title" "$chapter"
        [ -s "$chapter" ] || { echo "no pages for: $title" >&2; return 1; }
        calls=$(lesson_calls "$l")
        [ -n "$calls" ] || { echo "lessons/$l makes no ss_next() call?" >&2; return 1; }
        for call in $calls; do
            contains "$chapter" "$call" ||
                { echo "$title: '$call' is not in its chapter" >&2; return 1; }
        done
    done < <(lesson_dirs)
}

@test "handout: a narrated line from a real run of each lesson is in the PDF" {
    local l f line n
    while IFS= read -r l; do
        n=0
        for f in "$ROOT/build/runs/${l%%-*}"-*.txt; do
            [ -f "$f" ] || continue
            n=$((n + 1))
            # Prefer a line with a kernel-chosen port: only this run has it.
            line=$(grep -m 1 -E '^[a-z_]+\(.*127\.0\.0\.1:[1-9][0-9]*.*\) = ' "$f" ||
                grep -m 1 -E '^[a-z_]+\(.*\) = ' "$f" || true)
            [ -n "$line" ] || { echo "$f: no narrated call line" >&2; return 1; }
            contains "$BATS_FILE_TMPDIR/handout.txt" "$line" ||
                { echo "not in the PDF: $line (from $f)" >&2; return 1; }
        done
        ((n > 0)) || { echo "no transcript build/runs/${l%%-*}-*.txt for $l" >&2; return 1; }
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
    run python3 -c '
import re, sys
pages = open(sys.argv[1]).read().split("\f")
card = [i + 1 for i, p in enumerate(pages)
        if re.search(r"^\d+\.? Reference card$", p, re.M)
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

# copy_docs DIR: docs/ and lessons/ copied to DIR, to be spoiled there.
copy_docs() {
    mkdir -p "$1"
    cp -r "$ROOT/docs" "$ROOT/lessons" "$1/"
}

@test "handout: check-code-blocks.sh fails on a pasted C block, whatever the fence" {
    local i=0 fence
    for fence in '```c' '~~~c' '```{.c}' '``` C' '```{.c .numberLines}' '```cpp' '```'; do
        i=$((i + 1))
        copy_docs "$BATS_TEST_TMPDIR/$i"
        printf '\n%s\n#include <stdio.h>\nint main(void) { return puts("hi"); }\n%s\n' \
            "$fence" "${fence:0:3}" >>"$BATS_TEST_TMPDIR/$i/docs/pitfalls.md"
        run "$ROOT/docs/check-code-blocks.sh" "$BATS_TEST_TMPDIR/$i/docs"
        echo "fence $fence: $output"
        assert_failure 1
        assert_output --partial "pitfalls.md"
    done
}

@test "handout: check-code-blocks.sh fails on a region that no longer exists" {
    local dir="$BATS_TEST_TMPDIR/a" md file region
    # A doc that names a region the lesson does not have.
    copy_docs "$dir"
    md=$(grep -l 'region="' "$dir"/docs/lessons/*.md | head -n 1)
    sed -i -E '0,/region="[^"]+"/s//region="no-such-region"/' "$md"
    run "$ROOT/docs/check-code-blocks.sh" "$dir/docs"
    assert_failure 1
    assert_output --partial 'region="no-such-region"'

    # A lesson that lost the markers of a region the docs include.
    dir="$BATS_TEST_TMPDIR/b"
    copy_docs "$dir"
    read -r file region < <(grep -ho 'include="[^"]*" region="[^"]*"' \
        "$dir"/docs/lessons/*.md | head -n 1 |
        sed -E 's/include="([^"]*)" region="([^"]*)"/\1 \2/')
    grep -q "region: $region \*/" "$dir/$file"
    sed -i "/\/\* region: $region \*\//d; /\/\* endregion: $region \*\//d" "$dir/$file"
    run "$ROOT/docs/check-code-blocks.sh" "$dir/docs"
    assert_failure 1
    assert_output --partial "region=\"$region\""

    # An include of a file that is not there.
    dir="$BATS_TEST_TMPDIR/c"
    copy_docs "$dir"
    rm "$dir/$file"
    run "$ROOT/docs/check-code-blocks.sh" "$dir/docs"
    assert_failure 1
    assert_output --partial "no such file"
}

@test "handout: the filter stops the build on a missing file, region or transcript" {
    local md="$BATS_TEST_TMPDIR/t.md" src F
    F=$(printf '\140\140\140') # a code fence
    src=$(grep -ho 'include="lessons/[^"]*"' "$ROOT"/docs/lessons/*.md | head -n 1 |
        sed -E 's/include="([^"]*)"/\1/')
    cd "$ROOT"
    printf '%s{.c include="lessons/nope/nope.c"}\n%s\n' "$F" "$F" >"$md"
    run pandoc "$md" --lua-filter docs/include.lua -t native
    assert_failure
    assert_output --partial 'lessons/nope/nope.c'
    printf '%s{.c include="%s" region="not-there"}\n%s\n' "$F" "$src" "$F" >"$md"
    run pandoc "$md" --lua-filter docs/include.lua -t native
    assert_failure
    assert_output --partial 'region: not-there */'
    printf '%s{.output run="99-nothing"}\n%s\n' "$F" "$F" >"$md"
    run pandoc "$md" --lua-filter docs/include.lua -t native
    assert_failure
    assert_output --partial 'build/runs/99-nothing.txt'
    printf '%sc\nint x;\n%s\n' "$F" "$F" >"$md"
    run pandoc "$md" --lua-filter docs/include.lua -t native
    assert_failure
    assert_output --partial 'C code block without include='
    # And a region comes out with its real first line number.
    printf '%s{.c include="lessons/04-accept/accept.c" region="accept"}\n%s\n' \
        "$F" "$F" >"$md"
    run pandoc "$md" --lua-filter docs/include.lua -t native
    assert_success
    local first
    first=$(grep -n '/\* region: accept \*/' lessons/04-accept/accept.c | cut -d: -f1)
    assert_output --regexp "\"startFrom\" *, *\"$((first + 1))\""
    refute_output --partial 'region: accept'
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
    local html="$ROOT/build/handout.html" ids href n=0
    ids=$(grep -o ' id="[^"]*"' "$html" | sed -E 's/^ id="(.*)"$/\1/' | sort -u)
    while IFS= read -r href; do
        n=$((n + 1))
        grep -qxF -- "$href" <<<"$ids" || { echo "href=\"#$href\": no such id" >&2; return 1; }
    done < <(grep -o 'href="#[^"]*"' "$html" | sed -E 's/^href="#(.*)"$/\1/' | sort -u)
    echo "$n distinct internal links"
    ((n > 20))
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

@test "handout: a copy of the tree without build/ builds the same handout" {
    if [[ -n "${SOCKSTEP_BIN:-}" ]]; then
        skip "the handout is built from build/, not from SOCKSTEP_BIN"
    fi
    local dir="$BATS_FILE_TMPDIR/tree"
    [ -s "$dir/build/handout.pdf" ]
    [ -s "$dir/build/handout.html" ]
    [ "$(pdfinfo "$dir/build/handout.pdf" | grep Pages)" = \
        "$(pdfinfo "$ROOT/build/handout.pdf" | grep Pages)" ]
}

@test "handout: changing a line of a lesson changes the handout on the next build" {
    if [[ -n "${SOCKSTEP_BIN:-}" ]]; then
        skip "the handout is built from build/, not from SOCKSTEP_BIN"
    fi
    local dir="$BATS_FILE_TMPDIR/tree" file region mark
    read -r file region < <(grep -ho 'include="[^"]*" region="[^"]*"' \
        "$dir"/docs/lessons/*.md | head -n 1 |
        sed -E 's/include="([^"]*)" region="([^"]*)"/\1 \2/')
    grep -q "/\* endregion: $region \*/" "$dir/$file"
    mark="handout check $$ $RANDOM"
    sed -i "s|^\([[:space:]]*\)/\* endregion: $region \*/|\1/* $mark */\n&|" "$dir/$file"
    grep -q -F "/* $mark */" "$dir/$file"
    run timeout "$BUILD_LIMIT" make -C "$dir" handout
    assert_success
    pdftotext "$dir/build/handout.pdf" "$BATS_TEST_TMPDIR/new.txt"
    contains "$BATS_TEST_TMPDIR/new.txt" "/* $mark */"
    grep -q -F "$mark" "$dir/build/handout.html"
    # Only there: the real handout does not have it.
    run grep -c -F "$mark" "$ROOT/build/handout.html"
    assert_output 0
}

@test "handout: PAPER=letter makes a US-letter PDF; another PAPER is refused" {
    if [[ -n "${SOCKSTEP_BIN:-}" ]]; then
        skip "the handout is built from build/, not from SOCKSTEP_BIN"
    fi
    local dir="$BATS_FILE_TMPDIR/tree"
    run timeout "$BUILD_LIMIT" make -C "$dir" handout PAPER=letter
    assert_success
    run pdfinfo "$dir/build/handout.pdf"
    assert_output --regexp 'Page size: +612 x 792 pts \(letter\)'
    run timeout "$BUILD_LIMIT" make -C "$dir" handout PAPER=tabloid
    assert_failure
    assert_output --partial "PAPER must be a4 or letter"
}
