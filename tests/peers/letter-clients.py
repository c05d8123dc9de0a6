# letter-clients.py PORT SPEC...: one client per SPEC (LETTER:N, N copies of
# LETTER); all send before any reads; prints "LETTER ok" for each that got
# exactly its own bytes back (else how many it got).
import socket, sys
from sockio import recv_exactly
port, specs = int(sys.argv[1]), sys.argv[2:]
socks = [socket.create_connection(("127.0.0.1", port), timeout=10)
         for _ in specs]
want = []
for s, spec in zip(socks, specs):
    letter, n = spec.split(":")
    want.append(letter.encode() * int(n))
for s, w in zip(socks, want):    # all of them send before any reads
    s.sendall(w)
for s, w, spec in zip(socks, want, specs):
    got = recv_exactly(s, len(w))
    print(spec[0], "ok" if got == w else "got %d bytes" % len(got))
for s in socks:
    s.close()
