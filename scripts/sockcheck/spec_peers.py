"""The checks of a server described by a spec under odd peers: a silent
client, a reset, a half-close, a client gone before the reply (SIGPIPE),
a client that never reads, input that is not what the spec sends (not UTF-8, an empty line, a very
long line), and a restart on the same port. They are registered after
spec_server.py's, in the order they run (restart last)."""

import copy
import fcntl
import select
import socket
import struct
import termios
import threading
import time

from .checks import (GONE_HINT, GONE_REASON, KEPT_OPEN, KEPT_OPEN_REASON,
                     RESET_HINT, SEE_RECV0, Busy, State,
                     after_a_silent_client, could_not_connect, crashed,
                     ended_at_sigpipe, ended_by_itself, killed_by_sigpipe)
from .common import FLOOD_LIMIT, NotReady
from .peers import connect
from .procfs import Sock, calls_of, net_table, send_timeout, tcp_peer
from .program import Program
from .spec import out_of_range, zeroed
from .spec_server import (at_once, has_send, many, spec_check, tcp_server,
                          typed_after_send)
from .spec_talk import (STUCK, accepted, exchange, first_client, one_client,
                        play, serve_next, start, why)
from .words import and_list, plural, python_error, secs, shown



@spec_check("silent-client", "a silent client, then a new client",
            "a client connects and sends nothing for 2 s, then closes; a "
            "second client, connected 0.5 s after it, is served within the "
            "spec's timeout after the silent one left (one client at a time "
            "is fine)", lambda s: tcp_server(s) and many(s))
def sp_silent(run, res):
    prog = start(run)
    spec = run.spec
    silent, err = connect(prog)
    if silent is None:
        could_not_connect(res, err)
        return
    t0 = time.monotonic()
    time.sleep(0.5)
    out = {}

    def second():
        out["r"] = exchange(prog, spec, "The second client")
        out["t"] = time.monotonic()

    t = threading.Thread(target=second, daemon=True)
    t.start()
    t.join(1.5)
    time.sleep(max(0.0, 2.0 - (time.monotonic() - t0)))  # silent for 2 s
    left = time.monotonic()
    silent.close()
    t.join(spec.timeout * (len(spec.steps) + 2))
    said = ("A client connected and sent nothing for 2 s, then closed; a "
            "second client connected 0.5 s after it.")
    ok, words = out.get("r", (False, "The second client was not served."))
    if ok:
        when = ("while the silent client was still connected"
                if out["t"] < left else "%s after the silent one left"
                % secs(out["t"] - left))
        res.passed("%s It was served %s." % (said, when))
        return
    prog.fate()  # waits a little for a program that is ending
    crash = crashed(prog)
    if crash and spec.steps[0][0] == "expect" and (
            "ConnectionReset" in crash + prog.output() or
            "ECONNRESET" in prog.output()):
        # the program spoke first: the silent client left its words
        # unread, and a close() with unread bytes sends a RST
        res.failed("%s %s%s The silent client closed with the program's "
                   "first reply unread, and a close() with bytes unread "
                   "sends a reset: the program's next recv() or send() on "
                   "that socket then fails with ECONNRESET (in Python, "
                   "ConnectionResetError). That is the end of that client "
                   "too, not of the server: catch the error, close that "
                   "socket and go on to the next client." % (
                       said, words, why(prog)),
                   "%s after a silent client" % crash)
        return
    tail, reason = after_a_silent_client(prog, one_client(prog))
    res.failed("%s %s%s" % (said, words, tail), reason)


@spec_check("reset", "a reset mid-exchange, then a new client",
            "a client sends its first line and, once the program has "
            "read it and sleeps again (it has replied, or waits for its "
            "operator: lines are typed after the reset), resets the "
            "connection (SO_LINGER 0); the program stays up and serves "
            "the next client", lambda s: tcp_server(s) and many(s))
def sp_reset(run, res):
    spec = run.spec
    prog, talk = first_client(run, res)
    if talk is None:
        return
    steps = []
    for step in spec.steps:
        steps.append(step)
        if step[0] == "send":
            break
    play(talk, steps, close=False)
    sent = talk.transcript()
    # The RST goes at a defined point, once the program has done with the
    # line (it sleeps again, or has ended): a reply it makes with no
    # operator has been sent, and it meets the reset in its next call on
    # the socket, however fast each side runs. Sent at once, the RST
    # raced that reply: a server met ECONNRESET in send() or in recv() by
    # chance, and ended or spun by chance.
    prog.quiet()
    talk.reset()
    # The operator answers only now, so the RST is sent before the
    # program can send its reply, however fast each side runs: typed
    # before the reset, the reply raced the RST, and a server that looks
    # for errors only where it sends passed or failed by chance.
    typed = typed_after_send(spec)
    play(talk, typed, close=False)
    # what the reset does to it (an end, a traceback) is waited for, not
    # raced: it ends or sleeps again
    time.sleep(0.3)
    prog.quiet()
    said = ("A client connected (%s), then reset the connection (close() "
            "with SO_LINGER 0 sends a RST)%s." % (
                sent, ", and only then did its operator type %s" % and_list(
                    [shown(v, 40) for _, v, _ in typed]) if typed else ""))
    fate = prog.fate()
    if fate and ended_by_itself(prog):
        res.failed(said + one_client(prog) % fate, "ended by itself (status 0)")
        return
    if fate:
        res.failed("%s%s %s" % (said, fate, RESET_HINT),
                   "ended after a reset")
        return
    serve_next(prog, spec, res, said, "next client not served after a reset")


