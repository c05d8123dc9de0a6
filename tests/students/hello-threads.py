# verdict: hello.spec: FAIL not-utf8 (traceback): each client has a
# thread, and the thread dies decoding bytes that are not UTF-8. The
# server goes on serving, but the traceback on its terminal is a crash,
# not a pass.
import socket
import sys
import threading


def serve(conn):
    with conn:
        for line in conn.makefile("rb"):
            name = line.decode().strip()
            conn.sendall(("Hello, %s\n" % name).encode())


s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(10)
while True:
    conn, _ = s.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
