"""scripts/check --sandbox: one program checked as a batch checks each
submission, in a sandbox of its own (sandbox.py) on a copy of the
current directory, by a checker inside (inner()) that runs single mode
there (--build, then the checks) and tells its report, as it comes, to
the checker outside (outer()), in lines that carry a token only the two
know. The checker outside writes that report to standard output, or
with --output FILE into FILE, in one step once every check has ended.

Nothing the program does reaches the report: FILE, its folder and the
checker outside are out of the sandbox's sight (another PID namespace,
another mount namespace); the checker inside is PID 1 there, which the
kernel keeps the program's signals from, and not dumpable. The checker
inside tells each check's result too: when a limit of the sandbox ends
it before its report is whole (--limit time, a step that tells nothing
for too long, its memory, its CPU time), the checker outside writes the
report itself (ended()): the checks told, the one running then a FAIL
that names the limit, the rest NOT RUN; exit status 1. A checker inside
that fails on its own (a traceback) leaves no FILE: the exit status is
3 and one line says why."""

import io
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from . import sandbox
from .batch import BUILD_LIMIT, KERNEL_LIMIT
from .common import PROG, TOP, Usage
from .options import Options, validate
from .report import Reporter
from .words import printable, secs

# The checker inside tells something at least this often: when each
# check begins, and its result. One that says nothing for longer (its
# step's limit, and --wait, added) is ended. Generous: a check's own
# limits are far shorter, and a busy machine is not the program's fault.
STEP_LIMIT = 90
# Before the first check: Python's start, the build (--build), and a
# fixed port left in TIME_WAIT by an earlier run.
START_LIMIT = 60 + KERNEL_LIMIT
# At most this much of the report, and of the inner checker's standard
# error, is read.
MAX_REPORT = 8 << 20
MAX_ERR = 64 << 10


def say(text):
    print("%s: %s" % (PROG, text), file=sys.stderr, flush=True)


def within(path, folder):
    path, folder = os.path.realpath(path), os.path.realpath(folder)
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def shown(path, cwd):
    """Is path (COMMAND's program) in the sandbox: in the current
    directory (its copy) or the system's directories? (The checker's
    own files are there too, but at another path, sandbox.TOOL.)"""
    return within(os.path.join(cwd, path), cwd) or \
        any(within(path, d) for d in sandbox.SYSTEM)


def refuse(opts, cwd, tmpdir):
    """What --sandbox cannot do, as Usage: a COMMAND or --source file
    outside what the sandbox shows; a current directory that holds the
    checker's own temporary directory (its copy would hold itself)."""
    if within(tmpdir, cwd):
        raise Usage("--sandbox: the current directory (%s) holds the "
                    "checker's temporary directory: run it from the "
                    "program's own directory" % printable(cwd))
    prog = opts.command[0] if opts.command else ""
    if "/" in prog and not shown(prog, cwd):
        raise Usage("--sandbox: COMMAND's '%s' is outside the current "
                    "directory: the sandbox shows a copy of the current "
                    "directory and the system's directories (/usr), "
                    "nothing else" % printable(prog))
    for name in opts.source or []:
        if os.path.isabs(name) or ".." in name.split("/"):
            raise Usage("--source: with --sandbox, a file name inside the "
                        "current directory, got '%s'" % printable(name))


