#!/usr/bin/env bats
# Lesson 11: one AF_INET6 socket for IPv6 and IPv4 clients
#
# The default --host ::1 is loopback: those tests run on this machine's lo.
# A test that needs --host :: (every address) runs in a private world (its
# own user, network and mount namespaces, lo only), never on this
# machine's real interfaces; so does a test that looks up a name, with an
# /etc/hosts of its own and "hosts: files" (no DNS query).

# PORT, BG_PID and EXIT_STATUS are set by test_helper; the code given to
# world is single-quoted on purpose: it expands in the world.
# shellcheck disable=SC2153,SC2016
load test_helper
load hostile/common

# start6 OUTFILE ARGS...: start 11-dual-stack-server --port 0 ARGS in the
# background and wait for its ready line; sets PORT and BG_PID.
start6() {
    local out="$1"
    shift
    start_bg "$out" "$BIN/11-dual-stack-server" --port 0 "$@"
    wait_ready "$out"
}

@test "11-dual-stack: listens on [::1] by default and greets a Python IPv6 client with its real port" {
    need_ipv6
    start6 "$BATS_TEST_TMPDIR/server" --count 1 --timeout 10
    run grep -m 1 '^listening on ' "$BATS_TEST_TMPDIR/server"
    assert_output "listening on [::1]:$PORT"
    run timeout "$WAIT_LOOPBACK" "$PYTHON" "$PEERS/read-all-client.py" ::1 "$PORT"
    assert_success
    local cport="${lines[0]#port }"
    assert_line --index 1 "hello [::1]:$cport, you are client 1"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    plain && return 0
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "socket(AF_INET6, SOCK_STREAM, 0) = 3"
    assert_line "getsockopt(3, IPPROTO_IPV6, IPV6_V6ONLY, [0], [4]) = 0"
    assert_line "setsockopt(3, IPPROTO_IPV6, IPV6_V6ONLY, [0], 4) = 0"
    assert_line "bind(3, [::1]:0, 28) = 0"
    assert_line "getsockname(3, [::1]:$PORT, 28) = 0"
    assert_line "accept(3, [::1]:$cport, 28) = 4"
    assert_line "freeaddrinfo(res)"
    assert_said "A portable server sets it, before bind()"
    # The list is freed once bind() has copied the address, before listen().
    local b f l
    b=$(grep -n '^bind(3' "$BATS_TEST_TMPDIR/server" | cut -d: -f1)
    f=$(grep -n '^freeaddrinfo' "$BATS_TEST_TMPDIR/server" | cut -d: -f1)
    l=$(grep -n '^listen(3' "$BATS_TEST_TMPDIR/server" | cut -d: -f1)
    [ "$b" -lt "$f" ] && [ "$f" -lt "$l" ]
}

@test "11-dual-stack: on ::1 an IPv4 client is refused whatever IPV6_V6ONLY says" {
    need_ipv6
    start6 "$BATS_TEST_TMPDIR/server" --count 1 --timeout 2
    run timeout "$WAIT_LOOPBACK" "$PYTHON" "$PEERS/read-all-client.py" 127.0.0.1 "$PORT"
    assert_success
    assert_output "refused"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 1 ]
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "no client connected within --timeout 2 s"
    plain && return 0
    assert_said "::1 is IPv6's loopback address only: an IPv4 client comes to 127.0.0.1"
}

@test "11-dual-stack: --host :: takes IPv4 clients too, seen as ::ffff:127.0.0.1 (Python, socat, nc -6)" {
    need_world
    command -v socat >/dev/null || skip "no socat (apt-get install socat)"
    world '
serve "$T/server" "$BIN/11-dual-stack-server" --host :: --port 0 --count 3 --timeout 10 || exit 1
timeout "$WAIT_LOOPBACK" "$PYTHON" "$PEERS/read-all-client.py" 127.0.0.1 "$PORT"
timeout "$WAIT_LOOPBACK" socat -T 5 -t "$WAIT_LOOPBACK" - "TCP4:127.0.0.1:$PORT" </dev/null
timeout "$WAIT_LOOPBACK" nc -6 -N ::1 "$PORT" </dev/null
reap'
    assert_success
    local cport="${lines[0]#port }"
    assert_line --index 1 "hello [::ffff:127.0.0.1]:$cport, you are client 1"
    assert_line --index 2 --regexp '^hello \[::ffff:127\.0\.0\.1\]:[0-9]+, you are client 2$'
    assert_line --index 3 --regexp '^hello \[::1\]:[0-9]+, you are client 3$'
    assert_line "server exit 0"
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line --regexp '^listening on \[::\]:[0-9]+$'
    plain && return 0
    assert_line "bind(3, [::]:0, 28) = 0"
    assert_line "accept(3, [::ffff:127.0.0.1]:$cport, 28) = 4"
    assert_said "an IPv4 client: the kernel shows its address as an IPv6 one"
    refute_output --partial "::1 is IPv6's loopback address only"
}

