#!/usr/bin/env python3
# An echo server that prints what each client sends as it came, bytes
# and all, one client at a time: a client's escape sequences reach the
# terminal. It serves every client well otherwise.
#   python3 raw-print-server.py PORT
import socket
import sys

srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", int(sys.argv[1])))
srv.listen()
while True:
    conn, _ = srv.accept()
    conn.settimeout(5)
    with conn:
        try:
            while True:
                data = conn.recv(4096)
                if not data:
                    break
                sys.stdout.buffer.write(b"got: " + data)
                sys.stdout.buffer.flush()
                conn.sendall(data)
        except OSError:
            pass
