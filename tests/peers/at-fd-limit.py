# at-fd-limit.py LIMIT FREE SERVED PROGRAM ARGS...: run a TCP server
# with its descriptor limit at LIMIT (soft and hard; a server that raises
# its soft limit to the hard one gets no more; with FREE "raise", the
# soft limit only), and crowd it.
#
# Client a connects first and is served, unless FREE is "raise" (then
# the limit leaves no room even for a, and a is the one that waits).
# Client b connects when the server is full: accept() fails with EMFILE
# and b waits in the kernel's queue. Once the first "accept: Too many
# open files" line is out, the script counts such lines for two seconds:
# a server that calls accept() again at once prints thousands, one that
# waits prints a handful (a slower machine prints fewer). Then it frees a
# descriptor (FREE "close": a leaves; "raise": the soft limit goes up to
# 64, for a server that holds no client's descriptor) and waits until
# the waiting client is served.
#
# SERVED says how a client is seen served: "echo" (it sends a line and
# gets it back), "line" (it gets a line), or a regular expression for
# the server's line when it takes a client ("^fd [0-9]+ joined$"). The
# server's ready line names ADDR:PORT (TCP) or the path of a Unix
# domain socket. Prints one line per stage; the
# count is on the line "accept failures in 2 s: N".
import re, resource, socket, subprocess, sys, threading, time

limit, free, served = int(sys.argv[1]), sys.argv[2], sys.argv[3]
WAIT = 30  # seconds, for each thing waited for
fail_re = re.compile(rb"^accept: Too many open files")
joined_re = None if served in ("echo", "line") else re.compile(
    served.encode())
lines, fails, joined = [], [0], [0]
server = subprocess.Popen(
    ["bash", "-c", 'ulimit -%sn "$0" && exec "$@"' % (
        "S" if free == "raise" else ""), str(limit)] + sys.argv[4:],
    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
    stderr=subprocess.STDOUT)


def read():
    for line in server.stdout:
        if fail_re.match(line):
            fails[0] += 1
            continue
        if joined_re is not None and joined_re.search(line):
            joined[0] += 1
        if len(lines) < 10000:
            lines.append(line)


def until(what, test):
    end = time.monotonic() + WAIT
    while not test():
        if time.monotonic() > end or server.poll() is not None:
            server.kill()
            sys.exit("no %s within %d s; the server said:\n%s" % (
                what, WAIT, b"".join(lines[-40:]).decode(errors="replace")))
        time.sleep(0.05)


def ready_port():
    for line in lines:
        m = re.match(rb"listening on ([0-9.]+:([0-9]+)|/.*)$", line.strip())
        if m:
            return int(m.group(2)) if m.group(2) else m.group(1)
    return None


def client(name):
    if isinstance(port, bytes):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(WAIT)
        s.connect(port)
    else:
        s = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
    if served == "echo":
        s.sendall(name + b"\n")
    return s


def is_served(s, name, n):
    """s (the n-th client to be taken, sending NAME) is served."""
    if joined_re is not None:
        until("line /%s/ for client %d" % (served, n),
              lambda: joined[0] >= n)
        return
    got = b""
    while not got.endswith(b"\n"):
        piece = s.recv(100)
        if not piece:
            break
        got += piece
    if got != name + b"\n" and (served == "echo" or got == b""):
        sys.exit("a client got %r" % got)


def main():
    global port
    until("ready line", lambda: ready_port() is not None)
    port = ready_port()
    taken = 0
    if free == "close":
        a = client(b"a")
        taken += 1
        is_served(a, b"a", taken)
        print("a served")
        b = client(b"b")
    else:
        b = client(b"b")
    until("accept() failure", lambda: fails[0] > 0)
    first = fails[0]
    time.sleep(2)
    print("accept failures in 2 s:", fails[0] - first)
    if joined_re is None:
        b.setblocking(False)
        try:
            b.recv(100)  # data, or closed: not waiting
            waits = False
        except BlockingIOError:
            waits = True
        b.settimeout(WAIT)
    else:
        waits = joined[0] == taken
    print("b waits:", waits)
    if free == "close":
        a.close()
    else:
        hard = resource.prlimit(server.pid, resource.RLIMIT_NOFILE)[1]
        resource.prlimit(server.pid, resource.RLIMIT_NOFILE, (64, hard))
    is_served(b, b"b", taken + 1)
    print("b served once a descriptor was free")


threading.Thread(target=read, daemon=True).start()
try:
    main()
finally:
    server.terminate()  # SIGTERM: the Unix server removes its file
    try:
        server.wait(WAIT)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
