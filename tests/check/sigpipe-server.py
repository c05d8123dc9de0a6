#!/usr/bin/env python3
# An echo server that dies of SIGPIPE, as a C server does that neither
# ignores the signal nor sends with MSG_NOSIGNAL:
#     python3 sigpipe-server.py PORT
#
# Python ignores SIGPIPE, so this program puts the default action back, as
# a C program has it, and, like a C loop that never looks at what send()
# returned, it goes on after a failed send:
#     while ((n = recv(c, buf, sizeof buf, 0)) > 0)
#         send(c, buf, n, 0);
# Once the client has reset the connection, the first send() fails with
# ECONNRESET and the next raises SIGPIPE, which ends the process.
import signal
import socket
import sys

signal.signal(signal.SIGPIPE, signal.SIG_DFL)

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(sys.argv[1])))
    s.listen()
    while True:
        conn, addr = s.accept()
        with conn:
            while True:
                try:
                    data = conn.recv(4096)
                except OSError:
                    break
                if not data:
                    break
                try:
                    conn.send(data)
                except OSError:
                    pass  # as in C: -1 from send(), and nobody looks
