# verdict: hello.spec: recv-pieces fails.
# Takes what one recv() returns for the whole name: when TCP hands the
# line over in pieces, it greets a piece ("Hello, Ad!").
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
while True:
    conn, addr = s.accept()
    with conn:
        while True:
            data = conn.recv(1024)
            if not data:
                break
            name = data.decode("utf-8", "replace").strip()
            conn.sendall(("Hello, %s!\n" % name).encode())
