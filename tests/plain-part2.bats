#!/usr/bin/env bats
# More plain programs (lessons/plain/), each printed whole in the handout:
# Part I's echo server and client with getaddrinfo() (gai-server and
# gai-client, printed at the end of Part I), lesson 15's binary record (record), lesson 18's multicast
# receiver and sender (multicast) and lesson 19's throughput. Each is built
# with the strict flags and only POSIX asked for, and talks over loopback
# (multicast: in a network namespace of its own) to a peer nobody here
# wrote: Python, socat. Servers take port 0; no assertion reads a time.

# PORT, BG_PID and EXIT_STATUS are set by test_helper (wait_ready, wait_exit).
# shellcheck disable=SC2153
load test_helper

teardown() {
    kill_all_bg
}

# build_plain NAME...: lessons/plain/NAME.c as make plain builds it, into
# the test's own directory.
build_plain() {
    local f
    for f in "$@"; do
        cc_strict -D_POSIX_C_SOURCE=200809L "$ROOT/lessons/plain/$f.c" \
            -o "$BATS_TEST_TMPDIR/$f"
    done
}

# ipv6: this machine can listen on ::1.
ipv6() {
    "$PYTHON" -c 'import socket
socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null
}

@test "plain gai-server and gai-client: the server serves a Python client over IPv6 and socat over IPv4; is a client of Python" {
    local dir="$BATS_TEST_TMPDIR"
    command -v socat >/dev/null || skip "no socat (apt-get install socat)"
    build_plain gai-server gai-client
    ipv6 || skip "no IPv6 on loopback here"
    # The server on ::1, a Python client (started first: the server's
    # accept() waits 30 s from its ready line): every byte comes back.
    before_server "$dir/server.out" "$dir/py.out" -c 'import socket, sys
s = socket.create_connection(("::1", int(sys.argv[1])), timeout=10)
msg = b"hello\0\xff" * 1000
s.sendall(msg)
s.shutdown(socket.SHUT_WR)
got = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    got += b
print("echoed" if got == msg else "wrong: %d bytes" % len(got))' '{port}'
    local peer=$PEER_PID
    start_bg "$dir/server.out" "$dir/gai-server" ::1 0
    local server=$BG_PID
    wait_ready "$dir/server.out"
    run cat "$dir/server.out"
    assert_output "listening on [::1]:$PORT"
    wait_exit "$peer" 30
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$dir/py.out"
    assert_output echoed
    wait_exit "$server"
    [ "$EXIT_STATUS" -eq 0 ]

    # The server on 127.0.0.1, socat as the client.
    start_bg "$dir/server.out" "$dir/gai-server" 127.0.0.1 0
    wait_ready "$dir/server.out"
    run cat "$dir/server.out"
    assert_output "listening on 127.0.0.1:$PORT"
    run timeout "$WAIT_LOOPBACK" socat -t "$WAIT_LOOPBACK" - "TCP4:127.0.0.1:$PORT" \
        <<<'one line'
    assert_success
    assert_output 'one line'
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]

    # The client against a Python echo server on ::1; what comes back is
    # printed escaped.
    start_bg "$dir/py.out" "$PYTHON" -c 'import socket
