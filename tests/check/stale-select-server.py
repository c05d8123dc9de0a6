#!/usr/bin/env python3
# A select() server whose replies its operator types, which never drops
# a client that has left: select() keeps saying the closed socket is
# readable, recv() gives b"", and the line typed for the next client
# goes to the one that left. It does accept() the next client, and
# answers it nothing: scripts/check must say that, and not that it never
# calls accept() again, nor that a bad request left it stuck.
#     python3 stale-select-server.py PORT
import select
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
socks = [s]
while True:
    ready, _, _ = select.select(socks, [], [])
    for c in ready:
        if c is s:
            conn, _ = s.accept()
            socks.append(conn)
            continue
        try:
            data = c.recv(30)
        except OSError:
            data = b""
        print("client %d: %r" % (c.fileno(), data), flush=True)
        reply = sys.stdin.readline()  # the operator's answer
        if not reply:
            sys.exit(0)
        try:
            c.send(reply.encode())
        except OSError:
            pass
