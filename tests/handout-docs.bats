#!/usr/bin/env bats
# The handout's sources, checked without building it: the Markdown's code
# blocks (docs/check-code-blocks.sh) and the Lua filter that includes
# lessons and transcripts, on small documents of their own. Only the
# transcripts (build/runs) are needed, not the PDF, so this file does not
# wait for handout.bats' build of the book.

load handout_helper

setup_file() {
    build_real_runs "$BATS_FILE_TMPDIR/make.log" || return 1
}

@test "handout: getting started gives a network address to clone, never a path here" {
    # The ::: clone block with each kind of origin (make handout passes
    # REPO_URL, else git remote get-url origin, as repo-url).
    local md="$BATS_TEST_TMPDIR/t.md" url joined
    printf '# Getting started {.unnumbered}\n\n::: clone\n:::\n\n# P {#plain .unnumbered}\n' >"$md"
    for url in https://example.org/sockstep.git git@example.org:sockstep.git; do
        run pandoc "$md" --lua-filter "$ROOT/docs/include.lua" -M repo-url="$url" -t plain
        assert_success
        assert_output --partial "git clone $url sockstep"
    done
    for url in "" /work/sockstep ./sockstep file:///srv/sockstep.git; do
        run pandoc "$md" --lua-filter "$ROOT/docs/include.lua" -M repo-url="$url" -t plain
        assert_success
        assert_output --partial "git clone ADDRESS sockstep"
        # and a student alone, with no address, is not stuck there
        joined=$(tr '\n' ' ' <<<"$output" | tr -s ' ')
        [[ "$joined" == *"main line needs no repository. Every plain program, in both parts, is printed whole"* ]]
        [[ -z "$url" ]] || refute_output --partial "$url"
    done
}

@test "handout: a box that holds a listing gives its line numbers room inside its frame" {
    # A listing's numbers stand left of its code: in a box of the usual
    # padding, 5pt, they sat on its frame (docs/plain.md's old preview of
    # getaddrinfo()). Such a box opens with more room on its left
    # (docs/filters/divs.lua, preamble.tex); a box of text alone does not.
    # No box of the book holds a listing now, so a document of its own.
    local md="$BATS_TEST_TMPDIR/t.md"
    printf '%s\n' '::: {.box title="With a listing"}' 'Text.' '' \
        '```{.c include="lessons/plain/socket.c" lines="1-3" sha1="95c131eb"}' \
        '```' ':::' '' '::: {.box title="Text alone"}' 'Text.' ':::' >"$md"
    cd "$ROOT"
    run pandoc "$md" --lua-filter "$ROOT/docs/include.lua" -M book=student -t latex
    assert_success
    assert_line '\begin{notebox}[left=18pt]{With a listing}'
    assert_line '\begin{notebox}{Text alone}'
}

@test "handout: a shell command wrapped on paper runs as it stands when copied" {
    # docs/filters/transcripts.lua: a "$ " line longer than a row breaks
    # at a space outside quotes, each row but its last ending with " \",
    # the rest four columns in (r141 found the manual's long commands
    # wrapped bare, so a pasted one ran cut in two).
    local dir="$BATS_TEST_TMPDIR/b" md="$BATS_TEST_TMPDIR/t.md"
    mkdir -p "$dir/runs"
    ln -s "$ROOT/build/paper-wrap" "$dir/paper-wrap"
    printf '%s\n' "\$ scripts/check --batch submissions/ --spec calc.spec --only exchange --csv 'the results of week 3.csv'" \
        'scripts/check: 1 submission' >"$dir/runs/t.txt"
    printf '%s\n' '# A {#a .appendix}' '' '```{.output run="t" title="t"}' '```' >"$md"
    cd "$ROOT"
    run pandoc "$md" --lua-filter "$ROOT/docs/include.lua" -M runs-dir="$dir/runs" -t latex
    assert_success
    assert_line --regexp '^\$ scripts/check --batch .* \\textbackslash\{\}(\\SSkeep\{\})?$'
    assert_line --regexp "^    .*'the results of week 3.csv'(\\\\SSkeep\\{\\})?$"
    refute_line --regexp "'the results[^']*$"
}

@test "handout: the lecturer's manual says where its source is, or what to do without it" {
    # The manual's ::: source block: the address to clone when the build
    # knows a network one (its user name and password left out), else
    # how to make the build name one; never a path on this machine.
    local md="$BATS_TEST_TMPDIR/t.md" url
    printf '# M {.unnumbered}\n\n::: source\n:::\n\n## G {#lecturers-batch}\n' >"$md"
    run pandoc "$md" --lua-filter "$ROOT/docs/include.lua" \
        -M repo-url="https://ann:secret@example.org/sockstep.git" -t plain
    assert_success
    assert_output --partial "git clone https://example.org/sockstep.git sockstep"
    refute_output --partial "secret"
    assert_output --partial "git pull"
    for url in "" /work/sockstep; do
        run pandoc "$md" --lua-filter "$ROOT/docs/include.lua" -M repo-url="$url" -t plain
        assert_success
        assert_output --partial "make handout REPO_URL=ADDRESS"
        refute_output --partial "git clone"
        [[ -z "$url" ]] || refute_output --partial "$url"
    done
}

@test "handout: a students' copy (git archive) holds no answers and no model" {
    # .gitattributes marks them export-ignore: docs/manual-assignments.md
    # tells a lecturer to give students this archive.
    git -C "$ROOT" rev-parse HEAD >/dev/null 2>&1 || skip "not a git repository"
    run git -C "$ROOT" archive --format=tar HEAD
    assert_success
    git -C "$ROOT" archive --format=tar HEAD | tar -t >"$BATS_TEST_TMPDIR/list"
    grep -q '^docs/hints\.md$' "$BATS_TEST_TMPDIR/list" || fail "no docs/hints.md: not the book"
    run grep -E '^(tests/solutions/.|docs/(lecturers|building|manual-[a-z-]*)\.md$|tests/manual-answers\.bats$|tests/peers/manual-answers\.py$)' \
        "$BATS_TEST_TMPDIR/list"
    assert_failure
    assert_output ""
}

@test "handout: check-code-blocks.sh passes on the real docs" {
    run "$ROOT/docs/check-code-blocks.sh"
    assert_success
}

# one_lesson_tree DIR: a tree with one lesson, DIR/lessons/99-x/x.c (its
# text from standard input), the list of the calls the header narrates
# (lessons/common/ss_macros.h) and docs/ as it is, for the filters to mark
# that lesson's listing as they mark the real ones.
one_lesson_tree() {
    mkdir -p "$1/lessons/common" "$1/lessons/99-x"
    cp "$ROOT/lessons/common/ss_macros.h" "$1/lessons/common/"
    ln -s "$ROOT/docs" "$1/docs"
    cat >"$1/lessons/99-x/x.c"
}

