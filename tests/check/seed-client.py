#!/usr/bin/env python3
# The client of the same write-up (the seeds), as it was written, except
# that the port comes from the command line: python3 seed-client.py PORT
#
# It sends each line without its newline, and prints whatever one recv()
# returns; input() raises EOFError at the end of the input, which nothing
# catches. scripts/check's client checks must fail on the echo printed in
# pieces, the traceback at the end of input and the refused connection.
import socket
import sys

HOST = "127.0.0.1"
PORT = int(sys.argv[1])

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.connect((HOST, PORT))
    while True:
        msg = input("Enter message to send: ")
        s.sendall(msg.encode())
        data = s.recv(1024)

        print("Received", repr(data))
