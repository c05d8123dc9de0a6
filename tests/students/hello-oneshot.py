# verdict: hello.spec: in-turn fails, and the checks that need a next
# client say it ended by itself; with 'clients: 1' added, it passes.
# Serves one client, greeting each name it sends, then ends: what some
# assignments ask for.
import socket
import sys

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(sys.argv[1])))
    s.listen(1)
    conn, addr = s.accept()
    with conn, conn.makefile("rb") as lines:
        for line in lines:
            name = line.decode("utf-8", "replace").strip()
            conn.sendall(("Hello, %s!\n" % name).encode())
