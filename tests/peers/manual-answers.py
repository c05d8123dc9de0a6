#!/usr/bin/env python3
"""manual-answers.py QUESTION: make, on loopback, what one of the lecturer's
manual's quiz answers (docs/manual-weeks.md) says, and print what the
kernel did, one fact a line, for tests/manual-answers.bats to compare with
the answer. Every wait here ends on an event (a call returns, a state is
seen) within a generous limit, never after a guessed time.
"""
import errno
import os
import select
import signal
import socket
import struct
import sys
import tempfile
import threading
import time

LO = "127.0.0.1"
# seconds: the longest any wait here may take, scaled as the tests' waits
# are (SOCKSTEP_TEST_SCALE), and within the bats file's WAIT_LONG
LIMIT = 30.0 * float(os.environ.get("SOCKSTEP_TEST_SCALE", "1") or "1")


def err(e):
    return errno.errorcode.get(e.errno, str(e.errno))


def listener(backlog=5, reuse=False):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if reuse:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((LO, 0))
    s.listen(backlog)
    return s


def pair():
    """A connected TCP pair over loopback: (client, server side)."""
    ls = listener()
    c = socket.create_connection(ls.getsockname(), timeout=LIMIT)
    a, _ = ls.accept()
    a.settimeout(LIMIT)
    ls.close()
    return c, a


def states(port):
    """The TCP states (hex, /proc/net/tcp) of sockets on local port PORT."""
    found = []
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            if int(fields[1].split(":")[1], 16) == port:
                found.append(fields[3])
    return found


def is_open(fd):
    try:
        os.fstat(fd)
        return True
    except OSError:
        return False


def recv_or_waits(sock, n, label):
    """Print LABEL and what one recv(N) returns, or "waits" when nothing
    comes in half a second. Used only where the peer is still open and
    sends nothing more, so nothing can come: a slow machine prints
    "waits" too, the true answer; bytes or an end would be a wrong one,
    and show. The socket's own limit (LIMIT) is put back after."""
    sock.settimeout(0.5)
    try:
        print(label + ":", sock.recv(n))
    except socket.timeout:
        print(label + ": waits")
    sock.settimeout(LIMIT)


def q_lowest_fd():
    # Every descriptor below the first socket's is taken (0, 1 and 2 in a
    # plain shell: the first socket is 3), and the next socket takes the
    # next number; a closed number is given again.
    a = socket.socket()
    print("first socket: the lowest free number:",
          all(is_open(fd) for fd in range(a.fileno())))
    b = socket.socket()
    print("second socket: the next:", b.fileno() == a.fileno() + 1)
    first = a.fileno()
    a.close()
    c = socket.socket()
    print("after closing the first, a new socket takes its number:",
          c.fileno() == first)


def q_htons():
    net = struct.pack("!H", 8888)
    print("htons(8888) bytes:", net.hex(" ").upper())
    host = struct.pack("<H", 8888)  # a little-endian machine, no htons()
    print("without htons(), port:", struct.unpack("!H", host)[0])


def q_bind_in_use():
    ls = listener(reuse=True)
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(ls.getsockname())
        print("second bind with SO_REUSEADDR, port listening: ok")
    except OSError as e:
        print("second bind with SO_REUSEADDR, port listening:", err(e))


def time_wait(old_reuse):
    """A server's end in TIME_WAIT on its port (it closed first, with or
    without SO_REUSEADDR), then a new server's bind() to that port."""
    ls = listener(reuse=old_reuse)
    port = ls.getsockname()[1]
    c = socket.create_connection((LO, port), timeout=LIMIT)
    a, _ = ls.accept()
    ls.close()
    a.close()
    c.settimeout(LIMIT)
    print("client recv() after the server closed:", c.recv(100))
    c.close()
    deadline = time.monotonic() + LIMIT
    while "06" not in states(port) and time.monotonic() < deadline:
        time.sleep(0.05)
    print("server's end in TIME_WAIT:", "06" in states(port))
    for reuse in (False, True):
        s = socket.socket()
        if reuse:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((LO, port))
            print("new bind(), SO_REUSEADDR %s: ok" % ("set" if reuse else "not set"))
        except OSError as e:
            print("new bind(), SO_REUSEADDR %s:" % ("set" if reuse else "not set"), err(e))
        s.close()


