#!/usr/bin/env python3
# An echo client that prints each line as it sends it, reads the echo,
# and never prints the echo. scripts/check's one-line check must not count
# its own "Sent:" line as the echo.     python3 quiet-client.py PORT
import socket
import sys

s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
for line in sys.stdin:
    s.sendall(line.encode())
    print("Sent:", line.strip())
    s.recv(1024)
s.close()
