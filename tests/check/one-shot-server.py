#!/usr/bin/env python3
# An echo server with no loop around accept(): it serves one client and
# exits with status 0. scripts/check's twenty-clients check must say that
# it ended by itself, and guess the missing loop.
#     python3 one-shot-server.py PORT
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
conn, addr = s.accept()
while True:
    data = conn.recv(1024)
    if not data:
        break
    conn.sendall(data)
conn.close()
s.close()
