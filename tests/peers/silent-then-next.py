# silent-then-next.py PORT: a client of 127.0.0.1:PORT that says nothing,
# then a second that sends a line; prints what each got (repr), the
# second's echo first.
import socket, sys
port = int(sys.argv[1])
silent = socket.create_connection(("127.0.0.1", port), timeout=30)
nxt = socket.create_connection(("127.0.0.1", port), timeout=30)
nxt.sendall(b"after the silent one\n")
got = b""
while not got.endswith(b"\n"):
    b = nxt.recv(100)
    if not b:
        break
    got += b
print("next got %r" % got)
print("silent got %r" % silent.recv(100))
