#!/usr/bin/env python3
# A UDP echo client as the textbooks write it (Stevens' dg_cli): each
# line of its input, newline included, goes out as one datagram, and the
# reply is printed as it came, with no newline of its own:
#     python3 raw-udp-echo-client.py PORT
#
# Against an echo server it prints each line once, on a line of its
# own: scripts/check's UDP echo client spec must pass it.
import socket
import sys

with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    s.settimeout(3)
    for line in sys.stdin.buffer:
        s.sendto(line, ("127.0.0.1", int(sys.argv[1])))
        try:
            reply, _ = s.recvfrom(65536)
        except socket.timeout:
            sys.exit("no reply within 3 s")
        sys.stdout.write(reply.decode("utf-8", "replace"))
        sys.stdout.flush()
