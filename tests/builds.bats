#!/usr/bin/env bats
# Each lesson builds alone, with one plain cc command: with gcc and with
# clang, narrated and plain (-DSOCKSTEP_PLAIN), warning-free under
# -Wall -Wextra -Werror -pedantic. Nothing else: no make, no -I, no
# library. Here each compiler checks syntax and types only
# (-fsyntax-only): that is where a missing include, a call not declared
# or a pedantic warning shows. The optimizer's warnings (format
# truncation, maybe-uninitialized) need real builds at -O2: make
# build-optimized makes them, with gcc and with clang, each lesson
# narrated and plain, one command per program (make itself builds at -O0);
# CI makes gcc's, has clang read every program at -O2 with
# -fsyntax-only, and builds the narrated lessons by clang at -O0 with
# the sanitizers.
# Three more checks of what make does: the handout's runs take the files
# in docs/own/ as inputs, and never a directory there; the handout's
# transcripts are wrapped for paper by the narrator's own code; make
# lint's C checks reach every C file. And each lesson stays a program
# with its say() and heading() statements deleted (tests/unnarrated).

load test_helper
load hostile/common

# builds_alone DIR: check every .c file of lessons/DIR four ways, side by
# side, each compiler's messages kept in the test's own directory; fail
# naming each that did not build cleanly, with what the compiler said.
#
# SOCKSTEP_BUILT_ALONE=1 (.ci/run sets it) skips these: CI builds every
# lesson that same way, one cc command each, by gcc and by clang,
# narrated and plain, with more warnings (-Wmissing-prototypes): gcc's
# narrated build is the default one (make all), clang's the sanitizer
# build at -O0, gcc's plain one at -O2 (build-gcc-O2-cover), and clang
# reads all of them at -O2 with -fsyntax-only (check-clang-O2), so the
# syntax-only builds here would prove nothing new there.
builds_alone() {
    local src cc plain out jobs=() pids=() n=0 bad=0
    if [[ -n "${SOCKSTEP_BUILT_ALONE:-}" ]]; then
        skip "CI builds each lesson alone by gcc and clang (SOCKSTEP_BUILT_ALONE)"
    fi
    for src in "$ROOT/lessons/$1"/*.c; do
        for cc in gcc clang; do
            for plain in "" -DSOCKSTEP_PLAIN; do
                n=$((n + 1))
                out="$BATS_TEST_TMPDIR/$n"
                jobs+=("$cc -std=c11 -Wall -Wextra -Werror -pedantic -fsyntax-only $plain ${src#"$ROOT"/}")
                (cd "$ROOT" && "$cc" -std=c11 -Wall -Wextra -Werror -pedantic \
                    -fsyntax-only ${plain:+"$plain"} "${src#"$ROOT"/}" \
                    >"$out.said" 2>&1 || echo $? >"$out.failed") 3>&- &
                pids+=($!)
            done
        done
    done
    # (these pids only: bats has background processes of its own)
    wait "${pids[@]}"
    [ "$n" -ge 4 ] # the lesson has a source file: four builds at least
    for ((i = 1; i <= n; i++)); do
        if [[ -e "$BATS_TEST_TMPDIR/$i.failed" || -s "$BATS_TEST_TMPDIR/$i.said" ]]; then
            echo "${jobs[i - 1]}:" >&2
            cat "$BATS_TEST_TMPDIR/$i.said" >&2
            bad=$((bad + 1))
        fi
    done
    [ "$bad" -eq 0 ]
}

@test "builds: make alone builds every lesson and build/libsockstep.so" {
    # -n -B: what make would run for its default goal, all of it
    run make -C "$ROOT" --no-print-directory -n -B
    assert_success
    local name n=0
    for name in $(all_lessons); do
        assert_output --partial "-o build/$name"
        n=$((n + 1))
    done
    [ "$n" -eq 25 ]
    assert_output --partial "-o build/libsockstep.so"
    # a narrator header is the library's alone (-W: as if it had just
    # been edited); a room of sockstep.h is every lesson's
    run make -C "$ROOT" --no-print-directory -n -W lessons/common/preload_rw.h
    assert_success
    assert_output --partial "-o build/libsockstep.so"
    refute_output --partial "-o build/01-socket"
    run make -C "$ROOT" --no-print-directory -n -W lessons/common/ss_text.h
    assert_success
    assert_output --partial "-o build/01-socket"
    assert_output --partial "-o build/libsockstep.so"
}

@test "builds: make build-clang builds every lesson, narrated and plain, and the other C with clang" {
    # -n -B: what make would run, all of it; nothing is built here.
    run make -C "$ROOT" --no-print-directory -n -B build-clang
    assert_success
    # One awk reads make's lines once and names each build it did not
    # find (assert_line per build read them all, 55 times over, in the
    # shell): every lesson, narrated and plain, every tests/*.c, the bench.
    local tests=("$ROOT"/tests/*.c)
    tests=("${tests[@]##*/}")
    run awk -v lessons="$(all_lessons)" -v tests="${tests[*]}" '
        { line[NR] = $0 }
        function built(re, what,   i) {
            for (i = 1; i <= NR; i++)
                if (line[i] ~ re)
                    return
            print "no build of " what ": no line matches /" re "/"
        }
        END {
            n = split(lessons, l, " ")
            for (i = 1; i <= n; i++) {
                built("^clang .*-Werror .*-o build/clang/" l[i] "$", l[i])
                built("^clang .*-DSOCKSTEP_PLAIN .*-o build/clang/plain/" \
                      l[i] "$", "plain " l[i])
            }
            t = split(tests, c, " ")
            for (i = 1; i <= t; i++) {
                name = c[i]
                sub(/\.c$/, "", name)
                built("^clang .* tests/" name "\\.c -o build/clang/tests/" \
                      name "$", "tests/" c[i])
            }
            built("^clang .* bench/load\\.c -o build/clang/bench/load$",
                  "bench/load.c")
            print n " lessons, " t " test programs"
        }' <<<"$output"
    assert_success
    assert_output "25 lessons, ${#tests[@]} test programs"
}

