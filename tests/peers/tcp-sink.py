# tcp-sink.py FILE: a TCP server on 127.0.0.1 for one client: prints the
# ready line, reads to the end, writes what came to FILE, prints "got N".
import socket, sys
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen()
print("listening on 127.0.0.1:%d" % srv.getsockname()[1], flush=True)
conn, _ = srv.accept()
conn.settimeout(10)
data = bytearray()
while True:
    chunk = conn.recv(65536)
    if not chunk:
        break
    data += chunk
open(sys.argv[1], "wb").write(data)
print("got %d" % len(data), flush=True)
conn.close()
