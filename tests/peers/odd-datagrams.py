# odd-datagrams.py PORT: sends 127.0.0.1:PORT three datagrams: all 256 byte
# values, terminal escapes with a CR LF, and UTF-8 text.
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
port = int(sys.argv[1])
s.sendto(bytes(range(256)), ("127.0.0.1", port))
s.sendto(b"\x1b]0;owned\x07\x1b[2J\x9b31m\xc2\x9b1m\r\n", ("127.0.0.1", port))
s.sendto("caf\u00e9 \u2603".encode(), ("127.0.0.1", port))
