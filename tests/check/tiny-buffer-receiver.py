#!/usr/bin/env python3
# A UDP receiver with a 16-byte buffer, as in a course's example:
#     python3 tiny-buffer-receiver.py PORT
#
# It prints what each recvfrom() gave, an empty datagram too, and goes
# on: a datagram longer than 16 bytes is cut. scripts/check's empty
# check must not say it stopped at the empty datagram.
import socket
import sys

with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    s.bind(("127.0.0.1", int(sys.argv[1])))
    while True:
        data, _ = s.recvfrom(16)
        print("%d bytes: %s" % (len(data), data.decode("utf-8", "replace")),
              flush=True)
