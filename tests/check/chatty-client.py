#!/usr/bin/env python3
# A correct echo client that first prints 2 MiB of its own (a debugging
# dump, say), then sends each line of its input, prints each echo whole,
# and exits with status 0:     python3 chatty-client.py PORT
#
# scripts/check keeps only the start and the end of so much output; the
# echo it printed last must still count as printed after it came.
import socket
import sys

for i in range(2048):
    print("debug %04d " % i + "." * 1012)
sys.stdout.flush()
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
for line in sys.stdin.buffer:
    s.sendall(line)
    got = b""
    while len(got) < len(line):
        data = s.recv(4096)
        if not data:
            break
        got += data
    sys.stdout.buffer.write(got)
    sys.stdout.flush()
s.shutdown(socket.SHUT_WR)
while s.recv(4096):
    pass
