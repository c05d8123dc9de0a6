#!/usr/bin/env bats
# The plain programs (lessons/plain/*.c) stay within C11 and POSIX.1-2008:
# make plain-portable (mk/portable.mk) builds each one by gcc with
# -D_POSIX_C_SOURCE=200809L, by clang and by musl-gcc against musl, every
# warning an error, and classes each with tests/plain-portable (POSIX
# only, beyond POSIX, Linux-only); musl's server and client then echo
# over loopback. Samples of the test's own show that the
# build and the classes can fail; the book's section on macOS and the BSDs
# (docs/on-linux.md, #gs-portable) names exactly the programs the
# classes put outside POSIX, so a new one cannot be left out.

# Three compilers over every plain program, one at a time: CPU-bound,
# 73 s on a CI run with the suite beside it. A test may take this long
# (test_helper's 120 s otherwise), unless the caller says otherwise.
: "${BATS_TEST_TIMEOUT:=$((300 * ${SOCKSTEP_TEST_SCALE:-1}))}"

# PORT, BG_PID and EXIT_STATUS are set by test_helper (wait_ready, wait_exit).
# shellcheck disable=SC2153
load test_helper

teardown() {
    kill_all_bg
}

# need_compilers: skip, with the reason, where clang or musl-gcc is not
# installed (./install-deps installs both; CI runs it first).
need_compilers() {
    command -v clang >/dev/null ||
        skip "no clang (./install-deps installs it)"
    command -v musl-gcc >/dev/null ||
        skip "no musl-gcc (Debian's musl-tools: ./install-deps installs it)"
}

# portable SRC...: make plain-portable on those sources only, into the
# test's own directory.
portable() {
    run make -C "$ROOT" --no-print-directory plain-portable \
        PORTABLE_SRCS="$*" PORTABLE_DIR="$BATS_TEST_TMPDIR/out"
}

@test "plain-portable: every plain program builds strict-POSIX with gcc, clang and musl" {
    need_compilers
    local out="$BATS_TEST_TMPDIR/out" src name cc n=0
    run make -C "$ROOT" --no-print-directory plain-portable \
        PORTABLE_DIR="$out"
    assert_success
    for src in "$ROOT"/lessons/plain/*.c; do
        name=$(basename "$src" .c)
        for cc in gcc clang musl; do
            [[ -x "$out/$cc/$name" ]] || fail "$cc did not build $name.c"
        done
        assert_line --regexp "^$name\.c	(posix|beyond|linux)"
        n=$((n + 1))
    done
    ((n > 0))
    assert_line --partial "make plain-portable: $n plain programs built warning-free by gcc, clang and musl-gcc (-std=c11 -D_POSIX_C_SOURCE=200809L "
    # musl's build is musl's: its programs ask for musl's loader, and
    # they run: its server and client echo over loopback.
    run file "$out/musl/server"
    assert_output --partial "ld-musl"
    start_bg "$BATS_TEST_TMPDIR/server.out" "$out/musl/server" 127.0.0.1 0
    wait_ready "$BATS_TEST_TMPDIR/server.out"
    run_lesson timeout "$WAIT_LOOPBACK" "$out/musl/client" 127.0.0.1 \
        "$PORT" 'hello, musl'
    assert_success
    [[ "$(sed -n 's/^received //p' <<<"$output" | tr -d '\n')" == \
        'hello, musl' ]]
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
}

@test "plain-portable: a program that leans on a name beyond POSIX fails all three builds" {
    need_compilers
    local bad="$BATS_TEST_TMPDIR/ni-maxhost.c"
    # NI_MAXHOST, getnameinfo()'s usual buffer size, is not POSIX's:
    # glibc shows it only for _DEFAULT_SOURCE, musl for _GNU_SOURCE or
    # _BSD_SOURCE. (accept4() would not do: musl 1.2.3 declares it
    # whatever the program asks for.)
    cat >"$bad" <<'EOF'
#define _POSIX_C_SOURCE 200809L
#include <netdb.h>
int main(void)
{
    char host[NI_MAXHOST];
    return (int)sizeof host;
}
EOF
    portable "$bad"
    assert_failure
    assert_line --partial "gcc -std=c11 -D_POSIX_C_SOURCE=200809L"
    assert_line --partial "clang -std=c11 -D_POSIX_C_SOURCE=200809L"
    assert_line --partial "musl-gcc -std=c11 -D_POSIX_C_SOURCE=200809L"
    # one error for NI_MAXHOST from each compiler
    [[ $(grep -c "error: .*NI_MAXHOST" <<<"$output") -eq 3 ]] ||
        fail "not three errors for NI_MAXHOST: $output"
    assert_line "make plain-portable: failed (above): a plain program stays within C11 and POSIX.1-2008"
}

@test "plain-portable: a program that asks for _GNU_SOURCE, or not for POSIX, fails, one line naming it" {
    local macro bad
    for macro in _GNU_SOURCE _DEFAULT_SOURCE _BSD_SOURCE; do
        bad="$BATS_TEST_TMPDIR/asks${macro}.c"
        printf '#define _POSIX_C_SOURCE 200809L\n#define %s\n%s\n' \
            "$macro" 'int main(void) { return 0; }' >"$bad"
        run "$ROOT/tests/plain-portable" "$bad"
        [ "$status" -eq 1 ]
        assert_output "$bad: defines $macro: a plain program asks for POSIX.1-2008 (_POSIX_C_SOURCE 200809L) and nothing more"
    done
    # without the line that asks for POSIX.1-2008, or with it too late
    printf '#include <stdio.h>\nint main(void) { return 0; }\n' >"$bad"
    run "$ROOT/tests/plain-portable" "$bad"
    [ "$status" -eq 1 ]
    assert_output "$bad: no #define _POSIX_C_SOURCE 200809L before its first #include: a plain program asks for POSIX.1-2008 itself"
    printf '#include <stdio.h>\n#define _POSIX_C_SOURCE 200809L\n' >"$bad"
    run "$ROOT/tests/plain-portable" "$bad"
    [ "$status" -eq 1 ]
    assert_output --partial "$bad: no #define _POSIX_C_SOURCE 200809L before"
    printf '#define _BSD_SOURCE\nint main(void) { return 0; }\n' >"$bad"
    # and make plain-portable stops there, before any build of it
    portable "$bad"
    assert_failure
    assert_line "$bad: defines _BSD_SOURCE: a plain program asks for POSIX.1-2008 (_POSIX_C_SOURCE 200809L) and nothing more"
    refute_output --partial " -o $BATS_TEST_TMPDIR/out/"
}

# sample NAME LINE...: $BATS_TEST_TMPDIR/NAME.c, which asks for
# POSIX.1-2008 as a plain program must, then holds the LINEs.
sample() {
    local name=$1
    shift
    printf '%s\n' '#define _POSIX_C_SOURCE 200809L' "$@" \
        >"$BATS_TEST_TMPDIR/$name.c"
}

@test "plain-portable: classes a Linux header, epoll, /proc, an abstract name and a name beyond POSIX" {
    sample a '#include <sys/epoll.h>' '#include <stdio.h>'
    sample b '#include <sys/socket.h>' \
        'int f(int fd) { return send(fd, "", 0, MSG_DONTWAIT | MSG_NOSIGNAL); }'
    sample c '#include <stdio.h>' \
        'int main(void) { return fopen("/proc/net/tcp", "r") == NULL; }'
    sample d '#include <sys/un.h>' \
        "void f(struct sockaddr_un *a) { a->sun_path[0] = '\\0'; }"
    sample e '#include <linux/tcp.h>' '#include <sys/socket.h>' \
        'int x = SO_REUSEPORT;'
    # names in comments and strings are not the program's
    sample f '#include <stdio.h>' '/* epoll_wait, MSG_MORE */' \
        'int main(void) { puts("SO_PEERCRED epoll_ctl"); return 0; }'
    sample g '#include <sys/socket.h>' '#include <sys/un.h>' \
        '#include <netinet/tcp.h>' \
        'int x = SOCK_STREAM + SO_RCVTIMEO + TCP_NODELAY + MSG_NOSIGNAL;'
    run "$ROOT/tests/plain-portable" "$BATS_TEST_TMPDIR"/[a-g].c
    assert_success
    assert_output "$(printf '%s\n' 'a.c	linux	<sys/epoll.h>' \
        'b.c	beyond	MSG_DONTWAIT' 'c.c	linux	/proc' \
        'd.c	linux	abstract Unix socket name' \
        'e.c	linux	<linux/tcp.h> | SO_REUSEPORT' 'f.c	posix' 'g.c	posix')"
}

