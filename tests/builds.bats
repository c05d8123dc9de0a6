#!/usr/bin/env bats
# Each lesson builds alone, with one plain cc command: with gcc and with
# clang, narrated and plain (-DSOCKSTEP_PLAIN), warning-free under
# -Wall -Wextra -Werror -pedantic. gcc's plain build at -O2, which adds
# the optimizer's warnings (format truncation, maybe-uninitialized); its
# narrated one at -O0, since make builds it at -O2 with gcc before the
# suite runs; clang's with -fsyntax-only (its warnings all come from its
# front end). Nothing else: no make, no -I, no library.

load test_helper

# builds_alone DIR: compile every .c file of lessons/DIR four ways, side by
# side, into the test's own directory; fail naming each that did not build
# cleanly, with what the compiler said.
builds_alone() {
    local src cc plain opt out jobs=() pids=() n=0 bad=0
    for src in "$ROOT/lessons/$1"/*.c; do
        for cc in gcc clang; do
            for plain in "" -DSOCKSTEP_PLAIN; do
                n=$((n + 1))
                out="$BATS_TEST_TMPDIR/$n"
                opt=-O0
                [[ -n "$plain" ]] && opt=-O2
                # clang warns from its front end alone: checking the
                # syntax and types says all it would (and saves making
                # code); gcc's unused and optimizer warnings need a build.
                [[ "$cc" == clang ]] && opt=-fsyntax-only
                jobs+=("$cc -std=c11 -Wall -Wextra -Werror -pedantic $opt $plain ${src#"$ROOT"/} -o $out")
                (cd "$ROOT" && "$cc" -std=c11 -Wall -Wextra -Werror -pedantic \
                    "$opt" ${plain:+"$plain"} "${src#"$ROOT"/}" -o "$out" \
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
        [[ -x "$BATS_TEST_TMPDIR/$i" || "${jobs[i - 1]}" == *-fsyntax-only* ]] ||
            bad=$((bad + 1))
    done
    [ "$bad" -eq 0 ]
}

@test "builds: every lesson directory has a test here" {
    local dir
    for dir in "$ROOT"/lessons/[0-9]*/; do
        dir=${dir%/}
        grep -q "^@test \"builds: ${dir##*/} " "$BATS_TEST_FILENAME" ||
            fail "no builds test for ${dir##*/}"
    done
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
