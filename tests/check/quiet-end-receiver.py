#!/usr/bin/env python3
# A UDP receiver that ends once 1.2 s pass with no datagram, and also,
# wrongly, at an empty datagram, taken for an end:
#     python3 quiet-end-receiver.py PORT
#
# Run again with one datagram, it ends too, but only later, of its own
# clock, after printing the next: scripts/check's empty must fail it.
import socket
import sys

with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    s.bind(("127.0.0.1", int(sys.argv[1])))
    s.settimeout(1.2)
    while True:
        try:
            data, _ = s.recvfrom(65536)
        except socket.timeout:
            print("1.2 s without a datagram: done")
            break
        if not data:
            print("the sender is done")
            break
        print(data.decode("utf-8", "replace"))
