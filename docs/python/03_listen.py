#!/usr/bin/env python3
"""Lesson 03 in Python: listen with a backlog of 5 and never accept();
watch the queue in /proc/net/tcp (Linux) until --count connections wait,
or --timeout seconds pass, then close, which resets every one of them.

    python3 docs/python/03_listen.py --count 2
"""
import argparse
import socket
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("--host", default="127.0.0.1")
ap.add_argument("--port", type=int, default=8888)
ap.add_argument("--timeout", type=float, default=300)
ap.add_argument("--count", type=int, default=0)
args = ap.parse_args()


def waiting(host, port):
    """The listening socket's Recv-Q: how many connections wait for it."""
    want = "%08X:%04X" % (int.from_bytes(socket.inet_aton(host), "little"),
                          port)
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            field = line.split()
            if field[1] == want and field[3] == "0A":  # 0A: LISTEN
                return int(field[4].split(":")[1], 16)
    return 0


s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind((args.host, args.port))
s.listen(5)                     # small on purpose: 6 fit on Linux
host, port = s.getsockname()
print("listening on %s:%d" % (host, port), flush=True)

status, last, start = 0, 0, time.monotonic()
while True:
    n = waiting(host, port)
    if n != last:
        print("%d connection%s waiting for accept()"
              % (n, "" if n == 1 else "s"), flush=True)
        last = n
    if args.count and n >= args.count:
        break
    if time.monotonic() - start >= args.timeout:
        if args.count:
            print("only %d of %d connections waited within --timeout %g s"
                  % (n, args.count, args.timeout))
            status = 1
        break
    time.sleep(0.1)
s.close()                       # the waiting connections are reset
sys.exit(status)
