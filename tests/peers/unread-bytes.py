# unread-bytes.py PORT: sends 127.0.0.1:PORT up to 100000 bytes at once,
# as many as the kernel takes without waiting, reads the echo for 1.5 s,
# then prints how many bytes it sent, how many came back, how many the
# server's socket has unread (its Recv-Q in /proc/net/tcp) and how many
# of its own still wait to go (its Send-Q): "SENT GOT UNREAD UNSENT".
# (A sendall() of all of it would wait for good where the sockets'
# buffers cannot hold what a stalled server leaves unread.)
import socket, sys
port = int(sys.argv[1])
s = socket.create_connection(("127.0.0.1", port), timeout=5)
s.setblocking(False)
data, sent = b"x" * 100000, 0
try:
    while sent < len(data):
        sent += s.send(data[sent:])
except BlockingIOError:
    pass
s.settimeout(1.5)
got = 0
try:
    while got < sent:
        chunk = s.recv(65536)
        if not chunk:
            break
        got += len(chunk)
except socket.timeout:
    pass
me = s.getsockname()[1]
unread = unsent = None
for line in open("/proc/net/tcp").read().splitlines()[1:]:
    f = line.split()
    local, remote = (int(f[i].split(":")[1], 16) for i in (1, 2))
    tx, rx = (int(q, 16) for q in f[4].split(":"))
    if (local, remote) == (port, me):
        unread = rx
    if (local, remote) == (me, port):
        unsent = tx
print(sent, got, unread, unsent)
