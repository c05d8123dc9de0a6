# dup-and-unread.py: on 127.0.0.1, shows that closing one of two fds of a
# socket sends nothing and closing the last sends a FIN, and that close()
# with unread data sends a RST. No arguments.
import errno, os, socket
lst = socket.socket()
lst.bind(("127.0.0.1", 0))
lst.listen()
def pair():
    c = socket.create_connection(lst.getsockname(), timeout=5)
    s, _ = lst.accept()
    return c, s
# dup: closing one descriptor sends nothing; closing the last sends a FIN
c, s = pair()
d = os.dup(s.fileno())
s.close()
c.settimeout(0.3)
try:
    print("after one close:", c.recv(10))
except socket.timeout:
    print("after one close: nothing")
os.close(d)
c.settimeout(5)
print("after the last close:", c.recv(10))
c.close()
# unread data: close() sends a RST
c, s = pair()
c.sendall(b"hello\nworld\n")
print("read:", s.recv(6))
s.close()
try:
    print("recv:", c.recv(10))
except OSError as e:
    print("recv:", errno.errorcode[e.errno])
