#!/usr/bin/env bats
# Lesson 13: a chat server with poll()

# PORT, BG_PID and EXIT_STATUS are set by test_helper (wait_ready, wait_exit).
# shellcheck disable=SC2153
load test_helper

PY_SERVER="$ROOT/docs/python/13_poll_chat.py"

# Chat clients for the tests (python3 -c "$PY_CLIENTS" PORT TEST ARGS):
#   many N K   N clients join; once all are in, each sends K lines; each
#              must get the N-1 others' lines, in order per sender
#   leavers    A leaves in the middle of a line, C says "bye" and resets;
#              B, who stays, prints every line it got
#   noread     S never reads; T sends bulk lines, each batch followed by a
#              ping that R must get promptly, until S is dropped
#   odd        a line with terminal escapes and a CR, and a 1200-byte line
PY_CLIENTS='
import re, selectors, socket, struct, sys, time
port, test, args = int(sys.argv[1]), sys.argv[2], sys.argv[3:]

class Peer:
    def __init__(self, rcvbuf=0):
        self.s = socket.socket()
        if rcvbuf:
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.s.connect(("127.0.0.1", port))
        self.s.setblocking(False)
        self.buf, self.lines, self.closed = b"", [], False
        self.id = None

    def read(self):
        try:
            data = self.s.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self.closed = True
            return
        self.buf += data
        *done, self.buf = self.buf.split(b"\n")
        self.lines += done
        if self.id is None and self.lines:
            m = re.match(rb"\* you are client (\d+), with (\d+) other", self.lines[0])
            self.id = int(m.group(1)) if m else -1

    def send(self, data):
        self.s.setblocking(True)
        self.s.sendall(data)
        self.s.setblocking(False)

def pump(peers, until, limit=20):
    sel = selectors.DefaultSelector()
    for p in peers:
        if not p.closed:
            sel.register(p.s, selectors.EVENT_READ, p)
    end = time.monotonic() + limit
    try:
        while not until():
            if time.monotonic() > end:
                return False
            for key, _ in sel.select(0.1):
                key.data.read()
                if key.data.closed:
                    sel.unregister(key.fileobj)
        return True
    finally:
        sel.close()

def leave(peers):
    """Say goodbye (FIN), read to the end, close: no byte left unread."""
    for p in peers:
        p.s.shutdown(socket.SHUT_WR)
    pump(peers, lambda: all(p.closed for p in peers))
    for p in peers:
        p.s.close()

def fail(msg):
    print(msg)
    sys.exit(1)

if test == "many":
    n, k = int(args[0]), int(args[1])
    peers = [Peer() for _ in range(n)]
    if not pump(peers, lambda: all(p.id for p in peers)):
        fail("not everyone was welcomed")
    if not peers[-1].lines[0].endswith(b"with %d others" % (n - 1)):
        fail("the last one was told: %r" % peers[-1].lines[0])
    for j in range(k):
        for p in peers:
            p.send(b"line %d of %d\n" % (j, p.id))
    def relayed(p):
        return [l for l in p.lines if l.startswith(b"client ")]
    want = (n - 1) * k
    if not pump(peers, lambda: all(len(relayed(p)) >= want for p in peers)):
        fail("lines missing: %s" % [len(relayed(p)) for p in peers])
    for p in peers:
        got = {}
        for l in relayed(p):
            m = re.match(rb"client (\d+): line (\d+) of (\d+)$", l)
            if not m or m.group(1) != m.group(3) or int(m.group(1)) == p.id:
                fail("client %d got %r" % (p.id, l))
            got.setdefault(int(m.group(1)), []).append(int(m.group(2)))
        if len(got) != n - 1 or any(v != list(range(k)) for v in got.values()):
            fail("client %d: not every line of every other, in order: %r" % (p.id, got))
    print("%d clients: each got the %d others x %d lines, in order" % (n, n - 1, k))
    leave(peers)

elif test == "leavers":
    a, b, c = Peer(), Peer(), Peer()
    pump([a, b, c], lambda: a.id and b.id and c.id)
    a.send(b"half a li")
    time.sleep(0.3)
    a.s.close()
    pump([b], lambda: any(l.startswith(b"* client %d left" % a.id) for l in b.lines))
    c.send(b"bye\n")
    pump([b], lambda: b"client %d: bye" % c.id in b.lines)
    c.s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.s.close()
    pump([b], lambda: any(l.startswith(b"* client %d is gone" % c.id) for l in b.lines))
    print("ids %d %d %d" % (a.id, b.id, c.id))
    leave([b])
    for l in b.lines:
        print(l.decode())