# The book's section: its "Linux only" item names each program classed
# linux, its "Beyond POSIX" item each one that uses a name beyond POSIX
# (linux ones included), each with what puts it there; nothing else.
@test "plain-portable: the book names exactly the plain programs outside POSIX, with why" {
    local section classes want got file cls why w
    section=$(sed -n '/{#gs-portable}/,/^## /p' "$ROOT/docs/on-linux.md")
    [[ -n $section ]] || fail "docs/on-linux.md has no {#gs-portable} section"
    classes=$("$ROOT/tests/plain-portable" "$ROOT"/lessons/plain/*.c)
    # item NAME: the .c files named in the bullet that starts **NAME:**
    item() {
        awk -v head="- **$1:**" 'index($0, head) == 1 { on = 1 }
            on && /^$/ { on = 0 } on && /^- / && index($0, head) != 1 { on = 0 }
            on' <<<"$section" | grep -o '[a-z0-9-]*\.c' | sort -u
    }
    want=$(awk -F'\t' '$2 == "linux" { print $1 }' <<<"$classes" | sort -u)
    got=$(item "Linux only")
    [[ "$got" == "$want" ]] ||
        fail "Linux only: the book names [${got//$'\n'/ }], the sources [${want//$'\n'/ }]"
    want=$(awk -F'\t' '$2 == "beyond" || ($2 == "linux" && $3 ~ /\|/) { print $1 }' \
        <<<"$classes" | sort -u)
    got=$(item "Beyond POSIX")
    [[ "$got" == "$want" ]] ||
        fail "Beyond POSIX: the book names [${got//$'\n'/ }], the sources [${want//$'\n'/ }]"
    # each reason is in the section, in backquotes
    while IFS=$'\t' read -r file cls why; do
        for w in ${why//|/}; do
            [[ $w == abstract || $w == Unix || $w == socket || $w == name ]] &&
                w="abstract"
            [[ $w == abstract || $w == /proc ]] && grep -qF -- "$w" <<<"$section" && continue
            grep -qF -- "\`$w\`" <<<"$section" ||
                fail "$file ($cls): the book does not say \`$w\`"
        done
    done <<<"$classes"
}
