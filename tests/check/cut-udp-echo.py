#!/usr/bin/env python3
# A UDP echo server whose buffer holds 1024 bytes: a longer datagram comes
# back cut to its first 1024, without a word. It serves every sender
# otherwise.   python3 cut-udp-echo.py PORT
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
while True:
    data, peer = s.recvfrom(1024)
    s.sendto(data, peer)
