# verdict: udp-echo-client.spec: FAIL no-reply (it waits for ever for a
# reply), FAIL stranger (it takes any datagram as the reply), and a NOTE
# on long-line (its buffer is 1024 bytes).
import socket
import sys

server = (sys.argv[1], int(sys.argv[2]))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for line in sys.stdin:
    s.sendto(line.rstrip("\n").encode(), server)
    data, _ = s.recvfrom(1024)
    print(data.decode("utf-8", "replace"))
