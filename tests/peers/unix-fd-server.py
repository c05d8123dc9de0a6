# unix-fd-server.py PATH: an AF_UNIX server at PATH for one client: sends it
# "from python PID" with one end of a socketpair (SCM_RIGHTS), writes "over
# the pair" into the other end, closes and unlinks PATH.
import os, socket, sys
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(sys.argv[1])
srv.listen(1)
srv.settimeout(10)
print("listening on", sys.argv[1], flush=True)
c, _ = srv.accept()
a, b = socket.socketpair()
socket.send_fds(c, [b"from python %d\n" % os.getpid()], [b.fileno()])
b.close()
a.sendall(b"over the pair\n")
a.close()
c.close()
os.unlink(sys.argv[1])