elif test == "noread":
    stuck = Peer(rcvbuf=4096)
    r, t = Peer(), Peer()
    pump([stuck, r, t], lambda: stuck.id and r.id and t.id)  # then never again
    bulk = b"".join(b"bulk %05d %s\n" % (i, b"x" * 300) for i in range(20))
    worst, pings, dropped = 0.0, 0, None
    for i in range(1500):
        t.send(bulk + b"ping %d\n" % i)
        t0 = time.monotonic()
        want = b"client %d: ping %d" % (t.id, i)
        if not pump([r], lambda: want in r.lines, 5):
            fail("ping %d did not come within 5 s" % i)
        worst, pings = max(worst, time.monotonic() - t0), i + 1
        if any(l.startswith(b"* client %d was dropped" % stuck.id) for l in r.lines):
            break
    pump([t], lambda: any(b"was dropped" in l for l in t.lines), 5)
    bulks = [l for l in r.lines if l.startswith(b"client %d: bulk" % t.id)]
    print("pings %d, slowest %.2f s" % (pings, worst))
    print("bulk lines %d, in order %s" % (len(bulks), bulks == [
        b"client %d: bulk %05d %s" % (t.id, j % 20, b"x" * 300) for j in range(len(bulks))]))
    print("dropped: " + ",".join(l.decode() for l in r.lines if b"dropped" in l))
    print("the talker was told too: %s" % any(b"was dropped" in l for l in t.lines))
    for p in (stuck, r, t):
        p.s.close()

elif test == "odd":
    a, b = Peer(), Peer()
    pump([a, b], lambda: a.id and b.id)
    a.send(b"\x1b]0;PWNED\x07hi\x1b[2J\r\n" + b"y" * 1200 + b"\n")
    pump([b], lambda: len([l for l in b.lines if l.startswith(b"client ")]) >= 4)
    for l in b.lines[1:]:
        print(repr(l)[2:-1])
    a.s.close()
    b.s.close()
'

# has FILE LINE: FILE has exactly this line (for big files, where bats' run
# would take long to split the output into lines).
has() {
    grep -qxF -- "$2" "$1" || fail "no line '$2' in $1"
}

# chat OUT CMD...: start a chat server CMD on a free port.
chat() {
    local out="$1"
    shift
    start_bg "$out" "$@" --port 0
    wait_ready "$out"
}

# clients TEST ARGS...: run PY_CLIENTS against the server on PORT; its
# output in GOT (it must succeed).
clients() {
    GOT=$(timeout 60 "$PYTHON" -c "$PY_CLIENTS" "$PORT" "$@") ||
        fail "clients $*: $GOT"
}

# said LINE: the clients printed exactly this line.
said() {
    grep -qxF -- "$1" <<<"$GOT" || fail "the clients did not print '$1': $GOT"
}

# fifty OUT CMD...: 50 clients at once, 5 lines each, against server CMD.
fifty() {
    local out="$1"
    shift
    chat "$out" "$@" --count 50 --timeout 30
    clients many 50 5
    said "50 clients: each got the 49 others x 5 lines, in order"
    wait_exit "$BG_PID" 30
    [ "$EXIT_STATUS" -eq 0 ]
    [ "$(grep -cE '^client [0-9]+ joined from 127\.0\.0\.1:[0-9]+ \([0-9]+ here\)$' "$out")" -eq 50 ]
    [ "$(grep -cE '^client [0-9]+ left \([0-9]+ here\)$' "$out")" -eq 50 ]
    [ "$(grep -cE '^client [0-9]+: line [0-4] of [0-9]+$' "$out")" -eq 250 ]
    has "$out" "--count 50 reached: no new clients; the chat ends when the last one leaves"
}

@test "13-poll-chat: 50 clients at once: every line reaches the 49 others, in order per sender" {
    fifty "$BATS_TEST_TMPDIR/server" "$BIN/13-poll-chat"
}

@test "13-poll-chat: the Python version passes the same 50-client test" {
    fifty "$BATS_TEST_TMPDIR/server" "$PYTHON" "$PY_SERVER"
}

