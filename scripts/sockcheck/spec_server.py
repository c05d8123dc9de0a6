"""The checks of a program described by a spec (spec.py): the exchange
the spec gives, then the generic checks, each with that exchange in place
of an echo. This module has the registry and a server's first checks
(the checker is its client); spec_peers.py has those under odd peers,
spec_talk.py one client's conversation, spec_client.py a client's
checks."""

import os
import signal
import threading
import time

from .checks import (NOT_SERVED, SEE_ACCEPT_LOOP, Busy, Check,
                     after_the_first, count_descriptors, loopback_check)
from .elsewhere import (printed_instead, replied_elsewhere,
                        where_replies_went)
from .procfs import proc_stat, task_files, tcp_peer
from .spec import U32
from .program import Program
from .spec_talk import (NOT_ANSWERED, Talk, before_input, exchange, play,
                        queued, start, unanswered, why)
from .words import (and_list, capital, describe_status, lower_first,
                    not_connected, plural, secs)

SPEC_CHECKS = []


def spec_check(name, title, rule, applies=lambda s: True, fatal=None,
               aside=False):
    """Register a check of a spec's program; applies(spec) says whether
    the check fits that spec; fatal, if given, says why the checks after
    it are not run when it fails; aside, that it runs even when the
    exchange check failed (what it judges needs no reply to match)."""
    def register(func):
        SPEC_CHECKS.append(Check("spec", name, title, rule, func,
                                 applies, fatal, aside))
        return func
    return register


def checks_for(spec):
    """The checks that fit spec, in the order they run: restart last,
    so that the connections it leaves in TIME_WAIT on a fixed port
    cannot fail a check after it."""
    fit = [c for c in SPEC_CHECKS if c.applies(spec)]
    return ([c for c in fit if c.name != "restart"]
            + [c for c in fit if c.name == "restart"])


def server(s):
    return s.program == "server"


def tcp_server(s):
    return s.program == "server" and s.proto == "tcp"


def has_send(s):
    return s.program == "server" and any(k == "send" for k, _, _ in s.steps)


def typed_after_send(spec):
    """The input: steps right after the first send: what the operator
    types to answer a client's first request."""
    steps, seen = [], False
    for step in spec.steps:
        if seen and step[0] != "input":
            break
        if seen:
            steps.append(step)
        seen = seen or step[0] == "send"
    return steps


def at_once(s):
    """Clients served at the same time fit the spec: not with input:
    lines, where an operator answers, one client at a time."""
    return tcp_server(s) and many(s) and not s.typed()


def many(s):
    """Clients come one after another ('clients: 1': the server serves
    one and may end, so the checks that need a next client are left
    out)."""
    return s.clients > 1


# ---- the checks -----------------------------------------------------------


@spec_check("bind", "the addresses it listens on",
            "every socket it has bound is on loopback; 0.0.0.0 or :: is a "
            "note, a failure only with 'bind: loopback' in the spec",
            server)
def sp_bind(run, res):
    loopback_check(run, res, run.spec.proto,
                   strict=run.spec.bind == "loopback", spec=True)


@spec_check("exchange", "the spec's exchange",
            "one client plays the spec's send: and expect: lines; each reply "
            "matches its pattern within the spec's timeout, and the "
            "program prints what the spec's print: lines say, if any",
            server,
            fatal="the spec's exchange failed")
def sp_exchange(run, res):
    """The other checks of a server play the same exchange: when it fails
    here, they are not run (they would fail the same way)."""
    prog = start(run)
    ok, words = exchange(prog, run.spec, "The checker played the exchange",
                         strict=True)
    if ok:
        res.passed(words + (" Every reply matched its pattern."
                            if run.spec.expects() else ""))
    else:
        reason = failure_reason(words)
        fate = why(prog)
        went = where_replies_went(run) if reason == "no reply" and \
            run.spec.proto == "udp" and not fate else None
        if went:
            # the replies went elsewhere: the checks after this one take
            # them there, and judge what they are about
            run.reply_to = went
            res.failed("%s %s" % (words, went.words()), went.reason())
            res.keep_going = True
            return
        reply = next((v for k, v, _ in run.spec.steps if k == "expect"),
                     None)
        printed = printed_instead(prog, reply) if reason == "no reply" \
            and reply is not None and not isinstance(reply, U32) else ""
        res.failed(words + fate + printed, reason)
        # the other checks drop such bytes, and judge what they are about
        res.keep_going = reason == EXTRA_BYTES