# listing_breaks TREE: TREE/lessons/plain/d.c printed whole in a lesson,
# on paper; in the array lines, each of its lines as "keep " (no page
# break before it) or "may  ", then the line's LaTeX. Fails when pandoc
# does.
listing_breaks() {
    local F latex md="$1/t.md"
    F=$(printf '\140\140\140') # a code fence
    printf '# Lesson 01: x {#lesson-01}\n\n%s{.c .whole include="lessons/plain/d.c"}\n%s\n' \
        "$F" "$F" >"$md"
    latex=$(cd "$1" && pandoc "$md" --lua-filter "$ROOT/docs/include.lua" -t latex) ||
        return 1
    mapfile -t lines < <(awk '/begin\{Highlighting\}/ { on = 1; next }
        /end\{Highlighting\}/ { on = 0 }
        on { print (/SSkeep\{\}$/ ? "keep " : "may  ") $0 }' <<<"$latex")
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
    grep -q 'lines="[0-9]*-[0-9]*" sha1="[0-9a-f]*" contains=' "$md"
    sed -i -E '0,/lines="[0-9]+-[0-9]+"/s//lines="1-5"/' "$md"
    run "$ROOT/docs/check-code-blocks.sh" "$dir/docs"
    assert_failure 1
    assert_output --partial 'is not in the included lines any more'
    # A part one line further down than its pin: the check says where
    # its lines are, as the build does (contains= alone may not see it).
    dir="$BATS_TEST_TMPDIR/a2"
    spoil "$dir" pitfalls.md
    md="$dir/docs/pitfalls.md"
    local a b
    read -r a b < <(grep -o -m1 'lines="[0-9]*-[0-9]*" sha1=' "$md" |
        sed -E 's/lines="([0-9]+)-([0-9]+)".*/\1 \2/')
    sed -i -E "0,/lines=\"$a-$b\"/s//lines=\"$((a + 1))-$((b + 1))\"/" "$md"
    run "$ROOT/docs/check-code-blocks.sh" "$dir/docs"
    assert_failure 1
    assert_output --partial "lines=\"$((a + 1))-$((b + 1))\": those lines are now lines $a-$b of the file"
    assert_output --partial "fix what is named above"

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

@test "handout: a part that comes before the part above it in its file says so" {
    # Lines 17-27 of lesson 01, then lines 5-9: the second caption sends
    # the reader back up the file; the first, and a third part further
    # down than the second, do not.
    local md="$BATS_TEST_TMPDIR/t.md" F f=lessons/01-socket/socket.c
    F=$(printf '\140\140\140') # a code fence
    cd "$ROOT"
    part() { # part A B: a listing of lines A-B of f, pinned
        printf '%s{.c include="%s" lines="%s-%s" sha1="%s"}\n%s\n\n' "$F" "$f" "$1" "$2" \
            "$(sed -n "$1,$2p" "$f" | head -c -1 | sha1sum | cut -c1-8)" "$F"
    }
    { printf '# Lesson 01: x {#lesson-01}\n\n'; part 17 27; part 5 9; part 10 12; } >"$md"
    run pandoc "$md" --lua-filter docs/include.lua -M runs-dir="$ROOT/build/runs" \
        -t html5 --wrap=none
    assert_success
    run grep -A1 '<div class="listing-caption">' <<<"$output"
    run grep -oE 'lines [0-9]+.[0-9]+ of .*' <<<"$output"
    assert_equal "${#lines[@]}" 3
    # (lines 17-27 hold the lesson's table of options, grey, and the
    # caption says what that grey is; the other two parts have none)
    assert_line --index 0 --regexp 'lines 17.27 of [0-9]+ \(grey: narration and options\)$'
    assert_line --index 1 --regexp 'lines 5.9 of [0-9]+, earlier in the file than the part above$'
    assert_line --index 2 --regexp 'lines 10.12 of [0-9]+$'
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
    # A part named by its numbers is pinned to its text by sha1=: without
    # it, the build says what to write; with the pin of lines one further
    # down (a line was added above them), it says where they went; with
    # a pin no stretch of the file has, that they changed.
    local pin
    pin=$(sed -n 17,27p lessons/01-socket/socket.c | head -c -1 | sha1sum | cut -c1-8)
    pf "$(printf '%s{.c include="lessons/01-socket/socket.c" lines="17-27"}\n%s' "$F" "$F")"
    assert_failure
    assert_output --partial "lines=\"17-27\": pin the part to its text with sha1=\"$pin\""
    pf "$(printf '%s{.c include="lessons/01-socket/socket.c" lines="16-26" sha1="%s"}\n%s' "$F" "$pin" "$F")"
    assert_failure
    assert_output --partial 'lines="16-26": those lines are now lines 17-27 of the file: write lines="17-27"'
    pf "$(printf '%s{.c include="lessons/01-socket/socket.c" lines="17-27" sha1="00000000"}\n%s' "$F" "$F")"
    assert_failure
    assert_output --partial "the lines changed (their sha1 is now $pin, not 00000000)"
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
    # Two transcripts with one title stop it too: a title says what its run shows.
    pf "$(printf '%s{.output run="01-socket" title="a run"}\n%s\n\n%s{.output run="02-bind" title="a run"}\n%s' \
        "$F" "$F" "$F" "$F")"
    assert_failure
    assert_output --partial 'transcript 1.2 has the title of transcript 1.1 ("a run")'
    pf "$(printf '%s{.output run="01-socket" title="a run"}\n%s\n\n%s{.output run="02-bind" title="another run"}\n%s' \
        "$F" "$F" "$F" "$F")"
    assert_success
    # A chapter that is neither front matter, a lesson nor an appendix.
    printf '# Somewhere\n' >"$md"
    run pandoc "$md" --lua-filter docs/include.lua -t native
    assert_failure
    assert_output --partial '{.unnumbered}'

    # A part keeps the file's own line numbers, marks what it leaves out,
    # and a Python include works like a C one.
    pin=$(sed -n 16,26p lessons/01-socket/socket.c | head -c -1 | sha1sum | cut -c1-8)
    pf "$(printf '%s{.c include="lessons/01-socket/socket.c" lines="16-26" sha1="%s" contains="#include"}\n%s' "$F" "$pin" "$F")"
    assert_success
    assert_output --regexp '"startFrom" *, *"16"'
    assert_output --partial 'Str "1\8211\&15"'
    assert_output --partial 'Str "shown"'
    pf "$(printf '%s{.python include="docs/python/05_connect.py"}\n%s' "$F" "$F")"
    assert_success
    assert_output --partial '"python"'
    assert_output --partial 'Str "whole"'
    # An empty link that opens a paragraph begins a sentence: a capital;
    # later in the sentence, none.
    pf "$(printf '## A {#a}\n\n[](#a) says it, and so does [](#a).')"
    assert_success
    assert_output --partial 'Str "Section 1.1"'
    assert_output --partial 'Str "section 1.1"'
}

@test "handout: a listing marks the lines that make a call the lessons teach, on paper and on screen" {
    # A lesson of its own, in a tree of its own: the calls are the ones
    # lessons/common/ss_macros.h names; a call's name in a comment or a
    # string, a helper (say) and ss_close() are not calls to mark.
    local t="$BATS_TEST_TMPDIR/tree" md F pin
    F=$(printf '\140\140\140') # a code fence
    one_lesson_tree "$t" <<'EOF'
int main(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    say("now bind() it"); /* then close( */
    /* a comment
       that names connect(fd) */ ss_close(fd);
    if (bind(fd, 0, 0) == -1 || listen(fd, 5) == -1)
        return close(fd);
}
EOF
    md="$t/t.md"
    pin=$(sed -n 3,8p "$t/lessons/99-x/x.c" | head -c -1 | sha1sum | cut -c1-8)
    printf '# Lesson 01: x {#lesson-01}\n\n%s{.c include="lessons/99-x/x.c" lines="3-8" sha1="%s"}\n%s\n' \
        "$F" "$pin" "$F" >"$md"
    cd "$t"
    # Paper: lines 3, 7 and 8 start with the mark, their calls in bold.
    run pandoc "$md" --lua-filter "$ROOT/docs/include.lua" -t latex
    assert_success
    local tex=$output
    run grep -c '^\\SScall{}' <<<"$tex"
    assert_output 3
    run grep '^\\SScall{}' <<<"$tex"
    assert_line --index 0 --regexp 'SScallname\{socket\}'
    assert_line --index 1 --regexp 'SScallname\{bind\}.*SScallname\{listen\}'
    assert_line --index 2 --regexp 'SScallname\{close\}'
    refute_output --partial 'say'
    refute_output --partial 'connect'
    # Screen: the same three lines, by class only (no character is added
    # to the code a reader copies).
    run pandoc "$md" --lua-filter "$ROOT/docs/include.lua" -t html5
    assert_success
    local html=$output
    run grep -oE 'id="[^"]*" class="(i[0-9]+ )?call"' <<<"$html"
    assert_equal "${#lines[@]}" 3
    assert_line --index 0 --regexp '-3" class="(i[0-9]+ )?call"$'
    assert_line --index 1 --regexp '-7" class="(i[0-9]+ )?call"$'
    assert_line --index 2 --regexp '-8" class="(i[0-9]+ )?call"$'
    run grep -o '<span class="callname">[a-z]*</span>' <<<"$html"
    assert_equal "${#lines[@]}" 4
    assert_line --index 2 '<span class="callname">listen</span>'
    # Without the list of calls, the build stops and says why.
    rm "$t/lessons/common/ss_macros.h"
    run pandoc "$md" --lua-filter "$ROOT/docs/include.lua" -t latex
    assert_failure
    assert_output --partial 'ss_macros.h'
}

@test "handout: a whole plain program greys the lines printed before in another, and only those" {
    # Two plain programs in a tree of their own: b.c has a.c's first
    # seven lines (includes, a blank, main's head and "{"), then a line
    # of its own; the "}" after it, in both, is no run on its own. On
    # paper and on screen, those seven lines of b.c are grey, and its
    # socket() line keeps its call's mark;
    # a.c, printed first, has no grey line, and b.c's caption says what
    # grey means.
    local t="$BATS_TEST_TMPDIR/tree" md F
    F=$(printf '\140\140\140') # a code fence
    one_lesson_tree "$t" </dev/null
    mkdir -p "$t/lessons/plain"
    printf '%s\n' '#include <stdio.h>' '#include <stdlib.h>' \
        '#include <sys/socket.h>' '#include <unistd.h>' '' \
        'int main(void)' '{' '    return close(0);' '}' >"$t/lessons/plain/a.c"
    printf '%s\n' '/* b.c */' '#include <stdio.h>' '#include <stdlib.h>' \
        '#include <sys/socket.h>' '#include <unistd.h>' '' \
        'int main(void)' '{' '    return socket(AF_INET, SOCK_STREAM, 0);' \
        '}' >"$t/lessons/plain/b.c"
    md="$t/t.md"
    printf '# Lesson 01: x {#lesson-01}\n\n%s{.c .whole include="lessons/plain/a.c"}\n%s\n\n%s{.c .whole include="lessons/plain/b.c"}\n%s\n' \
        "$F" "$F" "$F" "$F" >"$md"
    cd "$t"
    run pandoc "$md" --lua-filter "$ROOT/docs/include.lua" -t latex
    assert_success
    local tex=$output
    # (a.c's listing, then b.c's: their lines in the Highlighting blocks)
    run awk '/begin\{Highlighting\}/ { n++ } n == 2 && /SSnarr/' <<<"$tex"
    assert_equal "${#lines[@]}" 7
    assert_line --index 0 --partial 'stdio.h'
    assert_line --index 5 --partial 'main'
    refute_output --partial 'SOCK_STREAM'
    refute_output --partial 'b.c'
    run awk '/begin\{Highlighting\}/ { n++ } n == 1 && /SSnarr/' <<<"$tex"
    assert_output ''
    run grep -c 'SScallname{socket}' <<<"$tex"
    assert_output 1
    run grep -c 'grey: as in an earlier program' <<<"$tex"
    assert_output 1
    run pandoc "$md" --lua-filter "$ROOT/docs/include.lua" -t html5
    assert_success
    run grep -oE 'id="code-2-[0-9]*" class="(i[0-9]+ )?narration"' <<<"$output"
    assert_equal "${#lines[@]}" 7
    assert_line --index 0 --regexp '^id="code-2-2" class="(i[0-9]+ )?narration"$'
    assert_line --index 6 --regexp '^id="code-2-8" class="(i[0-9]+ )?narration"$'
}

@test "handout: a whole plain program names, on paper, a part printed before, with its lines and page" {
    # a.c prints fail(), the check of the command line and the escaped
    # print whole. b.c, {.brief} (Part II), has fail(), the check and the
    # escaped print the same, and a function of its own: on paper it names
    # fail(), and the check and the escaped print in one line (they follow
    # each other in a.c too). c.c, {.brief}, has fail(), the same function
    # as b.c (two lines that say something: printed), the check, an empty
    # line and the escaped print: it names fail(), the check and the
    # escaped print, the last two apart (a.c has no empty line between
    # them). d.c, c.c without {.brief} (Part I), names nothing: a Part I
    # program is printed whole, fail() too, for a student to type from
    # its own pages. Each named part takes in the empty lines around it,
    # and names its lines in a.c, the first program that prints them,
    # without the empty lines around them, and the page of the first (a
    # label on every line a.c prints: the listing may break anywhere, and
    # an empty line before the part may end the page before its first
    # line). Its line is in the listing's box, its number blank.
    # On screen every program is whole.
    local t="$BATS_TEST_TMPDIR/tree" md F
    F=$(printf '\140\140\140') # a code fence
    one_lesson_tree "$t" </dev/null
    mkdir -p "$t/lessons/plain"
    local fail=('static void fail(const char *call)' '{' '    perror(call);' \
        '    exit(1);' '}')
    local check=('    if (argc != 2) {' '        fprintf(stderr, "usage: %s PORT\n", argv[0]);' \
        '        return 2;' '    }')
    local loop=('    for (i = 0; i < n; i++) /* escaped: never raw bytes */' \
        '        if (b[i] >= 32)' '            putchar(b[i]);' '        else' \
        '            printf("\\x%02x", b[i]);')
    local twice=('static int twice(int n)' '{' '    return 2 * n;' '}')
    printf '%s\n' '#include <stdio.h>' '#include <stdlib.h>' '' "${fail[@]}" '' \
        'int main(int argc, char *argv[])' '{' "${check[@]}" "${loop[@]}" \
        '    return 0;' '}' >"$t/lessons/plain/a.c"
    printf '%s\n' '#include <stdio.h>' '#include <stdlib.h>' '' "${fail[@]}" '' \
        "${twice[@]}" '' 'int main(int argc, char *argv[])' '{' "${check[@]}" \
        "${loop[@]}" '' '    return twice(0);' '}' >"$t/lessons/plain/b.c"
    printf '%s\n' '#include <stdio.h>' '#include <stdlib.h>' '' "${fail[@]}" '' \
        "${twice[@]}" '' 'int main(int argc, char *argv[])' '{' "${check[@]}" '' \
        "${loop[@]}" '    return twice(0);' '}' >"$t/lessons/plain/c.c"
    cp "$t/lessons/plain/c.c" "$t/lessons/plain/d.c"
    md="$t/t.md"
    printf '# Lesson 01: x {#lesson-01}\n\n%s{.c .whole include="lessons/plain/a.c"}\n%s\n\n%s{.c .whole .brief include="lessons/plain/b.c"}\n%s\n\n%s{.c .whole .brief include="lessons/plain/c.c"}\n%s\n\n%s{.c .whole include="lessons/plain/d.c"}\n%s\n' \
        "$F" "$F" "$F" "$F" "$F" "$F" "$F" "$F" >"$md"
    cd "$t"
    run pandoc "$md" --lua-filter "$ROOT/docs/include.lua" -t latex
    assert_success
    local tex=$output
    # (\SSreferral{LAST}{...}: LAST the number the next line follows;
    # its words name the code lines only, as many as the earlier
    # program's: "lines 4-8" for a.c's 4-8, though the blank lines 3 and
    # 9 go with them, r40 having counted 7 against 5)
    run grep -o 'SSreferral{.*not shown}' <<<"$tex"
    assert_equal "${#lines[@]}" 5
    assert_line --index 0 'SSreferral{9}{lines 4\textendash{}8 (fail(), as in a.c, lines 4\textendash{}8, page \pageref{SSplainplainfilealine4}) not shown}'
    assert_line --index 1 'SSreferral{26}{lines 17\textendash{}25 (the check of the command line and the escaped print, as in a.c, lines 12\textendash{}20, page \pageref{SSplainplainfilealine12}) not shown}'
    assert_line --index 2 'SSreferral{9}{lines 4\textendash{}8 (fail(), as in a.c, lines 4\textendash{}8, page \pageref{SSplainplainfilealine4}) not shown}'
    assert_line --index 3 'SSreferral{21}{lines 17\textendash{}20 (the check of the command line, as in a.c, lines 12\textendash{}15, page \pageref{SSplainplainfilealine12}) not shown}'
    assert_line --index 4 'SSreferral{26}{lines 22\textendash{}26 (the escaped print, as in a.c, lines 16\textendash{}20, page \pageref{SSplainplainfilealine16}) not shown}'
    # Their numbers are left blank, the first and the last of each part
    # (fvextra sets a line's number after its text, where \SSreferral has
    # set the counter to the last): b.c's 3, 9, 17, 26; c.c's 3, 9, 17,
    # 21, 22, 26; d.c's none.
    run grep -o 'gdef.SSblanklines{[0-9,]*}' <<<"$tex"
    assert_equal "${#lines[@]}" 4
    assert_line --index 0 'gdef\SSblanklines{,3,9,17,26,}'
    assert_line --index 2 'gdef\SSblanklines{,3,9,17,21,22,26,}'
    grep -q 'label{plain-file-a}' <<<"$tex"
    # Every line a.c prints has its label, once; b.c's printed lines have
    # theirs, its named ones none; d.c (Part I) prints all its 28 lines.
    run grep -c 'label{SSplainplainfilealine' <<<"$tex"
    assert_output 22
    run grep -F 'label{SSplainplainfilealine4}' <<<"$tex"
    assert_output --partial 'fail'
    run grep -c 'label{SSplainplainfilebline[3-9]}' <<<"$tex"
    assert_output 0
    run grep -c 'label{SSplainplainfiledline' <<<"$tex"
    assert_output 28
    # One box for each program: no part named splits a listing.
    run grep -c 'begin{Shaded}' <<<"$tex"
    assert_output 4
    # (pandoc wraps the caption's words: they are matched as one line)
    # A caption says a thing the first time only: a.c's that it is the
    # whole file, b.c's what its grey lines and its lines in italics
    # are; c.c's and d.c's are their files and lines alone.
    local joined
    joined=$(tr '\n' ' ' <<<"$tex")
    run grep -o -E 'a\.c\}, lines 1--[0-9]+ \(the whole file\)' <<<"$joined"
    assert_equal "${#lines[@]}" 1
    run grep -o -E 'b\.c\}, lines 1--28 \(grey, or named in italics and not printed: as in an earlier program\)' <<<"$joined"
    assert_equal "${#lines[@]}" 1
    run grep -o -E '[cd]\.c\}, lines 1--28\}' <<<"$joined"
    assert_equal "${#lines[@]}" 2
    run grep -o -E 'the whole file|as in an earlier' <<<"$joined"
    assert_equal "${#lines[@]}" 2
    # b.c's own function is printed, and c.c's and d.c's; fail()'s
    # "perror(call);" in a.c and d.c; the check's usage line the same.
    run grep -c 'twice' <<<"$tex"
    assert_output 6
    run grep -c 'perror' <<<"$tex"
    assert_output 2
    run grep -c 'usage: ' <<<"$tex"
    assert_output 2
    # On screen nothing is left out.
    run pandoc "$md" --lua-filter "$ROOT/docs/include.lua" -t html5
    assert_success
    refute_output --partial 'not shown'
    run grep -c 'perror<span class="op">(</span>call' <<<"$output"
    assert_output 4
}

@test "handout: a listing on paper never breaks between two of a block's declarations" {
    # Declarations (a type, a name, ";") stay together; a page may break
    # after them, and between two statements. A prototype is no
    # declaration to keep.
    local t="$BATS_TEST_TMPDIR/tree"
    one_lesson_tree "$t" </dev/null
    mkdir -p "$t/lessons/plain"
    # (12 prototypes above and 12 statements below: no break comes within
    # 12 lines of a listing's ends, so the lines looked at are clear of
    # that rule)
    {
        printf 'int f%d(void);\n' 1 2 3 4 5 6 7 8 9 10 11 12
        printf '%s\n' '#include <stdio.h>' '' 'int main(void)' '{' \
            '    struct sockaddr_in addr;' '    char buf[512], *end = "";' \
            '    long port = 0 ? 1 : -1;' '    int f(void);' '    int fd;' \
            '    fd = 1;' '    port = 2;' '    puts("x");' '    puts("y");'
        printf '    puts("%d");\n' 1 2 3 4 5 6 7 8 9 10 11 12
        printf '%s\n' '    return 0;' '}'
    } >"$t/lessons/plain/d.c"
    listing_breaks "$t"
    local rows=("${lines[@]}")
    # rows 5-9: the declarations; 6 and 7 kept with the one above, 8 (a
    # prototype) not, 9 not after it; 10 (a statement after them) and 11
    # (a statement after a statement) may start a page. (main() has no
    # empty line, nor has the file after row 2: with more than 24 lines
    # without one, a page may break between any two statements.)
    # (each 12 rows down, below the prototypes)
    [[ "${rows[17]}" == keep* && "${rows[18]}" == keep* ]]
    [[ "${rows[19]}" == may* && "${rows[20]}" == may* ]]
    [[ "${rows[21]}" == may* && "${rows[22]}" == may* ]]
    # and none within 12 lines of either end
    [[ "${rows[11]}" == keep* && "${rows[${#rows[@]} - 12]}" == keep* ]]
}

@test "handout: a long listing on paper breaks after an empty line, or between statements, never after a call before its check" {
    # keep_listing (docs/filters/code.lua): where empty lines come at
    # most 24 lines apart, a page breaks only after one; where they are
    # further apart, also between two statements of main(), but never
    # between "fd = socket(...);" and "if (fd == -1)", nor inside the
    # for loop's block while main()'s own statements leave no gap of
    # more than 24 lines. A listing of up to 15 lines never breaks.
    local t="$BATS_TEST_TMPDIR/tree" md F i
    F=$(printf '\140\140\140') # a code fence
    one_lesson_tree "$t" </dev/null
    mkdir -p "$t/lessons/plain"
    {
        printf '%s\n' '#include <stdio.h>' '' 'int main(void)' '{' '    int fd, n;'
        for i in $(seq 12); do printf '    puts("a%d");\n' "$i"; done
        printf '%s\n' '' '    puts("b");' '    puts("c");' '    fd = socket(1, 2, 3);' \
            '    if (fd == -1)' '        return 1;' '    for (n = 0; n < 2; n++) {' \
            '        puts("e");' '        puts("f");' '        puts("g");' '    }'
        for i in $(seq 16); do printf '    puts("d%d");\n' "$i"; done
        printf '%s\n' '    return 0;' '}'
    } >"$t/lessons/plain/d.c"
    head -n 15 "$t/lessons/plain/d.c" >"$t/lessons/plain/e.c"
    head -n 16 "$t/lessons/plain/d.c" >"$t/lessons/plain/f.c"
    md="$t/t.md"
    printf '# Lesson 01: x {#lesson-01}\n\n%s{.c .whole include="lessons/plain/d.c"}\n%s\n' \
        "$F" "$F" >"$md"
    cd "$t"
    run pandoc "$md" --lua-filter "$ROOT/docs/include.lua" -t latex
    assert_success
    grep -q -F '\begin{Shaded}' <<<"$output"
    refute_output --partial 'unbreakable'
    run awk '/begin\{Highlighting\}/ { on = 1; next } /end\{Highlighting\}/ { on = 0 }
        on { print (/SSkeep\{\}$/ ? "keep " : "may  ") }' <<<"$output"
    assert_equal "${#lines[@]}" 46
    # (rows[J - 1]: line J) Line 19, after the empty line 18, may start a
    # page; line 15, in the first 24 lines, may not.
    [[ "${lines[18]}" == may* && "${lines[14]}" == keep* ]]
    # Lines 19-46 have no empty line: main()'s statements may start one
    # (21, 24, 29), the check of socket()'s result (22) may not, nor a
    # line in the for loop's block (26). Nor may line 20, puts("c"): it
    # stays with puts("b") above it, in a run of one-line calls to one
    # function (six at most: in the 16 puts() of lines 29-44, line 30
    # may start a page).
    [[ "${lines[19]}" == keep* && "${lines[20]}" == may* ]]
    [[ "${lines[23]}" == may* && "${lines[28]}" == may* ]]
    [[ "${lines[29]}" == may* ]]
    [[ "${lines[21]}" == keep* && "${lines[25]}" == keep* ]]
    # A listing of 15 lines is one box that never breaks; of 16, not.
    printf '# Lesson 01: x {#lesson-01}\n\n%s{.c .whole include="lessons/plain/e.c"}\n%s\n\n%s{.c .whole include="lessons/plain/f.c"}\n%s\n' \
        "$F" "$F" "$F" "$F" >"$md"
    run pandoc "$md" --lua-filter "$ROOT/docs/include.lua" -t latex
    assert_success
    run grep -c -F '\begin{Shaded}[unbreakable]' <<<"$output"
    assert_output 1
    run grep -F -A3 '\begin{Shaded}[unbreakable]' <<<"$output"
    refute_output --partial 'a12'
}

@test "handout: a listing on paper never breaks inside a struct being filled in" {
    # fills_same (docs/filters/code.lua): memset(&hints, ...) and the
    # lines that set hints' fields are one step; a page broke between
    # them in http-get.c (a reader's report). main() has no empty line,
    # so a page may break between its other statements.
    local t="$BATS_TEST_TMPDIR/tree" i
    one_lesson_tree "$t" </dev/null
    mkdir -p "$t/lessons/plain"
    {
        printf '%s\n' '#include <string.h>' '' 'struct h { int a, b; };' '' \
            'int main(void)' '{' '    struct h hints;' '    int n = 0;'
        for i in $(seq 30); do printf '    n += %d;\n' "$i"; done
        printf '%s\n' '    memset(&hints, 0, sizeof hints);' '    hints.a = 1;' \
            '    hints.b = n;' '    n += hints.a;' '    n += 31;'
        for i in $(seq 30); do printf '    n += %d;\n' "$i"; done
        printf '%s\n' '    return n;' '}'
    } >"$t/lessons/plain/d.c"
    listing_breaks "$t"
    # (rows[J - 1]: line J) memset is line 39: its fields, 40 and 41, go
    # with it; line 42, a statement after them, may start a page, as may
    # memset's own line and line 38 before it
    [[ "${lines[39]}" == keep*hints* && "${lines[40]}" == keep*hints* ]]
    [[ "${lines[41]}" == may* && "${lines[38]}" == may*memset* ]]
    [[ "${lines[37]}" == may* ]]
}

@test "handout: each line of a transcript takes the style of the narrator's own colour for it" {
    # A real run in colour (--color always): the narrator starts a call
    # line with bold (a failed one bold red), a kernel: line with cyan,
    # and ends every line of its own with a reset; the program's printf()
    # lines have none. The same run without the codes, as runs.sh keeps
    # it, through the filter: each line's class must be what its colour
    # says (call, fail, kernel, note, out; an empty line: blank).
    local t="$BATS_TEST_TMPDIR" F run want got
    F=$(printf '\140\140\140') # a code fence
    mkdir -p "$t/runs"
    for run in "01-socket" "02-bind --port 0"; do
        # shellcheck disable=SC2086 # the lesson and its options
        SOCKSTEP_NOWRAP=1 "$ROOT/build/"$run --color always >"$t/color.txt" </dev/null
        grep -q $'\e\\[1m' "$t/color.txt"
        grep -q $'\e\\[36m' "$t/color.txt"
        want=$(while IFS= read -r line; do
            case $line in
            '') echo blank ;;
            *$'\e[1;31m'*) echo fail ;;
            *$'\e[1m'*) echo call ;;
            *$'\e[36m'*) echo kernel ;;
            *$'\e[0m') echo note ;;
            *) echo out ;;
            esac
        done <"$t/color.txt")
        { echo "\$ build/${run%% *}"; sed 's/\x1b\[[0-9;]*m//g' "$t/color.txt"; } \
            >"$t/runs/r.txt"
        printf '# Lesson 01: x {#lesson-01}\n\n%s{.output run="r" notes="all"}\n%s\n' \
            "$F" "$F" >"$t/t.md"
        run pandoc "$t/t.md" --lua-filter "$ROOT/docs/include.lua" \
            -M runs-dir="$t/runs" -t html5
        assert_success
        got=$(grep -o '<span class="tl [a-z]*"' <<<"$output" | sed 's/.*tl \([a-z]*\)"/\1/')
        # The command line first, then the run's lines, each as coloured.
        assert_equal "$(head -1 <<<"$got")" cmd
        echo "${run%% *}: $(grep -c . <<<"$want") lines," \
            "$(grep -c '^out$' <<<"$want") of the program's own"
        grep -q '^out$' <<<"$want"
        grep -q '^note$' <<<"$want"
        diff <(echo "$want") <(sed 1d <<<"$got")
    done
    grep -q '^fail$' <<<"$want"
}

