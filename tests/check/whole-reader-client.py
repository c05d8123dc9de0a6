#!/usr/bin/env python3
# An echo client that reads its input as Python does (8192 bytes at a
# time) and gives up at a line longer than 1024 bytes: it sends the
# first 1023 bytes, says "line too long" and exits with status 1:
#     python3 whole-reader-client.py PORT
#
# Its reads took all of its input, so none is left unread, but the
# lines after the long one are never sent: scripts/check's long-input
# must not pass it.
import socket
import sys

with socket.create_connection(("127.0.0.1", int(sys.argv[1]))) as s:
    for line in sys.stdin.buffer:
        if len(line) > 1024:
            s.sendall(line[:1023])
            print("line too long")
            sys.exit(1)
        s.sendall(line)
        got = b""
        while not got.endswith(b"\n"):
            part = s.recv(4096)
            if not part:
                sys.exit(0)
            got += part
        sys.stdout.write(got.decode("ascii", "replace"))
