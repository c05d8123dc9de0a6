"""A spec: what a request/reply program must do, in a small text file
that a lecturer writes in a minute (docs/lecturers.md, "All the keys of a spec").

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
import sys

from .common import REPLY_LIMIT
from .patterns import Pattern


class SpecError(Exception):
    """A bad spec: line is its number (0 for the file as a whole)."""

    def __init__(self, line, message):
        super().__init__(message)
        self.line = line


class Spec:
    """A parsed spec: a field for each key, its default below. A plain
    class, as Options is: the dataclasses module imports inspect (and
    ast, dis, tokenize with it), a cost every start of the checker paid
    for two classes."""

    def __init__(self):
        self.name = ""
        self.proto = "tcp"             # tcp or udp
        self.program = "server"        # server or client
        # ("send", bytes, line) or ("expect", compiled regex, line)
        self.steps = []
        self.close = "no"              # yes: the server closes after its
        #                                last reply; no: it waits for the
        #                                client to close
        self.clients = 5               # one after another; 1: the server
        #                                serves one client, and may end
        self.together = 1              # at once, each served before any
        #                                leaves
        self.input = b""               # a client's standard input
        self.prints = []               # regexes, in order: what a client
        #                                prints; for a server, what it
        #                                prints after each client's
        #                                exchange (a UDP receiver)
        self.bind = "any"              # loopback: a wider address fails
        self.timeout = REPLY_LIMIT     # seconds a reply may take
        self.give_up = 10.0            # a UDP client with no reply ends
        #                                within this many seconds
        self.shipped = False           # the spec a kind plays, shipped
        #                                with the checker (kinds.py)
        self.newline = "yes"           # no: a TCP protocol without line
        #                                ends (send: goes as written; a
        #                                reply is what came before a pause)

    def replace(self, **changes):
        """A copy of this spec with changes made to it (the lists are
        shared, as with dataclasses.replace)."""
        new = Spec()
        new.__dict__.update(self.__dict__)
        for key, value in changes.items():
            if not hasattr(new, key):
                raise TypeError("Spec has no field %s" % key)
            setattr(new, key, value)
        return new

    def first(self):
        """Who speaks first: 'client' or 'server' (the first step's
        sender: the checker for a server under test)."""
        steps = [s for s in self.steps if s[0] != "input"]
        if not steps:
            return "client"
        kind = steps[0][0]
        if self.program == "server":
            return "client" if kind == "send" else "server"
        return "server" if kind == "send" else "client"

    def sends(self):
        return [s[1] for s in self.steps if s[0] == "send"]

    def expects(self):
        return [s[1] for s in self.steps if s[0] == "expect"]

    def typed(self):
        """A server's input: lines, typed on its stdin in turn with the
        exchange (a server whose replies come from its operator)."""
        return self.program == "server" and any(
            s[0] == "input" for s in self.steps)

    def relays(self):
        """The relay: patterns (a line one client sends, as another
        client gets it: a chat)."""
        return [s[1] for s in self.steps if s[0] == "relay"]


class U32:
    """A 4-byte unsigned integer in a binary protocol: send-u32: and
    expect-u32:, in network order (big-endian) or the host's. As an
    expect:, .size says how many bytes make the reply; .pattern and
    .shown say what it must be."""

    size = 4

    def __init__(self, low, high, order):
        self.low, self.high, self.order = low, high, order
        self.byteorder = "big" if order == "network" else sys.byteorder
        number = str(low) if low == high else "%d..%d" % (low, high)
        self.pattern = "u32 %s%s" % (number, " host" if order == "host"
                                     else "")
        self.shown = "a 4-byte integer %s in %s order" % (
            "from %d to %d" % (low, high) if low != high else low,
            "network" if order == "network" else "the host's (%s-endian)"
            % sys.byteorder)

    def value(self, data):
        return int.from_bytes(data[:4], self.byteorder)

    def matches(self, data):
        return len(data) == 4 and self.low <= self.value(data) <= self.high

    def bytes(self, n):
        return Binary(n.to_bytes(4, self.byteorder), self)

    def swapped(self, data):
        """A sentence when data, read in the other byte order, is what
        the spec wants (a missing htonl() or ntohl()), else ''."""
        if len(data) != 4:
            return ""
        other = "little" if self.byteorder == "big" else "big"
        n = int.from_bytes(data, other)
        if not self.low <= n <= self.high or self.matches(data):
            return ""
        return swapped_words(n, self.byteorder)


def swapped_words(n, byteorder):
    """What a 4-byte integer n sent in the wrong byte order is told."""
    return (" Read in the other byte order, those 4 bytes are %d, the "
            "number wanted: the integer went out in %s order where the "
            "spec wants %s order. Convert it with htonl() before send() "
            "and with ntohl() after recv() (in Python, struct's \"!I\")." % (
                n, "the host's" if byteorder == "big" else "network",
                "network" if byteorder == "big" else "the host's"))


class Binary(bytes):
    """The bytes of a send-u32: line; .field is its U32, so that the odd
    inputs make its number huge or 0 (not its bytes' digits)."""

    def __new__(cls, data, field):
        self = super().__new__(cls, data)
        self.field = field
        return self


def wanted(pat, spec=None):
    """How an expect: step's pattern is shown in a sentence: /regex/; in
    the spec a kind plays (spec.shipped), which its user never wrote nor
    read, a pattern of plain text is shown as that text, in quotes."""
    if isinstance(pat, U32):
        return pat.shown
    if spec is not None and spec.shipped and not PLAIN_RE.search(
            pat.pattern):
        return '"%s"' % pat.pattern
    return "/%s/" % pat.pattern


PLAIN_RE = re.compile(r"[\\.^$*+?{}()|\[\]]")


def where(spec, lineno, more=""):
    """' (spec line N' more ')' after a step of a spec that the user
    wrote. The spec a kind plays was not written by its user: its line
    numbers would send them to a file they never opened, so there only
    more is said (without its leading '; '), or nothing."""
    if not spec.shipped:
        return " (spec line %d%s)" % (lineno, more)
    more = more[2:] if more.startswith("; ") else more
    return " (%s)" % more if more else ""


U32_RE = re.compile(r"^([0-9]{1,10})(?:\.\.([0-9]{1,10}))?"
                    r"(?:\s+(network|host))?$")


KEYS = ("name", "proto", "program", "send", "send-bytes", "send-u32",
        "expect", "expect-u32", "relay", "close", "clients", "together",
        "input", "print", "bind", "timeout", "give-up", "newline")
CHOICES = {"proto": ("tcp", "udp"), "program": ("server", "client"),
           "close": ("yes", "no"), "bind": ("loopback", "any"),
           "newline": ("yes", "no")}
LINE_RE = re.compile(r"^([A-Za-z][A-Za-z0-9-]*)\s*:\s?(.*)$")
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


def u32(text, lineno, key, ranged):
    """A U32 from '42', '42 host' or, for expect-u32:, '1..100'."""
    m = U32_RE.match(text)
    low = high = None
    if m:
        low = int(m.group(1))
        high = int(m.group(2)) if m.group(2) else low
    if not m or (m.group(2) and not ranged) or high > 0xFFFFFFFF or \
            low > high:
        raise SpecError(lineno, "%s: expected a number 0..4294967295%s, "
                        "then 'network' (the default) or 'host' for its "
                        "byte order, got '%s'" % (
                            key, " or a range such as 1..100" if ranged
                            else "", text))
    return U32(low, high, m.group(3) or "network")


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
        repeated = key in ("send", "send-bytes", "send-u32", "expect",
                           "expect-u32", "relay", "input", "print")
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
        elif key == "send-u32":
            field = u32(value, lineno, key, False)
            spec.steps.append(("send", field.bytes(field.low), lineno))
        elif key == "expect":
            spec.steps.append(("expect", pattern(value, lineno, key),
                               lineno))
        elif key == "expect-u32":
            spec.steps.append(("expect", u32(value, lineno, key, True),
                               lineno))
        elif key == "relay":
            spec.steps.append(("relay", pattern(value, lineno, key),
                               lineno))
        elif key == "print":
            spec.prints.append(pattern(value, lineno, key))
        elif key == "input":
            spec.input += value.encode("utf-8") + b"\n"
            # a server's: typed on its stdin when the exchange comes here
            spec.steps.append(("input", value.encode("utf-8") + b"\n",
                               lineno))
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
    if spec.program == "client":  # its input is its stdin from the start
        spec.steps = [s for s in spec.steps if s[0] != "input"]
    return spec


def whole(spec, seen):
    """What only the whole file can say."""
    where = seen.get
    if not spec.steps:
        raise SpecError(0, "no exchange: give at least one 'send:' or "
                        "'expect:' line")
    if not any(s[0] in ("expect", "relay") for s in spec.steps) and \
            spec.program == "server" and spec.close == "no" and \
            not spec.prints:
        raise SpecError(where("send"), "no 'expect:' line: say what the "
                        "server replies, 'close: yes' if it only reads, or "
                        "'print:' what it prints of what it reads")
    if "relay" in seen and not (spec.proto == "tcp" and
                                spec.program == "server"):
        raise SpecError(where("relay"), "relay: only for a TCP server "
                        "('proto: tcp' and 'program: server'): a line one "
                        "client sends, as another client gets it")
    if spec.typed() and spec.together > 1:
        raise SpecError(where("together"), "together: not with a server's "
                        "'input:' lines: its operator answers one client "
                        "at a time")
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
    if "newline" in seen and spec.proto != "tcp":
        raise SpecError(where("newline"), "newline: only for TCP: a "
                        "datagram has no line end to leave out")
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


def out_of_range(data):
    """data with every number in it made far too large, or None if it
    holds no number."""
    if isinstance(data, Binary):
        return data.field.bytes(0xFFFFFFFF)
    if not re.search(rb"[0-9]", data):
        return None
    return re.sub(rb"[0-9]+", b"99999999999999999999999", data)


def zeroed(data):
    """data with every number in it made 0 (a divisor, a count, a
    length), or None if it holds no number or is so already."""
    if isinstance(data, Binary):
        zero = data.field.bytes(0)
        return None if zero == data else zero
    if not re.search(rb"[0-9]", data):
        return None
    zero = re.sub(rb"[0-9]+(\.[0-9]+)?", b"0", data)
    return None if zero == data else zero
