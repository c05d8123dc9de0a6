# verdict: quote.spec: FAIL restart (EADDRINUSE): no SO_REUSEADDR, so
# after a restart the port is still held by the last connection, in
# TIME_WAIT.
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
while True:
    conn, _ = s.accept()
    conn.sendall(b"Talk is cheap. Show me the code.\n")
    conn.close()
