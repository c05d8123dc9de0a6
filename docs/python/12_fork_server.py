#!/usr/bin/env python3
"""Lesson 12 in Python: an echo server that forks a child per client.
A SIGCHLD handler collects the children that have ended, with waitpid()
and WNOHANG in a loop; with --no-reap, they stay zombies.

    python3 docs/python/12_fork_server.py --port 8888
"""
import argparse
import os
import signal
import socket
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--host", default="127.0.0.1")
ap.add_argument("--port", type=int, default=8888)
ap.add_argument("--timeout", type=int, default=300)
ap.add_argument("--count", type=int, default=0)
ap.add_argument("--no-reap", action="store_true")
args = ap.parse_args()


def out(text):
    """One line in one write(): the parent and its children share stdout."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def serve(conn, client):
    """The child: echo until the client closes (0) or fails (1)."""
    conn.settimeout(args.timeout)
    echoed = 0
    try:
        while True:
            data = conn.recv(4096)
            if not data:
                break
            conn.sendall(data)
            echoed += len(data)
    except socket.timeout:  # in recv() or in sendall(), as in lesson 06
        out("client %s: nothing for %d s (--timeout): closed"
            % (client, args.timeout))
        return 1
    except OSError as e:  # BrokenPipeError, ConnectionResetError
        out("client %s: %s" % (client, e.strerror))
        return 1
    out("client %s: %d bytes echoed" % (client, echoed))
    return 0


def show_states(kids):
    """Each child's state from /proc/PID/stat (Z: a zombie; Linux)."""
    for pid in kids:
        path = "/proc/%d/stat" % pid
        try:
            with open(path) as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        note = " (ended: a zombie)" if state == "Z" else ""
        out("child %d: state %s in %s%s" % (pid, state, path, note))


def on_sigchld(sig, frame):
    """Collect every child that has ended: several may end at once."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return  # no child left
        if pid == 0:
            return  # children are left, but none has ended


srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.settimeout(args.timeout)  # accept() waits at most --timeout
srv.bind((args.host, args.port))
srv.listen(socket.SOMAXCONN)
if not args.no_reap:
    signal.signal(signal.SIGCHLD, on_sigchld)
out("listening on %s:%d" % srv.getsockname())

kids, served, status = [], 0, 0
while args.count == 0 or served < args.count:
    try:
        conn, (host, port) = srv.accept()
    except socket.timeout:
        if served == 0:
            out("no client connected within --timeout %d s" % args.timeout)
            status = 1
        else:
            out("no more clients within --timeout %d s" % args.timeout)
        break
    client = "%s:%d" % (host, port)
    served += 1
    pid = os.fork()
    if pid == 0:  # the child: serve this client, then end
        srv.close()
        rc = serve(conn, client)
        conn.close()
        sys.stdout.flush()
        os._exit(rc)
    out("client %s: served by child %d" % (client, pid))
    conn.close()  # the child has its own descriptor for it
    if args.no_reap and len(kids) < 100:
        kids.append(pid)

srv.close()
if args.no_reap:
    show_states(kids)
else:
    while True:  # wait for the children still serving
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break
sys.exit(status)
