#!/usr/bin/env python3
"""Lesson 06 in Python, the client: send each line of standard input,
read its echo back and compare; a long line goes in pieces of 4 KiB,
each echoed before the next. At the end, shutdown(SHUT_WR) and read
until the server closes too.

    printf 'hello\\nworld\\n' | python3 docs/python/06_client.py --port 8888
"""
import argparse
import socket
import sys

PIECE = 4096    # the most sent before its echo is read

ap = argparse.ArgumentParser()
ap.add_argument("--host", default="127.0.0.1")
ap.add_argument("--port", type=int, default=8888)
ap.add_argument("--timeout", type=float, default=30)  # network waits only
args = ap.parse_args()


def recv_exactly(s, n):
    """A stream has no boundaries: recv() until n bytes have come,
    or the server has closed (b"": fewer came)."""
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


def shown(data):
    """Escaped for the terminal, as the C lessons print it."""
    return (data.decode("utf-8", "backslashreplace").replace("\\", "\\\\")
            .replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t"))


s = socket.create_connection((args.host, args.port), timeout=args.timeout)
for line in iter(lambda: sys.stdin.buffer.readline(PIECE), b""):
    s.sendall(line)               # send() in a loop until all is taken
    back = recv_exactly(s, len(line))
    print("echo:", shown(back), flush=True)
    if back != line:
        sys.exit("%s: %d of %d bytes came back"
                 % ("the server closed its side" if len(back) < len(line)
                    else "the echo differs", len(back), len(line)))
s.shutdown(socket.SHUT_WR)        # our FIN: "nothing more from me"
rest = s.recv(4096)               # b"": the server has closed its side too
if rest:
    sys.exit("the server sent %d bytes more than the echo" % len(rest))
s.close()
