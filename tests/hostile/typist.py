"""A person at a terminal, for the tests.

    python3 typist.py SCRIPT CMD [ARG...]

runs CMD with a pseudo-terminal as its standard input, its standard output
and error copied to ours, and follows SCRIPT: steps split at "|", each one
of
    TEXT        type TEXT and Enter (0.15 s after the step before)
    ~           type Ctrl-D (end of input)
    ?TEXT       wait until CMD's output holds TEXT
    @FILE@TEXT  wait until the file FILE holds TEXT
    !SECONDS    pause, as a person thinking
A wait gives up after 30 s. At the end it waits (at most 20 s) for CMD and
prints "exit N" (N is -9 if CMD had to be killed).
"""
import os
import pty
import subprocess
import sys
import threading
import time

seen = bytearray()
lock = threading.Lock()


def copy(src):
    while True:
        b = os.read(src, 65536)
        if not b:
            break
        with lock:
            seen.extend(b)
        sys.stdout.buffer.write(b)
        sys.stdout.buffer.flush()


def wait_for(text, read):
    end = time.monotonic() + 30
    while time.monotonic() < end:
        if text.encode() in read():
            return
        time.sleep(0.05)
    sys.stdout.write("typist.py: gave up waiting for %r\n" % text)


def read_file(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return b""


def main():
    m, s = pty.openpty()
    r, w = os.pipe()
    p = subprocess.Popen(sys.argv[2:], stdin=s, stdout=w, stderr=w)
    os.close(s)
    os.close(w)
    t = threading.Thread(target=copy, args=(r,))
    t.start()
    for step in [x for x in sys.argv[1].split("|") if x]:
        if step.startswith("?"):
            wait_for(step[1:], lambda: bytes(seen))
        elif step.startswith("@"):
            path, text = step[1:].split("@", 1)
            wait_for(text, lambda: read_file(path))
        elif step.startswith("!"):
            time.sleep(float(step[1:]))
        else:
            time.sleep(0.15)
            os.write(m, b"\x04" if step == "~" else step.encode() + b"\n")
    try:
        rc = p.wait(20)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = p.wait()
    t.join(5)
    print("exit", rc, flush=True)


main()
