# hall-echo.py PORT N: N clients connect to 127.0.0.1:PORT at once, each
# sends a line, half-closes and reads to the end; prints "K of N echoed"
# and the repr of the first wrong answer.
import socket, sys, threading
from sockio import recv_all
port, n = int(sys.argv[1]), int(sys.argv[2])
go, got = threading.Barrier(n), [None] * n
def client(i):
    line = ("client %d of the hall\n" % i).encode()
    try:
        go.wait()
        s = socket.create_connection(("127.0.0.1", port), timeout=20)
        s.sendall(line)
        s.shutdown(socket.SHUT_WR)
        back = recv_all(s)
        s.close()
        got[i] = back == line or back
    except Exception as e:
        got[i] = "error: %r" % e
threads = [threading.Thread(target=client, args=(i,)) for i in range(n)]
for t in threads: t.start()
for t in threads: t.join()
print("%d of %d echoed" % (sum(1 for g in got if g is True), n))
for g in got:
    if g is not True:
        print(repr(g))
        break
