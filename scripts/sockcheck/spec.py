"""A spec: what a request/reply program must do, in a small text file
that a lecturer writes in a minute (docs/check.md, "Your own protocol").

    # hello.spec: the server answers a name with a greeting
    program: server
    send: Ada
    expect: Hello, Ada
    close: yes

One `key: value` a line; `#` starts a comment line. `send:` and
`expect:` lines, in order, are the exchange, always from the checker's
side: for a server, the checker is the client; for a client, the checker
is the server, and it expects the lines the program sends. parse() gives
a Spec, or raises SpecError naming the line and what is wrong."""

import os
import re
import stat
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from .patterns import Pattern


class SpecError(Exception):
    """A bad spec: line is its number (0 for the file as a whole)."""

    def __init__(self, line, message):
        super().__init__(message)
        self.line = line


@dataclass
class Spec:
    name: str = ""
    proto: str = "tcp"             # tcp or udp
    program: str = "server"        # server or client
    # ("send", bytes, line) or ("expect", compiled regex, line)
    steps: List[Tuple] = field(default_factory=list)
    close: str = "no"              # yes: the server closes after its
    #                                last reply; no: it waits for the
    #                                client to close
    clients: int = 5               # one after another; 1: the server
    #                                serves one client, and may end
    together: int = 1              # at once, each served before any leaves
    input: bytes = b""             # a client's standard input
    prints: list = field(default_factory=list)  # regexes, in order: what
    #                                a client prints; for a server, what
    #                                it prints after each client's
    #                                exchange (a UDP receiver)
    bind: str = "any"              # loopback: a wider address fails
    timeout: float = 3.0           # seconds a reply may take
    give_up: float = 10.0          # a UDP client with no reply ends
    #                                within this many seconds
    newline: str = "yes"           # no: a TCP server's protocol has no
    #                                line ends (send: goes as written; a
    #                                reply is what came before a pause)

    def first(self):
        """Who speaks first: 'client' or 'server' (the first step's
        sender: the checker for a server under test)."""
        if not self.steps:
            return "client"
        kind = self.steps[0][0]
        if self.program == "server":
            return "client" if kind == "send" else "server"
        return "server" if kind == "send" else "client"

    def sends(self):
        return [s[1] for s in self.steps if s[0] == "send"]

    def expects(self):
        return [s[1] for s in self.steps if s[0] == "expect"]


KEYS = ("name", "proto", "program", "send", "send-bytes", "expect", "close",
        "clients", "together", "input", "print", "bind", "timeout",
        "give-up", "newline")
CHOICES = {"proto": ("tcp", "udp"), "program": ("server", "client"),
           "close": ("yes", "no"), "bind": ("loopback", "any"),
           "newline": ("yes", "no")}
LINE_RE = re.compile(r"^([A-Za-z][A-Za-z-]*)\s*:\s?(.*)$")
ESCAPE_RE = re.compile(rb"\\(x[0-9A-Fa-f]{2}|[nrt0\\])")


def unescape(text, lineno):
    r"""send-bytes: text with \n \r \t \0 \\ and \xNN, as bytes."""
    raw = text.encode("utf-8")
    bad = re.search(rb"\\(?!x[0-9A-Fa-f]{2}|[nrt0\\])", raw)
    if bad:
        raise SpecError(lineno, "send-bytes: a backslash starts \\n, \\r, "
                        "\\t, \\0, \\\\ or \\xNN, not '%s'"
                        % raw[bad.start():bad.start() + 2].decode())
    table = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"0": b"\0",
             b"\\": b"\\"}
    return ESCAPE_RE.sub(lambda m: table.get(m.group(1)) or
                         bytes([int(m.group(1)[1:], 16)]), raw)


def pattern(text, lineno, key):
    if not text:
        raise SpecError(lineno, "%s: expected a pattern (a Python regular "
                        "expression), got nothing" % key)
    try:
        return Pattern(text)
    except re.error as e:
        raise SpecError(lineno, "%s: not a Python regular expression: %s"
                        % (key, e))


def number(text, lineno, key, low, high):
    if not re.fullmatch(r"[0-9]{1,4}", text) or not \
            low <= int(text) <= high:
        raise SpecError(lineno, "%s: expected a number %d..%d, got '%s'"
                        % (key, low, high, text))
    return int(text)


