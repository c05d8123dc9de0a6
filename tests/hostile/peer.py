#!/usr/bin/env python3
"""Hostile and odd peers for the sockstep lessons (loopback only).

    peer.py echo PORT NBYTES        send NBYTES random bytes while reading the
                                    echo at the same time, then SHUT_WR; print
                                    "sent SHA" and "got SHA N" (must match)
    peer.py halfclose PORT TEXT     send TEXT, shutdown(SHUT_WR), read to EOF,
                                    print what came back
    peer.py reset PORT NBYTES       send NBYTES, read a little, then close with
                                    SO_LINGER {1, 0}: the peer gets a RST
    peer.py rst-at-once PORT        connect, then RST at once (SO_LINGER 0)
    peer.py scan PORT               connect and close at once, saying nothing
    peer.py silent PORT SECONDS     connect, say nothing for SECONDS, close
    peer.py noread PORT NBYTES      send up to NBYTES, never read, close with
                                    data unread: the server's send() fails
    peer.py many PORT N             N clients one after another, each sends
                                    one line and reads its echo
    peer.py binary PORT             send every byte value 0..255 four times,
                                    SHUT_WR, check the echo; print "same N"
    peer.py udp-binary PORT         one datagram of every byte value 0..255
    peer.py udp PORT SIZE...        one datagram of each SIZE bytes
    peer.py burst PORT N SIZE       N datagrams of SIZE bytes, as fast as can
    peer.py silent-server SECONDS   listen on 127.0.0.1:0, print "listening on
                                    127.0.0.1:PORT", accept one client and
                                    say nothing, close after SECONDS
    peer.py full-server SECONDS     listen with backlog 0 and fill the queue,
                                    so that a further connect() waits; print
                                    "listening on 127.0.0.1:PORT" when full
    peer.py late-server FLAG [TEXT] accept one client, say nothing until the
                                    file FLAG exists, then send TEXT ("late\\n"
                                    if not given; "" sends nothing), close
    peer.py late PORT FLAG TEXT     connect, say nothing until the file FLAG
                                    exists, then send TEXT, SHUT_WR, read to
                                    EOF and print what came back

Every socket has a timeout; nothing here runs longer than its arguments say
(plus the 10 s socket timeout). Exit status 0 on success, 1 on a failure
(printed on stderr).
"""

import errno
import os
import select
import socket
import struct
import sys
import threading
import time

HOST = "127.0.0.1"
TIMEOUT = 10.0


def connect(port):
    s = socket.create_connection((HOST, port), timeout=TIMEOUT)
    return s


