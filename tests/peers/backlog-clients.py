# backlog-clients.py PORT SERVER_OUT: 10 clients connect to 127.0.0.1:PORT at
# once (1.5 s each); prints each one's fate and port, sorted; then holds
# every socket until SERVER_OUT says SyncookiesSent: (at most 10 s).
import socket, sys, threading, time
port, out, n = int(sys.argv[1]), sys.argv[2], 10
go, res, held = threading.Barrier(n), [None] * n, []
def client(i):
    s = socket.socket()
    s.settimeout(1.5)
    held.append(s)
    go.wait()
    try:
        s.connect(("127.0.0.1", port))
        res[i] = "connected %d" % s.getsockname()[1]
    except socket.timeout:
        res[i] = "timed out %d" % s.getsockname()[1]
    except OSError as e:
        res[i] = "failed %d: %s" % (s.getsockname()[1], e)
threads = [threading.Thread(target=client, args=(i,)) for i in range(n)]
for t in threads: t.start()
for t in threads: t.join()
for r in sorted(res): print(r)
# hold every socket until the lesson has counted
for _ in range(200):
    if "SyncookiesSent:" in open(out).read():
        break
    time.sleep(0.05)
