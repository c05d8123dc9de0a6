#!/usr/bin/env python3
# An echo server that calls recv() once per client: it sends back what one
# recv() returned and closes. The one-megabyte check must say that it
# ended the connection early, and guess the single recv(), not a short
# send().     python3 once-server.py PORT
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
while True:
    conn, addr = s.accept()
    data = conn.recv(65536)
    conn.sendall(data)
    conn.close()
