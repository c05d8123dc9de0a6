#!/usr/bin/env python3
# A UDP sender that waits for a reply to each line, with no timeout:
#     python3 reply-waiting-sender.py HOST PORT
#
# With nothing receiving on the port no reply comes, and it waits for
# ever in recvfrom(): scripts/check's no-receiver must say that it
# waits for a reply, not that it missed the end of its input.
import socket
import sys

with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    for line in sys.stdin.buffer:
        s.sendto(line, (sys.argv[1], int(sys.argv[2])))
        reply, _ = s.recvfrom(65536)
        print(reply.decode("utf-8", "replace"), end="")
