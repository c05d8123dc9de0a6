"""Running checks: one Run per program under test, each check in turn,
everything the check started ended after it, even on a signal."""

import sys
import time

from .checks import CHECKS, Result, State
from .common import LOCAL, PORT_FREE_LIMIT, NotReady
from .procfs import connections_on, free_port, port_in_use
from .python2 import diagnose as python2_program
from .words import (capital, crash_report, describe_status, lower_first,
                    printable, python_error, signal_name)




# The reasons of a NOT RUN that looked at no program of this check's own
# doing: a crash seen meanwhile (a server that cannot bind its port, say,
# or one whose operator's input the checker ended) is not this check's to
# fail.
LOOKED_AWAY = ("port in TIME_WAIT", "port held by closing connections",
               "cannot preload the fault library",
               "ended with no operator")

# The checks whose client the checker itself resets (SO_LINGER 0).
CHECKER_RESETS = ("reset", "sigpipe", "never-reads")
# What Python raises at a recv() or send() on a connection the peer has
# reset or closed.
RESET_ERRORS = ("ConnectionResetError", "BrokenPipeError",
                "ConnectionAbortedError")


def one_client_ended(text, alive):
    """Did only a thread or a child end, with a reset's error, while the
    program lives on (alive)? Every traceback in text ends in one of
    RESET_ERRORS: a process that printed one and lives on printed it
    from a thread, or from a child that has ended."""
    if not alive:
        return False
    tracebacks = text.split("Traceback (most recent call last):")[1:]
    if not tracebacks:
        return False
    for tb in tracebacks:
        err = python_error("Traceback (most recent call last):" + tb)
        if not err or not err.startswith(RESET_ERRORS):
            return False
    return True


