"""An echo server on Python's own socketserver.ForkingTCPServer, a child
per client:
    forking-tcpserver.py PORT

Nobody here wrote its reaping: ForkingMixIn reaps its children when
serve_forever() wakes, every 0.5 s (poll_interval), not on SIGCHLD.
Children that ended a moment ago are zombies until then. scripts/check's
zombies check must PASS it every time: it counts them once the program
has had its chance to reap (woken twice), not the moment it sleeps."""
import socketserver
import sys


class Echo(socketserver.BaseRequestHandler):
    def handle(self):
        while True:
            data = self.request.recv(4096)
            if not data:
                break
            self.request.sendall(data)


class Server(socketserver.ForkingTCPServer):
    allow_reuse_address = True


server = Server(("127.0.0.1", int(sys.argv[1])), Echo)
print("listening on 127.0.0.1:%d" % server.server_address[1], flush=True)
server.serve_forever()
