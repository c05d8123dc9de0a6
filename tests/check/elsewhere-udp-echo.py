#!/usr/bin/env python3
# A UDP echo server that answers to a port of its own choosing, not to
# the sender: it sends each reply to 127.0.0.1, one port above its own
# (where its author's client listened), never to the address recvfrom()
# gave. No client but that one ever gets a reply. It also decodes each
# request as UTF-8, and so dies of a datagram that is not: the checks
# after the exchange must still find that.
#     python3 elsewhere-udp-echo.py PORT
import socket
import sys

port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", port))
while True:
    data, peer = s.recvfrom(65536)
    text = data.decode("utf-8")
    s.sendto(text.encode("utf-8"), ("127.0.0.1", port + 1))
