# hold-clients.py PORT N HOLD [K]: N clients at once send a line, read its
# echo, hold HOLD s (@FILE: until FILE exists) and close; print how many were
# echoed, the times, whether K were served at once, and echoes after a close.
# Each client waits at most HOLD_WAIT s (30 if unset) to connect, and again
# for its echo.
import os, socket, sys, threading, time
from sockio import recv_exactly
port, n, hold = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
k = int(sys.argv[4]) if len(sys.argv) > 4 else 0
wait = float(os.environ.get("HOLD_WAIT", "30"))
go, res, took = threading.Barrier(n), [None] * n, [0.0] * n
together, lock, echoed, closed = threading.Barrier(max(k, 1)), threading.Lock(), [], []
met = []
def client(i):
    go.wait()
    t0 = time.monotonic()
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=wait)
        msg = b"client %d\n" % i
        s.sendall(msg)
        got = recv_exactly(s, len(msg))
        took[i] = time.monotonic() - t0
        with lock:
            echoed.append((time.monotonic(), i))
            first = len(echoed) <= k
        if first:
            try:
                together.wait(30)
                met.append(i)
            except threading.BrokenBarrierError:
                pass
        if hold.startswith("@"):  # until the test creates that file
            end = time.monotonic() + 60
            while not os.path.exists(hold[1:]) and time.monotonic() < end:
                time.sleep(0.05)
        else:
            time.sleep(float(hold))
        with lock:
            closed.append(time.monotonic())
            s.close()
        res[i] = got == msg or got
    except OSError as e:
        res[i] = str(e)
t0 = time.monotonic()
ts = [threading.Thread(target=client, args=(i,)) for i in range(n)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print("%d of %d echoed" % (sum(r is True for r in res), n))
print("elapsed %.2f" % (time.monotonic() - t0))
print("echo waits " + " ".join("%.2f" % t for t in sorted(took)))
if k:
    print("%d echoed while all %d were connected: %s" % (k, k, "yes" if len(met) == k else "no (%d)" % len(met)))
late = [i for t, i in echoed if closed and t > min(closed)]
print("echoed only after a close: %d" % len(late))
for r in res:
    if r is not True:
        print(repr(r))
