#!/usr/bin/env python3
# An echo client that reads its input as C's fgets() with a buffer of
# 1024 bytes does (stdio reading 4096 bytes at a time), and sends each
# line; at a piece that holds no line end it says "line too long" and
# exits with status 1:
#     python3 giving-up-client.py PORT
#
# It ends by itself, and it has sent something, but the lines of input
# after a long one are never read, nor sent: scripts/check's long-input
# must not pass it.
import socket
import sys

stdin = open(0, "rb", buffering=4096)
with socket.create_connection(("127.0.0.1", int(sys.argv[1]))) as s:
    while True:
        piece = stdin.readline(1023)
        if not piece:
            break
        s.sendall(piece)
        if not piece.endswith(b"\n"):
            print("line too long")
            sys.exit(1)
        got = b""
        while not got.endswith(b"\n"):
            part = s.recv(4096)
            if not part:
                sys.exit(0)
            got += part
        sys.stdout.write(got.decode("ascii", "replace"))
