"""The command: scripts/check's main(), one program (single) or a
directory of submissions (--batch: grading.py), and --list."""

import io
import os
import shutil
import signal
import sys
import tempfile
import time

from .kinds import KIND_SPEC, kind_checks, kind_spec
from .spec import load as load_spec
from .spec_server import checks_for
from .common import KINDS, NARRATE_LIB, PROG, Usage
from .batch import KERNEL_LIMIT, BuildFailed, build, holders, proto_of
from .checks import Result
from .options import HELP, parse, validate
from .procfs import become_subreaper, net_table
from .report import Reporter, wrap
from .words import plural, printable
from .runner import Run, run_checks, stop_everything


def list_spec_checks(path):
    """--spec FILE --list: the checks that fit that spec, and their
    rules."""
    spec, err = load_spec(path)
    if err:
        raise Usage("--spec: " + err)
    print("%s (a %s %s)" % (os.path.basename(path), spec.proto.upper(),
                            spec.program))
    for c in checks_for(spec):
        print("  %-15s %s" % (c.name, c.title))
        print(wrap(c.rule, " " * 18))


def list_checks():
    for kind in KINDS:
        print(kind)
        for c in kind_checks(kind)[0]:
            print("  %-15s %s" % (c.name, c.title))
            print(wrap(c.rule, " " * 18))
    print()
    print(wrap("After its own checks, a kind has those of the spec it plays "
               "(in scripts/sockcheck/specs/) that its own do not make: "
               + "; ".join("%s, %s" % (kind, KIND_SPEC[kind])
                           for kind in KINDS) + ".", ""))
    print("Every check starts the program afresh and has its own time "
          "limit;\nthe program is killed (its whole process group) at the "
          "end of each.")


def single(opts, tmpdir, reporter_for=Reporter, out=None, source_dir=None):
    """One program: --build first, if given, then the checks, reported
    by reporter_for(format, run, out) to out (standard output), or, with
    --output FILE, into FILE once they have all ended. The exit
    status. source_dir: where --source's files are read (in --sandbox,
    the read-only copy of the folder, which the build cannot change)."""
    cwd = os.getcwd()
    validate(opts, cwd, program=not opts.build)
    kind, checks = kind_and_checks(opts)
    if opts.picture is not None:
        try:
            os.makedirs(opts.picture, exist_ok=True)
        except OSError as e:
            raise Usage("--picture: cannot make '%s': %s"
                        % (opts.picture, e.strerror))
    if opts.source:
        from .source import SOURCE  # ast and the rest: with --source only
        checks = [SOURCE] + checks
    run = Run(kind, opts.command, checks=checks, fixed_port=opts.port,
              only=opts.only, cwd=None, wait=opts.wait,
              strace=opts.strace, narrate=opts.narrate, tmpdir=tmpdir,
              spec=opts.loaded or kind_spec(kind))
    run.picture = opts.picture
    run.sources = [os.path.join(source_dir, name) if source_dir else name
                   for name in opts.source or []]
    run.source_dir = source_dir
    run.require_faults = opts.require_faults
    kept = io.StringIO() if opts.output and out is None else None
    reporter = reporter_for(opts.format, run, out or kept or sys.stdout)
    why = built(opts, cwd) if opts.build else None
    if why:
        failed = not_built(run, reporter, *why)
    else:
        if run.fixed_port is not None:
            wait_out_the_kernel(run.fixed_port, proto_of(run))
        run_checks(run, reporter)
        failed = reporter.end()
    if kept is not None:
        try:
            write_whole(opts.output, kept.getvalue())
        except OSError as e:
            print("%s: --output: cannot write '%s': %s" % (
                PROG, printable(opts.output), e.strerror), file=sys.stderr)
            return 3
    return 1 if failed else 0


def built(opts, cwd):
    """--build CMD, run in cwd: None once it has made the program, or
    (why not, the lines it printed)."""
    try:
        build(cwd, "build: " + opts.build)
    except BuildFailed as e:
        return "the build, %s" % e, e.output
    except Usage as e:
        return "the build: %s" % e, ()
    try:
        validate(opts, cwd)
    except Usage as e:
        return "the build, '%s', ended well, but %s" % (opts.build, e), ()
    return None


def not_built(run, reporter, why, lines):
    """The report of a program that --build did not make: every check
    NOT RUN, the first with why and the build's last lines, the others
    pointing to it. Counts as a failure (exit status 1)."""
    text = "Not run: %s." % why
    if lines:
        text += "\nWhat the build printed last:\n" + "\n".join(
            "| " + printable(ln) for ln in lines[-BUILD_LINES:])
    reporter.start()
    for n, chk in enumerate(run.checks):
        res = Result(chk)
        if n == 0:
            res.not_run(text, "build failed")
            run.broken, run.broken_why = chk.name, "the build failed"
        else:
            res.skip("Not run: the build failed (see check %s)."
                     % run.broken)
        reporter.add(res)
    reporter.end()
    return 1


# At most this many of a failed build's last lines go into the report.
BUILD_LINES = 15


