#!/usr/bin/env python3
# A UDP echo server that keeps the address of its first client and
# answers every datagram there: the first client is served, and every
# client after it gets its reply sent to the first one's address.
#     python3 first-peer-udp-echo.py PORT [COUNT WHEN]
# With COUNT, a file that counts its starts, the second start ends
# early: at once after bind() (WHEN: bound), or after its first
# datagram, unanswered (WHEN: read). The checker's run of it again under
# scripts/narrate (to see where a reply went) then shows nothing either
# way, as when another program took its port meanwhile, or sent it a
# stray datagram.
import os
import socket
import sys

starts = 0
if len(sys.argv) > 2:
    with open(sys.argv[2], "a") as f:
        f.write("start\n")
    with open(sys.argv[2]) as f:
        starts = len(f.read().splitlines())

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
if starts == 2:
    if sys.argv[3] == "read":
        s.recvfrom(65536)
    os._exit(0)
first = None
while True:
    data, peer = s.recvfrom(65536)
    if first is None:
        first = peer
    s.sendto(data, first)
