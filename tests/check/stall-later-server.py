#!/usr/bin/env python3
# An echo server that works the first time it is started, and from its
# second start on never listens: it waits for ever for something that
# never comes (asleep, so that the test costs no CPU: a time limit ends
# a sleeping program as it ends a spinning one). Its first check passes;
# its second waits for it to listen until a limit of the sandbox ends
# the checker. It leaves "started" in its current directory (the
# sandbox's copy) to know.
#     python3 stall-later-server.py PORT
import os
import socket
import sys
import time

if os.path.exists("started"):
    while True:
        time.sleep(60)
open("started", "w").close()
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
while True:
    c, _ = s.accept()
    data = c.recv(4096)
    while data:
        c.sendall(data)
        data = c.recv(4096)
    c.close()
