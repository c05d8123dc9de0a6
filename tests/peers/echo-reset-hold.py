# echo-reset-hold.py PORT: three clients of 127.0.0.1:PORT, one after another:
# an echo of "one", a reset at once, and an echo held 0.5 s before its close;
# prints each echo's repr.
import socket, struct, sys, time
port = int(sys.argv[1])
def echo(text, hold=0.0):
    c = socket.create_connection(("127.0.0.1", port), timeout=30)
    c.sendall(text)
    got = b""
    while len(got) < len(text):
        b = c.recv(100)
        if not b:
            break
        got += b
    time.sleep(hold)
    c.close()
    print("echo %r" % got, flush=True)
echo(b"one\n")
r = socket.create_connection(("127.0.0.1", port), timeout=30)
r.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
r.close()
echo(b"client 0\n", 0.5)
