"""Output: each check's result as it comes, as text (wrapped to 78
columns) or TAP; or, at the end, one JSON object, Gradescope's
results.json or a JUnit XML report."""

import re
import sys
import textwrap

from .checks import State
from .words import plural, printable, secs, show_cmd


def wrap(text, indent):
    """Fill to 78 columns; a number stays on the line of its unit. Each
    line of text is a paragraph of its own."""
    if "\n" in text:
        return "\n".join(wrap(part, indent) for part in text.split("\n"))
    text = re.sub(r"(\d) (s|MiB|MB|ms)\b", "\\1\0\\2", text)
    return textwrap.fill(text, 78, initial_indent=indent,
                         subsequent_indent=indent, break_long_words=False,
                         break_on_hyphens=False).replace("\0", " ")


class Reporter:
    def __init__(self, fmt, run, out=sys.stdout):
        self.fmt, self.run, self.out = fmt, run, out
        self.results = []

    def start(self):
        cmd = show_cmd(self.run.argv)
        if self.fmt == "text":
            print("checking %s: %s" % (self.run.kind, cmd), file=self.out)
        elif self.fmt == "tap":
            print("1..%d" % len(self.run.checks), file=self.out)
            print("# %s: %s" % (self.run.kind, cmd), file=self.out)
        self.out.flush()

    def begin(self, chk):
        """A check is about to run: a report says it once it has run."""

    def add(self, res):
        self.results.append(res)
        n = len(self.results)
        if not res.ran:
            self.not_run(res, n)
            return
        if self.fmt == "text":
            head = "%s %-14s %s" % (res.status(), res.check.name,
                                    res.check.title)
            if res.state is not State.PASSED and res.reason:
                head += ": " + res.reason
            print("%s (%s)" % (head, secs(res.seconds)), file=self.out)
            print(wrap(res.message, "     "), file=self.out)
            for line in res.output:
                print("     | " + line, file=self.out)
            if res.trace:
                print("     last system calls (strace):", file=self.out)
                for line in res.trace:
                    print("       " + line, file=self.out)
            if res.narration:
                print("     its last socket calls (scripts/narrate):",
                      file=self.out)
                for line in res.narration:
                    print("       " + line, file=self.out)
        elif self.fmt == "tap":
            print("%s %d - %s: %s%s" % (
                "ok" if res.ok else "not ok", n, res.check.name,
                res.check.title, "" if res.state is State.PASSED
                or not res.reason else ": " + res.reason
                + (" (a note)" if res.state is State.NOTED else "")),
                file=self.out)
            print(wrap(res.message, "#   "), file=self.out)
            for line in res.output:
                print("#   | " + line, file=self.out)
            for line in res.trace:
                print("#   strace: " + line, file=self.out)
            for line in res.narration:
                print("#   narrate: " + line, file=self.out)
        self.out.flush()

    def not_run(self, res, n):
        """A check NOT RUN: alone, with its reason; or after the program
        could not start, as one line in text for all those checks (each
        says the same). Not failures."""
        alone = res.state is State.NOT_RUN
        if self.fmt == "tap":
            print("ok %d - %s: %s # SKIP not run%s" % (
                n, res.check.name, res.check.title,
                ": " + res.reason if alone else ""), file=self.out)
            if alone:
                print(wrap(res.message, "#   "), file=self.out)
        elif self.fmt == "text" and alone:
            print("%s %-14s %s: %s" % (res.status(), res.check.name,
                                       res.check.title, res.reason),
                  file=self.out)
            print(wrap(res.message, "     "), file=self.out)
        elif self.fmt == "text":
            if not any(r.state is State.SKIPPED and r.message == res.message
                       for r in self.results[:-1]):
                print(wrap(res.message[:-1] + ": " + ", ".join(
                    c.name for c in self.run.checks[n - 1:]
                    if self.run.skips(c)) + ".", ""), file=self.out)
        self.out.flush()

    def end(self):
        passed, failed, skipped = counts(self.results)
        notes = sum(1 for r in self.results if r.state is State.NOTED)
        if self.fmt == "text":
            print("%s: %d passed%s, %d failed%s" % (
                plural(len(self.results), "check"), passed,
                " (%d of them with a note)" % notes if notes else "",
                failed, ", %d not run" % skipped if skipped else ""),
                file=self.out)
        elif self.fmt == "tap":
            print("# %d passed, %d failed, %d not run" % (
                passed, failed, skipped), file=self.out)
        elif self.fmt == "gradescope":
            import json  # here, as xml below: text and TAP need neither
            json.dump(gradescope(self.run, self.results), self.out,
                      indent=2)
            print(file=self.out)
        elif self.fmt == "junit":
            print('<?xml version="1.0" encoding="UTF-8"?>', file=self.out)
            print(junit(self.run, self.results), file=self.out)
        elif self.fmt == "json":
            import json
            checks = [{
                "name": r.check.name,
                "title": r.check.title,
                "result": r.status(),
                "reason": r.reason,
                "message": r.message,
                "seconds": round(r.seconds, 3),
                "output": r.output,
                "trace": r.trace,
            } for r in self.results]
            if getattr(self.run, "narrate", False):  # with --narrate only
                for c, r in zip(checks, self.results):
                    c["narration"] = r.narration
            obj = {
                "kind": self.run.kind,
                "command": self.run.argv,
                "passed": passed,
                "failed": failed,
                # its own count, even 0: a check NOT RUN is no pass
                "not_run": skipped,
                "checks": checks,
            }
            json.dump(obj, self.out, indent=2)
            print(file=self.out)
        self.out.flush()
        return failed