def q_time_wait():
    time_wait(True)


def q_time_wait_old_server():
    time_wait(False)


def q_connect_before_accept():
    ls = listener()
    c = socket.create_connection(ls.getsockname(), timeout=LIMIT)
    print("connect() returned before accept(): yes")
    c.sendall(b"hello\n")
    a, _ = ls.accept()
    a.settimeout(LIMIT)
    print("accept() later, then recv():", a.recv(100))


def q_recv_zero():
    c, a = pair()
    c.sendall(b"bye\n")
    c.close()
    print("first recv():", a.recv(100))
    print("recv() after the peer closed:", a.recv(100))
    print("and again:", a.recv(100))


def q_pieces():
    c, a = pair()
    # from a thread, as the reading goes on: the sockets' buffers may
    # hold less than 100000 bytes (a machine short of memory)
    def send():
        c.sendall(b"x" * 100000)
        c.close()
    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    calls = total = 0
    while True:
        got = a.recv(1000)
        if not got:
            break
        calls += 1
        total += len(got)
    sender.join()
    print("bytes:", total, "recv(1000) calls:", calls >= 100)


def q_send_closed():
    c, a = pair()
    a.close()
    c.recv(1)  # the FIN: b""
    first = "ok"
    try:
        c.send(b"one\n")
    except OSError as e:
        first = err(e)
    print("first send() after the peer closed:", first)
    then = None
    deadline = time.monotonic() + LIMIT
    while then is None and time.monotonic() < deadline:
        try:
            c.send(b"two\n")
            time.sleep(0.05)
        except OSError as e:
            then = err(e)
    print("a later send():", then)


def q_sigpipe():
    # As a C program: SIGPIPE at its default, as a process starts.
    pid = os.fork()
    if pid == 0:
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        c, a = pair()
        a.close()
        c.recv(1)
        try:
            for _ in range(1000):
                c.send(b"x")
                time.sleep(0.01)
        except OSError:
            os._exit(0)
        os._exit(1)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        print("the process:", signal.Signals(os.WTERMSIG(status)).name)
    else:
        print("the process: exit", os.WEXITSTATUS(status))


def q_refused():
    s = socket.socket()
    s.bind((LO, 0))  # a port of ours, never listening
    port = s.getsockname()[1]
    c = socket.socket()
    try:
        c.connect((LO, port))
        print("connect() to a port nobody listens on: ok")
    except OSError as e:
        print("connect() to a port nobody listens on:", err(e))


def udp_pair():
    r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    r.bind((LO, 0))
    r.settimeout(LIMIT)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    return r, s


def q_udp_truncated():
    r, s = udp_pair()
    s.sendto(b"x" * 600, r.getsockname())
    s.sendto(b"next", r.getsockname())
    data, _, flags, _ = r.recvmsg(512)
    print("recvmsg(512) of 600 bytes:", len(data),
          "MSG_TRUNC:", bool(flags & socket.MSG_TRUNC))
    print("the next recv():", r.recv(512))


def q_udp_sizes():
    r, s = udp_pair()
    r.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    for n in (65507, 65508):
        try:
            s.sendto(b"x" * n, r.getsockname())
            print("sendto() of", n, "bytes: ok")
        except OSError as e:
            print("sendto() of", n, "bytes:", err(e))
    print("received:", len(r.recv(70000)))


def q_udp_empty():
    r, s = udp_pair()
    s.sendto(b"", r.getsockname())
    data, addr = r.recvfrom(512)
    print("empty datagram: recvfrom() returned", len(data), "bytes, from",
          addr[0])


def q_udp_refused():
    r, s = udp_pair()
    port = r.getsockname()[1]
    r.close()  # nobody on that port now
    s.connect((LO, port))
    s.send(b"x")
    print("first send() on a connected UDP socket: ok")
    then = None
    deadline = time.monotonic() + LIMIT
    while then is None and time.monotonic() < deadline:
        try:
            s.send(b"x")
            time.sleep(0.05)
        except OSError as e:
            then = err(e)
    print("a later send():", then)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.sendto(b"x", (LO, port))
    u.sendto(b"x", (LO, port))
    print("unconnected sendto() twice: ok, ok")


