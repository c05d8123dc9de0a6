"""The checker's own peers, on loopback: a TCP client (Client, connect), a
TCP server for a client under test (PeerServer) and a UDP socket that
sends to or receives from the program (UdpPeer). Every call is bounded."""

import errno
import os
import select
import socket
import struct
import threading
import time

from .common import LOCAL

# <linux/in.h>, <linux/in6.h>: Python's socket module lacks them
IP_RECVERR = 11
IPV6_RECVERR = 25
from .procfs import net_table
from .words import plural, secs, shown


def settle(sock, loops, reading, limit=1.0):
    """Once the program has ended, let the thread that reads sock take
    what the program left there before the check is judged: a connection
    still in a listening socket's queue, a datagram still in a UDP
    socket's. On a busy machine a program can connect (or send) and end
    before that thread has run at all. loops() counts the reading
    thread's turns, reading() says whether it still reads: once the queue
    is empty, one more turn means what it took is counted. At most limit
    seconds."""
    deadline = time.monotonic() + limit
    inode = os.fstat(sock.fileno()).st_ino
    proto = "tcp" if sock.type == socket.SOCK_STREAM else "udp"
    while time.monotonic() < deadline and reading():
        mine = [s for s in net_table(proto) if s.inode == inode]
        if not mine or mine[0].rx_queue == 0:
            break
        time.sleep(0.01)
    turn = loops()
    while time.monotonic() < deadline and reading() and loops() == turn:
        time.sleep(0.01)



# A peer that sends a message in pieces, to show a program that expects
# one recv() per message, sends thirds of it PIECE_GAP seconds apart.
PIECE_GAP = 0.2


def thirds(data):
    """DATA cut in three pieces as near equal as may be, the empty left out."""
    cut = [0, len(data) // 3, 2 * len(data) // 3, len(data)]
    return [data[a:b] for a, b in zip(cut, cut[1:]) if a < b]


def send_pieces(send, pieces):
    """Calls send(piece) for each piece, PIECE_GAP seconds apart."""
    for i, piece in enumerate(pieces):
        if i:
            time.sleep(PIECE_GAP)
        send(piece)

class Client:
    """One TCP connection to the program, every call bounded."""

    def __init__(self, prog, timeout=3.0, nodelay=False, mss=None,
                 rcvbuf=None):
        family = socket.AF_INET6 if ":" in prog.host else socket.AF_INET
        self.s = socket.socket(family, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        if nodelay:
            self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if mss is not None and hasattr(socket, "TCP_MAXSEG"):
            # before connect(): the SYN offers this MSS, and ours is capped
            self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, mss)
        if rcvbuf is not None:  # before connect(): the window it offers
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.s.connect((prog.host, prog.port))
        self.closed = False
        # On a fixed port, a connection that the program closed first
        # would leave its end in TIME_WAIT, and a program without
        # SO_REUSEADDR could not bind the port in the next check: close()
        # then resets it (the program's end is gone at once). The restart
        # check turns this off: it is the one that must see TIME_WAIT.
        run = getattr(prog, "run", None)
        self.reset_after_eof = getattr(run, "fixed_port", None) is not None

    def send(self, data):
        self.s.sendall(data)

    def read(self, want, limit, until_eof=False):
        """Read until want bytes (or EOF if until_eof) or limit seconds.
        Returns (data, how): how is 'ok', 'eof', 'timeout', 'reset' or an
        error text."""
        deadline = time.monotonic() + limit
        data = bytearray()
        while until_eof or len(data) < want:
            left = deadline - time.monotonic()
            if left <= 0:
                return bytes(data), "timeout"
            self.s.settimeout(min(left, 0.5))
            try:
                chunk = self.s.recv(1 << 16)
            except socket.timeout:
                continue
            except ConnectionResetError:
                return bytes(data), "reset"
            except OSError as e:
                return bytes(data), e.strerror or str(e)
            if not chunk:
                return bytes(data), "eof"
            data += chunk
        return bytes(data), "ok"

    def shutdown(self):
        self.s.shutdown(socket.SHUT_WR)

    def reset(self):
        """close() with SO_LINGER {1, 0}: the kernel sends a RST."""
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                          struct.pack("ii", 1, 0))
        self.close()

    def close(self):
        if not self.closed:
            self.closed = True
            if self.reset_after_eof and self.peer_closed():
                self.s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                  struct.pack("ii", 1, 0))
            self.s.close()

    def peer_closed(self, wait=0.05):
        """Has the program closed its end (EOF waiting, nothing else)?
        A program that closes after its reply does so at once: its close
        is waited for a little, lest both ends close at the same time
        (then both are left in TIME_WAIT)."""
        limit = self.s.gettimeout()
        try:
            select.select([self.s], [], [], wait)
            # MSG_DONTWAIT is not enough: on a socket with a timeout,
            # Python first waits (that long) for something to read, and a
            # silent peer's close() would take the whole timeout
            self.s.settimeout(0)
            return self.s.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) \
                == b""
        except (OSError, ValueError):
            return False
        finally:
            try:
                self.s.settimeout(limit)
            except OSError:
                pass


