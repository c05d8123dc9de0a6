"""scripts/sockcheck/cli.py: main()'s exit statuses and messages, --list,
and --batch's run files and CSV, for everything that runs no program."""

import contextlib
import csv
import io
import os
import shutil
import signal
import socket
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from sockcheck import cli, grading, runfile  # noqa: E402 (after the path is set)
from sockcheck.checks import CHECKS  # noqa: E402
from sockcheck.common import KINDS  # noqa: E402
from sockcheck.kinds import kind_checks  # noqa: E402
from sockcheck.options import HELP  # noqa: E402

SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def needs_sandbox(test):
    """Skip TEST where the checker's sandbox cannot be made (no bwrap, or
    namespaces refused, as in a chroot), saying why; fail it instead where
    SOCKSTEP_REQUIRE_NAMESPACES=1 (as .ci/run sets), as the bats helper does."""
    from sockcheck.sandbox import bwrap_missing
    why = bwrap_missing()
    if why is None or os.environ.get("SOCKSTEP_REQUIRE_NAMESPACES") == "1":
        return test
    return unittest.skip("the checker's sandbox cannot be made: " + why)(test)


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
             "--format: expected text, json, tap, gradescope or junit, "
             "got 'xml'"),
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
            (["--batch", d, "--format", "gradescope"],
             "--format: not with --batch (it writes a CSV)"),
            (["--batch", d, "--format", "junit"],
             "--format: not with --batch (it writes a CSV)"),
            (["--batch", d, "echo-server", "--", "true", "{port}"],
             "--batch: takes no command (each submission's run file holds "
             "its own)"),
            (["--batch", d],
             "--batch: name what is checked, KIND or --spec FILE"),
            (["--batch", d, "echo-server", "--only", "nope"],
             "--only: no check 'nope' for echo-server (see --list)"),
            (["--batch", d, "echo-server", "--jobs", "0"],
             "--jobs: expected a number 1..64, got '0'"),
            (["--jobs", "2", "echo-server", "--", "true", "{port}"],
             "--jobs: only with --batch"),
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

    @needs_sandbox
    def test_a_batch_of_run_files_that_are_all_wrong(self):
        d = tempfile.mkdtemp(prefix="sockcheck-test.")
        self.addCleanup(shutil.rmtree, d)
        runs = {
            "alice": None,
            "bob": "-- a {port}\n-- b {port}\n",
            "carol": "--only one-line -- true {port}\n",
            "dave": "# only --port and --wait\n--batch x echo-server\n",
        }
        for name, text in runs.items():
            os.mkdir(os.path.join(d, name))
            if text is not None:
                with open(os.path.join(d, name, "run"), "w") as f:
                    f.write(text)
        with open(os.path.join(d, "not-a-submission"), "w") as f:
            f.write("a file\n")
        rc, out, err = self.main("--batch", d, "echo-server", "--only",
                                 "one-line")
        self.assertEqual(rc, 1)
        asks = ("(only --port and --wait may be given there; the lecturer "
                "chooses the rest)")
        notes = [
            "refused: no run file (no such file or directory)",
            "refused: expected one line with the command, found 2",
            "refused: run file asks for --only " + asks,
            "refused: run file asks for --batch " + asks,
        ]
        # (an ordinary user's batch first notes what its limits are)
        said = [line for line in err.splitlines()
                if not line.startswith("scripts/check: note: ")]
        self.assertEqual(said[:5], [
            "scripts/check: %s: %s" % (name, note)
            for name, note in zip(sorted(runs), notes)] + [
            "scripts/check: 4 submissions: 0 passed every check, 0 failed, "
            "0 failed none but had checks not run, 4 not checked"])
        rows = list(csv.reader(io.StringIO(out)))
        # a column for each check the lecturer chose, NOT RUN in each
        self.assertEqual(rows[0], ["submission", "kind", "passed", "failed",
                                   "not run", "one-line", "notes"])
        self.assertEqual(rows[1:], [
            [name, "echo-server", "0", "1", "1", "NOT RUN", note]
            for name, note in zip(sorted(runs), notes)])

    @needs_sandbox
    def test_csv_goes_to_its_file(self):
        d = tempfile.mkdtemp(prefix="sockcheck-test.")
        self.addCleanup(shutil.rmtree, d)
        os.mkdir(os.path.join(d, "eve"))
        out_csv = os.path.join(d, "out.csv")
        rc, out, err = self.main("--batch", d, "echo-server", "--csv",
                                 out_csv)
        self.assertEqual((rc, out), (1, ""))
        with open(out_csv) as f:
            rows = list(csv.reader(f))
        self.assertEqual([r[0] for r in rows], ["submission", "eve"])


