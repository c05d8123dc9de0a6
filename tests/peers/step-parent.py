# step-parent.py SERVER: runs SERVER --step at a terminal (a pty), answers
# every prompt, and sends one client "hi" once it listens; prints the echo and
# the exit status, and whether the child said it does not step.
import os, pty, select, socket, subprocess, sys, time
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts", "lib"))
import ready  # noqa: E402  the ready line, as every wait reads it
m, s = pty.openpty()
p = subprocess.Popen([sys.argv[1], "--port", "0", "--count", "1",
                      "--timeout", "5", "--step", "--no-color"],
                     stdin=s, stdout=s, stderr=s)
os.close(s)
buf, answered, c, echo, end = b"", 0, None, b"", time.monotonic() + 20
while p.poll() is None and time.monotonic() < end:
    if select.select([m], [], [], 0.05)[0]:
        try:
            buf += os.read(m, 65536)
        except OSError:
            break
    if buf.count(b"[Enter runs it]") > answered:
        answered += 1
        os.write(m, b"\n")
    # A terminal ends its lines with "\r\n".
    port = ready.port_in(buf.decode(errors="replace").replace("\r", ""))
    if port is not None and c is None:
        c = socket.create_connection(("127.0.0.1", port), timeout=5)
        c.sendall(b"hi\n")
        c.shutdown(socket.SHUT_WR)
        c.setblocking(False)
    if c is not None and select.select([c], [], [], 0)[0]:
        echo += c.recv(100)
print("echo %r, exit %s" % (echo, p.wait(5)))
print("child stepped: %s" % (b"--step goes on in the parent only" in buf))