def connect(prog, **kw):
    """A Client, or NotReady-free failure text."""
    try:
        return Client(prog, **kw), None
    except ConnectionRefusedError:
        return None, ("the connection was refused (nothing listened on the "
                      "port any more)")
    except socket.timeout:
        return None, "connect() got no answer within its time limit"
    except OSError as e:
        return None, "connect() failed: %s" % (e.strerror or e)


# What a reply padded with NUL bytes shows (the kinds' and the specs'
# checks, whatever sent it): a buffer sent whole.
SIZEOF = ("sends its whole buffer (sizeof, or a fixed count) where it "
          "should send the length of the text in it (strlen(), or what "
          "recv() returned)")
SIZEOF_WORDS = "The program probably %s." % SIZEOF
NUL_TOO = ("sends the string's terminating NUL too (strlen() + 1), where "
           "the text is strlen() bytes")


def echo_trouble(sent, got, how, limit):
    """A sentence on an echo that did not come back whole."""
    n, m = len(got), len(sent)
    if how == "timeout" and n == 0:
        return "Nothing came back within %s." % secs(limit)
    if how == "timeout" and n < m:
        return "Only %d of the %d bytes came back within %s." % (n, m,
                                                                 secs(limit))
    if how == "eof":
        return ("The program closed the connection after sending back %d of "
                "the %d bytes." % (n, m))
    if how == "reset":
        return ("The program reset the connection (ECONNRESET) after "
                "sending back %d of the %d bytes." % (n, m))
    if how not in ("ok", "timeout"):
        return "Reading the echo failed (%s) after %d bytes." % (how, n)
    if got[:m] != sent:
        return "%d bytes came back, but not the same: sent %s, got %s." % (
            n, shown(sent, 40), shown(got, 40))
    extra = got[m:]
    if extra[:1] == b"\0":
        return ("The line came back, then %s more that %s never sent, "
                "starting with a NUL byte: %s. %s" % (
                    plural(len(extra), "byte"),
                    "was" if len(extra) == 1 else "were", shown(extra, 40),
                    SIZEOF_WORDS))
    return "%d bytes came back for %d sent: %s." % (n, m, shown(got, 40))


