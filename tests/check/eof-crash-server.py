#!/usr/bin/env python3
# An echo server, one client at a time, that takes the end of a
# connection for a request: recv() returns b"" when a client leaves, and
# data[0] raises IndexError. A client that sends nothing and leaves ends
# it. The silent-client check must say so, the kind's as the spec's.
# Only a piece that is a Ctrl-D alone ends a client without a crash:
# one-megabyte's random bytes come to recv() in pieces of 512 bytes and
# up (measured), not one byte alone, so where recv() cuts them does not
# decide whether it crashes.
#     python3 eof-crash-server.py PORT
import socket
import sys

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
while True:
    c, _ = s.accept()
    while True:
        data = c.recv(4096)
        if data[0] == 0x04 and len(data) == 1:  # Ctrl-D: the client is done
            break
        c.sendall(data)
    c.close()