# leavers OUT CMD...: one leaves mid-line, one resets; the one who stays is
# told, and the half line is never relayed.
leavers() {
    local out="$1"
    shift
    chat "$out" "$@" --count 3 --timeout 10
    clients leavers
    local ids
    read -ra ids <<<"$(head -n 1 <<<"$GOT")"
    [ "${ids[0]}" = ids ]
    said "* client ${ids[1]} left"
    said "client ${ids[3]}: bye"
    said "* client ${ids[3]} is gone (Connection reset by peer)"
    if grep -q half <<<"$GOT"; then
        fail "half a line was relayed: $GOT"
    fi
    wait_exit "$BG_PID" 10
    [ "$EXIT_STATUS" -eq 0 ]
    has "$out" "client ${ids[1]} left in the middle of a line: its last 9 bytes are dropped"
    has "$out" "client ${ids[1]} left (2 here)"
    has "$out" "client ${ids[3]} is gone: Connection reset by peer (1 here)"
}

@test "13-poll-chat: a client that leaves mid-line and one that resets: the others are told, nothing half is relayed" {
    leavers "$BATS_TEST_TMPDIR/server" "$BIN/13-poll-chat"
    plain && return 0
    # The reset shows in poll()'s revents, and recv() says ECONNRESET.
    grep -qE "^    ready: .*revents=POLLIN\|POLLERR\|POLLHUP" "$BATS_TEST_TMPDIR/server"
    grep -qE "^recv\([0-9]+, buf, 512, 0\) = -1 ECONNRESET" "$BATS_TEST_TMPDIR/server"
}

@test "13-poll-chat: the Python version: the same leavers" {
    leavers "$BATS_TEST_TMPDIR/server" "$PYTHON" "$PY_SERVER"
}

# noread OUT CMD...: a client that never reads stalls nobody, and is
# dropped when 64 KiB wait for it.
noread() {
    local out="$1"
    shift
    chat "$out" "$@" --count 3 --timeout 10
    clients noread
    # Stalls nobody: every ping came back (each within 5 s, or the clients
    # fail), and more than one before the silent reader was dropped, so
    # the others were served while its queue filled. (How fast each ping
    # was depends on the machine: printed, not asserted.)
    local pings
    pings=$(sed -n 's/^pings \([0-9]*\), slowest [0-9.]* s$/\1/p' <<<"$GOT")
    echo "# $(grep '^pings ' <<<"$GOT")" >&3
    ((pings >= 2)) || fail "only $pings ping(s) before the drop: $GOT"
    grep -qxE "bulk lines [0-9]+, in order True" <<<"$GOT" || fail "$GOT"
    said "dropped: * client 1 was dropped: it was not reading"
    said "the talker was told too: True"
    wait_exit "$BG_PID" 10
    [ "$EXIT_STATUS" -eq 0 ]
    has "$out" "client 1 was dropped: it did not read, and its queue (65536 bytes) was full (2 here)"
}

@test "13-poll-chat: a client that never reads: the others get their lines promptly, and it is dropped" {
    noread "$BATS_TEST_TMPDIR/server" "$BIN/13-poll-chat"
}

@test "13-poll-chat: the Python version: the same client that never reads" {
    noread "$BATS_TEST_TMPDIR/server" "$PYTHON" "$PY_SERVER"
}

@test "13-poll-chat: escapes and CR become '?' or go; a long line goes in 512-byte pieces; the server prints them escaped" {
    chat "$BATS_TEST_TMPDIR/server" "$BIN/13-poll-chat" --count 2 --timeout 10
    clients odd
    run cat <<<"$GOT"
    assert_line --index 0 'client 1: ?]0;PWNED?hi?[2J'
    assert_line --index 1 "client 1: $(printf 'y%.0s' {1..512})"
    assert_line --index 2 "client 1: $(printf 'y%.0s' {1..512})"
    assert_line --index 3 "client 1: $(printf 'y%.0s' {1..176})"
    wait_exit "$BG_PID" 10
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line 'client 1: \x1b]0;PWNED\x07hi\x1b[2J\r'
    assert_line "client 1: $(printf 'y%.0s' {1..512}) [no newline in 512 bytes: relayed as a line]"
    # No raw escape byte reached the server's terminal.
    run grep -c $'\x1b' "$BATS_TEST_TMPDIR/server"
    assert_output "0"
}

