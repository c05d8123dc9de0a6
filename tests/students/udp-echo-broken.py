# verdict: udp-echo.spec: FAIL in-turn: it answers the first client's
# address for ever, so the second client gets nothing.
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
data, client = s.recvfrom(65535)
s.sendto(data, client)
while True:
    data, addr = s.recvfrom(65535)
    s.sendto(data, client)
