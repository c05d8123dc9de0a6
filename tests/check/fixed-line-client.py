#!/usr/bin/env python3
# An echo client that ignores its input: it sends a line of its own,
# prints the echo and exits with status 0:
#     python3 fixed-line-client.py PORT
#
# Whatever its input, the server gets bytes: scripts/check's
# closes-early, whose rule is that the client sent its first line of
# input, must not pass it.
import socket
import sys

with socket.create_connection(("127.0.0.1", int(sys.argv[1]))) as s:
    s.sendall(b"Hello from the client!\n")
    print(s.recv(1024).decode("ascii", "replace"), end="")
