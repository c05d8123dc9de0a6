"""scripts/sockcheck/report.py: each result as text, TAP or JSON, and the
verdict line at the end."""

import io
import json
import os
import sys
import textwrap
import unittest
import xml.etree.ElementTree as ET
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


def noted(check=ONE_LINE, message="It came back in two pieces.",
          reason="split reply", seconds=0.5):
    res = Result(check)
    res.noted(message, reason)
    res.seconds = seconds
    return res


def not_run(check=HALF_CLOSE, alone=True):
    """A check NOT RUN: alone (for a reason of its own), or as the runner
    leaves the checks after one in which the program could not start."""
    res = Result(check)
    if alone:
        res.not_run("IPv6 is off here.", "no IPv6")
    else:
        res.skip("Not run: the program could not be started in check "
                 "one-line (see there).")
    return res


# what a program printed that a terminal acts on, or XML cannot hold
HOSTILE = "red \x1b[31m nul \x00 cr \r del \x7f lone \udc80 ffff \uffff"
HOSTILE_SHOWN = ("red \\x1b[31m nul \\x00 cr \\x0d del \\x7f lone "
                 "\\udc80 ffff \\uffff")


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
            "#   strace: close(4) = 0\n"
            "# 1 passed, 1 failed, 0 not run\n"))


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
            "not_run": 0,
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


class Escaped(unittest.TestCase):

    def test_controls_and_what_xml_cannot_hold_are_written_out(self):
        self.assertEqual(report.escaped(HOSTILE), HOSTILE_SHOWN)

    def test_tabs_newlines_and_other_text_are_kept(self):
        text = "a\tb\nc é \u2014 \U0001f600 <&>\"'"
        self.assertEqual(report.escaped(text), text)


class Gradescope(unittest.TestCase):

    def results(self, *results):
        n, out = reporter("gradescope", *results)
        self.assertTrue(out.endswith("}\n"))
        out.encode("ascii")  # the whole is ASCII
        return n, json.loads(out)

    def test_a_test_per_check_a_point_each(self):
        n, obj = self.results(passed(), failed(
            output=["bye"], trace=["close(4) = 0"]))
        self.assertEqual(n, 1)
        self.assertEqual(obj, {
            "output": "echo-server: ./srv --port {port} 'a b'\n"
                      "2 checks: 1 passed, 1 failed",
            "execution_time": 3,
            "output_format": "text",
            "test_output_format": "text",
            "tests": [{
                "name": "one-line: one line echoed",
                "score": 1, "max_score": 1, "status": "passed",
                "output": "The same 16 bytes came back.",
            }, {
                "name": "half-close: the client half-closes",
                "score": 0, "max_score": 1, "status": "failed",
                "output": "FAIL: never closed the connection\n\n" + LONG
                + "\n\nthe program's last output:\n| bye\n\n"
                "last system calls (strace):\n  close(4) = 0",
            }],
        })

    def test_a_note_passes_and_not_run_scores_0_of_1(self):
        _, obj = self.results(noted(), not_run(), not_run(ONE_LINE, False))
        self.assertEqual(
            [(t["score"], t["max_score"], t["status"], t["output"])
             for t in obj["tests"]],
            [(1, 1, "passed", "NOTE: split reply\n\n"
              "It came back in two pieces."),
             (0, 1, "failed", "NOT RUN: no IPv6\n\nIPv6 is off here."),
             (0, 1, "failed", "NOT RUN\n\nNot run: the program could not "
              "be started in check one-line (see there).")])
        self.assertEqual(obj["output"].splitlines()[1],
                         "3 checks: 1 passed, 0 failed, 2 not run")

    def test_the_scores_add_up_to_the_passes(self):
        results = [passed(), failed(), noted(), not_run(), passed()]
        _, obj = self.results(*results)
        self.assertEqual(sum(t["score"] for t in obj["tests"]), 3)
        self.assertEqual(sum(t["max_score"] for t in obj["tests"]), 5)
        for t in obj["tests"]:
            self.assertEqual(t["status"] == "passed", t["score"] == 1)

    def test_what_a_program_printed_is_escaped(self):
        _, obj = self.results(failed(message="It said " + HOSTILE + ".",
                                     reason=HOSTILE, output=[HOSTILE]))
        out = obj["tests"][0]["output"]
        self.assertEqual(out, "FAIL: %s\n\nIt said %s.\n\n"
                         "the program's last output:\n| %s"
                         % ((HOSTILE_SHOWN,) * 3))

    def test_no_checks(self):
        n, obj = self.results()
        self.assertEqual((n, obj["tests"], obj["execution_time"]),
                         (0, [], 0))


