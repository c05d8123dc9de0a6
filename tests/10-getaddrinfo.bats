#!/usr/bin/env bats
# Lesson 10: getaddrinfo
#
# No test here makes a DNS query, and none relies on this machine's
# /etc/hosts: a test that looks up a name runs in a private world (its own
# user, network and mount namespaces, lo only), where /etc/hosts is a file
# of the test's own and /etc/nsswitch.conf says "hosts: files", so a name
# that is not in the file fails on the spot.

# PORT, BG_PID and EXIT_STATUS are set by test_helper; the code given to
# world is single-quoted on purpose: it expands in the world.
# shellcheck disable=SC2153,SC2016
load test_helper
load hostile/common

@test "10-getaddrinfo: an IPv4 literal gives one entry; connects to 04-accept and prints the greeting" {
    greeted 127.0.0.1 "$BIN/10-getaddrinfo"
    plain && return 0
    assert_line "getaddrinfo(\"127.0.0.1\", \"$PORT\", {AI_ADDRCONFIG, AF_UNSPEC, SOCK_STREAM},"
    assert_line "    [1] AF_INET SOCK_STREAM 127.0.0.1:$PORT"
    refute_line --partial "    [2] "
    assert_line "connect(3, 127.0.0.1:$PORT, 16) = 0"
    assert_line "freeaddrinfo(res)"
    assert_line "close(3) = 0"
    # freeaddrinfo() comes after the last use of the list: the connect.
    local c f
    c=$(grep -n '^connect(3' <<<"$output" | cut -d: -f1)
    f=$(grep -n '^freeaddrinfo' <<<"$output" | cut -d: -f1)
    [ "$f" -gt "$c" ]
}

@test "10-getaddrinfo: an IPv6 literal reaches 11-dual-stack-server on ::1" {
    need_ipv6
    greeted ::1 "$BIN/10-getaddrinfo"
    plain && return 0
    assert_line "    [1] AF_INET6 SOCK_STREAM [::1]:$PORT"
    assert_line "connect(3, [::1]:$PORT, 28) = 0"
}

