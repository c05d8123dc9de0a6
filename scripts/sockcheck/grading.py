"""--batch DIR: grade a class. The lecturer's command line decides what
is checked (KIND or --spec, --only); each submission's run file gives
only its command, and at most --port N and --wait S.

Each submission is checked by a checker of its own (this module's
inner()), started as a child: inside a sandbox (sandbox.py) unless
--no-sandbox is given, always on a copy of the submission's folder. It
tells the batch each check's result as one JSON line on its standard
output. The batch writes each row of the CSV, and flushes it, as soon as
that submission and those before it are done; a batch started again on
the same --csv skips the submissions it already holds. --jobs N checks N
submissions at once, each sandbox with a loopback of its own."""

import csv
import io
import json
import os
import resource
import select
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time

from . import sandbox
from .batch import (BUILD_LIMIT, BuildFailed, build, exited_unreaped,
                    proto_of, summary, wait_for_port)
from .kinds import kind_checks
from .common import PROG, TOP, Usage
from .options import validate
from .procfs import all_procs, become_subreaper, proc_stat
from .runfile import Refused, decode, parse as parse_run_file, read_bytes
from .runner import Run, run_checks, stop_everything
from .spec import load as load_spec
from .spec_server import checks_for
from .source import SOURCE
from .words import plural, printable, secs, signal_name

# A check that tells nothing for this long (the batch's wait for a
# fixed port, or --wait, added) is ended: its row says so.
CHECK_LIMIT = 90
# At most this much of what the checker inside says is read.
MAX_SAID = 1 << 20


# ---- what a lecturer sees: names and cells made harmless ------------------

def cell(value):
    """A CSV cell that a spreadsheet shows as text: escaped, and one that
    starts with =, +, -, @ (a formula) or ' (a spreadsheet's mark of
    text, which it hides) gets a ' before it: '=x and =x stay apart."""
    text = printable(str(value))
    if text[:1] in ("=", "+", "-", "@", "'"):
        text = "'" + text
    return text


def name_cell(name):
    """The cell of a submission's folder name, the key of its row: as
    cell(), with a backslash of the name doubled first, so that no two
    names give one cell (a folder named a\\x1b, and one whose name holds
    an ESC, shown a\\x1b)."""
    return cell(name.replace("\\", "\\\\"))


def csv_line(values):
    """One row of the CSV, as csv.writer writes it."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue()


def say(text):
    """One line to the lecturer's terminal, escaped whole: it may carry a
    run file's text (a build command, an option), which is the
    student's."""
    try:
        print("%s: %s" % (PROG, printable(text)), file=sys.stderr,
              flush=True)
    except OSError:
        pass  # the terminal is gone (a dropped SSH session): go on


# ---- the lecturer's side: the class, its rows, its CSV ------------------------

