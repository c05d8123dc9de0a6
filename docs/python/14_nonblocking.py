#!/usr/bin/env python3
"""Lesson 14 in Python: a non-blocking connect() bounded by poll(), the
outcome read from SO_ERROR, then recv() on the non-blocking socket, with
poll() waiting for POLLIN whenever nothing has arrived yet.

    python3 docs/python/14_nonblocking.py --host localhost --port 8888
"""
import argparse
import errno
import os
import select
import socket
import sys


def shown(addr):
    """127.0.0.1:8888, or [::1]:8888 for IPv6, as the C lessons print it."""
    return ("[%s]:%d" if ":" in addr[0] else "%s:%d") % addr[:2]


def connect_within(family, socktype, proto, addr, ms):
    """The socket, connected and non-blocking, or None."""
    s = socket.socket(family, socktype, proto)
    s.setblocking(False)  # fcntl(fd, F_SETFL, flags | O_NONBLOCK)
    err = s.connect_ex(addr)  # connect() without the exception
    if err == errno.EINPROGRESS:
        p = select.poll()
        p.register(s, select.POLLOUT)
        if not p.poll(ms):
            print("no answer within --timeout %d s" % (ms // 1000))
            s.close()
            return None
        err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    if err != 0:
        print("connect:", os.strerror(err))
        s.close()
        return None
    return s


ap = argparse.ArgumentParser()
ap.add_argument("--host", default="localhost")
ap.add_argument("--port", default="8888")
ap.add_argument("--timeout", type=int, default=30)
args = ap.parse_args()
ms = args.timeout * 1000

try:
    found = socket.getaddrinfo(args.host, args.port, socket.AF_UNSPEC,
                               socket.SOCK_STREAM, 0, socket.AI_ADDRCONFIG)
except socket.gaierror as e:
    sys.exit("getaddrinfo: %s" % e.strerror)
for family, socktype, proto, _, addr in found:
    print("trying", shown(addr))
    s = connect_within(family, socktype, proto, addr, ms)
    if s:
        break
else:
    sys.exit("could not connect to %s port %s" % (args.host, args.port))
print("connected to", shown(addr))

p = select.poll()
p.register(s, select.POLLIN)
with s:
    while True:
        try:
            data = s.recv(4096)
        except BlockingIOError:  # EAGAIN: nothing has arrived yet
            print("recv: nothing yet (EAGAIN), poll() waits")
            if not p.poll(ms):
                sys.exit("the server neither sent nor closed within "
                         "--timeout %d s" % args.timeout)
            continue
        if not data:  # the server closed the connection
            break
        print(repr(data)[2:-1])  # escaped: b'hi\n' prints as hi\n
