#!/usr/bin/env python3
# An honest echo server, as a careful student writes it: SO_REUSEADDR,
# loopback only, one client at a time, every byte back until the client
# closes. The batch's tests and bench/batch grade a class of these (the
# hostile submissions of tests/class.bats add their own code before it).
#     python3 echo-server.py PORT [ANYTHING...]
import socket
import sys

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
