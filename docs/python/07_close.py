#!/usr/bin/env python3
"""Lesson 07 in Python: the side whose FIN goes first keeps the connection
in TIME_WAIT; when that is the server, its port stays taken, and a new
server's bind() fails with EADDRINUSE unless both set SO_REUSEADDR. Plays
both ends in one program, like the C lesson.

    python3 docs/python/07_close.py --port 0
"""
import argparse
import socket
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--host", default="127.0.0.1")
ap.add_argument("--port", type=int, default=8888)
ap.add_argument("--timeout", type=float, default=30)
args = ap.parse_args()

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # before bind()
srv.settimeout(args.timeout)
srv.bind((args.host, args.port))
srv.listen(5)
addr = srv.getsockname()
print("listening on %s:%d" % addr, flush=True)

client = socket.create_connection(addr, timeout=args.timeout)
conn, peer = srv.accept()
conn.settimeout(args.timeout)
client.sendall(b"request\n")
request = b""
while not request.endswith(b"\n"):   # a stream: read until the newline
    chunk = conn.recv(4096)
    if not chunk:
        sys.exit("the client closed early")
    request += chunk
conn.sendall(b"got %d bytes\n" % len(request))
conn.close()                         # the server's FIN goes first
reply = b""
while chunk := client.recv(4096):    # until the server's FIN: b""
    reply += chunk
print("the client got:", reply.decode().strip())
client.close()                       # TIME_WAIT is on the server's port
srv.close()

again = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    again.bind(addr)                 # no SO_REUSEADDR this time
    sys.exit("bind() without SO_REUSEADDR succeeded: no TIME_WAIT?")
except OSError as e:
    print("without SO_REUSEADDR: bind: %s" % e.strerror)
again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
again.bind(addr)
print("with SO_REUSEADDR: bound to %s:%d again" % addr)
again.close()
