#!/usr/bin/env bats
# Lesson 17: Unix domain sockets (a path, SO_PEERCRED, socketpair, SCM_RIGHTS)

# BG_PID and EXIT_STATUS are set by test_helper.
# shellcheck disable=SC2153
load test_helper
load hostile/common # wait_for

setup() {
    SOCK="$BATS_TEST_TMPDIR/s.sock"
}

teardown() {
    kill_all_bg
    if [[ -n "${SHARED:-}" ]]; then
        rm -rf "$SHARED"
    fi
}

# unix_server OUT ARGS...: the lesson's server in the background; waits for
# its ready line "listening on PATH". Sets BG_PID.
unix_server() {
    local out="$1"
    shift
    start_bg "$out" "$BIN/17-unix-server" "$@"
    wait_for "$out" '^listening on /'
}

@test "17-unix: server and client: each learns the other's real pid; a socket comes with the greeting" {
    unix_server "$BATS_TEST_TMPDIR/server" --path "$SOCK" --timeout 10
    local spid="$BG_PID"
    start_bg "$BATS_TEST_TMPDIR/client" "$BIN/17-unix-client" --path "$SOCK"
    local cpid="$BG_PID"
    wait_exit "$cpid"
    [ "$EXIT_STATUS" -eq 0 ]
    # A bound for a broken server, not a clock: the sanitizer build on a
    # loaded machine took more than 10 s to finish after its client.
    wait_exit "$spid" 30
    [ "$EXIT_STATUS" -eq 0 ]
    [ ! -e "$SOCK" ] # the server removed its file
    run cat "$BATS_TEST_TMPDIR/client"
    assert_line --regexp "^the server: pid $spid, uid $(id -u), gid $(id -g)$"
    assert_line "greeting: hello pid $cpid, here is a socket\\n"
    assert_line 'this line came over the socket pair, which has no name\n'
    if ! plain; then
        assert_said 'recvmsg(3, {msg_iov=[{"hello pid '
        assert_said ', 512}], msg_control=[{SCM_RIGHTS, [4]}]}, 0) = '
        assert_line "close(4) = 0"
    fi
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "listening on $SOCK"
    assert_line "client 1: pid $cpid, uid $(id -u), gid $(id -g)"
    plain && return 0
    assert_line "bind(3, $SOCK, 110) = 0"
    # fd 4 is the lock (PATH.lock), 5 the client's socket, 6 and 7 the pair
    assert_line "socketpair(AF_UNIX, SOCK_STREAM, 0, [6, 7]) = 0"
    assert_said 'msg_control=[{SCM_RIGHTS, [7]}]}, MSG_NOSIGNAL) = '
    # (one line as root; an ordinary user's longer uid may wrap it)
    assert_said "getsockopt(5, SOL_SOCKET, SO_PEERCRED, {pid=$cpid, uid=$(id -u), gid=$(id -g)}, [12]) = 0"
    # (a long path wraps the line: a TMPDIR with a space is reached by a
    # longer name, tests/run says why)
    assert_said "kernel: unix stream LISTEN at $SOCK (from"
}

@test "17-unix: the narrated calls of the server and the client match strace" {
    plain && skip "the plain build narrates nothing"
    need_strace
    untraceable_leaks
    start_bg "$BATS_TEST_TMPDIR/server" "${TRACE[@]}" "$BATS_TEST_TMPDIR/strace" \
        "$BIN/17-unix-server" --path "$SOCK" --timeout 10
    local spid="$BG_PID"
    wait_for "$BATS_TEST_TMPDIR/server" '^listening on /'
    bare "${TRACE[@]}" "$BATS_TEST_TMPDIR/ctrace" "$BIN/17-unix-client" \
        --path "$SOCK" >"$BATS_TEST_TMPDIR/client"
    wait_exit "$spid"
    strace_matches "$BATS_TEST_TMPDIR/server" "$BATS_TEST_TMPDIR/strace"
    strace_matches "$BATS_TEST_TMPDIR/client" "$BATS_TEST_TMPDIR/ctrace"
}

