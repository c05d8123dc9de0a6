"""The checks: the registry that the modules of each kind fill
(echo_server, echo_client, udp_receiver, udp_sender: the @check
decorator, in the order the checks run), each check's Result, and what
the checks of more than one kind share."""

import enum
import ipaddress
import re
import signal
import socket
import threading
import time

from .common import KINDS, SPIN_SHARE
from .common import LOCAL, REFUSED_LIMIT, SECOND_BIND_WAIT, SIGPIPE_LIMIT
from .procfs import is_loopback, net_table, proc_stat, show_addr
from .program import Program
from .words import (and_list, crash_report, describe_status, died_of,
                    ended_well, not_connected, plural, python_error,
                    sanitizer_error, secs, shown, signal_name)


class State(enum.Enum):
    """What a check's result says: a Result is in exactly one of these."""
    UNDECIDED = "undecided"  # the check has not said yet
    PASSED = "passed"
    NOTED = "noted"          # passed, with something worth knowing
    FAILED = "failed"
    NOT_RUN = "not run"      # this check alone could not be made here
    SKIPPED = "skipped"      # not run: an earlier check could not start it


# the word a report prints for each state; a check that reached no
# verdict is a failure (the runner makes it one, and says so)
LABELS = {State.UNDECIDED: "FAIL", State.PASSED: "PASS",
          State.NOTED: "NOTE", State.FAILED: "FAIL",
          State.NOT_RUN: "NOT RUN", State.SKIPPED: "NOT RUN"}


class Result:
    def __init__(self, check):
        self.check = check
        self.state = State.UNDECIDED
        self.keep_going = False  # failed, but the checks after it run
        # its verdict holds whatever the spec's exchange does (zombies
        # counted, a port taken again): kept when that exchange fails
        self.aside = False
        self.message = ""
        self.reason = ""
        self.output = []
        self.trace = []
        self.narration = []
        self.seconds = 0.0

    @property
    def ok(self):
        """PASS or NOTE: counts as passed."""
        return self.state in (State.PASSED, State.NOTED)

    @property
    def ran(self):
        """False when NOT RUN (neither a pass nor a failure)."""
        return self.state not in (State.NOT_RUN, State.SKIPPED)

    def passed(self, message):
        self.state, self.message = State.PASSED, message

    def failed(self, message, reason):
        self.state, self.message, self.reason = State.FAILED, message, reason

    def not_run(self, message, reason):
        """This check alone could not be made here (the others were):
        NOT RUN, neither a pass nor a failure."""
        self.state, self.message, self.reason = State.NOT_RUN, message, reason

    def skip(self, message):
        """NOT RUN because an earlier check could not start the program:
        the report says it once for all the checks after that one."""
        self.state, self.message, self.reason = State.SKIPPED, message, \
            "not run"

    def noted(self, message, reason):
        """A pass that the reader should know about (NOTE, not FAIL)."""
        self.state, self.message, self.reason = State.NOTED, message, reason

    def status(self):
        """PASS, NOTE, FAIL or NOT RUN."""
        return LABELS[self.state]


class Check:
    """A check: its kind ("spec" for a spec's), name, title, rule (what
    it does and asks, for --list) and func(run, res). A spec's check
    also says which specs it fits (applies(spec)), whether the checks
    after it are not run when it fails (fatal: why not), and whether it
    runs after a failed exchange (aside)."""

    def __init__(self, kind, name, title, rule, func,
                 applies=lambda spec: True, fatal=None, aside=False):
        self.kind, self.name, self.title = kind, name, title
        self.rule, self.func = rule, func
        self.applies, self.fatal, self.aside = applies, fatal, aside


CHECKS = {kind: [] for kind in KINDS}


