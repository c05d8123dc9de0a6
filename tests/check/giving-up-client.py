#!/usr/bin/env python3
# An echo client that reads its input 1024 bytes at a time, as fgets()
# with a small buffer does, and sends each piece; at a piece that holds
# no line end it says "line too long" and exits with status 1:
#     python3 giving-up-client.py PORT
#
# It ends by itself, and it has sent something, but the lines of input
# after a long one are never read, nor sent: scripts/check's long-input
# must not pass it.
import os
import socket
import sys

with socket.create_connection(("127.0.0.1", int(sys.argv[1]))) as s:
    while True:
        piece = os.read(0, 1024)
        if not piece:
            break
        s.sendall(piece)
        if not piece.endswith(b"\n"):
            print("line too long")
            sys.exit(1)
        got = b""
        while got.count(b"\n") < piece.count(b"\n"):
            part = s.recv(4096)
            if not part:
                sys.exit(0)
            got += part
        sys.stdout.write(got.decode("ascii", "replace"))
