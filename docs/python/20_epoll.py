#!/usr/bin/env python3
"""Lesson 20 in Python: an echo server for many clients at once, on
select.epoll with non-blocking sockets; level-triggered, or with --edge
edge-triggered (EPOLLET), where each event is drained until the call
would block (BlockingIOError is EAGAIN). Linux only, like epoll.

    python3 docs/python/20_epoll.py --port 8888 --edge
"""
import argparse
import resource
import select
import socket

ap = argparse.ArgumentParser()
ap.add_argument("--host", default="127.0.0.1")
ap.add_argument("--port", type=int, default=8888)
ap.add_argument("--edge", action="store_true")
ap.add_argument("--count", type=int, default=0)
ap.add_argument("--timeout", type=int, default=300)
args = ap.parse_args()
ET = select.EPOLLET if args.edge else 0

# One descriptor per client: the soft limit up to the hard one.
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((args.host, args.port))
srv.listen(socket.SOMAXCONN)
srv.setblocking(False)
ep = select.epoll()
ep.register(srv.fileno(), select.EPOLLIN | ET)
print("listening on %s:%d" % srv.getsockname(), flush=True)

clients = {}  # fd: [socket, bytes not sent back yet]
served = most = 0


def serve(fd):
    """Echo what has come; False when the client is to be closed."""
    c, reads = clients[fd], 0
    try:
        while True:
            while c[1]:  # first what is still to be sent back
                c[1] = c[1][c[0].send(c[1]):]
            if reads == 1 and not args.edge:
                break  # level-triggered: once per event is enough
            data = c[0].recv(4096)
            reads += 1
            if not data:
                return False  # the client has closed its side
            c[1] = data
    except BlockingIOError:  # EAGAIN: edge-triggered, the end of a drain
        pass
    except OSError:
        return False
    if not args.edge:  # level-triggered: watch for what we wait for
        ep.modify(fd, select.EPOLLOUT if c[1] else select.EPOLLIN)
    return True


while srv is not None or clients:
    events = ep.poll(args.timeout)
    if not events:
        print("no client connected" if served == 0 else "no more clients",
              "within --timeout %d s" % args.timeout)
        break
    for fd, ev in events:
        if srv is not None and fd == srv.fileno():
            while True:
                try:
                    conn, _ = srv.accept()
                except BlockingIOError:
                    break
                conn.setblocking(False)
                ep.register(conn.fileno(), select.EPOLLIN | (
                    select.EPOLLOUT | ET if args.edge else 0))
                clients[conn.fileno()] = [conn, b""]
                served += 1
                most = max(most, len(clients))
                if not args.edge or served == args.count:
                    break
            if args.count and served >= args.count:
                ep.unregister(srv.fileno())
                srv.close()
                srv = None
        elif fd in clients and not serve(fd):
            clients.pop(fd)[0].close()  # close() also leaves the epoll set
print("served %d clients, at most %d at once" % (served, most))
