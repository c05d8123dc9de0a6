# free-port.py [tcp|udp] [ADDR]: prints a port of ADDR (127.0.0.1 unless
# given; "::1" for IPv6) that the kernel chose for a TCP (or UDP) socket,
# which then closed: free a moment ago.
import socket, sys
kind = socket.SOCK_DGRAM if sys.argv[1:2] == ["udp"] else socket.SOCK_STREAM
addr = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, kind)
s.bind((addr, 0))
print(s.getsockname()[1])
s.close()
