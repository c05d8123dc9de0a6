#!/usr/bin/env python3
# verdict: tests/check/operator.spec: PASS. A student's "chat with the
# operator" server: it prints what each client says, and the operator at
# its keyboard types the reply, which goes back to that client.
#     python3 operator-chat.py PORT
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
print("waiting on port", s.getsockname()[1], flush=True)
while True:
    conn, addr = s.accept()
    with conn, conn.makefile("rb") as f:
        for line in f:
            print("client:", line.decode("utf-8", "replace").rstrip(),
                  flush=True)
            print("you> ", end="", flush=True)
            reply = sys.stdin.readline()
            if not reply:  # the operator has gone: so does the server
                sys.exit(0)
            try:
                conn.sendall(reply.encode("utf-8", "replace"))
            except OSError:
                break