s = socket.socket(socket.AF_INET6)
s.bind(("::1", 0))
s.listen(1)
s.settimeout(10)
print("listening on [::1]:%d" % s.getsockname()[1], flush=True)
c, _ = s.accept()
c.settimeout(10)
while True:
    b = c.recv(3)
    if not b:
        break
    c.sendall(b)'
    wait_ready "$dir/py.out"
    run_lesson timeout "$WAIT_LOOPBACK" "$dir/gai-client" ::1 "$PORT" \
        $'a\033[2Jb'
    assert_success
    refute_output --partial $'\033'
    [[ "$(sed -n 's/^received //p' <<<"$output" | tr -d '\n')" == \
        'a\x1b[2Jb' ]]
    # Nothing there now: the one address's connect() fails, and says so.
    run_lesson "$dir/gai-client" ::1 "$PORT" x
    [ "$status" -eq 1 ]
    assert_output 'connect: Connection refused'
    # Wrong arguments: a usage line, exit 2; a port that is no number
    # and no service name: getaddrinfo()'s own message.
    run_lesson "$dir/gai-server" 127.0.0.1
    [ "$status" -eq 2 ]
    assert_output --partial 'usage: '
    run_lesson "$dir/gai-client" 127.0.0.1 80
    [ "$status" -eq 2 ]
    assert_output --partial 'usage: '
    run_lesson "$dir/gai-server" 127.0.0.1 no-such-service
    [ "$status" -eq 2 ]
    assert_output --regexp '^getaddrinfo: '
    run_lesson "$dir/gai-client" 127.0.0.1 no-such-service x
    [ "$status" -eq 2 ]
    assert_output --regexp '^getaddrinfo: '
}

# A Python server for record: it reads one record with struct's "!IHH",
# prints what it read, and answers as argv[1] says (normal: id + 1,
# score * 2 and the name upper-cased; long: a name length of 65; cut:
# closes in the middle of its answer).
RECORD_PEER='import socket, struct, sys
mode = sys.argv[1]
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
s.settimeout(10)
print("listening on 127.0.0.1:%d" % s.getsockname()[1], flush=True)
c, _ = s.accept()
c.settimeout(10)
def exactly(n):
    got = b""
    while len(got) < n:
        b = c.recv(n - len(got))
        if not b:
            sys.exit("closed after %d of %d bytes" % (len(got), n))
        got += b
    return got
rid, score, n = struct.unpack("!IHH", exactly(8))
name = exactly(n)
print("read id %d, score %d, name %r" % (rid, score, name), flush=True)
if mode == "long":
    c.sendall(struct.pack("!IHH", 1, 2, 65) + b"x" * 65)
elif mode == "cut":
    c.sendall(struct.pack("!IHH", 1, 2, 10) + b"abc")
else:
    c.sendall(struct.pack("!IHH", rid + 1, score * 2 % 65536, n)
              + name.upper())
c.close()'

# accepted PORT CPORT: the server's side of the connection from CPORT to
# PORT has left the accept queue: /proc/net/tcp (or tcp6) gives it an
# inode (a descriptor holds it), or a state past ESTABLISHED (01: the
# server closed it already).
accepted() {
    awk -v lp="$(printf '%04X' "$1")" -v rp="$(printf '%04X' "$2")" '
        FNR > 1 {
            split($2, l, ":"); split($3, r, ":")
            if (l[2] == lp && r[2] == rp && ($10 != 0 || $4 != "01")) found = 1
        }
        END { exit !found }' /proc/net/tcp /proc/net/tcp6
}

@test "plain servers from lesson 07 on set SO_REUSEADDR: stopped with a client connected, each binds its port again at once" {
    # Lesson 07's rule, "Set SO_REUSEADDR before every bind() in a
    # server", in the plain servers the book prints after it. A Python
    # client connects and is accepted; the server gets Ctrl-C (SIGINT)
    # and its side of the connection stays, holding the port (FIN_WAIT2,
    # or open in fork-server's child). Without SO_REUSEADDR on both the
    # old socket and the new, the restart fails: bind: Address already
    # in use.
    local dir="$BATS_TEST_TMPDIR" prog cport server holder i
    build_plain gai-server dual-stack fork-server poll-chat select-chat \
        throughput epoll-echo
    for prog in gai-server dual-stack fork-server poll-chat select-chat \
        throughput epoll-echo; do
        before_server "$dir/$prog.out" "$dir/$prog.client" -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=60)
print("from", s.getsockname()[1], flush=True)
try:
    while s.recv(4096):
        pass