def outer(opts, tmpdir):
    """scripts/check --sandbox: the exit status (3: no sandbox here, or
    the checker inside ended without its report)."""
    cwd = os.getcwd()
    if opts.command:
        refuse(opts, cwd, tmpdir)
    # a mistake of the command line, said here (with --build, COMMAND's
    # program need not exist yet)
    validate(opts, cwd, program=not opts.build)
    why = sandbox.bwrap_missing() or sandbox.closed_to_sandbox(TOP)
    if why:
        say("--sandbox checks the program in a sandbox, and %s, or check "
            "without --sandbox (unprotected)" % why)
        return 3
    limits = opts.limit or sandbox.LIMITS
    sandbox.precompile(TOP)
    if sandbox.root_unbounded():
        say("warning: this user (uid %d here) is, outside its user "
            "namespace, the machine's root, so the sandbox's limit of %d "
            "processes cannot hold" % (os.geteuid(), limits.procs))
    # the sandbox's own uid must pass through to its copy
    os.chmod(tmpdir, 0o711)
    fields = {f: getattr(opts, f) for f in Options.FIELDS}
    fields.update(sandbox=False, output=None, limit=None)
    spec = None
    if opts.spec:  # start() shows a copy of it in SPEC_DIR
        spec = os.path.join(cwd, opts.spec)
        fields["spec"] = os.path.join(sandbox.SPEC_DIR,
                                      os.path.basename(spec))
    token = os.urandom(16).hex()
    # the checker inside copies the program's folder in (unpack())
    params = {"token": token, "sandboxed": True, "staged": True,
              "cwd": sandbox.WORK, "options": fields}
    # the report's file, and the checker's own folder (the copy start()
    # makes): neither is the program's to see
    hide = [tmpdir] + ([os.path.abspath(opts.output)] if opts.output
                       else [])
    py = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") \
        else sys.executable
    try:
        p = sandbox.start(
            TOP, cwd, os.path.join(tmpdir, "solo"),
            [py, os.path.join(sandbox.TOOL, "scripts", "check"),
             "--in-sandbox", "single"], spec=spec, hide=hide, limits=limits,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)
    except sandbox.CopyRefused as e:
        say("--sandbox: the current directory could not be copied: %s"
            % printable(str(e)))
        return 3
    try:
        try:
            p.stdin.write(json.dumps(params).encode())
            p.stdin.close()
        except OSError:
            pass
        told = follow(p, token, opts, keep=bool(opts.output),
                      whole=limits.time)
    finally:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except OSError:
            pass
        rc = p.wait()
        oom = sandbox.finish(p)
    report, end, why = told.report, told.end, told.why
    if oom:
        say("the sandbox ran out of memory (%d MiB, --limit memory): the "
            "kernel ended a process in it" % limits.memory)
    if end is None and why is None and (oom or rc in CPU_ENDED):
        told.limit = ("the sandbox ran out of memory (%d MiB, --limit "
                      "memory)" % limits.memory if oom else
                      "the checker had used the %d s of CPU a process may "
                      "use (--limit cpu)" % limits.cpu)
        why = "was ended: %s" % told.limit
    elif end is None and why is None:
        why = ("was ended by signal %d" % -rc if rc < 0 else
               "ended with status %d" % rc)
    if end is None and told.limit:
        say("the checker in the sandbox %s" % why)
        report = ended(opts, told)
        end = {"status": 1}
    elif end is None:
        say("the checker in the sandbox %s: no report%s" % (
            why, " (%s not written)" % printable(opts.output)
            if opts.output else ""))
        return 3
    status = end.get("status")
    if status not in (0, 1):  # a mistake the checker inside found
        return status if isinstance(status, int) else 3
    if opts.output:
        from .cli import write_whole
        try:
            write_whole(opts.output, report)
        except OSError as e:
            say("--output: cannot write '%s': %s"
                % (printable(opts.output), e.strerror))
            return 3
    return status


class Heard:
    """What the checker inside told: its report so far (kept whole with
    --output), each check's result (a dict, by name), the check it had
    begun and not told yet (running), its end ({"status": N}) or None,
    why there is none, and whether a limit of the sandbox ended it."""

    def __init__(self):
        self.chunks, self.results, self.running = [], {}, None
        self.began = None  # when the running check began
        self.streamed = False  # some of the report written or kept
        # why: the line said on standard error; limit: the limit that
        # ended it, in words for its report (or None)
        self.end, self.why, self.limit = None, None, None

    @property
    def report(self):
        return "".join(self.chunks)


def follow(p, token, opts, keep, whole=sandbox.LIMITS.time):
    """Read what the checker inside tells until it ends (a Heard): its
    report (kept whole when keep, else written to standard output as it
    comes), its results, its end. whole: the seconds the whole of it
    may take (--limit time), wall clock, build and checks."""
    limit = START_LIMIT + (BUILD_LIMIT if opts.build else 0)
    deadline = time.monotonic() + limit
    over = time.monotonic() + whole
    step = "the start" + (" and the build" if opts.build else "")
    told, buf, total, err = Heard(), b"", 0, 0
    streams = {p.stdout.fileno(): "out", p.stderr.fileno(): "err"}
    while streams:
        if time.monotonic() >= over:
            told.limit = ("the whole run had taken the %d s it may take "
                          "(--limit time)" % whole)
            told.why = ("was in %s when it had taken the %d s it may take "
                        "(--limit time), and was ended" % (step, whole))
            return told
        left = min(deadline, over) - time.monotonic()
        if left <= 0:
            told.limit = ("it had told nothing for %s, the longest a %s "
                          "may" % (secs(limit), "check" if told.running
                                   else "start"))
            told.why = ("was still in %s after %s, and was ended"
                        % (step, secs(limit)))
            return told
        ready, _, _ = select.select(list(streams), [], [], min(left, 1))
        for fd in ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                del streams[fd]
                continue
            if streams[fd] == "err":  # the checker's own words
                if err < MAX_ERR:
                    err += len(chunk)
                    sys.stderr.write(printable(
                        chunk.decode("utf-8", "replace"), keep="\n"))
                    sys.stderr.flush()
                continue
            total += len(chunk)
            if total > MAX_REPORT:
                told.why = ("told more than %d bytes, and was ended"
                            % MAX_REPORT)
                return told
            msgs, buf = sandbox.told(buf + chunk, token)
            for msg in msgs:
                if "out" in msg:
                    told.streamed = True
                    if keep:
                        told.chunks.append(str(msg["out"]))
                    else:
                        sys.stdout.write(str(msg["out"]))
                        sys.stdout.flush()
                elif "start" in msg:
                    told.running = str(msg["start"])
                    told.began = time.monotonic()
                    step = "check %s" % printable(told.running)
                    limit = STEP_LIMIT + opts.wait
                    deadline = time.monotonic() + limit
                elif "result" in msg and isinstance(msg["result"], dict):
                    told.results[str(msg["result"].get("name"))] = \
                        msg["result"]
                    told.running = None
                elif "end" in msg:
                    told.end = msg
    return told


