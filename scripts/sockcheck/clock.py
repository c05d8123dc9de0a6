"""The program's own time: the clock of the limits that decide a verdict.

A limit counted in wall seconds counts the time a program could not run
as its fault: on a machine busy with other work (a class graded with
--jobs beside busy loops), or under a CPU quota (a cgroup's), an honest
program may wait long for a CPU. Budget counts the wall time less what
the program lost so waiting: a program blocked in a call (sleeping,
waiting for a client that never comes) uses its limit at wall speed, so
a hung or silent program still fails in the stated time; a starved one
gets back the time it waited. A ceiling (CEILING times the limit, in
wall seconds) ends every wait all the same.

What is lost, on Linux, read from /proc for each thread of the
program's processes between two looks: the growth of the second field
of /proc/PID/task/TID/schedstat, the time it was runnable but waiting on
a run queue (this includes a cgroup's CPU-quota throttling, on the
kernels tried); and, for a thread seen runnable (state R) at both looks,
all the time it did not run (a throttled task may be taken off its run
queue until its quota comes back). The most any one thread lost counts,
no more than the time between the looks. Without schedstat (a kernel
without CONFIG_SCHED_INFO), nothing is lost: wall time."""

import os
import time

# The most a wait lasts, in wall time, as a multiple of its limit.
CEILING = 3
# How often the program's threads are read, at most (seconds); and how
# often its list of processes (a scan of /proc) is made again.
LOOK_EVERY = 0.02
PIDS_EVERY = 0.5

RULE = ("A limit that waits for the program (its reply, its output, its "
        "end, its listening socket, --wait) counts the program's own time: "
        "the wall time less the time its processes were ready to run but "
        "waited for a CPU (on a busy machine, under a CPU quota), read "
        "from /proc; a program blocked in a call uses its limit at wall "
        "speed. No such wait lasts more than %d times its limit." % CEILING)


def thread_times(pid):
    """{tid: (CPU ns, run-queue wait ns, runnable)} for pid's threads."""
    out = {}
    try:
        tids = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return out
    for tid in tids:
        base = "/proc/%d/task/%s/" % (pid, tid)
        try:
            with open(base + "schedstat") as f:
                cpu, wait = (int(n) for n in f.read().split()[:2])
            with open(base + "stat") as f:
                data = f.read()
        except (OSError, ValueError):
            continue
        out[(pid, tid)] = (cpu, wait, data[data.rfind(")") + 2:][:1] == "R")
    return out


class Budget:
    """limit seconds of the program's time (the module's story); prog is
    a Program (its pids()), or None for wall time; start, the clock's
    time it counts from (now by default)."""

    def __init__(self, prog, limit, start=None, ceiling=CEILING,
                 clock=time.monotonic):
        self.prog = prog
        self.limit = limit
        self.clock = clock
        self.t0 = clock() if start is None else start
        self.hard = self.t0 + max(limit * ceiling, limit + 1.0)
        self.lost = 0.0
        self.pids = []
        self.pids_at = None
        self.last = None    # (when, thread_times) of the last look
        self.look()

    def _pids(self, now):
        if self.pids_at is None or now - self.pids_at >= PIDS_EVERY:
            self.pids_at = now
            try:
                self.pids = self.prog.pids()
            except (OSError, AttributeError):
                self.pids = []
        return self.pids

    def look(self):
        """Read the threads, and add what they lost since the last look."""
        if self.prog is None:
            return
        now = self.clock()
        if self.last is not None and now - self.last[0] < LOOK_EVERY:
            return
        times = {}
        for pid in self._pids(now):
            times.update(thread_times(pid))
        if self.last is not None:
            span = (now - self.last[0]) * 1e9
            worst = 0
            for key, (cpu, wait, runnable) in times.items():
                before = self.last[1].get(key)
                if before is None:
                    continue
                lost = wait - before[1]
                if runnable and before[2]:
                    lost = max(lost, span - (cpu - before[0]))
                worst = max(worst, lost)
            self.lost += min(worst, span) / 1e9
        self.last = (now, times)

    def elapsed(self):
        """The program's seconds since the start."""
        self.look()
        return max(0.0, self.clock() - self.t0 - self.lost)

    def wall(self):
        return self.clock() - self.t0

    def over(self):
        """The limit is used up (or the ceiling reached)."""
        return self.elapsed() >= self.limit or self.clock() >= self.hard

    def left(self, most=0.1):
        """What is left of the limit, no more than most (a wait on a
        socket is cut in pieces, so the program is looked at between
        them); 0 once over()."""
        if self.over():
            return 0.0
        return max(0.0, min(most, self.limit - self.elapsed(),
                            self.hard - self.clock()))
