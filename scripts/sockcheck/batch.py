"""What the batch (grading.py) needs beside the checks: a submission's
build, a fixed port waited for until the previous submission has let it
go (without the sandbox), and the summary of every check over the
class."""

import os
import signal
import socket
import subprocess
import tempfile
import time

from . import sandbox
from .common import LOCAL, Usage
from .procfs import TCP_STATES, all_pids, net_table, socket_inodes
from .words import and_list, plural, printable, secs

# A connection the kernel closes on its own (TIME_WAIT, FIN_WAIT...) is
# gone within 60 s on Linux: a port held only by those is waited for
# that long, whatever --wait says.
KERNEL_LIMIT = 61


def proto_of(run):
    """The protocol of the port a run's program uses (or, for a client,
    the port of the checker's own peer)."""
    if run.spec is not None:
        return run.spec.proto
    return "udp" if run.kind.startswith("udp") else "tcp"


def can_bind(port, proto):
    """Could a server bind port on 127.0.0.1 now? For TCP, one that sets
    SO_REUSEADDR, as a server on a fixed port must."""
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    s = socket.socket(socket.AF_INET, kind)
    try:
        if proto == "tcp":
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((LOCAL, port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def command_name(pid):
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().strip()
    except OSError:
        return "?"


def holders(port, proto, who=True):
    """(what holds port, in a few words, or '' when it is free; whether
    only the kernel holds it, in connections it closes by itself).
    who=False: without the pids that hold it (no walk of every process's
    descriptors)."""
    socks = [s for s in net_table(proto) if s.port == port]
    bound = [s for s in socks if s.bound()]
    if not bound and can_bind(port, proto):
        return "", False
    live = [s for s in socks if s.inode]
    if live and not who:
        return "a socket", False
    if live:
        inodes = {s.inode for s in live}
        pids = [pid for pid in all_pids() if inodes & socket_inodes(pid)]
        who = and_list("pid %d (%s)" % (pid, command_name(pid))
                       for pid in pids[:3]) or "a process out of sight"
        what = ("a listening socket" if proto == "tcp" and bound
                else "a socket" if bound else "a connection")
        return "%s of %s" % (what, who), False
    if socks:
        states = sorted({TCP_STATES.get(s.state, "state %d" % s.state)
                         for s in socks})
        return ("%s in %s, which the kernel closes by itself (left by a "
                "program without SO_REUSEADDR)"
                % (plural(len(socks), "connection"), and_list(states)), True)
    return "something the checker cannot see", False


def wait_for_port(port, proto, limit, say=None):
    """Wait, polling, until port can be bound: at most limit seconds for
    a socket that a process holds, at most KERNEL_LIMIT for connections
    the kernel is closing. (None, seconds waited) once it is free, or
    (what held it, seconds) when it never came free. say(text), if
    given, is told once what is waited for."""
    t0 = time.monotonic()
    looked = False
    while True:
        what, kernel = holders(port, proto, who=not looked)
        waited = time.monotonic() - t0
        if not what:
            return None, waited
        bound = max(limit, KERNEL_LIMIT) if kernel else limit
        if say and not looked:  # even when the first look took that long
            say("port %d is held by %s: waiting for it (at most %s)"
                % (port, what, secs(bound)))
        looked = True
        if waited >= bound:
            return holders(port, proto)[0] or what, waited
        time.sleep(0.25 if kernel else 0.1)


SUMMARY_COLUMNS = ("check", "passed", "failed", "noted", "not run")
COUNTED = {"PASS": 1, "FAIL": 2, "NOTE": 3, "NOT RUN": 4}


def summary(rows, columns):
    """The lines of the lecturer's summary: how many submissions passed
    every check, failed one or more, failed none but had checks NOT RUN
    (a check that could not be made is not a pass), or were not checked;
    then a table, one line per check that ran anywhere: how many passed
    it, failed it, passed it with a note, or did not run it."""
    counts = []
    for name in columns:
        n = [name, 0, 0, 0, 0]
        for row in rows:
            if row.get(name) in COUNTED:
                n[COUNTED[row[name]]] += 1
        if sum(n[1:]):
            counts.append(n)
    # checked: a check ran (a row read back from a CSV keeps no 'not
    # checked', but one that was not checked has only NOT RUN)
    ran = [r for r in rows if any(r.get(c) in ("PASS", "FAIL", "NOTE")
                                  for c in columns)
           and not r.get("not checked")]
    failed = sum(1 for r in ran if int(r["failed"]) > 0)
    partly = sum(1 for r in ran if int(r["failed"]) == 0 and any(
        r.get(c) == "NOT RUN" for c in columns))
    # ("failed none but had checks not run", not "with checks not run":
    # a submission that failed one may have checks not run too, and is
    # counted as failed)
    lines = ["%s: %d passed every check, %d failed, %d failed none but "
             "had checks not run, %d not checked"
             % (plural(len(rows), "submission"), len(ran) - failed - partly,
                failed, partly, len(rows) - len(ran))]
    if counts:
        width = max(len(SUMMARY_COLUMNS[0]), *(len(n[0]) for n in counts))
        fmt = "%-" + str(width) + "s  %6s  %6s  %5s  %7s"
        lines.append((fmt % SUMMARY_COLUMNS).rstrip())
        lines += [fmt % tuple(n) for n in counts]
    return lines


# A submission's build command ('build: make' in its run file) may take
# this long; then it is ended, and the submission is not checked.
BUILD_LIMIT = 120


def exited_unreaped(pid, limit):
    """Wait at most limit seconds for child pid to end, without reaping
    it: a number not reaped cannot be given to another process, so a
    signal to it (or to its process group) reaches no stranger. The
    status (as Popen.returncode) once it ended, or None."""
    deadline = time.monotonic() + limit
    while True:
        info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG
                         | os.WNOWAIT)
        if info is not None:
            return (info.si_status if info.si_code == os.CLD_EXITED
                    else -info.si_status)
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.05)