@test "handout: keep-notes= shows only the notes named, and the title says nothing of the others" {
    # Lesson 01's real run, keeping one note of its seven: the notes left
    # out leave no line in their place, and the title stays as written
    # (a count there, "(6 notes cut)", read as tooling; lesson 01 says
    # once that the book leaves notes out); every other line is the
    # run's, in its order, untouched.
    local md="$BATS_TEST_TMPDIR/t.md" run="$ROOT/build/runs/01-socket.txt" F
    F=$(printf '\140\140\140') # a code fence
    cd "$ROOT"
    printf '# Lesson 01: x {#lesson-01}\n\n%s{.output run="01-socket" title="the run" keep-notes="^    SOCK_DGRAM: "}\n%s\n' \
        "$F" "$F" >"$md"
    local all
    all=$(grep -cE '^    [^ ]' "$run")
    ((all > 1))
    run pandoc "$md" --lua-filter docs/include.lua -M runs-dir="$ROOT/build/runs" -t html5
    assert_success
    local html=$output
    run grep -c 'left out\]' <<<"$html"
    assert_output 0
    grep -qF '<div class="terminal-title">Transcript 1.1: the run</div>' <<<"$html"
    run grep -cE '<span class="tl (note|kernel)"' <<<"$html"
    assert_output 1
    # The lines shown are the run's without its notes but the one kept.
    diff <(sed -n 's/.*<span class="tl [a-z]*" style="[^"]*">\(.*\)$/\1/p' <<<"$html" |
        sed -e 's/<[^>]*>//g' -e 's/&gt;/>/g' -e 's/&lt;/</g' -e 's/&quot;/"/g' \
            -e 's/&amp;/\&/g') \
        <(awk '!/^    / || /^    SOCK_DGRAM: /' "$run" | sed 's/^ *//')
    # Paper: no mark either, and the title as written.
    run pandoc "$md" --lua-filter docs/include.lua -M runs-dir="$ROOT/build/runs" -t latex
    assert_success
    local tex=$output
    run grep -c 'left out\]' <<<"$tex"
    assert_output 0
    grep -qF '\begin{terminal}{Transcript 1.1: the run}' <<<"$tex"
    # PAT#1 keeps only the first line PAT matches: fd 3's kernel line,
    # not fd 4's, besides the SOCK_DGRAM note.
    grep -q '^    kernel: fd 4 ' "$run"
    sed -i 's/keep-notes="/&^    kernel: fd#1; /' "$md"
    run pandoc "$md" --lua-filter docs/include.lua -M runs-dir="$ROOT/build/runs" -t html5
    assert_success
    grep -qF '<div class="terminal-title">Transcript 1.1: the run</div>' <<<"$output"
    run grep -oE '<span class="tl kernel"[^>]*>kernel: fd [0-9]' <<<"$output"
    assert_output --regexp '>kernel: fd 3$'
    # A pattern that keeps no note of the excerpt stops the build.
    sed -i 's/; ^    SOCK_DGRAM: /; no such note/' "$md"
    run pandoc "$md" --lua-filter docs/include.lua -M runs-dir="$ROOT/build/runs" -t html5
    assert_failure
    assert_output --partial 'keep-notes="no such note" matches no note'
}

