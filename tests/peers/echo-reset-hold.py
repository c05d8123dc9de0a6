# echo-reset-hold.py PORT: three clients of 127.0.0.1:PORT, one after another:
# an echo of "one", a reset at once, and an echo held 0.5 s before its close;
# prints each echo's repr.
import os, socket, struct, sys, time
# after-ready runs it too: not with this folder on the path
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sockio import recv_exactly
port = int(sys.argv[1])
def echo(text, hold=0.0):
    c = socket.create_connection(("127.0.0.1", port), timeout=30)
    c.sendall(text)
    got = recv_exactly(c, len(text))
    time.sleep(hold)
    c.close()
    print("echo %r" % got, flush=True)
echo(b"one\n")
r = socket.create_connection(("127.0.0.1", port), timeout=30)
r.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
r.close()
echo(b"client 0\n", 0.5)
