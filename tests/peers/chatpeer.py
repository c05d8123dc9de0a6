# chatpeer.py: one client of 13-poll-chat (Peer) and the loop that reads
# for several at once (pump), shared by chat-clients.py and vg-chat.py.
import re
import selectors
import socket
import time


class Peer:
    """A client that reads without waiting; its lines, and the id the
    server greeted it with ("* you are client N, with ...")."""

    def __init__(self, port, rcvbuf=0, timeout=None):
        self.s = socket.socket()
        if rcvbuf:
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.s.settimeout(timeout)
        self.s.connect(("127.0.0.1", port))
        self.s.setblocking(False)
        self.buf, self.lines, self.closed = b"", [], False
        self.id = None

    def read(self):
        try:
            data = self.s.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self.closed = True
            return
        self.buf += data
        *done, self.buf = self.buf.split(b"\n")
        self.lines += done
        if self.id is None and self.lines:
            m = re.match(rb"\* you are client (\d+), with", self.lines[0])
            self.id = int(m.group(1)) if m else -1

    def send(self, data):
        self.s.setblocking(True)
        self.s.sendall(data)
        self.s.setblocking(False)

    def has(self, line):
        return line in self.lines


def pump(peers, until, limit=20):
    """Read for all peers until until() holds (True) or limit seconds
    have gone (False)."""
    sel = selectors.DefaultSelector()
    for p in peers:
        if not p.closed:
            sel.register(p.s, selectors.EVENT_READ, p)
    end = time.monotonic() + limit
    try:
        while not until():
            if time.monotonic() > end:
                return False
            for key, _ in sel.select(0.1):
                key.data.read()
                if key.data.closed:
                    sel.unregister(key.fileobj)
        return True
    finally:
        sel.close()