@test "handout: a listing greys the lines of each say() and heading() statement, on paper and on screen" {
    # say() over three lines, heading(), and lines that only name them (a
    # comment, a string, a call inside an if) in a lesson of its own.
    local t="$BATS_TEST_TMPDIR/tree" md F pin
    F=$(printf '\140\140\140') # a code fence
    one_lesson_tree "$t" <<'EOF'
int main(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    say("one (of %d", 2,
        "two)",
        3);
    heading("next");
    /* say("not this") */
    printf("say(\"nor this\")\n");
    if (fd == -1)
        return close(fd);
}
EOF
    md="$t/t.md"
    pin=$(sed -n 3,11p "$t/lessons/99-x/x.c" | head -c -1 | sha1sum | cut -c1-8)
    printf '# Lesson 01: x {#lesson-01}\n\n%s{.c include="lessons/99-x/x.c" lines="3-11" sha1="%s"}\n%s\n' \
        "$F" "$pin" "$F" >"$md"
    cd "$t"
    # Paper: lines 4-7 (the 2nd to 5th of the listing) start with \SSnarr.
    run pandoc "$md" --lua-filter "$ROOT/docs/include.lua" -t latex
    assert_success
    run grep -n '' <<<"$(sed -n '/^\\begin{Highlighting}/,/^\\end{Highlighting}/p' <<<"$output" | sed '1d;$d')"
    run grep '^[0-9]*:\\SSnarr{}' <<<"$output"
    assert_equal "${#lines[@]}" 4
    assert_line --index 0 --regexp '^2:.*say'
    assert_line --index 3 --regexp '^5:.*heading'
    # Screen: the same four lines by class (no character added).
    run pandoc "$md" --lua-filter "$ROOT/docs/include.lua" -t html5
    assert_success
    run grep -oE 'id="[^"]*" class="(i[0-9]+ )?narration"' <<<"$output"
    assert_equal "${#lines[@]}" 4
    assert_line --index 0 --regexp '-4" class="(i[0-9]+ )?narration"$'
    assert_line --index 3 --regexp '-7" class="(i[0-9]+ )?narration"$'
}

