# hold-port.py listen|bound: a TCP socket on a kernel-chosen port of 127.0.0.1,
# listening (prints "listening on 127.0.0.1:PORT") or only bound, so that a SYN
# gets a RST (prints "port PORT"); then holds it for 30 s.
import socket, time
import sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
if sys.argv[1] == "listen":
    s.listen()
    print("listening on 127.0.0.1:%d" % s.getsockname()[1], flush=True)
else:
    print("port %d" % s.getsockname()[1], flush=True)
time.sleep(30)
