#!/usr/bin/env python3
# The server of a student's write-up (the seeds), as it was written, except
# that the port comes from the command line so that the checker can choose
# it: python3 spin-server.py PORT
#
# Its bug: nothing stops the loop when recv() returns b"" (the client has
# finished). From then on, recv() returns b"" at once, every time, and the
# server prints "Data received:" and calls sendall(b"") at full speed, for
# ever. It also serves a single client. scripts/check's half-close check
# must say that it spins.
import socket
import sys

HOST = "127.0.0.1"
PORT = int(sys.argv[1])

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.bind((HOST, PORT))
    s.listen()
    conn, addr = s.accept()
    with conn:
        print("Connected to", addr)
        while True:
            data = conn.recv(1024)
            print("Data received:", data.decode())
            conn.sendall(data)
