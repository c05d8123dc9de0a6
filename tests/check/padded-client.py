#!/usr/bin/env python3
# An echo client that sends each line in a whole buffer of 80 bytes, as
# C's send(fd, buf, sizeof buf, 0) after fgets() does: the line, its NUL,
# then what the buffer held before (here, an earlier line's bytes):
#     python3 padded-client.py PORT
#
# The echo it prints holds the line, but the server got 80 bytes for a
# line of 16: scripts/check's echo-client checks must not pass it.
import socket
import sys

buf = bytearray(b"ss rem_address st tx_queue" * 4)[:80]
with socket.create_connection(("127.0.0.1", int(sys.argv[1]))) as s:
    s.settimeout(5)
    for line in sys.stdin.buffer:
        buf[:len(line) + 1] = line + b"\0"
        s.sendall(bytes(buf))
        got = b""
        while len(got) < len(buf):
            part = s.recv(4096)
            if not part:
                break
            got += part
        sys.stdout.write(got.split(b"\0")[0].decode("ascii", "replace"))
        sys.stdout.flush()
