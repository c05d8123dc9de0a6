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
        status = res.status()
        if res.skipped:
            self.skipped(res, n)
            return
        if self.fmt == "text":
            head = "%s %-14s %s" % (status, res.check.name, res.check.title)
            if (not res.ok or res.note) and res.reason:
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
                res.check.title, "" if (res.ok and not res.note)
                or not res.reason else ": " + res.reason
                + (" (a note)" if res.note else "")), file=self.out)
            print(wrap(res.message, "#   "), file=self.out)
            for line in res.output:
                print("#   | " + line, file=self.out)
            for line in res.trace:
                print("#   strace: " + line, file=self.out)
            for line in getattr(res, "narration", []):
                print("#   narrate: " + line, file=self.out)
        self.out.flush()

    def skipped(self, res, n):
        """The checks not run after the program could not start: one
        line for them all in text (each says the same), not failures."""
        if self.fmt == "tap":
            print("ok %d - %s: %s # SKIP not run%s" % (
                n, res.check.name, res.check.title,
                ": " + res.reason if res.alone else ""), file=self.out)
            if res.alone:
                print(wrap(res.message, "#   "), file=self.out)
        elif self.fmt == "text" and res.alone:
            print("%s %-14s %s: %s" % (res.status(), res.check.name,
                                       res.check.title, res.reason),
                  file=self.out)
            print(wrap(res.message, "     "), file=self.out)
        elif self.fmt == "text":
            if not any(r.skipped and not r.alone
                       for r in self.results[:-1]):
                print(wrap(res.message[:-1] + ": " + ", ".join(
                    c.name for c in self.run.checks[n - 1:]) + ".", ""),
                    file=self.out)
        self.out.flush()

    def end(self):
        skipped = sum(1 for r in self.results if r.skipped)
        notes = sum(1 for r in self.results if r.note)
        passed = sum(1 for r in self.results if r.ok)
        failed = len(self.results) - passed - skipped
        if self.fmt == "text":
            print("%s: %d passed, %d failed%s%s" % (
                plural(len(self.results), "check"), passed, failed,
                " (%s)" % plural(notes, "note") if notes else "",
                ", %d not run" % skipped if skipped else ""),
                file=self.out)
        elif self.fmt == "json":
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
                "checks": checks,
            }
            if skipped:
                obj["not_run"] = skipped
            json.dump(obj, self.out, indent=2)
            print(file=self.out)
        self.out.flush()
        return failed
