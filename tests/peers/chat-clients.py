# chat-clients.py PORT TEST ARGS: chat clients for 13-poll-chat.bats. TEST is
# many N K, leavers, noread or odd; each is described where it is run, below.
import re, socket, struct, sys, time
import chatpeer
from chatpeer import pump
port, test, args = int(sys.argv[1]), sys.argv[2], sys.argv[3:]

def Peer(rcvbuf=0):
    return chatpeer.Peer(port, rcvbuf)

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
    # N clients join; once all are in, each sends K lines; each must get the
    # N-1 others' lines, in order per sender.
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
    # A leaves in the middle of a line, C says "bye" and resets; B, who
    # stays, prints every line it got.
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
    # S never reads; T sends bulk lines, each batch followed by a ping that
    # R must get promptly, until S is dropped.
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
    # A line with terminal escapes and a CR, a 1200-byte line, and a line
    # of C1 controls (CSI 0x9b, raw and as UTF-8 C2 9B; NEL C2 85) among
    # UTF-8 characters with bytes 0x80-0x9f of their own (€, Û), a
    # character cut short (E2 9B) and a byte no UTF-8 has (F8).
    a, b = Peer(), Peer()
    pump([a, b], lambda: a.id and b.id)
    a.send(b"\x1b]0;PWNED\x07hi\x1b[2J\r\n" + b"y" * 1200 + b"\n"
           b"C1 \x9b2J \xc2\x9b2J \xc2\x85 | \xe2\x82\xac \xc3\x9b \xc3\xa9"
           b" \xe2\x9b| \xf8\x9b\n")
    pump([b], lambda: len([l for l in b.lines if l.startswith(b"client ")]) >= 5)
    for l in b.lines[1:]:
        print(repr(l)[2:-1])
    a.s.close()
    b.s.close()
