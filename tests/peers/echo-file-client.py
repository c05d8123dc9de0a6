# A client that is not ours: sends the file argv[2] in 1000-byte pieces
# while a second thread reads the echo, then shutdown(SHUT_WR), and writes
# everything that came back to stdout.
import socket, sys, threading
data = open(sys.argv[2], "rb").read()
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
got = []
def reader():
    while True:
        b = s.recv(65536)
        if not b:
            break
        got.append(b)
t = threading.Thread(target=reader)
t.start()
for i in range(0, len(data), 1000):
    s.sendall(data[i:i + 1000])
s.shutdown(socket.SHUT_WR)
t.join(15)
sys.stdout.buffer.write(b"".join(got))