except OSError:
    pass' '{port}'
        holder=$PEER_PID
        start_bg "$dir/$prog.out" "$dir/$prog" 127.0.0.1 0
        server=$BG_PID
        wait_ready "$dir/$prog.out"
        wait_until 10 grep -q '^from ' "$dir/$prog.client" || {
            echo "$prog: the client never connected" >&2
            cat "$dir/$prog.client" >&2
            false
        }
        cport=$(sed -n 's/^from //p' "$dir/$prog.client")
        wait_until 10 accepted "$PORT" "$cport" || {
            echo "$prog: never accepted the client from port $cport" >&2
            false
        }
        kill -INT "$server"
        wait_exit "$server"
        start_bg "$dir/$prog.again" "$dir/$prog" 127.0.0.1 "$PORT"
        # the restart listens, or fails at once: whichever comes first
        for ((i = 0; i < 200 * SCALE; i++)); do
            grep -q '^listening on ' "$dir/$prog.again" && break
            ss_running "$BG_PID" || break
            sleep 0.05
        done
        grep -Eq "^listening on \[?[:f]*127\.0\.0\.1\]?:$PORT\$" \
            "$dir/$prog.again" || {
            echo "$prog, restarted on port $PORT, printed:" >&2
            cat "$dir/$prog.again" >&2
            false
        }
        kill -TERM "$BG_PID" "$holder" 2>/dev/null || true
        wait "$BG_PID" "$holder" 2>/dev/null || true
    done
}

@test "plain record: network byte order both ways, as Python's struct packs it" {
    local dir="$BATS_TEST_TMPDIR"
    build_plain record
    # 0x12345678 and 0x1234: numbers that read otherwise byte-swapped.
    start_bg "$dir/py.out" "$PYTHON" -c "$RECORD_PEER" normal
    wait_ready "$dir/py.out"
    run_lesson timeout "$WAIT_LOOPBACK" "$dir/record" 127.0.0.1 "$PORT" \
        305419896 4660 $'ann\033'
    assert_success
    assert_output 'id 305419897, score 9320, name ANN\x1b'
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$dir/py.out"
    assert_line --index 1 "read id 305419896, score 4660, name b'ann\\x1b'"
    # The largest of each field, and an empty name.
    start_bg "$dir/py.out" "$PYTHON" -c "$RECORD_PEER" normal
    wait_ready "$dir/py.out"
    run_lesson timeout "$WAIT_LOOPBACK" "$dir/record" 127.0.0.1 "$PORT" \
        4294967294 65535 ''
    assert_success
    assert_output 'id 4294967295, score 65534, name '
    wait_exit "$BG_PID"
    run cat "$dir/py.out"
    assert_line --index 1 "read id 4294967294, score 65535, name b''"
}

@test "plain record: a name length over 64 is refused before the name is read; a cut answer is named" {
    local dir="$BATS_TEST_TMPDIR" args
    build_plain record
    start_bg "$dir/py.out" "$PYTHON" -c "$RECORD_PEER" long
    wait_ready "$dir/py.out"
    run_lesson timeout "$WAIT_LOOPBACK" "$dir/record" 127.0.0.1 "$PORT" 1 2 x
    [ "$status" -eq 1 ]
    assert_output 'a name of 65 bytes: over 64'
    start_bg "$dir/py.out" "$PYTHON" -c "$RECORD_PEER" cut
    wait_ready "$dir/py.out"
    run_lesson timeout "$WAIT_LOOPBACK" "$dir/record" 127.0.0.1 "$PORT" 1 2 x
    [ "$status" -eq 1 ]
    assert_output 'the server closed in the middle of a reply'
    # Bad command lines: exit 2, one line naming what is wrong.
    run_lesson "$dir/record" 127.0.0.1 "$PORT" 1 2 "$(printf '%065d' 0)"
    [ "$status" -eq 2 ]
    assert_output --partial 'usage: '
    for args in 'ID x' 'ID -1' 'ID 4294967296' 'ID 99999999999999999999999' \
        'SCORE 65536' 'SCORE ""' \
        'PORT 65536' 'PORT 0'; do
        local what=${args%% *} value=${args#* } line
        case $what in
        ID) line="127.0.0.1 1 $value 2 n" ;;
        SCORE) line="127.0.0.1 1 1 $value n" ;;
        PORT) line="127.0.0.1 $value 1 2 n" ;;
        esac
        eval "run_lesson \"\$dir/record\" $line"
        [ "$status" -eq 2 ] || { echo "record $line: $status" >&2; false; }
        assert_output --regexp "^$what: not a number from [01] to [0-9]+: "
    done
}