class Run:
    """One program under test: its kind, command, and the checks' state."""

    ids_given = 0

    def __init__(self, kind, argv, fixed_port=None, only=None, cwd=None,
                 wait=10, strace=False, narrate=False, tmpdir=None,
                 checks=None, spec=None):
        self.kind = kind
        self.argv = argv
        self.fixed_port = fixed_port
        self.cwd = cwd
        self.wait = wait
        self.strace = strace
        self.narrate = narrate
        self.tmpdir = tmpdir
        self.spec = spec  # a spec.Spec, for a program checked by a spec
        self.checks = [c for c in (CHECKS[kind] if checks is None
                                   else checks)
                       if not only or c.name in only]
        self.programs = []
        self.cleanup = []
        self.broken = None  # the check in which it could not start
        self.broken_why = "the program could not be started"
        self.exchange_failed = False  # broken: the spec's exchange failed
        self.plain = None  # plain_exchange_fails(), once known
        self.sources = []  # --source: the files the source check reads
        self.picture = None  # --picture DIR
        self.captures = []  # its tcpdumps (pictures.Tcpdump), this check's
        # a UDP server's replies sent elsewhere (elsewhere.Elsewhere), as
        # the exchange check saw; and how many this check took there
        self.reply_to = None
        self.replies_aside = 0
        # the crashes seen in failed checks so far ({words: check}): a
        # check that cannot judge its own matter and sees one of them
        # again is NOT RUN, as before; a crash of its own fails it
        self.crashes = {}

    def next_id(self):
        """A number for a file in tmpdir: unique among all the Runs that
        share it (--batch: one Run per submission, one tmpdir)."""
        Run.ids_given += 1
        return Run.ids_given

    def command(self, port):
        return [a.replace("{port}", str(port)).replace("{host}", LOCAL)
                for a in self.argv]

    def port_for(self, proto):
        if self.fixed_port is None:
            return free_port(proto)
        deadline = time.monotonic() + PORT_FREE_LIMIT
        while port_in_use(self.fixed_port, proto):
            if time.monotonic() > deadline:
                raise NotReady(
                    "Port %d was in use by another program before the check "
                    "started." % self.fixed_port, "port busy", fatal=False)
            time.sleep(0.05)
        # The last check's program is gone, but its ends of connections
        # may still be closing (LAST_ACK until the kernel takes the
        # checker's last ACK, later than the program's exit on a busy
        # machine): a program without SO_REUSEADDR cannot bind the port
        # until they are. They go by themselves; TIME_WAIT does not (a
        # minute), and left_closing() says so if it stops a bind().
        while proto == "tcp" and time.monotonic() < deadline and \
                set(connections_on(self.fixed_port)) - {"TIME_WAIT"}:
            time.sleep(0.02)
        return self.fixed_port

    def one(self, chk):
        res = Result(chk)
        t0 = time.monotonic()
        if self.skips(chk):
            res.skip("Not run: %s in check %s (see there)." % (
                self.broken_why, self.broken))
            return res
        self.replies_aside = 0
        try:
            chk.func(self, res)
            if res.ok and self.replies_aside:
                res.message += (
                    " (%s taken at %s, where the program sends its "
                    "replies, not at the client's own address: the "
                    "exchange check fails it for that.)" % (
                        "The reply was" if self.replies_aside == 1 else
                        "The replies were", self.reply_to.where()))
            if res.state is State.UNDECIDED:
                res.failed("The checker reached no verdict.", "checker error")
            elif res.ok:
                self.no_pass_over_a_crash(res, chk.name)
            if not res.ok and chk.fatal and \
                    not res.keep_going:
                # the checks after it need what failed here
                self.broken, self.broken_why = chk.name, chk.fatal
                self.exchange_failed = chk.name == "exchange"
        except NotReady as e:
            res.failed(str(e), e.reason)
            if e.fatal:
                self.broken = chk.name
            closing = [] if chk.name == "restart" else \
                self.left_closing(e.reason)
            if closing:
                # not this check's finding: the ones after it try again,
                # and restart (last) says whether the program is at fault
                res.not_run(
                    "Not run: the program could not take port %d again: "
                    "connections that the checks before this one made "
                    "were still in %s there, and a server that "
                    "does not set SO_REUSEADDR before bind() cannot bind "
                    "a port in that state (the restart check, run last, "
                    "shows it). Run this check alone (--only %s) to see "
                    "it." % (self.fixed_port, " or ".join(closing),
                             chk.name),
                    "port in TIME_WAIT" if closing == ["TIME_WAIT"]
                    else "port held by closing connections")
                self.broken = None
        except Exception as e:  # a bug in the checker: say so, go on
            res.failed("The checker itself failed in this check: %s: %s."
                       % (type(e).__name__, e), "checker error")
        finally:
            # a crash seen while a check ran: kept for one that says NOT
            # RUN (or may, below), and for a failed one, known
            crash = self.crash_seen(chk.name) if (
                res.state is State.NOT_RUN and
                res.reason not in LOOKED_AWAY or
                res.state is State.FAILED) else None
            if not res.ok:
                self.python2(chk, res)
                for p in self.programs:
                    res.trace += p.trace_tail()
                    res.narration += p.narration_tail()
                    res.output += tail_lines(p.output())
            drawn = list(self.programs)
            ended = time.time()  # the check's verdict: its window ends
            self.finish()  # the captures end here, after the programs
            if self.picture and res.state is State.FAILED:
                from .pictures import draw
                draw(self, chk, res, drawn, ended)
        if res.state is State.FAILED and \
                self.plays_kind_spec(chk) and not res.aside:
            plain = self.plain_exchange_fails()
            if plain:
                from .kinds import KIND_SPEC
                res.not_run(
                    "Not run: this check plays the exchange of the spec "
                    "that the kind %s plays (%s), and without anything odd "
                    "that exchange fails too: %s The checks that play it "
                    "cannot judge what they are about." % (
                        self.kind, KIND_SPEC[self.kind],
                        capital(plain)),
                    "the kind's spec's exchange fails")
                self.finish()
        if res.state is State.NOT_RUN and crash and \
                crash[0] not in self.crashes:
            self.no_not_run_over_a_crash(res, crash)
        if crash and res.state is State.FAILED:
            self.crashes[crash[0]] = chk.name
        res.seconds = time.monotonic() - t0
        return res

    def crash_seen(self, name):
        """(words, reason) for a crash of the program while the check
        ran: a traceback, a sanitizer's report or a death by a signal the
        checker did not send; None if none was seen. In a check whose
        client the checker resets, a thread or child that ended with that
        reset's error is that client's end (see no_pass_over_a_crash)."""
        for p in self.programs:
            # a crash on its way (the program's answer to a client that
            # has just left) is waited for, not raced: it ends or sleeps
            # again (Program.quiet()), as before a pass
            p.quiet()
            p.fate(wait=0)  # an ended program's last words, all read
            text = p.output()
            what = crash_report(text)
            if what and name in CHECKER_RESETS and \
                    one_client_ended(text, p.alive()):
                continue
            if what:
                return ("printed %s" % what, "traceback" if
                        python_error(text) else "sanitizer error")
            rc = p.returncode()
            if rc is not None and rc < 0 and not getattr(p, "stopped",
                                                         False):
                return describe_status(rc), "killed by %s" % signal_name(-rc)
        return None

    @staticmethod
    def no_not_run_over_a_crash(res, crash):
        """A check that could not judge what it is about, but saw the
        program crash on its way (a crash no check before it failed),
        fails: the crash is its finding."""
        words, reason = crash
        why = res.message
        if why.startswith("Not run: "):
            why = why[len("Not run: "):]
        res.failed("The program %s while this check ran: it crashed (or "
                   "one of its threads did), and a crash fails the check "
                   "that saw it. Apart from that, the check could not judge "
                   "what it is about: %s" % (words, lower_first(why)),
                   reason)

    def skips(self, chk):
        """Is chk not run, after an earlier check could not start the
        program or its exchange failed? A check whose verdict needs no
        reply to match (aside) runs after a failed exchange."""
        return bool(self.broken) and not (
            self.exchange_failed and self.broken == "exchange" and
            chk.aside)

    def plays_kind_spec(self, chk):
        """Is chk one of the generic checks a server KIND gets from its
        spec (kinds.py), not one of the kind's own?"""
        return (self.spec is not None and self.kind in CHECKS and
                self.spec.program == "server" and chk.kind != "source" and
                chk.name not in {c.name for c in CHECKS[self.kind]})

    def plain_exchange_fails(self):
        """For a kind's program: one client plays the kind's spec's
        exchange, with nothing odd, on a fresh start. Its failure in
        words, or '' if it was served (or could not be tried). Once per
        run."""
        if self.plain is None:
            from .spec_talk import exchange, start
            self.plain = ""
            try:
                prog = start(self)
                ok, words = exchange(prog, self.spec, "a client")
                if not ok:
                    self.plain = words
            except NotReady:
                pass
            finally:
                self.finish()
        return self.plain

    def left_closing(self, reason):
        """Did a program on a fixed port end before it took its port,
        while connections of earlier checks held it (in TIME_WAIT, or
        still closing)? Their states, by name, or []."""
        if self.fixed_port is None or not reason.startswith("ended before"):
            return []
        if not any(p.output() and ("EADDRINUSE" in p.output() or
                                   "Address already in use" in p.output())
                   for p in self.programs):
            return []
        return connections_on(self.fixed_port)

    def python2(self, chk, res):
        """A failure that is a Python 2 program dying under Python 3 is
        said as that, once: the checks after it are not run."""
        why = python2_program(self.argv, self.cwd, [
            (p.output(), p.returncode()) for p in self.programs])
        if why:
            res.failed(why, "Python 2 program")
            self.broken = chk.name
            self.broken_why = "Python 2 code stopped the program"

    def no_pass_over_a_crash(self, res, name=None):
        """A traceback, a sanitizer's report or a death by a signal, seen
        while the check ran, fails it: what passed was not the program
        working. But in a check whose client the checker resets (name in
        CHECKER_RESETS), a thread or child that ended with that reset's
        error, while the program went on to serve the next client, is
        that client's end, not the program's: said, not failed."""
        for p in self.programs:
            # What the program does once the check's last client has left
            # (a send() to it, a SIGPIPE, a traceback) is waited for, not
            # raced: it ends or sleeps again (Program.quiet()).
            p.quiet()
            p.fate(wait=0)  # an ended program's last words, all read
            text = p.output()
            what = crash_report(text)
            rc = p.returncode()
            if what and name in CHECKER_RESETS and \
                    one_client_ended(text, p.alive()):
                res.message += (
                    " A thread or child of the program ended with %s when "
                    "its client's connection was reset, and the program went "
                    "on: that is the end of that client, not of the server "
                    "(catching the error there would end it quietly)." % what)
                return
            if what:
                res.failed("%s But the program printed %s while the check "
                           "ran: it crashed (or one of its threads did), "
                           "so this is not a pass." % (res.message, what),
                           "traceback" if python_error(text)
                           else "sanitizer error")
                return
            if rc is not None and rc < 0 and not getattr(p, "stopped",
                                                          False):
                res.failed("%s But the program %s while the check ran: that "
                           "is a crash, not a pass."
                           % (res.message, describe_status(rc)),
                           "killed by %s" % signal_name(-rc))
                return

    def finish(self):
        for p in self.programs:
            p.stop()
        for f in self.cleanup:
            if f:
                try:
                    f()
                except OSError:
                    pass
        self.programs, self.cleanup = [], []
        # --picture's captures last: their packets include the peers'
        # ends, which the cleanups above make
        for c in self.captures:
            c.stop()
        self.captures = []

    def again(self, fn, *args):
        """fn(*args), as a second run of the program beside the check's
        first: what the first run started is stopped before and stays
        the check's evidence (self.programs names it again after); what
        fn starts is stopped after. Returns what fn returns."""
        first = list(self.programs)
        self.finish()  # the checker's peer too, whose port may be fixed
        try:
            return fn(*args)
        finally:
            self.finish()
            self.programs = first


def tail_lines(text, n=4):
    lines = [ln.rstrip() for ln in text.splitlines() if ln.strip()]
    out = []
    for ln in lines[-n:]:
        ln = printable(ln)
        out.append(ln if len(ln) <= 100 else ln[:97] + "...")
    return out


ALIVE = []  # every Run in progress, for the signal handler


def stop_everything(signum, _frame):
    for r in ALIVE:
        r.finish()
    sys.exit(128 + signum)


def run_checks(run, reporter=None):
    ALIVE.append(run)
    try:
        if reporter:
            reporter.start()
        results = []
        for chk in run.checks:
            if reporter:
                reporter.begin(chk)
            res = run.one(chk)
            results.append(res)
            if reporter:
                reporter.add(res)
        return results
    finally:
        run.finish()
        ALIVE.remove(run)
