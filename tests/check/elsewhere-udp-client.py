#!/usr/bin/env python3
# A UDP echo client that sends each line of its input to the port after
# the one it is given (its author's server listened there), never to the
# server it was told: no datagram of it reaches that server. It waits
# 1 s for each reply and gives up, with status 1.
#     python3 elsewhere-udp-client.py PORT
import socket
import sys

port = int(sys.argv[1])
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.settimeout(1.0)
for line in sys.stdin:
    u.sendto(line.rstrip("\n").encode("utf-8"), ("127.0.0.1", port + 1))
    try:
        print(u.recvfrom(65536)[0].decode("utf-8", "replace"))
    except socket.timeout:
        print("no reply", file=sys.stderr)
        sys.exit(1)
