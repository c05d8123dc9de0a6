#!/usr/bin/env python3
# A client that sends nothing: it connects, prints what comes until the
# server closes, and exits, as a daytime client does. Given to the echo
# client's checks, it never sends its input, so no echo ever comes.
#     python3 daytime-client.py PORT
import socket
import sys

s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
while True:
    data = s.recv(1024)
    if not data:
        break
    sys.stdout.write(data.decode(errors="replace"))
s.close()
