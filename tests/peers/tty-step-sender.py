# tty-step-sender.py SENDER PORT [DONE]: runs SENDER --step --port PORT at
# a terminal (a pty), types two lines at the first prompt, then Enter at
# each prompt, and Ctrl-D once it has printed DONE (default "datagram 2:");
# prints the exit status, "kept", and all it printed.
import os, pty, select, sys, time
binary, port = sys.argv[1], sys.argv[2]
done = (sys.argv[3] if len(sys.argv) > 3 else "datagram 2:").encode()
pid, fd = pty.fork()
if pid == 0:
    os.execv(binary, [binary, "--step", "--port", port, "--timeout", "2"])
out = b""
def more(wait):
    """Read what the lesson printed; None once the terminal is gone."""
    global out
    if not select.select([fd], [], [], wait)[0]:
        return b""
    try:
        return os.read(fd, 4096) or None
    except OSError:
        return None
# Type two lines at the first prompt (without --step: once it waits).
deadline = time.time() + 20
while b"Enter runs it" not in out and time.time() < deadline:
    d = more(1.0)
    if not d:
        break
    out += d
os.write(fd, b"first\nsecond\n")
# Then Enter at every prompt; once the second datagram is sent, Ctrl-D
# ends the input (the lesson waits for a person's next line for ever).
answered, ended = 0, False
while time.time() < deadline:
    d = more(0.2)
    if d is None:
        break
    out += d
    if not ended and done in out:
        os.write(fd, b"\x04")
        ended = True
    while answered < out.count(b"Enter runs it"):
        os.write(fd, b"\n")
        answered += 1
_, status = os.waitpid(pid, 0)
print("exit", os.WEXITSTATUS(status))
print("kept" if b"kept for the program" in out else "no prompt")
print(out.decode(errors="replace"))