def keeps_open(s):
    """A TCP server that keeps each connection open after its replies
    (close: no): it closes when its client has finished."""
    return tcp_server(s) and s.close == "no" and has_send(s)


@spec_check("half-close", "the client half-closes",
            "a client plays the exchange, then shuts down its sending side "
            "(shutdown(SHUT_WR)); the program closes the connection within "
            "the spec's timeout: its recv() returned 0, the client has "
            "finished; from 0.5 s after the shutdown it must not be running "
            "at half of the checker's looks, nor use half a CPU", keeps_open)
def sp_half_close(run, res):
    spec = run.spec
    prog, talk = first_client(run, res)
    if talk is None:
        return
    trouble = play(talk, close=False)
    if trouble:
        # under a kind, the kind's own check that stands for the
        # exchange plays less of it: say what went wrong here
        from .kinds import KIND_SPEC
        res.not_run("Not run: the exchange did not go as the spec says%s" % (
            " (%s, which the kind %s plays): %s" % (
                KIND_SPEC[run.kind], run.kind, trouble)
            if run.kind in KIND_SPEC else
            " (the exchange check shows it)."), "exchange failed")
        return
    said = ("A client played the exchange (%s), then shut down its "
            "sending side (shutdown(SHUT_WR))." % talk.transcript())
    busy = Busy(prog, settle=0.5)
    talk.c.shutdown()
    t0 = time.monotonic()
    closed, more = talk.eof(spec.timeout)
    took = time.monotonic() - t0
    if not closed:
        busy.at_least(0)  # enough looks to judge a spin by
    busy.stop()
    if closed:
        res.passed("%s The program closed the connection %s later." % (
            said, secs(took)))
        return
    still = "After %s the connection was still open%s" % (
        secs(spec.timeout), ", after %s more" % shown(more, 40)
        if more else "")
    if busy.spins():
        res.failed("%s %s, and the program %s: it spins, calling recv() "
                   "again and again although it returns 0 at once. Stop at "
                   "recv() == 0 and close the socket: %s." % (
                       said, still, busy.words(), SEE_RECV0),
                   "spins after the client's shutdown: %s"
                   % busy.short())
        return
    res.failed("%s %s.%s %s" % (
        said, still, prog.fate() or " The program used %s of CPU: it "
        "waits, it does not spin." % secs(busy.cpu), KEPT_OPEN),
        KEPT_OPEN_REASON)


# Bytes of ours that must wait unread in the program's receive queue when
# the sigpipe check resets the connection: two recv() of 4 KiB and more.
SIGPIPE_QUEUED = 32 << 10
# Where the program's buffers cannot hold SIGPIPE_QUEUED, the least that
# will do: more than two of its recv(4096), after SIGPIPE_TURNS turns of
# flood and read. A program whose queue never holds even that is tried
# for SIGPIPE_TURNS_MAX turns (a generous limit, not a verdict), and
# reset after the last flood.
SIGPIPE_ENOUGH = 2 * 4096 + 1
SIGPIPE_TURNS = 5
SIGPIPE_TURNS_MAX = 30

# What Python raises at a recv() or send() on a connection the peer
# has reset or closed.
RESET_ERRORS = ("ConnectionResetError", "BrokenPipeError",
                "ConnectionAbortedError")


@spec_check("sigpipe", "no death by SIGPIPE",
            "a client sends its requests over and over (1 MiB at most, "
            "reading no reply) until 32 KiB of them wait in the program's "
            "receive queue (if fewer, it reads some replies and sends again; "
            "after 5 turns, or 5 s, 8 KiB will do), then resets the "
            "connection; the program stays up "
            "(no SIGPIPE, no traceback) and serves the next client",
            lambda s: has_send(s) and at_once(s))
