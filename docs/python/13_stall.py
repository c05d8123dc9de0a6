#!/usr/bin/env python3
"""A client that sends everything before it reads: 64 MiB to an echo
server, then it would read the echo. It never gets there: once both
directions' buffers are full, the server waits in send() and so reads
no more, and this client waits in send() too. After --wait seconds in
one send() it gives up.

    python3 docs/python/13_stall.py --port 8888 --wait 2
"""
import argparse
import socket

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, default=8888)
ap.add_argument("--wait", type=float, default=2)
args = ap.parse_args()

data = b"x" * (64 << 20)
s = socket.create_connection(("127.0.0.1", args.port), timeout=args.wait)
sent = 0
try:
    while sent < len(data):
        sent += s.send(data[sent:sent + 65536])
    print("all %d bytes sent" % sent)
except TimeoutError:
    print("send() waited %g s: %d of %d bytes sent, none read back"
          % (args.wait, sent, len(data)))
s.close()
