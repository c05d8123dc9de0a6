#!/usr/bin/env python3
# A UDP receiver with a buffer of 1024 bytes:
#     python3 small-buffer-receiver.py PORT
#
# recvfrom(1024) returns at most 1024 bytes of a datagram; the kernel
# throws the rest of a longer one away. scripts/check's truncated check
# must say so (it sends 2000 bytes); the other UDP checks pass.
import socket
import sys

with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    s.bind(("127.0.0.1", int(sys.argv[1])))
    while True:
        data, peer = s.recvfrom(1024)
        print("%d bytes from %s:%d: %s" % (len(data), peer[0], peer[1],
                                           data.decode(errors="replace")))
