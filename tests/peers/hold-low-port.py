# hold-low-port.py tcp|udp ADDR: a socket (TCP listening, or UDP) bound to
# ADDR on a random port below 32000 that TCP on 127.0.0.1 has free too;
# prints "receiving on ADDR:PORT" and holds it for 30 s.
import random, socket, sys, time
tcp = sys.argv[1] == "tcp"
for _ in range(1000):
    port = random.randrange(10000, 32000)
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM)
    try:
        probe.bind(("127.0.0.1", port))
        probe.close()
        s.bind((sys.argv[2], port))
        break
    except OSError:
        probe.close()
        s.close()
else:
    sys.exit("no free port below 32000")
if tcp:
    s.listen()
print("receiving on %s:%d" % s.getsockname(), flush=True)
time.sleep(30)
