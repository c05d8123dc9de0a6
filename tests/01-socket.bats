#!/usr/bin/env bats
# Lesson 01: socket

load test_helper

@test "01-socket: a TCP and a UDP socket, what the kernel says they are, both closed" {
    run_lesson "$BIN/01-socket"
    assert_success
    assert_line "fd 3: SO_TYPE is 1, which is SOCK_STREAM"
    assert_line "fd 3: SO_DOMAIN is 2, which is AF_INET"
    assert_line "fd 3: SO_PROTOCOL is 6, which is IPPROTO_TCP"
    assert_line "fd 4: SO_TYPE is 2, which is SOCK_DGRAM"
    assert_line "fd 4: SO_DOMAIN is 2, which is AF_INET"
    assert_line "fd 4: SO_PROTOCOL is 17, which is IPPROTO_UDP"
    refute_output --partial "which is not"
    plain && return 0
    assert_line "socket(AF_INET, SOCK_STREAM, 0) = 3"
    assert_line "socket(AF_INET, SOCK_DGRAM, 0) = 4"
    assert_line "getsockopt(3, SOL_SOCKET, SO_TYPE, [SOCK_STREAM], [4]) = 0"
    assert_line "getsockopt(3, SOL_SOCKET, SO_DOMAIN, [AF_INET], [4]) = 0"
    assert_line "getsockopt(3, SOL_SOCKET, SO_PROTOCOL, [6], [4]) = 0"
    assert_line "getsockopt(4, SOL_SOCKET, SO_TYPE, [SOCK_DGRAM], [4]) = 0"
    assert_line "getsockopt(4, SOL_SOCKET, SO_PROTOCOL, [17], [4]) = 0"
    assert_line "close(4) = 0"
    assert_line "close(3) = 0"
    assert_line "    fds 3 and 4 are free again for the next socket() or open()"
}

@test "01-socket: the kernel's answers agree with Python's socket module" {
    # The same questions asked by a program that is not ours.
    run "$PYTHON" "$PEERS/socket-types.py"
    assert_success
    local tcp udp
    read -r -a tcp <<<"${lines[0]}"
    read -r -a udp <<<"${lines[1]}"
    run_lesson "$BIN/01-socket"
    assert_success
    assert_line "fd 3: SO_TYPE is ${tcp[0]}, which is SOCK_STREAM"
    assert_line "fd 3: SO_DOMAIN is ${tcp[1]}, which is AF_INET"
    assert_line "fd 3: SO_PROTOCOL is ${tcp[2]}, which is IPPROTO_TCP"
    assert_line "fd 4: SO_TYPE is ${udp[0]}, which is SOCK_DGRAM"
    assert_line "fd 4: SO_PROTOCOL is ${udp[2]}, which is IPPROTO_UDP"
}

@test "01-socket: the fd numbers are the lowest free ones, whatever they are" {
    # with fd 3 open (on /dev/null), the sockets get 4 and 5
    # shellcheck disable=SC2016 # $1 is for the inner shell
    run_lesson bash -c 'exec "$1" 3</dev/null' _ "$BIN/01-socket"
    assert_success
    assert_line "fd 4: SO_TYPE is 1, which is SOCK_STREAM"
    assert_line "fd 5: SO_TYPE is 2, which is SOCK_DGRAM"
    refute_output --partial "fd 3:"
    plain && return 0
    assert_line "socket(AF_INET, SOCK_STREAM, 0) = 4"
    assert_line "socket(AF_INET, SOCK_DGRAM, 0) = 5"
    assert_line "close(5) = 0"
    assert_line "close(4) = 0"
}

@test "01-socket: the kernel line: each fd is a socket:[inode] of its own, not in /proc/net" {
    plain && skip "the plain build narrates nothing"
    [ -d /proc/self/fd ] || skip "no /proc"
    run_lesson "$BIN/01-socket"
    assert_success
    # an unbound socket: the rule of /proc/net waits for a bound one
    assert_line --regexp '^    kernel: fd 3 is socket:\[[0-9]+\], not in /proc/net yet$'
    refute_output --partial "bound is not enough"
    assert_line --regexp '^    kernel: fd 4 is socket:\[[0-9]+\], not in /proc/net yet$'
    local a b
    a=$(grep -oE 'fd 3 is socket:\[[0-9]+\]' <<<"$output" | grep -oE '[0-9]+\]')
    b=$(grep -oE 'fd 4 is socket:\[[0-9]+\]' <<<"$output" | grep -oE '[0-9]+\]')
    [ -n "$a" ] && [ -n "$b" ] && [ "$a" != "$b" ]
}

@test "01-socket: with room for one socket only, the UDP socket fails with EMFILE and the TCP one is closed" {
    # shellcheck disable=SC2016 # $1 is for the inner shell
    run_lesson bash -c 'ulimit -n 4; exec "$1"' _ "$BIN/01-socket"
    assert_failure 1
    assert_line "socket: Too many open files"
    refute_output --partial "SO_TYPE is"
    plain && return 0
    assert_line "socket(AF_INET, SOCK_STREAM, 0) = 3"
    assert_line "socket(AF_INET, SOCK_DGRAM, 0) = -1 EMFILE (Too many open files)"
    assert_output --partial "likely cause: this process has as many files open as it may"
    assert_line "close(3) = 0"
}

@test "01-socket: each narrated call and its result match strace, also when socket() fails" {
    plain && skip "the plain build narrates nothing"
    need_strace
    # LeakSanitizer cannot run under ptrace: off for a sanitizer build
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
    run_lesson "${TRACE[@]}" "$BATS_TEST_TMPDIR/trace" "$BIN/01-socket"
    assert_success
    printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out"
    strace_matches "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/trace"
    run grep -cE '^[0-9]+ +getsockopt\(' "$BATS_TEST_TMPDIR/trace"
    assert_output 6
    # the failure path: socket() = -1 EMFILE, then close(3); prlimit
    # makes no socket calls of its own (bash asks getpeername(0))
    command -v prlimit >/dev/null || skip "no prlimit for the failure path"
    run_lesson "${TRACE[@]}" "$BATS_TEST_TMPDIR/trace2" \
        prlimit --nofile=4 "$BIN/01-socket"
    assert_failure 1
    printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out2"
    strace_matches "$BATS_TEST_TMPDIR/out2" "$BATS_TEST_TMPDIR/trace2"
    run grep -E 'socket\(AF_INET, SOCK_DGRAM, IPPROTO_IP\) = -1 EMFILE' \
        "$BATS_TEST_TMPDIR/trace2"
    assert_success
}

@test "01-socket: --help lists no --host, --port or --timeout, and they are refused" {
    run_lesson "$BIN/01-socket" --help
    assert_success
    assert_line "usage: $BIN/01-socket [options]"
    refute_output --partial "--host"
    refute_output --partial "--port"
    refute_output --partial "--timeout"
    refute_output --partial "--count"
    local opt
    for opt in --host --port --timeout; do
        run bash -c '"$1" "$2" 1 2>&1 >/dev/null' _ "$BIN/01-socket" "$opt"
        assert_failure 2
        assert_output "01-socket: $opt: unknown option (see --help)"
    done
}
