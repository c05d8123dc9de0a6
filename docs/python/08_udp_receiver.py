#!/usr/bin/env python3
"""Lesson 08 in Python: bind a UDP socket and print each datagram with its
sender; a datagram longer than the 512-byte buffer is cut, and
MSG_TRUNC (Linux) tells its real length.

    python3 docs/python/08_udp_receiver.py --count 3
"""
import argparse
import socket
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--host", default="127.0.0.1")
ap.add_argument("--port", type=int, default=9999)
ap.add_argument("--timeout", type=float, default=300)
ap.add_argument("--count", type=int, default=0)
args = ap.parse_args()

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(args.timeout)
s.bind((args.host, args.port))
print("receiving on %s:%d" % s.getsockname(), flush=True)
buf = bytearray(512)
got = 0
while args.count == 0 or got < args.count:
    try:
        # One whole datagram, or its first 512 bytes; with MSG_TRUNC the
        # result is the datagram's real length, even when it is more.
        n, (host, port) = s.recvfrom_into(buf, len(buf), socket.MSG_TRUNC)
    except socket.timeout:
        if got == 0:
            sys.exit("no datagram within --timeout %g s" % args.timeout)
        print("no more datagrams within --timeout %g s" % args.timeout)
        break
    got += 1
    data = bytes(buf[:min(n, len(buf))])
    if n == 0:
        print("datagram %d from %s:%d is empty: 0 bytes" % (got, host, port))
    else:
        print("datagram %d from %s:%d: %s" % (got, host, port,
              data.decode("utf-8", "backslashreplace")
              .replace("\n", "\\n")))
    if n > len(buf):
        print("datagram of %d bytes from %s:%d, only %d kept"
              % (n, host, port, len(buf)))
    sys.stdout.flush()
s.close()
