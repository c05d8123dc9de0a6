#!/usr/bin/env python3
"""Lesson 18 in Python: the receiver. Joins a multicast group on the
loopback interface and prints each datagram sent to it; the C sender
(build/18-multicast-sender) sends them.

    python3 docs/python/18_multicast.py --port 8888 --count 3
"""
import argparse
import socket
import struct
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--group", default="239.255.0.1")
ap.add_argument("--iface", default="127.0.0.1")
ap.add_argument("--port", type=int, default=8888)
ap.add_argument("--count", type=int, default=1)
ap.add_argument("--timeout", type=float, default=30)
args = ap.parse_args()

with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if sys.platform == "linux":  # IP_MULTICAST_ALL 0: our groups only
        s.setsockopt(socket.IPPROTO_IP, 49, 0)  # (not in the socket module)
    s.bind(("", args.port))
    # struct ip_mreq: the group, then the interface's address
    mreq = struct.pack("4s4s", socket.inet_aton(args.group),
                       socket.inet_aton(args.iface))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    s.settimeout(args.timeout)
    print("receiving on %s:%d" % s.getsockname(), flush=True)
    for _ in range(args.count):
        data, (host, port) = s.recvfrom(65536)
        print("from %s:%d: %s" % (host, port, repr(data)[2:-1]), flush=True)