# The checks of a kind's spec (kinds.py) that the kind's own checks make
# under other names: {kind: {the spec's check: the kind's}}.
OWN = {
    "echo-server": {"bind": "loopback", "exchange": "one-line",
                    "in-turn": "twenty-clients"},
    "echo-client": {"exchange": "one-line"},
    # long-line: a long datagram, then the next, as truncated sends
    "udp-receiver": {"bind": "loopback", "exchange": "datagram",
                     "empty-line": "empty", "long-line": "truncated"},
    # no-reply: a receiver that never answers, and the program ends by
    # itself, which lines asks too
    "udp-sender": {"exchange": "lines", "no-reply": "lines"},
}


def named(run, name):
    """The name the check a sentence points to has in this run: a spec
    check's own, or the kind's check that makes it."""
    return OWN.get(run.kind, {}).get(name, name)


def check(kind, name, title, rule):
    def register(func):
        CHECKS[kind].append(Check(kind, name, title, rule, func))
        return func
    return register


LINE = b"hello, sockstep\n"
SEE_RECV0 = "see lesson 06: recv() == 0"


def loopback_check(run, res, proto, strict=False, spec=False):
    """The addresses the program has bound: loopback only passes. A wider
    one (0.0.0.0 or ::, or another address of this machine) is a NOTE that
    says what it means and how to keep the program to this machine; a FAIL
    only when strict (a spec's 'bind: loopback'). spec: the words say the
    spec allows it. Shared by the echo-server and udp-receiver kinds and
    the specs' bind check."""
    prog = Program(run, run.port_for(proto))
    prog.wait_bound(proto)
    time.sleep(SECOND_BIND_WAIT)
    socks = prog.bound_sockets()
    outside = [s for s in socks if not is_loopback(s.ip)]
    verb = "listened on" if proto == "tcp" else "was bound to"
    where = ", ".join("%s (%s)" % (s.where(), s.proto.rstrip("6"))
                      for s in socks)
    if not outside:
        res.passed("The program %s %s and no other address: nothing "
                   "outside this machine could reach it while it was "
                   "checked." % (verb, where))
        return
    reason = "bound to %s" % ", ".join(s.where() for s in outside)
    if strict:
        res.failed(
            "The program %s %s: any network this machine is on can reach "
            "%s, so other machines could have connected while it was "
            "checked (the checker itself used only loopback). The spec "
            "asks for loopback only (bind: loopback): bind 127.0.0.1, as "
            "the lessons do by default: see lesson 02 and the pitfall "
            "\"Binding 0.0.0.0 versus 127.0.0.1\"."
            % (verb, and_list(s.where() for s in outside),
               "it" if len(outside) == 1 else "them"), reason)
        return
    res.noted(wider_words(outside, proto, spec), reason)


def wider_words(outside, proto, spec=False):
    """The note on sockets bound wider than loopback: what it means, and
    how to keep the program to this machine."""
    verb = "listens on" if proto == "tcp" else "is bound to"
    anywhere = [s for s in outside
                if ipaddress.ip_address(s.ip).is_unspecified]
    named = [s for s in outside if s not in anywhere]
    local = "::1" if all(":" in s.ip for s in outside) else "127.0.0.1"
    said = []
    if anywhere:
        said.append("The program %s %s: every address of this machine, so "
                    "other machines on its networks can reach it."
                    % (verb, and_list(s.where() for s in anywhere)))
    if named:
        one = len(named) == 1
        said.append("The program %s %s, %s of this machine that %s not "
                    "loopback: any machine whose packets reach %s can "
                    "connect, from whatever network. If %s written "
                    "in the program, it runs only where %s: take %s "
                    "from the command line."
                    % (verb if not anywhere else "also " + verb,
                       and_list(s.where() for s in named),
                       "an address" if one else "addresses",
                       "is" if one else "are",
                       "it" if one else "them",
                       "that address is" if one else "they are",
                       "it exists" if one else "they exist",
                       "it" if one else "them"))
    said.append("That is what a server for other machines needs%s. To keep "
                "it to this machine, bind %s (in Python, bind((\"%s\", "
                "port)); see lesson 02 and the pitfall \"Binding 0.0.0.0 "
                "versus 127.0.0.1\")." % (", and the spec allows it"
                                          if spec else "", local, local))
    return " ".join(said)


