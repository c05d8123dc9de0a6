# vg-chat.py PORT: three chat clients for 13-poll-chat under valgrind
# (valgrind.bats): A and B chat, B sends a 1200-byte line, A leaves
# mid-line, C says bye and resets, B leaves last; prints "chatted".
import re, selectors, socket, struct, sys, time
port = int(sys.argv[1])

class Peer:
    def __init__(self):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=60)
        self.s.setblocking(False)
        self.buf, self.lines, self.closed, self.id = b"", [], False, None

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
            m = re.match(rb"\* you are client (\d+), with", self.lines[0])
            self.id = int(m.group(1)) if m else -1

    def send(self, data):
        self.s.setblocking(True)
        self.s.sendall(data)
        self.s.setblocking(False)

    def has(self, line):
        return line in self.lines

def pump(peers, until, limit=60):
    sel = selectors.DefaultSelector()
    for p in peers:
        if not p.closed:
            sel.register(p.s, selectors.EVENT_READ, p)
    end = time.monotonic() + limit
    try:
        while not until():
            if time.monotonic() > end:
                sys.exit("timed out; lines: %r" % [p.lines for p in peers])
            for key, _ in sel.select(0.1):
                key.data.read()
                if key.data.closed:
                    sel.unregister(key.fileobj)
    finally:
        sel.close()

a, b, c = Peer(), Peer(), Peer()
pump([a, b, c], lambda: a.id and b.id and c.id)
a.send(b"hello from a\n")
b.send(b"hello from b\n")
pump([a, b, c], lambda: b.has(b"client %d: hello from a" % a.id)
     and c.has(b"client %d: hello from a" % a.id)
     and a.has(b"client %d: hello from b" % b.id)
     and c.has(b"client %d: hello from b" % b.id))
b.send(b"y" * 1200 + b"\n")
pump([a, c], lambda: all(len([l for l in p.lines if l.startswith(b"client %d: y" % b.id)]) == 3
                         for p in (a, c)))
a.send(b"half a li")
time.sleep(0.3)
a.s.close()
pump([b, c], lambda: b.has(b"* client %d left" % a.id) and c.has(b"* client %d left" % a.id))
c.send(b"bye\n")
pump([b], lambda: b.has(b"client %d: bye" % c.id))
c.s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c.s.close()
pump([b], lambda: any(l.startswith(b"* client %d is gone" % c.id) for l in b.lines))
b.s.shutdown(socket.SHUT_WR)
pump([b], lambda: b.closed)
b.s.close()
if any(b"half" in l for l in b.lines):
    sys.exit("half a line was relayed")
print("chatted")
