# verdict: echo.spec: FAIL idle (spins after a client left): the loop
# never stops at recv() == b"", so it sends b"" back for ever.
import socket
import sys

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", int(sys.argv[1])))
server.listen(5)
while True:
    conn, addr = server.accept()
    print("client", addr)
    while True:
        data = conn.recv(1024)
        try:
            conn.sendall(data)
        except OSError:
            pass
