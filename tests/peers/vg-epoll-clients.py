# vg-epoll-clients.py PORT SPEC...: clients all connected at once, for
# 20-epoll-server under valgrind (valgrind.bats); each SPEC is what one
# sends ("a:5000"), all at once, each from a thread of its own while the
# echoes are read (as letter-clients.py); prints "LETTER ok" per client.
import socket, sys, threading
from sockio import recv_exactly
port, specs = int(sys.argv[1]), sys.argv[2:]
socks = [socket.create_connection(("127.0.0.1", port), timeout=60)
         for _ in specs]
want = [spec[0].encode() * int(spec.split(":")[1]) for spec in specs]
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
