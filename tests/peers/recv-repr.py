# recv-repr.py HOST PORT: connects to HOST PORT, sends nothing (its side
# shut down at once), and prints repr() of all the bytes it receives
# until the server closes: what a server wrote, byte for byte.
import socket, sys
from sockio import recv_all
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=20)
s.shutdown(socket.SHUT_WR)
print(repr(recv_all(s)))
