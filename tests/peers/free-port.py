# free-port.py [tcp|udp] [ADDR]: prints a port of ADDR (127.0.0.1 unless
# given; "::1" for IPv6) that a TCP (or UDP) socket bound a moment ago,
# then closed. The port is below the kernel's range of ephemeral ports
# (net.ipv4.ip_local_port_range), where no connect() takes its local port:
# a port that bind(0) chose could become the local port of another test's
# connection before the test's server binds it, and then stay in TIME_WAIT
# for a minute. (scripts/sockcheck/procfs.py's free_port() does the same.)
import random, socket, sys
kind = socket.SOCK_DGRAM if sys.argv[1:2] == ["udp"] else socket.SOCK_STREAM
addr = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
family = socket.AF_INET6 if ":" in addr else socket.AF_INET
try:
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        low = int(f.read().split()[0])
except (OSError, ValueError, IndexError):
    low = 0
tries = random.sample(range(10000, low), 64) if low > 11000 else []
for port in tries + [0]:
    s = socket.socket(family, kind)
    try:
        s.bind((addr, port))
    except OSError:
        s.close()
        continue
    print(s.getsockname()[1])
    s.close()
    sys.exit(0)
sys.exit("free-port.py: no free port on %s" % addr)
