# framing-peer.py PORT MODE: a client speaking the framing protocol badly or
# oddly on purpose (MODE: cuts, ten, huge, over, midlength, midbody, stall,
# escape; see each below); prints what it got back.
import socket, struct, sys, time
port, mode = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("127.0.0.1", port), timeout=10)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
frame = lambda b: struct.pack("!I", len(b)) + b

def last():  # what the server sends before it closes: b"" or a reset
    try:
        return repr(s.recv(100))
    except ConnectionResetError:
        return "reset"

def recv_exactly(n):
    buf = b""
    while len(buf) < n:
        c = s.recv(n - len(buf))
        if not c:
            break
        buf += c
    return buf

if mode == "cuts":
    # "hello" framed is 9 bytes: cut it after byte 1, 2, ... 8 in turn,
    # the two pieces 30 ms apart, and read each echo back whole.
    f = frame(b"hello")
    for k in range(1, len(f)):
        s.sendall(f[:k])
        time.sleep(0.03)
        s.sendall(f[k:])
        if recv_exactly(9) != f:
            sys.exit("echo %d differs" % k)
    print("8 cuts echoed")
elif mode == "ten":
    msgs = [b"m%d" % i * (i + 1) for i in range(10)]
    s.sendall(b"".join(frame(m) for m in msgs))  # ten messages, one send
    got = recv_exactly(sum(4 + len(m) for m in msgs))
    print("same" if got == b"".join(frame(m) for m in msgs) else "differs")
elif mode == "huge":
    s.sendall(struct.pack("!I", 0xFFFFFFFF) + b"x" * 100)
    print("got", last())
elif mode == "over":  # one byte over --max 8, after one that fits exactly
    s.sendall(frame(b"12345678"))
    print("echo %r" % recv_exactly(12))
    s.sendall(frame(b"123456789"))
    print("then", last())
elif mode in ("midlength", "midbody"):
    s.sendall(frame(b"ok"))
    recv_exactly(6)  # read the echo: nothing is left unread at close
    s.sendall(b"\0\0" if mode == "midlength" else struct.pack("!I", 10) + b"abc")
elif mode == "stall":  # then wait for the server to give up
    s.sendall(struct.pack("!I", 5) + b"hel")
    s.recv(1)
elif mode == "escape":
    s.sendall(frame(b"a\x1b]0;pwned\x07b\xff"))
    print("echo %r" % recv_exactly(17))
