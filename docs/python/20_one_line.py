#!/usr/bin/env python3
"""A client for lesson 20: one line of 10,000 bytes (and a newline),
handed to the kernel with one sendall(), then its echo, waited for at
most --wait seconds.

    python3 docs/python/20_one_line.py --port 8888 --wait 2
"""
import argparse
import socket

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, default=8888)
ap.add_argument("--wait", type=float, default=2)
args = ap.parse_args()

line = b"x" * 10000 + b"\n"
s = socket.create_connection(("127.0.0.1", args.port), timeout=10)
s.sendall(line)
s.settimeout(args.wait)
got = 0
try:
    while got < len(line):
        chunk = s.recv(4096)
        if not chunk:
            break
        got += len(chunk)
except TimeoutError:
    print("no more echo for %g s: the client gives up" % args.wait)
print("%d of %d bytes came back" % (got, len(line)))
s.close()
