# vg-epoll-clients.py PORT SPEC...: clients all connected at once, for
# 20-epoll-server under valgrind (valgrind.bats); each SPEC is what one
# sends ("a:5000"), all before any reads; prints "LETTER ok" per client.
import socket, sys
port, specs = int(sys.argv[1]), sys.argv[2:]
socks = [socket.create_connection(("127.0.0.1", port), timeout=60)
         for _ in specs]
want = [spec[0].encode() * int(spec.split(":")[1]) for spec in specs]
for s, w in zip(socks, want):
    s.sendall(w)
for s, w, spec in zip(socks, want, specs):
    got = b""
    while len(got) < len(w):
        chunk = s.recv(65536)
        if not chunk:
            break
        got += chunk
    print(spec[0], "ok" if got == w else "got %d bytes" % len(got))
for s in socks:
    s.close()
