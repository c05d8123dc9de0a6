"""The program under test: started afresh for each check, in a session of
its own, its output on a pseudo-terminal; watched from /proc while it
runs, and ended (its whole process group, and its orphans) afterwards."""

import fcntl
import os
import pty
import re
import resource
import select
import signal
import struct
import subprocess
import threading
import termios
import time
import tty

from .common import (EXIT_SLOW, EXIT_WAIT, LOCAL, NARRATE, NARRATED_CALL,
                     SPIN_SHARE, TURN_LIMIT)
from .common import NotReady
from .procfs import (Sock, all_pids, connect_host, fd_links, my_procs,
                     net_table, proc_stat, socket_inodes, task_files)
from .words import (crash_report, describe_status, fold_calls, python_error,
                    secs, show_cmd, shown)




def kernel_chose(sock):
    """True when sock listens on every address, on a port from the range
    the kernel picks from (/proc/sys/net/ipv4/ip_local_port_range)."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            low, high = (int(n) for n in f.read().split())
    except (OSError, ValueError):
        return False
    return sock.ip in ("0.0.0.0", "::") and low <= sock.port <= high


class Capture:
    """Reads everything the program writes to its terminal (a pty): the
    first HEAD bytes and the last TAIL, so that a program that prints for
    ever cannot fill the memory."""

    HEAD = 1 << 20
    TAIL = 1 << 16

    def __init__(self, fd):
        self.fd = fd
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0
        self.lock = threading.Lock()
        self.done = threading.Event()
        # Non-blocking: while the program prints, each read takes what
        # has come, and select() is called only once nothing has. A
        # program that prints without end (a spinning server prints a
        # line per turn) made one select() and one read() per line: a
        # third of the checker's CPU, and the same bytes read.
        os.set_blocking(fd, False)
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        while not self.done.is_set():
            # under the lock: settled() sees no byte that is read but
            # not yet counted
            with self.lock:
                try:
                    data = os.read(self.fd, 1 << 16)
                except BlockingIOError:  # nothing came yet
                    data = None
                except OSError:  # EIO: every copy of the terminal is closed
                    break
                if data == b"":
                    break
                if data:
                    self.total += len(data)
                    room = self.HEAD - len(self.head)
                    if room > 0:
                        self.head += data[:room]
                        data = data[room:]
                    if data:
                        self.tail += data
                        del self.tail[:-self.TAIL]
                    continue
            try:
                select.select([self.fd], [], [], 0.1)
            except OSError:
                break

    def text(self):
        with self.lock:
            text = self.head.decode("utf-8", "replace")
            if self.tail:
                left = self.total - len(self.head) - len(self.tail)
                if left > 0:
                    text += "\n[... %d bytes left out ...]\n" % left
                text += self.tail.decode("utf-8", "replace")
        return text

    def mark(self):
        """Where the output is now: since(mark) is what came after."""
        with self.lock:
            return self.total

    def settled(self, limit=1.0):
        """mark(), once all the program wrote so far is read: the terminal
        holds no byte unread (or limit seconds passed, for a program that
        prints without end). What it printed before then is not in
        since() of this mark, however slow the reader was."""
        deadline = time.monotonic() + limit
        while True:
            with self.lock:
                if self.unread() == 0 or time.monotonic() >= deadline:
                    return self.total
            time.sleep(0.01)

    def unread(self):
        """The bytes the terminal holds that are not read yet."""
        try:
            return struct.unpack("i", fcntl.ioctl(
                self.fd, termios.FIONREAD, b"\0\0\0\0"))[0]
        except OSError:
            return 0

    def since(self, mark):
        """What the program wrote after mark (its last TAIL bytes at
        most, once more than HEAD bytes have come)."""
        return self.bytes_since(mark).decode("utf-8", "replace")

    def bytes_since(self, mark):
        """since(mark) as the bytes that came, not decoded."""
        with self.lock:
            if mark < len(self.head):
                return bytes(self.head[mark:]) + bytes(self.tail)
            start = mark - (self.total - len(self.tail))
            return bytes(self.tail[max(0, start):])

    def drain(self, limit=1.0):
        """Once every process that had the terminal has ended, wait (at
        most limit seconds) until all they wrote is read: the reader stops
        at EIO, when the last copy of the terminal is closed."""
        self.thread.join(limit)

    def close(self):
        time.sleep(0.05)  # what the program wrote last
        self.done.set()
        self.thread.join(2)
        if not self.thread.is_alive():
            os.close(self.fd)


# A call's times, with SOCKSTEP_TIMESTAMPS=1 (--picture).
STAMPED = re.compile(r"^(\[[a-z]+ \d+\] )?\[\d+\.\d+ (?:-|\d+\.\d+)\] ",
                     re.M)


def feed(fd, data):
    """Write data to fd, then close it."""
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except OSError:
        pass  # the program has ended, and the checker closed its end
    finally:
        os.close(fd)


def sealed(text, seal):
    """The lines of narration text that the library wrote: those that
    begin with seal and a space (taken off); without a seal, all. A
    line the program wrote into the narration's file or descriptor
    itself (a made-up call, a fault that never acted) lacks it."""
    if not seal:
        return text
    mark = seal + " "
    return "".join(ln[len(mark):] for ln in text.splitlines(True)
                   if ln.startswith(mark))


class Program:
    """The program under test, in a session of its own."""

    def __init__(self, run, port, stdin_data=None, faults=None,
                 narrate=False):
        self.run = run
        self.port = port
        self.argv = run.command(port)
        self.trace = None
        self.narration = None
        self.seal = None  # the narration's secret (sealed())
        self.stdin_data = stdin_data  # to run it again as it was
        cmd = list(self.argv)
        env = dict(os.environ, NO_COLOR="1", TERM="dumb",
                   PYTHONUNBUFFERED="1")
        if getattr(run, "picture", None):
            # --picture: the calls' times, and the port's packets from
            # before the program starts (pictures.py)
            from .pictures import Tcpdump
            env["SOCKSTEP_TIMESTAMPS"] = "1"
            self.capture = Tcpdump(run, port)
            run.captures.append(self.capture)
        if run.narrate or narrate or faults or getattr(run, "picture",
                                                       None):
            # faults ("recv=3"): scripts/narrate --faults makes them
            self.narration = os.path.join(run.tmpdir,
                                          "narration.%d" % run.next_id())
            cmd = [NARRATE, "--out", self.narration] + (
                ["--faults", faults] if faults else []) + ["--"] + cmd
            env["SOCKSTEP_NOWRAP"] = "1"  # a call to a line
            if not getattr(run, "picture", None):  # (its tools read it)
                # the library puts it before each of its lines and keeps
                # it from the program: a line the program writes into
                # the narration itself lacks it, and is not read
                self.seal = os.urandom(16).hex()
                env["SOCKSTEP_SEAL"] = self.seal
        if getattr(run, "picture", None):
            from .pictures import without_caps
            cmd = without_caps() + cmd
        if run.strace:
            self.trace = os.path.join(run.tmpdir, "trace.%d" % run.next_id())
            cmd = ["strace", "-f", "-qq", "-s", "32", "-o", self.trace, "-e",
                   "trace=%network,read,write,close,poll,ppoll,select,"
                   "pselect6,epoll_wait,epoll_pwait,dup2,dup3"] + cmd
        spec = getattr(run, "spec", None)
        # a server whose replies come from its operator: its stdin stays
        # open, and the exchange types lines on it (type())
        self.typed = stdin_data is None and spec is not None and \
            spec.typed()
        master, slave = pty.openpty()
        tty.setraw(slave)  # bytes as written: no \r added, no echo
        # in a batch's sandbox, a limit on processes below the checker's
        # own (see grading.py): the checker's threads count against it
        nproc = getattr(run, "nproc", None)
        # input given all at once goes through a pipe whose reading end
        # the checker keeps too: what is left in it is what the program
        # never read (input_left())
        self.input_fd = None
        pipe = os.pipe() if stdin_data is not None else None
        try:
            self.popen = subprocess.Popen(
                cmd, cwd=run.cwd, env=env, start_new_session=True,
                stdin=pipe[0] if pipe else subprocess.PIPE if self.typed
                else subprocess.DEVNULL,
                stdout=slave, stderr=slave,
                preexec_fn=None if nproc is None else
                lambda: resource.setrlimit(resource.RLIMIT_NPROC,
                                           (nproc, nproc)))
        except OSError as e:
            os.close(master)
            os.close(slave)
            for fd in pipe or ():
                os.close(fd)
            raise NotReady("The command could not be started: %s: %s."
                           % (self.argv[0], e.strerror), "cannot start")
        os.close(slave)
        self.pid = self.popen.pid
        self.started = time.monotonic()
        st = proc_stat(self.pid)
        self.start_tick = st["start"] if st else 0
        self.out = Capture(master)
        self.extra = {}         # descendants that left the session: start
        self.stopped = False
        self.ended_before_stop = None
        self.listening = []     # its sockets on the port, once bound
        self.host = None        # the address to reach it at
        self.owner = None       # the process holding the listening socket
        self.cpu0 = {}
        self.t_ready = self.started
        run.programs.append(self)
        if pipe:
            self.input_fd = pipe[0]
            # (a thread: more than the pipe holds waits for the program
            # to read, and finish() closing the reading end ends it)
            try:
                threading.Thread(target=feed, args=(pipe[1], stdin_data),
                                 daemon=True).start()
            except RuntimeError:
                # no thread to be had (a limit on processes reached):
                # what fits in the pipe, then its end
                os.set_blocking(pipe[1], False)
                try:
                    os.write(pipe[1], stdin_data)
                except OSError:
                    pass
                os.close(pipe[1])

    def input_left(self):
        """How many bytes of the input the checker gave it the program
        has not read (so far), or None when it was given none."""
        if self.input_fd is None:
            return None
        got = fcntl.ioctl(self.input_fd, termios.FIONREAD, b"\0" * 4)
        return struct.unpack("i", got)[0]

    def type(self, data):
        """Type data on the program's stdin (a server with 'input:'
        lines): None, or what went wrong."""
        try:
            self.popen.stdin.write(data)
            self.popen.stdin.flush()
        except (OSError, ValueError) as e:  # it has ended, or closed it
            return "typing %s on its standard input failed (%s)" % (
                shown(data, 40), getattr(e, "strerror", None) or e)
        return None

    # -- what it is doing --

    def pids(self, zombies=False, leftovers=False):
        """The program's processes: its session, everything descended from
        it, and the orphans it left (reparented to the checker). With
        leftovers, also what earlier programs of the run left behind
        (orphans that are older than this program)."""
        procs = my_procs()
        me = os.getpid()
        others = {p.pid for p in self.run.programs if p is not self}
        # --picture's tcpdumps are the checker's, not the program's
        others |= {c.proc.pid for c in getattr(self.run, "captures", ())}
        # Once the program is reaped, its number may be given to a new
        # process (pid_max may be 32768): a process of that number that
        # started at another time, and its session, are not ours.
        leader = procs.get(self.pid)
        reused = leader is not None and leader["start"] != self.start_tick
        # An orphan of the checker that started before this program is an
        # earlier program's, still dying after its stop(): what it does
        # (its zombie children, its descriptors) is not this program's.
        roots = ({self.pid} if leader and not reused else set()) | {
            pid for pid, start in self.extra.items()
            if pid in procs and procs[pid]["start"] == start} | {
            pid for pid, st in procs.items()
            if st["ppid"] == me and pid not in others and
            (leftovers or st["start"] >= self.start_tick)}
        children = {}
        for pid, st in procs.items():
            children.setdefault(st["ppid"], []).append(pid)
        found, todo = set(), list(roots)
        while todo:
            pid = todo.pop()
            if pid in procs and pid not in found:
                found.add(pid)
                todo.extend(children.get(pid, []))
        if not reused:
            found |= {pid for pid, st in procs.items()
                      if st["session"] == self.pid}
        return [pid for pid in found
                if zombies or procs[pid]["state"] != "Z"]

    def reap(self):
        """Reap the orphans that ended as the checker's children."""
        me = os.getpid()
        for pid in self.pids(zombies=True, leftovers=True):
            st = proc_stat(pid)
            if pid != self.pid and st and st["ppid"] == me:
                try:
                    os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    pass

    def waiting(self):
        """True when every thread of the program's processes sleeps (in
        recvfrom(), select(), sleep()...) or is stopped, or none is left:
        none runs, none waits for the disk."""
        for pid in self.pids():
            for data in task_files(pid, "stat") or ():  # () once it ended
                if data[data.rfind(")") + 2:][:1] not in ("S", "T", "t"):
                    return False
        return True  # (with no process left, none runs either)

    def settled(self, limit=2.0):
        """A mark of the output once the program has gone quiet: it
        waits (waiting()) and its terminal holds no byte unread, seen
        twice 20 ms apart with nothing new. What it printed as it
        started, however slowly, is then before the mark: a program
        bound, then preempted before its first print, would otherwise
        print after the mark. A program that never waits (it prints or
        computes without end) gets limit seconds."""
        deadline = time.monotonic() + limit
        last = None
        while True:
            with self.out.lock:
                total = self.out.total
                quiet = self.out.unread() == 0
            quiet = quiet and self.waiting()
            if quiet and last == total and self.out.total == total:
                return total
            if time.monotonic() >= deadline:
                return self.out.settled(0)
            last = total if quiet else None
            time.sleep(0.02)

    def quiet(self, limit=TURN_LIMIT):
        """Wait until the program has done with what came before: it has
        ended, or every thread of it sleeps, seen twice 20 ms apart (a
        child on its way out, or a parent handling its SIGCHLD, runs);
        limit seconds at most, for a program that never sleeps. Clients
        that come one after another come so: each once the program is
        done with the one before, whatever the machine's load."""
        deadline = time.monotonic() + limit
        asleep = 0
        while time.monotonic() < deadline:
            if not self.alive():
                return
            asleep = asleep + 1 if self.waiting() else 0
            if asleep >= 2:
                return
            time.sleep(0.02)

    def alive(self):
        # While the process we started runs, the program is alive: no need
        # to read every process in /proc (polled every 20 ms, that scan
        # was most of the checker's CPU on a machine with many processes).
        # Once it has ended, its children and orphans may still run.
        if self.popen.poll() is None:
            return True
        return bool(self.pids())

    def owner_alive(self):
        if self.owner is None:
            return self.alive()
        st = proc_stat(self.owner)
        return st is not None and st["state"] != "Z"

    def returncode(self):
        return self.popen.poll()

    def cpu_snapshot(self):
        """{pid: CPU seconds so far} over the program's processes."""
        snap = {}
        for pid in self.pids():
            st = proc_stat(pid)
            if st:
                snap[pid] = st["cpu"]
        return snap

    def cpu(self):
        return sum(self.cpu_snapshot().values())

    def cpu_since(self, snap):
        """CPU seconds used since snap, by the processes alive now."""
        return sum(max(0.0, t - snap.get(pid, 0.0))
                   for pid, t in self.cpu_snapshot().items())

    def socket_map(self):
        """{socket inode: [pids holding it]} over the program's processes."""
        owners = {}
        for pid in self.pids():
            for inode in socket_inodes(pid):
                owners.setdefault(inode, []).append(pid)
        return owners

    def bound_sockets(self):
        """Every listening TCP and unconnected UDP socket it holds."""
        mine = self.socket_map()
        return [s for s in net_table("tcp") + net_table("udp")
                if s.inode in mine and s.bound()]

    def output(self):
        # Once the program has ended, all it wrote is read before it is
        # judged: a program may run to its end before the checker (on a
        # busy machine) has even looked, its last words still in the pty.
        if (self.out.thread.is_alive() and self.popen.poll() is not None
                and not self.pids()):
            self.out.drain()
        return self.out.text()

    def wait_started(self):
        """A client's or a sender's start: wait until the program holds a
        socket (the first thing such a program does that the checker can
        see), or has ended, at most --wait s from its start, as a server
        is given to listen. The checks' clocks (it ends within 5 s, a
        datagram within 3 s) start after this: a program slow to start
        (an interpreter on a busy grading machine) is not judged by that
        time. One that never opens a socket is judged as before, --wait s
        later."""
        deadline = self.started + self.run.wait
        while (time.monotonic() < deadline and self.alive() and
               not self.socket_map()):
            time.sleep(0.02)

    def wait_exit(self, limit):
        """Wait at most limit seconds for the program to end; its status,
        or None if it still runs."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if not self.alive():
                break
            time.sleep(0.02)
        if self.pids():
            return None
        self.out.drain()
        return self.returncode()

    def wait_output(self, test, limit):
        """Poll the output until test(text) is true, the program ends, or
        limit seconds pass; returns the last text."""
        deadline = time.monotonic() + limit
        while True:
            text = self.output()
            if test(text):
                return text
            if time.monotonic() > deadline:
                return text
            if not self.alive():
                self.out.drain()
                return self.output()
            time.sleep(0.03)

    def fate(self, wait=EXIT_WAIT):
        """A sentence on how the program ended, or '' if it still runs.
        A process that is exiting has already closed its sockets (a peer
        saw a RST or an EOF) but may not have ended yet: wait for an
        event, not a time: it has ended, or every thread sleeps, seen
        twice (a process on its way out runs; on a busy machine it may
        wait long for a CPU), wait + EXIT_SLOW seconds at most. wait=0:
        one look, no waiting."""
        deadline = time.monotonic() + wait + (EXIT_SLOW if wait else 0)
        asleep = 0
        while True:
            running = (self.owner_alive() if self.owner is not None
                       else self.alive())
            if not running:
                break
            asleep = asleep + 1 if self.waiting() else 0
            if asleep >= 2 or time.monotonic() > deadline:
                return ""
            time.sleep(0.02)
        time.sleep(0.05)
        if self.owner is None or not self.pids():
            self.out.drain()
        rc = self.returncode()
        text = self.output()
        if rc is None:
            what = ("the process holding its listening socket (pid %d) had "
                    "ended, while the command still ran" % self.owner)
        else:
            what = "it " + describe_status(rc)
        err = crash_report(text)
        if err:
            what += ", after %s" % err
        return " The program had ended: %s." % what

    def cpu_note(self):
        """' It used 2.9 s of CPU in 3.0 s: it spins.' when it does."""
        if not self.alive():
            return ""
        used = self.cpu_since(self.cpu0)
        span = time.monotonic() - self.t_ready
        if span > 0.5 and used > SPIN_SHARE * span:
            return (" Meanwhile the program used %s of CPU in %s: it spins, "
                    "running in a loop instead of waiting."
                    % (secs(used), secs(span)))
        return ""

    # -- starting: wait until it listens (TCP) or is bound (UDP) --

    def wait_bound(self, proto):
        verb = "listened on" if proto == "tcp" else "bound"
        shown_cmd = show_cmd(self.argv)
        deadline = self.started + self.run.wait
        elsewhere_since = None
        last_table = 0.0
        while True:
            mine = self.socket_map()
            # Reading /proc/net costs when the machine has many sockets:
            # only when the program has sockets, or now and then.
            now = time.monotonic()
            if mine or now - last_table > 0.5:
                table = [s for s in net_table(proto) if s.bound()]
                last_table = now
            else:
                table = []
            on_port = [s for s in table if s.port == self.port]
            ours = [s for s in on_port if s.inode in mine]
            if on_port and not ours:
                # it may have bound its socket after its descriptors were
                # read: read them again before looking elsewhere
                mine = self.socket_map()
                ours = [s for s in on_port if s.inode in mine]
            if on_port and not ours:
                ours = self.adopt(on_port)
            if ours:
                return self.ready(ours, mine)
            if not self.alive():
                time.sleep(0.1)
                rc = self.returncode()
                text = self.output()
                hint = ""
                if "Address already in use" in text or "EADDRINUSE" in text:
                    hint = (" Its port was taken (EADDRINUSE): another "
                            "program, or connections of an earlier run in "
                            "TIME_WAIT (a server sets SO_REUSEADDR before "
                            "bind(): see lesson 07).")
                err = python_error(text)
                if err and not hint:
                    hint = " Its last words: %s." % err
                raise NotReady(
                    "The program %s before it %s port %d (the checker ran: "
                    "%s).%s" % (describe_status(rc), verb, self.port,
                                shown_cmd, hint),
                    "ended before it %s the port" % verb)
            elsewhere = [s for s in table if s.inode in mine]
            now = time.monotonic()
            if elsewhere:
                elsewhere_since = elsewhere_since or now
                if now - elsewhere_since > 1.0:
                    where = ", ".join(s.where() for s in elsewhere)
                    if proto == "tcp" and kernel_chose(elsewhere[0]):
                        raise self.unbound_listen(elsewhere[0], shown_cmd)
                    raise NotReady(
                        "The program %s %s, not port %d that the checker "
                        "gave it (the checker ran: %s). Take the port from "
                        "the command line, or run the checker with --port "
                        "%d." % (verb, where, self.port, shown_cmd,
                                 elsewhere[0].port),
                        "%s another port" % verb)
            if now > deadline:
                # (under --strace, strace is the first of them)
                many = len(self.pids()) - (1 if self.trace else 0)
                raise NotReady(
                    "The program was still running after %d s%s but never "
                    "%s port %d (the checker ran: %s). Does it take its "
                    "port from the command line? If it always uses the "
                    "same port, run the checker with --port N. If it is "
                    "slow to start, give it longer with --wait S."
                    % (self.run.wait,
                       " (as %d processes)" % many if many > 1 else "",
                       verb, self.port, shown_cmd),
                    "never %s the port" % verb)
            time.sleep(0.03)

    def unbound_listen(self, sock, shown_cmd):
        """It listens on a port the kernel chose: listen() on a socket
        with no address does that, so its bind() had failed, unseen."""
        waiting = [s for s in net_table("tcp") if s.port == self.port and
                   s.state == Sock.TIME_WAIT]
        return NotReady(
            "The program listened on %s, a port the kernel chose, not on "
            "port %d that the checker gave it (the checker ran: %s). The "
            "kernel chooses a port when listen() is called on a socket "
            "that has no address: so its bind() to port %d had failed, "
            "probably with EADDRINUSE%s, and the program went on without "
            "looking at what bind() returned. Check bind()'s result, and "
            "set SO_REUSEADDR before bind() (lesson 07)." % (
                sock.where(), self.port, shown_cmd, self.port,
                " (a connection of an earlier run was in TIME_WAIT on "
                "port %d)" % self.port if waiting else ""),
            "bind() failed unchecked: listened on a port the kernel chose")

    def adopt(self, on_port):
        """The port is held by a process outside the session: a daemon
        the program started (it left the session) is adopted; anything
        else is another program's."""
        inodes = {s.inode for s in on_port}
        for pid in all_pids():
            if inodes & socket_inodes(pid):
                st = proc_stat(pid)
                if st and st["start"] >= self.start_tick:
                    self.extra[pid] = st["start"]
                    return on_port
                raise NotReady(
                    "Port %d was taken by another program (pid %d) before "
                    "this one could use it." % (self.port, pid),
                    "port taken by another program", fatal=False)
        return []

    def ready(self, ours, mine):
        self.listening = ours
        hosts = [connect_host(s.ip) for s in ours]
        hosts = [h for h in hosts if h]
        if not hosts:
            raise NotReady(
                "The program listens only on %s, which is not loopback: the "
                "checker connects to nothing but 127.0.0.1 and ::1. Let it "
                "bind 127.0.0.1 (or take the address on its command line)."
                % ", ".join(s.where() for s in ours),
                "not on loopback")
        self.host = LOCAL if LOCAL in hosts else hosts[0]
        holders = mine.get(ours[0].inode, [])
        starts = sorted([((proc_stat(p) or {}).get("start", 0), p)
                         for p in holders])
        self.owner = starts[0][1] if starts else None
        self.cpu0 = self.cpu_snapshot()
        self.t_ready = time.monotonic()
        return ours

    def fds(self):
        """The owner's descriptors: (how many, how many are sockets)."""
        links = fd_links(self.owner) if self.owner else None
        if links is None:
            return None, None
        return len(links), sum(1 for t in links.values()
                               if t.startswith("socket:"))


    def fds_settled(self, before, seconds=1.0):
        """fds() once the count is back to before or less, or after
        seconds: the last client's socket may be closing still."""
        deadline = time.monotonic() + seconds
        while True:
            after, sockets = self.fds()
            if after is None or after <= before or \
                    time.monotonic() > deadline:
                return after, sockets
            time.sleep(0.05)

    def trace_tail(self, lines=12):
        """The last system calls, runs of the same call folded into one."""
        if not self.trace:
            return []
        try:
            with open(self.trace, "rb") as f:
                f.seek(0, 2)
                size = f.tell()
                f.seek(max(0, size - 256 * 1024))
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return []
        lines_ = text.split("\n")[1:-1]  # the first and last may be cut
        calls = [re.sub(r"^\d+ +", "", ln.strip()) for ln in lines_]
        return fold_calls(calls, lines)

    def narration_text(self):
        """All that scripts/narrate wrote ('' without it)."""
        if not self.narration:
            return ""
        try:
            with open(self.narration, "rb") as f:
                return sealed(f.read().decode("utf-8", "replace"),
                              self.seal)
        except OSError:
            return ""

    def narration_tail(self, lines=12):
        """The last socket calls scripts/narrate told, with the lines that
        count a repeated cycle; explanations and kernel views left out."""
        if not self.narration:
            return []
        try:
            with open(self.narration, "rb") as f:
                f.seek(0, 2)
                f.seek(max(0, f.tell() - 256 * 1024))
                text = sealed(f.read().decode("utf-8", "replace"),
                              self.seal)
        except OSError:
            return []
        # --picture's times ("[T0 T1] " before a call) left out; a call
        # as made ("[T0 -] ") is told again as it returns
        text = STAMPED.sub(r"\1", text)
        calls = [ln for ln in text.split("\n")
                 if NARRATED_CALL.match(ln) or " more time" in ln and
                 not ln.startswith(" ")]
        return calls[-lines:]

    # -- ending it --

    def signal_all(self, sig):
        """Send sig to the program's process group and to each of its
        processes, and to what earlier programs left; False when the
        program had none."""
        if self.popen.returncode is None:  # not reaped: the group is ours
            try:
                os.killpg(self.pid, sig)
            except OSError:
                pass
        everything = self.pids(leftovers=True)
        for pid in everything:
            try:
                os.kill(pid, sig)
            except OSError:
                pass
        return bool(everything) and bool(self.pids())

    def stop(self):
        if self.stopped:
            return
        # how the process it started had ended, if it had, before the
        # checker's signals (checks.left_running)
        self.ended_before_stop = self.popen.poll()
        self.stopped = True
        for sig, grace in ((signal.SIGTERM, 0.5), (signal.SIGKILL, 3.0)):
            if not self.signal_all(sig):
                break
            deadline = time.monotonic() + grace
            while time.monotonic() < deadline:
                self.popen.poll()
                # a process forked since the signal (a daemon that keeps
                # forking new sessions) gets SIGKILL in its turn
                if not (self.signal_all(signal.SIGKILL)
                        if sig == signal.SIGKILL else self.pids()):
                    break
                time.sleep(0.02)
        # none seen twice, 50 ms apart: a child forked as its parent died
        # shows up in /proc only once it is reparented to the checker
        deadline = time.monotonic() + 3.0
        quiet = 0
        while quiet < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
            quiet = 0 if self.signal_all(signal.SIGKILL) else quiet + 1
        try:
            self.popen.wait(timeout=3)
        except subprocess.TimeoutExpired:
            pass
        if self.typed:
            try:
                self.popen.stdin.close()
            except OSError:
                pass
        self.reap()
        self.out.close()
        if self.input_fd is not None:
            os.close(self.input_fd)
            self.input_fd = None
