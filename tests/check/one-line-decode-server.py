#!/usr/bin/env python3
# one-line-server.py (one recv() echoed per client, then closed: a client
# of echo.spec, which sends two lines, is not served), which also decodes
# each request as UTF-8 and dies of bytes that are not. The kind's
# not-utf8 check could not judge the bytes (the spec's exchange fails
# without them too), but it saw the crash: a FAIL, not a NOT RUN.
#     python3 one-line-decode-server.py PORT
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
while True:
    conn, _ = s.accept()
    text = conn.recv(1024).decode("utf-8")
    conn.sendall(text.encode("utf-8"))
    conn.close()
