"""The checks of an echo client: the checker is its server."""

import signal
import socket
import time

from .checks import (LINE, SEE_RECV0, check, client_crashed, ending,
                     last_line, last_words, short_end)
from .common import LOCAL
from .peers import PeerServer
from .procfs import net_table, show_addr
from .program import Program
from .words import and_list, died_of, plural, python_error, secs, shown


def client_run(run, mode, lines, limit, port=None):
    """Start the checker's server, then the program on its port with lines
    on its standard input; wait at most limit s for it to end."""
    # 'echo': 0.2 s before each echo, so that what the program prints as
    # it sends (its own input) comes before the echo (echoed_after).
    srv = (PeerServer(mode, run.fixed_port or 0, delay=0.2)
           if port is None else None)
    prog = Program(run, port if port is not None else srv.port, lines)
    if srv:
        srv.set_watch(lambda: len(prog.output()))
    run.cleanup.append(srv.close if srv else None)
    t0 = time.monotonic()
    cpu = [0.0]
    deadline = t0 + limit
    while time.monotonic() < deadline and prog.alive():
        cpu[0] = prog.cpu()
        time.sleep(0.02)
    rc = prog.returncode() if not prog.alive() else None
    if rc is None:
        cpu[0] = prog.cpu()
    took = time.monotonic() - t0
    if srv and rc is not None:
        srv.settle()
    return srv, prog, rc, took, cpu[0]


def never_connected(srv, prog, rc, took, cpu, limit):
    socks = prog.socket_map()
    other = [s for s in net_table("tcp") if s.inode in socks and s.rport
             and s.rport != srv.port]
    where = (" It was connected to %s instead." % show_addr(other[0].rip,
                                                             other[0].rport)
             if other else "")
    return ("The program never connected to the checker's server on "
            "127.0.0.1:%d, and %s.%s Does it take the server's port from its "
            "command line ({port})?" % (
                srv.port, ending(prog, rc, took, cpu, limit,
                                 "after its start"), where))


BEFORE_ONLY = (" after the echo came back, only before it (its own input, "
               "it seems)")


@check("echo-client", "one-line", "one line echoed back and printed",
       "with one line on its input, the program sends it, prints the echo "
       "and exits with status 0 within 5 s")
def ec_one_line(run, res):
    limit = 5.0
    srv, prog, rc, took, cpu = client_run(run, "echo", LINE, limit)
    text = prog.output()
    if srv.connections == 0:
        res.failed(never_connected(srv, prog, rc, took, cpu, limit),
                   "never connected")
        return
    # the line printed after its echo came: not the program's own input
    printed = srv.echoed_after(LINE.strip(), text)
    if printed and rc == 0:
        res.passed("The checker's server echoed the line the program sent "
                   "(%s); the program printed it and exited with status 0, "
                   "%s after its start." % (plural(len(srv.received), "byte"),
                                             secs(took)))
        return
    if not srv.received:
        res.failed("The program connected to the checker's server but sent "
                   "nothing, and %s. It should send each line of its input "
                   "(here %s)." % (ending(prog, rc, took, cpu, limit,
                                          "after its start"), shown(LINE)),
                   "sent nothing")
        return
    if not printed:
        res.failed("The checker's server echoed the %s the program sent, but "
                   "the program's output does not show the line %s%s (its "
                   "last line: %s), and it %s." % (
                       plural(len(srv.received), "byte"),
                       shown(LINE.strip()), BEFORE_ONLY
                       if LINE.strip().decode() in text else "",
                       last_words(text),
                       ending(prog, rc, took, cpu, limit,
                              "after its start")),
                   "echo not printed")
        return
    eof = (" In Python, input() raises EOFError at the end of the input: "
           "catch it and finish." if "EOFError" in text else "")
    res.failed("The program printed the echo, but then %s. At the end of its "
               "input a client should finish: lesson 06's client calls "
               "shutdown(SHUT_WR), reads until recv() returns 0, and exits "
               "with status 0.%s" % (ending(prog, rc, took, cpu, limit,
                                            "after its start"), eof),
               "did not finish cleanly at the end of its input")


@check("echo-client", "closes-early", "a server that closes early",
       "with 6 lines on its input, the server echoes the first and closes; "
       "the program ends by itself within 5 s, not by a signal or a "
       "traceback")