class Junit(unittest.TestCase):

    def suite(self, *results):
        n, out = reporter("junit", *results)
        self.assertTrue(out.startswith(
            '<?xml version="1.0" encoding="UTF-8"?>\n<testsuite '))
        self.assertTrue(out.endswith("</testsuite>\n"))
        out.encode("ascii")  # the whole is ASCII
        return n, ET.fromstring(out.encode("ascii"))

    def test_a_suite_a_testcase_per_check_a_failure(self):
        n, suite = self.suite(passed(), failed(
            output=["bye <&>"], trace=["close(4) = 0"]))
        self.assertEqual(n, 1)
        self.assertEqual((suite.tag, suite.attrib), ("testsuite", {
            "name": "echo-server", "tests": "2", "failures": "1",
            "errors": "0", "skipped": "0", "time": "3.350"}))
        self.assertEqual(
            [(p.get("name"), p.get("value")) for p in suite.iter("property")],
            [("command", "./srv --port {port} 'a b'")])
        one, two = suite.findall("testcase")
        self.assertEqual(one.attrib, {
            "classname": "echo-server", "name": "one-line: one line echoed",
            "time": "0.250"})
        self.assertEqual(list(one), [])
        self.assertEqual(two.attrib, {
            "classname": "echo-server",
            "name": "half-close: the client half-closes", "time": "3.100"})
        failure = two.find("failure")
        self.assertEqual((failure.get("message"), failure.get("type"),
                          failure.text),
                         ("never closed the connection", "half-close", LONG))
        self.assertEqual(two.find("system-out").text,
                         "the program's last output:\n| bye <&>\n\n"
                         "last system calls (strace):\n  close(4) = 0")

    def test_not_run_is_skipped_and_a_note_a_pass_that_says_why(self):
        _, suite = self.suite(noted(), not_run(), not_run(ONE_LINE, False))
        self.assertEqual((suite.get("tests"), suite.get("failures"),
                          suite.get("skipped")), ("3", "0", "2"))
        note, alone, after = suite.findall("testcase")
        self.assertEqual([c.tag for c in note], ["system-out"])
        self.assertEqual(note.find("system-out").text,
                         "NOTE: split reply\nIt came back in two pieces.")
        self.assertEqual([(c.tag, c.get("message"), c.text) for c in alone],
                         [("skipped", "NOT RUN: no IPv6",
                           "IPv6 is off here.")])
        self.assertEqual([(c.tag, c.get("message")) for c in after],
                         [("skipped", "NOT RUN")])

    def test_the_counts_match_the_testcases(self):
        results = [passed(), failed(), noted(), not_run(), failed()]
        _, suite = self.suite(*results)
        cases = suite.findall("testcase")
        self.assertEqual(int(suite.get("tests")), len(cases))
        for tag in ("failure", "skipped"):
            self.assertEqual(int(suite.get(tag if tag == "skipped"
                                           else "failures")),
                             len(suite.findall("testcase/" + tag)))
        self.assertEqual((suite.get("failures"), suite.get("skipped")),
                         ("2", "1"))

    def test_what_a_program_printed_stays_valid_xml(self):
        # ElementTree alone would write the escape code and the NUL as
        # they are, and no XML parser would read the file back
        _, suite = self.suite(failed(message="It said " + HOSTILE + ".",
                                     reason=HOSTILE, output=[HOSTILE]))
        failure = suite.find("testcase/failure")
        self.assertEqual(failure.get("message"), HOSTILE_SHOWN)
        self.assertEqual(failure.text, "It said %s." % HOSTILE_SHOWN)
        self.assertEqual(suite.find("testcase/system-out").text,
                         "the program's last output:\n| " + HOSTILE_SHOWN)

    def test_a_spec_names_the_suite_and_anything_else_is_ascii(self):
        run = SimpleNamespace(kind="hello.spec", argv=["./srv", "{port}"],
                              checks=[ONE_LINE])
        out = io.StringIO()
        rep = report.Reporter("junit", run, out)
        rep.start()
        rep.add(failed(check=ONE_LINE, message="\u00e9t\u00e9 \u2014 ok",
                       reason="r"))
        rep.end()
        self.assertIn("&#233;t&#233; &#8212; ok", out.getvalue())
        suite = ET.fromstring(out.getvalue().encode("ascii"))
        self.assertEqual((suite.get("name"),
                          suite.find("testcase").get("classname"),
                          suite.find("testcase/failure").text),
                         ("hello.spec", "hello.spec",
                          "\u00e9t\u00e9 \u2014 ok"))

    def test_no_checks(self):
        n, suite = self.suite()
        self.assertEqual((n, suite.get("tests"), suite.findall("testcase")),
                         (0, "0", []))


if __name__ == "__main__":
    unittest.main()
