#!/usr/bin/env python3
# A server that greets each client, then echoes one line, with no try
# around recv(): a client that leaves with the greeting unread resets
# the connection, and the ConnectionResetError ends the server.
# scripts/check's silent-client must say that it was the reset, not a
# recv() that returned 0.
#     python3 greet-reset-server.py PORT
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
while True:
    conn, _ = s.accept()
    conn.sendall(b"hello\n")
    conn.sendall(conn.recv(1024))
    conn.close()
