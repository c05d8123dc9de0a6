# echo-server.py MODE: a server that is not ours, for one client on 127.0.0.1
# (TCP_NODELAY): "echo" sends back what came, "upper" in capitals, "corrupt"
# with each piece's last byte a "?", "evil" the first piece as terminal escapes.
import socket, sys
mode = sys.argv[1]
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(1)
# A minute for the client to come: its start (under narrate, on a loaded
# machine) may take seconds. The test kills this server when it is done.
l.settimeout(60)
print("listening on 127.0.0.1:%d" % l.getsockname()[1], flush=True)
c, peer = l.accept()
c.settimeout(10)
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
first = True
while True:
    b = c.recv(4096)
    if not b:
        break
    if mode == "evil" and first:
        # set the title, clear the screen, a CR, a C1 CSI
        b = b"\x1b]0;PWNED\x07\x1b[2J\r\x9b"
    elif mode == "upper":
        b = b.upper()
    elif mode == "corrupt":
        b = b[:-1] + b"?"
    first = False
    c.sendall(b)
c.close()