class RunFiles(unittest.TestCase):
    """One submission's run file: read as hostile bytes, parsed into
    its command and the two options it may give."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="sockcheck-test.")
        self.addCleanup(shutil.rmtree, self.dir)

    def write(self, data):
        with open(os.path.join(self.dir, "run"), "wb") as f:
            f.write(data)

    def refused(self, text):
        with self.assertRaises(runfile.Refused) as cm:
            runfile.parse(text)
        return str(cm.exception)

    def test_a_good_run_file(self):
        rf = runfile.parse("# comment\n\n build: make \n -- true {port} \n")
        self.assertEqual((rf.build, rf.port, rf.wait, rf.kind, rf.command),
                         ("make", None, None, None, ["true", "{port}"]))

    def test_its_two_options_and_a_kind_come_first(self):
        rf = runfile.parse("--port 8888 --wait=5 echo-server -- "
                           "'./my server' x\n")
        self.assertEqual((rf.port, rf.wait, rf.kind, rf.command),
                         (8888, 5, "echo-server", ["./my server", "x"]))
        # without --, the line is the command
        self.assertEqual(runfile.parse("python3 s.py {port}").command,
                         ["python3", "s.py", "{port}"])

    def test_the_lecturer_chooses_the_rest(self):
        for first in ("--only reset", "--spec x.spec", "--strace", "--help",
                      "--csv x", "--no-sandbox"):
            name = first.split()[0]
            self.assertEqual(
                self.refused(first + " echo-server -- true {port}"),
                "run file asks for %s (only --port and --wait may be given "
                "there; the lecturer chooses the rest)" % name)

    def test_mistakes(self):
        self.assertEqual(self.refused(""),
                         "expected one line with the command, found 0")
        self.assertEqual(self.refused("-- 'x {port}\n"),
                         "the command line: No closing quotation")
        self.assertEqual(self.refused("--port 0 -- x"),
                         "--port: expected a port 1..65535, got '0'")
        self.assertEqual(self.refused("build: a\nbuild: b\n-- x"),
                         "expected at most one 'build:' line, found 2")
        self.assertEqual(self.refused("--"), "no command in the run file")

    def test_bytes_in_any_encoding(self):
        line = "-- python3 s.py {port}\r\n"
        for data in (line.encode("utf-16"), line.encode("utf-16-le"),
                     b"\xef\xbb\xbf" + line.encode()):
            self.assertEqual(runfile.parse(runfile.decode(data)).command,
                             ["python3", "s.py", "{port}"])
        self.assertEqual(runfile.decode(b"-- caf\xe9"), "-- caf\ufffd")

    def test_what_is_not_a_run_file(self):
        with self.assertRaises(runfile.Refused):
            runfile.read_bytes(self.dir)  # none
        os.mkfifo(os.path.join(self.dir, "run"))
        with self.assertRaises(runfile.Refused) as cm:
            runfile.read_bytes(self.dir)
        self.assertIn("not a regular file", str(cm.exception))
        os.unlink(os.path.join(self.dir, "run"))
        os.symlink("/dev/zero", os.path.join(self.dir, "run"))
        with self.assertRaises(runfile.Refused) as cm:
            runfile.read_bytes(self.dir)
        self.assertIn("leads out of the folder", str(cm.exception))
        os.unlink(os.path.join(self.dir, "run"))
        self.write(b"#" * 5000)
        with self.assertRaises(runfile.Refused) as cm:
            runfile.read_bytes(self.dir)
        self.assertIn("longer than 4096 bytes", str(cm.exception))

    def test_a_run_file_that_is_not_a_regular_file_is_never_opened(self):
        # a device node's open() can act; a FIFO stands for one here
        os.mkfifo(os.path.join(self.dir, "fifo"))
        os.link(os.path.join(self.dir, "fifo"), os.path.join(self.dir, "run"))
        opened = []
        real_open = runfile.os.open
        runfile.os.open = lambda *a: opened.append(a) or real_open(*a)
        try:
            with self.assertRaises(runfile.Refused) as cm:
                runfile.read_bytes(self.dir)
            self.assertIn("not a regular file", str(cm.exception))
            # and through a link inside the folder
            os.unlink(os.path.join(self.dir, "run"))
            os.symlink("fifo", os.path.join(self.dir, "run"))
            with self.assertRaises(runfile.Refused) as cm:
                runfile.read_bytes(self.dir)
            self.assertIn("not a regular file", str(cm.exception))
        finally:
            runfile.os.open = real_open
        self.assertEqual(opened, [])


class Cells(unittest.TestCase):

    def test_names_and_notes_are_escaped_and_never_formulas(self):
        self.assertEqual(grading.cell("=HYPERLINK(1)"), "'=HYPERLINK(1)")
        for c in "+-@":
            self.assertEqual(grading.cell(c + "1"), "'" + c + "1")
        self.assertEqual(grading.cell("a\x1b[31mb\nc"), "a\\x1b[31mb\\x0ac")
        self.assertEqual(grading.cell(3), "3")

    def test_distinct_names_make_distinct_cells(self):
        names = ["'=x", "=x", "''=x", "a\x1b", "a\\x1b", "a\\\\x1b",
                 "a\udcff", "a\\udcff", "x", "'x"]
        cells = [grading.name_cell(n) for n in names]
        self.assertEqual(len(set(cells)), len(names), cells)
        self.assertEqual(cells[:2], ["''=x", "'=x"])


class Limits(unittest.TestCase):

    def test_defaults_and_a_wrong_value(self):
        from sockcheck import sandbox
        got, err = sandbox.Limits.parse("memory=512,time=60")
        self.assertEqual((repr(got), err), (
            "memory=512,procs=256,file=64,cpu=300,time=60,disk=256", None))
        self.assertEqual(got.copy_limit(), 128 << 20)
        self.assertEqual(sandbox.Limits.parse("disk=2")[1],
                         "disk: expected a number 4..1048576, got '2'")
        self.assertEqual(sandbox.Limits.parse("disk")[1],
                         "disk: expected a number 4..1048576, got ''")
        self.assertEqual(sandbox.Limits.parse(",")[1],
                         "expected NAME=N, got ','")

    def test_a_sparse_file_counts_in_full(self):
        from sockcheck import sandbox
        d = tempfile.mkdtemp(prefix="sockcheck-test.")
        self.addCleanup(shutil.rmtree, d)
        with open(os.path.join(d, "core"), "wb") as f:
            f.truncate(1 << 30)
        self.assertGreater(sandbox.folder_size(d, 1 << 20), 1 << 20)
        with self.assertRaises(sandbox.CopyRefused) as cm:
            sandbox.copy_folder(d, os.path.join(d, "copy"), None, 1 << 20)
        self.assertEqual(str(cm.exception), "its folder holds more than 1 MiB "
                         "(every byte of a sparse file counts): not copied")
        self.assertFalse(os.path.exists(os.path.join(d, "copy")))


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
        names = sum(len(kind_checks(k)[0]) for k in KINDS)
        self.assertEqual(len([ln for ln in lines if ln.startswith("  ")
                              and not ln.startswith("   ")]), names)


class WaitOutTheKernel(unittest.TestCase):
    """A fixed port held only by the kernel (TIME_WAIT left by an earlier
    run) is waited for before the first check; one a process holds is
    not."""

    def wait(self, answers):
        """wait_out_the_kernel with holders() answering answers in turn,
        on a clock that sleep() moves: (came free, what it said, the
        seconds it slept)."""
        answers, now = list(answers), [0.0]
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            free = cli.wait_out_the_kernel(
                8888, "tcp", held=lambda *a: answers.pop(0) if len(
                    answers) > 1 else answers[0],
                sleep=lambda s: now.__setitem__(0, now[0] + s),
                clock=lambda: now[0])
        return free, err.getvalue(), now[0]

    def test_time_wait_is_waited_for_and_said(self):
        tw = ("1 connection in TIME_WAIT, which the kernel closes by "
              "itself", True)
        free, said, slept = self.wait([tw, tw, tw, ("", False)])
        self.assertTrue(free)
        self.assertEqual(slept, 0.75)
        self.assertIn("port 8888 is held by 1 connection in TIME_WAIT", said)
        self.assertIn("waiting for it (at most 61 s)", said)
        self.assertIn("port 8888 came free after 1 s", said)

    def test_at_most_the_kernels_limit(self):
        free, said, slept = self.wait([("2 connections in TIME_WAIT",
                                        True)])
        self.assertFalse(free)
        self.assertGreaterEqual(slept, 61)
        self.assertLess(slept, 61.5)
        self.assertNotIn("came free", said)

    def test_time_wait_that_so_reuseaddr_could_bind_past_counts(self):
        # the server closes first, with SO_REUSEADDR: its end is left in
        # TIME_WAIT, which a program without the option cannot bind past
        ls = socket.socket()
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("127.0.0.1", 0))
        ls.listen(1)
        port = ls.getsockname()[1]
        c = socket.create_connection(("127.0.0.1", port))
        conn, _ = ls.accept()
        conn.close()
        c.recv(1)  # its FIN has come
        c.close()
        ls.close()
        what, kernel = cli.kernel_holds(port, "tcp")
        self.assertEqual((what, kernel), ("1 connection that the kernel "
                                          "closes by itself", True))

    def test_a_process_or_a_free_port_is_not_waited_for(self):
        self.assertEqual(self.wait([("a listening socket", False)]),
                         (False, "", 0.0))
        self.assertEqual(self.wait([("", False)]), (True, "", 0.0))


if __name__ == "__main__":
    unittest.main()