@test "17-unix: a Python AF_UNIX client (the handout's) receives the passed socket" {
    unix_server "$BATS_TEST_TMPDIR/server" --path "$SOCK" --timeout 10
    local spid="$BG_PID"
    run timeout "$WAIT_LOOPBACK" "$PYTHON" "$ROOT/docs/python/17_unix.py" --path "$SOCK"
    assert_success
    assert_line "the server: pid $spid, uid $(id -u), gid $(id -g)"
    assert_line --regexp '^greeting: hello pid [0-9]+, here is a socket\\n$'
    assert_line 'this line came over the socket pair, which has no name\n'
}

@test "17-unix: socat as a client gets the greeting; the descriptor it did not take is closed" {
    command -v socat >/dev/null || skip "socat is not installed"
    unix_server "$BATS_TEST_TMPDIR/server" --path "$SOCK" --timeout 10
    local spid="$BG_PID"
    run timeout "$WAIT_LOOPBACK" socat -t "$WAIT_LOOPBACK" - "UNIX-CONNECT:$SOCK" </dev/null
    assert_success
    assert_output --regexp '^hello pid [0-9]+, here is a socket$'
    wait_exit "$spid"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line --regexp '^client 1: pid [0-9]+, uid [0-9]+, gid [0-9]+$'
}

@test "17-unix: the C client against a Python AF_UNIX server: its pid, its greeting, its socket" {
    start_bg "$BATS_TEST_TMPDIR/py" "$PYTHON" "$PEERS/unix-fd-server.py" "$SOCK"
    local ppid="$BG_PID"
    # Its line comes after listen(): the file alone is there from bind()
    # on, and a connect() between the two is refused (a busy machine).
    wait_until 10 grep -q '^listening on ' "$BATS_TEST_TMPDIR/py"
    run_lesson "$BIN/17-unix-client" --path "$SOCK" --timeout 5
    assert_success
    assert_line "the server: pid $ppid, uid $(id -u), gid $(id -g)"
    assert_line "greeting: from python $ppid\\n"
    assert_line 'over the pair\n'
}

@test "17-unix: a socket file left by a killed server: EADDRINUSE, its lock is free, unlink, bind again" {
    unix_server "$BATS_TEST_TMPDIR/first" --path "$SOCK" --timeout 10
    kill -KILL "$BG_PID"
    wait_exit "$BG_PID"
    [ -S "$SOCK" ] # the file outlives its server
    [ -f "$SOCK.lock" ] # and so does its lock file, but not the lock
    unix_server "$BATS_TEST_TMPDIR/second" --path "$SOCK" --timeout 10
    run_lesson "$BIN/17-unix-client" --path "$SOCK"
    assert_success
    run cat "$BATS_TEST_TMPDIR/second"
    assert_line "listening on $SOCK"
    assert_line --regexp '^client 1: pid [0-9]+'
    plain && return 0
    assert_said "bind(3, $SOCK, 110) = -1 EADDRINUSE (Address already in use)"
    assert_said "we hold $SOCK.lock, so no server of this lesson runs there: the socket file is left over from one that ended without unlink()"
    # no probe: it never connects to what may be a live server
    refute_output --regexp '^connect\('
    assert_line "bind(3, $SOCK, 110) = 0"
}