@test "handout: a {.quiet} part leaves out each say() and heading(), marked, and keeps the numbers" {
    local t="$BATS_TEST_TMPDIR/tree" md F pin
    F=$(printf '\140\140\140') # a code fence
    one_lesson_tree "$t" <<'EOF'
int main(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    say("one (of %d", 2,
        "two)",
        3);
    heading("next");
    if (fd == -1)
        return 1;
    say("three");
    return close(fd);
}
EOF
    md="$t/t.md"
    pin=$(sed -n 3,12p "$t/lessons/99-x/x.c" | head -c -1 | sha1sum | cut -c1-8)
    printf '# Lesson 01: x {#lesson-01}\n\n%s{.c .quiet include="lessons/99-x/x.c" lines="3-12" sha1="%s"}\n%s\n' \
        "$F" "$pin" "$F" >"$md"
    cd "$t"
    run pandoc "$md" --lua-filter "$ROOT/docs/include.lua" -t plain
    assert_success
    refute_output --partial 'say('
    refute_output --partial 'heading('
    assert_output --partial 'lines 4–7 (narration) not shown'
    assert_output --partial 'line 10 (narration) not shown'
    assert_output --partial 'return close(fd);'
    # The code after each mark keeps the file's own numbers.
    run pandoc "$md" --lua-filter "$ROOT/docs/include.lua" -t native
    assert_output --regexp '"startFrom" *, *"8"'
    assert_output --regexp '"startFrom" *, *"11"'
    # A part with no narration to leave out stops the build.
    pin=$(sed -n 8,9p "$t/lessons/99-x/x.c" | head -c -1 | sha1sum | cut -c1-8)
    printf '# Lesson 01: x {#lesson-01}\n\n%s{.c .quiet include="lessons/99-x/x.c" lines="8-9" sha1="%s"}\n%s\n' \
        "$F" "$pin" "$F" >"$md"
    run pandoc "$md" --lua-filter "$ROOT/docs/include.lua" -t plain
    assert_failure
    assert_output --partial '{.quiet}: no say() or heading() in them'
    # So does a part that starts or ends with narration: its mark would
    # stand above the first line shown, or under the last, where the
    # caption names the lines (lines 4-11 shows lines 8-11).
    local spec
    for spec in 4-11 3-10; do
        pin=$(sed -n "${spec/-/,}p" "$t/lessons/99-x/x.c" | head -c -1 | sha1sum | cut -c1-8)
        printf '# Lesson 01: x {#lesson-01}\n\n%s{.c .quiet include="lessons/99-x/x.c" lines="%s" sha1="%s"}\n%s\n' \
            "$F" "$spec" "$pin" "$F" >"$md"
        run pandoc "$md" --lua-filter "$ROOT/docs/include.lua" -t plain
        assert_failure
        assert_output --partial "lines ${spec/-/–} {.quiet}: the part starts or ends with narration"
    done
    # A Part II chapter's excerpt with narration in it and no {.quiet}
    # fails the check: here lesson 16's, given the lines of handle()
    # that say why resolve() refused.
    local dir="$BATS_TEST_TMPDIR/q" at
    spoil "$dir" lessons/16-http.md
    run "$ROOT/docs/check-code-blocks.sh" "$dir/docs"
    assert_success
    at=$(grep -n 'say("%s", why);' "$ROOT/lessons/16-http/server.c" | cut -d: -f1)
    [[ -n "$at" ]]
    pin=$(sed -n "$((at - 1)),$((at + 1))p" "$ROOT/lessons/16-http/server.c" | head -c -1 | sha1sum | cut -c1-8)
    printf '\n%s{.c include="lessons/16-http/server.c" lines="%d-%d" sha1="%s" contains="why"}\n%s\n' \
        "$F" "$((at - 1))" "$((at + 1))" "$pin" "$F" >>"$dir/docs/lessons/16-http.md"
    run "$ROOT/docs/check-code-blocks.sh" "$dir/docs"
    assert_failure 1
    assert_output --partial 'narrates (say(), heading()): a Part II excerpt takes {.quiet}'
}

