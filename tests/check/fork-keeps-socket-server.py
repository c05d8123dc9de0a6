#!/usr/bin/env python3
# A forking echo server whose parent keeps each client's socket open:
#     python3 fork-keeps-socket-server.py PORT
#
# A child per client echoes each line, and refuses a line longer than
# 1000 bytes by closing the connection and ending. But the parent never
# closes its copy of the client's socket after fork(): the connection is
# not closed until every copy is, so a client whose child refused it
# waits for ever, neither answered nor closed. The children are reaped
# (SIGCHLD ignored). scripts/check's long-line must FAIL it (the client
# left hanging, the parent holding its socket), not pass it for serving
# the next client.
import os
import signal
import socket
import sys

signal.signal(signal.SIGCHLD, signal.SIG_IGN)
kept = []
with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(sys.argv[1])))
    s.listen()
    while True:
        conn, _ = s.accept()
        if os.fork() == 0:
            s.close()
            conn.settimeout(5)
            buf = b""
            try:
                while True:
                    data = conn.recv(4096)
                    if not data:
                        break
                    buf += data
                    if len(buf) > 1000 and b"\n" not in buf[:1001]:
                        break  # refused: the child closes and ends
                    while b"\n" in buf:
                        line, buf = buf.split(b"\n", 1)
                        conn.sendall(line + b"\n")
            except OSError:
                pass
            conn.close()
            os._exit(0)
        kept.append(conn)  # the fault: conn.close() belongs here