@test "builds: a tree in a folder with a space in its name builds, and narrate works there" {
    # A student's clone in "My Courses": make quotes the tree's path for
    # the compiler, and narrate reaches the library through a link of its
    # own, since the loader splits LD_PRELOAD at spaces.
    local d="$BATS_TEST_TMPDIR/My Courses/sockstép"
    mkdir -p "$d"
    cp -r "$ROOT/Makefile" "$ROOT/mk" "$ROOT/lessons" "$ROOT/scripts" "$d/"
    run make -s -C "$d" build/01-socket build/libsockstep.so
    assert_success
    run "$d/scripts/narrate" -- "$PYTHON" -c 'import socket
socket.socket().close()
print("done")'
    assert_success
    refute_output --partial "cannot be preloaded"
    assert_line --regexp '^socket\(AF_INET, SOCK_STREAM'
    assert_line "done"
    run "$d/build/01-socket"
    assert_success
}

@test "builds: a directory in docs/own/ (__pycache__) is not an input of the handout's runs" {
    local tree="$BATS_TEST_TMPDIR/tree" f line w n=0 want=0
    # A copy of the tree without .git and build/: the real one is not
    # touched, and make -n only prints what it would do.
    mkdir "$tree"
    for f in "$ROOT"/* "$ROOT"/.[!.]*; do
        case "${f##*/}" in .git | build) continue ;; esac
        cp -a "$f" "$tree/"
    done
    mkdir "$tree/docs/own/__pycache__"
    : >"$tree/docs/own/__pycache__/echo-server.cpython-311.pyc"
    run make -C "$tree" -n build/runs/.done
    assert_success
    # The recipe's first line hashes every input: sha256sum FILE... >SUMS.
    line=$(grep -m1 '^sha256sum ' <<<"$output") || fail "no sha256sum line"
    for w in ${line#sha256sum }; do
        [[ "$w" == ">"* ]] && break
        [[ -f "$tree/$w" || "$w" == build/* ]] ||
            fail "make would hash '$w', which is not a file"
        [[ "$w" == docs/own/* ]] && n=$((n + 1))
    done
    # and every file of docs/own/ is one
    for f in "$ROOT"/docs/own/*; do
        [[ -f "$f" ]] && want=$((want + 1))
    done
    [ "$want" -ge 1 ]
    assert_equal "$n" "$want"
}

@test "builds: every lesson directory has a test here" {
    local dir
    for dir in "$ROOT"/lessons/[0-9]*/; do
        dir=${dir%/}
        grep -q "^@test \"builds: ${dir##*/} " "$BATS_TEST_FILENAME" ||
            fail "no builds test for ${dir##*/}"
    done
}

@test "builds: each lesson's header comment says what narrates and how to build it without" {
    local src head n=0
    for src in "$ROOT"/lessons/[0-9]*/*.c; do
        n=$((n + 1))
        head=$(sed '/^ \*\//q' "$src") # the comment that opens the file
        [[ "$head" == *"sockstep.h narrates"* && "$head" == *-DSOCKSTEP_PLAIN* ]] ||
            fail "${src#"$ROOT"/}: its header comment does not name sockstep.h and -DSOCKSTEP_PLAIN"
    done
    [ "$n" -ge 20 ]
}

@test "builds: 01-socket alone, gcc and clang, narrated and plain" { builds_alone 01-socket; }
@test "builds: 02-bind alone, gcc and clang, narrated and plain" { builds_alone 02-bind; }
@test "builds: 03-listen alone, gcc and clang, narrated and plain" { builds_alone 03-listen; }
@test "builds: 04-accept alone, gcc and clang, narrated and plain" { builds_alone 04-accept; }
@test "builds: 05-connect alone, gcc and clang, narrated and plain" { builds_alone 05-connect; }
@test "builds: 06-send-recv alone, gcc and clang, narrated and plain" { builds_alone 06-send-recv; }
@test "builds: 07-close alone, gcc and clang, narrated and plain" { builds_alone 07-close; }
@test "builds: 08-udp-receiver alone, gcc and clang, narrated and plain" { builds_alone 08-udp-receiver; }
@test "builds: 09-udp-sender alone, gcc and clang, narrated and plain" { builds_alone 09-udp-sender; }
@test "builds: 10-getaddrinfo alone, gcc and clang, narrated and plain" { builds_alone 10-getaddrinfo; }
@test "builds: 11-dual-stack alone, gcc and clang, narrated and plain" { builds_alone 11-dual-stack; }
@test "builds: 12-fork-server alone, gcc and clang, narrated and plain" { builds_alone 12-fork-server; }
@test "builds: 13-poll-chat alone, gcc and clang, narrated and plain" { builds_alone 13-poll-chat; }
@test "builds: 14-nonblocking alone, gcc and clang, narrated and plain" { builds_alone 14-nonblocking; }
@test "builds: 15-framing alone, gcc and clang, narrated and plain" { builds_alone 15-framing; }
@test "builds: 16-http alone, gcc and clang, narrated and plain" { builds_alone 16-http; }
@test "builds: 17-unix alone, gcc and clang, narrated and plain" { builds_alone 17-unix; }
@test "builds: 18-multicast alone, gcc and clang, narrated and plain" { builds_alone 18-multicast; }
@test "builds: 19-throughput alone, gcc and clang, narrated and plain" { builds_alone 19-throughput; }
@test "builds: 20-epoll alone, gcc and clang, narrated and plain" { builds_alone 20-epoll; }

@test "builds: a helper several lessons define is the same in each (tests/twins)" {
    run "$PYTHON" "$ROOT/tests/twins"
    assert_success
    assert_output ""
}

@test "builds: a lesson's copy of a shared helper that drifts is found" {
    # The check must be able to fail: a copy of the lessons where one
    # time_left() has a line more than the others.
    cp -R "$ROOT/lessons" "$BATS_TEST_TMPDIR/lessons"
    local f="$BATS_TEST_TMPDIR/lessons/16-http/client.c" n
    n=$(awk '/^static .*time_left\(/ { on = 1 } on && /^\{$/ { print NR; exit }' "$f")
    [ -n "$n" ]
    sed -i "${n}a\\    /* drifted */" "$f"
    run "$PYTHON" "$ROOT/tests/twins" "$BATS_TEST_TMPDIR/lessons"
    assert_failure 1
    assert_output --regexp "16-http/client\.c: time_left\(\) differs from the one in .*05-connect/connect\.c$"
}

@test "builds: every lesson compiles with its say() and heading() statements deleted" {
    cd "$ROOT"
    run "$PYTHON" tests/unnarrated
    assert_output ""
    assert_success
}

@test "builds: a narration call as the whole body of an if is found" {
    # The check must be able to fail: a lesson whose if has a say() of
    # two lines as its body, no braces, last in its block: deleted, it
    # leaves an if with no statement at all.
    mkdir -p "$BATS_TEST_TMPDIR/lessons/99-x"
    ln -s "$ROOT/lessons/common" "$BATS_TEST_TMPDIR/lessons/common"
    cat >"$BATS_TEST_TMPDIR/lessons/99-x/x.c" <<'EOF'
#define _POSIX_C_SOURCE 200809L
#include "../common/sockstep.h"

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-')
            say("an option: %s, "
                "argument %d", argv[i], i);
    }
    return 0;
}
EOF
    cd "$BATS_TEST_TMPDIR"
    run "$PYTHON" "$ROOT/tests/unnarrated"
    assert_failure 1
    assert_line "lessons/99-x/x.c:8: say() is the whole body of an if without braces: deleting it gives the next statement to the if"
    # and the compiler, given what is left, finds the if with no body
    assert_line "lessons/99-x/x.c: does not compile without its narration:"
    assert_output --partial "expected expression before"
}

