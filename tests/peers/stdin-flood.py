# stdin-flood.py CLIENT PORT: runs CLIENT --port PORT and writes 8 MiB with
# no newline to its stdin; prints MiB sent, the client's peak memory
# (VmHWM, kB) and its exit status.
import subprocess, sys
p = subprocess.Popen([sys.argv[1], "--port", sys.argv[2], "--timeout", "10"],
                     stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
sent = 0
chunk = b"x" * 65536
while sent < 8 << 20:
    p.stdin.write(chunk)
    sent += len(chunk)
hwm = [l for l in open("/proc/%d/status" % p.pid) if l.startswith("VmHWM")]
p.stdin.close()
print("sent %d MiB" % (sent >> 20))
print("peak %d kB" % int(hwm[0].split()[1]))
print("exit %d" % p.wait(20))
