#!/usr/bin/env python3
"""Ten clients connect at the same moment to PORT on 127.0.0.1. Each
waits at most 2 s for connect(), then keeps its socket open 2 s more.
Prints what each connect() did.

    python3 docs/python/03_ten_clients.py PORT
"""
import socket
import sys
import threading


def client(i):
    s = socket.socket()
    s.settimeout(2)
    try:
        s.connect(("127.0.0.1", int(sys.argv[1])))
        results[i] = "connected"
    except OSError as e:
        results[i] = str(e)
    threading.Event().wait(2)
    s.close()


results = [None] * 10
threads = [threading.Thread(target=client, args=(i,)) for i in range(10)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(results)
