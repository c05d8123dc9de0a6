#!/usr/bin/env python3
"""Lesson 11 in Python: one AF_INET6 listening socket that IPv4 clients
can reach too (IPV6_V6ONLY 0), or not (--v6only); greet each client with
its address, as ::ffff:a.b.c.d for an IPv4 one.

    python3 docs/python/11_dual_stack.py --host :: --port 8888
"""
import argparse
import socket
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--host", default="::1")
ap.add_argument("--port", default="8888")
ap.add_argument("--timeout", type=float, default=300)
ap.add_argument("--count", type=int, default=1)
ap.add_argument("--v6only", action="store_true")
args = ap.parse_args()

try:
    found = socket.getaddrinfo(args.host, args.port, socket.AF_INET6,
                               socket.SOCK_STREAM, 0,
                               socket.AI_PASSIVE | socket.AI_V4MAPPED)
except socket.gaierror as e:
    sys.exit("getaddrinfo: %s" % e.strerror)

with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as srv:
    was = srv.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY)
    print("IPV6_V6ONLY was %d, now %d" % (was, args.v6only))
    srv.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, args.v6only)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(found[0][4])
    srv.listen(socket.SOMAXCONN)
    srv.settimeout(args.timeout)
    print("listening on [%s]:%d" % srv.getsockname()[:2], flush=True)
    served = 0
    while served < args.count:
        try:
            conn, peer = srv.accept()
        except socket.timeout:
            if served == 0:
                sys.exit("no client connected within --timeout %g s"
                         % args.timeout)
            print("no more clients within --timeout %g s" % args.timeout)
            break
        served += 1
        with conn:
            conn.sendall(b"hello [%s]:%d, you are client %d\n"
                         % (peer[0].encode(), peer[1], served))