class Class:
    """The class to grade: its submissions, the checks, the CSV."""

    def __init__(self, opts):
        self.opts = opts
        top = opts.batch
        if opts.command is not None:
            raise Usage("--batch: takes no command (each submission's run "
                        "file holds its own)")
        if opts.format != "text":
            raise Usage("--format: not with --batch (it writes a CSV)")
        if not os.path.isdir(top):
            raise Usage("--batch: no directory '%s'" % top)
        self.subs = sorted(d for d in os.listdir(top)
                           if os.path.isdir(os.path.join(top, d)))
        if not self.subs:
            raise Usage("--batch: no submissions (subdirectories) in '%s'"
                        % top)
        if opts.kind is None and opts.spec is None:
            raise Usage("--batch: name what is checked, KIND or --spec "
                        "FILE, on the command line (see --help)")
        self.top = os.path.abspath(top)
        self.spec = None
        if opts.spec is not None:
            self.spec = os.path.abspath(opts.spec)
            spec, err = load_spec(self.spec)
            if err:
                raise Usage("--spec: " + err)
            self.kind = os.path.basename(self.spec)
            all_checks = [c.name for c in checks_for(spec)]
        else:
            self.kind = opts.kind
            all_checks = [c.name for c in kind_checks(opts.kind)[0]]
        if opts.source:
            all_checks = ["source"] + all_checks
            for name in opts.source:
                if not name.endswith((".c", ".h", ".py")):
                    raise Usage("--source: expected a .c, .h or .py file, "
                                "got '%s'" % name)
                if os.path.isabs(name) or ".." in name.split("/"):
                    raise Usage("--source: with --batch, a file name "
                                "inside each submission, got '%s'" % name)
        for name in opts.only or []:
            if name not in all_checks:
                raise Usage("--only: no check '%s' for %s (see --list)"
                            % (name, self.kind))
        self.checks = [c for c in all_checks
                       if not opts.only or c in opts.only]
        self.fields = ["submission", "kind", "passed", "failed",
                       "not run"] + \
            self.checks + ["notes"]
        self.sandboxed = not opts.no_sandbox
        self.limits = opts.limit or sandbox.LIMITS
        if opts.jobs > 1 and not self.sandboxed:
            raise Usage("--jobs: needs the sandbox (each has a loopback of "
                        "its own); without it, submissions would take each "
                        "other's ports")
        self.done_before = []   # rows a previous run of the batch wrote
        self.text = ""          # what --csv FILE holds, as the batch wrote it
        self.out = self.open_csv()

    def open_csv(self):
        """The CSV, open before the first row: standard output, or --csv
        FILE (appended to, if it holds rows of these same checks)."""
        path = self.opts.csv
        if not path:
            return None
        if os.path.exists(path) and not os.path.isfile(path):
            # a pipe, a terminal, a device: it cannot be read back
            raise Usage("--csv: %s: not a regular file (without --csv, the "
                        "CSV goes to standard output)" % path)
        try:
            f = open(path, "a+", newline="", encoding="utf-8")
        except OSError as e:
            raise Usage("--csv: cannot write '%s': %s" % (path, e.strerror))
        # what restore() writes again: the file itself, where a link led
        self.real = (os.path.realpath(path)
                     if stat.S_ISREG(os.fstat(f.fileno()).st_mode) else None)
        f.seek(0)
        text = f.read()
        if not text.strip():
            try:
                f.truncate(0)
                csv.writer(f, lineterminator="\n").writerow(self.fields)
                f.flush()
            except OSError as e:
                raise Usage("--csv: cannot write '%s': %s"
                            % (path, e.strerror))
            self.text = csv_line(self.fields)
            return f
        if not text.endswith("\n"):  # a row cut by a crash: drop it
            text = text[:text.rfind("\n") + 1]
            f.truncate(len(text.encode("utf-8")))
            f.seek(0, io.SEEK_END)
        rows = list(csv.reader(io.StringIO(text)))
        if not rows or rows[0] != self.fields:
            f.close()
            raise Usage("--csv: '%s' holds rows of other checks (its "
                        "columns differ): name another file, or remove it "
                        "to start afresh" % path)
        self.done_before = [dict(zip(self.fields, r)) for r in rows[1:]]
        self.text = text
        return f

    def write(self, row):
        """Write one row, whole, and flush it. OSError (a full disk, say):
        the file is cut back to the rows before it, where it can be."""
        values = [name_cell(row[f]) if f == "submission"
                  else cell(row.get(f, "")) for f in self.fields]
        line = csv_line(values)
        if self.out is None:
            sys.stdout.write(line)
            sys.stdout.flush()
            return
        # unbuffered: a row the disk could not take leaves nothing in a
        # buffer, to be written later
        fd, data = self.out.fileno(), line.encode("utf-8")
        try:
            while data:
                data = data[os.write(fd, data):]
            os.fsync(fd)
        except OSError:
            try:
                os.ftruncate(fd, len(self.text.encode("utf-8")))
            except OSError:
                pass
            raise
        self.text += line

    def close(self):
        """Close --csv FILE; OSError is not said (a row that could not
        be written already was)."""
        try:
            self.out.close()
        except OSError:
            try:  # the buffer it could not write is dropped
                os.close(self.out.fileno())
            except (OSError, ValueError):
                pass

    def restore(self):
        """Without the sandbox, a submission can replace, remove or
        overwrite --csv FILE while it is graded (the batch goes on writing
        to the file it opened). Once every submission has ended: when FILE
        no longer holds what the batch wrote, write it again, whole, and
        say so. Only a regular file is: not a FIFO or a device."""
        path = self.real
        if path is None:
            return
        try:
            with open(path, newline="", encoding="utf-8",
                      errors="replace") as f:
                if f.read() == self.text:
                    return
        except OSError:
            pass
        new = "%s.%d.new" % (path, os.getpid())
        try:
            with open(new, "w", newline="", encoding="utf-8") as f:
                f.write(self.text)
                f.flush()
                os.fsync(f.fileno())
            os.replace(new, path)
        except OSError as e:
            try:
                os.unlink(new)
            except OSError:
                pass
            say("%s was changed while grading, and cannot be written again: "
                "%s" % (printable(self.opts.csv), e.strerror))
            return
        say("%s was replaced, removed or changed while grading%s: written "
            "again, with its %s" % (
                printable(self.opts.csv), "" if self.sandboxed else
                " (without the sandbox, a submission can write your files)",
                plural(self.text.count("\n") - 1, "row")))


