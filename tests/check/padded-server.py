#!/usr/bin/env python3
# A server that answers each request with a fixed count of bytes, as a C
# program does with send(fd, buf, sizeof buf, 0): its text, then NUL
# bytes up to 64. scripts/check must not pass the reply, and must say
# where the NUL bytes come from.
#     python3 padded-server.py PORT tcp    the NULs with the line
#     python3 padded-server.py PORT late   the line, then the NULs, then
#                                          the connection is closed
#     python3 padded-server.py PORT udp    one datagram of 64 bytes
#     python3 padded-server.py PORT send   one send(), its count unread
#     python3 padded-server.py PORT open   the NULs with the line, and the
#                                          connection is never closed
import socket
import sys
import time

port, mode = int(sys.argv[1]), sys.argv[2]
if mode == "udp":
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", port))
    while True:
        data, peer = u.recvfrom(64)
        u.sendto(data.ljust(64, b"\0"), peer)
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(5)
kept = []
while True:
    conn, _ = s.accept()
    data = conn.recv(64)
    if mode == "open":
        conn.sendall(data.ljust(64, b"\0"))
        kept.append(conn)
        continue
    if mode == "late":
        conn.sendall(data)
        time.sleep(0.2)
        conn.sendall(b"\0" * (64 - len(data)))
    elif mode == "send":
        conn.send(data.ljust(64, b"\0"))
    else:
        conn.sendall(data.ljust(64, b"\0"))
    conn.close()
