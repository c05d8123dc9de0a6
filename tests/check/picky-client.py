#!/usr/bin/env python3
# An echo client that reads all its input first, and, if one line is
# longer than 1000 bytes or is not text, says so and exits with status 0
# without connecting (with "first": once connected, sending nothing):
#     python3 picky-client.py PORT [first]
#
# It ends well on a long or bad line, but the lines after it are never
# sent: scripts/check's long-input and bad-input must not pass it.
import socket
import sys

if sys.argv[2:] == ["first"]:
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
lines = sys.stdin.buffer.read().splitlines(keepends=True)
for line in lines:
    try:
        line.decode("ascii")
    except UnicodeDecodeError:
        print("not text, giving up")
        sys.exit(0)
    if len(line) > 1000 or b"\0" in line:
        print("line too long, giving up")
        sys.exit(0)
with socket.create_connection(("127.0.0.1", int(sys.argv[1]))) as s:
    for line in lines:
        s.sendall(line)
        got = b""
        while not got.endswith(b"\n"):
            part = s.recv(4096)
            if not part:
                sys.exit(0)
            got += part
        sys.stdout.write(got.decode("ascii", "replace"))