def write_whole(path, text):
    """Write text into path in one step: a new file beside it, renamed
    over it once whole (a reader never sees half of it, and a link at
    path is replaced, not followed)."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, new = tempfile.mkstemp(prefix=".%s." % os.path.basename(path),
                               dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(new, 0o666 & ~mask)
        os.replace(new, path)
    except BaseException:
        try:
            os.unlink(new)
        except OSError:
            pass
        raise


def kernel_holds(port, proto, who=False):
    """holders(), but any connection the kernel still holds on port
    counts, even one a socket with SO_REUSEADDR could bind past: the
    program under test may not set it."""
    what, kernel = holders(port, proto, who)
    if what:
        return what, kernel
    left = [s for s in net_table(proto) if s.port == port and not s.inode]
    if left:
        return ("%s that the kernel closes by itself"
                % plural(len(left), "connection"), True)
    return "", False


def wait_out_the_kernel(port, proto, held=kernel_holds, sleep=time.sleep,
                        clock=time.monotonic):
    """A fixed port that only the kernel holds, in connections an earlier
    run left in TIME_WAIT (a server without SO_REUSEADDR, or the checker's
    own server for a client, cannot bind it then), is not this run's
    finding: wait until it is free, at most KERNEL_LIMIT seconds, saying
    so on standard error. A port that a process holds is not waited for:
    the first check says who holds it. True if it came free."""
    t0 = clock()
    what, kernel = held(port, proto, False)
    if not what or not kernel:
        return not what
    print("%s: port %d is held by %s: waiting for it (at most %d s)"
          % (PROG, port, what, KERNEL_LIMIT), file=sys.stderr, flush=True)
    while what and kernel and clock() - t0 < KERNEL_LIMIT:
        sleep(0.25)
        what, kernel = held(port, proto, False)
    if not what:
        print("%s: port %d came free after %.0f s" % (PROG, port,
                                                      clock() - t0),
              file=sys.stderr, flush=True)
    return not what


def kind_and_checks(opts):
    """(kind, checks): a spec's program is of the kind 'NAME.spec', with
    the checks that fit its spec; a KIND's checks are the registry's."""
    if opts.spec is None:
        return opts.kind, kind_checks(opts.kind)[0]
    return os.path.basename(opts.spec), opts.spec_checks


def main(argv):
    if argv[1:] == ["--in-sandbox"]:  # one submission of a batch
        from .grading import inner
        return inner()
    if argv[1:] == ["--in-sandbox", "single"]:  # check --sandbox's
        from .solo import inner
        return inner()
    try:
        opts = parse(argv[1:])
        if opts.show_help:
            print(HELP)
            return 0
        if opts.show_list:
            if opts.spec:
                list_spec_checks(opts.spec)
            else:
                list_checks()
            return 0
        for name, given in (("--csv", opts.csv), ("--jobs", opts.jobs > 1),
                            ("--no-sandbox", opts.no_sandbox)):
            if given and not opts.batch:
                raise Usage("%s: only with --batch" % name)
        if opts.limit is not None and not (opts.batch or opts.sandbox):
            raise Usage("--limit: only with --batch or --sandbox (the "
                        "sandbox's limits)")
        for name, given in (("--sandbox", opts.sandbox),
                            ("--build", opts.build is not None),
                            ("--output", opts.output)):
            if given and opts.batch:
                raise Usage("%s: not with --batch (a batch has its "
                            "sandbox, its run files' build: lines and "
                            "--csv)" % name)
        if opts.build is not None and not opts.build.strip():
            raise Usage("--build: expected a command, got ''")
        if opts.output:
            folder = os.path.dirname(os.path.abspath(opts.output))
            if os.path.isdir(opts.output):
                raise Usage("--output: '%s' is a directory" % opts.output)
            if not os.access(folder, os.W_OK | os.X_OK):
                raise Usage("--output: cannot write in '%s'" % folder)
        if opts.picture is not None:
            from .pictures import IN_NETNS, into_netns, refuse
            refuse(opts)
            if os.geteuid() != 0 and not os.environ.get(IN_NETNS):
                return into_netns(argv)
        if opts.strace and shutil.which("strace") is None:
            raise Usage("--strace: strace is not installed")
        if opts.narrate and not os.path.exists(NARRATE_LIB):
            raise Usage("--narrate: %s is not built: run make"
                        % NARRATE_LIB)
        if not os.path.exists("/proc/net/tcp"):
            print("%s: needs Linux's /proc (no /proc/net/tcp here)" % PROG,
                  file=sys.stderr)
            return 3
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, stop_everything)
        become_subreaper()
        tmpdir = tempfile.mkdtemp(prefix="sockstep-check.")
        try:
            if opts.batch:
                from .grading import batch  # only a batch needs it
                return batch(opts, tmpdir)
            if opts.sandbox:
                from .solo import outer
                return outer(opts, tmpdir)
            return single(opts, tmpdir)
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)
    except Usage as e:
        print("%s: %s" % (PROG, e), file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 1
