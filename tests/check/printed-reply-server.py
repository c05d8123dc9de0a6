#!/usr/bin/env python3
# An echo server that prints what each client sends on its standard
# output, and sends nothing back: its author took print() for the
# reply. The client's reply went to the terminal.
#     python3 printed-reply-server.py PORT
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
while True:
    conn, _ = s.accept()
    while True:
        data = conn.recv(1024)
        if not data:
            break
        print(data.decode("utf-8", "replace"), end="", flush=True)
    conn.close()
