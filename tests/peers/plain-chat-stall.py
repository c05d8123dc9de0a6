# plain-chat-stall.py PORT OUT MESSAGE: clients of a plain chat server
# (lessons/plain/poll-chat.c, select-chat.c), whose output is in OUT. a
# speaks MESSAGE once b and c have joined, and both hear it; c leaves; b
# speaks, a hears it. Then d joins and never reads, and a speaks in
# pieces of 8 KiB, each heard by b before the next: b hears every piece,
# while the server cuts d off once d's buffers are full. Prints what b
# and c heard, what a heard, and a line for each stage passed. (A piece
# must fit in b's buffers, which may be small: the server cuts off any
# client whose share does not fit at once, b too.)
import os, socket, sys, time
port, out = int(sys.argv[1]), sys.argv[2]
message = os.fsencode(sys.argv[3])


def joined(n):
    for _ in range(200):
        lines = open(out).read().splitlines()
        fds = [int(ln.split()[1]) for ln in lines if ln.endswith(" joined")]
        if len(fds) >= n:
            return fds
        time.sleep(0.05)
    raise SystemExit("the server said: %r" % lines)


def client():
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def heard(s, n):
    got = b""
    while len(got) < n:
        piece = s.recv(65536)
        if not piece:
            break
        got += piece
    return got


a, b, c = client(), client(), client()
joined(3)
a.sendall(message)
print(heard(b, len(message)), heard(c, len(message)))
c.close()
b.sendall(b"bye\n")
print(heard(a, 4))
d = client()
d_fd = joined(4)[3]
piece, pieces = b"x" * 8192, 0


def d_left():  # after d joined: c had that fd before
    return "fd %d left" % d_fd in open(out).read().rsplit("joined", 1)[1]


while not d_left():
    if pieces == 8192:
        raise SystemExit("64 MiB and d still not cut off")
    a.sendall(piece)
    if heard(b, len(piece)) != piece:
        raise SystemExit("b missed a piece")
    pieces += 1
print("b heard every piece; d cut off after", pieces > 1)
while d.recv(1 << 20):
    pass
print("d read to its end")