class PeerServer:
    """The checker's TCP server for a client under test, on loopback.
    mode: 'echo' sends every byte back; 'pieces' sends each chunk back in
    three pieces 0.2 s apart; 'close-early' echoes the first line, then
    closes the connection."""

    def __init__(self, mode, port=0, delay=0.0):
        self.mode = mode
        self.delay = delay  # 'echo': seconds before each echo
        # Where the program's output stood when each piece of echo went
        # out: per connection, its echo's bytes and (start, end, mark);
        # watch() gives the mark, once the check has set it.
        self.watch = None
        self.watching = threading.Event()
        self.echoes = []
        self.ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.ls.bind((LOCAL, port))
        self.ls.listen(8)
        self.ls.settimeout(0.1)
        self.port = self.ls.getsockname()[1]
        self.connections = 0
        self.received = bytearray()
        self.pieces = []
        self.stop_flag = threading.Event()
        self.threads = []
        self.conns = []
        self.turns = 0
        t = threading.Thread(target=self._accept, daemon=True)
        t.start()
        self.threads.append(t)

    def _accept(self):
        while not self.stop_flag.is_set():
            self.turns += 1
            try:
                conn, _ = self.ls.accept()
            except (socket.timeout, OSError):
                continue
            self.connections += 1
            self.conns.append(conn)
            t = threading.Thread(target=self._serve, args=(conn,),
                                 daemon=True)
            t.start()
            self.threads.append(t)

    def settle(self):
        settle(self.ls, lambda: self.turns, self.threads[0].is_alive)

    def _recv(self, conn):
        """Next bytes, b'' at the end, None when told to stop."""
        while not self.stop_flag.is_set():
            try:
                data = conn.recv(1 << 16)
            except socket.timeout:
                continue
            except OSError:
                return b""
            self.received += data
            return data
        return None

    def set_watch(self, watch):
        """watch(): where the program's output stands, taken before each
        piece of echo is sent (echoed_after)."""
        self.watch = watch
        self.watching.set()

    def _echo(self, conn, echo, data):
        self.watching.wait(2.0)
        start = len(echo["data"])
        echo["marks"].append((start, start + len(data),
                              self.watch() if self.watch else None))
        echo["data"] += data
        conn.sendall(data)

    def _serve(self, conn):
        conn.settimeout(0.1)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        echo = {"data": bytearray(), "marks": []}
        self.echoes.append(echo)
        try:
            if self.mode == "close-early":
                data = self._recv(conn)
                if data and b"\n" in data:
                    data = data[:data.index(b"\n") + 1]
                if data:
                    conn.sendall(data)  # the first line, or the first bytes
                return  # and close, whatever the client sends next
            while True:
                data = self._recv(conn)
                if not data:
                    return
                if self.mode == "echo":
                    time.sleep(self.delay)
                    self._echo(conn, echo, data)
                    continue
                def echo_piece(piece):
                    self._echo(conn, echo, piece)
                    self.pieces.append(piece)
                send_pieces(echo_piece, thirds(data))
        except OSError:
            pass
        finally:
            conn.close()

    def echoed_after(self, line, since):
        """Whether the program's output shows line whole after the checker
        sent the last byte of line's echo: where the program also printed
        its own input, the line before the echo does not count. since(mark)
        is what the program printed after mark (Capture.since), and the
        marks are the watch's (Capture.mark, a count of bytes: a length of
        the text would shrink once the capture drops the middle of a long
        output). Without a mark (no watch), anywhere in since(0)."""
        want = line.decode(errors="replace")
        for echo in self.echoes:
            at = echo["data"].find(line)
            while at >= 0:
                last = at + len(line) - 1
                for start, end, mark in echo["marks"]:
                    if start <= last < end:
                        if want in since(mark or 0):
                            return True
                at = echo["data"].find(line, at + 1)
        return False

    def close(self):
        self.stop_flag.set()
        self.watching.set()
        for t in self.threads:
            t.join(1)
        self.ls.close()


class UdpPeer:
    """The checker's UDP socket: sends to the program, or receives from
    it on its own port."""

    def __init__(self, host=LOCAL, port=0):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.s = socket.socket(family, socket.SOCK_DGRAM)
        self.host = host
        if port is not None:
            self.s.bind((host, port))
        self.port = self.s.getsockname()[1]
        self.aimed = None
        self.refused = 0

    def aim(self, port):
        """Count, from now on, the datagrams sent to port that found no
        socket there: the kernel answers such a datagram with ICMP port
        unreachable, and with IP_RECVERR (Linux) keeps each answer in the
        socket's error queue, which refusals() reads. The kernel sends
        such answers within a limit per second: past it, it says
        nothing, and a refusal not heard is not counted."""
        v6 = self.s.family == socket.AF_INET6
        self.s.setsockopt(socket.IPPROTO_IPV6 if v6 else socket.IPPROTO_IP,
                          IPV6_RECVERR if v6 else IP_RECVERR, 1)
        self.aimed = port

    def send(self, data, port):
        for _ in range(3):
            try:
                self.s.sendto(data, (self.host, port))
                return
            except ConnectionRefusedError:
                # the kernel's answer to an earlier datagram, told here
                # too (it is in the error queue): this one was not sent
                if self.aimed != port:
                    raise
        self.s.sendto(data, (self.host, port))

    def refusals(self):
        """How many datagrams sent to the aimed port the kernel has said
        found no socket there, so far."""
        if self.aimed is None:
            return 0
        while True:
            try:
                _, anc, _, _ = self.s.recvmsg(
                    1, socket.CMSG_SPACE(512),
                    socket.MSG_ERRQUEUE | socket.MSG_DONTWAIT)
            except (BlockingIOError, InterruptedError):
                return self.refused
            for _, _, data in anc:
                # struct sock_extended_err: ee_errno first
                if len(data) >= 4 and \
                        struct.unpack("I", data[:4])[0] == errno.ECONNREFUSED:
                    self.refused += 1

    def collect(self, limit, prog=None, quiet=0.3):
        """Datagrams until limit seconds pass, or, once prog has ended,
        quiet seconds more."""
        got = []
        deadline = time.monotonic() + limit
        ended = None
        while True:
            now = time.monotonic()
            if prog is not None and ended is None and not prog.alive():
                ended = now
            if now > deadline or (ended is not None and now - ended > quiet):
                return got
            self.s.settimeout(0.05)
            try:
                data, _ = self.s.recvfrom(1 << 16)
            except socket.timeout:
                continue
            got.append(data)

    def close(self):
        self.s.close()
