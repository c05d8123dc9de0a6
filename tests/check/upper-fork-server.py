#!/usr/bin/env python3
# A forking server with three faults: it answers only the first line of
# each client (in capitals) and closes, so an exchange of two lines
# fails; it never reaps its children (each one that ends stays a
# zombie); and it sets no SO_REUSEADDR (started again at once, its
# bind() fails while a connection of its first run waits in TIME_WAIT).
# scripts/check's zombies and restart checks must find the last two
# although the exchange fails.
#     python3 upper-fork-server.py PORT
import os
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
while True:
    conn, _ = s.accept()
    if os.fork() == 0:
        s.close()
        with conn, conn.makefile("rb") as f:
            conn.sendall(f.readline().upper())
        os._exit(0)
    conn.close()
