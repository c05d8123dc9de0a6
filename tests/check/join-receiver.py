#!/usr/bin/env python3
# A UDP receiver that says who sent its first datagram, and never prints
# what any datagram holds (as a file server's log does): the digits of
# the address it prints are no part of a datagram.
#     python3 join-receiver.py PORT
import socket
import sys

with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    s.bind(("127.0.0.1", int(sys.argv[1])))
    joined = False
    while True:
        data, peer = s.recvfrom(65536)
        if not joined:
            print("Client @ %s joined." % peer[0], flush=True)
            joined = True