def batch(opts, tmpdir):
    klass = Class(opts)
    if klass.sandboxed:
        why = sandbox.bwrap_missing() or sandbox.closed_to_sandbox(TOP)
        if why:
            say("--batch runs each submission in a sandbox, and %s, or "
                "give --no-sandbox to grade unprotected" % why)
            return 3
        sandbox.precompile(TOP)
        if sandbox.root_unbounded():
            say("warning: this user (uid %d here) is, outside its user "
                "namespace, the machine's root (as under unshare -r started "
                "by root), so the limit of %d processes per submission "
                "cannot hold: a fork bomb can fill the machine. Grade as an "
                "ordinary user, or as root outside the namespace"
                % (os.geteuid(), klass.limits.procs))
        elif sandbox.slot_uid(0) is None:
            # as root, a user of its own and a memory cgroup (where the
            # machine has one) make both limits hold per sandbox
            say("note: graded as uid %d here, not as root: the limit of %d "
                "processes counts this user's other processes too, and "
                "memory is limited per process, not per sandbox"
                % (os.geteuid(), klass.limits.procs))
    else:
        euid = os.geteuid()
        say("warning: --no-sandbox: each submission runs with your rights "
            "(%s), on a copy of its folder: it can read and change your "
            "files, signal the checker and use the network; of its limits "
            "only its time holds (%d s)" % (
                "root" if euid == 0 else "uid %d" % euid,
                klass.limits.time))
    if klass.out is None:
        csv.writer(sys.stdout, lineterminator="\n").writerow(klass.fields)
        sys.stdout.flush()
    done = {r["submission"] for r in klass.done_before}
    todo = [s for s in klass.subs if name_cell(s) not in done]
    if klass.done_before:
        say("%s holds %s already: %s left to check (remove the file "
            "to start afresh)" % (printable(opts.csv),
                                   plural(len(klass.done_before), "row"),
                                   plural(len(todo), "submission")))
    grader = Grader(klass, tmpdir)
    try:
        rows = grader.grade(todo)
    finally:
        if klass.out is not None:
            klass.close()
            if grader.write_error is None:
                klass.restore()
    if grader.write_error is not None:
        say("%s: cannot write a row: %s. %s kept; once there is room, the "
            "same command again checks the rest" % (
                printable(opts.csv or "standard output"),
                grader.write_error.strerror or grader.write_error,
                plural(len(klass.done_before) + len(rows), "row")))
        return 3
    lines = summary(klass.done_before + rows, klass.checks)
    say(lines[0])
    for line in lines[1:]:
        print(line, file=sys.stderr)
    if grader.stopped:
        say("stopped by %s: %s kept; the same command again checks "
            "the rest" % (signal_name(grader.stopped),
                          plural(len(klass.done_before) + len(rows),
                                 "row")))
        return 128 + grader.stopped
    every = klass.done_before + rows
    return 1 if any(str(r.get("failed", "0")) not in ("0", "")
                    for r in every) else 0


class Interrupted(Exception):
    """The batch was stopped while this submission was checked."""