def q_zombie():
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    state = None
    deadline = time.monotonic() + LIMIT
    while state != "Z" and time.monotonic() < deadline:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        time.sleep(0.01)
    print("a child that ended, not waited for:", state)
    os.waitpid(pid, 0)
    print("after waitpid(), in /proc:", os.path.exists("/proc/%d" % pid))


def q_poll_closed():
    import select
    c, a = pair()
    p = select.poll()
    p.register(a, select.POLLIN)
    c.close()
    ev = p.poll(LIMIT * 1000)
    print("poll() after the client closed: POLLIN",
          bool(ev and ev[0][1] & select.POLLIN))
    print("then recv():", a.recv(100))


def q_nonblocking_connect():
    import select
    ls = listener()
    s = socket.socket()
    s.setblocking(False)
    print("non-blocking connect():",
          errno.errorcode.get(s.connect_ex(ls.getsockname()), "0"))
    select.select([], [s], [], LIMIT)
    print("SO_ERROR once writable:",
          s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))
    b = socket.socket()
    b.bind((LO, 0))
    t = socket.socket()
    t.setblocking(False)
    t.connect_ex(b.getsockname())
    select.select([], [t], [], LIMIT)
    e = t.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    print("to a closed port, SO_ERROR once writable:",
          errno.errorcode.get(e, str(e)))


def q_length_order():
    little = struct.pack("<I", 5)
    print("5 sent in little-endian order, read with ntohl():",
          struct.unpack("!I", little)[0])


def q_unix_stale():
    d = tempfile.mkdtemp()
    path = os.path.join(d, "sock")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(1)
    s.close()  # the file stays
    print("socket file after close():", os.path.exists(path))
    t = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        t.bind(path)
        print("bind() to it again: ok")
    except OSError as e:
        print("bind() to it again:", err(e))
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        c.connect(path)
        print("connect() to it: ok")
    except OSError as e:
        print("connect() to it:", err(e))
    os.unlink(path)
    os.rmdir(d)


def q_rcvtimeo():
    c, a = pair()
    a.settimeout(None)
    a.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO,
                 struct.pack("ll", 0, 200000))
    try:
        a.recv(100)
        print("recv() with SO_RCVTIMEO, nothing sent: data")
    except OSError as e:
        print("recv() with SO_RCVTIMEO, nothing sent:", err(e))


def q_edge_trigger():
    """Edge-triggered epoll: 2000 bytes queued, one recv() of 100, then
    epoll_wait() again with nothing new sent."""
    c, a = pair()
    c.sendall(b"x" * 2000)
    # wait (blocking, within LIMIT) until all 2000 are in the server's queue
    a.settimeout(None)
    a.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO,
                 struct.pack("ll", int(LIMIT), 0))
    queued = len(a.recv(2000, socket.MSG_PEEK | socket.MSG_WAITALL))
    print("bytes queued at the server:", queued)
    a.setblocking(False)
    ep = select.epoll()
    ep.register(a.fileno(), select.EPOLLIN | select.EPOLLET)
    ev = ep.poll(LIMIT)
    print("edge-triggered epoll_wait(): EPOLLIN",
          bool(ev) and bool(ev[0][1] & select.EPOLLIN))
    print("one recv(100):", len(a.recv(100)), "bytes")
    print("epoll_wait() again, nothing new sent:",
          "an event" if ep.poll(0) else "no event")
    p = select.poll()
    p.register(a.fileno(), select.POLLIN)
    print("poll(), level-triggered, asked the same: POLLIN",
          any(e & select.POLLIN for _, e in p.poll(0)))
    total = 0
    while True:
        try:
            chunk = a.recv(512)
        except OSError as e:
            print("read on:", total, "bytes, then", err(e))
            break
        if not chunk:
            print("read on:", total, "bytes, then the end")
            break
        total += len(chunk)
    ep.close()
    c.close()
    a.close()


def q_half_close():
    c, a = pair()
    c.sendall(b"question\n")
    c.shutdown(socket.SHUT_WR)
    print("server reads:", a.recv(100), a.recv(100))
    a.sendall(b"answer\n")
    a.close()
    print("client still reads:", c.recv(100), c.recv(100))


def q_dual_stack():
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", 0))
    s.listen(1)
    c = socket.create_connection((LO, s.getsockname()[1]), timeout=LIMIT)
    a, addr = s.accept()
    print("an IPv4 client, as accept() gives it:", addr[0])
    c.close()
    a.close()