@test "handout: runs.sh stops at once when a lesson's program is missing, any lesson" {
    # Its list of programs is the Makefile's LESSONS (it once checked 13 of
    # them by name): a build directory without 17-unix-client, a lesson
    # that list left out, stops it before any run, and naming it.
    local bin="$BATS_TEST_TMPDIR/bin" f
    mkdir -p "$bin"
    for f in "$ROOT"/build/[0-9]*; do
        [[ -f "$f" && -x "$f" ]] && ln -s "$f" "$bin/"
    done
    [ -e "$bin/17-unix-client" ] || fail "build/17-unix-client is not built"
    rm "$bin/17-unix-client"
    cd "$ROOT"
    run timeout "$((60 * SCALE))" docs/runs.sh "$bin" "$BATS_TEST_TMPDIR/out"
    assert_failure 1
    assert_output "runs.sh: $bin/17-unix-client is missing: build the lessons first"
    [ ! -e "$BATS_TEST_TMPDIR/out" ]
}

# shellcheck disable=SC2016 # backquotes: Markdown code, not commands
@test "handout: the tools appendix says what each lesson program adds, checked against the lesson and its plain program" {
    # Every lesson program of the tools appendix has its ::: adds, the line or two
    # the paper prints in place of the program; the filter fails the
    # build when one names an option the program lacks, leaves out one it
    # takes, or names as added a constant the plain program has too.
    local md="$BATS_TEST_TMPDIR/t.md" sections adds
    sections=$(grep -c '^## .*{#l0[0-9][-a-z]* \.screen-only \.unlisted}' "$ROOT/docs/tools.md")
    adds=$(grep -c '^::: {\.adds program="lessons/0' "$ROOT/docs/tools.md")
    [ "$sections" -ge 10 ]
    [ "$adds" -eq "$sections" ]
    add() {
        printf '# A {#a .unnumbered}\n\n::: {.adds program="%s" plain="%s"}\n%s\n:::\n' \
            "$1" "$2" "$3" >"$md"
        (cd "$ROOT" && pandoc "$md" --lua-filter docs/include.lua -t plain)
    }
    run add lessons/04-accept/accept.c lessons/plain/accept.c \
        'Takes `--host`, `--port`, `--timeout`, `--count`; sets `SO_REUSEADDR`.'
    assert_success
    assert_output --partial "SO_REUSEADDR"
    run add lessons/04-accept/accept.c lessons/plain/accept.c \
        'Takes `--host`, `--port`, `--timeout`, `--count`, `--pause`.'
    assert_failure
    assert_output --partial "it takes no --pause"
    run add lessons/04-accept/accept.c lessons/plain/accept.c \
        'Takes `--host`, `--port` and `--timeout`.'
    assert_failure
    assert_output --partial "it does not name --count"
    run add lessons/04-accept/accept.c lessons/plain/accept.c \
        'Takes `--host`, `--port`, `--timeout`, `--count`; calls `getsockname()` and sets `AF_INET`.'
    assert_failure
    assert_output --partial '`AF_INET` is in lessons/plain/accept.c too'
    run add lessons/04-accept/accept.c lessons/plain/accept.c \
        'Takes `--host`, `--port`, `--timeout`, `--count`; sets `SO_KEEPALIVE`.'
    assert_failure
    assert_output --partial '`SO_KEEPALIVE` is not in it'
}

