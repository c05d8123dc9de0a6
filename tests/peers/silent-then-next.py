# silent-then-next.py PORT: a client of 127.0.0.1:PORT that says nothing,
# then a second that sends a line; prints what each got (repr), the
# second's echo first.
import os, socket, sys
# after-ready runs it too: not with this folder on the path
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sockio import recv_line
port = int(sys.argv[1])
silent = socket.create_connection(("127.0.0.1", port), timeout=30)
nxt = socket.create_connection(("127.0.0.1", port), timeout=30)
nxt.sendall(b"after the silent one\n")
got = recv_line(nxt)
print("next got %r" % got)
print("silent got %r" % silent.recv(100))
