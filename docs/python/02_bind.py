#!/usr/bin/env python3
"""Lesson 02 in Python: bind a TCP socket to --host and --port, ask the
kernel which port it got, then bind a second socket to the same address
and port, which must fail with EADDRINUSE.

    python3 docs/python/02_bind.py --port 0
"""
import argparse
import errno
import socket
import struct
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--host", default="127.0.0.1")
ap.add_argument("--port", type=int, default=8888)
args = ap.parse_args()


def port_bytes(port):
    """The two bytes of a port in network byte order: what htons() makes."""
    return struct.pack("!H", port).hex(" ")


print("  sin_port   %s                      port %d, high byte first"
      % (port_bytes(args.port), args.port))

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    s.bind((args.host, args.port))  # Python does htons() and inet_pton()
except OSError as e:
    sys.exit("bind: %s" % e.strerror)
host, port = s.getsockname()        # getsockname(), then ntohs()
if args.port == 0:
    print("  sin_port   %s                      port %d, the kernel's choice"
          % (port_bytes(port), port))
print("bound to %s:%d" % (host, port))

t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    t.bind((host, port))
    sys.exit("the second bind() succeeded: it should not have")
except OSError as e:
    if e.errno != errno.EADDRINUSE:
        sys.exit("bind: %s" % e.strerror)
    print("the second bind() failed with EADDRINUSE, as it must")
t.close()
s.close()