class Grader:
    """Checks the submissions, --jobs at a time; writes each row in the
    class's order as soon as it and those before it are done."""

    def __init__(self, klass, tmpdir):
        self.klass = klass
        self.tmpdir = tmpdir
        self.lock = threading.Condition()
        self.rows = {}
        self.running = {}    # slot: the Popen of its checker
        self.stopped = 0     # the signal that stopped the batch
        self.write_error = None  # the OSError that stopped the CSV

    def grade(self, subs):
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, self.stop)
        queue = list(enumerate(subs))
        written = []
        workers = []
        for slot in range(min(self.klass.opts.jobs, len(subs))):
            t = threading.Thread(target=self.work, args=(slot, queue),
                                 daemon=True)
            t.start()
            workers.append(t)
        for i, sub in enumerate(subs):
            with self.lock:
                while i not in self.rows and not self.stopped:
                    self.lock.wait(0.5)
                if i not in self.rows:
                    break
            row = self.rows[i]
            try:
                self.klass.write(row)
            except OSError as e:
                self.write_error = e
                self.stopped = self.stopped or -1
                break
            written.append(row)
            say("%s: %s" % (name_cell(sub), row["said"]))
        self.stop_all()
        for t in workers:
            t.join(5)
        return written

    def stop(self, signum, _frame):
        self.stopped = signum
        self.stop_all()

    def stop_all(self):
        with self.lock:  # the checkers still running, none reaped yet
            for p in self.running.values():
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except OSError:
                    pass

    def work(self, slot, queue):
        while not self.stopped:
            with self.lock:
                if not queue:
                    return
                i, sub = queue.pop(0)
            t0 = time.monotonic()
            try:
                row = self.one(slot, sub)
            except Interrupted:
                return  # not a row: the batch started again checks it
            except Exception as e:  # a bug of the checker: this row only
                row = self.blank(sub)
                row["failed"] = 1
                row["notes"] = "the checker failed: %s: %s" % (
                    type(e).__name__, e)
                row["said"] = row["notes"]
            if "said" not in row and row.get("not checked"):
                row["said"] = row["notes"]
            if "said" not in row:
                row["said"] = "%s: %d passed, %d failed, %d not run (%s)" % (
                    row["kind"], row["passed"], row["failed"],
                    row["not run"], secs(time.monotonic() - t0))
            with self.lock:
                self.rows[i] = row
                self.lock.notify_all()

    def blank(self, sub):
        row = {"submission": sub, "kind": self.klass.kind, "passed": 0,
               "failed": 0, "not run": len(self.klass.checks), "notes": ""}
        for c in self.klass.checks:
            row[c] = "NOT RUN"
        return row

    def one(self, slot, sub):
        """The row of one submission."""
        row = self.blank(sub)
        here = os.path.join(self.klass.top, sub)
        if os.path.islink(here):
            return self.not_checked(row, "refused: the submission's folder "
                                    "is a link (copy the folder itself in)")
        try:
            rf = parse_run_file(decode(read_bytes(here)))
            if rf.kind is not None and rf.kind != self.klass.kind:
                raise Refused("run file asks for %s (the lecturer chose %s)"
                              % (rf.kind, self.klass.kind))
        except Refused as e:
            return self.not_checked(row, "refused: %s" % e)
        work = os.path.join(self.tmpdir, "slot%d" % slot)
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        # the sandbox's own uid must pass through to its copy
        os.chmod(self.tmpdir, 0o711)
        try:
            return self.run_inner(row, rf, here, work, slot)
        except sandbox.CopyRefused as e:
            return self.not_checked(row, "its folder could not be copied: "
                                    "%s" % e)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def not_checked(self, row, why):
        row["failed"] = 1
        row["not checked"] = True
        row["notes"] = why
        row["said"] = why
        return row

    def run_inner(self, row, rf, here, work, slot):
        k, opts = self.klass, self.klass.opts
        # each line the checker inside tells carries this token: one
        # that a submission wrote into its output (it can, as root and
        # without the sandbox) lacks it, and is not read
        token = os.urandom(16).hex()
        params = {"kind": None if k.spec else k.kind, "spec": None,
                  "token": token,
                  "only": opts.only, "command": rf.command, "port": rf.port,
                  "wait": self.wait(rf), "build": rf.build,
                  "strace": opts.strace, "narrate": opts.narrate,
                  "sandboxed": k.sandboxed, "source": opts.source or [],
                  "require_faults": opts.require_faults}
        py = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") \
            else sys.executable
        pipes = dict(stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE)
        if k.sandboxed:
            if k.spec:
                params["spec"] = os.path.join(sandbox.SPEC_DIR,
                                              os.path.basename(k.spec))
            params["staged"] = True
            params["cwd"] = sandbox.WORK
            # the class's folder, the CSV of its rows so far, and the
            # batch's own folder (the other slots' copies): none is any
            # submission's to read
            hide = [k.top, self.tmpdir] + ([k.real] if k.out is not None
                                           and k.real else [])
            p = sandbox.start(
                TOP, here, work,
                [py, os.path.join(sandbox.TOOL, "scripts", "check"),
                 "--in-sandbox"], spec=k.spec, hide=hide, limits=k.limits,
                slot=slot, **pipes)
        else:
            copy = os.path.join(work, "submission")
            sandbox.copy_folder(here, copy, None, k.limits.copy_limit())
            params["spec"] = k.spec
            params["cwd"] = copy
            argv = [sys.executable, os.path.join(TOP, "scripts", "check"),
                    "--in-sandbox"]
            p = subprocess.Popen(argv, cwd=copy, preexec_fn=os.setsid,
                                 **pipes)
        slot = id(p)
        self.running[slot] = p
        oom = False
        try:
            try:
                p.stdin.write(json.dumps(params).encode())
                p.stdin.close()
            except OSError:
                pass
            row = self.follow(row, p, rf, token)
        finally:
            with self.lock:  # p is not reaped yet: its group is its own
                del self.running[slot]
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except OSError:
                    pass
            p.wait()
            oom = sandbox.finish(p)
            if not k.sandboxed:
                end_orphans()
        if oom:
            row["notes"] = "; ".join(n for n in (
                row["notes"], "its sandbox ran out of memory (%d MiB, "
                "--limit memory): the kernel ended a process of it"
                % k.limits.memory) if n)
        return row

    def wait(self, rf):
        """The --wait of a submission: its run file's, when it is lower
        than the lecturer's; never higher."""
        return min(rf.wait, self.klass.opts.wait) if rf.wait \
            else self.klass.opts.wait

    def follow(self, row, p, rf, token):
        """Read what the checker inside says until it ends, or until the
        step it is in outlives its time limit."""
        name = row["submission"]
        step, limit = "the start", 30
        if rf.build:
            step, limit = "its build", BUILD_LIMIT + 10
        wait = self.wait(rf)
        results, end, err = {}, None, b""
        running = None  # the check begun and not yet told
        stopped_inner = False
        buf, total = b"", 0
        deadline = time.monotonic() + limit
        # the whole submission's time (--limit time), wall clock
        whole = time.monotonic() + self.klass.limits.time
        streams = {p.stdout.fileno(): "out", p.stderr.fileno(): "err"}
        while streams:
            left = min(deadline, whole) - time.monotonic()
            if left <= 0 or self.stopped:
                break
            st = proc_stat(p.pid)
            if st and st["state"] in ("T", "t"):  # only unsandboxed
                stopped_inner = True
                break
            ready, _, _ = select.select(list(streams), [], [], min(left, 1))
            for fd in ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    del streams[fd]
                    continue
                if streams[fd] == "err":
                    err = (err + chunk)[-4096:]
                    continue
                total += len(chunk)
                if total > MAX_SAID:
                    continue
                msgs, buf = sandbox.told(buf + chunk, token)
                for msg in msgs:
                    if "say" in msg:
                        say("%s: %s" % (name_cell(name),
                                        printable(str(msg["say"]))))
                    elif "start" in msg:
                        step = ("its build" if msg["start"] == "build"
                                else "check %s" % msg["start"])
                        running = None if msg["start"] == "build" \
                            else msg["start"]
                        deadline = time.monotonic() + (
                            BUILD_LIMIT + 10 if msg["start"] == "build"
                            else CHECK_LIMIT + wait)
                    elif "result" in msg:
                        results[msg["result"]] = msg
                        running = None
                        deadline = time.monotonic() + CHECK_LIMIT + wait
                    elif "end" in msg:
                        end = msg
        if self.stopped:
            raise Interrupted()
        if stopped_inner:
            what = ("in %s, its checker was stopped (SIGSTOP), as a "
                    "submission can do without the sandbox" % step)
        elif end is None and streams and time.monotonic() >= whole:
            what = ("in %s, it had taken the %d s a submission may take "
                    "(--limit time), and was ended"
                    % (step, self.klass.limits.time))
        elif end is None and streams:
            what = "%s still ran after its time limit, and was ended" % step
        elif end is None:
            rc = exited_unreaped(p.pid, 5)
            rc = -signal.SIGKILL if rc is None else rc
            sig = -rc if rc < 0 else rc - 128 if rc > 128 else 0
            last = [ln for ln in err.decode("utf-8", "replace").splitlines()
                    if ln.strip()]
            if sig:
                what = ("in %s, its checker was ended by %s, as a "
                        "submission can do without the sandbox"
                        % (step, signal_name(sig)))
            else:
                what = "its checker failed in %s (status %d)%s" % (
                    step, rc, ": " + last[-1][:200] if last else "")
        else:
            what = None
        return self.fill(row, results, end, what, running)

    def fill(self, row, results, end, what, running=None):
        """The row from the results told; what, why the checker inside
        was ended, if it was, while check running (or None) had begun
        and told nothing: that check saw the submission hang, or stop
        or end its checker, and fails; with no check running, the row
        counts one failure all the same."""
        notes = []
        for c in self.klass.checks:
            r = results.get(c)
            if r is None:
                continue
            row[c] = r["status"]
            if r["ok"]:
                row["passed"] += 1
            elif r["ran"]:
                row["failed"] += 1
                notes.append("%s: %s" % (c, r["reason"]))
            elif c == "source" and r["reason"]:  # no such file
                notes.append("%s: %s" % (c, r["reason"]))
        if end is not None and end.get("why"):
            notes.insert(0, end["why"])
            if not results:
                row["not checked"] = True
                row["failed"] = max(row["failed"], 1)
        if what:
            notes.append(what)
            seen = running in self.klass.checks and running not in results
            if seen:
                # a defect seen in the check: its FAIL, not a NOT RUN
                row[running] = "FAIL"
                row["failed"] += 1
            row["failed"] = max(row["failed"], 1)
            if not results and not seen:
                row["not checked"] = True
        row["notes"] = "; ".join(notes)
        row["not run"] = sum(1 for c in self.klass.checks
                             if row[c] == "NOT RUN")
        return row


