# connect-and-wait.py PORT: connects to 127.0.0.1:PORT, prints "connected N"
# (its own port) as soon as connect() returns, then waits for data and
# prints what recv() said: "reset" when the listening socket is closed under it.
#
# The handshake completes in the server's kernel before connect() returns
# here, and a server that counts its waiting clients may close its
# listening socket (a reset) in between, on a busy machine: connect() then
# fails with ECONNRESET, which only a completed handshake can give (no
# listener is ECONNREFUSED). That prints "reset in connect() N". The port
# is known before connect(): the socket is bound to port 0 first.
import socket, sys
# A connect() that fails otherwise prints why in one line ("connect
# failed: ..."), so that a test's failure shows the error, not a
# traceback's first line.
s = socket.socket()
s.settimeout(20)
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
try:
    s.connect(("127.0.0.1", int(sys.argv[1])))
except ConnectionResetError:
    print("reset in connect()", port, flush=True)
    sys.exit(0)
except OSError as e:
    print("connect failed: %r" % e, flush=True)
    sys.exit(1)
print("connected", port, flush=True)
try:
    print("recv", s.recv(10), flush=True)
except ConnectionResetError:
    print("reset", flush=True)
