"""scripts/sockcheck/solo.py and cli.py's single-mode additions: what
--sandbox refuses up front, --output written in one step, and --build's
report when the build fails (every check NOT RUN, the first with the
build's lines), for everything that runs no program under test."""

import contextlib
import io
import json
import os
import signal
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from sockcheck import cli, solo  # noqa: E402 (after the path is set)
from sockcheck.common import TOP, Usage  # noqa: E402
from sockcheck.options import parse  # noqa: E402

SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
HELLO = os.path.join(TOP, "scripts", "sockcheck", "specs", "hello.spec")


def main(*args):
    """(status, stdout, stderr) of scripts/check ARGS, the signal
    handlers main() sets put back after."""
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


class InAFolder(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="sockcheck-solo.")
        self.was = os.getcwd()
        os.chdir(self.dir)

    def tearDown(self):
        os.chdir(self.was)
        import shutil
        shutil.rmtree(self.dir, ignore_errors=True)


class Refused(InAFolder):

    def refused(self, args, tmpdir=None):
        with self.assertRaises(Usage) as e:
            solo.refuse(parse(args), self.dir,
                        tmpdir or "/nonexistent/sockstep-check.x")
        return str(e.exception)

    def test_a_command_outside_the_copy(self):
        self.assertIn("COMMAND's '/srv/x/server' is outside the current "
                      "directory", self.refused(
                          ["echo-server", "--", "/srv/x/server", "{port}"]))
        self.assertIn("'../server' is outside", self.refused(
            ["echo-server", "--", "../server", "{port}"]))

    def test_commands_it_shows(self):
        for prog in ("./server", "server", "/usr/bin/python3"):
            solo.refuse(parse(["echo-server", "--", prog, "{port}"]),
                        self.dir, "/nonexistent/sockstep-check.x")

    def test_the_checker_s_tree_is_not_shown_at_its_own_path(self):
        # the sandbox shows the checker's scripts/ and library under
        # sandbox.TOOL only: a lesson's program in build/ is not there
        self.assertIn("is outside the current directory", self.refused(
            ["echo-server", "--",
             os.path.join(TOP, "build", "06-send-recv-server"), "{port}"]))

    def test_a_source_outside(self):
        self.assertIn("--source: with --sandbox, a file name inside",
                      self.refused(["--source", "/etc/x.c", "echo-server",
                                    "--", "./s", "{port}"]))

    def test_a_folder_that_holds_the_checker_s_own(self):
        self.assertIn("holds the checker's temporary directory",
                      self.refused(["echo-server", "--", "./s", "{port}"],
                                   os.path.join(self.dir, "tmp")))


class Options(InAFolder):

    def test_not_with_batch(self):
        for opt in (["--sandbox"], ["--build", "make"],
                    ["--output", "r.json"]):
            rc, _, err = main(*(opt + ["--batch", ".", "echo-server"]))
            self.assertEqual(rc, 2)
            self.assertIn("%s: not with --batch" % opt[0], err)

    def test_an_output_folder_that_is_not_there(self):
        rc, _, err = main("--output", "no/such/r.json", "echo-server",
                          "--", "./s", "{port}")
        self.assertEqual(rc, 2)
        self.assertIn("--output: cannot write in", err)

    def test_limit_with_sandbox_only(self):
        rc, _, err = main("--limit", "time=60", "echo-server", "--", "./s",
                          "{port}")
        self.assertEqual(rc, 2)
        self.assertIn("--limit: only with --batch or --sandbox", err)
        rc, _, err = main("--sandbox", "--limit", "swap=1", "echo-server",
                          "--", "./s", "{port}")
        self.assertEqual(rc, 2)
        self.assertIn("--limit: no limit 'swap'", err)

    def test_an_empty_build(self):
        rc, _, err = main("--build", " ", "echo-server", "--", "./s",
                          "{port}")
        self.assertEqual(rc, 2)
        self.assertIn("--build: expected a command", err)