def escaped(text):
    """text as words.printable() writes it, tabs and newlines kept: what
    a program printed, safe in JSON shown as text and in XML."""
    return printable(text, keep="\t\n")


def details(res):
    """What a result says beyond its verdict: its message, then the
    program's last output lines, its last system calls and socket
    calls (the ones a failure has), escaped."""
    return "\n\n".join([escaped(res.message)] + extras(res))


def extras(res):
    """The program's last output lines, its last system calls, its last
    socket calls: a block of lines for each that a result has."""
    blocks = []
    for lines, head, mark in (
            (res.output, "the program's last output:", "| "),
            (res.trace, "last system calls (strace):", "  "),
            (res.narration,
             "its last socket calls (scripts/narrate):", "  ")):
        if lines:
            blocks.append(escaped("\n".join([head] + [mark + ln
                                                      for ln in lines])))
    return blocks


def verdict(res):
    """'FAIL: its reason', 'NOTE: ...', 'NOT RUN: ...' or 'PASS'."""
    reason = res.reason if res.state not in (State.PASSED,
                                             State.SKIPPED) else ""
    return escaped(res.status() + (": " + reason if reason else ""))


def counts(results):
    """(passed, failed, not run): a NOTE is a pass, NOT RUN neither."""
    skipped = sum(1 for r in results if not r.ran)
    passed = sum(1 for r in results if r.ok)
    return passed, len(results) - passed - skipped, skipped


def gradescope(run, results):
    """Gradescope's results.json, as a dict: one test per check, worth 1
    point. PASS and NOTE score 1 ("passed"); FAIL scores 0 ("failed"),
    and so does a check NOT RUN (the program could not be started for
    it): it keeps its point in max_score, so that every submission is
    graded out of the same total. No top-level score: Gradescope adds
    up the tests'. No visibility: the assignment's settings apply."""
    passed, failed, skipped = counts(results)
    tests = [{
        "name": escaped("%s: %s" % (r.check.name, r.check.title)),
        "score": 1 if r.ok else 0,
        "max_score": 1,
        "status": "passed" if r.ok else "failed",
        "output": (verdict(r) + "\n\n" if verdict(r) != "PASS" else "")
        + details(r),
    } for r in results]
    return {
        "output": escaped("%s: %s\n%s: %d passed, %d failed%s" % (
            run.kind, show_cmd(run.argv), plural(len(results), "check"),
            passed, failed, ", %d not run" % skipped if skipped else "")),
        "execution_time": round(sum(r.seconds for r in results)),
        # plain text, the top-level output too: its default there,
        # simple_format, renders HTML (a "<" in a command, say)
        "output_format": "text",
        "test_output_format": "text",
        "tests": tests,
    }


def junit(run, results):
    """A JUnit XML report, as text without the XML declaration: one
    testsuite (the kind, or the spec file's name), one testcase per
    check. FAIL is a <failure> (its type the check's name), NOT RUN
    <skipped>, NOTE a pass that says
    why in <system-out>; the program's output and system calls go in
    <system-out> too. Every text is escaped() (XML 1.0 cannot hold an
    escape code or a NUL, even as a character reference), and the whole
    is ASCII (anything else as a character reference)."""
    import xml.etree.ElementTree as ET
    passed, failed, skipped = counts(results)
    suite = ET.Element("testsuite", {
        "name": escaped(run.kind),
        "tests": str(len(results)),
        "failures": str(failed),
        "errors": "0",
        "skipped": str(skipped),
        "time": "%.3f" % sum(r.seconds for r in results),
    })
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", name="command",
                  value=escaped(show_cmd(run.argv)))
    for r in results:
        case = ET.SubElement(suite, "testcase", {
            "classname": escaped(run.kind),
            "name": escaped("%s: %s" % (r.check.name, r.check.title)),
            "time": "%.3f" % r.seconds,
        })
        out = []  # blocks of <system-out>
        if not r.ran:
            ET.SubElement(case, "skipped", message=verdict(r)).text = \
                escaped(r.message)
        elif not r.ok:
            # its type, the check that failed (Surefire's schema 3.0 and
            # the tools that follow it require one)
            ET.SubElement(case, "failure",
                          message=escaped(r.reason or "failed"),
                          type=escaped(r.check.name)).text = \
                escaped(r.message)
            out = extras(r)
        elif r.state is State.NOTED:
            out = [verdict(r) + "\n" + details(r)]
        out = "\n\n".join(out)
        if out:
            ET.SubElement(case, "system-out").text = out
    if hasattr(ET, "indent"):  # Python 3.9
        ET.indent(suite)
    return ET.tostring(suite, encoding="us-ascii").decode("ascii")
