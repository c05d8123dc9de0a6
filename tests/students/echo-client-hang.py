# verdict: echo-client.spec: FAIL closes-early (hangs): it waits for as
# many bytes as it sent, and a recv() that returns b"" (the server has
# closed) never ends the loop.
import socket
import sys

s = socket.socket()
try:
    s.connect((sys.argv[1], int(sys.argv[2])))
except OSError as e:
    print("cannot connect:", e)
    sys.exit(1)
for line in sys.stdin.buffer:
    s.sendall(line)
    echo = b""
    while len(echo) < len(line):
        echo += s.recv(1024)
    print(echo.decode(), end="")
s.close()