# A Python peer for throughput: with "send PORT N" it sends N random bytes
# to 127.0.0.1:PORT, shuts its side and waits for the close; with
# "receive" it listens, reads until the end and closes. Each prints the
# byte count and zlib'"'"'s Adler-32 of the bytes.
THROUGHPUT_PEER='import os, socket, sys, zlib
if sys.argv[1] == "send":
    c = socket.create_connection(("127.0.0.1", int(sys.argv[2])), timeout=30)
    data = os.urandom(int(sys.argv[3]))
    c.sendall(data)
    c.shutdown(socket.SHUT_WR)
    c.recv(1)
    total, check = len(data), zlib.adler32(data)
else:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    s.settimeout(30)
    print("listening on 127.0.0.1:%d" % s.getsockname()[1], flush=True)
    c, _ = s.accept()
    c.settimeout(30)
    total, check = 0, 1
    while True:
        b = c.recv(65536)
        if not b:
            break
        total, check = total + len(b), zlib.adler32(b, check)
    c.close()
print("%d bytes, adler32 %08x" % (total, check))'

# The bytes and checksum of a throughput line ("sent N bytes, adler32 X,
# in S s: R MB/s"), or nothing: the rate is there, and never compared.
bytes_and_sum() {
    sed -En 's/^(sent|received) ([0-9]+ bytes, adler32 [0-9a-f]{8}), in [0-9.]+ s: ([0-9]+|inf) MB\/s$/\2/p' <<<"$1"
}

