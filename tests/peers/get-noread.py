# get-noread.py PORT PATH: connects to 127.0.0.1:PORT, sends one HTTP/1.0
# GET for PATH, prints "connected" and then reads nothing; it ends after
# 60 s, or when killed. A server whose send() has no time limit waits in
# it as long as this client stays.
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # fills at once
s.connect(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET " + sys.argv[2].encode() + b" HTTP/1.0\r\n\r\n")
print("connected", flush=True)
time.sleep(60)
