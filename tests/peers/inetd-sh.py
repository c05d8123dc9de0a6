# inetd-sh.py SCRIPT: an inetd-style server: listens on a port of
# 127.0.0.1 the kernel chooses (prints "listening on 127.0.0.1:PORT"),
# accepts one client, puts its socket on fds 0, 1 and 2 and execs
# sh -c SCRIPT, whose output is then the client's data.
import os, socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
print("listening on 127.0.0.1:%d" % s.getsockname()[1], flush=True)
c, _ = s.accept()
for fd in (0, 1, 2):
    os.dup2(c.fileno(), fd)
c.close()
s.close()
os.execv("/bin/sh", ["sh", "-c", sys.argv[1]])