EXTRA_BYTES = "bytes the spec does not describe"


def failure_reason(words):
    """A few words for what went wrong in an exchange's sentence."""
    words = words.split(" Also: ")[0]  # the first thing that went wrong
    for part, reason in (("came back to its sender instead",
                          "sent back to its sender only, not relayed"),
                         ("was not relayed", "not relayed to the other "
                          "client"),
                         ("does not match", "reply did not match"),
                         ("still open", "connection still open after the "
                          "last reply"),
                         ("no newline", "reply without its newline"),
                         ("closed the connection where", "closed before "
                          "replying"),
                         ("reset the connection", "reset before replying"),
                         ("was due", "no reply"),
                         ("could not connect", "could not connect"),
                         ("printed no line", "did not print what it got"),
                         ("NUL bytes", EXTRA_BYTES),
                         ("does not describe", EXTRA_BYTES)):
        if part in words:
            return reason
    return "exchange failed"


def served_words(spec):
    """What each client of a served exchange saw, for a sentence."""
    said = []
    if spec.expects():
        said.append("each got the replies it should")
    if spec.relays():
        said.append("each line reached the other client")
    if spec.prints:
        said.append("the program printed what each sent, as the spec's "
                    "print: lines say")
    return ", and ".join(said)


def in_turn(prog, spec, n, first=1):
    """n clients, one after another, each once the program sleeps again
    (Program.quiet()): (served, trouble)."""
    for i in range(n):
        if i:
            prog.quiet()
        ok, words = exchange(prog, spec, "Client %d" % (first + i))
        if not ok:
            return i, words
    return n, ""


@spec_check("in-turn", "clients one after another",
            "the spec's number of clients (clients:, 5 unless given) play "
            "the exchange one after another",
            lambda s: server(s) and many(s))
def sp_in_turn(run, res):
    prog = start(run)
    n = run.spec.clients
    served, trouble = in_turn(prog, run.spec, n)
    if served == n:
        res.passed("%s played the exchange one after another; %s." % (
            plural(n, "client"), served_words(run.spec)))
        return
    fate = why(prog)  # waits a little for a program that is ending
    tcp = run.spec.proto == "tcp"
    hint = after_the_first(prog, served, tcp)
    went = replied_elsewhere(run, prog, trouble, served + 1) \
        if served >= 1 and not hint else ""
    if went:
        hint = " " + went
    elif not hint and served >= 1 and unanswered(prog, run.spec, trouble):
        hint = " " + NOT_ANSWERED
    elif not hint and served == 1 and tcp and not prog.fate(wait=0):
        # still up, and no further client served
        hint = (" The program served only the first client: %s."
                % SEE_ACCEPT_LOOP)
    res.failed("%d of %d clients %s served. %s%s%s" % (
        served, n, "was" if served == 1 else "were", trouble, fate, hint),
        "served %d of %d clients" % (served, n))


@spec_check("together", "clients at the same time",
            "'together: N' clients connect; each plays the exchange while "
            "all are connected, and none leaves before all are served",
            lambda s: tcp_server(s) and s.together > 1)
