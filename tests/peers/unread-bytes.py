# unread-bytes.py PORT: sends 127.0.0.1:PORT 100000 bytes at once, reads the
# echo for 1.5 s, then prints how many bytes came back and how many the
# server's socket has unread (its Recv-Q in /proc/net/tcp).
import socket, sys
port = int(sys.argv[1])
s = socket.create_connection(("127.0.0.1", port), timeout=5)
s.sendall(b"x" * 100000)
s.settimeout(1.5)
got = 0
try:
    while got < 100000:
        chunk = s.recv(65536)
        if not chunk:
            break
        got += len(chunk)
except socket.timeout:
    pass
me = s.getsockname()[1]
unread = None
for line in open("/proc/net/tcp").read().splitlines()[1:]:
    f = line.split()
    if int(f[1].split(":")[1], 16) == port and \
       int(f[2].split(":")[1], 16) == me:
        unread = int(f[4].split(":")[1], 16)
print(got, unread)