def rst_close(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def echo(port, nbytes):
    import hashlib  # here: the other modes need none of it
    data = os.urandom(nbytes)
    s = connect(port)
    got = hashlib.sha256()
    count = [0]
    error = []

    def reader():
        try:
            while True:
                chunk = s.recv(1 << 16)
                if not chunk:
                    return
                got.update(chunk)
                count[0] += len(chunk)
        except OSError as e:  # pragma: no cover - reported below
            error.append(e)

    t = threading.Thread(target=reader)
    t.start()
    view = memoryview(data)
    off = 0
    while off < nbytes:
        off += s.send(view[off:off + (1 << 16)])
    s.shutdown(socket.SHUT_WR)
    t.join(60)
    s.close()
    print("sent", hashlib.sha256(data).hexdigest(), nbytes)
    print("got", got.hexdigest(), count[0])
    if error or t.is_alive():
        print("reader failed:", error or "still running", file=sys.stderr)
        return 1
    return 0


def halfclose(port, text):
    return halfclose_on(connect(port), text)


def halfclose_on(s, text):
    s.sendall(text.encode())
    s.shutdown(socket.SHUT_WR)
    back = b""
    while True:
        chunk = s.recv(4096)
        if not chunk:
            break
        back += chunk
    s.close()
    sys.stdout.write(back.decode(errors="replace"))
    return 0


def binary(port):
    data = bytes(range(256)) * 4
    s = connect(port)
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    back = b""
    while True:
        chunk = s.recv(4096)
        if not chunk:
            break
        back += chunk
    s.close()
    if back != data:
        print("echo differs: %d bytes back, %r..." % (len(back), back[:32]),
              file=sys.stderr)
        return 1
    print("same", len(back))
    return 0


def udp_binary(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(bytes(range(256)), (HOST, port))
    s.close()
    return 0


def reset(port, nbytes):
    s = connect(port)
    chunk = os.urandom(1 << 14)
    sent = got = 0
    while sent < nbytes:
        sent += s.send(chunk)
        # read what has come back so far, so that neither side blocks
        s.setblocking(False)
        try:
            while True:
                back = s.recv(1 << 16)
                if not back:
                    break
                got += len(back)
        except BlockingIOError:
            pass
        s.settimeout(TIMEOUT)
    # The server is still echoing the last chunk: reset it mid-stream.
    rst_close(s)
    print("sent", sent, "got", got, "then RST")
    return 0


def rst_at_once(port):
    rst_close(connect(port))
    return 0


def scan(port):
    connect(port).close()
    return 0


def silent(port, seconds):
    s = connect(port)
    time.sleep(seconds)
    s.close()
    return 0


def send_unread(s, data):
    """Send what of data the kernel takes without waiting (the echoes
    fill the sockets' buffers, which may be small), reading nothing;
    return how many bytes went."""
    s.setblocking(False)
    sent = 0
    try:
        while sent < len(data):
            sent += s.send(data[sent:])
    except BlockingIOError:
        pass
    return sent


def noread(port, nbytes):
    s = connect(port)
    s.settimeout(1.0)
    chunk = b"x" * (1 << 16)
    sent = 0
    try:
        while sent < nbytes:
            sent += s.send(chunk)
    except (socket.timeout, BlockingIOError):
        pass  # both directions are full: the server is stuck in send()
    except (ConnectionResetError, BrokenPipeError):
        pass
    print("sent", sent, "bytes without reading")
    s.close()  # unread data in our buffer: the kernel sends a RST
    return 0


def many(port, n):
    for i in range(n):
        s = connect(port)
        line = ("client %d\n" % i).encode()
        s.sendall(line)
        s.shutdown(socket.SHUT_WR)
        back = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            back += chunk
        s.close()
        if back != line:
            print("client %d got %r" % (i, back), file=sys.stderr)
            return 1
    print("served", n)
    return 0


def udp(port, sizes):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for size in sizes:
        s.sendto(b"u" * size, (HOST, port))
    s.close()
    return 0


def burst(port, n, size):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sent = 0
    for i in range(n):
        try:
            s.sendto(("%d " % i).encode().ljust(size, b"b"), (HOST, port))
            sent += 1
        except OSError:
            pass  # ENOBUFS and friends: it is a burst, loss is allowed
    s.close()
    print("sent", sent)
    return 0


def listener(backlog):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.bind((HOST, 0))
    ls.listen(backlog)
    ls.settimeout(TIMEOUT)
    return ls


def ready(ls):
    print("listening on %s:%d" % ls.getsockname(), flush=True)


def silent_server(seconds):
    ls = listener(1)
    ready(ls)
    conn, _ = ls.accept()
    time.sleep(seconds)
    conn.close()
    ls.close()
    return 0


def full_server(seconds):
    ls = listener(0)
    fillers = []
    # Fill the accept queue (Linux queues backlog + 1): once it is full,
    # SYNs are dropped, so a further connect() waits (and retries the SYN)
    # until its timeout. The first filler that cannot connect proves it.
    for _ in range(16):
        f = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        f.setblocking(False)
        fillers.append(f)
        if f.connect_ex(ls.getsockname()) not in (0, errno.EINPROGRESS):
            raise OSError("filler connect failed")
        _, writable, _ = select.select([], [f], [], 1.0)
        if not writable:
            break
    else:
        raise OSError("the accept queue never filled up")
    ready(ls)
    time.sleep(seconds)
    for f in fillers:
        f.close()
    ls.close()
    return 0


def wait_file(flag):
    """Wait (at most TIMEOUT s) until the test creates the file flag."""
    deadline = time.monotonic() + TIMEOUT
    while not os.path.exists(flag):
        if time.monotonic() > deadline:
            raise TimeoutError("no flag file " + flag)
        time.sleep(0.02)


def late_server(flag, text="late\n"):
    ls = listener(1)
    ready(ls)
    conn, _ = ls.accept()
    wait_file(flag)
    if text:
        conn.sendall(text.encode())
    conn.close()
    ls.close()
    return 0


def late(port, flag, text):
    s = connect(port)
    wait_file(flag)
    return halfclose_on(s, text)


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "echo":
        return echo(int(args[0]), int(args[1]))
    if cmd == "halfclose":
        return halfclose(int(args[0]), args[1])
    if cmd == "reset":
        return reset(int(args[0]), int(args[1]))
    if cmd == "rst-at-once":
        return rst_at_once(int(args[0]))
    if cmd == "scan":
        return scan(int(args[0]))
    if cmd == "silent":
        return silent(int(args[0]), float(args[1]))
    if cmd == "noread":
        return noread(int(args[0]), int(args[1]))
    if cmd == "many":
        return many(int(args[0]), int(args[1]))
    if cmd == "binary":
        return binary(int(args[0]))
    if cmd == "udp-binary":
        return udp_binary(int(args[0]))
    if cmd == "udp":
        return udp(int(args[0]), [int(a) for a in args[1:]])
    if cmd == "burst":
        return burst(int(args[0]), int(args[1]), int(args[2]))
    if cmd == "silent-server":
        return silent_server(float(args[0]))
    if cmd == "full-server":
        return full_server(float(args[0]))
    if cmd == "late-server":
        return late_server(*args[:2])
    if cmd == "late":
        return late(int(args[0]), args[1], args[2])
    print("peer.py: unknown command %r" % cmd, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
