# hall-greeted.py PORT: 30 clients connect to 127.0.0.1:PORT at once and
# read one line each; prints "K of 30 greeted" (a line starting "hello "),
# then the repr of each other answer.
import socket, sys, threading
from sockio import recv_line
port, n = int(sys.argv[1]), 30
go, got = threading.Barrier(n), [None] * n
def client(i):
    go.wait()
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=15)
        data = recv_line(s)
        got[i] = data.decode()
    except OSError as e:
        got[i] = "error: %s" % e
threads = [threading.Thread(target=client, args=(i,)) for i in range(n)]
for t in threads: t.start()
for t in threads: t.join()
ok = sum(1 for g in got if g and g.startswith("hello "))
print("%d of %d greeted" % (ok, n))
for g in got:
    if not (g and g.startswith("hello ")):
        print(repr(g))
