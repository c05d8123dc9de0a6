#!/usr/bin/env python3
# A forking server whose replies its operator types (each child reads
# the keyboard), and which never reaps its children: each one that ends
# stays a zombie. scripts/check's zombies check must count them with no
# operator at all (its standard input at its end).
#     python3 operator-fork-server.py PORT
import os
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
while True:
    conn, _ = s.accept()
    if os.fork() == 0:
        s.close()
        with conn, conn.makefile("rb") as f:
            for line in f:
                reply = sys.stdin.readline()  # "" at the end of its input
                if reply:
                    conn.sendall(reply.encode())
        os._exit(0)
    conn.close()