@test "10-getaddrinfo: localhost with two addresses: ::1 refused, then 127.0.0.1 accepted" {
    need_world
    world '
serve "$T/server" "$BIN/04-accept" --port 0 --count 1 --timeout 10 || exit 1
"$ROOT/tests/hostile/run-clean" "$BIN/10-getaddrinfo" --port "$PORT"
echo "client exit $?"
reap'
    assert_success
    assert_line "client exit 0"
    assert_line "server exit 0"
    assert_line --partial "connect: Connection refused"
    assert_line --regexp '^connected to 127\.0\.0\.1:[0-9]+$'
    assert_line --regexp '^hello 127\.0\.0\.1:[0-9]+, you are client 1\\n$'
    plain && return 0
    local port
    port=$(grep -m 1 '^connected to' <<<"$output")
    port=${port##*:}
    assert_line "    [1] AF_INET6 SOCK_STREAM [::1]:$port"
    assert_line "    [2] AF_INET SOCK_STREAM 127.0.0.1:$port"
    assert_line "== trying [::1]:$port =="
    assert_line "connect(3, [::1]:$port, 28) = -1 ECONNREFUSED (Connection refused)"
    assert_line "== trying 127.0.0.1:$port =="
    assert_line "connect(3, 127.0.0.1:$port, 16) = 0"
    assert_said "one address failing says nothing about the others"
    assert_said "a machine with only those two gets every address, none left out"
}

@test "10-getaddrinfo: localhost whose first address works tries no other" {
    need_world
    world '
serve "$T/server" "$BIN/11-dual-stack-server" --port 0 --count 1 --timeout 10 || exit 1
"$ROOT/tests/hostile/run-clean" "$BIN/10-getaddrinfo" --port "$PORT"
echo "client exit $?"
reap'
    assert_success
    assert_line "client exit 0"
    assert_line --regexp '^connected to \[::1\]:[0-9]+$'
    assert_line --regexp '^hello \[::1\]:[0-9]+, you are client 1\\n$'
    refute_line --partial "Connection refused"
    plain && return 0
    run grep -c '^connect(' <<<"$output"
    assert_output 1
}

@test "10-getaddrinfo: every address refused: says so, frees the list, exits 1" {
    need_world
    world '
"$ROOT/tests/hostile/run-clean" "$BIN/10-getaddrinfo" --host both --port 9
echo "client exit $?"'
    assert_success
    assert_line "client exit 1"
    assert_line "could not connect to both port 9"
    run grep -c "connect: Connection refused" <<<"$output"
    assert_output 2
    plain && return 0
    world '"$ROOT/tests/hostile/run-clean" "$BIN/10-getaddrinfo" --host both --port 9'
    assert_line "connect(3, [::1]:9, 28) = -1 ECONNREFUSED (Connection refused)"
    assert_line "connect(3, 127.0.0.1:9, 16) = -1 ECONNREFUSED (Connection refused)"
    assert_line "freeaddrinfo(res)"
}

@test "10-getaddrinfo: a name not in /etc/hosts: EAI_NONAME at once, no DNS query, exit 1" {
    need_strace
    need_world
    world '
"$ROOT/tests/hostile/run-clean" "$BIN/10-getaddrinfo" --host nosuch --port 8888
echo "client exit $?"
ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0 timeout $((5 * ${SOCKSTEP_TEST_SCALE:-1})) \
    strace -f -e trace=network -o "$T/dns" "$BIN/10-getaddrinfo" --host nosuch >/dev/null 2>&1
echo "traced exit $?"
grep -c "htons(53)" "$T/dns" || true'
    assert_success
    assert_line "client exit 1"
    assert_line "traced exit 1"
    assert_line "getaddrinfo: Name or service not known"
    assert_line 0 # no packet for port 53 was even addressed
    refute_line --partial "trying"
    plain && return 0
    assert_line --regexp '^getaddrinfo\("nosuch", "8888", .*'
    assert_said "= EAI_NONAME (Name or service not known)"
    assert_said "likely cause: the name is not in /etc/hosts"
}

@test "10-getaddrinfo: --port takes a service name (http is port 80, pop3 110)" {
    need_world
    world '
serve "$T/server" "$BIN/04-accept" --port 80 --count 1 --timeout 10 || exit 1
"$ROOT/tests/hostile/run-clean" "$BIN/10-getaddrinfo" --host localhost --port http
echo "client exit $?"
"$ROOT/tests/hostile/run-clean" "$BIN/10-getaddrinfo" --port nosuchservice
echo "client exit $?"
"$ROOT/tests/hostile/run-clean" "$BIN/10-getaddrinfo" --port pop3 --timeout 2
echo "pop3 exit $?"
reap'
    assert_success
    assert_line "connected to 127.0.0.1:80"
    assert_line --regexp '^hello 127\.0\.0\.1:[0-9]+, you are client 1\\n$'
    assert_line "client exit 0"
    assert_line "getaddrinfo: Servname not supported for ai_socktype"
    assert_line "client exit 1"
    # a name with a digit is a name too (pop3 is port 110: nothing there)
    assert_line "pop3 exit 1"
    refute_line --partial "--port: expected"
    plain && return 0
    assert_line --regexp '^getaddrinfo\("localhost", "http", .*'
    assert_line --regexp '^getaddrinfo\("localhost", "pop3", .*'
    assert_line --regexp '^connect\(3, 127\.0\.0\.1:110, 16\) = -1 ECONNREFUSED'
    assert_said "= EAI_SERVICE (Servname not supported for ai_socktype)"
}

@test "10-getaddrinfo: AI_ADDRCONFIG on a machine whose only other interface is IPv4: no ::1, and a ::1 literal fails" {
    need_world
    world '
ip link add sst0 type veth peer name sst1 || exit 77
ip link set sst0 up && ip addr add 10.99.99.1/24 dev sst0 || exit 1
serve "$T/server" "$BIN/04-accept" --port 0 --count 1 --timeout 10 || exit 1
"$ROOT/tests/hostile/run-clean" "$BIN/10-getaddrinfo" --port "$PORT"
echo "client exit $?"
"$ROOT/tests/hostile/run-clean" "$BIN/10-getaddrinfo" --host ::1 --port "$PORT"
echo "client exit $?"
reap'
    [ "$status" -ne 77 ] || skip "no veth interfaces here"
    assert_success
    assert_line --regexp '^connected to 127\.0\.0\.1:[0-9]+$'
    refute_line --partial "Connection refused"
    assert_line "client exit 0"
    assert_line "getaddrinfo: Address family for hostname not supported"
    assert_line "client exit 1"
    plain && return 0
    refute_line --partial "AF_INET6 SOCK_STREAM"
    assert_said "= EAI_ADDRFAMILY (Address family for hostname not supported)"
    assert_said "with AI_ADDRCONFIG, a family this machine has no address of (127.0.0.1 and ::1 do not count)"
}

@test "10-getaddrinfo: bytes from a Python server print escaped, never raw" {
    need_ipv6
    start_bg "$BATS_TEST_TMPDIR/server" "$PYTHON" "$PEERS/send-once-server.py" \
        'b"hi\x1b[2J\x07 caf\xc3\xa9 \xff\r\n"' ::1
    wait_ready "$BATS_TEST_TMPDIR/server"
    run_lesson "$BIN/10-getaddrinfo" --host ::1 --port "$PORT"
    assert_success
    assert_line 'hi\x1b[2J\x07 café \xff\r\n'
    [[ "$output" != *$'\e'* ]]
    wait_exit "$BG_PID"
}

@test "10-getaddrinfo: a socat server over IPv4 sends two lines" {
    socat_lines 127.0.0.1
    run_lesson "$BIN/10-getaddrinfo" --host 127.0.0.1 --port "$PORT"
    assert_success
    assert_line "connected to 127.0.0.1:$PORT"
    assert_output --partial 'one\ntwo\n'
}

@test "10-getaddrinfo: a server that neither sends nor closes: --timeout, exit 1" {
    silent_server_times_out 10-getaddrinfo
    plain && return 0
    assert_line --regexp '^recv\(3, buf, 4096, 0\) = -1 EAGAIN .*'
}

@test "10-getaddrinfo: a server whose queue is full: connect() gives up after --timeout" {
    full_queue_gives_up 10-getaddrinfo
    plain && return 0
    assert_line --regexp "^connect\(3, 127\.0\.0\.1:$PORT, 16\) = -1 EINPROGRESS .*"
}

@test "10-getaddrinfo: each narrated call and its result match strace" {
    plain && skip "the plain build narrates nothing"
    need_strace
    untraceable_leaks
    start_server "$BATS_TEST_TMPDIR/server" 04-accept --count 1
    traced_client 0 client "$BIN/10-getaddrinfo" --host 127.0.0.1 \
        --port "$PORT"
}

@test "10-getaddrinfo: the refused-then-accepted loop matches strace too" {
    plain && skip "the plain build narrates nothing"
    need_strace
    need_world
    untraceable_leaks
    world '
serve "$T/server" "$BIN/04-accept" --port 0 --count 1 --timeout 10 || exit 1
"$ROOT/tests/hostile/run-clean" $TRACE_CMD "$T/trace" \
    "$BIN/10-getaddrinfo" --port "$PORT" >"$T/client" 2>&1
echo "client exit $?"
reap'
    assert_success
    assert_line "client exit 0"
    run grep -c '^connect(' "$BATS_TEST_TMPDIR/client"
    assert_output 2
    strace_matches "$BATS_TEST_TMPDIR/client" "$BATS_TEST_TMPDIR/trace" --subset
}

@test "10-getaddrinfo: the Python equivalent does the same against 04-accept and 11" {
    need_ipv6
    greeted 127.0.0.1 "$PYTHON" "$ROOT/docs/python/10_getaddrinfo.py"
    greeted ::1 "$PYTHON" "$ROOT/docs/python/10_getaddrinfo.py"
}

@test "10-getaddrinfo: the Python equivalent walks the list the same way" {
    need_world
    world '
serve "$T/server" "$BIN/04-accept" --port 0 --count 1 --timeout 10 || exit 1
timeout "$WAIT_LOOPBACK" "$PYTHON" "$ROOT/docs/python/10_getaddrinfo.py" --port "$PORT"
echo "client exit $?"
timeout "$WAIT_LOOPBACK" "$PYTHON" "$ROOT/docs/python/10_getaddrinfo.py" --host nosuch
echo "client exit $?"
reap'
    assert_success
    assert_line --regexp '^trying \[::1\]:[0-9]+$'
    assert_line "connect: Connection refused"
    assert_line --regexp '^connected to 127\.0\.0\.1:[0-9]+$'
    assert_line "client exit 0"
    assert_line "getaddrinfo: Name or service not known"
    assert_line "client exit 1"
}

@test "10-getaddrinfo: --help says what --host takes and what --timeout bounds" {
    run_lesson "$BIN/10-getaddrinfo" --help
    assert_success
    assert_output --partial "--host NAME"
    assert_output --partial "(default localhost)"
    assert_output --partial "seconds each connect() and each recv() may wait"
    refute_output --partial "--count"
    run_lesson "$BIN/10-getaddrinfo" --host 'bad name'
    assert_failure 2
    run_lesson "$BIN/10-getaddrinfo" --port 70000
    assert_failure 2
}
