# stdout-never-read.py RUN_CLEAN RECEIVER: runs the UDP RECEIVER with a stdout
# pipe nobody reads once its ready line is there, floods it with
# datagrams, and says whether it ended by itself or only with SIGTERM;
# prints its stderr.
import os, select, signal, socket, subprocess, sys, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts", "lib"))
import ready  # noqa: E402 (the path above first)
clean, binary = sys.argv[1], sys.argv[2]
# stdout is a pipe read up to the ready line only: it fills after ~64 KiB.
p = subprocess.Popen([clean, binary, "--port", "0", "--timeout", "2"],
                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE)
port = None
# The port from its ready line, read as it comes: the receiver's 2 s
# --timeout starts once it has bound and waits, and the first datagram
# must come within them. (Its port had been looked for in ss's list of
# sockets, a process started each time: on a busy machine the receiver's
# 2 s ran out before ss showed it.) Bounded by the tests' WAIT_SHORT.
deadline = time.monotonic() + int(os.environ.get("WAIT_SHORT", "30"))
fd = p.stdout.fileno()
seen = b""
while port is None and time.monotonic() < deadline:
    r, _, _ = select.select([fd], [], [], max(0, deadline - time.monotonic()))
    if not r:
        break
    chunk = os.read(fd, 1)  # a byte at a time: nothing past the line
    if not chunk:
        break  # it ended
    seen += chunk
    if chunk == b"\n":
        port = ready.port_in(seen.decode(errors="replace"))
if port is None:
    print("the receiver printed no ready line: %s" % (
        "it ended, status %d" % p.returncode if p.poll() is not None
        else "still running after %s s" % os.environ.get("WAIT_SHORT", "30")))
    p.kill()
    p.wait()
    print(p.stderr.read().decode(errors="replace"))
    sys.exit(1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(3000):  # far more narration than a pipe holds
    s.sendto(b"x" * 50, ("127.0.0.1", port))
    if i % 200 == 0:
        time.sleep(0.01)
t0 = time.monotonic()
try:
    p.wait(timeout=20)
    print("ended by itself after %.1f s, status %d" % (time.monotonic() - t0, p.returncode))
except subprocess.TimeoutExpired:
    p.send_signal(signal.SIGTERM)  # its handler must not block on stdout
    try:
        p.wait(timeout=5)
        print("stuck, but SIGTERM ended it: status %d" % p.returncode)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        print("stuck even after SIGTERM")
        sys.exit(1)
print(p.stderr.read().decode(errors="replace"))
