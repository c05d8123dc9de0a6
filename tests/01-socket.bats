#!/usr/bin/env bats
# Lesson 01: socket

load test_helper


@test "01-socket: builds alone with one plain cc command (gcc, and clang if present)" {
    run gcc -std=c11 -Wall -Wextra -Werror -pedantic \
        "$ROOT/lessons/01-socket/socket.c" -o "$BATS_TEST_TMPDIR/socket"
    assert_success
    assert_output ""
    if command -v clang >/dev/null; then
        run clang -std=c11 -Wall -Wextra -Werror -pedantic \
            "$ROOT/lessons/01-socket/socket.c" -o "$BATS_TEST_TMPDIR/socket-clang"
        assert_success
        assert_output ""
    fi
}

@test "01-socket: a TCP and a UDP socket, read back with getsockopt, closed" {
    run bare "$BIN/01-socket"
    assert_success
    assert_line "socket(AF_INET, SOCK_STREAM, 0) = 3"
    assert_line "socket(AF_INET, SOCK_DGRAM, 0) = 4"
    assert_line "getsockopt(3, SOL_SOCKET, SO_TYPE, [SOCK_STREAM], 4) = 0"
    assert_line "getsockopt(3, SOL_SOCKET, SO_DOMAIN, [AF_INET], 4) = 0"
    assert_line "getsockopt(3, SOL_SOCKET, SO_PROTOCOL, [IPPROTO_TCP], 4) = 0"
    assert_line "getsockopt(4, SOL_SOCKET, SO_TYPE, [SOCK_DGRAM], 4) = 0"
    assert_line "getsockopt(4, SOL_SOCKET, SO_DOMAIN, [AF_INET], 4) = 0"
    assert_line "getsockopt(4, SOL_SOCKET, SO_PROTOCOL, [IPPROTO_UDP], 4) = 0"
    assert_line --regexp "^    fd 3: family AF_INET \(2\), type SOCK_STREAM \(1\), protocol IPPROTO_TCP \(6\):$"
    assert_line --regexp "^    fd 4: family AF_INET \(2\), type SOCK_DGRAM \(2\), protocol IPPROTO_UDP \(17\):$"
    assert_line "close(4) = 0"
    assert_line "close(3) = 0"
}

@test "01-socket: the fd numbers are the lowest free ones, whatever they are" {
    # with fd 3 open (on /dev/null), the sockets get 4 and 5
    # shellcheck disable=SC2016 # $1 is for the inner shell
    run bare bash -c 'exec "$1" 3</dev/null' _ "$BIN/01-socket"
    assert_success
    assert_line "socket(AF_INET, SOCK_STREAM, 0) = 4"
    assert_line "socket(AF_INET, SOCK_DGRAM, 0) = 5"
    assert_line "getsockopt(5, SOL_SOCKET, SO_TYPE, [SOCK_DGRAM], 4) = 0"
    assert_line "close(5) = 0"
    assert_line "close(4) = 0"
}

@test "01-socket: kernel line shows the fd is a socket:[inode] from /proc" {
    [ -d /proc/self/fd ] || skip "no /proc"
    run bare "$BIN/01-socket"
    assert_success
    assert_line --regexp "^    kernel: fd 3 is socket:\[[0-9]+\] \(from /proc/self/fd/3\); it is not in$"
    assert_line --regexp "^    kernel: fd 4 is socket:\[[0-9]+\] \(from /proc/self/fd/4\); it is not in$"
    # two different sockets: two different inodes
    local a b
    a=$(grep -oE 'fd 3 is socket:\[[0-9]+\]' <<<"$output" | grep -oE '[0-9]+\]')
    b=$(grep -oE 'fd 4 is socket:\[[0-9]+\]' <<<"$output" | grep -oE '[0-9]+\]')
    [ -n "$a" ] && [ -n "$b" ] && [ "$a" != "$b" ]
}

@test "01-socket: the narrated return values match strace" {
    command -v strace >/dev/null || skip "no strace"
    # LeakSanitizer cannot run under ptrace: off for a sanitizer build
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
        run bare strace -o "$BATS_TEST_TMPDIR/trace" \
        -e trace=socket,getsockopt,close "$BIN/01-socket"
    if grep -q 'PTRACE_TRACEME\|Operation not permitted' <<<"$output"; then
        skip "strace not permitted here"
    fi
    assert_success
    run grep -E '^(socket|getsockopt)' "$BATS_TEST_TMPDIR/trace"
    assert_line "socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 3"
    assert_line "socket(AF_INET, SOCK_DGRAM, IPPROTO_IP) = 4"
    assert_line "getsockopt(3, SOL_SOCKET, SO_TYPE, [1], [4]) = 0"
    assert_line "getsockopt(4, SOL_SOCKET, SO_PROTOCOL, [17], [4]) = 0"
}

@test "01-socket: --help exits 0; a bad option exits 2 with one line naming it" {
    run "$BIN/01-socket" --help
    assert_success
    assert_output --partial "usage: build/01-socket"
    run bash -c '"$1" --colour 2>&1 >/dev/null' _ "$BIN/01-socket"
    assert_failure 2
    assert_output "01-socket: --colour: unknown option (see --help)"
    run bash -c '"$1" --port 65536 2>&1 >/dev/null' _ "$BIN/01-socket"
    assert_failure 2
    assert_output --regexp "^01-socket: --port: .*'65536'"
    [ "${#lines[@]}" -eq 1 ]
}
