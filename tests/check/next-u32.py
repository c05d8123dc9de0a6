#!/usr/bin/env python3
# verdict: tests/check/next-u32.spec: PASS exchange, and FAIL exchange
# with --host-order. A server of a binary protocol: each request is a
# 4-byte unsigned integer in network order, and the answer is the next
# number, in network order too. --host-order answers in this machine's
# order, the mistake of a struct.pack("=I") (or a missing htonl() in C).
#     python3 next-u32.py [--host-order] PORT
import socket
import struct
import sys

order = "=I" if "--host-order" in sys.argv else "!I"
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[-1])))
s.listen(5)
while True:
    conn, _ = s.accept()
    with conn, conn.makefile("rb") as f:
        while True:
            request = f.read(4)
            if len(request) < 4:
                break
            (n,) = struct.unpack("!I", request)
            conn.sendall(struct.pack(order, (n + 1) & 0xFFFFFFFF))
