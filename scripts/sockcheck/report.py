"""Output: each check's result as it comes, as text (wrapped to 78
columns), TAP or, at the end, one JSON object."""

import json
import re
import sys
import textwrap

from .words import plural, secs, show_cmd


def wrap(text, indent):
    """Fill to 78 columns; a number stays on the line of its unit."""
    text = re.sub(r"(\d) (s|MB|ms)\b", "\\1\0\\2", text)
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

    def add(self, res):
        self.results.append(res)
        n = len(self.results)
        status = "PASS" if res.ok else "FAIL"
        if self.fmt == "text":
            head = "%s %-14s %s" % (status, res.check.name, res.check.title)
            if not res.ok and res.reason:
                head += ": " + res.reason
            print("%s (%s)" % (head, secs(res.seconds)), file=self.out)
            print(wrap(res.message, "     "), file=self.out)
            for line in res.output:
                print("     | " + line, file=self.out)
            if res.trace:
                print("     last system calls (strace):", file=self.out)
                for line in res.trace:
                    print("       " + line, file=self.out)
            if getattr(res, "narration", None):
                print("     its last socket calls (scripts/narrate):",
                      file=self.out)
                for line in getattr(res, "narration", []):
                    print("       " + line, file=self.out)
        elif self.fmt == "tap":
            print("%s %d - %s: %s%s" % (
                "ok" if res.ok else "not ok", n, res.check.name,
                res.check.title, "" if res.ok or not res.reason
                else ": " + res.reason), file=self.out)
            print(wrap(res.message, "#   "), file=self.out)
            for line in res.output:
                print("#   | " + line, file=self.out)
            for line in res.trace:
                print("#   strace: " + line, file=self.out)
            for line in getattr(res, "narration", []):
                print("#   narrate: " + line, file=self.out)
        self.out.flush()

    def end(self):
        passed = sum(1 for r in self.results if r.ok)
        failed = len(self.results) - passed
        if self.fmt == "text":
            print("%s: %d passed, %d failed" % (
                plural(len(self.results), "check"), passed, failed),
                file=self.out)
        elif self.fmt == "json":
            checks = [{
                "name": r.check.name,
                "title": r.check.title,
                "result": "PASS" if r.ok else "FAIL",
                "reason": r.reason,
                "message": r.message,
                "seconds": round(r.seconds, 3),
                "output": r.output,
                "trace": r.trace,
            } for r in self.results]
            if getattr(self.run, "narrate", False):  # with --narrate only
                for c, r in zip(checks, self.results):
                    c["narration"] = r.narration
            json.dump({
                "kind": self.run.kind,
                "command": self.run.argv,
                "passed": passed,
                "failed": failed,
                "checks": checks,
            }, self.out, indent=2)
            print(file=self.out)
        self.out.flush()
        return failed
