#!/usr/bin/env python3
"""Lesson 12 in Python: an echo server that forks a child per client.
SIGCHLD wakes poll() through a pipe (signal.set_wakeup_fd, the self-pipe
the C lesson builds by hand); the parent reaps with waitpid(WNOHANG), or,
with --no-reap, leaves its children zombies.

    python3 docs/python/12_fork_server.py --port 8888 --max-children 2
"""
import argparse
import os
import select
import signal
import socket
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--host", default="127.0.0.1")
ap.add_argument("--port", type=int, default=8888)
ap.add_argument("--timeout", type=int, default=300)
ap.add_argument("--count", type=int, default=0)
ap.add_argument("--max-children", type=int, default=20)
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
    except socket.timeout:
        out("client %s sent nothing for %d s (--timeout)"
              % (client, args.timeout))
        return 1
    except OSError as e:
        out("recv: %s" % e.strerror)
        return 1
    out("client %s: %d bytes echoed" % (client, echoed))
    return 0


def show_zombies(kids, everyone):
    """Each child's state from /proc/PID/stat, once it is Z (Linux)."""
    for pid, kid in kids.items():
        path = "/proc/%d/stat" % pid
        try:
            with open(path) as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if kid["seen_dead"] and not everyone:
            continue
        if state == "Z":
            kid["seen_dead"] = True
        if state == "Z" or everyone:
            note = " (ended: a zombie)" if state == "Z" else ""
            out("child %d: state %s in %s%s" % (pid, state, path, note))


def reap(kids, options):
    """Collect ended children: without waiting (WNOHANG), or wait for one."""
    while True:
        try:
            pid, status = os.waitpid(-1, options)
        except ChildProcessError:
            kids.clear()  # no child left
            return
        if pid == 0:
            return
        kid = kids.pop(pid, None)
        if kid is not None:
            if os.WIFEXITED(status):
                out("child %d (client %s) exited with status %d"
                      % (pid, kid["client"], os.WEXITSTATUS(status)))
            else:
                out("child %d (client %s) was killed by signal %d"
                      % (pid, kid["client"], os.WTERMSIG(status)))
        if options == 0:
            return


srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((args.host, args.port))
srv.listen(socket.SOMAXCONN)

wake_r, wake_w = os.pipe()
os.set_blocking(wake_w, False)
signal.set_wakeup_fd(wake_w)  # the C handler writes a byte here
signal.signal(signal.SIGCHLD, lambda sig, frame: None)
out("listening on %s:%d" % srv.getsockname())

kids, served, status = {}, 0, 0
while args.count == 0 or served < args.count:
    p = select.poll()
    p.register(wake_r, select.POLLIN)
    if len(kids) < args.max_children:  # at the cap: wait for a child only
        p.register(srv, select.POLLIN)
    ready = dict(p.poll(args.timeout * 1000))
    if not ready and len(kids) >= args.max_children:
        continue  # the children are still serving
    if not ready and served == 0:
        out("no client connected within --timeout %d s" % args.timeout)
        status = 1
        break
    if not ready:
        out("no more clients within --timeout %d s" % args.timeout)
        break
    if wake_r in ready:
        os.read(wake_r, 64)
        show_zombies(kids, False)
        if not args.no_reap:
            reap(kids, os.WNOHANG)
    if srv.fileno() not in ready or len(kids) >= args.max_children:
        continue

    conn, (host, port) = srv.accept()
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
    kids[pid] = {"client": client, "seen_dead": False}
    conn.close()  # the child has its own descriptor for it
    if len(kids) == args.max_children and args.no_reap:
        out("--max-children %d reached, and without waitpid() no child "
            "ever frees its place" % args.max_children)
        break
    if len(kids) == args.max_children:
        out("%d children at once (--max-children): new clients wait in "
            "the listen queue until one ends" % args.max_children)

srv.close()
if args.no_reap:
    show_zombies(kids, True)
while kids and not args.no_reap:
    reap(kids, 0)
sys.exit(status)
