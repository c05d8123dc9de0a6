#!/usr/bin/env python3
"""Lesson 04 in Python: a server that accepts each client, greets it with
one line and closes its socket; --count clients, one after another.

    python3 docs/python/04_accept.py --count 2
"""
import argparse
import socket
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--host", default="127.0.0.1")
ap.add_argument("--port", type=int, default=8888)
ap.add_argument("--timeout", type=float, default=300)
ap.add_argument("--count", type=int, default=1)
args = ap.parse_args()

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as srv:
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.settimeout(args.timeout)          # accept() waits at most this
    srv.bind((args.host, args.port))
    srv.listen(socket.SOMAXCONN)
    print("listening on %s:%d" % srv.getsockname(), flush=True)
    for served in range(1, args.count + 1):
        try:
            conn, (host, port) = srv.accept()   # a new socket, the client
        except socket.timeout:
            if served == 1:
                sys.exit("no client connected within --timeout %g s"
                         % args.timeout)
            print("no more clients within --timeout %g s" % args.timeout)
            break
        with conn:
            try:
                conn.sendall(b"hello %s:%d, you are client %d\n"
                             % (host.encode(), port, served))
            except OSError as e:          # that client has gone
                print("send:", e.strerror, file=sys.stderr)
