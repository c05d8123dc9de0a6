# stdout-never-read.py RUN_CLEAN RECEIVER: runs the UDP RECEIVER with a stdout
# pipe nobody reads, floods it with datagrams, and says whether it ended by
# itself or only with SIGTERM; prints its stderr.
import os, signal, socket, subprocess, sys, time
clean, binary = sys.argv[1], sys.argv[2]
# stdout is a pipe this script never reads: it fills after ~64 KiB.
p = subprocess.Popen([clean, binary, "--port", "0", "--timeout", "2"],
                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE)
port = None
# The port from /proc (ss), since stdout is not read: a wait for the
# receiver's bind(), bounded by the tests' WAIT_SHORT, not by a count of
# tries: 100 of them ran out once, on a machine under a load of 30.
deadline = time.monotonic() + int(os.environ.get("WAIT_SHORT", "30"))
while port is None and p.poll() is None and time.monotonic() < deadline:
    out = subprocess.run(["ss", "-Hulnp"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if "pid=%d," % p.pid in line:
            port = int(line.split()[3].rsplit(":", 1)[1])
    if port is None:
        time.sleep(0.05)
if port is None:
    print("the receiver bound no port: %s" % (
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
