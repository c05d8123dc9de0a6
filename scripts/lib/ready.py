"""scripts/lib/ready.py - a server's ready line, and the wait for it: the
Python twin of scripts/lib/ready.bash (which says what the line is), for
the Python that waits for one (tests/after-ready, docs/runs.sh's peers,
bench/run). The pattern is read from scripts/lib/ready.ere, as the shell
library reads it.

    sys.path.insert(0, "scripts/lib")
    import ready
    port = ready.wait_port(path, 60)   # an int, or None after 60 s
"""

import os
import re
import time

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "ready.ere")) as _f:
    PATTERN = _f.readline().rstrip("\n")
READY = re.compile(PATTERN)


def port_in(text):
    """The port of the first ready line in text, as an int, or None."""
    for line in text.split("\n"):
        if READY.match(line):
            return int(line.rsplit(":", 1)[1])
    return None


def wait_port(path, limit, alive=None, step=0.01):
    """The port of the first ready line in the file path, as soon as it is
    there; None after limit seconds, or once alive() (if given) is false
    and the file still has none. A file not there yet is waited for."""
    end = time.monotonic() + limit
    while True:
        try:
            with open(path, errors="replace") as f:
                port = port_in(f.read())
            if port is not None:
                return port
        except FileNotFoundError:
            pass
        if time.monotonic() >= end:
            return None
        if alive is not None and not alive():
            try:
                with open(path, errors="replace") as f:
                    return port_in(f.read())
            except FileNotFoundError:
                return None
        time.sleep(step)
