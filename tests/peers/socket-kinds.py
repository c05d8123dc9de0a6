# socket-kinds.py MODE [ARG]: programs in the shapes that made the narrator
# tell a socket by what it saw made, not by what it is (tests/kinds.bats).
# Each socket call here is one a Python student would write; the test
# narrates it and checks each sentence against what the kernel says.
#   exec-cat TYPE      a socketpair of TYPE (stream, seqpacket) with cat on
#                      the other end as its stdin and stdout, as socat's
#                      SYSTEM:cat: cat reads and writes a socket it did not
#                      make
#   scm-rights         one end of a SOCK_SEQPACKET pair passed to this
#                      process in a message (SCM_RIGHTS), then read: two
#                      records
#   fd3-launch PATH NARRATE...  a systemd-style launcher (not narrated):
#                      an AF_UNIX stream socket listening at PATH put on
#                      fd 3 (LISTEN_FDS=1) for "NARRATE... fd3-server";
#                      then a client of it
#   fd3-server         the server it starts: accept() on fd 3, echo once
#   unix-kinds         a SOCK_SEQPACKET pair, an unbound Unix datagram
#                      sender, shutdown() of a Unix pair, connect() of a
#                      bound Unix client
#   empty-dgrams       six empty UDP datagrams sent, six received
#   bound-tcp          a TCP client that binds before connect()
#   cmsgs              control messages of several kinds: IP_PKTINFO and
#                      SO_TIMESTAMP on a UDP socket (its datagram cut:
#                      MSG_TRUNC), IP_RECVORIGDSTADDR (one the narrator
#                      does not name), SCM_CREDENTIALS, two descriptors
#                      into room for one (MSG_CTRUNC)
#   checks             a few recv(MSG_DONTWAIT) that find nothing, then a
#                      select() that waits, three times (socat's shape)
#   refused            a connected UDP socket's send() to a port nobody
#                      holds, then its recv(); a non-blocking TCP connect()
#                      there, then its recv()
#   options            SO_REUSEPORT on two listeners of one port, a send
#                      buffer asked below the minimum, a Unix datagram
#                      too large for its socket (EMSGSIZE), a TCP socket
#                      never connected in an epoll set (EPOLLHUP)
#   asyncio            the asyncio documentation's echo server and client
#                      in one event loop: one line, echoed, then both end
#   two-kinds          one record on a SOCK_SEQPACKET pair, then one
#                      datagram on UDP: each kind's note, once
#   time-wait          a client that closes first, then its server: the
#                      client's side waits in TIME_WAIT
#   peek-del           recv(MSG_PEEK) on TCP, then an epoll set (selectors)
#                      that a socket is taken out of (EPOLL_CTL_DEL)
import os
import socket
import subprocess
import sys
import tempfile

mode = sys.argv[1]
LIMIT = 20  # seconds: every wait here is bounded

if mode == "exec-cat":
    kind = {"stream": socket.SOCK_STREAM,
            "seqpacket": socket.SOCK_SEQPACKET}[sys.argv[2]]
    a, b = socket.socketpair(socket.AF_UNIX, kind)
    a.settimeout(LIMIT)
    cat = subprocess.Popen(["cat"], stdin=b, stdout=b)
    b.close()
    a.sendall(b"ping\n")
    print("got", a.recv(100), flush=True)
    a.shutdown(socket.SHUT_WR)
    cat.wait(LIMIT)
    a.close()
elif mode == "scm-rights":
    ctl_a, ctl_b = socket.socketpair()
    x, y = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    socket.send_fds(ctl_a, [b"fd"], [y.fileno()])
    y.close()
    _, fds, _, _ = socket.recv_fds(ctl_b, 10, 1)
    got = socket.socket(fileno=fds[0])
    got.settimeout(LIMIT)
    x.send(b"one")
    x.send(b"two")
    print(got.recv(100), got.recv(100), flush=True)
elif mode == "fd3-launch":
    path = sys.argv[2]
    lsn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    lsn.bind(path)
    lsn.listen(1)
    fd = lsn.detach()
    if fd != 3:
        os.dup2(fd, 3)
        os.close(fd)
    os.set_inheritable(3, True)
    env = dict(os.environ, LISTEN_FDS="1")
    srv = subprocess.Popen(sys.argv[3:] + ["fd3-server"], pass_fds=(3,),
                           env=env)
    os.close(3)
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.settimeout(LIMIT)
    c.connect(path)
    c.sendall(b"hello")
    print("echo:", c.recv(100), flush=True)
    c.close()
    srv.wait(LIMIT)
    os.unlink(path)
elif mode == "fd3-server":
    lsn = socket.socket(fileno=3)
    lsn.settimeout(LIMIT)
    conn, _ = lsn.accept()
    conn.settimeout(LIMIT)
    conn.sendall(conn.recv(100))
    conn.recv(100)  # 0: the client has closed
    conn.close()
elif mode == "unix-kinds":
    d = tempfile.mkdtemp()
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    a.send(b"one")
    a.send(b"two")
    print(b.recv(100), b.recv(100), flush=True)
    p = os.path.join(d, "r.sock")
    r = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    r.bind(p)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.sendto(b"hi", p)
    print(r.recvfrom(10), flush=True)
    c, e = socket.socketpair()
    c.shutdown(socket.SHUT_RDWR)
    try:
        e.send(b"after")
    except BrokenPipeError:
        print("EPIPE", flush=True)
    e.recv(10)
    lp = os.path.join(d, "l.sock")
    lsn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    lsn.bind(lp)
    lsn.listen(1)
    cli = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    cli.bind(os.path.join(d, "cli.sock"))
    cli.connect(lp)
    got, addr = lsn.accept()
    print("client is", addr, flush=True)
    for f in ("r.sock", "l.sock", "cli.sock"):
        os.unlink(os.path.join(d, f))
    os.rmdir(d)