def sp_together(run, res):
    prog = start(run)
    spec = run.spec
    n = spec.together
    talks = [Talk(prog, spec) for _ in range(n)]
    try:
        bad = [(i, t.err) for i, t in enumerate(talks) if t.err]
        if bad:
            res.failed(
                not_connected("Client %d of %d" % (bad[0][0] + 1, n),
                              bad[0][1]) + why(prog),
                "client could not connect")
            return
        # None once a client got every reply; until then, why not
        results = ["It got no verdict within the time limit."] * n

        def one(i):
            results[i] = play(talks[i], close=False)

        threads = [threading.Thread(target=one, args=(i,), daemon=True)
                   for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(spec.timeout * (len(spec.steps) + 2))
    finally:
        for t in talks:
            t.close()
    served = [i for i in range(n) if results[i] is None]
    if len(served) == n:
        res.passed("%d clients connected at once; each played the exchange "
                   "while the others were still connected." % n)
        return
    first = next(i for i in range(n) if results[i] is not None)
    res.failed("%d clients connected at once and each played the exchange; "
               "%d %s served while all were connected. Client %d: %s%s The "
               "spec asks for clients at the same time: a process per "
               "client (lesson 12), or poll() (lesson 13)." % (
                   n, len(served), "was" if len(served) == 1 else "were",
                   first + 1, results[first][0].lower() + results[first][1:],
                   why(prog)),
               "served %d of %d at once" % (len(served), n))


@spec_check("idle", "no spin after a client leaves",
            "after one client's exchange, the client closes; from 0.3 s "
            "later, for 1 s, the program must not be running at half of the "
            "checker's looks, nor use half a CPU; then a next client is "
            "served", lambda s: server(s) and many(s))
def sp_idle(run, res):
    prog = start(run)
    spec = run.spec
    ok, words = exchange(prog, spec, "The first client")
    if not ok:
        res.not_run("Not measured: %s%s" % (words, why(prog)),
                    NOT_SERVED)
        return
    busy = Busy(prog, settle=0.3)
    busy.at_least(1.3)
    busy.stop()
    said = ("The first client played the exchange and closed %s." % (
        "the connection" if spec.proto == "tcp" else "its socket"))
    if busy.spins():
        res.failed("%s In the second after, the program %s: it spins. When "
                   "recv() returns 0 the client has gone: close that socket "
                   "and wait for the next (see lesson 06: recv() == 0)."
                   % (said, busy.words()),
                   "spins after a client left: %s" % busy.short())
        return
    ok, words = exchange(prog, spec, "The next client")
    if ok:
        res.passed("%s In the second after, the program used %s of CPU: it "
                   "waited. The next client was served." % (said,
                                                            secs(busy.cpu)))
    else:
        fate = why(prog)
        went = replied_elsewhere(run, prog, words, 2)  # (stops prog)
        res.failed("%s The program did not spin (%s of CPU in %s), but: %s%s%s"
                   % (said, secs(busy.cpu), secs(busy.span), words, fate,
                      " " + went if went else ""),
                   "next client not served")


@spec_check("descriptors", "no descriptor left open per client",
            "the descriptors of the process holding the listening socket "
            "are counted after a first client and again after 20 more; they "
            "may not grow by 5 or more; each of the 20 must be served",
            lambda s: tcp_server(s) and many(s))
def sp_descriptors(run, res):
    prog = start(run)
    count_descriptors(
        prog, res, lambda n, first: in_turn(prog, run.spec, n, first=first))


def zombies(prog):
    me = os.getpid()
    found = []
    for pid in prog.pids(zombies=True):
        st = proc_stat(pid)
        if st and st["state"] == "Z" and st["ppid"] != me:
            found.append((pid, st["ppid"]))
    return found


EINTR_WORDS = (" Its last words say a call was interrupted: a SIGCHLD "
               "handler interrupts the call the program waits in (accept(), "
               "recv()), which then fails with EINTR. Install the handler "
               "with SA_RESTART (sigaction()), or make the call again after "
               "EINTR (see lesson 12).")
# How long the children of a burst may take to end, and the program to
# sleep again, in their own time (OwnClock): a limit, not a verdict.
ZOMBIES_SETTLE = 30.0
# How long a process to be stopped may take to sleep again, in its own
# time (CPU time it uses, and time when none of its threads can run): a
# program that never sleeps is stopped all the same once it has passed
ASLEEP_LIMIT = 10.0
# How long a program with zombies may sleep without waking before they
# are counted (one that wakes is given two wakings to reap them)
REAP_WAKE = 3.0
# A burst's clients are waited for while they play, each bounded by its
# own limits (wait_accepted(), the exchange's timeout); this only keeps
# a checker that the machine starves from hanging
BURST_CAP = 600.0


class Burst:
    """The stop of a burst's forking server. Each client, its exchange
    played, waits for the decision before it closes (done()); the
    checker decides (decide()): once each client's socket is held by a
    process other than the one holding the listening socket (a child per
    client), that one is stopped (SIGSTOP), and the clients stay
    connected until end_together() closes them at once, so that every
    child ends while it is stopped, whenever it would. A client served
    by that process itself (one at a time, threads, poll()) decides for
    no stop, and each client closes as it is done."""

    def __init__(self, prog, talks, results):
        self.prog, self.talks, self.results = prog, talks, results
        self.decided = threading.Event()
        self.stopped = None

    def done(self, talk):
        """A client has played: close it, unless its server is stopped
        (or may be about to be)."""
        self.decided.wait(BURST_CAP)
        if not self.stopped:
            talk.close()

    def decide(self, threads):
        owner = self.prog.owner
        deadline = time.monotonic() + BURST_CAP
        try:
            while owner is not None and time.monotonic() < deadline and \
                    any(t.is_alive() for t in threads):
                # who played to the end, then who holds what: a socket
                # read before its child was forked is the owner's alone
                done = [r is not None for r in self.results]
                held = self.prog.socket_map()
                sides = []
                for i, talk in enumerate(self.talks):
                    side = None
                    if talk is None and done[i]:
                        sides.append(True)  # it could not connect
                        continue
                    if talk is not None and talk.c:
                        try:
                            side = tcp_peer(self.prog.port,
                                            talk.c.s.getsockname()[1])
                        except OSError:
                            pass
                    holders = held.get(side.inode, ()) if side else ()
                    if done[i] and (side is None or
                                    side.state not in (1, 8)):
                        sides.append(True)  # the program closed it: done
                        continue
                    if done[i] and not any(p != owner for p in holders):
                        return  # served by the process itself
                    sides.append(bool(side and side.inode and any(
                        p != owner for p in holders)))
                if all(sides):
                    if stop(owner):
                        self.stopped = owner
                    return
                time.sleep(0.05)
        finally:
            self.decided.set()


def asleep(pid):
    """True when every thread of pid sleeps in a call (state S)."""
    stats = task_files(pid, "stat")
    return bool(stats) and all(t[t.rfind(")") + 2:][:1] == "S"
                               for t in stats)


def runnable(pid):
    """True when a thread of pid is running or waits for a CPU (R)."""
    return any(t[t.rfind(")") + 2:][:1] == "R"
               for t in task_files(pid, "stat"))


class OwnClock:
    """The time some processes have had of their own, for a limit that
    holds on a busy machine as on a quiet one: the CPU time they use,
    and the time when none of them can run (all asleep, or stopped).
    Time one waits for a CPU is not counted. pids() names them anew at
    each tick(); over BURST_CAP s of wall time, the clock says the limit
    is spent all the same."""

    def __init__(self, pids):
        self.pids = pids
        self.spent = 0.0
        self.cap = time.monotonic() + BURST_CAP
        self.last = time.monotonic()
        self.cpu = self._cpu()

    def _cpu(self):
        return {p: st["cpu"] for p in self.pids()
                for st in [proc_stat(p)] if st is not None}

    def tick(self):
        """Count the time since the last tick; return the total."""
        now, cpu = time.monotonic(), self._cpu()
        used = sum(max(0.0, c - self.cpu.get(p, c)) for p, c in cpu.items())
        idle = not any(runnable(p) for p in cpu)
        self.spent += used + (now - self.last if idle else 0.0)
        self.last, self.cpu = now, cpu
        return self.spent

    def within(self, limit):
        """True while less than limit s is spent (ticking the clock)."""
        return self.tick() < limit and time.monotonic() < self.cap


def stop(pid):
    """SIGSTOP pid and wait until it is stopped (state T): the signal
    takes effect only once the process runs, and a SIGCHLD that came
    before would be handled first. True once stopped. It is stopped once
    it sleeps (seen twice): a forking server is then back in accept(),
    not between fork() and accept(), so that a SIGCHLD that comes while
    it is stopped meets it where it waits, on a busy machine as on a
    quiet one (a handler without SA_RESTART then ends its accept() with
    EINTR every time). One that does not sleep is stopped once it has
    had ASLEEP_LIMIT s of its own time (OwnClock): under load, a parent
    0.2 s of CPU away from accept() may wait far longer for a CPU."""
    clock = OwnClock(lambda: [pid])
    seen = 0
    while seen < 2 and clock.within(ASLEEP_LIMIT):
        seen = seen + 1 if asleep(pid) else 0
        time.sleep(0.01)
    try:
        os.kill(pid, signal.SIGSTOP)
    except OSError:
        return False
    # the signal takes effect once it runs: on a busy machine, that may
    # be long after it was sent (BURST_CAP at most)
    deadline = time.monotonic() + BURST_CAP
    while time.monotonic() < deadline:
        st = proc_stat(pid)
        if st is None or st["state"] in ("T", "t"):
            return st is not None
        time.sleep(0.01)
    return True


def end_together(prog, talks, stopped=None):
    """Close the clients of a burst at once and wait (events, not times)
    for what follows: every child process of the program has ended (or
    every connection is closed and its living processes no longer
    change, as a pre-forked server's workers), then the program sleeps
    and its zombies stay the same twice. A program with children has its
    process holding the listening socket stopped (SIGSTOP) until they
    have ended: their SIGCHLDs, which do not queue, then come as one,
    as they may on any machine, and a handler that reaps one child per
    signal is seen to leave the rest, however quiet this machine. The
    pid stopped, or None."""
    owner = prog.owner
    kids = [p for p in prog.pids() if p != owner]
    if stopped is None and owner is not None and kids and stop(owner):
        stopped = owner
    ports = []
    for talk in talks:
        if talk.c:
            try:
                ports.append(talk.c.s.getsockname()[1])
            except OSError:
                pass
        talk.close()
    # the children, read while their parent is stopped (a process's
    # list of children in /proc is reliable only then)
    kids = set(kids) | {p for p in prog.pids() if p != owner}
    clock = OwnClock(lambda: [p for p in kids | set(prog.pids())
                              if p != owner])
    last = None
    try:
        while clock.within(ZOMBIES_SETTLE):
            alive = sorted(
                p for p in kids | set(prog.pids()) if p != owner and
                (proc_stat(p) or {}).get("state", "Z") not in ("Z", "X"))
            if not alive:
                break
            open_ = [p for p in ports if (lambda s: s is not None and
                                          s.state in (1, 8))(
                tcp_peer(prog.port, p))]
            # what lives on must sleep (a pre-forked server's workers,
            # waiting for clients): a child on its way out is not asleep
            asleep = all((proc_stat(p) or {}).get("state") == "S"
                         for p in alive)
            if not open_ and asleep and alive == last:
                break
            last = alive if not open_ and asleep else None
            time.sleep(0.1)
    finally:
        if stopped:
            try:
                os.kill(stopped, signal.SIGCONT)
            except OSError:
                pass
    # Then its zombies, once they stay the same while it sleeps. None
    # left: at once. Some: once it has had its chance to reap them. A
    # program that reaps on a timer (Python's ForkingTCPServer, every
    # 0.5 s of its serve_forever()) reaps when it wakes: wait until it
    # has woken twice, or slept REAP_WAKE s without waking (waiting in
    # accept() with no time limit, it has no chance but a signal's).
    last = woke = since = None
    clock = OwnClock(prog.pids)
    while clock.within(ZOMBIES_SETTLE):
        now = sorted(zombies(prog))
        st = proc_stat(owner) if owner else None
        quiet = prog.waiting() and not (st and st["state"] == "T")
        if not quiet:
            last = None
        elif now != last:
            last, woke, since = now, wakeups(owner), time.monotonic()
        elif not now or owner is None:
            break
        else:
            w = wakeups(owner)
            if w is None or woke is None or w - woke >= 2 or \
                    time.monotonic() - since >= REAP_WAKE:
                break
        time.sleep(0.1)
    return stopped


def own_time(prog):
    """CPU seconds used so far by the program's living processes."""
    return sum((proc_stat(p) or {}).get("cpu", 0.0) for p in prog.pids())


def wait_accepted(prog, talk, limit):
    """Wait until the program has taken this client's connection from
    its listening socket's queue (its end is held by a process, or has
    gone), counting the program's own time only: the time every thread
    of it sleeps, and the CPU time it uses. A server slow to come back
    to accept() waits for a CPU on a busy machine, and that time is not
    counted; one that sleeps in another call, or spins, while the
    client is queued, is given limit seconds. Each connection it takes
    from the queue meanwhile starts the count again. True once taken
    (or the program has ended), False once limit is spent."""
    try:
        port = talk.c.s.getsockname()[1]
    except (AttributeError, OSError):
        return True
    spent, last, cpu, depth = 0.0, time.monotonic(), own_time(prog), None
    while spent < limit:
        side = tcp_peer(prog.port, port)
        if side is None or side.inode or side.state not in (1, 3, 8):
            return True
        alive = (prog.owner_alive() if prog.owner is not None
                 else prog.alive())
        if not alive:
            return True
        now, cpu_now, depth_now = time.monotonic(), own_time(prog), \
            queued(prog)
        if depth is not None and depth_now is not None and \
                depth_now < depth:
            spent = 0.0  # it took another connection: it is accepting
        else:
            spent += max(0.0, cpu_now - cpu) + (
                now - last if prog.waiting() else 0.0)
        last, cpu, depth = now, cpu_now, depth_now
        time.sleep(0.1)
    return False


def wakeups(pid):
    """How many times the threads of pid have gone to sleep of their own
    accord (voluntary context switches, /proc/PID/task/*/status), or
    None once it has ended."""
    statuses = task_files(pid, "status")
    if statuses is None:
        return None
    return sum(int(line.split()[1]) for text in statuses
               for line in text.splitlines()
               if line.startswith("voluntary_ctxt_switches:"))


@spec_check("zombies", "no zombie left after a burst of clients",
            "10 clients play the exchange at the same time and leave "
            "together, the process holding the listening socket stopped "
            "(SIGSTOP) until its children have ended (30 s at most), so "
            "that their SIGCHLDs come as one; once it sleeps again and has "
            "had its chance to reap them (it woke twice, or slept 3 s "
            "without waking), at most "
            "1 of its child processes may "
            "be a zombie (state Z in /proc); run even when the exchange "
            "fails, if all 10 were accepted; when some were served and others "
            "left waiting, it fails (a client is left waiting when the "
            "program spends 10 times the exchange's timeout of its own "
            "time, asleep or on a CPU, and takes it by no accept(): time it "
            "waits for a CPU on a busy machine does not count). With "
            "input: lines, no operator "
            "answers: the program's standard input is at its end, and each "
            "client plays the exchange up to its first input: line",
            lambda s: tcp_server(s) and many(s), aside=True)
def sp_zombies(run, res):
    spec = run.spec
    typed = spec.typed()
    if typed:
        # ten clients at once cannot share one operator: none answers
        prog = Program(run, run.port_for(spec.proto), stdin_data=b"")
        prog.wait_bound(spec.proto)
        steps = spec.steps[:[k for k, _, _ in spec.steps].index("input")]
    else:
        prog = start(run)
        steps = None
    # A server of one client at a time keeps the tenth waiting while it
    # serves nine: each reply may take ten times the spec's timeout. Not
    # when the exchange is known to fail: a reply that never comes is
    # not waited for ten times.
    if not run.exchange_failed:
        spec = spec.replace(timeout=spec.timeout * 10)
    results = [None] * 10
    talks = [None] * 10  # kept open until all 10 have played
    unconnected = []  # why each client that could not connect could not

    def one(i):
        who = "Client %d" % (i + 1)
        if typed:
            results[i] = before_input(prog, spec, steps, who, unconnected)
            return
        talk = Talk(prog, spec)
        if talk.err:
            unconnected.append(talk.err)
            results[i] = (False, not_connected(who, talk.err))
            return
        talks[i] = talk
        # its reply cannot come before accept(): the clock of the
        # exchange starts once the program has taken the connection
        if not wait_accepted(prog, talk, spec.timeout):
            results[i] = (False, "%s: connected, and was still in the "
                          "listening socket's queue after %.0f s of the "
                          "program's own time (asleep, or on a CPU), taken "
                          "by no accept()." % (who, spec.timeout))
            return
        trouble = play(talk)
        results[i] = (False, "%s: %s" % (who, lower_first(trouble))) \
            if trouble else (True, "%s: %s." % (who, talk.transcript(6)))
        burst.done(talk)

    burst = Burst(prog, talks, results)
    threads = [threading.Thread(target=one, args=(i,), daemon=True)
               for i in range(10)]
    for t in threads:
        t.start()
    if typed:
        burst.decided.set()
    else:
        burst.decide(threads)
    for t in threads:
        t.join(BURST_CAP)
    held = end_together(prog, [t for t in talks if t is not None],
                        burst.stopped)
    served = sum(1 for r in results if r and r[0])
    bad = next((r for r in results if not (r and r[0])), None)
    # A client whose replies did not match (the exchange fails, say) ends
    # its child all the same, once it was accepted: the zombies are
    # counted when all 10 were accepted and the program still runs.
    # a program may end when its input ends, once a client has come
    if typed and prog.fate(wait=1.0):
        rc = prog.returncode()
        res.not_run("Not run: with no operator (its standard input at its "
                    "end), the program %s, and zombies are counted only "
                    "while it runs." % (
                        describe_status(rc) if rc is not None else
                        "ended (the process holding its listening socket)"),
                    "ended with no operator")
        return
    fate = prog.fate(wait=0)
    if fate and served:
        # it served some and ended with the burst: a defect seen here
        res.aside = True
        res.failed("10 clients played the exchange at the same time, and "
                   "%s served; then the program ended.%s%s" % (
                       plural(served, "was", "were"), fate,
                       EINTR_WORDS if "nterrupted" in prog.output() else
                       ""), "ended after a burst of clients")
        return
    if 0 < served < 10 and not fate and (
            queued(prog) != 0 or unconnected or
            any(r is None for r in results)):
        # some were served and the program runs on, but the others were
        # left waiting (or could not connect): a defect seen here, whatever
        # the checks of clients in turn see (a FAIL, not a NOT RUN)
        waiting = queued(prog)
        res.failed("10 clients played the exchange at the same time, and "
                   "%s served. %s%s%s A server serves every client that "
                   "comes, however many come at once; the zombies could not "
                   "be counted without them." % (
                       plural(served, "was", "were"), bad[1] if bad else "",
                       why(prog), " %s still waited in its listening "
                       "socket's queue, taken by no accept()." % capital(
                           plural(waiting, "connection")) if waiting else
                       ""),
                   "served %d of 10 clients at once" % served)
        return
    if served < 10 and (fate or queued(prog) != 0 or unconnected
                        or any(r is None for r in results)):
        res.not_run("Not measured: 10 clients played the exchange at the "
                    "same time, and %s served. %s%s" % (
                        plural(served, "was", "were"), bad[1] if bad else "",
                        why(prog)),
                    "not measured: served %d of 10 clients" % served)
        return
    left = zombies(prog)
    said = ("10 clients connected at the same time, each played the "
            "exchange up to its first input: line (%s), with the program's "
            "standard input at its end (no operator answered), and left; "
            "1 s after the last had left" % next(
                (r[1].split(": ", 1)[1].rstrip(".") for r in results
                 if r and r[0]), "not one got through them") if typed else
            "10 clients played the exchange at the same time (10 served) "
            "and left together%s; once its children had ended and it slept "
            "again" % (held and " while its process %d was stopped "
                       "(SIGSTOP, then SIGCONT), so that their ends gave "
                       "it one SIGCHLD between them" % held or "")
            if served == 10 else
            "10 clients played the exchange at the same time, and %s "
            "served. %s Each was accepted all the same, and has left; once "
            "its children had ended and it slept again" % (
                plural(served, "was", "were"), bad[1]))
    res.aside = True
    if len(left) <= 1:
        res.passed("%s, the program had %s (state Z in /proc)." % (
            said, plural(len(left), "zombie")))
        return
    res.failed("%s, %s of the program's children were zombies (state Z in "
               "/proc): pids %s, children of %s. A child that has ended "
               "stays a zombie until its parent calls waitpid(); reap them "
               "(a SIGCHLD handler, or waitpid(-1, NULL, WNOHANG) in a loop, "
               "see lesson 12), or the process table fills up."
               % (said, len(left), and_list(str(p) for p, _ in left[:5]),
                  and_list(sorted({str(pp) for _, pp in left}))),
               "%d zombies after 10 clients" % len(left))
