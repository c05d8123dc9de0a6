#!/usr/bin/env python3
"""Lesson 13 in Python: a chat server with select.poll(). Each line a
client sends goes to every other client; joins and leaves are announced; a
partial line waits for its newline; a client that does not read is dropped
when 64 KiB wait for it.

    python3 docs/python/13_poll_chat.py --port 8888
"""
import argparse
import re
import select
import socket
import sys

MAX_LINE = 512  # a line and its newline: longer goes in pieces
QUEUE_MAX = 65536  # bytes that may wait for one client
# A whole UTF-8 character of 2 to 4 bytes, or one byte that is C0 (but
# TAB), DEL or C1: the control characters are those of 1 byte, and C1 in
# UTF-8 (C2 80 to C2 9F).
CHAR = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                  rb"|[\xf0-\xf4][\x80-\xbf]{3}|[\x00-\x08\x0a-\x1f\x7f-\x9f]")

ap = argparse.ArgumentParser()
ap.add_argument("--host", default="127.0.0.1")
ap.add_argument("--port", type=int, default=8888)
ap.add_argument("--timeout", type=int, default=300)
ap.add_argument("--count", type=int, default=0)
args = ap.parse_args()


def out(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def shown(data):
    """What a client sent, as text a terminal cannot act on."""
    return repr(data)[2:-1]


class Client:
    def __init__(self, sock, cid, addr):
        self.sock, self.id, self.addr = sock, cid, addr
        self.gone = None  # None; or "left", "dropped", an error: remove it
        self.inbuf = b""
        self.outbuf = b""


def to_all(clients, sender, data):
    for c in clients:
        if c is sender or c.gone:
            continue
        if len(c.outbuf) + len(data) > QUEUE_MAX:
            c.gone = "dropped"  # it has not read for too long
        else:
            c.outbuf += data


def relay(clients, sender, line, cut):
    out("client %d: %s%s" % (sender.id, shown(line),
        " [no newline in %d bytes: relayed as a line]" % MAX_LINE
        if cut else ""))
    if line.endswith(b"\r"):
        line = line[:-1]  # a CRLF line (nc -C, telnet)
    # ESC and the other control characters become '?'; other UTF-8 stays.
    line = CHAR.sub(lambda m: b"?" if len(m[0]) == 1 or m[0] < b"\xc2\xa0"
                    else m[0], line)
    to_all(clients, sender, b"client %d: %s\n" % (sender.id, line))


def take_input(clients, me):
    try:
        data = me.sock.recv(MAX_LINE - len(me.inbuf))
    except BlockingIOError:
        return
    except OSError as e:
        me.gone = e.strerror
        return
    if not data:
        me.gone = "left"
        return
    me.inbuf += data
    while b"\n" in me.inbuf:
        line, me.inbuf = me.inbuf.split(b"\n", 1)
        relay(clients, me, line, False)
    if len(me.inbuf) == MAX_LINE:
        relay(clients, me, me.inbuf, True)
        me.inbuf = b""


def flush(me):
    try:
        sent = me.sock.send(me.outbuf,
                            socket.MSG_NOSIGNAL | socket.MSG_DONTWAIT)
    except BlockingIOError:
        return
    except OSError as e:
        me.gone = e.strerror
        return
    me.outbuf = me.outbuf[sent:]


def sweep(clients):
    """Close the clients marked gone and tell the others, until none is."""
    while True:
        g = next((c for c in clients if c.gone), None)
        if g is None:
            return
        clients.remove(g)
        if g.inbuf and g.gone == "left":
            out("client %d left in the middle of a line: its last %d bytes "
                "are dropped" % (g.id, len(g.inbuf)))
        g.sock.close()
        n = len(clients)
        if g.gone == "dropped":
            out("client %d was dropped: it did not read, and its queue (%d "
                "bytes) was full (%d here)" % (g.id, QUEUE_MAX, n))
            to_all(clients, None, b"* client %d was dropped: it was not "
                   b"reading\n" % g.id)
        elif g.gone == "left":
            out("client %d left (%d here)" % (g.id, n))
            to_all(clients, None, b"* client %d left\n" % g.id)
        else:
            out("client %d is gone: %s (%d here)" % (g.id, g.gone, n))
            to_all(clients, None, b"* client %d is gone (%s)\n"
                   % (g.id, g.gone.encode()))


srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((args.host, args.port))
srv.listen(socket.SOMAXCONN)
srv.setblocking(False)
out("listening on %s:%d" % srv.getsockname())

clients, served, status = [], 0, 0
while srv is not None or clients:
    # A new poll object each time: it holds exactly this round's sockets.
    p = select.poll()
    if srv is not None:
        p.register(srv, select.POLLIN)
    for c in clients:
        p.register(c.sock, select.POLLIN | (select.POLLOUT if c.outbuf else 0))
    ready = dict(p.poll(args.timeout * 1000))
    if not ready and not clients:
        out("no %s within --timeout %d s" % (
            "client connected" if served == 0 else "more clients",
            args.timeout))
        status = 1 if served == 0 else 0
        break
    # Walk this round's clients; removal waits until after the walk.
    for c in list(clients):
        ev = ready.get(c.sock.fileno(), 0)
        if not c.gone and ev & select.POLLOUT:
            flush(c)
        if not c.gone and ev & (select.POLLIN | select.POLLHUP |
                                select.POLLERR):
            take_input(clients, c)
    if srv is not None and ready.get(srv.fileno(), 0) & select.POLLIN:
        try:
            conn, (host, port) = srv.accept()
        except (BlockingIOError, ConnectionAbortedError):
            conn = None
        if conn is not None:
            served += 1
            me = Client(conn, served, "%s:%d" % (host, port))
            me.outbuf = b"* you are client %d, with %d other%s\n" % (
                served, len(clients), b"" if len(clients) == 1 else b"s")
            out("client %d joined from %s (%d here)"
                % (served, me.addr, len(clients) + 1))
            to_all(clients, None, b"* client %d joined from %s\n"
                   % (served, me.addr.encode()))
            clients.append(me)
        if args.count and served == args.count:
            out("--count %d reached: no new clients; the chat ends when "
                "the last one leaves" % args.count)
            srv.close()
            srv = None
    sweep(clients)
sys.exit(status)
