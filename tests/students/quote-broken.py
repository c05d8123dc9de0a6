# verdict: quote.spec: FAIL in-turn (served 1 of 10 clients): no loop
# around accept(), so the first client is the only one.
import socket
import sys

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(1)
conn, addr = s.accept()
conn.sendall(b"Talk is cheap. Show me the code.\n")
conn.close()
s.close()