@test "13-poll-chat: nc -N and socat as chat clients" {
    command -v socat >/dev/null || skip "socat is not installed"
    chat "$BATS_TEST_TMPDIR/server" "$BIN/13-poll-chat" --count 2 --timeout 10
    start_bg "$BATS_TEST_TMPDIR/socat" timeout 10 socat -u \
        "TCP:127.0.0.1:$PORT" STDOUT
    local socat=$BG_PID i
    for ((i = 0; i < 100; i++)); do
        grep -q "you are client 1" "$BATS_TEST_TMPDIR/socat" && break
        sleep 0.05
    done
    run timeout 20 nc -N 127.0.0.1 "$PORT" <<<"hello from nc"
    assert_success
    assert_line --index 0 "* you are client 2, with 1 other"
    for ((i = 0; i < 100; i++)); do
        grep -q "client 2 left" "$BATS_TEST_TMPDIR/socat" && break
        sleep 0.05
    done
    kill "$socat"
    wait_exit "${SS_PIDS[0]}" 10
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/socat"
    assert_output "* you are client 1, with 0 others
* client 2 joined from 127.0.0.1:${lines[1]##*:}
client 2: hello from nc
* client 2 left"
}

@test "13-poll-chat: two events in one wake-up: a client leaves and the last one sends; both are handled before the next poll()" {
    plain && skip "the plain build narrates nothing"
    chat "$BATS_TEST_TMPDIR/server" "$BIN/13-poll-chat" --count 3 --timeout 10
    local server=$BG_PID
    "$PYTHON" - "$PORT" "$server" <<'PY' >"$BATS_TEST_TMPDIR/py" 2>&1
import os, signal, socket, sys, time
port, server = int(sys.argv[1]), int(sys.argv[2])
a, b, c = (socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(3))
for s in (a, b, c):
    s.recv(100)  # its welcome: it is in the chat
time.sleep(0.3)
os.kill(server, signal.SIGSTOP)  # both happen while the server is stopped
while open("/proc/%d/stat" % server).read().rsplit(")", 1)[1].split()[0] != "T":
    time.sleep(0.01)
a.shutdown(socket.SHUT_WR)
c.sendall(b"hello\n")
time.sleep(0.3)
os.kill(server, signal.SIGCONT)
time.sleep(0.5)
for s in (a, b, c):
    s.close()
PY
    wait_exit "$server" 10
    [ "$EXIT_STATUS" -eq 0 ]
    # The wake-up that reports fd 4 (a, gone) and fd 6 (c, the last): fd 4's
    # recv() = 0 and fd 6's line, then a's removal, before the next poll().
    run awk '/^    ready: .*fd=4, revents=POLLIN.*fd=6, revents=POLLIN/ {on = 1; next}
        on && /^poll\(/ {exit}
        on && /^(recv|close)\(|^client / {print}' "$BATS_TEST_TMPDIR/server"
    assert_line --index 0 'recv(4, "", 512, 0) = 0'
    assert_line --index 1 'recv(6, "hello\n", 512, 0) = 6'
    assert_line --index 2 "client 3: hello"
    assert_line --index 3 "close(4) = 0"
    assert_line --index 4 "client 1 left (2 here)"
}

@test "13-poll-chat: each narrated call and its result match strace, resets and all" {
    plain && skip "the plain build narrates nothing"
    need_strace
    start_bg "$BATS_TEST_TMPDIR/server" env \
        ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
        "${TRACE[@]}" "$BATS_TEST_TMPDIR/trace" \
        "$BIN/13-poll-chat" --port 0 --count 5 --timeout 10
    wait_ready "$BATS_TEST_TMPDIR/server"
    clients leavers
    run timeout 20 nc -N 127.0.0.1 "$PORT" <<<"from nc"
    run "$PYTHON" "$ROOT/tests/hostile/peer.py" rst-at-once "$PORT"
    wait_exit "$BG_PID" 10
    [ "$EXIT_STATUS" -eq 0 ]
    strace_matches "$BATS_TEST_TMPDIR/server" "$BATS_TEST_TMPDIR/trace"
}

@test "13-poll-chat: no client within --timeout exits 1; everyone gone, then --timeout of nobody: exits 0" {
    run_lesson timeout 10 "$BIN/13-poll-chat" --port 0 --timeout 1
    assert_failure 1
    assert_output --partial "no client connected within --timeout 1 s"
    chat "$BATS_TEST_TMPDIR/server" "$BIN/13-poll-chat" --timeout 1
    run timeout 20 nc -N 127.0.0.1 "$PORT" <<<"anyone?"
    assert_output "* you are client 1, with 0 others"
    wait_exit "$BG_PID" 10
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line "client 1: anyone?"
    assert_line "no more clients within --timeout 1 s"
}

@test "13-poll-chat: --help says what --timeout and --count mean here" {
    run_lesson "$BIN/13-poll-chat" --help
    assert_success
    assert_output --partial "seconds the server waits while nobody is connected"
    assert_output --partial "the server ends when the last"
    refute_output --partial "--message"
}