def sp_sigpipe(run, res):
    prog = start(run)
    spec = run.spec
    # A small receive buffer: the replies fill it soon, the program stops
    # in send(), our requests wait in its receive queue, and the reset
    # comes while it still has requests to answer.
    c, err = connect(prog, mss=1400, rcvbuf=4096)
    if c is None:
        could_not_connect(res, err)
        return
    request = b"".join(v for k, v, _ in spec.steps if k == "send")
    chunk = request * max(1, 16384 // len(request))
    sent = took = 0
    deadline = time.monotonic() + FLOOD_LIMIT
    ours = c.s.getsockname()[1]
    queued_ = None
    # A loop of recv() then send() dies only if, after the reset, recv()
    # still finds requests twice: the first send() after it fails with
    # ECONNRESET, the next with EPIPE, raising SIGPIPE. With an empty
    # queue recv() fails or returns 0 and the program lives on; so before
    # the reset, some of our bytes must wait in its receive queue (its
    # Recv-Q in ss). If the queue stopped nearly empty, read some replies,
    # so that it reads on, and fill it again. The last turn ends with the
    # flood, never with a read: the program would empty its queue while
    # we read. A program whose receive buffer is smaller than
    # SIGPIPE_QUEUED (as when the machine is short of memory) never
    # holds that much: after SIGPIPE_TURNS turns, or FLOOD_LIMIT, the
    # reset comes once two recv()s' worth waits (SIGPIPE_ENOUGH).
    # Events decide, not the time: every turn floods, even one that
    # begins after FLOOD_LIMIT, and the time ends the turns only with
    # enough queued. (A read that outlasted the 5 s on a busy machine
    # once skipped the last flood, the program emptied its queue, the
    # reset found nothing waiting, and a server that dies of SIGPIPE
    # passed, in CI.) A flood ends when our send() has waited half a
    # second (the program's buffers are full) or at 1 MiB.
    for turn in range(SIGPIPE_TURNS_MAX):
        c.s.settimeout(0.5)
        try:
            while sent < (1 << 20):
                sent += c.s.send(chunk)
        except OSError:  # a timeout: its buffers are full; or it closed
            pass
        peer = tcp_peer(prog.port, ours)
        queued_ = peer.rx_queue if peer else None
        if (queued_ is None or queued_ >= SIGPIPE_QUEUED or sent >= (1 << 20)
                or turn == SIGPIPE_TURNS_MAX - 1):
            break
        if queued_ >= SIGPIPE_ENOUGH and (
                turn >= SIGPIPE_TURNS - 1 or time.monotonic() >= deadline):
            break
        took += len(c.read(256 << 10, 0.5)[0])
    c.reset()
    said = ("A client sent %s, its requests over and over (%s), read %s "
            "of the replies, and reset the connection%s." % (
                plural(sent, "byte"), shown(request, 24),
                "none" if not took else "only %s" % plural(took, "byte"),
                "" if queued_ is None else
                " (%d bytes of ours were still waiting in the program's "
                "receive queue)" % queued_))
    def other():
        err = python_error(prog.output()) or ""
        if ended_by_itself(prog):
            res.failed(said + one_client(prog) % prog.fate(),
                       "ended by itself (status 0)")
        elif err.startswith(RESET_ERRORS):
            # the reset itself: what the echo-server kind's sigpipe says
            return False
        elif crashed(prog):
            res.failed("%s%s Its requests came glued together, as TCP may "
                       "deliver them: check what a client sends before you "
                       "use it, and let an error end that one client, not "
                       "the server." % (said, prog.fate()),
                       "%s after requests over and over" % crashed(prog))
        else:
            return False
        return True
    if ended_at_sigpipe(prog, res, said, other):
        return
    serve_next(prog, spec, res, said, "next client not served")


# A client that never reads, the never-reads check. Every step waits
# for an event, never for a time: the flood goes on until the program
# sits in send() to that client, or sleeps with its bytes unread, or
# closes; then a second client connects. Whether the program may be
# held is told by the socket it is held on: a send() with no send
# timeout (SO_SNDTIMEO 0) waits for good, however fast the machine.
#
# The most the client that never reads sends: enough to fill both sides'
# buffers on loopback several times over.
NEVER_READS_MAX = 64 << 20
# The most the flood goes on while the program still reads (it may be
# slow, on a busy machine): a generous limit, not a verdict.
NEVER_READS_FLOOD = 120.0
# A send() of ours that takes no byte within this: time to look at what
# the program does.
NEVER_READS_LOOK = 0.2
# What the program may read of the flood with nothing sent back before
# the flood ends: a program that answers this client none of it (a chat
# sends a line to the others, not back) cannot be held by a client that
# never reads, and reading 64 MiB through it proves nothing more.
NEVER_READS_UNANSWERED = 1 << 20
# How long the client that never reads stays connected once the second
# client has connected: the time a server that serves clients at once
# (a process or thread each, or poll()) has to serve the second one.
NEVER_READS_HOLD = 15.0
# Once the first client has left (reset), the time the second one waits
# for its replies: generous, as for a program slowed by a busy machine.
NEVER_READS_AFTER = 30.0

NEVER_READS_HINT = (
    "Give each connection a send timeout of a few seconds (SO_SNDTIMEO, "
    "set as the receive timeout is; in Python, settimeout()), and when "
    "send() fails with EAGAIN (or a timeout), end that client and go on "
    "to the next.")


def where(prog, calls, first):
    """Where the program sits, in words, from calls (procfs.Call): the
    call each thread is blocked in and on which connection (first: the
    inode of the program's socket to the first client, or None; '' when
    it cannot be read)."""
    if not calls:
        return ""
    listening = {s.inode for s in prog.listening}
    said = []
    for call in calls:
        if not call.name:
            what = "running (in no system call)"
        elif call.inode is not None and call.inode == first:
            what = "in %s() on the first client's connection" % call.called
        elif call.inode in listening:
            what = "in %s() on its listening socket" % call.called
        elif call.inode is not None:
            what = "in %s() on another client's connection" % call.called
        else:
            what = "in %s()" % call.called
        if what not in said:
            said.append(what)
    return and_list(said)


class Reading:
    """Whether the program still reads what the client that never reads
    sends: look() after each send() of ours that took nothing."""

    def __init__(self, prog, ours):
        self.prog, self.ours, self.last = prog, ours, None

    def look(self):
        """None while the program still reads (its receive queue changes,
        or it runs); else (how, call): "closed", the connection gone;
        "send", call is the thread in a send() on that connection;
        "asleep", every thread sleeps with our bytes unread, twice with
        nothing changed (a program that stopped reading that client: it
        waits for another, or for room to send without a blocking call)."""
        side = tcp_peer(self.prog.port, self.ours)
        if side is None or side.state not in (1, 8):  # ESTABLISHED, CLOSE_WAIT
            return "closed", None
        calls = calls_of(self.prog.pids())
        for call in calls or ():
            if call.sends() and call.inode == side.inode:
                return "send", call
        # (where /proc/PID/syscall cannot be read, the threads' states
        # alone tell a sleeping program)
        now = (side.rx_queue, self.prog.cpu(),
               tuple(sorted(c.line for c in calls or ())))
        quiet = side.rx_queue > 0 and self.prog.waiting() and \
            all(c.name for c in calls or ())
        if quiet and now == self.last:
            return "asleep", None
        self.last = now if quiet else None
        return None


def queued(s, which):
    """Bytes in our socket s's receive queue (termios.FIONREAD) or not
    yet taken from its send queue (termios.TIOCOUTQ, SIOCOUTQ on
    Linux)."""
    return struct.unpack("i", fcntl.ioctl(s.fileno(), which, b"\0" * 4))[0]


class Answers:
    """Whether the program still answers the flood: look() after each
    quarter of NEVER_READS_UNANSWERED sent."""

    def __init__(self, prog, c):
        self.prog, self.c, self.since = prog, c, None

    def look(self, sent):
        """True once the program has read NEVER_READS_UNANSWERED bytes
        while our receive queue stayed as it was and its send queue to us
        empty: nothing of those came back, and nothing waits to."""
        side = tcp_peer(self.prog.port, self.c.s.getsockname()[1])
        if side is None:
            return False
        now = (queued(self.c.s, termios.FIONREAD),
               sent - queued(self.c.s, termios.TIOCOUTQ) - side.rx_queue)
        if side.tx_queue or self.since is None or now[0] != self.since[0]:
            self.since = now
            return False
        return now[1] - self.since[1] >= NEVER_READS_UNANSWERED


def flood(prog, c, request):
    """Send request over and over, reading nothing, until the program
    reads no more (Reading), reads NEVER_READS_UNANSWERED with nothing
    sent back (Answers), NEVER_READS_MAX bytes or NEVER_READS_FLOOD:
    (bytes sent, how it ended: "send", "asleep", "closed", "unanswered"
    or "limit", the Call of a send() it sits in or None)."""
    chunk = request * max(1, 16384 // len(request))
    sent = 0
    deadline = time.monotonic() + NEVER_READS_FLOOD
    c.s.settimeout(NEVER_READS_LOOK)
    reading = Reading(prog, c.s.getsockname()[1])
    answers, ask = Answers(prog, c), 0
    while sent < NEVER_READS_MAX and time.monotonic() < deadline:
        try:
            sent += c.s.send(chunk)
            if sent >= ask:
                if answers.look(sent):
                    return sent, "unanswered", None
                ask = sent + NEVER_READS_UNANSWERED // 4
            continue
        except socket.timeout:
            pass
        except OSError:  # the program closed or reset the connection
            return sent, "closed", None
        seen = reading.look()
        if seen:
            return (sent,) + seen
    return sent, "limit", None


@spec_check("never-reads", "a client that never reads, then a new client",
            "a client sends its requests over and over, reading no reply, "
            "until the program reads no more (it sits in send() to that "
            "client, or sleeps with its requests unread), or has read "
            "1 MiB of them with nothing sent back (64 MiB or 120 s at "
            "most); a second client connects, and the first stays "
            "15 s more; a program held in a send() with no send timeout "
            "(SO_SNDTIMEO, read from its socket) fails; else the second "
            "client is served, while the first stays or within 30 s after "
            "it leaves (reset): one client at a time is fine",
            lambda s: has_send(s) and at_once(s))
def sp_never_reads(run, res):
    prog = start(run)
    spec = run.spec
    c, err = connect(prog)
    if c is None:
        could_not_connect(res, err)
        return
    request = b"".join(v for k, v, _ in spec.steps if k == "send")
    ours = c.s.getsockname()[1]
    sent, how, held = flood(prog, c, request)
    waits = send_timeout(held.pid, held.fd) if held else None
    side = tcp_peer(prog.port, ours)
    first = held.inode if held else side.inode if side else None
    said = ("A client sent %s, its requests over and over (%s), and read "
            "none of the replies%s; a second client connected then." % (
                plural(sent, "byte"), shown(request, 24), {
                    "send": " (the program sat in %s() to it, %s), keeping "
                            "its connection open" % (held and held.called, (
                                "with no send timeout" if waits == 0 else
                                "its send timeout %g s" % waits
                                if waits else "its send timeout unknown")),
                    "asleep": " (the program slept, its requests unread), "
                              "keeping its connection open",
                    "closed": ", until the program closed the connection",
                    "unanswered": "; the program read them as they came, "
                                  "and for the last %s sent it nothing "
                                  "back: no reply it could leave unread" %
                                  plural(NEVER_READS_UNANSWERED, "byte"),
                    "limit": ", keeping its connection open"}[how]))
    patient = copy.copy(spec)
    patient.timeout = NEVER_READS_HOLD + NEVER_READS_AFTER
    out = {}

    def second():
        out["t0"] = time.monotonic()
        out["r"] = exchange(prog, patient, "The second client")
        out["t"] = time.monotonic()

    t = threading.Thread(target=second, daemon=True)
    t.start()
    t.join(NEVER_READS_HOLD)
    if "r" not in out and waits == 0:
        calls = calls_of(prog.pids()) or []
        if any(k.sends() and k.inode == held.inode for k in calls):
            at = where(prog, calls, first)
            c.reset()
            res.failed(
                "%s The second client was not served in the %s the first "
                "stayed: the program was %s all that time. A send() on a "
                "socket with no send timeout waits for good once that "
                "client's window and the program's send buffer are full: "
                "a client that never reads holds the server as long as it "
                "likes, and no other client is served. %s" % (
                    said, secs(NEVER_READS_HOLD), at,
                    NEVER_READS_HINT),
                "stuck on a client that never reads")
            return
    left = None
    if "r" not in out:
        calls = calls_of(prog.pids())
        at_leave = where(prog, calls, first)
        left = time.monotonic()
        c.reset()
        t.join(NEVER_READS_AFTER + NEVER_READS_HOLD * len(spec.steps))
    else:
        c.reset()
    ok, words = out.get("r", (False, "The second client was not served "
                                     "within %s after the first left." %
                                     secs(NEVER_READS_AFTER)))
    if ok:
        if left is None or out["t"] < left:
            res.passed("%s It was served %s after it connected, while the "
                       "first client was still connected." % (
                           said, secs(out["t"] - out["t0"])))
        else:
            res.passed("%s It was served once the first client had left "
                       "(reset), after %s; while that client stayed, the "
                       "program was %s. One client at a time is fine%s." % (
                           said, secs(NEVER_READS_HOLD), at_leave or
                           "not serving it", "; a shorter send timeout "
                           "would serve the next client sooner" if waits and
                           waits >= NEVER_READS_HOLD else ""))
        return
    fate = prog.fate()
    if fate and ended_by_itself(prog):
        res.failed(said + one_client(prog) % fate,
                   "ended by itself (status 0)")
        return
    if fate:
        res.failed("%s %s%s" % (said, words, why(prog)),
                   "ended after a client that never reads")
        return
    now = where(prog, calls_of(prog.pids()), first)
    res.failed("%s %s%s%s" % (
        said, words, " When the first client left, the program was %s." %
        at_leave if left and at_leave else "", " Then it was %s." % now
        if now else ""), "stuck after a client that never reads")


# what a program printed that shows a client's bytes reached its terminal
# as they came: the bytes of the not-utf8 check that no text has
RAW = b"\xff\xfe"
RAW_WORDS = ("Besides, the program printed the client's bytes as they came: "
             "\\xff and \\xfe reached its terminal raw. A client can send "
             "any bytes, a terminal's escape sequences among them (ESC [2J "
             "clears the screen, others retitle the window or rewrite what "
             "a line said): print what a peer sends with its unprintable "
             "bytes escaped (\\xNN), as the lessons do.")


CUT_WORDS = ("Its answer was the first %d of the %d bytes: a datagram "
             "longer than the buffer given to recvfrom() is cut to it, and "
             "the rest is lost without a word. A buffer of 65536 bytes "
             "holds any datagram (or refuse a long one: MSG_TRUNC tells its "
             "real length).")


def noted_after(check):
    """check, and then a NOTE (or, on a failure, a sentence more) when
    the program printed the bytes RAW that the check sent, or answered a
    long datagram with its beginning only."""
    def func(run, res):
        seen = {}
        check(run, res, seen)
        prog = seen.get("prog")
        if prog is None:
            return
        if RAW in prog.out.bytes_since(seen["mark"]):
            words, reason = RAW_WORDS, "a client's bytes printed raw"
        elif seen.get("cut"):
            words = CUT_WORDS % seen["cut"]
            reason = "a datagram cut to %d bytes" % seen["cut"][0]
        else:
            return
        if res.state == State.PASSED:
            res.noted("%s %s" % (res.message, words), reason)
        elif res.state == State.FAILED:
            res.message = "%s %s" % (res.message, words)
    return func


# The calls that wait on many descriptors at once: a thread in one of
# them may be watching any connection.
WATCHERS = ("poll", "ppoll", "select", "pselect6", "epoll_wait",
            "epoll_pwait", "epoll_pwait2")
# How long the program may take to read what a client sent and go
# quiet: generous, for a busy machine; a limit, not a verdict.
QUIET_LIMIT = 30.0


def left_hanging(prog, talk):
    """After a request that got no reply within the spec's timeout, on
    a connection still open: once the program sleeps and nothing changes
    between two looks (an event, QUIET_LIMIT at most), is anyone left to
    answer or close that connection? None when someone may be (a thread
    in a call on it, or in poll() or such), when a reply or the end came
    meanwhile, or when it cannot be told; else what was seen, in words:
    the client waits for ever."""
    if talk.c is None or talk.c.closed:
        return None
    here = talk.c.s.getsockname()[1]
    deadline = time.monotonic() + QUIET_LIMIT
    last = None
    while True:
        side = program_end(prog, here)
        if side is None or side.state != 1:  # ESTABLISHED
            return None  # it closed (or reset): the client sees an end
        calls = calls_of(prog.pids())
        if calls is None:
            return None
        quiet = prog.waiting() and all(c.name for c in calls)
        now = (side.rx_queue, side.tx_queue,
               tuple(sorted(c.line for c in calls)))
        if quiet and now == last:
            break
        last = now if quiet else None
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.1)
    if select.select([talk.c.s], [], [], 0)[0]:
        return None  # an answer (or the end) came after all
    if any(c.inode == side.inode or c.name in WATCHERS for c in calls):
        return None
    holders = prog.socket_map().get(side.inode, [])
    if not holders:
        return None
    in_calls = and_list(sorted({"%s()" % c.called for c in calls}))
    said = ("The connection stayed open with no one "
            "to answer or close it: the program slept in %s, no call of "
            "it on that connection (/proc/PID/syscall), %s of the "
            "client's left unread, though %s still held its socket. The "
            "client waits for ever." % (
                in_calls, plural(side.rx_queue, "byte"), "process %d, the one holding the listening socket,"
                % prog.owner if prog.owner in holders else
                "process %s" % and_list(str(p) for p in holders)))
    return ("%s Either the program lost that socket's descriptor, and so "
            "can neither answer nor close it (what a recv() wrote past the "
            "end of a buffer too small for the request can overwrite the "
            "variable that held it: read a long request in pieces, or "
            "refuse it, and close that client's socket); or it is a "
            "forking server whose parent kept its copy of the client's "
            "socket (a connection ends only when every copy is closed: "
            "close it in the parent after fork(), see lesson 12)." % said)


def malformed(name, title, what, data_of, applies=has_send):
    @spec_check(name, title,
                "a client sends %s%s; the program may refuse it, but must "
                "not crash or hang, and serves the next client%s" % (
                    what, "" if what.startswith("its first line") else
                    " in place of its first line",
                    "; printing them raw is a note" if name == "not-utf8"
                    else ""),
                applies)
    @noted_after
    def func(run, res, seen):
        spec = run.spec
        first = next(v for k, v, _ in spec.steps if k == "send")
        data = data_of(first, spec)
        if spec.newline == "no" and data.endswith(b"\n"):
            data = data[:-1]
        said_what = what.replace(" (60000 for UDP)", "") if \
            spec.proto == "tcp" else what.replace("line of 100000 bytes "
                                                  "(60000 for UDP)",
                                                  "datagram of 60000 bytes")
        prog, talk = first_client(run, res)
        if talk is None:
            return
        seen.update(prog=prog, mark=prog.out.mark())
        before = []
        for step in spec.steps:
            if step[0] == "send":
                break
            before.append(step)
        play(talk, before, close=False)
        talk.send(data)
        play(talk, typed_after_send(spec), close=False)  # its operator's
        # a program that never answers (a UDP receiver) is not waited for
        reply = next((v for k, v, _ in spec.steps[len(before):]
                      if k == "expect"), None)
        got, how = talk.line(spec.timeout, reply) if reply else (None, "")
        hanging = left_hanging(prog, talk) if (
            reply and got is None and how == "timeout" and
            spec.proto == "tcp") else None
        talk.close()
        if spec.proto == "udp" and got and len(got) < len(data) and \
                data.startswith(got.rstrip(b"\n")):
            seen["cut"] = (len(got), len(data))
        answer = ("; it answered %s" % shown(got, 40) if got is not None
                  else "; it closed the connection" if how == "eof"
                  else "; it reset the connection" if how == "reset"
                  else "; nothing came back within %s" % secs(spec.timeout)
                  if how else "")
        said = "A client sent %s (%s)%s." % (said_what, shown(data, 24),
                                              answer)
        time.sleep(0.2)
        fate = prog.fate()
        if spec.clients == 1:  # it may end; it must not crash
            crash = crashed(prog)
            if crash:
                res.failed("%s%s %s" % (said, fate, GONE_HINT if
                                         killed_by_sigpipe(prog) else
                                         "Check what a client sends before "
                                         "you use it: refuse a bad request "
                                         "(a line saying so)."),
                           GONE_REASON if killed_by_sigpipe(prog) else
                           "%s after %s" % (crash, said_what))
            else:
                res.passed("%s%s It did not crash." % (
                    said, fate or " The program was still running."))
            return
        if fate and ended_by_itself(prog):
            res.failed(said + one_client(prog) % fate, "ended by itself (status 0)")
            return
        if hanging and not fate:
            res.failed("%s %s" % (said, hanging),
                       "left the client hanging after %s" % said_what)
            return
        if fate:
            res.failed("%s%s %s" % (said, fate, GONE_HINT if
                                     killed_by_sigpipe(prog) else
                                     "Check what a client sends before you "
                                     "use it: a server refuses a bad request "
                                     "(a line saying so) and goes on with "
                                     "the next client."),
                       GONE_REASON if killed_by_sigpipe(prog) else
                       "ended after %s" % said_what)
            return
        serve_next(prog, spec, res, said,
                   "next client not served after %s" % said_what,
                   " %s: a server must not wait or loop for ever on one "
                   "client's input." % STUCK)
    return func


malformed("not-utf8", "input that is not UTF-8", "bytes that are not UTF-8",
          lambda first, spec: b"caf\xe9 \xff\xfe" + (
              b"" if spec.proto == "udp" else b"\n"))
malformed("empty-line", "an empty line", "an empty line",
          lambda first, spec: b"" if spec.proto == "udp" else b"\n",
          lambda s: has_send(s) and s.newline == "yes")
malformed("long-line", "a very long line",
          "a line of 100000 bytes (60000 for UDP)",
          lambda first, spec: b"A" * (60000 if spec.proto == "udp"
                                      else 100000) + (
              b"" if spec.proto == "udp" else b"\n"))
malformed("out-of-range", "a number out of range",
          "its first line with each number made huge",
          lambda first, spec: out_of_range(first),
          lambda s: has_send(s) and out_of_range(
              next(v for k, v, _ in s.steps if k == "send")) is not None)
malformed("zero", "a zero", "its first line with each number made 0",
          lambda first, spec: zeroed(first),
          lambda s: has_send(s) and zeroed(
              next(v for k, v, _ in s.steps if k == "send")) is not None)


def program_end(prog, here):
    """The program's end of the checker's connection from port here, as
    /proc/net/tcp shows it (a Sock), or None."""
    for s in net_table("tcp", ":" in prog.host):
        if s.port == prog.port and s.rport == here:
            return s
    return None


def read_all(prog, here, limit):
    """Wait, at most limit s, until the program has read every byte the
    connection from port here sent it: True, or False if some are still
    unread. A program ended with bytes unread resets the connection (on
    Linux, close() then sends a RST), and a RST leaves no TIME_WAIT."""
    deadline, pause = time.monotonic() + limit, 0.005
    while True:
        end = program_end(prog, here)
        if end is None or end.rx_queue == 0:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


def left_waiting(prog, ports, limit=1.0):
    """Wait, at most limit s, for the program's end of a connection from
    one of ports to be in TIME_WAIT: True once one is."""
    deadline = time.monotonic() + limit
    while True:
        if any(s.state == Sock.TIME_WAIT and s.port == prog.port and
               s.rport in ports for s in net_table("tcp", ":" in prog.host)):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)


