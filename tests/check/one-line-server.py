#!/usr/bin/env python3
# An echo server that echoes one recv() of each client, then closes:
# the echo-server kind's own checks of one line pass, but a client of
# echo.spec, which sends two lines, is not served. The generic checks
# the kind plays with echo.spec must say that the exchange itself fails
# (NOT RUN), not blame bytes that are not UTF-8 or a slow start.
#     python3 one-line-server.py PORT
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
while True:
    conn, _ = s.accept()
    conn.sendall(conn.recv(1024))
    conn.close()