CALL_RE = re.compile(r"^[a-z_0-9]+\(.*\) = ")  # narration: "close(3) = 0"
SAYS_RE = re.compile(r"refused|closed|reset|error|broken|pipe|timed? ?out|"
                     r"gives? up|fail|cannot|can't|lost", re.I)


def last_words(text):
    """What the program said last, shown: the last line that says what
    happened (refused, closed, an error...), else its last line; not the
    indented or strace-like lines a narrating program prints."""
    lines = [ln.rstrip() for ln in text.splitlines() if ln.strip()]
    plain = [ln for ln in lines if not ln[0].isspace()
             and not CALL_RE.match(ln)]
    says = [ln for ln in plain if SAYS_RE.search(ln)]
    pick = says or plain or lines
    return shown(pick[-1].strip(), 80) if pick else None


def last_line(text):
    """'(its last line: "...")', or '(it printed nothing)'."""
    words = last_words(text)
    return "(its last line: %s)" % words if words else "(it printed nothing)"


def short_end(prog, rc):
    """A few words on how a client ended, for the reason."""
    if rc is None and left_running(prog) is not None:
        return "left a process running"
    if rc is None:
        return "hangs"
    err = python_error(prog.output())
    if err:
        return "Python traceback (%s)" % err.split(":")[0]
    if sanitizer_error(prog.output()):
        return "sanitizer error"
    return describe_status(rc)


def left_running(prog):
    """For a program still running (or ended by the checker), the status
    the process the checker started had ended with by itself, while a
    process it started went on (in a session of its own, say); or None.
    Its end by the checker's own signals, before some of a check's
    sentences are written, is not one."""
    if prog.stopped:
        return prog.ended_before_stop
    return prog.returncode()


def ending(prog, rc, took, cpu, limit, stage):
    """Sentence: how a client ended (or did not)."""
    if rc is None:
        spin = (", using %s of CPU: it spins" % secs(cpu)
                if cpu > SPIN_SHARE * limit else "")
        first = left_running(prog)
        if first is not None:
            return ("%s; a process it started was still running %s "
                    "%s%s" % (describe_status(first), secs(limit), stage,
                              spin))
        return "was still running %s %s%s" % (secs(limit), stage, spin)
    what = describe_status(rc)
    err = crash_report(prog.output())
    return what + " after %s" % err if err else what


def client_crashed(prog, rc):
    return rc is None or rc < 0 or (rc > 128 and rc - 128 < 65) or bool(
        python_error(prog.output()) or sanitizer_error(prog.output()))


# The looks (one every 20 ms, or less often on a loaded machine) that
# Busy.spins() needs before it calls a program spinning.
LOOKS = 10


