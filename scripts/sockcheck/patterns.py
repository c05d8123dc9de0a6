"""A spec's patterns, matched with a time limit: a pattern that
backtracks (such as (\\w+\\s?)+! against a long line) could otherwise
take longer than the age of the universe, and hang the check.

With the regex module (Debian's python3-regex), its own timeout ends the
match. Without it, the match runs in a forked child that the kernel ends
after LIMIT seconds (SIGALRM, whose default action ends a process even in
the middle of the C code of re)."""

import os
import re
import signal
import warnings

from .common import NotReady

LIMIT = 1  # seconds for one match


class TooSlow(NotReady):
    """A pattern took more than LIMIT seconds: the check fails with
    this, and the others go on."""

    def __init__(self, pattern, text):
        super().__init__(
            "The spec's pattern /%s/ took more than %d s to match %d "
            "characters, and was stopped: the reply was not judged. A "
            "pattern with a repeat inside a repeat, such as (\\w+\\s?)+, "
            "can take that long on a line that almost matches: write it "
            "without the nested repeat." % (pattern, LIMIT, len(text)),
            "pattern too slow", fatal=False)


UNKNOWN = object()


def fast_form(text):
    """text compiled by the regex module, or None (no such module, or a
    pattern that re takes and regex does not). The module is imported
    here, at the first match, and not at start: it is one of the slowest
    to import (python3 -X importtime scripts/check --list shows it), and
    a run that matches no pattern (--list, --help, a bad command line)
    needs none of it."""
    try:
        import regex
    except ImportError:  # forked_match() then
        return None
    try:
        return regex.compile(text)
    except regex.error:
        return None


def can_backtrack(text):
    """Whether the pattern text has a repeat (*, +, ?, {m,n}) or an
    alternation (|): a character that is not escaped with a backslash,
    wherever it is (one inside [...], where it is a plain character, is
    counted too: a few patterns more are matched with a limit, never one
    fewer). Without them re has one way only to try the pattern against
    a text, one item after the other, and a full match takes no longer
    than the pattern is long: it needs no limit, nor the regex module."""
    i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] in "*+?{|":
            return True
        i += 1
    return False


class Pattern:
    """A compiled spec pattern: .pattern is its text; .fullmatch(text)
    is True or None, as re's match or None, or raises TooSlow."""

    def __init__(self, text):
        self.pattern = text
        self.re = re.compile(text)  # re.error: the spec says where
        self.fast = UNKNOWN  # regex's compiled form: made at the first match
        self.direct = not can_backtrack(text)  # matched by re, no limit

    def fullmatch(self, text):
        if self.direct:
            return True if self.re.fullmatch(text) else None
        if self.fast is UNKNOWN:
            self.fast = fast_form(self.pattern)
        if self.fast is not None:
            try:
                m = self.fast.fullmatch(text, timeout=LIMIT)
                return True if m else None
            except TimeoutError:
                raise TooSlow(self.pattern, text) from None
        return forked_match(self, text)


def forked_match(pat, text):
    """pat.re.fullmatch(text) in a child process, ended after LIMIT s."""
    with warnings.catch_warnings():  # fork with threads: only re runs
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:
        try:
            signal.signal(signal.SIGALRM, signal.SIG_DFL)
            signal.alarm(LIMIT)
            os._exit(0 if pat.re.fullmatch(text) else 1)
        finally:
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        raise TooSlow(pat.pattern, text)
    return True if os.WEXITSTATUS(status) == 0 else None
