#!/usr/bin/env python3
"""Lesson 17 in Python: the client. Connects to the server's socket file,
asks the kernel who the server is (SO_PEERCRED), receives the greeting and
the socket that came with it (SCM_RIGHTS), and reads from that socket.

    python3 docs/python/17_unix.py --path /tmp/sockstep-17-1000/server.sock
"""
import argparse
import os
import socket
import struct

tmp = os.environ.get("TMPDIR", "")  # as the C lesson: $TMPDIR, else /tmp
default = os.path.join(tmp if tmp.startswith("/") else "/tmp",
                       "sockstep-17-%d" % os.getuid(), "server.sock")
ap = argparse.ArgumentParser()
ap.add_argument("--path", default=default)
ap.add_argument("--timeout", type=float, default=30)
args = ap.parse_args()

with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
    s.settimeout(args.timeout)
    s.connect(args.path)
    # struct ucred: pid, uid, gid, three C ints (Linux)
    cred = s.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                        struct.calcsize("3i"))
    pid, uid, gid = struct.unpack("3i", cred)
    print("the server: pid %d, uid %d, gid %d" % (pid, uid, gid))
    # recvmsg() with room for one descriptor: socket.recv_fds() (3.9)
    data, fds, flags, _ = socket.recv_fds(s, 512, 1)
    print("greeting:", repr(data)[2:-1])
    if not fds:
        raise SystemExit("no descriptor came with the greeting")
    with socket.socket(fileno=fds[0]) as passed:  # the family: from the fd
        passed.settimeout(args.timeout)
        while chunk := passed.recv(512):
            print(repr(chunk)[2:-1])
