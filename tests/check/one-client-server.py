#!/usr/bin/env python3
# An echo server with no loop around accept(): it serves one client, then
# keeps the process up (sleeping) so that "the server is still running".
# scripts/check's twenty-clients check must say that it sleeps, that a
# further client waits unaccepted, and that accept() belongs in a loop.
#     python3 one-client-server.py PORT
import socket
import sys
import time

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
conn, addr = s.accept()
while True:
    data = conn.recv(1024)
    if not data:
        break
    conn.sendall(data)
conn.close()
print("client done")
while True:
    time.sleep(1)  # keep the server up
