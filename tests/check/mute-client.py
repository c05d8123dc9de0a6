#!/usr/bin/env python3
# An echo client that connects, sends nothing, and prints its own input
# as if it were the echo, then exits with status 0:
#     python3 mute-client.py PORT
#
# No line reached the checker's server, so it echoed none and closed
# nothing early: scripts/check's closes-early must not pass it.
import socket
import sys
import time

s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
data = sys.stdin.read()
time.sleep(1)
sys.stdout.write(data)
s.close()
