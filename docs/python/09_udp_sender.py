#!/usr/bin/env python3
"""Lesson 09 in Python: send each line of standard input (without its
newline), or --message, as one datagram; no connection, no bind().

    printf 'hello\\n\\nthree\\n' | python3 docs/python/09_udp_sender.py
"""
import argparse
import socket
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--host", default="127.0.0.1")
ap.add_argument("--port", type=int, default=9999)
ap.add_argument("--message")
args = ap.parse_args()

if args.message is not None:
    datagrams = [args.message.encode()]
else:
    datagrams = (line.rstrip(b"\n") for line in sys.stdin.buffer)

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sent = 0
for data in datagrams:
    n = s.sendto(data, (args.host, args.port))  # all of it, or an error
    sent += 1
    print("datagram %d: %d byte%s to %s:%d"
          % (sent, n, "" if n == 1 else "s", args.host, args.port))
# The kernel gave the socket a port at the first sendto().
print("sent %d datagram%s from %s:%d"
      % ((sent, "" if sent == 1 else "s") + s.getsockname()))
s.close()
