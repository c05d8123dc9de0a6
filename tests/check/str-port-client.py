#!/usr/bin/env python3
# An echo client that passes its port to connect() as a string, so it
# dies of a TypeError before any connection is tried:
#     python3 str-port-client.py PORT
#
# It does take its port from the command line, and it never meets a
# refused connection: scripts/check's notes must not say otherwise.
import socket
import sys

with socket.socket() as s:
    s.connect(("127.0.0.1", sys.argv[1]))
    s.sendall(sys.stdin.buffer.read())
