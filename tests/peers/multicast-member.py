# multicast-member.py PORT: a Python member of group 239.255.0.1 on 127.0.0.1's
# interface, bound to the group's PORT; prints "joined", then two datagrams.
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("239.255.0.1", int(sys.argv[1])))
s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
             struct.pack("4s4s", socket.inet_aton("239.255.0.1"),
                         socket.inet_aton("127.0.0.1")))
s.settimeout(5)
print("joined", flush=True)
for _ in range(2):
    print(s.recv(100).decode(), flush=True)