def end_orphans():
    """Unsandboxed, what a submission left when its checker could not
    end it (a checker it stopped, say) comes to the batch, a subreaper:
    end those processes and everything they started, and reap them."""
    me = os.getpid()
    for _ in range(3):
        procs = all_procs()
        kids = {}
        for pid, st in procs.items():
            kids.setdefault(st["ppid"], []).append(pid)
        todo, found = list(kids.get(me, [])), set()
        while todo:
            pid = todo.pop()
            if pid not in found:
                found.add(pid)
                todo.extend(kids.get(pid, []))
        if not found:
            return
        for pid in found:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        for pid in kids.get(me, []):
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass


# ---- the checker inside: one submission -----------------------------------

# In the sandbox, the processes of the program under test may be this
# many fewer than the sandbox's limit: the checker's peers are threads,
# which count against that limit too, and a program that forks until
# fork() fails must leave them room to start.
CHECKER_ROOM = 64


def program_nproc():
    """The limit on processes for the program under test (RLIMIT_NPROC:
    the processes and threads of its user), or None for no other limit
    than the checker's."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NPROC)
    if soft == resource.RLIM_INFINITY or soft <= 2 * CHECKER_ROOM:
        return None
    return soft - CHECKER_ROOM


# the token the batch gave this checker inside (see run_inner)
TOKEN = []


def emit(msg):
    os.write(1, (json.dumps(dict(msg, token=TOKEN[0] if TOKEN else None))
                 + "\n").encode())


def inner():
    """scripts/check --in-sandbox: check one submission, as the batch
    asked on standard input (JSON), telling each result on standard
    output. In the sandbox it is PID 1: without handlers, the signals a
    submission sends it are dropped by the kernel."""
    params = settle()
    import tempfile
    tmpdir = tempfile.mkdtemp(prefix="sockstep-check.")
    try:
        emit({"end": True, "why": inner_checks(params, tmpdir)})
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    return 0


def settle():
    """The start of a checker inside (a batch's, or check --sandbox's):
    the parameters its caller wrote on standard input (JSON), its token
    kept for emit(); signals left to the kernel in the sandbox, which
    drops them (PID 1); its memory and descriptors closed to the
    program (not dumpable); the program's orphans its own."""
    params = json.loads(sys.stdin.buffer.read(65536) or b"{}")
    sys.stdin.close()
    TOKEN.append(params.get("token"))
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        # unsandboxed, a signal ends the programs before the checker
        signal.signal(sig, signal.SIG_DFL if params.get("sandboxed")
                      else stop_everything)
    try:
        import ctypes
        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE: 0
    except (OSError, AttributeError):
        pass
    become_subreaper()
    if params.get("sandboxed") and os.getpid() == 1:
        sandbox.INIT.append(True)  # a build's leftovers can be ended
    return params