@test "17-unix: a second server while the first listens: refused without connecting, and the first serves on" {
    unix_server "$BATS_TEST_TMPDIR/first" --path "$SOCK" --timeout 10 --count 2
    local first="$BG_PID"
    run_lesson "$BIN/17-unix-server" --path "$SOCK" --timeout 10
    assert_failure 1
    assert_line "another server is running at $SOCK (it holds $SOCK.lock)"
    refute_output --regexp '^connect\('
    [ -S "$SOCK" ]
    [ -f "$SOCK.lock" ]
    # The first one saw nobody: its first client is the real one, and its
    # second, which ends it (--count 2), too.
    run_lesson "$BIN/17-unix-client" --path "$SOCK"
    assert_success
    assert_line --regexp "^the server: pid $first,"
    run_lesson "$BIN/17-unix-client" --path "$SOCK"
    assert_success
    wait_exit "$first"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/first"
    assert_line --regexp "^client 1: pid [0-9]+"
    assert_line --regexp "^client 2: pid [0-9]+"
    # It removed what it made, lock file included.
    [ ! -e "$SOCK" ]
    [ ! -e "$SOCK.lock" ]
}

@test "17-unix: --path naming a regular file or a directory: refused, left as it was, exit 1" {
    local f="$BATS_TEST_TMPDIR/notes.txt" d="$BATS_TEST_TMPDIR/dir"
    printf 'precious\n' >"$f"
    mkdir "$d"
    touch "$d/inside"
    run_lesson "$BIN/17-unix-server" --path "$f" --timeout 1
    assert_failure 1
    assert_line "$f exists and is not a socket: it is left alone. Choose another --path"
    run cat "$f"
    assert_output "precious"
    run_lesson "$BIN/17-unix-server" --path "$d" --timeout 1
    assert_failure 1
    assert_line "$d exists and is not a socket: it is left alone. Choose another --path"
    [ -e "$d/inside" ]
    # and no lock file left behind by the refused runs
    [ ! -e "$f.lock" ]
    [ ! -e "$d.lock" ]
}

@test "17-unix: a file of the user's where the lock goes (PATH.lock) is left alone" {
    printf 'mine\n' >"$SOCK.lock"
    run_lesson timeout "$WAIT_LOOPBACK" "$BIN/17-unix-server" --path "$SOCK" --timeout 1
    assert_failure 1 # nobody came within --timeout
    assert_line "no client connected within --timeout 1 s"
    run cat "$SOCK.lock"
    assert_output "mine" # not removed, not changed: it was not the lesson's
    [ ! -e "$SOCK" ]
    mkdir "$BATS_TEST_TMPDIR/d.sock.lock"
    run_lesson "$BIN/17-unix-server" --path "$BATS_TEST_TMPDIR/d.sock" --timeout 1
    assert_failure 1
    assert_line "$BATS_TEST_TMPDIR/d.sock.lock exists and is not a lock file: it is left alone. Choose another --path"
    [ -d "$BATS_TEST_TMPDIR/d.sock.lock" ]
}

@test "17-unix: the file's permissions decide who may connect (--mode 600, then 666)" {
    [ "$(id -u)" -eq 0 ] || skip "needs root, to run the client as another user"
    command -v setpriv >/dev/null || skip "no setpriv"
    SHARED=$(mktemp -d /tmp/sockstep17.XXXXXX)
    chmod 711 "$SHARED"
    local sock="$SHARED/s.sock" other=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    unix_server "$BATS_TEST_TMPDIR/server" --path "$sock" --timeout 10 --count 1
    run ls -l "$sock"
    assert_output --regexp '^srw------- '
    run_lesson "${other[@]}" "$BIN/17-unix-client" --path "$sock"
    assert_failure 1
    assert_line --partial "connect: Permission denied"
    if ! plain; then
        assert_said "likely cause: this user may not connect: on Linux connect() needs write permission on the socket file $sock"
    fi
    kill_all_bg
    rm -f "$sock"
    unix_server "$BATS_TEST_TMPDIR/server2" --path "$sock" --timeout 10 --mode 666
    run_lesson "${other[@]}" "$BIN/17-unix-client" --path "$sock"
    assert_success
    run cat "$BATS_TEST_TMPDIR/server2"
    assert_line --regexp '^client 1: pid [0-9]+, uid 65534, gid 65534$'
}

