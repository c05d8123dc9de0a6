#!/usr/bin/env python3
# A server that answers "Thank you" to each recv(), one client at a time:
# a request that TCP delivers in pieces gets one answer for each piece.
# Read whole, each request gets one.   python3 piece-reply-server.py PORT
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
            while conn.recv(4096):
                conn.sendall(b"Thank you\n")
        except OSError:
            pass
