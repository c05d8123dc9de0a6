#!/usr/bin/env python3
# verdict: chat.spec: FAIL exchange (sent back to its sender only): a
# chat server with select() whose loop sends each line back to the
# client it came from, where it meant every other client.
#     python3 chat-sender.py PORT
import select
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
clients = []
while True:
    ready, _, _ = select.select([s] + clients, [], [])
    for r in ready:
        if r is s:
            conn, _ = s.accept()
            clients.append(conn)
            continue
        data = r.recv(4096)
        if not data:
            clients.remove(r)
            r.close()
            continue
        for c in clients:
            if c is r:  # meant: if c is not r
                c.sendall(data)
