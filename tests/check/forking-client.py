#!/usr/bin/env python3
# An echo client that forks as it starts: the child leaves for a session
# of its own, starts a grandchild that sleeps for ten minutes holding the
# socket and the terminal, and exits. The first process echoes its input
# correctly and exits with status 0:     python3 forking-client.py PORT
#
# scripts/check must say that the first process ended, and that the
# process it left behind still ran; and end that process too.
import os
import socket
import sys
import time

s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        time.sleep(600)
    os._exit(0)
for line in sys.stdin.buffer:
    s.sendall(line)
    got = b""
    while len(got) < len(line):
        data = s.recv(4096)
        if not data:
            break
        got += data
    sys.stdout.buffer.write(got)
    sys.stdout.flush()
s.shutdown(socket.SHUT_WR)
s.recv(10)
