# escaped-request.py PORT: sends 127.0.0.1:PORT a request line with terminal
# escapes and a 0xff byte, reads to the end, prints the status line.
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"GET /\x1b]0;owned\x07\xff HTTP/1.0\r\n\r\n")
got = b""
while chunk := s.recv(100):
    got += chunk
print(got.split(b"\r\n")[0].decode())
