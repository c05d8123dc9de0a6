#!/usr/bin/env bats
# Lesson 02: bind

load test_helper


# The first line "getsockname(3, ADDR:PORT, 16) = 0" of $output: sets PORT.
port_from_getsockname() {
    local line
    line=$(grep -E '^getsockname\(3, [0-9.]+:[0-9]+, 16\) = 0$' <<<"$output" | head -n 1)
    [ -n "$line" ]
    PORT="${line##*:}"
    PORT="${PORT%%,*}"
}

@test "02-bind: builds alone with one plain cc command (gcc, and clang if present)" {
    run gcc -std=c11 -Wall -Wextra -Werror -pedantic \
        "$ROOT/lessons/02-bind/bind.c" -o "$BATS_TEST_TMPDIR/bind"
    assert_success
    assert_output ""
    if command -v clang >/dev/null; then
        run clang -std=c11 -Wall -Wextra -Werror -pedantic \
            "$ROOT/lessons/02-bind/bind.c" -o "$BATS_TEST_TMPDIR/bind-clang"
        assert_success
        assert_output ""
    fi
}

@test "02-bind: --port 0: the kernel chooses, getsockname shows it, a second bind gets EADDRINUSE" {
    run bare "$BIN/02-bind" --port 0
    assert_success
    assert_line "bind(3, 127.0.0.1:0, 16) = 0"
    port_from_getsockname
    [ "$PORT" -gt 0 ]
    assert_output --partial "port 0 is not a real port: it asks the kernel to choose"
    assert_output --partial "the kernel chose port $PORT; ntohs() turned the bytes"
    assert_output --partial "$(printf '%02x %02x' $((PORT >> 8)) $((PORT & 255))) back into"
    assert_line "bind(4, 127.0.0.1:$PORT, 16) = -1 EADDRINUSE (Address already in use)"
    assert_output --partial "this failure is the lesson: fd 3 already owns 127.0.0.1:$PORT"
    assert_line "close(4) = 0"
    assert_line "close(3) = 0"
}

@test "02-bind: htons and the bytes of struct sockaddr_in, in network order" {
    # a port that is free now: ask the kernel for one, then let it go
    local port hi lo value
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    hi=$(printf '%02x' $((port >> 8)))
    lo=$(printf '%02x' $((port & 255)))
    if [ "$(python3 -c 'import sys; print(sys.byteorder)')" = little ]; then
        value="0x$lo$hi"
    else
        value="0x$hi$lo"
    fi
    run bare "$BIN/02-bind" --host 127.0.0.2 --port "$port"
    assert_success
    assert_output --partial "htons($port) = $value: $port is $(printf '0x%04x' "$port"),"
    assert_line --regexp "^    sin_family (02 00|00 02) +AF_INET, in this machine's order$"
    assert_line --regexp "^    sin_port   $hi $lo +port $port, high byte first$"
    assert_line --regexp "^    sin_addr   7f 00 00 02 +127\.0\.0\.2$"
    assert_line --regexp "^    sin_zero   00 00 00 00 00 00 00 00 +padding, zero$"
    assert_line "bind(3, 127.0.0.2:$port, 16) = 0"
    assert_line "getsockname(3, 127.0.0.2:$port, 16) = 0"
    assert_line "bind(4, 127.0.0.2:$port, 16) = -1 EADDRINUSE (Address already in use)"
}

@test "02-bind: the kernel line: a bound, not listening socket is not in /proc/net/tcp" {
    [ -r /proc/net/tcp ] || skip "no /proc/net/tcp"
    run bare "$BIN/02-bind" --port 0
    assert_success
    assert_line --regexp "^    kernel: fd 3 is socket:\[[0-9]+\] \(from /proc/self/fd/3\); it is not in$"
}

@test "02-bind: the first bind failing (port taken by another program) exits 1, explained" {
    start_bg "$BATS_TEST_TMPDIR/holder" python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
print("listening on 127.0.0.1:%d" % s.getsockname()[1], flush=True)
time.sleep(30)
'
    wait_ready "$BATS_TEST_TMPDIR/holder"
    run bare "$BIN/02-bind" --port "$PORT"
    assert_failure 1
    assert_line "bind(3, 127.0.0.1:$PORT, 16) = -1 EADDRINUSE (Address already in use)"
    assert_output --partial "likely cause: another socket already has this address and port"
    assert_output --partial "try: use another --port, or --port 0"
    refute_output --partial "this failure is the lesson"
    assert_line "close(3) = 0"
}

@test "02-bind: the narrated return values match strace" {
    command -v strace >/dev/null || skip "no strace"
    # LeakSanitizer cannot run under ptrace: off for a sanitizer build
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
        run bare strace -o "$BATS_TEST_TMPDIR/trace" -e trace=bind,getsockname \
        "$BIN/02-bind" --port 0
    if grep -q 'Operation not permitted' <<<"$output"; then
        skip "strace not permitted here"
    fi
    assert_success
    port_from_getsockname
    run grep -E '^(bind|getsockname)' "$BATS_TEST_TMPDIR/trace"
    assert_line --regexp "^bind\(3, \{sa_family=AF_INET, sin_port=htons\(0\), sin_addr=inet_addr\(\"127\.0\.0\.1\"\)\}, 16\) = 0$"
    assert_line --regexp "^getsockname\(3, \{sa_family=AF_INET, sin_port=htons\($PORT\), .*\) = 0$"
    assert_line --regexp "^bind\(4, \{sa_family=AF_INET, sin_port=htons\($PORT\), .*\) = -1 EADDRINUSE \(Address already in use\)$"
}

@test "02-bind: --help exits 0; a bad option exits 2 with one line naming it" {
    run "$BIN/02-bind" --help
    assert_success
    assert_output --partial "usage: build/02-bind"
    run bash -c '"$1" --host localhost 2>&1 >/dev/null' _ "$BIN/02-bind"
    assert_failure 2
    assert_output "02-bind: --host: expected an IPv4 address such as 127.0.0.1 (names are not looked up), got 'localhost' (see --help)"
    run bash -c '"$1" --port=-1 2>&1 >/dev/null' _ "$BIN/02-bind"
    assert_failure 2
    assert_output "02-bind: --port: expected a port from 0 to 65535, got '-1' (see --help)"
}