@test "11-dual-stack: --host :: --v6only refuses the same IPv4 client, serves IPv6" {
    need_world
    world '
serve "$T/server" "$BIN/11-dual-stack-server" --host :: --v6only --port 0 --count 1 --timeout 10 || exit 1
timeout "$WAIT_LOOPBACK" "$PYTHON" "$PEERS/read-all-client.py" 127.0.0.1 "$PORT"
timeout "$WAIT_LOOPBACK" "$PYTHON" "$PEERS/read-all-client.py" ::1 "$PORT"
reap'
    assert_success
    assert_line --index 0 "refused"
    local cport="${lines[1]#port }"
    assert_line --index 2 "hello [::1]:$cport, you are client 1"
    assert_line "server exit 0"
    plain && return 0
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "getsockopt(3, IPPROTO_IPV6, IPV6_V6ONLY, [0], [4]) = 0"
    assert_line "setsockopt(3, IPPROTO_IPV6, IPV6_V6ONLY, [1], 4) = 0"
    refute_output --partial "::ffff:"
}

@test "11-dual-stack: an IPv4 --host becomes ::ffff:127.0.0.1: IPv4 clients only" {
    need_ipv6
    start6 "$BATS_TEST_TMPDIR/server" --host 127.0.0.1 --count 1 --timeout 10
    run grep -m 1 '^listening on ' "$BATS_TEST_TMPDIR/server"
    assert_output "listening on [::ffff:127.0.0.1]:$PORT"
    run timeout "$WAIT_LOOPBACK" "$PYTHON" "$PEERS/read-all-client.py" ::1 "$PORT"
    assert_output "refused"
    run timeout "$WAIT_LOOPBACK" "$PYTHON" "$PEERS/read-all-client.py" 127.0.0.1 "$PORT"
    local cport="${lines[0]#port }"
    assert_line --index 1 "hello [::ffff:127.0.0.1]:$cport, you are client 1"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    plain && return 0
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "bind(3, [::ffff:127.0.0.1]:0, 28) = 0"
}

@test "11-dual-stack: an IPv4 --host with --v6only: bind() fails with EINVAL, exit 1" {
    run_lesson timeout "$WAIT_LOOPBACK" "$BIN/11-dual-stack-server" --host 127.0.0.1 \
        --v6only --port 0 --timeout 1
    assert_failure 1
    assert_line "bind: Invalid argument"
    refute_line --partial "listening on"
    plain && return 0
    assert_line "bind(3, [::ffff:127.0.0.1]:0, 28) = -1 EINVAL (Invalid argument)"
    assert_said "an IPv4-mapped address (::ffff:a.b.c.d) was given to a socket with IPV6_V6ONLY 1"
    assert_line "freeaddrinfo(res)"
}

@test "11-dual-stack: --count 3 serves 10-getaddrinfo, nc -6 and socat one after another" {
    need_ipv6
    start6 "$BATS_TEST_TMPDIR/server" --count 3 --timeout 10
    run_lesson "$BIN/10-getaddrinfo" --host ::1 --port "$PORT"
    assert_success
    assert_line --regexp '^hello \[::1\]:[0-9]+, you are client 1\\n$'
    run timeout "$WAIT_RUN" nc -6 -N ::1 "$PORT" </dev/null
    assert_success
    assert_output --regexp '^hello \[::1\]:[0-9]+, you are client 2$'
    if command -v socat >/dev/null; then
        run timeout "$WAIT_RUN" socat -T 5 -t "$WAIT_LOOPBACK" - "TCP6:[::1]:$PORT" </dev/null
        assert_success
        assert_output --regexp '^hello \[::1\]:[0-9]+, you are client 3$'
    else
        echo "# no socat: the third client is nc -6" >&3
        run timeout "$WAIT_RUN" nc -6 -N ::1 "$PORT" </dev/null
    fi
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
}

