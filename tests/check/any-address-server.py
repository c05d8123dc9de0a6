#!/usr/bin/env python3
# An echo server that does everything right but one thing: it listens on
# every address (0.0.0.0), so any machine on the network could connect.
# scripts/check's loopback check must note it (not fail it); the others
# pass.
#     python3 any-address-server.py PORT
import socket
import sys

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", int(sys.argv[1])))
    s.listen()
    while True:
        conn, addr = s.accept()
        with conn:
            try:
                while True:
                    data = conn.recv(4096)
                    if not data:
                        break
                    conn.sendall(data)
            except OSError:
                pass  # this client reset or left: serve the next
