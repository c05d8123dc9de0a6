#!/usr/bin/env python3
# A hostile echo server for a batch run without the sandbox: before it
# serves, it alters the lecturer's results file, whose path it finds in
# SOCKSTEP_TEST_CSV. 'replace' puts a new file in its place (the
# batch's open file is then unlinked), 'rewrite' overwrites the same
# file, 'remove' deletes it. Then it echoes as tests/check/echo-server.py
# does.
#     python3 csv-tamper-server.py PORT replace|rewrite|remove
import os
import socket
import sys

path = os.environ["SOCKSTEP_TEST_CSV"]
fake = ("submission,kind,passed,failed,one-line,notes\n"
        "zed,echo-server,1,0,PASS,\n")
if sys.argv[2] == "replace":
    with open(path + ".new", "w") as f:
        f.write(fake)
    os.replace(path + ".new", path)
elif sys.argv[2] == "rewrite":
    with open(path, "w") as f:
        f.write(fake)
else:
    os.unlink(path)

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
while True:
    c, _ = s.accept()
    data = c.recv(4096)
    while data:
        c.sendall(data)
        data = c.recv(4096)
    c.close()
