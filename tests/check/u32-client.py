#!/usr/bin/env python3
# verdict: tests/check/u32-client.spec: PASS exchange, and FAIL exchange
# with --host-order, told that it read the integer in the wrong byte
# order (it printed 721420288 on a little-endian machine, 43 with its
# bytes swapped), not to call recv() until the whole line has come.
#     python3 u32-client.py [--host-order] PORT
import socket
import struct
import sys

order = "=I" if "--host-order" in sys.argv else "!I"
with socket.create_connection(("127.0.0.1", int(sys.argv[-1])), 5) as c:
    c.sendall(b"how many?\n")
    data = b""
    while len(data) < 4:
        more = c.recv(4 - len(data))
        if not more:
            sys.exit("the server closed early")
        data += more
    (n,) = struct.unpack(order, data)
    print(n)
