#!/usr/bin/env python3
# An honest echo server whose every client costs CPU: a child is forked
# for each client, and it first spends COST seconds of its own CPU time
# (a server that loads or computes something for each client, as one
# that starts a new interpreter does), then echoes every byte back until
# the client closes. On a quiet machine that is 40 ms; under a CPU quota
# of 1% of one CPU, 4 s and more of wall time, longer than one-line's
# 3 s: tests/check-starved.bats wants it passed all the same.
#     python3 costly-echo-server.py PORT
import os
import signal
import socket
import sys
import time

COST = 0.04

signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children reaped for us
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
while True:
    c, _ = s.accept()
    if os.fork():
        c.close()
        continue
    s.close()
    # a lower bound: at least COST of CPU spent, nothing judged
    start = time.process_time()  # lower bound, as above
    while time.process_time() - start < COST:  # lower bound, as above
        pass
    try:
        data = c.recv(65536)
        while data:
            c.sendall(data)
            data = c.recv(65536)
    except OSError:
        pass  # a reset, a client gone: this child's end, not the server's
    os._exit(0)
