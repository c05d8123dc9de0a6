# stopped-server.py PORT PID: three chat clients join; while the server PID
# is stopped (SIGSTOP), the first half-closes and the third sends a line;
# then SIGCONT.
import os, signal, socket, sys, time
port, server = int(sys.argv[1]), int(sys.argv[2])
a, b, c = (socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(3))
for s in (a, b, c):
    s.recv(100)  # its welcome: it is in the chat
time.sleep(0.3)
os.kill(server, signal.SIGSTOP)  # both happen while the server is stopped
while open("/proc/%d/stat" % server).read().rsplit(")", 1)[1].split()[0] != "T":
    time.sleep(0.01)
a.shutdown(socket.SHUT_WR)
c.sendall(b"hello\n")
time.sleep(0.3)
os.kill(server, signal.SIGCONT)
time.sleep(0.5)
for s in (a, b, c):
    s.close()
