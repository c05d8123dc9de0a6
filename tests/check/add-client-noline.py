#!/usr/bin/env python3
# verdict: tests/check/add-noline.spec: PASS exchange, FAIL long-input
# and bad-input (it splits its input line unchecked: a traceback). A
# client of a protocol without line ends: it reads two numbers from its
# input, sends "ADD A B" with no newline, and prints the server's
# answer, which has none either.     python3 add-client-noline.py PORT
import socket
import sys

a, b = sys.stdin.readline().split()
try:
    with socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5) as s:
        s.sendall(("ADD %s %s" % (a, b)).encode())
        answer = s.recv(64)
except OSError as e:
    sys.exit("add-client: %s" % e)
if not answer:
    sys.exit("the server closed the connection without an answer")
print("sum:", answer.decode("utf-8", "replace"))