elif mode == "empty-dgrams":
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    u.settimeout(LIMIT)
    v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for i in range(6):
        v.sendto(b"", u.getsockname())
    for i in range(6):
        u.recv(100)
    print("six empty datagrams", flush=True)
elif mode == "bound-tcp":
    lsn = socket.socket()
    lsn.bind(("127.0.0.1", 0))
    lsn.listen(1)
    c = socket.socket()
    c.bind(("127.0.0.1", 0))
    print("bound to", c.getsockname()[1], flush=True)
    c.connect(lsn.getsockname())
    c.close()
elif mode == "cmsgs":
    IP_PKTINFO, IP_RECVORIGDSTADDR, SO_TIMESTAMP = 8, 20, 29  # Linux
    r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    r.bind(("127.0.0.1", 0))
    r.settimeout(LIMIT)
    r.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
    r.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMP, 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(b"hello world", r.getsockname())
    data, anc, flags, _ = r.recvmsg(5, 200)
    print(data, len(anc), flags & socket.MSG_TRUNC != 0, flush=True)
    r.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 0)
    r.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMP, 0)
    r.setsockopt(socket.IPPROTO_IP, IP_RECVORIGDSTADDR, 1)
    s.sendto(b"again", r.getsockname())
    print(r.recvmsg(100, 100)[0], flush=True)
    a, b = socket.socketpair()
    b.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    a.sendall(b"who")
    print(b.recvmsg(10, 100)[0], flush=True)
    x, y = socket.socketpair()
    socket.send_fds(a, [b"two"], [x.fileno(), y.fileno()])
    data, anc, flags, _ = b.recvmsg(10, socket.CMSG_SPACE(4))
    print(data, flags & socket.MSG_CTRUNC != 0, flush=True)
elif mode == "checks":
    import select
    a, b = socket.socketpair()
    for round in range(3):
        for i in range(5):
            try:
                a.recv(10, socket.MSG_DONTWAIT)
            except BlockingIOError:
                pass
        select.select([a], [], [], 0.05)
    print("checked", flush=True)
elif mode == "refused":
    import select
    hold = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    hold.bind(("127.0.0.1", 0))
    port = hold.getsockname()[1]
    hold.close()  # nobody has the port now (UDP, and TCP: never bound)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.connect(("127.0.0.1", port))
    u.send(b"anyone?")
    u.settimeout(LIMIT)
    try:
        u.recv(10)
    except ConnectionRefusedError:
        print("udp refused", flush=True)
    t = socket.socket()
    t.setblocking(False)
    t.connect_ex(("127.0.0.1", port))
    select.select([], [t], [], LIMIT)
    try:
        t.recv(10)
    except ConnectionRefusedError:
        print("tcp refused", flush=True)
elif mode == "options":
    import select
    one = socket.socket()
    one.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    one.bind(("127.0.0.1", 0))
    one.listen(1)
    two = socket.socket()
    two.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    two.bind(one.getsockname())
    two.listen(1)
    print("two listeners", flush=True)
    small = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    small.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 100)
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        a.send(b"x" * 1000000)
    except OSError as e:
        print("EMSGSIZE" if e.errno == 90 else e, flush=True)
    try:
        six = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        six.sendto(b"x" * 70000, ("::1", 9))
    except OSError as e:
        print("EMSGSIZE6" if e.errno == 90 else e, flush=True)
    fresh = socket.socket()
    ep = select.epoll()
    ep.register(fresh.fileno(), select.EPOLLIN)
    print([ev for _, ev in ep.poll(0)], flush=True)  # 16: EPOLLHUP
elif mode == "asyncio":
    import asyncio

    async def echo(reader, writer):
        writer.write(await reader.read(100))
        await writer.drain()
        writer.close()
        await writer.wait_closed()

    async def main():
        server = await asyncio.start_server(echo, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"hello asyncio")
        await writer.drain()
        print(await asyncio.wait_for(reader.read(100), LIMIT), flush=True)
        # the end of the stream, read: the server has closed. (Python 3.11
        # read it on its own before close(); 3.12 closes first, and the
        # recv() that returns 0 never came.)
        assert await asyncio.wait_for(reader.read(100), LIMIT) == b""
        writer.close()
        await writer.wait_closed()
        server.close()
        await server.wait_closed()

    asyncio.run(main())
elif mode == "two-kinds":
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    a.send(b"rec")
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    v.sendto(b"dg", u.getsockname())
    print(b.recv(10), u.recv(10), flush=True)
elif mode == "time-wait":
    lsn = socket.socket()
    lsn.bind(("127.0.0.1", 0))
    lsn.listen(1)
    c = socket.create_connection(lsn.getsockname(), timeout=LIMIT)
    conn, _ = lsn.accept()
    c.close()
    conn.settimeout(LIMIT)
    conn.recv(10)
    conn.close()
elif mode == "peek-del":
    import selectors
    lsn = socket.socket()
    lsn.bind(("127.0.0.1", 0))
    lsn.listen(1)
    c = socket.create_connection(lsn.getsockname(), timeout=LIMIT)
    conn, _ = lsn.accept()
    c.sendall(b"peeked")
    conn.settimeout(LIMIT)
    print(conn.recv(100, socket.MSG_PEEK), conn.recv(100), flush=True)
    sel = selectors.EpollSelector()
    sel.register(conn, selectors.EVENT_READ)
    sel.unregister(conn)
    sel.close()
else:
    sys.exit("socket-kinds.py: no mode " + mode)