@test "plain throughput: every byte counted and checksummed alike, against Python and socat" {
    local dir="$BATS_TEST_TMPDIR" want
    build_plain throughput
    # The receiver, with Python sending 3 MiB and 5 bytes (Python starts
    # first: the receiver's accept() waits 10 s from its ready line).
    before_server "$dir/r.out" "$dir/py.out" -c "$THROUGHPUT_PEER" send \
        '{port}' 3145733
    local peer=$PEER_PID
    start_bg "$dir/r.out" "$dir/throughput" 127.0.0.1 0
    local receiver=$BG_PID
    wait_ready "$dir/r.out"
    wait_exit "$peer" 30
    [ "$EXIT_STATUS" -eq 0 ]
    want=$(<"$dir/py.out")
    [[ "$want" =~ ^3145733\ bytes,\ adler32\ [0-9a-f]{8}$ ]]
    wait_exit "$receiver" 30
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$dir/r.out"
    [ "$(bytes_and_sum "${lines[1]}")" = "$want" ]

    # The sender, 2 MiB to a Python receiver.
    start_bg "$dir/py.out" "$PYTHON" -c "$THROUGHPUT_PEER" receive
    wait_ready "$dir/py.out"
    run_lesson timeout "$WAIT_SHORT" "$dir/throughput" 127.0.0.1 "$PORT" 2
    assert_success
    local sent=$output
    wait_exit "$BG_PID" 30
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$dir/py.out"
    assert_line --index 1 --regexp '^2097152 bytes, adler32 [0-9a-f]{8}$'
    [ "$(bytes_and_sum "$sent")" = "${lines[1]}" ]

    # socat sends a file; Python sums the file.
    head -c 1000003 /dev/urandom >"$dir/data"
    want=$("$PYTHON" -c 'import sys, zlib
d = open(sys.argv[1], "rb").read()
print("%d bytes, adler32 %08x" % (len(d), zlib.adler32(d)))' "$dir/data")
    start_bg "$dir/r.out" "$dir/throughput" 127.0.0.1 0
    wait_ready "$dir/r.out"
    run timeout "$WAIT_SHORT" socat -u "FILE:$dir/data" "TCP4:127.0.0.1:$PORT"
    assert_success
    wait_exit "$BG_PID" 30
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$dir/r.out"
    [ "$(bytes_and_sum "${lines[1]}")" = "$want" ]
    # Wrong arguments: a usage line, exit 2, never a run. An empty MIB
    # once read as 0 and started a receiver; a huge one was shifted
    # before it was checked.
    local mib
    for mib in '' -1 x 1048577 99999999999999999999; do
        run_lesson timeout "$WAIT_SHORT" "$dir/throughput" 127.0.0.1 1 "$mib"
        [ "$status" -eq 2 ] || { echo "throughput MIB '$mib': $status" >&2; false; }
        assert_output --partial 'usage: '
    done
}

# The Python peers of multicast, started before the receivers so that
# their start-up is never inside a receiver's 30 s of silence. Each says
# "waiting", then waits (60 s at most) for a line in a file:
#   member R1: once R1 has the first receiver's ready line, joins
#     239.255.0.1 on 127.0.0.1 at its port, asks for each datagram's TTL
#     (IP_RECVTTL, 12 on Linux where Python has no name for it), says
#     "joined", and prints the next 4 datagrams and their TTLs;
#   send R2 M: once R2 has the second receiver's ready line and M says
#     "joined", sends to the group out of loopback with TTL 3 (so the
#     member's TTL is seen to be the sender's), then one datagram to
#     127.0.0.1 at the same port, which a receiver bound to the group must
#     not get, and says from which port.
MCAST_PEER='import os, re, socket, struct, sys, time
def wait_for(path, pattern):
    for _ in range(1200):
        if os.path.exists(path):
            m = re.search(pattern, open(path).read(), re.M)
            if m:
                return m
        time.sleep(0.05)
    sys.exit("no %r in %s" % (pattern, path))
ready = r"^receiving on 239\.255\.0\.1:(\d+)$"
print("waiting", flush=True)
if sys.argv[1] == "member":
    port = int(wait_for(sys.argv[2], ready).group(1))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("239.255.0.1", port))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                 socket.inet_aton("239.255.0.1") + socket.inet_aton("127.0.0.1"))
    s.setsockopt(socket.IPPROTO_IP, getattr(socket, "IP_RECVTTL", 12), 1)
    s.settimeout(60)
    print("joined", flush=True)
    for _ in range(4):
        data, anc, _, _ = s.recvmsg(512, 64)
        ttl = [struct.unpack("i", d[:4])[0] for l, t, d in anc
               if l == socket.IPPROTO_IP and t == socket.IP_TTL]
        print("%r ttl %s" % (data, ttl), flush=True)
else:
    port = int(wait_for(sys.argv[2], ready).group(1))
    wait_for(sys.argv[3], "^joined$")
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                 socket.inet_aton("127.0.0.1"))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 3)
    s.sendto(b"\x1b[2Jpy", ("239.255.0.1", port))
    s.sendto(b"to 127.0.0.1", ("127.0.0.1", port))
    print("python from port %d" % s.getsockname()[1])'

