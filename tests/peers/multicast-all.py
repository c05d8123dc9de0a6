# multicast-all.py PORT: two UDP sockets on 0.0.0.0:PORT, in no group, with
# IP_MULTICAST_ALL 1 and 0; prints "ready", then for each what came within
# 1.5 s ("got TEXT" or "nothing").
import socket, sys
socks = []
for all_groups in (1, 0):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IP, 49, all_groups)  # IP_MULTICAST_ALL
    s.bind(("", int(sys.argv[1])))
    s.settimeout(1.5)
    socks.append((all_groups, s))
print("ready", flush=True)
for all_groups, s in socks:
    try:
        print("IP_MULTICAST_ALL %d: got %s" % (all_groups, s.recv(100).decode()))
    except socket.timeout:
        print("IP_MULTICAST_ALL %d: nothing" % all_groups)
