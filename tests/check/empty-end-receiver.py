#!/usr/bin/env python3
# A UDP receiver that takes an empty datagram for an end, as a TCP
# program takes recv() returning 0, and exits:
#     python3 empty-end-receiver.py PORT
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
while True:
    d, _ = s.recvfrom(4096)
    if not d:
        break
    print(d.decode())
