# verdict: echo-client.spec: every check passes.
# Each line of input goes to the server; the echo is read whole.
import socket
import sys

try:
    s = socket.create_connection((sys.argv[1], int(sys.argv[2])))
except OSError as e:
    print("cannot connect:", e.strerror)
    sys.exit(1)
f = s.makefile("rb")
for line in sys.stdin.buffer:
    try:
        s.sendall(line)
        echo = f.readline()
    except OSError:
        echo = b""
    if not echo:
        print("the server closed the connection")
        sys.exit(1)
    print(echo.decode("utf-8", "replace"), end="")
s.close()
