"""scripts/sockcheck/report.py: each result as text, TAP or JSON, and the
verdict line at the end."""

import io
import json
import os
import sys
import textwrap
import unittest
from types import SimpleNamespace

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from sockcheck import report  # noqa: E402 (after the path is set)
from sockcheck.checks import Check, Result  # noqa: E402

ONE_LINE = Check("echo-server", "one-line", "one line echoed", "rule", None)
HALF_CLOSE = Check("echo-server", "half-close", "the client half-closes",
                   "rule", None)
LONG = ("The checker sent a line, then shutdown(SHUT_WR), so from then on "
        "the program's recv() returns 0: the client has finished. The line "
        "came back, but 3.00 s later the connection was still open.")


def passed(check=ONE_LINE, message="The same 16 bytes came back.",
           seconds=0.25):
    res = Result(check)
    res.passed(message)
    res.seconds = seconds
    return res


def failed(check=HALF_CLOSE, message=LONG, reason="never closed the "
           "connection", output=(), trace=(), seconds=3.1):
    res = Result(check)
    res.failed(message, reason)
    res.output, res.trace, res.seconds = list(output), list(trace), seconds
    return res


def reporter(fmt, *results):
    """A Reporter of fmt over results, and what it printed."""
    run = SimpleNamespace(kind="echo-server",
                          argv=["./srv", "--port", "{port}", "a b"],
                          checks=[r.check for r in results])
    out = io.StringIO()
    rep = report.Reporter(fmt, run, out)
    rep.start()
    for res in results:
        rep.add(res)
    failed_count = rep.end()
    return failed_count, out.getvalue()


class Wrap(unittest.TestCase):

    def test_fills_to_78_columns_with_the_indent(self):
        text = report.wrap(LONG, "     ")
        lines = text.split("\n")
        self.assertGreater(len(lines), 2)
        for line in lines:
            self.assertLessEqual(len(line), 78)
            self.assertTrue(line.startswith("     "))
        self.assertEqual(" ".join(ln.strip() for ln in lines), LONG)

    def test_a_number_stays_on_the_line_of_its_unit(self):
        text = "a" * 74 + " 12 s later"
        # textwrap alone would leave "12" at the end of the first line
        self.assertEqual(textwrap.fill(text, 78).split("\n")[1], "s later")
        self.assertEqual(report.wrap(text, ""), "a" * 74 + "\n12 s later")
        for unit in ("MB", "ms"):
            self.assertEqual(report.wrap("a" * 73 + " 1.5 %s x" % unit, ""),
                             "a" * 73 + "\n1.5 %s x" % unit)

    def test_long_words_are_not_broken(self):
        self.assertEqual(report.wrap("x" * 100, "  "), "  " + "x" * 100)


class Text(unittest.TestCase):

    def test_one_pass(self):
        n, out = reporter("text", passed())
        self.assertEqual(n, 0)
        self.assertEqual(out, (
            "checking echo-server: ./srv --port {port} 'a b'\n"
            "PASS one-line       one line echoed (0.25 s)\n"
            "     The same 16 bytes came back.\n"
            "1 check: 1 passed, 0 failed\n"))

    def test_a_failure_with_its_reason_output_and_calls(self):
        n, out = reporter("text", passed(), failed(
            output=["Data received: hello"], trace=["recv(4) = 0"]))
        self.assertEqual(n, 1)
        self.assertEqual(out, (
            "checking echo-server: ./srv --port {port} 'a b'\n"
            "PASS one-line       one line echoed (0.25 s)\n"
            "     The same 16 bytes came back.\n"
            "FAIL half-close     the client half-closes: never closed the "
            "connection (3.10 s)\n"
            + report.wrap(LONG, "     ") + "\n"
            "     | Data received: hello\n"
            "     last system calls (strace):\n"
            "       recv(4) = 0\n"
            "2 checks: 1 passed, 1 failed\n"))

    def test_a_failure_without_a_reason(self):
        _, out = reporter("text", failed(reason="", message="No."))
        self.assertIn("FAIL half-close     the client half-closes (3.10 s)\n"
                      "     No.\n", out)

    def test_no_checks(self):
        n, out = reporter("text")
        self.assertEqual((n, out.splitlines()[-1]),
                         (0, "0 checks: 0 passed, 0 failed"))


class Tap(unittest.TestCase):

    def test_plan_results_and_comments(self):
        n, out = reporter("tap", passed(), failed(
            message="No.", output=["bye"], trace=["close(4) = 0"]))
        self.assertEqual(n, 1)
        self.assertEqual(out, (
            "1..2\n"
            "# echo-server: ./srv --port {port} 'a b'\n"
            "ok 1 - one-line: one line echoed\n"
            "#   The same 16 bytes came back.\n"
            "not ok 2 - half-close: the client half-closes: never closed "
            "the connection\n"
            "#   No.\n"
            "#   | bye\n"
            "#   strace: close(4) = 0\n"))


    def test_a_failure_without_a_reason(self):
        _, out = reporter("tap", failed(reason="", message="No."))
        self.assertIn("\nnot ok 1 - half-close: the client half-closes\n",
                      out)


class Json(unittest.TestCase):

    def test_one_object_at_the_end(self):
        n, out = reporter("json", passed(seconds=0.12345), failed(
            output=["bye"], trace=["close(4) = 0"]))
        self.assertEqual(n, 1)
        self.assertTrue(out.startswith('{\n  "kind": "echo-server",\n'))
        self.assertTrue(out.endswith("\n}\n"))
        self.assertEqual(json.loads(out), {
            "kind": "echo-server",
            "command": ["./srv", "--port", "{port}", "a b"],
            "passed": 1,
            "failed": 1,
            "checks": [{
                "name": "one-line", "title": "one line echoed",
                "result": "PASS", "reason": "",
                "message": "The same 16 bytes came back.",
                "seconds": 0.123, "output": [], "trace": [],
            }, {
                "name": "half-close", "title": "the client half-closes",
                "result": "FAIL", "reason": "never closed the connection",
                "message": LONG, "seconds": 3.1, "output": ["bye"],
                "trace": ["close(4) = 0"],
            }],
        })


if __name__ == "__main__":
    unittest.main()