def q_request_pieces():
    """A request sent in two pieces, the server's recv() between them."""
    c, a = pair()
    c.sendall(b"GET / HTTP/1.0\r\n")
    print("first recv():", a.recv(1024))
    c.sendall(b"\r\n")
    print("second recv():", a.recv(1024))
    c.close()
    a.close()


def status_line(port, req):
    """The first line lesson 16's server (listening on PORT, started by
    the test) answers req with, on a connection of its own."""
    c = socket.create_connection((LO, int(port)), timeout=LIMIT)
    c.sendall(req)
    got = b""
    while b"\r\n" not in got:
        chunk = c.recv(4096)
        if not chunk:
            break
        got += chunk
    c.close()
    return got.split(b"\r\n")[0].decode()


def q_http_status(port):
    """The status line lesson 16's server gives each request, sent
    whole."""
    for req in (b"get / HTTP/1.0\r\n\r\n",
                b"GET /../../etc/passwd HTTP/1.0\r\n\r\n",
                b"GET / HTTP/1.0\r\n\r\n"):
        print("%s: %s" % (req.split(b"\r\n")[0].decode(),
                          status_line(port, req)))


def q_http_deadlock(port):
    """A client that sends lesson 16's server its request line alone,
    and waits to read the answer before it would send the empty line:
    the status line it reads."""
    print("the client, its empty line not sent, reads: %s"
          % status_line(port, b"GET / HTTP/1.0\r\n"))


# The second paper's answers (docs/manual-exam.md).

def q_lowest_fd_zero():
    # A program that closed its standard input: the first socket takes
    # 0, the next the lowest number free above the open ones (3 in a
    # plain shell, where 1 and 2 are open).
    try:
        os.close(0)
    except OSError:
        pass  # closed already
    a = socket.socket()
    print("after close(0), the first socket:", a.fileno())
    b = socket.socket()
    print("the second: the lowest free number:",
          all(is_open(fd) for fd in range(b.fileno())))


def q_htonl():
    host = struct.pack("<I", 0x7F000001)  # little-endian, no htonl()
    print("0x7F000001 without htonl(), bytes:", host.hex(" ").upper())
    addr = socket.inet_ntoa(host)
    print("read in network order:", addr)
    s = socket.socket()
    try:
        s.bind((addr, 0))  # bind() sends nothing
        print("bind() to it: ok")
    except OSError as e:
        print("bind() to it:", err(e))
    print("htonl(0x7F000001) bytes:",
          struct.pack("!I", 0x7F000001).hex(" ").upper())


def q_accept_after_close():
    ls = listener()
    c = socket.create_connection(ls.getsockname(), timeout=LIMIT)
    c.sendall(b"hi\n")
    c.close()
    ls.settimeout(LIMIT)
    a, _ = ls.accept()
    a.settimeout(LIMIT)
    print("accept() after the client closed: a socket:", a.fileno() >= 0)
    print("first recv():", a.recv(100))
    print("second recv():", a.recv(100))


def q_recv_small():
    c, a = pair()
    c.sendall(b"hello\n")
    # wait until all six bytes have come (an event, not a guess)
    deadline = time.monotonic() + LIMIT
    while len(a.recv(100, socket.MSG_PEEK)) < 6 and \
            time.monotonic() < deadline:
        time.sleep(0.01)
    print("recv(4):", a.recv(4))
    print("recv(4) again:", a.recv(4))
    recv_or_waits(a, 4, "a third recv(), the client still open")


def q_client_closes_first():
    ls = listener()
    port = ls.getsockname()[1]
    c = socket.create_connection((LO, port), timeout=LIMIT)
    a, _ = ls.accept()
    a.settimeout(LIMIT)
    cport = c.getsockname()[1]
    c.close()
    print("server's recv() after the client closed:", a.recv(100))
    a.close()
    ls.close()
    # the client's end passes to TIME_WAIT once the server's FIN is
    # answered; the server's end is gone once its FIN is acknowledged
    deadline = time.monotonic() + LIMIT
    while (states(port) or "06" not in states(cport)) and \
            time.monotonic() < deadline:
        time.sleep(0.01)
    print("client's end in TIME_WAIT:", "06" in states(cport))
    print("server's port, sockets left:", len(states(port)))
    s = socket.socket()
    try:
        s.bind((LO, port))
        print("new bind(), SO_REUSEADDR not set:", "ok")
    except OSError as e:
        print("new bind(), SO_REUSEADDR not set:", err(e))
    s.close()
    # a client that bound its port itself, run again at once
    k = socket.socket()
    try:
        k.bind((LO, cport))
        print("the client's port, bind() again:", "ok")
    except OSError as e:
        print("the client's port, bind() again:", err(e))


