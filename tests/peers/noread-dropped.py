# noread-dropped.py PORT SECONDS [--framed]: connects to 127.0.0.1:PORT,
# sends up to 8 MiB and never reads a byte, then waits, and says whether the
# server dropped the connection within SECONDS of the connect (its clock
# starts once connected). A server that echoes what it gets stops in send()
# when this client's buffers are full; one with a send timeout gives up and
# closes, and its kernel resets the connection (data it never read is left).
# --framed sends lesson 15's messages: a 4-byte big-endian length, then
# that many bytes. Prints "dropped after N s, B bytes sent" and exits 0,
# or "not dropped within SECONDS s, B bytes sent" and exits 1.
import select, socket, struct, sys, time

port, limit = int(sys.argv[1]), float(sys.argv[2])
framed = "--framed" in sys.argv[3:]
piece = b"x" * 4092
chunk = (struct.pack(">I", len(piece)) + piece) if framed else b"x" * 4096
total = 8 << 20

# A small receive buffer, set before the connect so that the window it
# offers is small: the server's echo stops after little work, so the
# time it spends before its send() waits hardly depends on its speed.
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.settimeout(limit)
s.connect(("127.0.0.1", port))
start = time.monotonic()
end = start + limit
sent = 0
dropped = False
try:
    while sent < total and time.monotonic() < end:
        s.settimeout(max(end - time.monotonic(), 0.01))
        try:
            s.sendall(chunk)
        except socket.timeout:
            break  # blocked until the deadline: not dropped
        sent += len(chunk)
    else:
        # All sent (the kernels buffered it): wait for the reset or the
        # end of the stream, still reading nothing.
        p = select.poll()
        p.register(s, select.POLLERR | select.POLLHUP | select.POLLRDHUP)
        left = end - time.monotonic()
        dropped = left > 0 and bool(p.poll(left * 1000))
except (ConnectionResetError, BrokenPipeError):
    dropped = True
took = time.monotonic() - start
s.close()
if dropped:  # (each wait above ended by the deadline)
    print("dropped after %.1f s, %d bytes sent" % (took, sent))
    sys.exit(0)
print("not dropped within %g s, %d bytes sent" % (limit, sent))
sys.exit(1)