def end_first_run(run, res):
    """A client plays the exchange and stays connected; the program is
    ended, the client closes. (port, trouble, said) when a connection of
    that first run waits in TIME_WAIT (trouble: how the exchange failed,
    or None); None, the check told why, when none could be left so."""
    spec = run.spec
    prog, talk = first_client(run, res)
    port = prog.port
    if talk is None:
        return None
    mine = None
    if talk.c:  # the TIME_WAIT of a first run is what this check is about
        talk.c.reset_after_eof = False
        mine = talk.c.s.getsockname()[1]
    ports = {mine}
    trouble = play(talk, close=False)
    held = None
    if trouble is not None and talk.c and (
            "closed the connection" in trouble or
            "reset the connection" in trouble):
        # The exchange failed, and the program ended that connection
        # already (and a RST leaves no TIME_WAIT): a client that only
        # connects is still connected when the program ends, so the
        # program's end of it is what waits in TIME_WAIT, as after a good
        # exchange.
        held, _ = connect(prog, timeout=spec.timeout)
        if held:
            held.reset_after_eof = False
            ports.add(held.s.getsockname()[1])
            accepted(prog, spec.timeout)
    # Ended with bytes it has not read (the last request, say), the
    # program would reset the connection and leave no TIME_WAIT: whether
    # it had read them would be a matter of timing.
    unread = mine is not None and not read_all(prog, mine, spec.timeout)
    prog.stop()
    talk.eof(1.0)
    talk.close()
    if held:
        held.read(0, 1.0, until_eof=True)
        held.close()
    said = ("A client played the exchange%s and was still connected when "
            "the checker ended the program; then the client closed, and the "
            "checker started the program again on port %d." % (
                "" if trouble is None else " (not to the end%s)" % (
                    "; a second client that sent nothing was connected too"
                    if held else ""), port))
    if mine is None or left_waiting(prog, ports):
        return port, trouble, said
    res.not_run("Not run: the checker could not leave a connection of the "
                "program's first run in TIME_WAIT on port %d, and a restart "
                "shows nothing without one. A client played the exchange%s "
                "and was still connected when the checker ended the "
                "program; then the client closed, but the program's end of "
                "the connection was not in TIME_WAIT: %s" % (
                    port, "" if trouble is None else " (not to the end)",
                    "the program had not read all the client sent within "
                    "%s, and a program that ends with bytes unread resets "
                    "the connection (on Linux), which leaves no TIME_WAIT."
                    % secs(spec.timeout) if unread else
                    "it had gone at once, as after a reset (a RST leaves no "
                    "TIME_WAIT)."),
                "no TIME_WAIT to restart against")
    return None