class WriteWhole(InAFolder):

    def test_a_new_file_renamed_over_the_old(self):
        with open("r.json", "w") as f:
            f.write("old")
        cli.write_whole("r.json", "new")
        with open("r.json") as f:
            self.assertEqual(f.read(), "new")
        self.assertEqual(os.listdir("."), ["r.json"])

    def test_a_link_is_replaced_not_followed(self):
        with open("elsewhere", "w") as f:
            f.write("keep")
        os.symlink("elsewhere", "r.json")
        cli.write_whole("r.json", "new")
        self.assertFalse(os.path.islink("r.json"))
        with open("elsewhere") as f:
            self.assertEqual(f.read(), "keep")


class BuildFails(InAFolder):

    def test_every_check_not_run_the_first_with_its_lines(self):
        with open("Makefile", "w") as f:
            f.write("server:\n\t@echo 'server.c:1: error: x'; exit 1\n")
        rc, out, _ = main("--build", "make -s server", "--spec", HELLO,
                          "--format", "gradescope", "--output", "r.json",
                          "--", "./server", "{port}")
        self.assertEqual(rc, 1)
        self.assertEqual(out, "")
        with open("r.json") as f:
            r = json.load(f)
        self.assertEqual(len(r["tests"]), 18)
        self.assertEqual(sum(t["score"] for t in r["tests"]), 0)
        first = r["tests"][0]["output"]
        self.assertIn("Not run: the build, 'make -s server' exited with "
                      "status 2", first)
        self.assertIn("| server.c:1: error: x", first)
        self.assertIn("Not run: the build failed (see check bind).",
                      r["tests"][1]["output"])

    def test_a_build_that_makes_no_program(self):
        rc, out, _ = main("--build", "true", "--spec", HELLO,
                          "--", "./server", "{port}")
        self.assertEqual(rc, 1)
        self.assertIn("Not run: the build, 'true', ended well, but "
                      "COMMAND: './server' is not an\n     executable file.",
                      out)
        self.assertIn("18 checks: 0 passed, 0 failed, 18 not run", out)


if __name__ == "__main__":
    unittest.main()


class EndedByALimit(InAFolder):
    """ended(): the report the checker outside writes when a limit of
    the sandbox ended the checker inside before its own."""

    LIMIT = "the whole run had taken the 20 s it may take (--limit time)"

    def report(self, results, running):
        opts = parse(["--spec", HELLO, "--only", "bind,exchange,in-turn",
                      "--format", "json", "--output",
                      os.path.join(self.dir, "r.json"), "--", "./server",
                      "{port}"])
        solo.validate(opts, self.dir, program=False)  # as outer() does
        told = solo.Heard()
        told.results, told.running = results, running
        told.began, told.limit = solo.time.monotonic(), self.LIMIT
        return json.loads(solo.ended(opts, told))

    def test_the_checks_told_kept_the_running_one_fails_the_rest_not_run(self):
        bind = {"name": "bind", "state": "passed", "reason": "",
                "message": "It listened.", "seconds": 0.5, "output": [],
                "trace": [], "narration": []}
        r = self.report({"bind": bind}, "exchange")
        self.assertEqual((1, 1, 1), (r["passed"], r["failed"], r["not_run"]))
        got = [(c["name"], c["result"], c["reason"]) for c in r["checks"]]
        self.assertEqual([
            ("bind", "PASS", ""),
            ("exchange", "FAIL", "ended by a limit: " + self.LIMIT),
            ("in-turn", "NOT RUN", "not run")], got)
        self.assertEqual("It listened.", r["checks"][0]["message"])
        self.assertIn("a limit of the sandbox ended the checker in check "
                      "exchange", r["checks"][2]["message"])

    def test_ended_before_any_check_the_first_not_run_says_why(self):
        r = self.report({}, None)
        self.assertEqual((0, 0, 3), (r["passed"], r["failed"], r["not_run"]))
        self.assertEqual("ended by a limit: " + self.LIMIT,
                         r["checks"][0]["reason"])
        self.assertEqual(
            "Not run: %s, and the checker in the sandbox was ended before "
            "the first check began, in the start." % self.LIMIT,
            r["checks"][0]["message"])
