#!/usr/bin/env python3
# A client that reads one line of its input, as C's fgets() into a
# buffer of 256 bytes does (stdio reading 4096 bytes at a time), sends
# it, prints the reply and exits with status 0, by design:
#     python3 one-line-client.py PORT
#
# Given a longer input it leaves the rest unread, whatever the first
# line was: scripts/check's long-input must not blame the long line.
import socket
import sys

line = open(0, "rb", buffering=4096).readline(255)
with socket.create_connection(("127.0.0.1", int(sys.argv[1]))) as s:
    s.sendall(line)
    s.shutdown(socket.SHUT_WR)
    got = b""
    while True:
        part = s.recv(4096)
        if not part:
            break
        got += part
    sys.stdout.write(got.decode("ascii", "replace"))
