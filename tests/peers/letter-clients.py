# letter-clients.py PORT SPEC...: one client per SPEC (LETTER:N, N copies of
# LETTER); all send at once, each from a thread of its own, while their
# echoes are read; prints "LETTER ok" for each that got exactly its own
# bytes back (else how many it got). (A client that sent all before
# reading would wait for good where the sockets' buffers cannot hold its
# echo: the server, rightly, stops reading a client that does not read.)
import socket, sys, threading
from sockio import recv_exactly
port, specs = int(sys.argv[1]), sys.argv[2:]
socks = [socket.create_connection(("127.0.0.1", port), timeout=10)
         for _ in specs]
want = []
for s, spec in zip(socks, specs):
    letter, n = spec.split(":")
    want.append(letter.encode() * int(n))
senders = [threading.Thread(target=s.sendall, args=(w,), daemon=True)
           for s, w in zip(socks, want)]
for t in senders:
    t.start()
for s, w, spec in zip(socks, want, specs):
    got = recv_exactly(s, len(w))
    print(spec[0], "ok" if got == w else "got %d bytes" % len(got))
for t in senders:
    t.join()
for s in socks:
    s.close()