def q_udp_nobody():
    r, s = udp_pair()
    port = r.getsockname()[1]
    r.close()  # nobody on that port now
    print("sendto() of 5 bytes, nobody there, returns:",
          s.sendto(b"hello", (LO, port)))
    k = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    k.settimeout(LIMIT)
    k.connect((LO, port))
    k.send(b"hello")
    try:
        k.recv(512)
        print("connected socket, then recv(): data")
    except OSError as e:
        print("connected socket, then recv():", err(e))
    # by now the unconnected socket's ICMP error has come too, and was
    # not kept for it
    try:
        s.recvfrom(512, socket.MSG_DONTWAIT)
        print("unconnected socket, recvfrom(): data")
    except OSError as e:
        print("unconnected socket, recvfrom():", err(e))


def q_dual_stack_bind():
    for only in (0, 1):
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, only)
        s.bind(("::", 0))
        s.listen(1)
        v4 = socket.socket()
        try:
            v4.bind(("0.0.0.0", s.getsockname()[1]))
            said = "ok"
        except OSError as e:
            said = err(e)
        print("IPV6_V6ONLY %d on ::, then bind() of 0.0.0.0 to its port: %s"
              % (only, said))
        v4.close()
        s.close()


def q_fork_parent_holds():
    c, a = pair()
    pid = os.fork()
    if pid == 0:
        a.sendall(b"bye\n")
        a.close()
        os._exit(0)
    os.waitpid(pid, 0)  # the child has closed its copy, and ended
    print("client reads:", c.recv(100))
    recv_or_waits(c, 100, "then, the parent's copy open")
    a.close()
    print("once the parent closes it:", c.recv(100))


def q_send_blocks():
    c, a = pair()
    big = b"x" * (100 << 20)
    a.settimeout(2.0)
    sent = 0
    try:
        # the client reads nothing: send() stops once both buffers fill
        while sent < len(big):
            sent += a.send(big[sent:])
        print("send() of 100 MiB, nobody reading: all sent")
    except socket.timeout:
        print("send() of 100 MiB, nobody reading: blocks, after %s"
              % ("less than 100 MiB" if sent < len(big) else "all"))


def q_two_messages():
    c, a = pair()
    c.sendall(struct.pack("!I", 2) + b"hi")
    c.sendall(struct.pack("!I", 5) + b"there")
    deadline = time.monotonic() + LIMIT
    while len(a.recv(100, socket.MSG_PEEK)) < 15 and \
            time.monotonic() < deadline:
        time.sleep(0.01)
    print("one recv(100) once both have come:", a.recv(100))


def q_http_missing(port):
    """Lesson 16's server asked for a file it does not have: its whole
    answer, read until it closes."""
    for version in (b"HTTP/1.0", b"HTTP/1.1"):
        c = socket.create_connection((LO, int(port)), timeout=LIMIT)
        c.sendall(b"GET /no-such-file.html " + version + b"\r\n\r\n")
        got = b""
        while True:
            chunk = c.recv(4096)
            if not chunk:
                break
            got += chunk
        c.close()
        head, _, body = got.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        print("%s request: %s" % (version.decode(), lines[0]))
        length = [h.split(":")[1].strip() for h in lines
                  if h.lower().startswith("content-length:")]
        print("%s request: Content-Length is the body's size, then the "
              "end: %s" % (version.decode(),
                           length == [str(len(body))]))


QUESTIONS = {name[2:].replace("_", "-"): f
             for name, f in globals().items() if name.startswith("q_")}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in QUESTIONS:
        sys.stderr.write("usage: manual-answers.py %s\n"
                         % "|".join(sorted(QUESTIONS)))
        sys.exit(2)
    QUESTIONS[sys.argv[1]](*sys.argv[2:])
