#!/usr/bin/env python3
"""Lesson 15 in Python: messages framed as a 4-byte big-endian length and
then the bytes. As a client (the default) it sends each line of standard
input as one message and prints the echo; with --serve it is the server,
and sends each message back.

    python3 docs/python/15_framing.py --port 8888 < lines.txt
    python3 docs/python/15_framing.py --serve --port 0
"""
import argparse
import socket
import struct
import sys


def recv_exactly(s, n):
    """Exactly n bytes, or fewer if the peer closed first."""
    buf = bytearray()
    while len(buf) < n:
        chunk = s.recv(n - len(buf))  # whatever has arrived, up to n
        if not chunk:
            break
        buf += chunk
    return bytes(buf)


def recv_message(s, limit):
    """One message; None at a clean end; ValueError for anything else."""
    head = recv_exactly(s, 4)
    if not head:
        return None
    if len(head) < 4:
        raise ValueError("closed after %d of 4 length bytes" % len(head))
    (n,) = struct.unpack("!I", head)  # "!": network byte order
    if n > limit:
        raise ValueError("length %d is over the limit %d" % (n, limit))
    body = recv_exactly(s, n)
    if len(body) < n:
        raise ValueError("closed after %d of %d bytes" % (len(body), n))
    return body


def send_message(s, data):
    s.sendall(struct.pack("!I", len(data)) + data)


def shown(data):
    return repr(data)[2:-1]  # escaped: b'a\x1b' prints as a\x1b


ap = argparse.ArgumentParser()
ap.add_argument("--host", default="127.0.0.1")
ap.add_argument("--port", type=int, default=8888)
ap.add_argument("--timeout", type=float, default=30)
ap.add_argument("--max", type=int, default=65536)
ap.add_argument("--serve", action="store_true")
args = ap.parse_args()

if args.serve:
    with socket.create_server((args.host, args.port)) as srv:
        srv.settimeout(args.timeout)
        print("listening on %s:%d" % srv.getsockname()[:2], flush=True)
        conn, peer = srv.accept()
        with conn:
            conn.settimeout(args.timeout)
            try:
                while (msg := recv_message(conn, args.max)) is not None:
                    print("message, %d bytes: %s" % (len(msg), shown(msg)))
                    send_message(conn, msg)
            except ValueError as e:
                print("client %s:%d: %s" % (peer[0], peer[1], e))
else:
    with socket.create_connection((args.host, args.port), args.timeout) as s:
        for line in sys.stdin.buffer:
            send_message(s, line.rstrip(b"\n"))
            echo = recv_message(s, args.max)
            if echo is None:
                sys.exit("the server closed the connection")
            print("echo, %d bytes: %s" % (len(echo), shown(echo)))
