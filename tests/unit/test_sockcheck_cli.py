"""scripts/sockcheck/cli.py: main()'s exit statuses and messages, --list,
and --batch's run files and CSV, for everything that runs no program."""

import contextlib
import csv
import io
import os
import shutil
import signal
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from sockcheck import cli  # noqa: E402 (after the path is set)
from sockcheck.checks import CHECKS  # noqa: E402
from sockcheck.common import KINDS, Usage  # noqa: E402
from sockcheck.options import HELP, parse  # noqa: E402

SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


class Main(unittest.TestCase):

    def main(self, *args):
        """main(scripts/check ARGS): (status, stdout, stderr). main() sets
        the signal handlers before it looks at KIND and COMMAND: they are
        put back after."""
        handlers = [signal.getsignal(s) for s in SIGNALS]
        out, err = io.StringIO(), io.StringIO()
        try:
            with contextlib.redirect_stdout(out), \
                    contextlib.redirect_stderr(err):
                rc = cli.main(["scripts/check"] + list(args))
        finally:
            for sig, handler in zip(SIGNALS, handlers):
                signal.signal(sig, handler)
        return rc, out.getvalue(), err.getvalue()

    def test_help(self):
        for flag in ("--help", "-h"):
            self.assertEqual(self.main(flag), (0, HELP + "\n", ""))

    def test_help_before_anything_else(self):
        self.assertEqual(self.main("--help", "echo-server", "--", "x"),
                         (0, HELP + "\n", ""))

    def test_list(self):
        rc, out, err = self.main("--list")
        self.assertEqual((rc, err), (0, ""))
        self.assertIn("\n  half-close      the client half-closes\n", out)

    def test_bad_usage_exits_2_with_one_line_naming_the_option(self):
        d = tempfile.mkdtemp(prefix="sockcheck-test.")
        self.addCleanup(shutil.rmtree, d)
        os.mkdir(os.path.join(d, "sub"))
        cases = [
            (["--format", "xml", "echo-server", "--", "true", "{port}"],
             "--format: expected text, json or tap, got 'xml'"),
            (["--port", "0", "echo-server", "--", "true"], "--port: "),
            (["--port", "70000", "echo-server", "--", "true"], "--port: "),
            (["--wait", "x", "echo-server", "--", "true", "{port}"],
             "--wait: "),
            (["--only", "nope", "echo-server", "--", "true", "{port}"],
             "--only: no check 'nope' for echo-server (see --list)"),
            (["--bogus", "echo-server", "--", "true", "{port}"], "--bogus: "),
            (["frob", "--", "true", "{port}"], "KIND: "),
            ([], "KIND: missing"),
            (["echo-server"], "no command after --"),
            (["echo-server", "--", "true"], "COMMAND: no {port} in it"),
            (["echo-server", "--", "./no-such-program", "{port}"],
             "COMMAND: './no-such-program' is not an executable file"),
            (["--csv", "out.csv", "echo-server", "--", "true", "{port}"],
             "--csv: only with --batch"),
            (["--batch", "/nonexistent-dir"],
             "--batch: no directory '/nonexistent-dir'"),
            (["--batch", d, "--format", "json"],
             "--format: not with --batch (it writes a CSV)"),
            (["--batch", d, "echo-server", "--", "true", "{port}"],
             "--batch: takes a directory, not a KIND and a command"),
            (["--batch", d, "--only", "nope"],
             "--only: no check 'nope' (see --list)"),
            (["--batch", os.path.join(d, "sub")],
             "--batch: no submissions (subdirectories) in "),
        ]
        for args, start in cases:
            with self.subTest(args=args):
                rc, out, err = self.main(*args)
                self.assertEqual((rc, out), (2, ""))
                self.assertEqual(err.count("\n"), 1, err)
                self.assertTrue(err.startswith("scripts/check: " + start),
                                err)

    def test_a_batch_of_run_files_that_are_all_wrong(self):
        d = tempfile.mkdtemp(prefix="sockcheck-test.")
        self.addCleanup(shutil.rmtree, d)
        runs = {
            "alice": None,
            "bob": "echo-server -- a {port}\necho-server -- b {port}\n",
            "carol": "frob -- true {port}\n",
            "dave": "# only --port, --only, --wait\n--batch x echo-server\n",
        }
        for name, text in runs.items():
            os.mkdir(os.path.join(d, name))
            if text is not None:
                with open(os.path.join(d, name, "run"), "w") as f:
                    f.write(text)
        with open(os.path.join(d, "not-a-submission"), "w") as f:
            f.write("a file\n")
        rc, out, err = self.main("--batch", d)
        self.assertEqual(rc, 1)
        notes = [
            "run file: cannot read %s/alice/run: No such file or directory"
            % d,
            "run file: expected one line (KIND -- COMMAND), found 2",
            "run file: KIND: expected echo-server, echo-client, udp-receiver "
            "or udp-sender, got 'frob'",
            "run file: --batch: not in a run file",
        ]
        self.assertEqual(err.splitlines(), [
            "scripts/check: %s: %s" % (name, note)
            for name, note in zip(sorted(runs), notes)] + [
            "scripts/check: 4 submissions: 0 passed every check, 0 failed, "
            "4 not checked"])
        rows = list(csv.reader(io.StringIO(out)))
        # a column only for a check that ran: none did
        self.assertEqual(rows[0], ["submission", "kind", "passed", "failed",
                                   "notes"])
        self.assertEqual(rows[1:], [
            [name, "", "0", "1", note]
            for name, note in zip(sorted(runs), notes)])

    def test_csv_goes_to_its_file(self):
        d = tempfile.mkdtemp(prefix="sockcheck-test.")
        self.addCleanup(shutil.rmtree, d)
        os.mkdir(os.path.join(d, "eve"))
        out_csv = os.path.join(d, "out.csv")
        rc, out, err = self.main("--batch", d, "--csv", out_csv)
        self.assertEqual((rc, out), (1, ""))
        with open(out_csv) as f:
            rows = list(csv.reader(f))
        self.assertEqual([r[0] for r in rows], ["submission", "eve"])