@test "builds: other flags or another compiler rebuild a lesson; the same ones do not" {
    # a tree of its own, with one lesson: the stamp build/.flags is its own.
    # The lesson is a program of one line (what is tested is which builds
    # make starts, not what they compile): eleven compiles of the real
    # 01-socket, sanitizer and -O2 ones among them, took over two minutes
    # beside the rest of the suite on two cores.
    local t="$BATS_TEST_TMPDIR/tree"
    mkdir -p "$t/lessons/01-socket"
    cp -r "$ROOT/Makefile" "$ROOT/mk" "$t/"
    cp -r "$ROOT/lessons/common" "$t/lessons/"
    printf 'int main(void) { return 0; }\n' >"$t/lessons/01-socket/socket.c"
    run make -C "$t" --no-print-directory build/01-socket
    assert_success
    assert_output --partial "-o build/01-socket"
    run make -C "$t" --no-print-directory build/01-socket
    refute_output --partial "-o build/01-socket"
    run make -C "$t" --no-print-directory CFLAGS="-std=c11 -Wall -O1" \
        build/01-socket
    assert_success
    assert_output --partial "-std=c11 -Wall -O1"
    # make -n and -q change nothing: the stamp still holds the flags of
    # the last real build
    make -C "$t" -n build/01-socket >/dev/null 2>&1
    grep -q -- "-std=c11 -Wall -O1" "$t/build/.flags"
    run make -C "$t" --no-print-directory -q CFLAGS="-std=c11 -Wall -O1" \
        build/01-socket
    assert_success
    # the sanitizer, clang and -O2 builds follow the flags too
    local extra=(build/sanitize/01-socket build/clang/01-socket build/O2/01-socket)
    local target
    run make -C "$t" --no-print-directory "${extra[@]}"
    assert_success
    run make -C "$t" --no-print-directory -q "${extra[@]}"
    assert_success
    run make -C "$t" --no-print-directory CFLAGS="-std=c11 -Wall -O1" "${extra[@]}"
    assert_success
    for target in "${extra[@]}"; do
        assert_output --partial "-o $target"
    done
    # the clang and -O2 builds take CFLAGS with -O2 in place of its level,
    # and without -g (mk/clang.mk says why)
    run make -C "$t" --no-print-directory -B -n CFLAGS="-O0 -g -DSEEN" \
        build/clang/01-socket build/O2/01-socket
    assert_success
    [[ "$(grep -c -- ' -DSEEN -O2 ' <<<"$output")" -eq 2 ]]
    refute_output --partial "-O0"
    refute_output --partial " -g "
}