class Busy:
    """How busy the program is over a window: the CPU time it used, and how
    often, when the checker looked (every 20 ms), one of its processes was
    running or ready to run (state R in /proc/PID/stat). The second does
    not depend on how loaded the machine is: a program that spins is
    always ready to run, even when it gets little of a CPU; a program that
    waits in recv() or accept() is asleep (state S). Nothing is counted
    in the first `settle` seconds: closing, printing, narrating."""

    def __init__(self, prog, settle=0.0):
        self.prog = prog
        self.settle = settle
        self.looks = self.running = 0
        self.cpu0 = None
        self.t0 = time.monotonic() + settle
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self):
        if self.done.wait(self.settle):
            return
        self.cpu0 = self.prog.cpu_snapshot()
        pids, fresh = [], 0.0
        while not self.done.wait(0.02):
            now = time.monotonic()
            if now - fresh > 0.25:
                pids, fresh = self.prog.pids(), now
            states = [(proc_stat(p) or {}).get("state") for p in pids]
            self.looks += 1
            self.running += "R" in states

    def at_least(self, seconds, limit=10.0):
        """Wait seconds, then until the checker has looked LOOKS times:
        on a loaded machine it looks less often than every 20 ms, and
        spins() judges nothing from fewer looks (limit seconds at most,
        for a checker that gets no CPU at all)."""
        start = time.monotonic()
        while True:
            now = time.monotonic() - start
            if now >= limit or (now >= seconds and self.looks >= LOOKS):
                return
            time.sleep(0.02)

    def stop(self):
        self.done.set()
        self.thread.join(2)
        self.span = max(0.0, time.monotonic() - self.t0)
        self.cpu = (self.prog.cpu_since(self.cpu0)
                    if self.cpu0 is not None else 0.0)
        self.share = self.running / self.looks if self.looks else 0.0
        return self

    def spins(self):
        return self.prog.alive() and self.looks >= LOOKS and (
            self.share >= 0.5 or self.cpu >= 0.5 * self.span)

    def short(self):
        """A spin in a few words (a row's notes): the CPU it used, and the
        looks that found it ready to run. Both, always: which of the two
        made it a spin depends on how busy the machine was, and a row's
        words must not (only its figures may)."""
        return "%s of CPU in %s, and ready to run at %d%% of %d looks" % (
            secs(self.cpu), secs(self.span), round(100 * self.share),
            self.looks)

    def words(self):
        return ("used %s of CPU in %s and was running or ready to run at "
                "%d%% of the checker's %d looks" % (
                    secs(self.cpu), secs(self.span),
                    round(100 * self.share), self.looks))


# ---- what the server checks of a kind and of a spec both say -------------

# A server that ended when a client reset its connection.
RESET_HINT = ("A reset ends that one connection: recv() or send() fails "
              "with ECONNRESET or EPIPE, and the server closes that socket "
              "and goes on with the next client (see lesson 06, and the "
              "pitfall \"SIGPIPE\").")
# A server killed by SIGPIPE when a client had gone: whatever the check
# sent it, its send() to that client's closed socket is what ended it.
GONE_HINT = ("It sent to a client's socket after that client had closed "
             "it. When recv() returns 0 the client has left: close that "
             "socket and accept the next, and send with MSG_NOSIGNAL (or "
             "ignore SIGPIPE), so that a send() to a client that has gone "
             "fails with EPIPE instead of ending the server (see lesson 06, "
             "and the pitfall \"SIGPIPE\").")
GONE_REASON = "killed by SIGPIPE after a client left"
# Reasons (a verdict's short form, in the CSV) that checks of more than
# one kind give.
NOT_SERVED = "not measured: first client not served"
UNFINISHED = "did not finish cleanly at the end of its input"


def killed_by_sigpipe(prog):
    """Did the program end killed by SIGPIPE (or a shell's 141)?"""
    rc = prog.returncode()
    return rc is not None and died_of(rc, signal.SIGPIPE)


# A server that did not serve the client after a silent one.
SILENT_HINT = ("A server must not wait for ever for one client: when that "
               "client leaves, recv() returns 0, and the server closes that "
               "socket and accepts the next client (lesson 06; its server "
               "also gives up on a silent client after --timeout seconds).")
# A server that crashed when a silent client left: it took the end of
# the connection for a request.
SILENT_CRASH = ("A client that leaves without a word makes recv() return 0 "
                "(no bytes): that is the end of that client, not a request "
                "to use.")
# A server that ended by itself, with status 0, after a client (%s: how
# it ended).
ONE_CLIENT = ("%s It ended by itself, with no error: it serves a client "
              "and stops. A server serves one client after another until it "
              "is stopped: accept() in a loop (lessons 04 and 06).")


def ended_by_itself(prog):
    """It has ended with status 0, printing no traceback (waiting a
    little, as fate() does, for a program that is exiting)."""
    if not prog.fate():
        return False
    text = prog.output()
    return prog.returncode() == 0 and not (python_error(text) or
                                           sanitizer_error(text))


