#!/usr/bin/env python3
# A careful echo client that first prints more than the checker keeps of
# a program's output (a banner of 1.5 MB): each line of its input is sent
# whole, each echo read up to its line end and printed whole, and at the
# end of its input it half-closes and reads to the end. What it prints
# before connecting must not hide the echoes it prints after.
#     python3 loud-client.py PORT
import socket
import sys

for i in range(25000):
    print("banner %05d %s" % (i, "=" * 48))
sys.stdout.flush()

s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
got = b""
for line in sys.stdin.buffer:
    s.sendall(line)
    while b"\n" not in got:
        data = s.recv(4096)
        if not data:
            sys.exit("the server closed before the echo")
        got += data
    echo, got = got.split(b"\n", 1)
    print("echo: " + echo.decode("utf-8", "replace"), flush=True)
s.shutdown(socket.SHUT_WR)
while s.recv(4096):
    pass
s.close()
