#!/usr/bin/env python3
# A server with a loop around accept() that takes recv()'s b"" for a
# request: when a client leaves, it answers the empty request twice, and
# its second send() to the socket the client closed (a RST came back for
# the first) raises SIGPIPE, which ends it. scripts/check's in-turn must
# name that, not a missing accept() loop.
#     python3 eof-reply-server.py PORT
import signal
import socket
import sys

signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # as a C program has it
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
while True:
    conn, _ = s.accept()
    while True:
        data = conn.recv(1024)
        conn.send(data or b"?\n")
        if not data:
            conn.send(b"> ")
            break
    conn.close()
