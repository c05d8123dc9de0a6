# big-echo.py PORT: sends 8 MiB to 127.0.0.1:PORT from a thread while not
# reading for 1 s, then reads the echo; prints "echoed N True|False".
import socket, sys, threading, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
data = bytes(range(256)) * 32768
t = threading.Thread(target=s.sendall, args=(data,))
t.start()
time.sleep(1)
got = bytearray()
while len(got) < len(data):
    chunk = s.recv(1 << 20)
    if not chunk:
        break
    got += chunk
t.join()
print("echoed", len(got), got == data)
