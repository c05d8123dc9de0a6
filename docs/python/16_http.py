#!/usr/bin/env python3
"""Lesson 16 in Python: an HTTP/1.0 GET over a bare socket, as the C
client makes it. Prints the status line and headers, then the body (or
writes it to --output), and says when the body is shorter than its
Content-Length.

    python3 docs/python/16_http.py --url http://127.0.0.1:8888/
"""
import argparse
import socket
import sys
from urllib.parse import urlsplit

ap = argparse.ArgumentParser()
ap.add_argument("--url", default="http://127.0.0.1:8888/")
ap.add_argument("--output")
ap.add_argument("--timeout", type=float, default=30)
args = ap.parse_args()

url = urlsplit(args.url)
if url.scheme != "http" or not url.hostname:
    sys.exit("--url: expected http://HOST[:PORT]/PATH")
path = (url.path or "/") + ("?" + url.query if url.query else "")
host = "[%s]" % url.hostname if ":" in url.hostname else url.hostname
if url.port:
    host += ":%d" % url.port

with socket.create_connection((url.hostname, url.port or 80),
                              args.timeout) as s:
    s.sendall(("GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n"
               % (path, host)).encode())
    data = b""
    while b"\r\n\r\n" not in data:  # the head: up to the empty line
        chunk = s.recv(16384)
        if not chunk:
            sys.exit("the server closed before the end of the headers")
        data += chunk
        if len(data) > 16384:
            sys.exit("the headers are longer than 16384 bytes")
    head, body = data.split(b"\r\n\r\n", 1)
    length = None
    for line in head.split(b"\r\n"):
        print("<", repr(line)[2:-1])  # escaped, as the C client prints
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while length is None or len(body) < length:
        chunk = s.recv(65536)
        if not chunk:  # the server closed: the end of the body
            break
        body += chunk

if length is not None and len(body) > length:
    print("the server sent %d bytes more than its Content-Length"
          % (len(body) - length))
    body = body[:length]
if args.output:
    with open(args.output, "wb") as f:
        f.write(body)
else:
    for line in body.split(b"\n"):
        print(repr(line)[2:-1])
print("body %d bytes" % len(body))
if length is not None and len(body) < length:
    sys.exit("the server closed after %d of %d bytes" % (len(body), length))