class BatchRun(unittest.TestCase):
    """One submission's run file, read into a Run."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="sockcheck-test.")
        self.addCleanup(shutil.rmtree, self.dir)
        self.opts = parse(["--batch", self.dir, "--only", "one-line",
                           "--wait", "20"])

    def run_file(self, text):
        with open(os.path.join(self.dir, "run"), "w") as f:
            f.write(text)
        return cli.batch_run(self.dir, self.opts, "/tmp")

    def error(self, text):
        with self.assertRaises(Usage) as cm:
            self.run_file(text)
        return str(cm.exception)

    def test_a_good_run_file_takes_the_batchs_options(self):
        run = self.run_file("# comment\n\n echo-server -- true {port} \n")
        self.assertEqual((run.kind, run.argv, run.fixed_port, run.cwd,
                          run.wait, run.strace, run.tmpdir),
                         ("echo-server", ["true", "{port}"], None, self.dir,
                          20, False, "/tmp"))
        self.assertEqual([c.name for c in run.checks], ["one-line"])

    def test_its_own_options_come_first(self):
        prog = os.path.join(self.dir, "my server")
        with open(prog, "w") as f:
            f.write("#!/bin/sh\n")
        os.chmod(prog, 0o755)
        run = self.run_file("--port 8888 --only reset,sigpipe --wait 5 "
                            "echo-server -- './my server' x\n")
        self.assertEqual((run.argv, run.fixed_port, run.wait),
                         (["./my server", "x"], 8888, 5))
        self.assertEqual([c.name for c in run.checks], ["reset", "sigpipe"])

    def test_mistakes(self):
        self.assertEqual(self.error(""),
                         "expected one line (KIND -- COMMAND), found 0")
        self.assertEqual(self.error("echo-server -- 'x {port}\n"),
                         "No closing quotation")
        for first in ("--help", "--list", "--strace"):
            self.assertEqual(self.error(first + " echo-server -- true {port}"),
                             "only --port, --only and --wait may come before "
                             "KIND")
        self.assertEqual(self.error("--csv x echo-server -- true {port}"),
                         "--csv: not in a run file")
        self.assertEqual(self.error("udp-sender -- true"),
                         "COMMAND: no {port} in it, and no --port N says "
                         "which port the program uses")


class ListChecks(unittest.TestCase):

    def test_every_kind_then_its_checks_and_rules(self):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            cli.list_checks()
        lines = out.getvalue().splitlines()
        for kind in KINDS:
            at = lines.index(kind)
            first = CHECKS[kind][0]
            self.assertEqual(lines[at + 1],
                             "  %-15s %s" % (first.name, first.title))
        rules = [ln for ln in lines if ln.startswith(" " * 18)]
        self.assertTrue(rules)
        self.assertTrue(all(len(ln) <= 78 for ln in lines))
        self.assertEqual(lines[-2:], [
            "Every check starts the program afresh and has its own time "
            "limit;",
            "the program is killed (its whole process group) at the end of "
            "each."])
        names = sum(len(CHECKS[k]) for k in KINDS)
        self.assertEqual(len([ln for ln in lines if ln.startswith("  ")
                              and not ln.startswith("   ")]), names)


if __name__ == "__main__":
    unittest.main()
