#!/usr/bin/env python3
# An echo client that first connects and closes at once, to see that
# the server is up, then connects again for its exchange:
#     python3 probe-client.py PORT [once]
#
# The first connection carried no byte either way: the checker judges
# the second. With "once" it stops after the probe, and the exchange
# must fail.
import socket
import sys

port = int(sys.argv[1])
try:
    socket.create_connection(("127.0.0.1", port)).close()
except OSError as e:
    print("cannot connect to port %d: %s" % (port, e.strerror))
    sys.exit(1)
if sys.argv[2:] == ["once"]:
    print("the server is up")
    sys.exit(0)
with socket.create_connection(("127.0.0.1", port)) as s:
    for line in sys.stdin.buffer:
        s.sendall(line)
        got = b""
        while not got.endswith(b"\n"):
            part = s.recv(4096)
            if not part:
                sys.exit(0)
            got += part
        sys.stdout.write(got.decode("utf-8", "replace"))
