#!/usr/bin/env python3
"""Lesson 19 in Python: one stream of bytes over TCP, timed, with the
system calls counted and the CPU time they cost; --verify hashes every
byte (FNV-1a, 64 bits, as the C lesson does: slow in Python), and
--sendfile sends a file with os.sendfile().

    python3 docs/python/19_throughput.py --receive --port 8888
    python3 docs/python/19_throughput.py --send --port 8888 --bytes 64M
"""
import argparse
import os
import resource
import socket
import time


def size(text):
    """'64K', '1M', '1G' or a number of bytes."""
    shift = {"K": 10, "M": 20, "G": 30}.get(text[-1:], 0)
    return int(text[:-1] if shift else text) << shift


def fnv1a(h, data):
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def report(verb, nbytes, calls, call, t0, r0, h):
    s = time.monotonic() - t0
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    print("%s %d bytes in %.3f s: %.1f MB/s (%.2f Gbit/s)"
          % (verb, nbytes, s, nbytes / s / 1e6, nbytes * 8 / s / 1e9))
    print("  system calls: %d %s" % (calls, call))
    print("  CPU time: %.3f s user, %.3f s system"
          % (r1.ru_utime - r0.ru_utime, r1.ru_stime - r0.ru_stime))
    if h is not None:
        print("  fnv1a64 %016x" % h)


ap = argparse.ArgumentParser()
side = ap.add_mutually_exclusive_group(required=True)
side.add_argument("--send", action="store_true")
side.add_argument("--receive", action="store_true")
ap.add_argument("--host", default="127.0.0.1")
ap.add_argument("--port", type=int, default=8888)
ap.add_argument("--bytes", type=size, default=1 << 30)
ap.add_argument("--buffer", type=size, default=128 << 10)
ap.add_argument("--sendfile", metavar="PATH")
ap.add_argument("--verify", action="store_true")
ap.add_argument("--timeout", type=int, default=300)
args = ap.parse_args()
h = 0xCBF29CE484222325 if args.verify else None

if args.receive:
    with socket.socket() as srv:
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind((args.host, args.port))
        srv.listen()
        srv.settimeout(args.timeout)
        print("listening on %s:%d" % srv.getsockname(), flush=True)
        conn, peer = srv.accept()
    with conn:
        conn.settimeout(args.timeout)
        buf = bytearray(args.buffer)
        got = calls = 0
        t0, r0 = time.monotonic(), resource.getrusage(resource.RUSAGE_SELF)
        while True:
            n = conn.recv_into(buf)  # recv() into a buffer we keep
            calls += 1
            if n == 0:
                break  # the sender has closed its side
            if h is not None:
                h = fnv1a(h, memoryview(buf)[:n])
            got += n
    report("received", got, calls, "recv()", t0, r0, h)
else:
    with socket.create_connection((args.host, args.port),
                                  timeout=args.timeout) as s:
        sent = calls = 0
        if args.sendfile:
            f = open(args.sendfile, "rb")
            total = os.fstat(f.fileno()).st_size
            if h is not None:
                h = fnv1a(h, f.read())
        else:
            total = args.bytes
            data = memoryview(os.urandom(args.buffer))
        t0, r0 = time.monotonic(), resource.getrusage(resource.RUSAGE_SELF)
        while sent < total:
            if args.sendfile:
                n = os.sendfile(s.fileno(), f.fileno(), sent, total - sent)
            else:
                at = sent % args.buffer
                chunk = data[at:at + min(args.buffer - at, total - sent)]
                n = s.send(chunk)
                if h is not None:
                    h = fnv1a(h, chunk[:n])
            calls += 1
            if n == 0:
                raise SystemExit("%s: shorter than it was" % args.sendfile)
            sent += n
        s.shutdown(socket.SHUT_WR)
        s.recv(1)  # b"": the receiver has read it all and closed
    report("sent", sent, calls, "sendfile()" if args.sendfile else "send()",
           t0, r0, h)