@test "11-dual-stack: 10-getaddrinfo over IPv4 reaches it through --host ::" {
    need_world
    world '
serve "$T/server" "$BIN/11-dual-stack-server" --host :: --port 0 --count 1 --timeout 10 || exit 1
"$ROOT/tests/hostile/run-clean" "$BIN/10-getaddrinfo" --host 127.0.0.1 --port "$PORT"
echo "client exit $?"
reap'
    assert_success
    assert_line --regexp '^connected to 127\.0\.0\.1:[0-9]+$'
    assert_line --regexp '^hello \[::ffff:127\.0\.0\.1\]:[0-9]+, you are client 1\\n$'
    assert_line "client exit 0"
    assert_line "server exit 0"
}

@test "11-dual-stack: names: --host localhost is ::1 here; a name not in /etc/hosts fails with EAI_NONAME" {
    need_world
    printf '::1 localhost\n127.0.0.1 four\n' >"$BATS_TEST_TMPDIR/hosts"
    world '
serve "$T/server" "$BIN/11-dual-stack-server" --host localhost --port 0 --count 1 --timeout 10 || exit 1
grep "^listening on" "$T/server"
timeout "$WAIT_LOOPBACK" "$PYTHON" "$PEERS/read-all-client.py" ::1 "$PORT" | tail -n 1
reap
serve "$T/server4" "$BIN/11-dual-stack-server" --host four --port 0 --count 1 --timeout 10 || exit 1
grep "^listening on" "$T/server4"
timeout "$WAIT_LOOPBACK" "$PYTHON" "$PEERS/read-all-client.py" 127.0.0.1 "$PORT" | tail -n 1
reap
"$ROOT/tests/hostile/run-clean" "$BIN/11-dual-stack-server" --host nosuch --port 0 --timeout 1
echo "exit $?"'
    assert_success
    assert_line --regexp '^listening on \[::1\]:[0-9]+$'
    assert_line --regexp '^hello \[::1\]:[0-9]+, you are client 1$'
    assert_line --regexp '^listening on \[::ffff:127\.0\.0\.1\]:[0-9]+$'
    assert_line --regexp '^hello \[::ffff:127\.0\.0\.1\]:[0-9]+, you are client 1$'
    assert_line "getaddrinfo: Name or service not known"
    assert_line "exit 1"
    plain && return 0
    assert_said "= EAI_NONAME (Name or service not known)"
}

@test "11-dual-stack: served clients, then none within --timeout: exits 0" {
    need_ipv6
    # The client is started first, and connects from the Python already
    # running as soon as the port is known (no program to start then): the
    # server's first 2 s are not spent starting it on a busy machine.
    before_server "$BATS_TEST_TMPDIR/server" "$BATS_TEST_TMPDIR/client" -c '
import socket, sys
s = socket.create_connection(("::1", int(sys.argv[1])), timeout=20)
s.shutdown(socket.SHUT_WR)
while True:
    got = s.recv(1024)
    if not got:
        break
    sys.stdout.write(got.decode())
' '{port}'
    local client="$PEER_PID"
    start6 "$BATS_TEST_TMPDIR/server" --count 5 --timeout 2
    wait_exit "$client" 30
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/client"
    assert_output --regexp '^hello \[::1\]:[0-9]+, you are client 1$'
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "no more clients within --timeout 2 s"
}

@test "11-dual-stack: the port already in use fails with EADDRINUSE, with the real port in the advice" {
    need_ipv6
    start6 "$BATS_TEST_TMPDIR/first" --count 1 --timeout 10
    run_lesson "$BIN/11-dual-stack-server" --port "$PORT" --timeout 1
    assert_failure 1
    assert_line "bind: Address already in use"
    plain && return 0
    assert_line "bind(3, [::1]:$PORT, 28) = -1 EADDRINUSE (Address already in use)"
    assert_said "ss -tanp 'sport = :$PORT'"
    assert_line "freeaddrinfo(res)"
}

