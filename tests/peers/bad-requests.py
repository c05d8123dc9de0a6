# bad-requests.py PORT: three bad requests to 127.0.0.1:PORT (HTTP/2.0, a NUL
# in the path, a path without its /); prints each status line.
import socket, sys
for req in (b"GET / HTTP/2.0\r\n\r\n", b"GET /a\x00b HTTP/1.0\r\n\r\n",
            b"GET index.html HTTP/1.0\r\n\r\n"):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
    s.sendall(req)
    print(s.recv(100).split(b"\r\n")[0].decode())
    s.close()
