# trickle-until.py PORT FILE: connects to 127.0.0.1:PORT and sends "x\n"
# every 0.1 s, reading the echo, until FILE exists (at most 60 s); then
# closes and prints how many lines it sent. A server's recv() never waits
# long for it, so its session lasts as long as the test wants.
import os, socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
end = time.monotonic() + 60
n = 0
while not os.path.exists(sys.argv[2]) and time.monotonic() < end:
    s.sendall(b"x\n")
    n += 1
    s.recv(4096)
    time.sleep(0.1)
s.close()
print("sent", n, "lines")
