# verdict: hello.spec: FAIL not-utf8 (ended after bytes that are not
# UTF-8): .decode() raises UnicodeDecodeError and the server dies.
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen()
while True:
    conn, addr = s.accept()
    f = conn.makefile("rb")
    for line in f:
        name = line.decode().strip()
        conn.sendall(("Hello, " + name + "\n").encode())
    conn.close()