@test "handout: each lab's steps follow on, minute by minute, to two hours; each exercise is one the week pages answer" {
    # docs/lecturers.md: "N. **H:MM, M minutes..." in each of the two
    # labs. A step starts where the one before it ended, and the last
    # ends at 2:00; an exercise a step names (lesson/number) has its row
    # of right and wrong answers in docs/manual-weeks.md.
    run awk '
        /^### The (first|second) lab/ { if (lab) done(); lab = $0; at = 0; n = 0; next }
        /^#/ { if (lab) done(); lab = ""; next }
        lab && match($0, /^[0-9]+\. \*\*[0-9]:[0-9][0-9], [0-9]+ minutes/) {
            split(substr($0, RSTART, RLENGTH), w, /[ .*:,]+/)
            start = w[2] * 60 + w[3]
            if (start != at) { print lab ": step " w[1] " starts at " start ", not " at; bad = 1 }
            at = start + w[4]; n++
        }
        function done() {
            if (n < 3 || at != 120) { print lab ": " n " steps, ending at minute " at; bad = 1 }
        }
        END { if (lab) done(); exit bad }' "$ROOT/docs/lecturers.md"
    assert_success
    local ex seen=0
    while read -r ex; do
        grep -q -F "| $ex |" "$ROOT/docs/manual-weeks.md" ||
            { echo "the labs set $ex; the week pages have no row for it" >&2; return 1; }
        seen=$((seen + 1))
    done < <(sed -n '/^## Two labs of two hours/,/^## A course/p' \
        "$ROOT/docs/lecturers.md" | grep -oE '\b0[1-9]/[1-9]\b' | sort -u)
    [ "$seen" -ge 10 ]
}

