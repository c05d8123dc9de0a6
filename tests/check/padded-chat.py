#!/usr/bin/env python3
# A chat server that relays each line to every other client in a buffer
# of 1024 bytes, sent whole: the line, then NUL bytes up to 1024. It
# relays every line, to every other client.   python3 padded-chat.py PORT
import select
import socket
import sys

srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", int(sys.argv[1])))
srv.listen()
clients = []
while True:
    ready, _, _ = select.select([srv] + clients, [], [])
    for s in ready:
        if s is srv:
            clients.append(srv.accept()[0])
            continue
        try:
            data = s.recv(1000)
        except OSError:
            data = b""
        if not data:
            clients.remove(s)
            s.close()
            continue
        for other in clients:
            if other is not s:
                try:
                    other.sendall(data.ljust(1024, b"\0"))
                except OSError:
                    pass