def crashed(prog):
    """'killed by SIGSEGV' or 'traceback' when it crashed, else ''."""
    text = prog.output()
    if python_error(text):
        return "traceback"
    if sanitizer_error(text):
        return "sanitizer error"
    rc = prog.returncode()
    if rc is not None and rc < 0:
        return "killed by %s" % signal_name(-rc)
    return ""


def after_a_silent_client(prog, one_client=ONE_CLIENT):
    """The end of a silent-client check's failure (the echo-server
    kind's and a spec server's), after what the next client saw: (the
    words, from how the program ended, and the reason). A program that
    ended by itself serves one client (one_client says so); one that
    crashed took the silent client's end for a request; one still up
    did not go on to the next client."""
    fate = prog.fate() + prog.cpu_note()
    if ended_by_itself(prog):
        return one_client % fate, "ended by itself (status 0)"
    crash = crashed(prog)
    if crash:
        return ("%s %s" % (fate, SILENT_CRASH),
                "%s after a silent client" % crash)
    return ("%s %s" % (fate, SILENT_HINT),
            "next client not served after a silent one")


# A server that kept a connection open, waiting, after its client shut
# down its sending side (the half-close checks of the echo-server kind
# and of a spec server).
KEPT_OPEN = ("When recv() returns 0, the client has finished: send what is "
             "left and close() its socket (%s). A server that forks must "
             "also close the client's socket in the parent after fork(), or "
             "the connection stays open when the child ends (lesson 12)."
             % SEE_RECV0)
KEPT_OPEN_REASON = "no close after the client's shutdown"
# A server that served only its first client.
SEE_ACCEPT_LOOP = ("a server calls accept() again, in a loop, for each next "
                   "client (see lesson 04 with --count, and lesson 06)")

# A server that ended by itself, with status 0, after its first client.
NO_ACCEPT_LOOP = (" It ended by itself, with status 0, after one client: "
                  "probably there is no loop around accept(): %s."
                  % SEE_ACCEPT_LOOP)


def after_the_first(prog, served, tcp=True):
    """What a check of clients one after another (the echo-server kind's
    twenty-clients, a spec server's in-turn) says of a program that had
    served some before the one it did not serve: killed by SIGPIPE, it
    sent to a client that had gone; ended by itself with status 0 after
    one TCP client, it has no loop around accept(). '' otherwise: a
    crash is told by how the program ended, with no guess at its cause."""
    if served >= 1 and prog.fate(wait=0) and killed_by_sigpipe(prog):
        return " " + GONE_HINT
    if served == 1 and tcp and ended_by_itself(prog):
        return NO_ACCEPT_LOOP
    return ""


# ---- what the client checks of a kind and of a spec both judge -----------


def client_ends(prog, srv, limit):
    """Wait at most limit s for a client under test to end: (its status or
    None, the seconds it took, its CPU time). srv, the checker's server
    (or None), settles once the program has ended: what it sent last is
    read before the client is judged."""
    t0 = time.monotonic()
    cpu = 0.0
    while time.monotonic() < t0 + limit and prog.alive():
        cpu = prog.cpu()
        time.sleep(0.02)
    rc = prog.returncode() if not prog.alive() else None
    if rc is None:
        cpu = prog.cpu()
    took = time.monotonic() - t0
    if srv and rc is not None:
        srv.settle()
    return rc, took, cpu


