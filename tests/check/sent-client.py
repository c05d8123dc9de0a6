#!/usr/bin/env python3
# An echo client that prints what it sends, then whatever one recv()
# returns: a torn echo shows as pieces, but its own "Sent:" line holds the
# whole text. scripts/check's pieces check must still fail it.
#     python3 sent-client.py PORT
import socket
import sys

s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
for line in sys.stdin:
    s.sendall(line.encode())
    print("Sent:", line.strip())
    print("Received:", s.recv(1024).decode().strip())
s.close()