def not_bound_again(res, said, again, port, e):
    """The second run did not listen (e: NotReady): because of the first
    run's TIME_WAIT (no SO_REUSEADDR), or for a reason of its own."""
    text = again.output()
    waiting = [c for c in net_table("tcp")
               if c.port == port and c.state == Sock.TIME_WAIT]
    saw = "Address already in use" in text or "EADDRINUSE" in text \
        or "Errno 98" in text
    if not saw and not (waiting and e.reason.startswith("ended")):
        res.failed("%s Then: %s" % (said, e), "no restart: %s" % e.reason)
        return
    said_why = ("It could not bind: the port was still in use, by the "
                "connection of its first run in TIME_WAIT." if saw else
                "It %s, while the connection of its first run was in "
                "TIME_WAIT on port %d: a socket without SO_REUSEADDR cannot "
                "bind a port in that state." % (e.reason, port))
    res.failed("%s %s Set SO_REUSEADDR on the listening socket before "
               "bind(), as the lessons do (see lesson 07, and the pitfall "
               "\"Address already in use\"): a server that is restarted "
               "after a crash must get its port back at once."
               % (said, said_why),
               "port in use after a restart (EADDRINUSE)" if saw
               else "ended, its port in TIME_WAIT")


@spec_check("restart", "a restart on the same port",
            "a client plays the exchange and stays connected; once the "
            "program has read all it sent, the program is ended, the client "
            "closes, and the program's end of that connection is in "
            "TIME_WAIT; the program, started again at once on the same port, "
            "listens within the usual wait (SO_REUSEADDR); run even when the "
            "exchange fails; NOT RUN when no TIME_WAIT could be made",
            tcp_server, aside=True)
def sp_restart(run, res):
    first = end_first_run(run, res)
    if first is None:
        return
    port, trouble, said = first
    again = Program(run, port)
    try:
        again.wait_bound("tcp")
    except NotReady as e:
        res.aside = True  # whatever the exchange does
        not_bound_again(res, said, again, port, e)
        return
    ok, words = exchange(again, run.spec, "A client of the second run")
    if ok:
        res.passed("%s It listened again at once, and served a client."
                   % said)
    elif trouble is not None:
        # what a restart is about went well: the exchange fails anyway
        res.passed("%s It listened again at once. %s The client of the "
                   "first run did not get through the exchange either: that "
                   "is not the restart's doing." % (said, words))
    else:
        res.failed("%s It listened again, but: %s" % (said, words),
                   "not served after a restart")
