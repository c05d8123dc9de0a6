"""Words: how numbers, bytes, commands, exit statuses and a program's own
output are put into the checker's sentences. Nothing here reads the
system or the network: every function takes its input as arguments."""

import re
import shlex
import signal


def plural(n, word, words=None):
    return "%d %s" % (n, word if n == 1 else (words or word + "s"))


def not_connected(who, err):
    """The verdict when a client could not connect: who, as the sentence's
    subject ("The checker", "The next client", "Client 2 of 3"), and err,
    why (a strerror text, or the checker's own words)."""
    return "%s could not connect: %s." % (who, err)


def capital(text):
    """text with its first letter made a capital: a clause made to start
    a sentence."""
    return text[:1].upper() + text[1:]


def lower_first(text):
    """text with its first letter made small: a sentence made a clause."""
    return text[:1].lower() + text[1:]


def printable(text, keep=""):
    """text with each character a terminal would act on (escape codes,
    newlines, controls), or that XML 1.0 cannot hold (NUL, a lone
    surrogate, U+FFFF), written as \\xNN, \\uNNNN or \\UNNNNNNNN; the
    characters in keep (a report's tabs and newlines) stay as they are:
    what a program printed, said safely. The checker's one escaping;
    ansi_c() below quotes for a shell."""
    return "".join(c if c.isprintable() or c in keep else "\\x%02x" % ord(c)
                   if ord(c) < 0x100 else "\\u%04x" % ord(c)
                   if ord(c) < 0x10000 else "\\U%08x" % ord(c)
                   for c in text)


def shown(data, limit=60):
    """Bytes or text as a short quoted string, every odd byte escaped."""
    if isinstance(data, str):
        data = data.encode("utf-8", "replace")
    out = []
    for b in data[:limit]:
        c = chr(b)
        if c == "\n":
            out.append("\\n")
        elif c == "\\":
            out.append("\\\\")
        elif 32 <= b < 127:
            out.append(c)
        else:
            out.append("\\x%02x" % b)
    return '"%s"%s' % ("".join(out), "..." if len(data) > limit else "")


def and_list(items):
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# What every client check that feeds a client a line it must refuse
# tells the student to do.
REFUSE_AND_GO_ON = ("A client that refuses a line says so and goes on "
                    "with the next.")


def saying(words):
    """", saying WORDS" when the program's last words (last_words()) are
    known, else nothing: the end of a sentence about how it ended."""
    return ", saying %s" % words if words else ""


def ended_well(said, how, took, when, words):
    """A passing verdict: what the checker did (said), how the program
    ended (how, from ending()), when (took seconds, then when: "later",
    "after its start") and its last words."""
    return "%s The program %s, %s %s%s." % (said, how, secs(took), when,
                                           saying(words))


def secs(t):
    return "%.2f s" % t if t < 10 else "%.1f s" % t


def megabytes(n):
    return "%.1f MB" % (n / 1e6)


def show_cmd(argv):
    """A command as a shell would take it; {port} left as it is. A word
    with a character a terminal would act on (a newline, an escape code)
    is written as bash's $'...' takes it, escaped: it stays on its line,
    and a report's header cannot be made to look like a result."""
    return " ".join(a if re.fullmatch(r"[\w./{}:=,@%+-]+", a)
                    else shlex.quote(a) if a.isprintable()
                    else ansi_c(a) for a in argv)


def ansi_c(word):
    """word as bash's $'...' quoting writes it."""
    out = []
    for c in word:
        if c in "\\'":
            out.append("\\" + c)
        elif c.isprintable():
            out.append(c)
        elif c == "\n":
            out.append("\\n")
        elif ord(c) < 0x100:
            out.append("\\x%02x" % ord(c))
        else:
            out.append("\\u%04x" % ord(c) if ord(c) < 0x10000
                       else "\\U%08x" % ord(c))
    return "$'" + "".join(out) + "'"


def signal_name(num):
    try:
        return signal.Signals(num).name
    except ValueError:
        return "signal %d" % num


def describe_status(rc):
    """How a process ended, from its wait status (Popen.returncode)."""
    if rc is None:
        return "was still running"
    if rc < 0:
        return "was killed by %s" % signal_name(-rc)
    if rc > 128 and 0 < rc - 128 < 65 and signal_name(rc - 128)[:3] == "SIG":
        return ("exited with status %d (a shell's way of saying that its "
                "command was killed by %s)" % (rc, signal_name(rc - 128)))
    return "exited with status %d" % rc


def died_of(rc, sig):
    return rc == -sig or rc == 128 + sig


TRACEBACK_RE = re.compile(r"^([A-Za-z_][\w.]*(Error|Exception|Interrupt))"
                          r"(: .*)?$")


def python_error(text):
    """'ConnectionResetError: [Errno 104] ...' after a Python traceback."""
    at = text.rfind("Traceback (most recent call last):")
    if at < 0:
        return None
    for line in text[at:].splitlines()[1:]:
        m = TRACEBACK_RE.match(line.strip())
        if m:
            return printable(line.strip()[:100])
    return "a Python traceback"


def sanitizer_error(text):
    m = re.search(r"ERROR: (AddressSanitizer|LeakSanitizer|"
                  r"UndefinedBehaviorSanitizer)[^\n]*", text)
    if m:
        return printable(m.group(0)[:100])
    m = re.search(r"runtime error: [^\n]*", text)
    return printable(m.group(0)[:100]) if m else None


def crash_report(text):
    """What a program printed as it crashed, in words: "a Python
    traceback (EOFError: ...)", or a sanitizer's error line; None if it
    printed neither."""
    err = python_error(text)
    if err:
        return err if err == "a Python traceback" else \
            "a Python traceback (%s)" % err
    return sanitizer_error(text)


def digit_run(text):
    """Length of the longest run of '0123456789' repeated in text that
    starts as digits(n) does: a '0' that begins a number, then '1'. A run
    that starts elsewhere ("12" in "127.0.0.1", "0123" in port 50123) or
    a lone "0" (in "127.0.0.1") is none: 0."""
    best = run = 0
    prev = None
    for c in text:
        if "0" <= c <= "9":
            if run and ord(c) - 48 == (prev + 1) % 10:
                run += 1
            else:
                run = 1 if c == "0" and prev is None else 0
            prev = ord(c) - 48
        else:
            run, prev = 0, None
        best = max(best, run)
    return best if best >= 2 else 0


def digits(n):
    return ("0123456789" * (n // 10 + 1))[:n].encode()


def fold_calls(calls, lines=12):
    """The last system calls of a trace, short: a loop at the end (the same
    block of calls over and over) is shown once with its count, and the
    last failed call (= -1 E...) or signal before the tail is kept too."""
    calls = [c if len(c) <= 110 else c[:107] + "..." for c in calls]
    note = []
    for period in range(1, 9):
        block = calls[-period:]
        if len(calls) < 2 * period or calls[-2 * period:-period] != block:
            continue
        end, times = len(calls), 0
        while end - period >= 0 and calls[end - period:end] == block:
            end -= period
            times += 1
        if times < 3:
            continue
        note = ["(the last %s, repeated %s%d times)"
                % (plural(period, "call"), "at least " if end < period
                   else "", times)]
        calls = calls[:end] + block
        break
    tail = calls[-lines:]
    bad = [i for i, c in enumerate(calls)
           if re.search(r"= -1 E[A-Z]+|^--- SIG|^\+\+\+ killed", c)]
    if bad and bad[-1] < len(calls) - lines:
        i = bad[-1]
        tail = calls[max(0, i - 2):i + 1] + ["..."] + calls[-(lines - 4):]
    return tail + note
