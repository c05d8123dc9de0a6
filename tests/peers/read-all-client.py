# read-all-client.py HOST PORT: a Python client: connects to HOST PORT,
# prints "port N" (its own port) and all the server sent, or "refused".
import socket, sys
from sockio import recv_all
try:
    s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
except ConnectionRefusedError:
    print("refused")
    sys.exit(0)
print("port %d" % s.getsockname()[1])
data = recv_all(s)
print(data.decode(), end="")