@test "builds: CI runs make lint first, before the long steps" {
    # the steps of .ci/run, in order: install-deps, then lint
    run grep -E '^(\./install-deps|make )' "$ROOT/.ci/run"
    assert_success
    assert_line --index 0 "./install-deps"
    assert_line --index 1 "make lint"
    assert_line --index 2 --regexp '^make test-all( |$)'
}

@test "builds: make for a lesson asks nothing of git or date; make for the handout does" {
    # git and date on PATH that only say they were run: the handout's
    # stamp (the title page's day and commit) is found for a handout
    # goal only.
    local fake="$BATS_TEST_TMPDIR/bin" cmd
    mkdir -p "$fake"
    for cmd in git date; do
        printf '#!/bin/sh\necho %s >>"%s/ran"\n' "$cmd" "$BATS_TEST_TMPDIR" >"$fake/$cmd"
        chmod +x "$fake/$cmd"
    done
    PATH="$fake:$PATH" run make -C "$ROOT" -n 01-socket
    assert_success
    [[ ! -e "$BATS_TEST_TMPDIR/ran" ]] ||
        fail "make -n 01-socket ran: $(tr '\n' ' ' <"$BATS_TEST_TMPDIR/ran")"
    PATH="$fake:$PATH" run make -C "$ROOT" -n build/handout/handout.tex
    assert_success
    run cat "$BATS_TEST_TMPDIR/ran"
    assert_line git
    assert_line date
}

