#!/usr/bin/env python3
# A UDP client whose request is not the one its spec asks for: it sends
# "hullo", waits 1 s for an answer, and gives up. The checker's server
# never answers it, so scripts/check's stranger check has nothing to
# judge: it must say so (NOT RUN), as the odd-answer checks do.
#     python3 wrong-udp-client.py PORT
import socket
import sys

u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.settimeout(1.0)
u.sendto(b"hullo", ("127.0.0.1", int(sys.argv[1])))
try:
    print(u.recvfrom(1024)[0].decode("utf-8", "replace"))
except socket.timeout:
    print("no answer", file=sys.stderr)
    sys.exit(1)
