# slow-request.py PORT: sends 127.0.0.1:PORT a request a byte every 0.3 s
# until an answer comes; prints its status line, whether it came 0.9 s or
# more after the connect, and whether mid-request.
import select, socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30)
start = time.monotonic()
request = b"GET / HTTP/1.1\r\n" + b"X-Slow: " + b"z" * 100
sent = 0
for b in request:
    if select.select([s], [], [], 0.3)[0]:  # the answer came
        break
    s.send(bytes([b]))
    sent += 1
print(s.recv(100).split(b"\r\n")[0].decode())
took = time.monotonic() - start
# The deadline is 1 s for the whole request: not sooner; and long before
# the last byte (about 35 s at this pace), which a timeout per recv() would
# wait for. How much later than 1 s depends on how busy the machine is.
print("not sooner" if took >= 0.9 else "after only %.2f s" % took)  # lower bound
print("cut off %s" % ("mid-request" if sent < len(request) else "after the whole request"))