@test "builds: PRELOAD_CFLAGS changes the narrator library's optimisation, never its warnings" {
    run make -C "$ROOT" -B -n --no-print-directory PRELOAD_CFLAGS=-O0 \
        build/libsockstep.so
    assert_success
    assert_output --partial "-std=gnu11 -Wall -Wextra -Werror -Wmissing-prototypes -O0 -fPIC -shared "
    refute_output --partial "-O2"
}

@test "builds: CFLAGS, from the environment or make's command line, keeps -std=c11 and every warning" {
    # make -B -n: each command, printed, nothing built or written
    local targets=(build/01-socket build/plain/01-socket
        build/sanitize/01-socket build/clang/01-socket build/O2/01-socket
        build/paper-wrap) line n
    for how in env make; do
        if [[ $how == env ]]; then
            run env CFLAGS=-O1 make -C "$ROOT" -B -n --no-print-directory \
                "${targets[@]}"
        else
            run make -C "$ROOT" -B -n --no-print-directory CFLAGS=-O1 \
                "${targets[@]}"
        fi
        assert_success
        n=0
        while IFS= read -r line; do
            [[ $line == *" -o build/"* ]] || continue
            n=$((n + 1))
            # the -O2 builds (clang's, gcc's) take CFLAGS with -O2 for its level
            if [[ $line == *" -o build/clang/"* || $line == *" -o build/O2/"* ]]; then
                [[ $line == *" -std=c11 -Wall -Wextra -Werror -pedantic -Wmissing-prototypes -O2 "* &&
                    $line != *"-O1"* ]] ||
                    fail "CFLAGS=-O1 ($how), an -O2 build: $line"
                continue
            fi
            [[ $line == *" -std=c11 -Wall -Wextra -Werror -pedantic -Wmissing-prototypes -O1 "* ]] ||
                fail "CFLAGS=-O1 ($how) dropped the warnings: $line"
        done <<<"$output"
        [ "$n" -eq "${#targets[@]}" ]
    done
}

@test "builds: the PDF's transcripts are wrapped by the narrator's code (build/paper-wrap), not by the filter" {
    local d="$BATS_TEST_TMPDIR" F
    F=$(printf '\140\140\140') # a code fence
    make -s -C "$ROOT" build/paper-wrap >&2
    # The narrator's ss_wrap() at 78 columns: a note four columns in, its
    # later lines as far in; a likely cause four further.
    mkdir "$d/runs"
    {
        echo 'socket(AF_INET, SOCK_STREAM, 0) = 3'
        echo "    a new socket: fd 3, the lowest descriptor number not in use. It has no address and no peer yet"
        echo "    likely cause: $(printf 'word %.0s' {1..20})end"
    } >"$d/runs/01-x.txt"
    run "$ROOT/build/paper-wrap" <"$d/runs/01-x.txt"
    assert_success
    assert_output "socket(AF_INET, SOCK_STREAM, 0) = 3
    a new socket: fd 3, the lowest descriptor number not in use. It has no
    address and no peer yet
    likely cause: word word word word word word word word word word word word
        word word word word word word word word end"
    # --each: a form feed line after the rows of each line.
    run "$ROOT/build/paper-wrap" --each <<<$'a\nb'
    assert_output $'a\n\f\nb\n\f'
    # The filter hands the lines it shows to the program beside the runs'
    # directory: a stand-in there marks what it was given.
    cat >"$d/paper-wrap" <<'EOF'
#!/bin/sh
awk '{ print "WRAPPED: " $0; print "\f" }'
EOF
    chmod +x "$d/paper-wrap"
    printf '# Lesson 01: x {#lesson-01}\n\n%s{.output run="01-x"}\n%s\n' \
        "$F" "$F" >"$d/t.md"
    cd "$ROOT"
    run pandoc "$d/t.md" --lua-filter docs/include.lua -M runs-dir="$d/runs" \
        -t latex
    assert_success
    # (a call line in its style on paper, \SSTcall{...}: transcripts.lua)
    assert_output --partial $'\n\\SSTcall{WRAPPED: socket(AF_INET, SOCK_STREAM, 0) = 3}'
    assert_output --partial $'\nWRAPPED:     a new socket: fd 3, the lowest descriptor number not in use. It has no address and no peer yet'
}

