# verdict: random.spec: every check passes, with a NOTE on bind: it
# listens on 0.0.0.0, which the spec allows.
import random
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen(5)
while True:
    conn, _ = s.accept()
    conn.settimeout(5)  # a client that never reads
    with conn:
        try:
            for _line in conn.makefile("rb"):
                conn.sendall(b"%d\n" % random.randint(1, 100))
        except OSError:
            pass  # the client reset the connection, or timed out
