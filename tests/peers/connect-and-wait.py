# connect-and-wait.py PORT: connects to 127.0.0.1:PORT, prints "connected N"
# (its own port) as soon as connect() returns, then waits for data and
# prints what recv() said: "reset" when the listening socket is closed under it.
import socket, sys
# A connect() that fails prints why in one line ("connect failed: ..."),
# so that a test's failure shows the error, not a traceback's first line.
try:
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
except OSError as e:
    print("connect failed: %r" % e, flush=True)
    sys.exit(1)
print("connected", s.getsockname()[1], flush=True)
try:
    print("recv", s.recv(10), flush=True)
except ConnectionResetError:
    print("reset", flush=True)