@test "11-dual-stack: each narrated call and its result match strace" {
    need_ipv6
    plain && skip "the plain build narrates nothing"
    need_strace
    untraceable_leaks
    start_bg "$BATS_TEST_TMPDIR/server" "${TRACE[@]}" "$BATS_TEST_TMPDIR/trace" \
        "$BIN/11-dual-stack-server" --port 0 --count 2 --timeout 10
    wait_ready "$BATS_TEST_TMPDIR/server"
    run timeout "$WAIT_RUN" nc -6 -N ::1 "$PORT" </dev/null
    assert_success
    run timeout "$((5 * SCALE))" "$PYTHON" -c '
import socket, struct, sys
s = socket.create_connection(("::1", int(sys.argv[1])), timeout=5)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()
' "$PORT"
    wait_exit "$BG_PID"
    strace_matches "$BATS_TEST_TMPDIR/server" "$BATS_TEST_TMPDIR/trace"
}

@test "11-dual-stack: the Python equivalent serves 10-getaddrinfo, and IPv4 with --host ::" {
    need_ipv6
    local py="$ROOT/docs/python/11_dual_stack.py"
    start_bg "$BATS_TEST_TMPDIR/server" "$PYTHON" "$py" --port 0 --timeout 10
    wait_ready "$BATS_TEST_TMPDIR/server"
    run_lesson "$BIN/10-getaddrinfo" --host ::1 --port "$PORT"
    assert_success
    assert_line --regexp '^hello \[::1\]:[0-9]+, you are client 1\\n$'
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    need_world
    world '
serve "$T/py" "$PYTHON" "$ROOT/docs/python/11_dual_stack.py" --host :: --port 0 --timeout 10 || exit 1
"$ROOT/tests/hostile/run-clean" "$BIN/10-getaddrinfo" --host 127.0.0.1 --port "$PORT" | grep "^hello"
reap
serve "$T/py6" "$PYTHON" "$ROOT/docs/python/11_dual_stack.py" --host :: --v6only --port 0 --timeout 1 || exit 1
"$ROOT/tests/hostile/run-clean" "$BIN/10-getaddrinfo" --host 127.0.0.1 --port "$PORT"
echo "client exit $?"
reap'
    assert_success
    assert_line --regexp '^hello \[::ffff:127\.0\.0\.1\]:[0-9]+, you are client 1\\n$'
    assert_line "connect: Connection refused"
    assert_line "client exit 1"
    assert_line "server exit 1"
}

@test "11-dual-stack: with no IPv6 on the loopback, bind() names the cause; --host 127.0.0.1 still listens" {
    # In a network namespace of the test's own whose loopback has no ::1,
    # as in a container started without IPv6.
    local off='ip link set lo up && for f in all lo; do echo 1 >/proc/sys/net/ipv6/conf/$f/disable_ipv6 || exit 1; done'
    need_unshare -rn -- sh -c "$off"
    run bare timeout "$WAIT_LONG" unshare -rn sh -c "$off && exec \"\$@\"" \
        nov6 "$BIN/11-dual-stack-server" --port 0 --timeout 1
    assert_failure 1
    plain || {
        assert_line "bind(3, [::1]:0, 28) = -1 EADDRNOTAVAIL (Cannot assign requested address)"
        assert_said "likely cause: ::1 is not an address of this machine: /proc/net/if_inet6 lists no ::1, so IPv6 is off on its loopback"
        assert_said "try: use IPv4, 127.0.0.1, where the program takes it"
    }
    assert_line "bind: Cannot assign requested address"
    # what the advice says to try: an IPv4 --host, mapped, binds there
    # (and, with no client within its --timeout, ends with status 1)
    run bare timeout "$WAIT_LONG" unshare -rn sh -c "$off && exec \"\$@\"" \
        nov6 "$BIN/11-dual-stack-server" --host 127.0.0.1 --port 0 --timeout 1
    assert_failure 1
    assert_line --regexp '^listening on \[::ffff:127\.0\.0\.1\]:[0-9]+$'
    refute_output --partial "Cannot assign requested address"
}

@test "11-dual-stack: --help lists --v6only and says the default host is ::1" {
    run_lesson "$BIN/11-dual-stack-server" --help
    assert_success
    assert_output --partial "--v6only"
    assert_output --partial "IPV6_V6ONLY 1: refuse IPv4 clients"
    assert_line "                 default ::1)"
    assert_output --partial "seconds accept() waits for each client"
    run_lesson "$BIN/11-dual-stack-server" --v6only=1
    assert_failure 2
}