@test "plain multicast pair: two receivers get each datagram to the group, a Python member the sender's, TTL 1" {
    local dir="$BATS_TEST_TMPDIR" args
    need_unshare -rn
    build_plain multicast
    # SC2016: the script is expanded by the bash inside the namespace.
    # shellcheck disable=SC2016
    # In a network namespace of its own, whose only interface is lo: the
    # Python peers first; then the first receiver on port 0, the second on
    # its port (the member joins there too, and Python sends); then the
    # plain sender.
    run timeout "$((WAIT_LONG + 30 * SCALE))" unshare -rn env D="$dir" ROOT="$ROOT" \
        SCALE="$SCALE" PY="$PYTHON" P="$MCAST_PEER" bash -c '
        ip link set lo up
        . "$ROOT/tests/lib/mcast-ready.bash"
        word() { # word FILE WORD: wait (60 s at most) for WORD in FILE
            local i
            for ((i = 0; i < 1200 * SCALE; i++)); do
                grep -qx "$2" "$1" && return 0
                sleep 0.05
            done
            echo "no $2 in $1:" >&2; cat "$1" >&2; exit 1
        }
        "$PY" -c "$P" member "$D/r1" >"$D/m" 2>&1 3>&- &
        p3=$!
        "$PY" -c "$P" send "$D/r2" "$D/m" >"$D/py" 2>&1 3>&- &
        p4=$!
        word "$D/m" waiting
        word "$D/py" waiting
        "$D/multicast" 0 >"$D/r1" 2>&1 3>&- &
        p1=$!
        ready "$D/r1" || exit 1
        "$D/multicast" "$PORT" >"$D/r2" 2>&1 3>&- &
        p2=$!
        wait "$p4" || { cat "$D/py" >&2; exit 1; }
        "$D/multicast" "$PORT" hello "a	b" "" >"$D/s" 2>&1
        echo "sender $?"
        wait "$p1"; echo "r1 $?"
        wait "$p2"; echo "r2 $?"
        wait "$p3"; echo "member $?"
        echo "port $PORT"'
    assert_success
    assert_line 'sender 0'
    assert_line 'r1 0'
    assert_line 'r2 0'
    assert_line "member 0" || { cat "$dir/m" >&2; false; }
    local port
    port=$(sed -n 's/^port //p' <<<"$output")
    run cat "$dir/s"
    assert_output "datagrams sent to 239.255.0.1:$port: 3"
    [[ "$(<"$dir/py")" =~ python\ from\ port\ ([0-9]+)$ ]]
    local py=${BASH_REMATCH[1]} r
    for r in r1 r2; do
        run cat "$dir/$r"
        assert_line --index 0 "receiving on 239.255.0.1:$port"
        # Python's, escaped; not the one to 127.0.0.1; then the sender's.
        assert_line --index 1 "6 bytes from 127.0.0.1:$py: \\x1b[2Jpy"
        assert_line --index 2 --regexp '^5 bytes from 127\.0\.0\.1:[0-9]+: hello$'
        assert_line --index 3 --regexp '^3 bytes from 127\.0\.0\.1:[0-9]+: a\\x09b$'
        assert_line --index 4 --regexp '^0 bytes from 127\.0\.0\.1:[0-9]+: $'
        assert_line --index 5 'no datagram for 30 s: done'
        [ "${#lines[@]}" -eq 6 ]
    done
    # The Python member got the sender's three datagrams with TTL 1.
    run cat "$dir/m"
    assert_line --index 2 "b'\\x1b[2Jpy' ttl [3]"
    assert_line --index 3 "b'hello' ttl [1]"
    assert_line --index 4 "b'a\\tb' ttl [1]"
    assert_line --index 5 "b'' ttl [1]"
    # Wrong arguments: a usage line, exit 2.
    for args in '' '8x' '65536' '-1' '""' '"" x' '0 x' '65536 x' 'x x'; do
        eval "run_lesson \"\$dir/multicast\" $args"
        [ "$status" -eq 2 ] || { echo "multicast $args: $status" >&2; false; }
        assert_output --partial 'usage: '
    done
}

@test "plain programs: make plain builds every lessons/plain/*.c, strict, with only POSIX asked for" {
    local f name
    # -n -B: what make would run, all of it; nothing is built here.
    run make -C "$ROOT" --no-print-directory -n -B plain
    assert_success
    for f in "$ROOT"/lessons/plain/*.c; do
        name=${f##*/}
        name=${name%.c}
        # (make prints the command on two lines: joined here)
        sed -e ':a' -e '/\\$/N; s/\\\n//; ta' <<<"$output" |
            grep -qE -- "-std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror +-pedantic .*lessons/plain/$name\.c -o build/plain/programs/$name$" ||
            { echo "make plain does not build lessons/plain/$name.c" >&2; false; }
    done
}
