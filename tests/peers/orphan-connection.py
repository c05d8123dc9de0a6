# orphan-connection.py 0|1: a listener (SO_REUSEADDR if 1) takes a client of
# its own, then closes, keeping the connection (as lesson 12's child does when
# its parent ends); prints the port held as "listening on 127.0.0.1:PORT".
import socket, sys, time
l = socket.socket()
if sys.argv[1] == "1":
    l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", 0))
l.listen()
port = l.getsockname()[1]
c = socket.create_connection(("127.0.0.1", port))
a, _ = l.accept()
l.close()
print("listening on 127.0.0.1:%d" % port, flush=True)
time.sleep(60)
