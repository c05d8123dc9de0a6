#!/usr/bin/env python3
"""Lesson 05 in Python: connect to a server, print what it sends (escaped)
until it closes the connection.

    python3 docs/python/05_connect.py --port 8888
"""
import argparse
import socket
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--host", default="127.0.0.1")
ap.add_argument("--port", type=int, default=8888)
ap.add_argument("--timeout", type=float, default=30)
args = ap.parse_args()


def escaped(data):
    """What a peer sent, safe for a terminal: \\n, \\t, \\\\, \\xNN."""
    out = []
    for ch in data.decode("utf-8", "surrogateescape"):
        if ch in "\n\r\t\\":
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t",
                        "\\": "\\\\"}[ch])
        elif "\udc80" <= ch <= "\udcff":          # not UTF-8
            out.append("\\x%02x" % (ord(ch) - 0xdc00))
        elif ord(ch) < 0x20 or 0x7f <= ord(ch) < 0xa0:   # C0, DEL, C1
            out.extend("\\x%02x" % b for b in ch.encode())
        else:
            out.append(ch)
    return "".join(out)


s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.settimeout(args.timeout)               # bounds connect() and each recv()
try:
    s.connect((args.host, args.port))
except socket.timeout:
    sys.exit("the server did not answer within --timeout %g s" % args.timeout)
except OSError as e:                     # ConnectionRefusedError, ...
    sys.exit("connect: %s" % e.strerror)
# The server's address as given, as the C lesson prints it: a server that
# resets the connection at once leaves no peer for getpeername() to name.
print("connected to %s:%d from %s:%d"
      % ((args.host, args.port) + s.getsockname()), flush=True)
total = 0
while True:
    try:
        data = s.recv(4096)
    except socket.timeout:
        sys.exit("the server sent nothing more and did not close within "
                 "--timeout %g s" % args.timeout)
    except OSError as e:                 # ConnectionResetError, ...
        sys.exit("recv: %s" % e.strerror)
    if not data:                         # b"": the server has closed
        break
    total += len(data)
    print(escaped(data), flush=True)     # one line per recv()
print("the server closed the connection: %d bytes in all" % total)
s.close()
