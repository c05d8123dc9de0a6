# echo-server.py PORT [spin]: an echo server as the write-ups this project
# grew from write one (written here, in their shape): with-blocks, one
# client, a print per piece. Plain: it stops when recv() returns b"" (the
# client closed). "spin": it does not look, and goes round for ever,
# recv() returning b"" at once each time: the beginner's bug. PORT 0:
# any free port, the one it got is printed. The handout's section
# "Narrating your own program" runs it under scripts/narrate.
import socket
import sys

HOST = "127.0.0.1"
PORT = int(sys.argv[1])
spin = sys.argv[2:] == ["spin"]

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.bind((HOST, PORT))
    s.listen()
    print("listening on %s:%d" % (HOST, s.getsockname()[1]), flush=True)
    conn, addr = s.accept()
    with conn:
        print("Connected to", addr, flush=True)
        while True:
            data = conn.recv(1024)
            if not data and not spin:
                break
            print("Data received:", data.decode(errors="replace"), flush=True)
            conn.sendall(data)
