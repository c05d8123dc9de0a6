"""The command: scripts/check's main(), one program (single) or a
directory of submissions (batch, one CSV), and --list."""

import csv
import os
import shlex
import shutil
import signal
import sys
import tempfile
import time

from .batch import BuildFailed, build, proto_of, summary, wait_for_port
from .checks import CHECKS
from .spec import load as load_spec
from .spec_server import SPEC_CHECKS, checks_for
from .common import KINDS, NARRATE_LIB, PROG, Usage
from .options import HELP, parse, validate
from .procfs import become_subreaper
from .report import Reporter, wrap
from .runner import Run, run_checks, stop_everything
from .words import secs


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
        for c in CHECKS[kind]:
            print("  %-15s %s" % (c.name, c.title))
            print(wrap(c.rule, " " * 18))
    print("\nEvery check starts the program afresh and has its own time "
          "limit;\nthe program is killed (its whole process group) at the "
          "end of each.")


def single(opts, tmpdir):
    validate(opts, os.getcwd())
    kind, checks = kind_and_checks(opts)
    run = Run(kind, opts.command, checks=checks, fixed_port=opts.port,
              only=opts.only, cwd=None, wait=opts.wait,
              strace=opts.strace, narrate=opts.narrate, tmpdir=tmpdir,
              spec=getattr(opts, "loaded", None))
    reporter = Reporter(opts.format, run)
    run_checks(run, reporter)
    failed = reporter.end()
    return 1 if failed else 0


def kind_and_checks(opts):
    """(kind, checks): a spec's program is of the kind 'NAME.spec', with
    the checks that fit its spec; a KIND's checks are the registry's."""
    if opts.spec is None:
        return opts.kind, None
    return os.path.basename(opts.spec), opts.spec_checks


def batch(opts, tmpdir):
    top = opts.batch
    if opts.kind or opts.command is not None:
        raise Usage("--batch: takes a directory, not a KIND and a command "
                    "(those go in each submission's run file)")
    if opts.format != "text":
        raise Usage("--format: not with --batch (it writes a CSV)")
    if not os.path.isdir(top):
        raise Usage("--batch: no directory '%s'" % top)
    subs = sorted(d for d in os.listdir(top)
                  if os.path.isdir(os.path.join(top, d)))
    if not subs:
        raise Usage("--batch: no submissions (subdirectories) in '%s'" % top)
    # a column for each check that ran anywhere, in the order they ran
    columns = []
    known = [c.name for kind in KINDS for c in CHECKS[kind]] + [
        c.name for c in SPEC_CHECKS]
    for name in opts.only or []:
        if name not in known:
            raise Usage("--only: no check '%s' (see --list)" % name)
    rows, any_fail = [], False
    for sub in subs:
        row = {"submission": sub, "kind": "", "passed": 0, "failed": 0,
               "notes": ""}
        here = os.path.abspath(os.path.join(top, sub))
        t0 = time.monotonic()
        try:
            run = batch_run(here, opts, tmpdir)
        except Usage as e:
            row["notes"] = "%s: %s" % (
                "build failed" if isinstance(e, BuildFailed) else "run file",
                e)
            row["failed"] = 1
            rows.append(row)
            any_fail = True
            print("%s: %s: %s" % (PROG, sub, row["notes"]), file=sys.stderr)
            continue
        row["kind"] = run.kind
        if run.fixed_port is not None and not port_came_free(run, row, sub):
            for c in run.checks:
                row[c.name] = "NOT RUN"
                if c.name not in columns:
                    columns.append(c.name)
            rows.append(row)
            any_fail = True
            print("%s: %s: %s" % (PROG, sub, row["notes"]),
                  file=sys.stderr)
            continue
        results = run_checks(run)
        for r in results:
            row[r.check.name] = r.status()
            if r.check.name not in columns:
                columns.append(r.check.name)
        row["passed"] = sum(1 for r in results if r.ok)
        row["failed"] = sum(1 for r in results
                            if not r.ok and not r.skipped)
        row["notes"] = "; ".join("%s: %s" % (r.check.name, r.reason)
                                 for r in results
                                 if not r.ok and not r.skipped)
        any_fail = any_fail or row["failed"] > 0
        rows.append(row)
        print("%s: %s: %s: %d passed, %d failed (%s)" % (
            PROG, sub, run.kind, row["passed"], row["failed"],
            secs(time.monotonic() - t0)), file=sys.stderr)
    fields = ["submission", "kind", "passed", "failed"] + columns + ["notes"]
    out = open(opts.csv, "w", newline="") if opts.csv else sys.stdout
    try:
        w = csv.DictWriter(out, fields, restval="", lineterminator="\n",
                           extrasaction="ignore")
        w.writeheader()
        for row in rows:
            w.writerow(row)
    finally:
        if opts.csv:
            out.close()
    lines = summary(rows, columns)
    print("%s: %s" % (PROG, lines[0]), file=sys.stderr)
    for line in lines[1:]:
        print(line, file=sys.stderr)
    return 1 if any_fail else 0


def port_came_free(run, row, sub):
    """A fixed port is waited for (at most --wait seconds) until the
    previous submission has let it go; if it never does, the row's notes
    say so and the submission is not checked."""
    told = []

    def say(text):
        told.append(text)
        print("%s: %s: %s" % (PROG, sub, text), file=sys.stderr)
    held, waited = wait_for_port(run.fixed_port, proto_of(run), run.wait,
                                 say)
    if held is None:
        if told:
            say("port %d came free after %s" % (run.fixed_port,
                                                secs(waited)))
        return True
    row["not checked"] = True
    row["notes"] = ("port %d: still held after %s, by %s: not checked "
                    "(check this submission again on its own)"
                    % (run.fixed_port, secs(waited), held))
    return False


def batch_run(here, opts, tmpdir):
    path = os.path.join(here, "run")
    try:
        with open(path) as f:
            lines = [ln.strip() for ln in f if ln.strip()
                     and not ln.lstrip().startswith("#")]
    except OSError as e:
        raise Usage("cannot read %s: %s" % (path, e.strerror))
    builds = [ln for ln in lines if ln.startswith("build:")]
    lines = [ln for ln in lines if not ln.startswith("build:")]
    if len(builds) > 1:
        raise Usage("expected at most one 'build:' line, found %d"
                    % len(builds))
    if len(lines) != 1:
        raise Usage("expected one line (KIND -- COMMAND), found %d"
                    % len(lines))
    if builds:
        build(here, builds[0])
    try:
        words = shlex.split(lines[0])
    except ValueError as e:
        raise Usage(str(e))
    sub = parse(words, batch_ok=False)
    if sub.show_help or sub.show_list or sub.strace or sub.narrate:
        raise Usage("only --port, --only and --wait may come before KIND")
    if sub.kind is None and sub.spec is None and opts.spec:
        sub.spec = os.path.abspath(opts.spec)  # --batch DIR --spec FILE
    validate(sub, here)
    kind, checks = kind_and_checks(sub)
    return Run(kind, sub.command, checks=checks, fixed_port=sub.port,
               only=sub.only or opts.only, cwd=here,
               wait=sub.wait if "--wait" in lines[0] else opts.wait,
               strace=opts.strace, narrate=opts.narrate, tmpdir=tmpdir,
               spec=getattr(sub, "loaded", None))


def main(argv):
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
        if opts.csv and not opts.batch:
            raise Usage("--csv: only with --batch")
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
                return batch(opts, tmpdir)
            return single(opts, tmpdir)
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)
    except Usage as e:
        print("%s: %s" % (PROG, e), file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 1
