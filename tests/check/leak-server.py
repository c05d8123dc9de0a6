#!/usr/bin/env python3
# An echo server that never closes its client sockets:
#     python3 leak-server.py PORT
#
# It echoes each client correctly and stops at recv() == b"", but it keeps
# every connection in a list "to log them later" and never calls close():
# each client leaves one descriptor behind (its socket, in CLOSE_WAIT).
# scripts/check's descriptors check must fail; everything else passes.
import socket
import sys

clients = []

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(sys.argv[1])))
    s.listen()
    while True:
        conn, addr = s.accept()
        clients.append((conn, addr))
        while True:
            try:
                data = conn.recv(4096)
            except OSError:
                break
            if not data:
                break
            try:
                conn.sendall(data)
            except OSError:
                break
        # missing: conn.close()
