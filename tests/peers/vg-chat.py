# vg-chat.py PORT: three chat clients for 13-poll-chat under valgrind
# (valgrind.bats): A and B chat, B sends a 1200-byte line, A leaves
# mid-line, C says bye and resets, B leaves last; prints "chatted".
import socket, struct, sys, time
import chatpeer
port = int(sys.argv[1])

def Peer():
    return chatpeer.Peer(port, timeout=60)


def pump(peers, until):
    if not chatpeer.pump(peers, until, 60):
        sys.exit("timed out; lines: %r" % [p.lines for p in peers])


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
