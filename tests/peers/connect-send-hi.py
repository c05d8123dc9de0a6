# connect-send-hi.py PORT: connects to 127.0.0.1:PORT, prints its own port,
# sends "hi\n", then prints what came back ("got b'...'") or "reset".
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
print(s.getsockname()[1])
s.sendall(b"hi\n")
try:
    print("got", s.recv(10))
except ConnectionResetError:
    print("reset")
