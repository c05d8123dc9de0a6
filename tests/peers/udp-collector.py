# udp-collector.py COUNT: a UDP receiver on 127.0.0.1 (1 MiB buffer): prints
# the ready line, then for each of COUNT datagrams its source port, length
# and repr cut at 40 bytes; gives up after 10 s without one.
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
s.bind(("127.0.0.1", 0))
s.settimeout(10)
print("receiving on 127.0.0.1:%d" % s.getsockname()[1])
for _ in range(int(sys.argv[1])):
    data, addr = s.recvfrom(70000)
    print(addr[1], len(data), repr(data[:40]))