def never_connected(port, proto, prog, rc, took, cpu, limit, peer="server"):
    """The sentence for a client that never reached the checker's server
    (or receiver, peer) on port: no TCP connection came (and where the
    program connected instead, if it did), or no datagram."""
    # (still running: for as long as it has run, the wait for its first
    # socket, Program.wait_started(), included)
    how = ending(prog, rc, took, cpu, limit if rc is not None else max(
        limit, time.monotonic() - prog.started), "after its start")
    # (a program that died of a Python error did not get as far: the
    # error, which ending() names, is the place to look, unless it is
    # one that reading its command line gives, or a refusal (a port of
    # its own); nor is one asked that was given the fixed port it uses,
    # --port N)
    err = python_error(prog.output()) if rc is not None else None
    port_error = err and (refusal(err) or err.startswith(
        ("IndexError", "ValueError", "OverflowError")))
    ask = ("" if err and not port_error or
           getattr(prog.run, "fixed_port", None) else
           " Does it take the %s's port from its command line ({port})?"
           % peer)
    if proto != "tcp":
        from .elsewhere import client_went, client_words
        went = client_went(prog, port)
        return ("No datagram from the program reached the checker's %s on "
                "127.0.0.1:%d, and the program %s.%s" % (
                    peer, port, how, client_words(went, port, peer) if went
                    else ask))
    socks = prog.socket_map()
    other = [s for s in net_table("tcp") if s.inode in socks and s.rport
             and s.rport != port]
    where = (" It was connected to %s instead." % show_addr(other[0].rip,
                                                             other[0].rport)
             if other else "")
    return ("The program never connected to the checker's %s on "
            "127.0.0.1:%d, and %s.%s%s" % (peer, port, how, where, ask))


def refusal(err):
    """Is this Python error a refused connection (Python 3's name, or
    Python 2's socket.error text)?"""
    return "ConnectionRefused" in err or "Connection refused" in err


def never_reason(proto):
    return "never connected" if proto == "tcp" else "no datagram came"


def refused_check(run, res, start, limit=REFUSED_LIMIT):
    """The refused check of a TCP client (the echo-client kind's and a
    spec client's): a bound socket that does not listen holds a port, so
    that a connect() to it is refused and no other program can take the
    port meanwhile; start(port, limit) runs the program on that port and
    returns (prog, rc, took, cpu)."""
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
    prog, rc, took, cpu = start(port, limit)
    said = "Nothing listened on port %d: a connection there is refused." % port
    how = ending(prog, rc, took, cpu, limit, "later")
    words = last_words(prog.output())
    if not client_crashed(prog, rc) and rc != 0:
        res.passed(ended_well(said, how, took, "later", words))
        return
    if rc == 0:
        hint = (" A script running it cannot tell that it failed: exit with "
                "a status other than 0 when connect() fails (lesson 05: "
                "ECONNREFUSED).")
    elif rc is None:
        hint = (" A refused connection stays refused: say so and exit "
                "(lesson 05: ECONNREFUSED).")
    elif python_error(prog.output()) and \
            not refusal(python_error(prog.output())):
        hint = (" Its error is not the refused connection "
                "(ConnectionRefusedError): the program failed before it "
                "got there, or elsewhere; its last words show where.")
    elif python_error(prog.output()):
        hint = (" Catch the error, say in one line what went wrong, and exit "
                "with status 1 (lesson 05: ECONNREFUSED).")
    else:
        hint = (" Check what connect() returns, say in one line what went "
                "wrong (perror()), and exit with status 1 (lesson 05: "
                "ECONNREFUSED).")
    res.failed("%s The program %s.%s" % (said, how, hint),
               short_end(prog, rc))


def closed_early(res, said, prog, rc, took, cpu, limit):
    """The verdict of a TCP client whose server closed before the
    exchange was over (said tells how): it must end by itself, not by a
    signal or a traceback, nor hang (the closes-early checks of the
    echo-client kind and of a spec client)."""
    how = ending(prog, rc, took, cpu, limit, "later")
    words = last_words(prog.output())
    if not client_crashed(prog, rc):
        status = (" A status other than 0 would tell a script that the "
                  "exchange was cut short." if rc == 0 else "")
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


# What a client that printed a line in pieces, or not at all, is told.
WHOLE_LINE = ("Keep calling recv() until the whole line has come, then print "
              "it (lesson 06's client reads until as many bytes came back "
              "as it sent; see the pitfall \"TCP has no message "
              "boundaries\").")


def could_not_connect(res, err):
    """Fail res: the checker's own client could not connect (err: why)."""
    res.failed(not_connected("The checker", err),
               "could not connect")


