#!/usr/bin/env python3
# A UDP receiver that keeps every datagram whole (a buffer of 65536 bytes,
# room for the largest) and goes on after an empty one:
#     python3 good-receiver.py PORT
import socket
import sys

with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    s.bind(("127.0.0.1", int(sys.argv[1])))
    while True:
        data, peer = s.recvfrom(65536)
        print("%d bytes from %s:%d: %s" % (len(data), peer[0], peer[1],
                                           data.decode(errors="replace")))
