"""The command: scripts/check's main(), one program (single) or a
directory of submissions (--batch: grading.py), and --list."""

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
from .batch import KERNEL_LIMIT, holders, proto_of
from .options import HELP, parse, validate
from .procfs import become_subreaper, net_table
from .report import Reporter, wrap
from .words import plural
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


def single(opts, tmpdir):
    validate(opts, os.getcwd())
    kind, checks = kind_and_checks(opts)
    if opts.source:
        from .source import SOURCE  # ast and the rest: with --source only
        checks = [SOURCE] + checks
    run = Run(kind, opts.command, checks=checks, fixed_port=opts.port,
              only=opts.only, cwd=None, wait=opts.wait,
              strace=opts.strace, narrate=opts.narrate, tmpdir=tmpdir,
              spec=opts.loaded or kind_spec(kind))
    run.sources = opts.source or []
    run.require_faults = opts.require_faults
    if run.fixed_port is not None:
        wait_out_the_kernel(run.fixed_port, proto_of(run))
    reporter = Reporter(opts.format, run)
    run_checks(run, reporter)
    failed = reporter.end()
    return 1 if failed else 0


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
                            ("--no-sandbox", opts.no_sandbox),
                            ("--limit", opts.limit is not None)):
            if given and not opts.batch:
                raise Usage("%s: only with --batch" % name)
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
            return single(opts, tmpdir)
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)
    except Usage as e:
        print("%s: %s" % (PROG, e), file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 1
