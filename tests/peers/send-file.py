# send-file.py PORT FILE: sends FILE to 127.0.0.1:PORT, half-closes, and
# prints "closed" when the receiver then closes without a byte (else "data?").
import socket, sys
data = open(sys.argv[2], "rb").read()
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(data)
s.shutdown(socket.SHUT_WR)
print("closed" if s.recv(1) == b"" else "data?")
