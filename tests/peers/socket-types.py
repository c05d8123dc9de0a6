# Asks the kernel what a TCP and a UDP socket are: prints SO_TYPE,
# SO_DOMAIN and SO_PROTOCOL, one line per socket (TCP first). No arguments.
import socket
for t in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
    s = socket.socket(socket.AF_INET, t)
    print(s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE),
          s.getsockopt(socket.SOL_SOCKET, socket.SO_DOMAIN),
          s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL))
    s.close()