class BuildFailed(Usage):
    """The build command of a run file failed: its row says so. output:
    the lines it printed (not blank), when it ran and failed."""

    output = ()


def build(here, line):
    """Run the build command of line ('build: COMMAND') in here, through
    the shell; raise BuildFailed with its status and last line of output
    when it fails or takes more than BUILD_LIMIT seconds. The build is
    over when the shell is: a process it left in the background (which
    may hold its output open) is ended with its process group; in a
    sandbox, one that left the group is ended too, before any check
    (sandbox.end_others()), else with the checker."""
    cmd = line.split(":", 1)[1].strip()
    if not cmd:
        raise Usage("build: expected a command after 'build:'")
    with tempfile.TemporaryFile() as out:
        try:
            p = subprocess.Popen(["/bin/sh", "-c", cmd], cwd=here,
                                 stdin=subprocess.DEVNULL, stdout=out,
                                 stderr=subprocess.STDOUT,
                                 start_new_session=True)
        except OSError as e:
            raise BuildFailed("'%s' could not start: %s" % (cmd,
                                                            e.strerror))
        # waited for unreaped, so that its process group's number stays
        # the build's until the group is ended
        ended = exited_unreaped(p.pid, BUILD_LIMIT)
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except OSError:
            pass
        p.wait()
        # in a sandbox, what left the group too
        sandbox.end_others()
        if ended is None:
            raise BuildFailed("'%s' still ran after %d s, and was ended"
                              % (cmd, BUILD_LIMIT))
        out.seek(0)
        text = out.read(1 << 20).decode("utf-8", "replace")
    if p.returncode != 0:
        last = [ln for ln in text.splitlines() if ln.strip()]
        failed = BuildFailed("'%s' exited with status %d%s" % (
            cmd, p.returncode, ": " + printable(last[-1].strip()[:200])
            if last else ""))
        failed.output = last  # its lines, raw: a report shows its end
        raise failed
