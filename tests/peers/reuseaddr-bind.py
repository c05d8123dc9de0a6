# reuseaddr-bind.py PORT: binds 127.0.0.1:PORT without SO_REUSEADDR, then
# with it; prints "reuse 0|1 bound" or the error for each.
import socket, sys
for reuse in (0, 1):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, reuse)
    try:
        s.bind(("127.0.0.1", int(sys.argv[1])))
        print("reuse", reuse, "bound")
    except OSError as e:
        print("reuse", reuse, e.strerror)
    s.close()
