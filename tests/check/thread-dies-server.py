#!/usr/bin/env python3
# A server of a thread per client whose thread dies with its client:
#     python3 thread-dies-server.py PORT
#
# Each client gets a thread that echoes its lines; a recv() or send() on
# a connection the client has reset raises ConnectionResetError (or
# BrokenPipeError), which nothing catches: the thread ends with a
# traceback, the socket closed as it goes. The server itself, its other
# threads and the next client are untouched: it serves everyone.
# scripts/check's reset and sigpipe checks must pass it (the traceback
# is that client's end, not the server's), where they once failed it.
import socket
import sys
import threading


def serve(conn):
    with conn:
        while True:
            data = conn.recv(4096)  # raises on a reset: the thread ends
            if not data:
                return
            conn.sendall(data)


with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(sys.argv[1])))
    s.listen()
    while True:
        conn, _ = s.accept()
        conn.settimeout(5)
        threading.Thread(target=serve, args=(conn,), daemon=True).start()