@test "17-unix: the default path is in a directory of the user's own, mode 700" {
    export TMPDIR="$BATS_TEST_TMPDIR"
    local dir
    dir="$BATS_TEST_TMPDIR/sockstep-17-$(id -u)"
    unix_server "$BATS_TEST_TMPDIR/server" --timeout 10
    run stat -c %a "$dir"
    assert_output "700"
    run_lesson "$BIN/17-unix-client"
    assert_success
    assert_line --regexp '^greeting: hello pid [0-9]+'
    wait_exit "$BG_PID"
    # a directory of that name that others may enter is refused
    chmod 777 "$dir"
    run_lesson "$BIN/17-unix-server" --timeout 1
    assert_failure 1
    assert_output "17-unix-server: $dir is not a directory of yours with mode 700"
}

@test "17-unix: the kernel's view: /proc/net/unix and ss -x list the socket file" {
    unix_server "$BATS_TEST_TMPDIR/server" --path "$SOCK" --timeout 10
    local spid="$BG_PID"
    run grep -c " $SOCK\$" /proc/net/unix
    assert_output "1"
    command -v ss >/dev/null || skip "no ss"
    run ss -xlp
    assert_output --regexp "$SOCK .*pid=$spid,"
}

@test "17-unix: nobody within --timeout: exits 1 and removes its file; bad --path and --mode exit 2" {
    run_lesson "$BIN/17-unix-server" --path "$SOCK" --timeout 1
    assert_failure 1
    assert_line "no client connected within --timeout 1 s"
    [ ! -e "$SOCK" ]
    run_lesson "$BIN/17-unix-server" --path "/tmp/$(head -c 120 /dev/zero | tr '\0' x)"
    assert_failure 2
    assert_output "17-unix-server: --path: expected at most 107 bytes, to fit sun_path (see --help)"
    run_lesson "$BIN/17-unix-client" --path "/tmp/$(head -c 120 /dev/zero | tr '\0' x)"
    assert_failure 2
    assert_output "17-unix-client: --path: expected at most 107 bytes, to fit sun_path (see --help)"
    run_lesson "$BIN/17-unix-server" --path "$SOCK" --mode 9
    assert_failure 2
    assert_output "17-unix-server: --mode: expected an octal mode such as 600, got '9' (see --help)"
}

@test "17-unix: a relative --path is told as a file too: bind() makes it, and a file in the way gets the Unix advice" {
    cd "$BATS_TEST_TMPDIR"
    run_lesson "$BIN/17-unix-server" --path rel.sock --timeout 1
    assert_failure 1
    assert_line "no client connected within --timeout 1 s"
    : >busy.sock # a file that is no socket, in the way
    run_lesson "$BIN/17-unix-server" --path busy.sock --timeout 1
    assert_failure 1
    assert_line "busy.sock exists and is not a socket: it is left alone. Choose another --path"
    plain && return 0
    assert_line "bind(3, busy.sock, 110) = -1 EADDRINUSE (Address already in use)"
    assert_said "likely cause: a file named busy.sock exists: a server is running there, or one ended without unlink() and left its socket file behind"
    refute_output --partial "sport"
    run_lesson "$BIN/17-unix-server" --path rel.sock --timeout 1
    assert_said "bind() made the file rel.sock, of type socket (an s in ls -l)."
}

@test "17-unix: a client with no server: ENOENT, explained" {
    run_lesson "$BIN/17-unix-client" --path "$SOCK"
    assert_failure 1
    assert_line "connect: No such file or directory"
    plain && return 0
    assert_said "likely cause: no file $SOCK: the server is not running, or uses another path"
}

@test "17-unix: --help lists --path and --mode" {
    run_lesson "$BIN/17-unix-server" --help
    assert_success
    assert_output --partial "--path PATH"
    assert_output --partial "--mode OCTAL"
    refute_output --partial "--port"
    run_lesson "$BIN/17-unix-client" --help
    assert_success
    assert_output --partial "--path PATH"
}