@test "handout: the week pages answer each exercise of the book once, under its own number" {
    # docs/manual-weeks.md has a row "| 20/3 | right | wrong |" for each
    # exercise of each lesson's "Exercises" section, and none for one
    # the book lacks: a reader found lesson 20's rows one number behind
    # the book's (its 20/2 answered exercise 3) and the (write)
    # exercises unanswered.
    run "$PYTHON" - "$ROOT/docs/lessons" "$ROOT/docs/manual-weeks.md" <<'EOF'
import glob, os, re, sys
book = set()
for f in sorted(glob.glob(os.path.join(sys.argv[1], "[0-9][0-9]-*.md"))):
    n = os.path.basename(f)[:2]
    text = open(f, encoding="utf-8").read()
    m = re.search(r"^## Exercises[^\n]*\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert m, f + ": no Exercises section"
    for k in re.findall(r"^(\d+)\. ", m.group(1), re.M):
        book.add("%s/%s" % (n, k))
rows = re.findall(r"^\| (\d\d/\d+) \|", open(sys.argv[2], encoding="utf-8").read(), re.M)
twice = sorted({r for r in rows if rows.count(r) > 1})
missing = sorted(book - set(rows))
extra = sorted(set(rows) - book)
print("exercises:", len(book), "rows:", len(rows))
print("without a row:", " ".join(missing) or "none")
print("rows for no exercise:", " ".join(extra) or "none")
print("rows twice:", " ".join(twice) or "none")
sys.exit(1 if missing or extra or twice or len(book) < 60 else 0)
EOF
    echo "$output"
    assert_success
}

@test "handout: shorten= cuts a long line of a run to its head and tail, and counts what it left out" {
    # Lesson 08's datagram of 2000 bytes: the receiver's echo of the 512
    # it kept took eight printed lines. shorten= keeps the line's head,
    # up to its first colon, and its last words, and names the number
    # of characters between them; every other line stays the run's.
    local md="$BATS_TEST_TMPDIR/t.md" runs="$BATS_TEST_TMPDIR/runs" F long
    F=$(printf '\140\140\140')
    mkdir -p "$runs"
    long="data from 127.0.0.1:9: $(printf 'byte %04d ' $(seq 0 10 490))byte 0500 by"
    printf '%s\n' '$ ./receiver' "$long" 'short: line one' >"$runs/t.txt"
    printf '# Lesson 01: x {#lesson-01}\n\n%s{.output run="t" title="the run" shorten="^data from"}\n%s\n' \
        "$F" "$F" >"$md"
    cd "$ROOT"
    run pandoc "$md" --lua-filter docs/include.lua -M runs-dir="$runs" -t html5
    assert_success
    # (the run's lines, their tags taken off)
    run sed -e 's/<[^>]*>//g' -e 's/&quot;/"/g' <<<"$output"
    local head="data from 127.0.0.1:9:" tail="byte 0500 by"
    local cut=$((${#long} - ${#head} - ${#tail} - 2))
    assert_line --partial "data from 127.0.0.1:9: [$cut characters left out] byte 0500 by"
    assert_line --partial "short: line one"
    assert_line --partial "the run (excerpt)"
    # a pattern that meets no long line is an error, not a silent no-op
    sed -i 's/shorten="^data from"/shorten="^short"/' "$md"
    run pandoc "$md" --lua-filter docs/include.lua -M runs-dir="$runs" -t html5
    assert_failure
    assert_output --partial 'shorten="^short" matches no line over 100 characters'
}
