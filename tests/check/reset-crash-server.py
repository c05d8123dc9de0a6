#!/usr/bin/env python3
# An echo server, one client at a time, with no word on errors: a client
# that resets its connection makes recv() or sendall() raise
# ConnectionResetError (or BrokenPipeError), and the traceback ends the
# server. The sigpipe checks must blame the reset, not the requests.
#     python3 reset-crash-server.py PORT
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
