#!/usr/bin/env python3
"""Lesson 10 in Python: look up --host, try each address until one
connects, then print what the server sends (escaped) until it closes.

    python3 docs/python/10_getaddrinfo.py --host localhost --port 8888
"""
import argparse
import socket
import sys


def shown(addr):
    """127.0.0.1:8888, or [::1]:8888 for IPv6, as the C lessons print it."""
    host, port = addr[0], addr[1]
    return ("[%s]:%d" if ":" in host else "%s:%d") % (host, port)


ap = argparse.ArgumentParser()
ap.add_argument("--host", default="localhost")
ap.add_argument("--port", default="8888")  # a number or a service name
ap.add_argument("--timeout", type=float, default=30)
args = ap.parse_args()

try:
    found = socket.getaddrinfo(args.host, args.port, socket.AF_UNSPEC,
                               socket.SOCK_STREAM, 0, socket.AI_ADDRCONFIG)
except socket.gaierror as e:
    sys.exit("getaddrinfo: %s" % e.strerror)

for family, socktype, proto, _, addr in found:
    print("trying", shown(addr))
    s = socket.socket(family, socktype, proto)
    s.settimeout(args.timeout)  # bounds connect() and each recv()
    try:
        s.connect(addr)
        break
    except socket.timeout:
        print("no answer within --timeout %g s" % args.timeout)
    except OSError as e:
        print("connect:", e.strerror)
    s.close()
else:
    sys.exit("could not connect to %s port %s" % (args.host, args.port))

print("connected to", shown(addr))
with s:
    while True:
        data = s.recv(4096)
        if not data:  # the server closed the connection
            break
        print(repr(data)[2:-1])  # escaped: b'hi\n' prints as hi\n