def disk_full(params):
    """'; its /tmp was full...' when the sandbox's /tmp (its copy in it)
    has no room left: what a failed build may not say itself."""
    if not params.get("staged"):
        return ""
    try:
        st = os.statvfs("/tmp")
    except OSError:
        return ""
    if st.f_bavail * st.f_frsize >= 64 * 1024:
        return ""
    return ("; its /tmp was full (%d MiB, --limit disk), its copy in it"
            % round(st.f_blocks * st.f_frsize / (1 << 20)))


def inner_checks(params, tmpdir):
    """Build, validate, wait for a fixed port, run the checks; the reason
    the submission was not checked, or None."""
    from .options import Options
    cwd = params["cwd"]
    if params.get("staged"):
        why = sandbox.unpack()
        if why:
            return why
    if params["build"]:
        emit({"start": "build"})
        try:
            build(cwd, "build: " + params["build"])
        except BuildFailed as e:
            return "build failed: %s%s" % (e, disk_full(params))
        except Usage as e:
            return "run file: %s" % e
    # source (--source) is not the run file's: a source file that is
    # missing makes that check alone NOT RUN
    only = [c for c in params["only"] or [] if c != "source"] or None
    sub = Options(kind=params["kind"], command=params["command"],
                  port=params["port"], only=only, spec=params["spec"])
    try:
        validate(sub, cwd)
    except Usage as e:
        return "run file: %s" % e
    if sub.spec:
        kind, checks, spec = (os.path.basename(sub.spec), sub.spec_checks,
                              sub.loaded)
    else:
        kind = sub.kind
        checks, spec = kind_checks(kind)
    if params.get("source"):
        checks = [SOURCE] + checks
    run = Run(kind, sub.command, fixed_port=sub.port, only=params["only"],
              cwd=cwd, wait=params["wait"], strace=params["strace"],
              narrate=params["narrate"], tmpdir=tmpdir, checks=checks,
              spec=spec)
    # --source reads each file as submitted: in the sandbox, from its
    # read-only copy (STAGED), which the build cannot write over
    run.source_dir = sandbox.STAGED if params.get("staged") else cwd
    run.sources = [os.path.join(run.source_dir, name)
                   for name in params.get("source") or []]
    run.require_faults = params.get("require_faults", False)
    if params["sandboxed"]:
        run.nproc = program_nproc()
    if run.fixed_port is not None and not params["sandboxed"]:
        told = []

        def tell(text):
            told.append(text)
            emit({"say": text})
        held, waited = wait_for_port(run.fixed_port, proto_of(run),
                                     run.wait, tell)
        if held is not None:
            return ("port %d: still held after %s, by %s: not checked "
                    "(check this submission again on its own)"
                    % (run.fixed_port, secs(waited), held))
        if told:
            tell("port %d came free after %s" % (run.fixed_port,
                                                 secs(waited)))
    run_checks(run, Emitted())
    return None


class Emitted:
    """The reporter of a submission's own process in a batch: each check
    as it starts and its result, as lines the batch reads (emit())."""

    def start(self):
        pass

    def begin(self, chk):
        emit({"start": chk.name})

    def add(self, res):
        emit({"result": res.check.name, "status": res.status(),
              "ok": res.ok, "ran": res.ran, "reason": res.reason})
