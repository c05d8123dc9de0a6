#!/usr/bin/env python3
# A UDP echo server that keeps the address of its first client and
# answers every datagram there: the first client is served, and every
# client after it gets its reply sent to the first one's address.
#     python3 first-peer-udp-echo.py PORT
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
first = None
while True:
    data, peer = s.recvfrom(65536)
    if first is None:
        first = peer
    s.sendto(data, first)
