# sockio: what several peers import (not a peer itself): reading from a
# socket until a condition holds or the other side closes.


def recv_until(s, done=lambda got: False, size=65536):
    """Read from s until done(what came so far) or the end; return it all."""
    got = b""
    while not done(got):
        chunk = s.recv(size)
        if not chunk:
            break
        got += chunk
    return got


def recv_all(s):
    """Everything until the other side closes (or shuts down writing)."""
    return recv_until(s)


def recv_line(s):
    """Until a newline (or the end)."""
    return recv_until(s, lambda got: got.endswith(b"\n"))


def recv_exactly(s, n):
    """Until n bytes have come (or the end)."""
    return recv_until(s, lambda got: len(got) >= n)
