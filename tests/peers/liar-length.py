# liar-length.py: a server on 127.0.0.1 for one framing client: prints the
# ready line, reads its first bytes and answers with a length of 1 MiB
# (and no body), then reads once more.
import socket, struct
srv = socket.create_server(("127.0.0.1", 0))
srv.settimeout(10)
print("listening on 127.0.0.1:%d" % srv.getsockname()[1], flush=True)
c, _ = srv.accept()
c.settimeout(10)
c.recv(100)
c.sendall(struct.pack("!I", 1 << 20))
c.recv(100)
