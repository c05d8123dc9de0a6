#!/usr/bin/env python3
# first-peer-udp-echo.py, but its second start ends early: at once
# after bind() (WHEN: bound), or after its first datagram, unanswered
# (WHEN: read). The checker's first run of it again under
# scripts/narrate (to see where a reply went) then shows nothing either
# way, as when another program took its port meanwhile, or sent it a
# stray datagram. COUNT is a file that counts the starts.
#     python3 first-peer-udp-echo-gone-once.py PORT COUNT WHEN
import os
import socket
import sys

with open(sys.argv[2], "a") as f:
    f.write("start\n")
with open(sys.argv[2]) as f:
    starts = len(f.read().splitlines())

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
if starts == 2 and sys.argv[3] == "bound":
    os._exit(0)
if starts == 2:
    s.recvfrom(65536)
    os._exit(0)
first = None
while True:
    data, peer = s.recvfrom(65536)
    if first is None:
        first = peer
    s.sendto(data, first)
