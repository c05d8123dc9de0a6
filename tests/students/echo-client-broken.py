# verdict: echo-client.spec: FAIL refused (Python traceback): the
# connection error is never caught.
import socket
import sys

s = socket.socket()
s.connect((sys.argv[1], int(sys.argv[2])))
for line in sys.stdin:
    s.sendall(line.encode())
    print(s.recv(1024).decode(), end="")
s.close()
