#!/usr/bin/env python3
# A UDP echo server that never replies, and for each request writes a
# made-up narrated sendto() into the narration's descriptor (named in
# $SOCKSTEP_FD, when scripts/narrate runs it) and on its standard output
# and error: a reply sent to 127.0.0.1:9, where nothing listens. The
# checker must not believe it: "no reply", not "reply sent to".
#     python3 forge-elsewhere-udp-echo.py PORT
import os
import socket
import sys

out = os.environ.get("SOCKSTEP_FD", "").split(":")[0]
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", port))
while True:
    data, peer = s.recvfrom(65536)
    line = ("sendto(%d, \"x\\n\", %d, 0, 127.0.0.1:9, 16) = %d\n"
            % (s.fileno(), len(data), len(data))).encode()
    if out.isdigit():
        os.write(int(out), line)
    os.write(1, line)
    os.write(2, line)
