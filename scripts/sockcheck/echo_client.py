"""The checks of an echo client: the checker is its server."""

from .checks import (LINE, UNFINISHED, WHOLE_LINE, check, client_ends,
                     closed_early, ending, last_line, last_words,
                     never_connected, refused_check)
from .common import CLIENT_LIMIT, PIECES_LIMIT
from .peers import NUL_TOO, SIZEOF_WORDS, PeerServer
from .program import Program
from .words import and_list, plural, secs, shown


def client_run(run, mode, lines, limit, port=None):
    """Start the checker's server, then the program on its port with lines
    on its standard input; wait at most limit s for it to end."""
    # 'echo': 0.2 s before each echo, so that what the program prints as
    # it sends (its own input) comes before the echo (echoed_after).
    srv = (PeerServer(mode, run.fixed_port or 0, delay=0.2)
           if port is None else None)
    prog = Program(run, port if port is not None else srv.port, lines)
    prog.wait_started()
    if srv:
        srv.set_watch(lambda: prog.out.settled(0.2))
    run.cleanup.append(srv.close if srv else None)
    return (srv, prog) + client_ends(prog, srv, limit)


BEFORE_ONLY = (" after the echo came back, only before it (its own input, "
               "it seems)")


@check("echo-client", "one-line", "one line echoed back and printed",
       "with one line on its input, the program sends it, prints the echo "
       "and exits with status 0 within 5 s")
def ec_one_line(run, res):
    limit = CLIENT_LIMIT
    srv, prog, rc, took, cpu = client_run(run, "echo", LINE, limit)
    text = prog.output()
    if srv.connections == 0:
        res.failed(never_connected(srv.port, "tcp", prog, rc, took, cpu,
                                   limit),
                   "never connected")
        return
    # the line printed after its echo came: not the program's own input
    printed = srv.echoed_after(LINE.strip(), prog.out.since)
    sent = bytes(srv.received)
    if b"\0" in sent:
        # its input has no NUL: a whole buffer sent, not the line in it
        head, _, rest = sent.partition(b"\0")
        extra = ("a NUL byte (\\0), which its input did not have. The "
                 "program probably %s." % NUL_TOO if not rest else
                 "%s that its input did not have, from a NUL byte (\\0) "
                 "on%s. %s" % (plural(len(rest) + 1, "byte"),
                               " (all NUL)" if not rest.strip(b"\0") else
                               "", SIZEOF_WORDS if rest.strip(b"\0") else
                               "The program probably sends NUL bytes that "
                               "are no part of its text: its whole buffer, "
                               "zeroed (sizeof, or a fixed count), or its "
                               "string's terminating NUL (strlen() + 1), "
                               "perhaps in a loop."))
        res.failed("The program sent the checker's server %s for its one "
                   "line of input, %s (%s): %s, then %s"
                   % (plural(len(sent), "byte"), shown(LINE),
                      plural(len(LINE), "byte"), shown(head, 24), extra),
                   "sent %d bytes for a line of %d" % (len(sent), len(LINE)))
        return
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
               UNFINISHED)


@check("echo-client", "closes-early", "a server that closes early",
       "with 6 lines on its input, the server echoes the first and closes; "
       "the program sent that line, and ends by itself within 5 s, not by "
       "a signal or a traceback")
def ec_closes_early(run, res):
    limit = CLIENT_LIMIT
    lines = b"".join(b"line %d\n" % i for i in range(1, 7))
    srv, prog, rc, took, cpu = client_run(run, "close-early", lines, limit)
    if srv.connections == 0:
        res.failed(never_connected(srv.port, "tcp", prog, rc, took, cpu,
                                   limit),
                   "never connected")
        return
    if not srv.received:  # no line came: none was echoed, none closed
        res.failed("The program connected to the checker's server but sent "
                   "nothing, so the server had no line to echo, and did not "
                   "close early; the program %s. It should "
                   "send each line of its input (here 6 lines, from %s)."
                   % (ending(prog, rc, took, cpu, limit, "after its start"),
                      shown(lines[:7])),
                   "sent nothing")
        return
    first = lines[:lines.index(b"\n")]
    got = bytes(srv.received)
    # (what it sends before its input, a greeting, may be all the
    # server took before it closed: only a program that read none of
    # its input surely never sent it)
    if first not in got and prog.input_left() == len(lines):
        res.failed("The program sent %s, and never read its input, whose "
                   "first line was %s; it %s. It should send each line of "
                   "its input." % (
                       shown(got, 40), shown(first + b"\n"),
                       ending(prog, rc, took, cpu, limit, "after its start")),
                   "did not send its first line")
        return
    said = ("The checker's server echoed the first line and then closed the "
            "connection.")
    closed_early(res, said, prog, rc, took, cpu, limit)


@check("echo-client", "pieces", "a server that sends in pieces",
       "the server sends each echo back in 3 pieces 0.2 s apart; both "
       "lines of input appear whole in the output within 6 s")
def ec_pieces(run, res):
    limit = PIECES_LIMIT
    lines = [b"hello, sockstep", b"second line"]
    srv = PeerServer("pieces", run.fixed_port or 0)
    run.cleanup.append(srv.close)
    prog = Program(run, srv.port, b"".join(ln + b"\n" for ln in lines))
    srv.set_watch(lambda: prog.out.settled(0.2))
    prog.wait_started()
    want = [ln.decode() for ln in lines]
    # each line printed whole after the last piece of its echo went out:
    # a line the program printed as it sent it (its input) does not count
    text = prog.wait_output(
        lambda _: all(srv.echoed_after(ln, prog.out.since) for ln in lines),
        limit)
    if srv.connections == 0:
        rc = prog.returncode() if not prog.alive() else None
        res.failed(never_connected(srv.port, "tcp", prog, rc, limit,
                                   prog.cpu(), limit),
                   "never connected")
        return
    missing = [w for w, ln in zip(want, lines)
               if not srv.echoed_after(ln, prog.out.since)]
    if not srv.received:  # no echo came, in pieces or whole
        res.failed("The checker's server was to send each echo back in 3 "
                   "pieces, 0.2 s apart, but the program sent nothing, so "
                   "no echo came. It should send each line of its input "
                   "(here %s)." % " and ".join(shown(ln + b"\n")
                                              for ln in lines),
                   "sent nothing")
        return
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
               "output does not show %s whole after its echo came%s. %s"
               % (" and ".join(shown(m) for m in missing), printed
                  + ("; it showed %s only before the echo came (its own "
                     "input, it seems)" % and_list(
                         shown(m) for m in missing if m in text)
                     if any(m in text for m in missing) else ""),
                  WHOLE_LINE),
               "printed a line in pieces")


@check("echo-client", "refused", "refused connection handled",
       "nothing listens on the port; the program exits with a status other "
       "than 0 within 3 s, not by a signal or a traceback")
def ec_refused(run, res):
    def start(port, limit):
        return client_run(run, None, LINE, limit, port=port)[1:]
    refused_check(run, res, start)
