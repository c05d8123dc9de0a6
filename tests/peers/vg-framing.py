# vg-framing.py PORT: 15-framing-server's peers under valgrind
# (valgrind.bats): ten frames in one send, echoed whole ("same" or
# "differs"), then a client that goes in the middle of a message.
import socket, struct, sys
port = int(sys.argv[1])
frame = lambda b: struct.pack("!I", len(b)) + b
def exactly(s, n):
    buf = b""
    while len(buf) < n:
        c = s.recv(n - len(buf))
        if not c:
            break
        buf += c
    return buf
s = socket.create_connection(("127.0.0.1", port), timeout=60)
msgs = [b"m%d" % i * (i + 1) for i in range(10)]
s.sendall(b"".join(frame(m) for m in msgs))
want = b"".join(frame(m) for m in msgs)
print("same" if exactly(s, len(want)) == want else "differs")
s.close()
s = socket.create_connection(("127.0.0.1", port), timeout=60)
s.sendall(frame(b"ok"))
exactly(s, 6)
s.sendall(struct.pack("!I", 10) + b"abc")  # then it goes
s.close()
