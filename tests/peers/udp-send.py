# udp-send.py PORT DATAGRAM...: sends each argument as one datagram (Python
# escapes such as \x00 allowed; "" is an empty datagram) from one socket
# bound to a kernel-chosen port on 127.0.0.1; prints that port.
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
for d in sys.argv[2:]:
    data = d.encode().decode("unicode_escape").encode("latin-1")
    s.sendto(data, ("127.0.0.1", int(sys.argv[1])))