# bwrap's status when its process (the checker inside) was ended by
# RLIMIT_CPU's SIGXCPU, or SIGKILL past its hard limit
CPU_ENDED = (-signal.SIGXCPU, 128 + signal.SIGXCPU)


def ended(opts, told):
    """The report of a checker inside that a limit of the sandbox ended
    (told.limit: which, in words): each check told
    (told.results), as it was; the check then running, FAIL, naming the
    limit; each after it NOT RUN, pointing to it. Ended during the start
    or the build, with no check begun: the first check NOT RUN with why,
    the others pointing to it. Without --output, the text and TAP report
    goes on from where the checker inside was; with it, the whole report
    is returned."""
    from .checks import Result, State
    from .cli import kind_and_checks
    from .runner import Run
    kind, checks = kind_and_checks(opts)
    if opts.source:
        from .source import SOURCE
        checks = [SOURCE] + checks
    run = Run(kind, opts.command, checks=checks, only=opts.only,
              narrate=opts.narrate)
    sink = io.StringIO()
    reporter = Reporter(opts.format, run, sink)
    if not told.streamed:
        reporter.start()
    said = "%s, and the checker in the sandbox was ended" % told.limit
    for chk in run.checks:
        got = told.results.get(chk.name)
        res = Result(chk)
        if got is not None:
            try:
                res.state = State(got.get("state"))
            except ValueError:
                res.state = State.FAILED
            res.reason = str(got.get("reason", ""))
            res.message = str(got.get("message", ""))
            res.seconds = float(got.get("seconds") or 0)
            for key in ("output", "trace", "narration"):
                setattr(res, key, [str(x) for x in got.get(key) or []])
            reporter.results.append(res)  # told already
            continue
        if run.broken is None and chk.name == told.running:
            res.failed("The check had not ended when %s. A program that "
                       "waits for ever, for a peer or for itself, keeps "
                       "its check until a limit ends it." % said,
                       "ended by a limit: %s" % told.limit)
            res.seconds = time.monotonic() - told.began
            run.broken = chk.name
            run.broken_why = "a limit of the sandbox ended the checker"
        elif run.broken is None:
            res.not_run("Not run: %s before %s." % (
                said, "this check began" if told.results else
                "the first check began, in the start%s" % (
                    " or the build" if opts.build else "")),
                "ended by a limit: %s" % told.limit)
            run.broken = chk.name
            run.broken_why = "a limit of the sandbox ended the checker"
        else:
            res.skip("Not run: %s in check %s (see there)."
                     % (run.broken_why, run.broken))
        reporter.add(res)
    reporter.end()
    if opts.output:
        return told.report + sink.getvalue()
    sys.stdout.write(sink.getvalue())
    sys.stdout.flush()
    return ""


# ---- the checker inside -----------------------------------------------------

class Relay:
    """The report's stream inside: what the Reporter writes, told to the
    checker outside at each flush."""

    def __init__(self, emit):
        self.emit, self.parts = emit, []

    def write(self, text):
        self.parts.append(text)
        return len(text)

    def flush(self):
        if self.parts:
            self.emit({"out": "".join(self.parts)})
            self.parts = []


def inner():
    """scripts/check --in-sandbox single: single mode, as the checker
    outside asked on standard input, its report told on standard
    output."""
    from .cli import single
    from .grading import emit, settle
    params = settle()
    if params.get("staged"):  # the program's folder, copied in
        why = sandbox.unpack()
        if why:
            print("%s: --sandbox: %s" % (PROG, why), file=sys.stderr,
                  flush=True)
            emit({"end": True, "status": 3})
            return 0
        os.chdir(params["cwd"])

    class Told(Reporter):
        def begin(self, chk):
            emit({"start": chk.name})

        def add(self, res):
            # the result itself, for a report the checker outside makes
            # should a limit end this one before its own (ended())
            emit({"result": {
                "name": res.check.name, "state": res.state.value,
                "reason": res.reason, "message": res.message,
                "seconds": res.seconds, "output": list(res.output),
                "trace": list(res.trace),
                "narration": list(res.narration)}})
            super().add(res)

    tmpdir = tempfile.mkdtemp(prefix="sockstep-check.")
    try:
        opts = Options(**params["options"])
        status = single(opts, tmpdir, reporter_for=Told, out=Relay(emit),
                        source_dir=sandbox.STAGED
                        if params.get("staged") else None)
    except Usage as e:
        print("%s: %s" % (PROG, e), file=sys.stderr, flush=True)
        status = 2
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    # only now: a checker inside that failed on its way tells no end,
    # and the checker outside writes no report
    emit({"end": True, "status": status})
    return 0
