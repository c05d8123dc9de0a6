#!/usr/bin/env python3
# An echo server that resets every client after its tenth:
#     python3 tenth-reset-server.py PORT
#
# It serves clients one at a time, correctly, and counts them; from the
# eleventh on it closes each connection at once with SO_LINGER 0 (a
# RST), as a server that runs out of something after ten clients does.
# Under the echo spec (no twenty-clients), the only check that plays
# more than ten clients is descriptors (one, then 20 more): it must
# FAIL, naming the clients served, not hide them in a NOT RUN line.
import socket
import struct
import sys

served = 0
with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(sys.argv[1])))
    s.listen()
    while True:
        conn, _ = s.accept()
        served += 1
        if served > 10:
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                            struct.pack("ii", 1, 0))
            conn.close()
            continue
        conn.settimeout(5)
        try:
            while True:
                data = conn.recv(4096)
                if not data:
                    break
                conn.sendall(data)
        except OSError:
            pass
        conn.close()