def parse(text):
    """A Spec from the text of a spec file. Raises SpecError."""
    spec = Spec()
    seen = {}
    lines = set()  # the steps from send: (a line, its newline added)
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = LINE_RE.match(line)
        if not m:
            raise SpecError(lineno, "expected 'key: value', got '%s'"
                            % shorten(line))
        key, value = m.group(1).lower(), m.group(2).strip()
        if key not in KEYS:
            raise SpecError(lineno, "no key '%s' (the keys: %s)"
                            % (key, ", ".join(KEYS)))
        repeated = key in ("send", "send-bytes", "expect", "input", "print")
        if key in seen and not repeated:
            raise SpecError(lineno, "%s: given twice (first on line %d)"
                            % (key, seen[key]))
        seen.setdefault(key, lineno)
        if key in CHOICES:
            if value not in CHOICES[key]:
                raise SpecError(lineno, "%s: expected %s, got '%s'" % (
                    key, " or ".join(CHOICES[key]), value))
            setattr(spec, key, value)
        elif key == "name":
            spec.name = value
        elif key == "send":
            lines.add(len(spec.steps))
            spec.steps.append(("send", value.encode("utf-8") + b"\n",
                               lineno))
        elif key == "send-bytes":
            data = unescape(value, lineno)
            if not data:
                raise SpecError(lineno, "send-bytes: expected bytes, got "
                                "nothing (an empty line is 'send:')")
            spec.steps.append(("send", data, lineno))
        elif key == "expect":
            spec.steps.append(("expect", pattern(value, lineno, key),
                               lineno))
        elif key == "print":
            spec.prints.append(pattern(value, lineno, key))
        elif key == "input":
            spec.input += value.encode("utf-8") + b"\n"
        elif key == "clients":
            spec.clients = number(value, lineno, key, 1, 100)
        elif key == "together":
            spec.together = number(value, lineno, key, 1, 50)
        elif key == "timeout":
            spec.timeout = number(value, lineno, key, 1, 60)
        elif key == "give-up":
            spec.give_up = number(value, lineno, key, 1, 60)
    whole(spec, seen)
    if spec.proto == "udp" or spec.newline == "no":
        # a datagram, or a message with no line end: no newline added
        spec.steps = [(k, v[:-1] if i in lines else v, n)
                      for i, (k, v, n) in enumerate(spec.steps)]
    return spec


def whole(spec, seen):
    """What only the whole file can say."""
    where = seen.get
    if not spec.steps:
        raise SpecError(0, "no exchange: give at least one 'send:' or "
                        "'expect:' line")
    if not any(s[0] == "expect" for s in spec.steps) and \
            spec.program == "server" and spec.close == "no" and \
            not spec.prints:
        raise SpecError(where("send"), "no 'expect:' line: say what the "
                        "server replies, 'close: yes' if it only reads, or "
                        "'print:' what it prints of what it reads")
    if spec.program == "server" and "input" in seen:
        raise SpecError(where("input"), "input: only for 'program: client' "
                        "(a server's input comes from its clients)")
    if spec.program == "client" and "together" in seen:
        raise SpecError(where("together"), "together: only for 'program: "
                        "server'")
    if spec.proto == "udp":
        if spec.close == "yes":
            raise SpecError(where("close"), "close: UDP has no connection "
                            "to close; leave it out")
        if spec.together > 1:
            raise SpecError(where("together"), "together: UDP has no "
                            "connections; leave it out")
        if spec.first() == "server":
            raise SpecError(spec.steps[0][2], "a UDP server cannot speak "
                            "first: the first line must be %s" % (
                                "'send:'" if spec.program == "server" else
                                "'expect:', what the client sends"))
    if "newline" in seen and not (spec.proto == "tcp" and
                                  spec.program == "server"):
        raise SpecError(where("newline"), "newline: only for a TCP server "
                        "('proto: tcp' and 'program: server')")
    if "give-up" in seen and not (spec.proto == "udp" and
                                  spec.program == "client"):
        raise SpecError(where("give-up"), "give-up: only for a UDP client "
                        "('proto: udp' and 'program: client')")


def shorten(text, n=40):
    return text if len(text) <= n else text[:n - 3] + "..."


MAX_SPEC = 64 * 1024  # bytes: a spec is a few lines


def load(path):
    """(Spec, None) or (None, 'FILE line N: what is wrong')."""
    try:
        # O_NONBLOCK: a FIFO does not hang the open; then only a regular
        # file of at most MAX_SPEC bytes is read (not /dev/zero)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as e:
        return None, "%s: %s" % (path, e.strerror)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None, "%s: not a regular file" % path
        raw = os.read(fd, MAX_SPEC + 1)
    finally:
        os.close(fd)
    if len(raw) > MAX_SPEC:
        return None, "%s: more than %d KiB: not a spec" % (
            path, MAX_SPEC // 1024)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, "%s: not UTF-8 text" % path
    try:
        spec = parse(text)
    except SpecError as e:
        at = " line %d" % e.line if e.line else ""
        return None, "%s%s: %s" % (path, at, e)
    if not spec.name:
        base = path.rsplit("/", 1)[-1]
        spec.name = base[:-5] if base.endswith(".spec") else base
    return spec, None


def printed(spec, text):
    """The first print: pattern that no line of text matches, in order,
    or None."""
    lines = [ln.rstrip("\r") for ln in text.splitlines()]
    at = 0
    for pat in spec.prints:
        while at < len(lines) and not pat.fullmatch(lines[at].strip()):
            at += 1
        if at == len(lines):
            return pat
        at += 1
    return None


def describe_step(step):
    """How a step is shown in a sentence."""
    if step[0] == "send":
        return step[1]
    return step[1].pattern


def out_of_range(data: bytes) -> Optional[bytes]:
    """data with every number in it made far too large, or None if it
    holds no number."""
    if not re.search(rb"[0-9]", data):
        return None
    return re.sub(rb"[0-9]+", b"99999999999999999999999", data)


def zeroed(data: bytes) -> Optional[bytes]:
    """data with every number in it made 0 (a divisor, a count, a
    length), or None if it holds no number or is so already."""
    if not re.search(rb"[0-9]", data):
        return None
    zero = re.sub(rb"[0-9]+(\.[0-9]+)?", b"0", data)
    return None if zero == data else zero