def count_descriptors(prog, res, serve):
    """The descriptors check of a TCP server (a kind's or a spec's):
    serve(n, first) plays n clients one after another and returns
    (served, a sentence on the first not served). One client, then 20
    more; the process holding the listening socket may not hold 5 or
    more descriptors more after them. A program that does not serve the
    first is not measured: NOT RUN (the checks that serve clients fail
    it); one that serves the first and not all 20 more fails."""
    served, trouble = serve(1, 1)
    if served < 1:
        res.not_run("The descriptors could not be counted: the first "
                    "client was not served. %s%s" % (trouble, prog.fate()),
                    NOT_SERVED)
        return
    time.sleep(0.2)
    before, sockets_before = prog.fds()
    served, trouble = serve(20, 2)
    if served < 20:
        # The first client was served, a later one not: that is a defect
        # seen here, whatever the other checks see (a spec's in-turn plays
        # 5 clients, and a server that fails from its eleventh shows only
        # here): a FAIL, not a NOT RUN.
        res.failed("The descriptors could not be counted: the first client "
                   "was served, but of 20 more, %s served; the next one: "
                   "%s%s A server serves every client that comes, however "
                   "many came before it."
                   % (plural(served, "was", "were"),
                      trouble[0].lower() + trouble[1:], prog.fate()),
                   "served %d of 20 more clients" % served)
        return
    after, sockets_after = prog.fds_settled(before)
    if after is None:
        res.failed("The process holding the listening socket ended.%s"
                   % prog.fate(), "ended")
        return
    who = ("The program's process %d (the one holding the listening "
           "socket), in /proc/%d/fd," % (prog.owner, prog.owner))
    if after - before < 5:
        res.passed("%s had %s open after its first client, and %d after 20 "
                   "more had come and gone." % (
                       who, plural(before, "descriptor"), after))
        return
    res.failed("%s had %s open after its first client, and %d after 20 more "
               "had come and gone (%d sockets, %d before): about one left "
               "open per client. accept() returns a new descriptor for each "
               "client: close() it when that client is done, or the process "
               "runs out (EMFILE, often at 1024) and takes no more clients "
               "(see lessons 04 and 07)."
               % (who, plural(before, "descriptor"), after, sockets_after,
                  sockets_before),
               "%d more descriptors after 20 clients" % (after - before))


def ended_at_sigpipe(prog, res, said, other=None):
    """The end of a sigpipe check: True, with res failed, when the process
    holding the listening socket ended within SIGPIPE_LIMIT of the reset:
    killed by SIGPIPE; or as other() reports it (it returns True when it
    did); or else ended by a failed send(). False while it still runs."""
    # An event, not a time: the process ends, or every thread of the
    # program sleeps, seen twice (it has met the reset and gone on); a
    # program still running (handling the reset, or waiting for a CPU
    # on a busy machine) is waited for, SIGPIPE_LIMIT at most.
    deadline = time.monotonic() + SIGPIPE_LIMIT
    asleep = 0
    while time.monotonic() < deadline and prog.owner_alive():
        asleep = asleep + 1 if prog.waiting() else 0
        if asleep >= 2:
            break
        time.sleep(0.05)
    if prog.owner_alive():
        return False
    time.sleep(0.1)
    rc = prog.returncode()
    if rc is not None and died_of(rc, signal.SIGPIPE):
        res.failed("%s The program %s: a send() on a connection the peer "
                   "has reset raises SIGPIPE, whose default action ends the "
                   "process. Send with MSG_NOSIGNAL (or ignore SIGPIPE) and "
                   "treat EPIPE as the end of that client: see lesson 06, "
                   "and the pitfall \"SIGPIPE\"."
                   % (said, describe_status(rc)), "killed by SIGPIPE")
    elif other is None or not other():
        res.failed("%s%s A failed send() ends that one client, not the "
                   "server: close that socket and go on with the next (see "
                   "lesson 06)." % (said, prog.fate()),
                   "ended after a client left without reading")
    return True
