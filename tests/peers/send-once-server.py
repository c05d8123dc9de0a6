# send-once-server.py DATA [ADDR]: a server that is not ours on ADDR (127.0.0.1
# unless given; ::1 for IPv6): prints its ready line, then "peer port N" for
# its one client, sends it DATA (a Python bytes literal) and closes.
import ast, socket, sys
data = ast.literal_eval(sys.argv[1])
addr = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
l = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
l.bind((addr, 0))
l.listen(1)
l.settimeout(10)
shown = "[%s]" % addr if ":" in addr else addr
print("listening on %s:%d" % (shown, l.getsockname()[1]), flush=True)
c, peer = l.accept()
print("peer port %d" % peer[1], flush=True)
c.sendall(data)
c.close()
