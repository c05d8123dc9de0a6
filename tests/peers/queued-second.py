# queued-second.py PORT: two clients of a one-at-a-time echo server: says
# whether the second waits while the first is served, then what each got.
import socket, sys
port = int(sys.argv[1])
a = socket.create_connection(("127.0.0.1", port), timeout=5)
b = socket.create_connection(("127.0.0.1", port), timeout=5)
b.sendall(b"second\n")
b.settimeout(0.5)
try:
    print("b got", b.recv(100), "while a was connected")
except socket.timeout:
    print("b waits while a is served")
a.sendall(b"first\n")
print("a got", a.recv(100))
a.close()
b.settimeout(5)
print("b got", b.recv(100))
b.close()
