#!/usr/bin/env python3
# A UDP receiver that prints one datagram and exits, whatever it held
# (as a file server that serves one request):
#     python3 one-datagram-receiver.py PORT
#
# An empty datagram ends it, as any other would: scripts/check's empty
# must not tell it that it took the empty one for an end.
import socket
import sys

with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    s.bind(("127.0.0.1", int(sys.argv[1])))
    data, peer = s.recvfrom(65536)
    print("%d bytes from %s: %s" % (len(data), peer[0],
                                    data.decode("utf-8", "replace")))
