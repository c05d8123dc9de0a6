#!/usr/bin/env python3
"""Lesson 06 in Python, the server: echo every byte back until the client
closes its side; one client at a time, --count of them (0: no limit).

    python3 docs/python/06_server.py --count 1
"""
import argparse
import socket
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--host", default="127.0.0.1")
ap.add_argument("--port", type=int, default=8888)
ap.add_argument("--timeout", type=float, default=300)
ap.add_argument("--count", type=int, default=0)
args = ap.parse_args()


def echo(conn):
    """Send back everything until recv() returns b"": the bytes echoed."""
    echoed = 0
    while True:
        data = conn.recv(4096)     # whatever has arrived, up to 4096 bytes
        if not data:               # the client has closed its side
            return echoed
        conn.sendall(data)         # send() again until all of it is taken
        echoed += len(data)


with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as srv:
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.settimeout(args.timeout)
    srv.bind((args.host, args.port))
    srv.listen(socket.SOMAXCONN)
    print("listening on %s:%d" % srv.getsockname(), flush=True)
    served = 0
    while args.count == 0 or served < args.count:
        try:
            conn, client = srv.accept()
        except socket.timeout:
            if served == 0:
                sys.exit("no client connected within --timeout %g s"
                         % args.timeout)
            print("no more clients within --timeout %g s" % args.timeout)
            break
        served += 1
        with conn:
            conn.settimeout(args.timeout)   # each recv() and send()
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                n = echo(conn)
                print("client %s:%d: %d bytes echoed" % (client + (n,)),
                      flush=True)
            except socket.timeout:
                print("client %s:%d: nothing for %g s (--timeout): closed"
                      % (client + (args.timeout,)), flush=True)
            except OSError as e:   # BrokenPipeError, ConnectionResetError
                print("client %s:%d: %s" % (client + (e.strerror,)),
                      flush=True)
