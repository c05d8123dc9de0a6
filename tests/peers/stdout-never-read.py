# stdout-never-read.py RUN_CLEAN RECEIVER: runs the UDP RECEIVER with a stdout
# pipe nobody reads, floods it with datagrams, and says whether it ended by
# itself or only with SIGTERM; prints its stderr.
import signal, socket, subprocess, sys, time
clean, binary = sys.argv[1], sys.argv[2]
# stdout is a pipe this script never reads: it fills after ~64 KiB.
p = subprocess.Popen([clean, binary, "--port", "0", "--timeout", "2"],
                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE)
port = None
for _ in range(100):  # the port from /proc, since stdout is not read
    out = subprocess.run(["ss", "-Hulnp"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if "pid=%d," % p.pid in line:
            port = int(line.split()[3].rsplit(":", 1)[1])
    if port:
        break
    time.sleep(0.05)
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