@test "builds: make lint's C checks cover every C file in the tree but the students' broken ones" {
    local f want got missing=()
    cd "$ROOT"
    # What lint-cppcheck and lint-clang-tidy hand the tools.
    # shellcheck disable=SC2016 # make's $(...), not the shell's
    got=" $(make -s --no-print-directory --eval \
        'lint-c-files: ; @echo $(LINT_C) $(LINT_GNU_C)' lint-c-files) "
    want=$(git ls-files --cached --others --exclude-standard '*.c' |
        grep -v '^tests/students/') || fail "no C file found"
    for f in $want; do
        [[ "$got" == *" $f "* ]] || missing+=("$f")
    done
    ((${#missing[@]} == 0)) || fail "not linted: ${missing[*]}"
}

@test "builds: install-deps --help prints its top comment whole; a bad option is one line, exit 2" {
    run "$ROOT/install-deps" --help
    assert_success
    # every line of the comment, however long it grows, and no code
    local want
    want=$(sed -n '2,/^[^#]/p' "$ROOT/install-deps" | sed '$d' | sed 's/^# \{0,1\}//')
    assert_output "$want"
    assert_line --index 0 "Install what sockstep needs on Debian or Ubuntu, non-interactively."
    refute_output --partial "set -euo"
    run "$ROOT/install-deps" --nonsense
    assert_failure 2
    assert_output "install-deps: --nonsense: unknown option (see --help)"
}

@test "builds: install-deps installs what the system has, names what it lacks, and exits 1" {
    # Ubuntu 22.04 has no bats-support, bats-assert or chromium, and
    # apt-get then installs none of the set. Played here by a fake
    # apt-get that lacks two packages of --light, a dpkg-query that has
    # nothing installed, and a sudo that only runs its command.
    local bin="$BATS_TEST_TMPDIR/bin" log="$BATS_TEST_TMPDIR/apt.log"
    mkdir -p "$bin"
    printf '%s\n' '#!/bin/sh' 'exit 1' >"$bin/dpkg-query"
    printf '%s\n' '#!/bin/sh' 'exec "$@"' >"$bin/sudo"
    cat >"$bin/apt-get" <<EOF
#!/bin/sh
echo "\$*" >>"$log"
[ "\$1" = update ] && exit 0
for a; do
    case \$a in procps|netcat-openbsd) echo "E: Unable to locate package \$a" >&2; exit 100 ;; esac
done
exit 0
EOF
    chmod +x "$bin"/*
    run env PATH="$bin:$PATH" "$ROOT/install-deps" --light
    assert_failure 1
    assert_line "install-deps: this system has no package netcat-openbsd procps: installing the rest"
    assert_line --partial "install-deps: not installed: netcat-openbsd procps."
    # the last install asked for the rest, and only the rest
    run tail -n 1 "$log"
    assert_output "install -y -qq --no-install-recommends make gcc libc6-dev iproute2 strace python3"
    # all there: one install, status 0
    : >"$log"
    sed -i 's/procps|netcat-openbsd/none-lacking/' "$bin/apt-get"
    run env PATH="$bin:$PATH" "$ROOT/install-deps" --light
    assert_success
    run grep -c '^install -y' "$log"
    assert_output 1
}
