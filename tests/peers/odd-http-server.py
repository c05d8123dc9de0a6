# odd-http-server.py MODE: an HTTP server on 127.0.0.1: prints the ready line,
# then its one client's request line, and answers it oddly on purpose (MODE:
# nolength, longer, shorter, headclose, silent, escape, notdigits).
import socket, sys, time
mode = sys.argv[1]
srv = socket.create_server(("127.0.0.1", 0))
srv.settimeout(10)
print("listening on 127.0.0.1:%d" % srv.getsockname()[1], flush=True)
c, _ = srv.accept()
c.settimeout(10)
req = b""
while b"\r\n\r\n" not in req:
    req += c.recv(4096)
print(req.split(b"\r\n")[0].decode(), flush=True)
head = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
if mode == "nolength":
    c.sendall(head + b"\r\nno length\nends at the close\n")
elif mode == "longer":  # says 10, sends 3, closes
    c.sendall(head + b"Content-Length: 10\r\n\r\nabc")
elif mode == "shorter":  # says 3, sends 9
    c.sendall(head + b"Content-Length: 3\r\n\r\nabcdefghi")
elif mode == "headclose":
    c.sendall(b"HTTP/1.0 200 OK\r\nContent-Ty")
elif mode == "silent":
    time.sleep(3)
elif mode == "escape":
    c.sendall(head + b"X-Evil: a\x1b]0;t\x07\r\nContent-Length: 8\r\n\r\n\x1b[31mred")
elif mode == "notdigits":
    c.sendall(head + b"Content-Length: 12abc\r\n\r\nabc")
c.close()
