#!/usr/bin/env python3
# A UDP sender that never looks for the end of its input: at the end,
# its read gives nothing and it sends the last line again, for ever (as
# a C loop that ignores fgets() returning NULL, with the line still in
# its buffer). Its socket is not connect()ed:
#     python3 eof-spin-sender.py HOST PORT
#
# No ECONNREFUSED can stop it; scripts/check's no-receiver must say
# that the end of its input is what it missed.
import socket
import sys

line = b""
with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    while True:
        got = sys.stdin.buffer.readline()
        if got:
            line = got
        s.sendto(line, (sys.argv[1], int(sys.argv[2])))