def ec_closes_early(run, res):
    limit = 5.0
    lines = b"".join(b"line %d\n" % i for i in range(1, 7))
    srv, prog, rc, took, cpu = client_run(run, "close-early", lines, limit)
    if srv.connections == 0:
        res.failed(never_connected(srv, prog, rc, took, cpu, limit),
                   "never connected")
        return
    said = ("The checker's server echoed the first line and then closed the "
            "connection.")
    how = ending(prog, rc, took, cpu, limit, "later")
    words = last_words(prog.output())
    if not client_crashed(prog, rc):
        status = (" A status other than 0 would tell a script that not "
                  "every line was echoed." if rc == 0 else "")
        res.passed("%s The program ended %s later: it %s%s.%s"
                   % (said, secs(took), how,
                      ", and said %s" % words if words else "", status))
        return
    if rc is not None and died_of(rc, signal.SIGPIPE):
        hint = (" It went on sending to a connection the server had closed: "
                "the first send() draws a RST, the next raises SIGPIPE. Stop "
                "at recv() == 0, and send with MSG_NOSIGNAL: see lesson 06.")
    elif rc is None:
        hint = (" A client must stop when recv() returns 0: the server has "
                "closed and nothing more will come (%s)." % SEE_RECV0)
    else:
        hint = (" Catch the error, say in one line that the server closed "
                "the connection, and exit with status 1 (%s)." % SEE_RECV0)
    res.failed("%s The program %s.%s" % (said, how, hint),
               short_end(prog, rc))


@check("echo-client", "pieces", "a server that sends in pieces",
       "the server sends each echo back in 3 pieces 0.2 s apart; both "
       "lines of input appear whole in the output within 6 s")
def ec_pieces(run, res):
    limit = 6.0
    lines = [b"hello, sockstep", b"second line"]
    srv = PeerServer("pieces", run.fixed_port or 0)
    run.cleanup.append(srv.close)
    prog = Program(run, srv.port, b"".join(ln + b"\n" for ln in lines))
    srv.set_watch(lambda: len(prog.output()))
    want = [ln.decode() for ln in lines]
    # each line printed whole after the last piece of its echo went out:
    # a line the program printed as it sent it (its input) does not count
    text = prog.wait_output(
        lambda t: all(srv.echoed_after(ln, t) for ln in lines), limit)
    if srv.connections == 0:
        rc = prog.returncode() if not prog.alive() else None
        res.failed(never_connected(srv, prog, rc, limit, prog.cpu(), limit),
                   "never connected")
        return
    missing = [w for w, ln in zip(want, lines)
               if not srv.echoed_after(ln, text)]
    if not missing:
        res.passed("The checker's server sent each echo back in 3 pieces, "
                   "0.2 s apart, so a recv() got only part of a line; the "
                   "program printed both lines whole.")
        return
    # The lines of output that show a piece but not a whole line.
    parts = [ln.strip() for ln in text.splitlines()
             if any(len(p) >= 3 and p.strip().decode(errors="replace") in ln
                    for p in srv.pieces)
             and not any(w in ln for w in want)]
    printed = ("; it printed %s" % ", then ".join(shown(p, 40)
                                                   for p in parts[:3])
               if parts else " " + last_line(text))
    res.failed("The checker's server sent each echo back in 3 pieces, 0.2 s "
               "apart, so a recv() got only part of a line; the program's "
               "output does not show %s whole after its echo came%s. Keep "
               "calling recv() until the whole line has come back (lesson "
               "06's client reads until as many bytes came back as it "
               "sent; see the pitfall "
               "\"TCP has no message boundaries\")."
               % (" and ".join(shown(m) for m in missing), printed
                  + ("; it showed %s only before the echo came (its own "
                     "input, it seems)" % and_list(
                         shown(m) for m in missing if m in text)
                     if any(m in text for m in missing) else "")),
               "printed a line in pieces")


@check("echo-client", "refused", "refused connection handled",
       "nothing listens on the port; the program exits with a status other "
       "than 0 within 3 s, not by a signal or a traceback")
def ec_refused(run, res):
    limit = 3.0
    # A bound socket that does not listen: a connect() to it is refused,
    # and no other program can take the port meanwhile.
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        holder.bind((LOCAL, run.fixed_port or 0))
    except OSError as e:
        holder.close()
        res.failed("The checker could not hold port %d for this check: %s."
                   % (run.fixed_port, e.strerror), "port busy")
        return
    run.cleanup.append(holder.close)
    port = holder.getsockname()[1]
    _, prog, rc, took, cpu = client_run(run, None, LINE, limit, port=port)
    said = "Nothing listened on port %d, so the connection was refused." % port
    how = ending(prog, rc, took, cpu, limit, "later")
    words = last_words(prog.output())
    if not client_crashed(prog, rc) and rc != 0:
        res.passed("%s The program %s, %s later%s." % (
            said, how, secs(took), ", saying %s" % words if words else ""))
        return
    if rc == 0:
        hint = (" A script running it cannot tell that it failed: exit with "
                "a status other than 0 when connect() fails (lesson 05: "
                "ECONNREFUSED).")
    elif rc is None:
        hint = (" A refused connection stays refused: say so and exit "
                "(lesson 05: ECONNREFUSED).")
    elif python_error(prog.output()):
        hint = (" Catch the error, say in one line what went wrong, and exit "
                "with status 1 (lesson 05: ECONNREFUSED).")
    else:
        hint = (" Check what connect() returns, say in one line what went "
                "wrong (perror()), and exit with status 1 (lesson 05: "
                "ECONNREFUSED).")
    res.failed("%s The program %s.%s" % (said, how, hint),
               short_end(prog, rc))
