# thread-clients.py PORT N: N threads, each connects to 127.0.0.1:PORT,
# sends one line ("thread K\n"), reads until its line has come back, and
# closes; all of them at once. Prints "N ok" when every line came back.
import socket
import sys
import threading

port, n = int(sys.argv[1]), int(sys.argv[2])
ok = []


def client(k):
    line = b"thread %d\n" % k
    with socket.create_connection(("127.0.0.1", port), timeout=30) as c:
        c.sendall(line)
        got = b""
        while len(got) < len(line):
            piece = c.recv(1024)
            if not piece:
                break
            got += piece
    if got == line:
        ok.append(k)


threads = [threading.Thread(target=client, args=(k,)) for k in range(n)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("%d ok" % len(ok))
