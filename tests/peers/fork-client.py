# fork-client.py PORT: forks; the child connects to 127.0.0.1:PORT, sends
# "from the child\n" and closes; the parent waits for it and prints the
# child's pid.
import os
import socket
import sys

port = int(sys.argv[1])
pid = os.fork()
if pid == 0:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as c:
        c.sendall(b"from the child\n")
    os._exit(0)
os.waitpid(pid, 0)
print("child", pid)
