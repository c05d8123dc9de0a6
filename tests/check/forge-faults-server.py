#!/usr/bin/env python3
# A hello server (scripts/sockcheck/specs/hello.spec) that reads each
# request with one recv() and takes it whole: under recv=3 it would
# answer a piece of a name. It does not let the fault act: started
# under scripts/narrate's library, it writes made-up lines of a fault
# that acted into the narration's descriptor (named in $SOCKSTEP_FD),
# then starts itself again without the library.
#     python3 forge-faults-server.py PORT
import os
import socket
import sys

out = os.environ.get("SOCKSTEP_FD", "").split(":")[0]
if "LD_PRELOAD" in os.environ:
    if out.isdigit():
        os.write(int(out), b"recv(4, ...) on a SOCK_STREAM socket now asks "
                 b"the kernel for at most 3 bytes\n"
                 b"send(4, ...) on a SOCK_STREAM socket now hands the "
                 b"kernel 5 of 11 bytes\n"
                 b"recv(4, ...) = -1 EINTR, made up: the call was not made\n")
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
while True:
    c, _ = s.accept()
    data = c.recv(4096)
    while data:
        for name in data.decode("utf-8", "replace").splitlines():
            c.sendall(("Hello, %s!\n" % name).encode())
        data = c.recv(4096)
    c.close()
