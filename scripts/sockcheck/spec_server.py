"""The checks of a program described by a spec (spec.py): the exchange
the spec gives, then the generic checks, each with that exchange in place
of an echo. This module has the registry and a server's checks (the
checker is its client); spec_client.py has a client's."""

import dataclasses
import os
import re
import signal
import socket
import threading
import time

from .checks import (GONE_HINT, GONE_REASON, RESET_HINT, SEE_ACCEPT_LOOP,
                     SILENT_HINT, Check, count_descriptors,
                     ended_at_sigpipe, killed_by_sigpipe, last_words,
                     loopback_check, named)
from .common import NotReady
from .echo_server import Busy
from .peers import UdpPeer, connect
from .procfs import Sock, net_table, proc_stat
from .program import Program
from .spec import U32, out_of_range, printed, wanted, zeroed
from .words import (and_list, describe_status, plural, python_error,
                    sanitizer_error, secs, shown)

SPEC_CHECKS = []


def spec_check(name, title, rule, applies=lambda s: True, fatal=None,
               aside=False):
    """Register a check of a spec's program; applies(spec) says whether
    the check fits that spec; fatal, if given, says why the checks after
    it are not run when it fails; aside, that it runs even when the
    exchange check failed (what it judges needs no reply to match)."""
    def register(func):
        chk = Check("spec", name, title, rule, func)
        chk.applies = applies
        chk.aside = aside
        if fatal:
            chk.fatal = fatal
        SPEC_CHECKS.append(chk)
        return func
    return register


def checks_for(spec):
    """The checks that fit spec, in the order they run: restart last,
    so that the connections it leaves in TIME_WAIT on a fixed port
    cannot fail a check after it."""
    fit = [c for c in SPEC_CHECKS if c.applies(spec)]
    return ([c for c in fit if c.name != "restart"]
            + [c for c in fit if c.name == "restart"])


def server(s):
    return s.program == "server"


def tcp_server(s):
    return s.program == "server" and s.proto == "tcp"


def has_send(s):
    return s.program == "server" and any(k == "send" for k, _, _ in s.steps)


def typed_after_send(spec):
    """The input: steps right after the first send: what the operator
    types to answer a client's first request."""
    steps, seen = [], False
    for step in spec.steps:
        if seen and step[0] != "input":
            break
        if seen:
            steps.append(step)
        seen = seen or step[0] == "send"
    return steps


def at_once(s):
    """Clients served at the same time fit the spec: not with input:
    lines, where an operator answers, one client at a time."""
    return tcp_server(s) and many(s) and not s.typed()


def many(s):
    """Clients come one after another ('clients: 1': the server serves
    one and may end, so the checks that need a next client are left
    out)."""
    return s.clients > 1


# ---- one client's conversation ------------------------------------------


class Talk:
    """One client of the program, TCP or UDP, playing the spec's steps;
    log holds what went each way, for the sentences."""

    def __init__(self, prog, spec, listener=False):
        self.prog, self.spec = prog, spec
        self.buf = b""
        self.log = []
        self.c = self.u = None
        self.err = None
        self.other = None  # a relay's other client, connected first
        self.newline_hint = True  # a cut reply: "end each with \n"
        # strict: bytes after a reply that the spec does not describe
        # (NUL bytes after its line, bytes that are not text before the
        # close) fail it. The exchange check is strict and names them;
        # the others, lenient, drop them and judge what they are about.
        self.strict = False
        self.padded = ""  # play(): the NUL bytes a strict one saw
        if spec.relays() and not listener:
            self.other = Talk(prog, spec, listener=True)
            if self.other.err:
                self.err = "the other client: %s" % self.other.err
                return
        if spec.proto == "udp":
            self.u = UdpPeer(prog.host)
        else:
            self.c, self.err = connect(prog, timeout=spec.timeout)
        if self.other and not self.err:
            accepted(prog, spec.timeout)

    def send(self, data):
        """None, or what went wrong."""
        try:
            if self.u:
                self.u.send(data, self.prog.port)
            else:
                self.c.send(data)
        except OSError as e:
            return "sending %s failed (%s)" % (shown(data, 40),
                                               e.strerror or e)
        self.log.append(("sent", data))
        return None

    def line(self, limit, pattern=None):
        """The next line (a datagram for UDP; with 'newline: no', what
        came before a pause): (bytes or None, how)."""
        if self.u:
            self.u.s.settimeout(limit)
            try:
                data, _ = self.u.s.recvfrom(1 << 16)
            except socket.timeout:
                return None, "timeout"
            except OSError as e:
                return None, e.strerror or str(e)
            self.log.append(("got", data))
            return data, "ok"
        if getattr(pattern, "size", None):
            return self.exactly(pattern.size, limit)
        if self.spec.newline == "no":
            return self.unframed(limit, pattern)
        deadline = time.monotonic() + limit
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None, "timeout"
            chunk, how = self.recv_some(min(left, 0.5))
            if how == "timeout":
                continue
            if how != "ok":
                return None, how
            if not chunk:
                if self.buf:  # a last line without its newline, then EOF
                    line, self.buf = self.buf, b""
                    self.log.append(("got", line))
                    return line, "ok"
                return None, "eof"
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        self.log.append(("got", line + b"\n"))
        return line + b"\n", "ok"

    def exactly(self, size, limit):
        """The next size bytes (a binary field): (bytes or None, how)."""
        deadline = time.monotonic() + limit
        while len(self.buf) < size:
            left = deadline - time.monotonic()
            if left <= 0:
                return None, "timeout"
            chunk, how = self.recv_some(min(left, 0.5))
            if how == "timeout":
                continue
            if how != "ok":
                return None, how
            if not chunk:
                return None, "eof"
            self.buf += chunk
        field, self.buf = self.buf[:size], self.buf[size:]
        self.log.append(("got", field))
        return field, "ok"

    def recv_some(self, wait):
        """One recv() of the TCP connection, waiting at most wait s:
        (bytes, 'ok'), b'' at EOF; or (None, 'timeout', 'reset' or the
        error's words)."""
        self.c.s.settimeout(max(wait, 0.01))
        try:
            return self.c.s.recv(1 << 16), "ok"
        except socket.timeout:
            return None, "timeout"
        except ConnectionResetError:
            return None, "reset"
        except OSError as e:
            return None, e.strerror or str(e)

    # A reply with no line end ('newline: no') is what has come once the
    # program has sent nothing more for this long; for less, once what
    # has come matches the pattern the reply must match.
    PAUSE, PAUSE_MATCHED = 0.5, 0.05

    def unframed(self, limit, pattern=None):
        """The next reply of a protocol without line ends: (bytes or
        None, how)."""
        deadline = time.monotonic() + limit
        while True:
            now = time.monotonic()
            if not self.buf and now >= deadline:
                return None, "timeout"
            if not self.buf:
                wait = min(deadline - now, 0.5)
            elif pattern is not None and matches(pattern, self.buf):
                wait = self.PAUSE_MATCHED
            else:
                wait = self.PAUSE
            chunk, how = self.recv_some(wait)
            if how == "timeout":
                if self.buf:  # a pause after some bytes: that is the reply
                    break
                continue
            if how != "ok":
                return None, how
            if not chunk:
                if self.buf:
                    break
                return None, "eof"
            self.buf += chunk
        reply, self.buf = self.buf, b""
        self.log.append(("got", reply))
        return reply, "ok"

    def eof(self, limit):
        """Wait for the program to close: (closed, bytes that came)."""
        if self.u:
            return True, b""
        more, how = self.c.read(0, limit, until_eof=True)
        more = self.buf + more
        self.buf = b""
        if more:
            self.log.append(("got", more))
        return how in ("eof", "reset"), more

    def transcript(self, limit=4):
        """'sent "3 + 4\\n", got "7\\n"': the last few steps."""
        words = ["%s %s" % (way, shown(data, 40))
                 for way, data in self.log[-limit:]]
        if len(self.log) > limit:
            words.insert(0, "...")
        return ", ".join(words) if words else "nothing went either way"

    def close(self):
        if self.u:
            self.u.close()
        elif self.c:
            self.c.close()
        if self.other:
            self.other.close()

    def reset(self):
        if self.c:
            self.c.reset()


# Bytes that are not text: a C0 control other than a tab, DEL, or a byte
# that is not UTF-8 (decoded as U+FFFD). A pattern such as .+ means text:
# a reply made of such bytes (one uninitialised byte, say) is not what
# it describes, unless the pattern names such bytes itself (\x, \0, \u,
# \W, a [^...] class).
NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
NAMES_BYTES = re.compile(r"\\(x|0|u|W|D|S|c)|\[\^")


def not_text(pattern, text):
    """Does text hold bytes that are not text, where pattern does not
    name such bytes?"""
    return bool(NOT_TEXT.search(text)) and \
        not NAMES_BYTES.search(pattern.pattern)


def accepted(prog, limit):
    """Wait, at most limit s, until no connection waits in the program's
    accept queue (a relay's two clients have both been taken)."""
    deadline, pause = time.monotonic() + limit, 0.005
    while time.monotonic() < deadline:
        time.sleep(pause)  # a look costs more than the accept() it awaits
        pause = min(pause * 2, 0.1)
        if not any(s.state == Sock.LISTEN and s.port == prog.port and
                   s.rx_queue for s in net_table("tcp", ":" in prog.host)):
            return True
    return False


def queued(prog):
    """How many connections wait in the accept queue of the program's
    listening socket; None when nothing listens on its port."""
    found = [s.rx_queue for s in net_table("tcp", ":" in prog.host)
             if s.state == Sock.LISTEN and s.port == prog.port]
    return sum(found) if found else None


def unanswered(prog, spec, words):
    """NOT_ANSWERED, when a next client got nothing (words: its
    failure) from a program of one process that still runs and had
    accepted it: it left no connection waiting in its accept queue (a
    client that closes before accept() stays there). Else ''."""
    if spec.proto != "tcp" or "nothing more came within" not in words:
        return ""
    if prog.fate(wait=0) or len(prog.pids()) != 1:
        return ""
    return NOT_ANSWERED if queued(prog) == 0 else ""


# A next client accepted, then left without a reply.
NOT_ANSWERED = ("The program had accepted that client (no connection was "
                "left waiting in its accept queue), but sent it nothing: "
                "probably it was still busy with the client before, which "
                "had left, taking its recv() == 0, or the rest of what it "
                "sent, for more requests. When recv() returns 0, that client "
                "has gone: close its socket (with select() or poll(), also "
                "take it out of the set they watch).")


def matches(pattern, line):
    if isinstance(pattern, U32):
        return pattern.matches(line)
    text = line.rstrip(b"\n").rstrip(b"\r").decode("utf-8", "replace")
    return pattern.fullmatch(text) is not None and not not_text(pattern,
                                                                text)


def silence(how, limit, what):
    if how == "timeout":
        return "nothing more came within %s, where %s was due" % (
            secs(limit), what)
    if how == "eof":
        return "the program closed the connection where %s was due" % what
    if how == "reset":
        return ("the program reset the connection (ECONNRESET) where %s "
                "was due" % what)
    return "reading %s failed (%s)" % (what, how)


def play(talk, steps=None, close=True):
    """Play the spec's steps (or steps) on talk: None if every reply
    matched (and, with close: yes, the program closed), else a sentence
    on the first that did not."""
    trouble = play_steps(talk, steps, close)
    if trouble and talk.padded:
        return "%s Also: %s%s" % (trouble, talk.padded[0].lower(),
                                  talk.padded[1:])
    return trouble or talk.padded or None


def play_steps(talk, steps, close):
    spec = talk.spec
    n = r = 0
    padded = talk.padded = ""
    for kind, value, lineno in (spec.steps if steps is None else steps):
        if kind in ("send", "input"):
            trouble = talk.send(value) if kind == "send" else \
                talk.prog.type(value)
            if trouble:
                return trouble[0].upper() + trouble[1:] + "."
            if kind == "input":
                talk.log.append(("typed", value))
            continue
        if kind == "relay":
            r += 1
            trouble = relayed(talk, value, lineno, r)
            if trouble:
                return trouble
            continue
        n += 1
        what = "reply %d (spec line %d, %s)" % (n, lineno, wanted(value))
        got, how = talk.line(spec.timeout, value)
        if got is None:
            partial = (" Only %s had come, with no newline%s." % (
                shown(talk.buf, 40), ": end each reply with \"\\n\""
                if talk.newline_hint else "")
                if talk.buf and how == "timeout" else "")
            return "%s%s (the exchange: %s).%s" % (
                silence(how, spec.timeout, what)[0].upper(),
                silence(how, spec.timeout, what)[1:], talk.transcript(),
                partial)
        if not matches(value, got) and isinstance(value, U32):
            return ("Reply %d was %s, %d, where the spec wants %s (spec line "
                    "%d; the exchange: %s)." % (
                        n, shown(got, 40), value.value(got), value.shown,
                        lineno, talk.transcript()))
        if not matches(value, got):
            text = got.rstrip(b"\n").rstrip(b"\r").decode("utf-8",
                                                          "replace")
            bytes_note = (" It matches only if bytes that are not text "
                          "count: the reply holds bytes that the pattern "
                          "does not name (a NUL, a control character or a "
                          "byte that is not UTF-8), such as a buffer sent "
                          "before anything was put in it."
                          if value.fullmatch(text) else
                          padding_note(value, got))
            return ("Reply %d was %s, which does not match /%s/ (spec line "
                    "%d; the exchange: %s).%s" % (
                        n, shown(got, 120), value.pattern, lineno,
                        talk.transcript(), bytes_note))
        # NUL bytes after a line are padding; after a binary field they
        # may be the next reply's
        nuls = 0 if isinstance(value, U32) else \
            len(talk.buf) - len(talk.buf.lstrip(b"\0"))
        if nuls and talk.strict and spec.newline == "yes" and not padded:
            # said after whatever else goes wrong in this exchange
            padded = talk.padded = (
                "Reply %d matched /%s/ (spec line %d), but %d NUL bytes "
                "(\\0) came right after its newline, which the spec does "
                "not describe (the exchange: %s). %s" % (
                    n, value.pattern, lineno, nuls, talk.transcript(),
                    SIZEOF_WORDS))
        if nuls:
            talk.log.append(("got", talk.buf[:nuls]))  # for cut_short()
            talk.buf = talk.buf[nuls:]
    if close and spec.close == "yes" and spec.proto == "tcp":
        closed, more = talk.eof(spec.timeout)
        if not closed:
            return ("After the last reply the connection was still open %s "
                    "later%s; the spec says the server closes it (close: "
                    "yes; the exchange: %s)." % (
                        secs(spec.timeout), ", after %s more" % shown(
                            more, 40) if more else "", talk.transcript()))
        extra = more.decode("utf-8", "replace")
        if talk.strict and NOT_TEXT.search(extra):
            return ("After the last reply, and before the program closed "
                    "the connection, %d more bytes came that the spec does "
                    "not describe: %s (the exchange: %s). %s" % (
                        len(more), shown(more, 40), talk.transcript(),
                        "They are NUL bytes (\\0). " + SIZEOF_WORDS
                        if more.strip(b"\0") == b""
                        else "They are not text: a buffer sent whole, or "
                        "read past the end of what was put in it."))
    return None


def relayed(talk, pat, lineno, r):
    """None when the other client gets a line that matches pat within
    the spec's timeout (lines before it, such as "client 2 joined", are
    passed over); else a sentence on what each client got."""
    other, limit = talk.other, talk.spec.timeout
    deadline = time.monotonic() + limit
    passed = []
    while True:
        left = deadline - time.monotonic()
        got, how = other.line(left, pat) if left > 0 else (None, "timeout")
        if got is None:
            break
        if matches(pat, got):
            talk.log.append(("the other client got", got))
            return None
        passed.append(got)
    back, _ = talk.recv_some(0.3) if talk.c else (None, "")
    back = talk.buf + (back or b"")
    sent = [d for way, d in talk.log if way == "sent"]
    mine = bool(sent) and sent[-1].strip() and sent[-1].strip() in back
    said = ("Relay %d (spec line %d, /%s/): the other client, connected "
            "before this one, got %s within %s%s%s (the exchange: %s)." % (
                r, lineno, pat.pattern, "no line that matches" if passed
                else "nothing", secs(limit),
                ", only %s" % ", ".join(shown(p, 40) for p in passed[:3])
                if passed else "",
                {"eof": "; then the server closed its connection",
                 "reset": "; then the server reset its connection"}.get(
                     how, ""), talk.transcript()))
    if mine:
        return said + (" The line came back to its sender instead (%s): "
                       "the server sent it back to the client that sent "
                       "it, and not to the other. A chat sends each line "
                       "to every other client (lesson 13)."
                       % shown(back, 40))
    return said + (" The line was not relayed: a chat sends each line to "
                   "every other client connected (lesson 13).")


SIZEOF_WORDS = ("The program probably sends its whole buffer (sizeof, or a "
                "fixed count) where it should send the length of the text "
                "in it (strlen(), or what recv() returned).")


def padding_note(pattern, data, clause=False):
    """A reply that would match up to its first NUL byte, as when a
    program sends its whole buffer where the text in it ends at a NUL:
    the words that say so, or ''. With clause, words to put before the
    ')' of '(spec line N)'."""
    head, nul, rest = data.partition(b"\0")
    text = head.rstrip(b"\n").rstrip(b"\r").decode("utf-8", "replace")
    if not nul or NOT_TEXT.search(text) or not pattern.fullmatch(text):
        return ""
    more = "%d more bytes follow" % (1 + len(rest.rstrip(b"\n")))
    if not rest.rstrip(b"\n").strip(b"\0"):
        more += " (all NUL)"
    if clause:
        return ("; up to its first NUL byte it would match, and %s: "
                "the program probably sends its whole buffer, sizeof of it, "
                "where it should send strlen() of the text in it" % more)
    return (" Up to its first NUL byte it would match, and %s. %s"
            % (more, SIZEOF_WORDS))


def first_client(run, res):
    """Start the program and connect one client: (prog, talk), or (prog,
    None) after failing res when the client could not connect."""
    prog = start(run)
    talk = Talk(prog, run.spec)
    if talk.err:
        res.failed("The checker could not connect: %s." % talk.err,
                   "could not connect")
        return prog, None
    return prog, talk


def start(run):
    spec = run.spec
    prog = Program(run, run.port_for(spec.proto))
    prog.wait_bound(spec.proto)
    return prog


def exchange(prog, spec, who="A client", newline_hint=True, got=None,
             strict=False):
    """One client, the whole exchange, closed: (ok, sentence); without
    newline_hint, a reply cut short is not blamed on its line end; got,
    a list, gets the replies that came; strict, see Talk. A spec with
    print: lines (a UDP receiver's) also wants them printed after the
    exchange began."""
    mark = prog.out.mark()
    talk = Talk(prog, spec)
    talk.newline_hint = newline_hint
    talk.strict = strict
    if talk.err:
        return False, "%s could not connect: %s." % (who, talk.err)
    try:
        trouble = play(talk)
        words = talk.transcript(6)
    finally:
        talk.close()
        if got is not None:
            got += [data for way, data in talk.log if way == "got"]
    if trouble:
        return False, "%s: %s" % (who, trouble[0].lower() + trouble[1:])
    if not spec.prints:
        return True, "%s: %s." % (who, words)
    prog.wait_output(lambda _: printed(spec, prog.out.since(mark)) is None,
                     spec.timeout)
    missing = printed(spec, prog.out.since(mark))
    pats = and_list("/%s/" % p.pattern for p in spec.prints)
    if missing is not None:
        said = last_words(prog.out.since(mark))
        return False, ("%s: %s; within %s the program printed no line "
                       "that matches /%s/ (%s)." % (
                           who, words, secs(spec.timeout), missing.pattern,
                           "its last line since: %s" % said if said else
                           "it printed nothing since"))
    return True, "%s: %s; the program printed %s." % (
        who, words, "a line that matches " + pats if len(spec.prints) == 1
        else "lines that match " + pats)


def why(prog):
    return prog.fate() + prog.cpu_note()


def serve_next(prog, spec, res, said, reason, hint=""):
    """After what said tells, the next client plays the exchange: served,
    the check passes; not, it fails with reason (and hint after why, but
    not for a program that ended by itself, with status 0)."""
    ok, words = exchange(prog, spec, "The next client")
    if ok:
        res.passed("%s The program stayed up and served the next client."
                   % said)
    elif ended_by_itself(prog):
        res.failed("%s %s%s" % (said, words, ONE_CLIENT % why(prog)),
                   "ended by itself (status 0)")
    elif "does not match" in words or "where the spec wants" in words:
        # it answered: whatever it was, it was not stuck
        res.failed("%s %s%s%s" % (said, words, why(prog), WRONG_NEXT),
                   reason.replace("not served", "answered wrongly"))
    else:
        if killed_by_sigpipe(prog):
            # whatever came before, a send() to a client that had gone
            # ended it
            hint = " " + GONE_HINT
        elif unanswered(prog, spec, words):
            hint = " " + NOT_ANSWERED
        elif hint and STUCK in hint and ("reset the connection" in words or
                                       "closed the connection" in words):
            # it answered the next client, and then hung up: not stuck
            hint = ""
        res.failed("%s %s%s%s" % (said, words, why(prog), hint), reason)


# A next client that got a reply, but not the right one.
WRONG_NEXT = (" The program answered the next client, but not as the spec "
              "says, after the request before it: probably something of "
              "that request was still in the program (a buffer read into "
              "again without its old bytes cleared, or used as a string "
              "with no '\\0' after what the last recv() returned).")

STUCK = "The program is stuck on the bad request, probably"


# What a program that exited with status 0 after a client is told, in
# place of a guess about what went wrong (it did not crash).
ONE_CLIENT = ("%s It ended by itself, with no error: it serves a client "
              "and stops. A server serves one client after another until it "
              "is stopped: accept() in a loop (lessons 04 and 06). (A spec "
              "for a server that serves only one client says 'clients: 1'.)")


def ended_by_itself(prog):
    """It has ended with status 0, printing no traceback (waiting a
    little, as fate() does, for a program that is exiting)."""
    if not prog.fate():
        return False
    text = prog.output()
    return prog.returncode() == 0 and not (python_error(text) or
                                           sanitizer_error(text))


def crashed(prog):
    """'killed by SIGSEGV' or 'traceback' when it crashed, else ''."""
    text = prog.output()
    if python_error(text):
        return "traceback"
    if sanitizer_error(text):
        return "sanitizer error"
    rc = prog.returncode()
    if rc is not None and rc < 0:
        return "killed by %s" % signal.Signals(-rc).name
    return ""


# ---- the checks -----------------------------------------------------------


@spec_check("bind", "the addresses it listens on",
            "every socket it has bound is on loopback; 0.0.0.0 or :: is a "
            "note, a failure only with 'bind: loopback' in the spec",
            server)
def sp_bind(run, res):
    loopback_check(run, res, run.spec.proto,
                   strict=run.spec.bind == "loopback", spec=True)


@spec_check("exchange", "the spec's exchange",
            "one client plays the spec's send: and expect: lines; each reply "
            "matches its pattern within the spec's timeout, and the "
            "program prints what the spec's print: lines say, if any",
            server,
            fatal="the spec's exchange failed")
def sp_exchange(run, res):
    """The other checks of a server play the same exchange: when it fails
    here, they are not run (they would fail the same way)."""
    prog = start(run)
    ok, words = exchange(prog, run.spec, "The checker played the exchange",
                         strict=True)
    if ok:
        res.passed(words + (" Every reply matched its pattern."
                            if run.spec.expects() else ""))
    else:
        reason = failure_reason(words)
        res.failed(words + why(prog), reason)
        # the other checks drop such bytes, and judge what they are about
        res.keep_going = reason == EXTRA_BYTES


EXTRA_BYTES = "bytes the spec does not describe"


def failure_reason(words):
    """A few words for what went wrong in an exchange's sentence."""
    words = words.split(" Also: ")[0]  # the first thing that went wrong
    for part, reason in (("came back to its sender instead",
                          "sent back to its sender only, not relayed"),
                         ("was not relayed", "not relayed to the other "
                          "client"),
                         ("does not match", "reply did not match"),
                         ("still open", "connection still open after the "
                          "last reply"),
                         ("no newline", "reply without its newline"),
                         ("closed the connection where", "closed before "
                          "replying"),
                         ("reset the connection", "reset before replying"),
                         ("was due", "no reply"),
                         ("could not connect", "could not connect"),
                         ("printed no line", "did not print what it got"),
                         ("NUL bytes", EXTRA_BYTES),
                         ("does not describe", EXTRA_BYTES)):
        if part in words:
            return reason
    return "exchange failed"


def served_words(spec):
    """What each client of a served exchange saw, for a sentence."""
    said = []
    if spec.expects():
        said.append("each got the replies it should")
    if spec.prints:
        said.append("the program printed what each sent, as the spec's "
                    "print: lines say")
    return ", and ".join(said)


def in_turn(prog, spec, n, first=1):
    """n clients, one after another: (served, trouble)."""
    for i in range(n):
        ok, words = exchange(prog, spec, "Client %d" % (first + i))
        if not ok:
            return i, words
    return n, ""


@spec_check("in-turn", "clients one after another",
            "the spec's number of clients (clients:, 5 unless given) play "
            "the exchange one after another",
            lambda s: server(s) and many(s))
def sp_in_turn(run, res):
    prog = start(run)
    n = run.spec.clients
    served, trouble = in_turn(prog, run.spec, n)
    if served == n:
        res.passed("%s played the exchange one after another; %s." % (
            plural(n, "client"), served_words(run.spec)))
        return
    hint = (" The program served only the first client: %s."
            % SEE_ACCEPT_LOOP if served == 1 and run.spec.proto == "tcp"
            else "")
    fate = why(prog)  # waits a little for a program that is ending
    if served >= 1 and killed_by_sigpipe(prog):
        # it did come back for the next client: its send() to the one
        # that had left is what ended it
        hint = " " + GONE_HINT
    elif served >= 1 and unanswered(prog, run.spec, trouble):
        hint = " " + NOT_ANSWERED
    res.failed("%s of %d clients were served. %s%s%s" % (
        served, n, trouble, fate, hint),
        "served %d of %d clients" % (served, n))


@spec_check("together", "clients at the same time",
            "'together: N' clients connect; each plays the exchange while "
            "all are connected, and none leaves before all are served",
            lambda s: tcp_server(s) and s.together > 1)
def sp_together(run, res):
    prog = start(run)
    spec = run.spec
    n = spec.together
    talks = [Talk(prog, spec) for _ in range(n)]
    try:
        bad = [(i, t.err) for i, t in enumerate(talks) if t.err]
        if bad:
            res.failed("Client %d of %d could not connect: %s.%s" % (
                bad[0][0] + 1, n, bad[0][1], why(prog)),
                "client could not connect")
            return
        # None once a client got every reply; until then, why not
        results = ["It got no verdict within the time limit."] * n

        def one(i):
            results[i] = play(talks[i], close=False)

        threads = [threading.Thread(target=one, args=(i,), daemon=True)
                   for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(spec.timeout * (len(spec.steps) + 2))
    finally:
        for t in talks:
            t.close()
    served = [i for i in range(n) if results[i] is None]
    if len(served) == n:
        res.passed("%d clients connected at once; each played the exchange "
                   "while the others were still connected." % n)
        return
    first = next(i for i in range(n) if results[i] is not None)
    res.failed("%d clients connected at once and each played the exchange; "
               "%d %s served while all were connected. Client %d: %s%s The "
               "spec asks for clients at the same time: a process per "
               "client (lesson 12), or poll() (lesson 13)." % (
                   n, len(served), "was" if len(served) == 1 else "were",
                   first + 1, results[first][0].lower() + results[first][1:],
                   why(prog)),
               "served %d of %d at once" % (len(served), n))


@spec_check("idle", "no spin after a client leaves",
            "after one client's exchange, the client closes; from 0.3 s "
            "later, for 1 s, the program must not be running at half of the "
            "checker's looks, nor use half a CPU; then a next client is "
            "served", lambda s: server(s) and many(s))
def sp_idle(run, res):
    prog = start(run)
    spec = run.spec
    ok, words = exchange(prog, spec, "The first client")
    if not ok:
        res.failed("Not measured: %s%s" % (words, why(prog)),
                   "not measured: first client not served")
        return
    busy = Busy(prog, settle=0.3)
    time.sleep(1.3)
    busy.stop()
    said = ("The first client played the exchange and closed %s." % (
        "the connection" if spec.proto == "tcp" else "its socket"))
    if busy.spins():
        res.failed("%s In the second after, the program %s: it spins. When "
                   "recv() returns 0 the client has gone: close that socket "
                   "and wait for the next (see lesson 06: recv() == 0)."
                   % (said, busy.words()),
                   "spins after a client left: %s of CPU in %s"
                   % (secs(busy.cpu), secs(busy.span)))
        return
    ok, words = exchange(prog, spec, "The next client")
    if ok:
        res.passed("%s In the second after, the program used %s of CPU: it "
                   "waited. The next client was served." % (said,
                                                            secs(busy.cpu)))
    else:
        res.failed("%s The program did not spin (%s of CPU in %s), but: %s%s"
                   % (said, secs(busy.cpu), secs(busy.span), words,
                      why(prog)), "next client not served")


@spec_check("descriptors", "no descriptor left open per client",
            "the descriptors of the process holding the listening socket "
            "are counted after a first client and again after 20 more; they "
            "may not grow by 5 or more", lambda s: tcp_server(s) and many(s))
def sp_descriptors(run, res):
    prog = start(run)
    count_descriptors(
        prog, res, lambda n, first: in_turn(prog, run.spec, n, first=first))


def zombies(prog):
    me = os.getpid()
    found = []
    for pid in prog.pids(zombies=True):
        st = proc_stat(pid)
        if st and st["state"] == "Z" and st["ppid"] != me:
            found.append((pid, st["ppid"]))
    return found


@spec_check("zombies", "no zombie left after a burst of clients",
            "10 clients play the exchange at the same time; 1 s after the "
            "last has left, at most 1 of the program's child processes may "
            "be a zombie (state Z in /proc); run even when the exchange "
            "fails, if all 10 were accepted. With input: lines, no operator "
            "answers: the program's standard input is at its end, and each "
            "client plays the exchange up to its first input: line",
            lambda s: tcp_server(s) and many(s), aside=True)
def sp_zombies(run, res):
    spec = run.spec
    typed = spec.typed()
    if typed:
        # ten clients at once cannot share one operator: none answers
        prog = Program(run, run.port_for(spec.proto), stdin_data=b"")
        prog.wait_bound(spec.proto)
        steps = spec.steps[:[k for k, _, _ in spec.steps].index("input")]
    else:
        prog = start(run)
        steps = None
    # A server of one client at a time keeps the tenth waiting while it
    # serves nine: each reply may take ten times the spec's timeout. Not
    # when the exchange is known to fail: a reply that never comes is
    # not waited for ten times.
    if not run.exchange_failed:
        spec = dataclasses.replace(spec, timeout=spec.timeout * 10)
    results = [None] * 10

    def one(i):
        if typed:
            results[i] = before_input(prog, spec, steps, "Client %d" % (i + 1))
        else:
            results[i] = exchange(prog, spec, "Client %d" % (i + 1))

    threads = [threading.Thread(target=one, args=(i,), daemon=True)
               for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(spec.timeout * (len(spec.steps) + 2))
    served = sum(1 for r in results if r and r[0])
    bad = next((r for r in results if not (r and r[0])), None)
    # A client whose replies did not match (the exchange fails, say) ends
    # its child all the same, once it was accepted: the zombies are
    # counted when all 10 were accepted and the program still runs.
    t_left = time.monotonic()
    # a program may end when its input ends, once a client has come
    if typed and prog.fate(wait=1.0):
        rc = prog.returncode()
        res.not_run("Not run: with no operator (its standard input at its "
                    "end), the program %s, and zombies are counted only "
                    "while it runs." % (
                        describe_status(rc) if rc is not None else
                        "ended (the process holding its listening socket)"),
                    "ended with no operator")
        return
    if served < 10 and (prog.fate(wait=0) or queued(prog) != 0 or any(
            r is None or "could not connect" in r[1] for r in results)):
        res.failed("Not measured: 10 clients played the exchange at the "
                   "same time, and %d were served. %s%s" % (
                       served, bad[1] if bad else "", why(prog)),
                   "not measured: served %d of 10 clients" % served)
        return
    time.sleep(max(0.0, 1.0 - (time.monotonic() - t_left)))
    left = zombies(prog)
    said = ("10 clients connected at the same time, each played the "
            "exchange up to its first input: line (%s), with the program's "
            "standard input at its end (no operator answered), and left; "
            "1 s after the last had left" % next(
                (r[1].split(": ", 1)[1].rstrip(".") for r in results
                 if r and r[0]), "not one got through them") if typed else
            "10 clients played the exchange at the same time (10 served); "
            "1 s after the last had left" if served == 10 else
            "10 clients played the exchange at the same time, and %d were "
            "served. %s Each was accepted all the same, and has left; 1 s "
            "after the last had left" % (served, bad[1]))
    res.aside = True
    if len(left) <= 1:
        res.passed("%s, the program had %s (state Z in /proc)." % (
            said, plural(len(left), "zombie")))
        return
    res.failed("%s, %s of the program's children were zombies (state Z in "
               "/proc): pids %s, children of %s. A child that has ended "
               "stays a zombie until its parent calls waitpid(); reap them "
               "(a SIGCHLD handler, or waitpid(-1, NULL, WNOHANG) in a loop, "
               "see lesson 12), or the process table fills up."
               % (said, len(left), and_list(str(p) for p, _ in left[:5]),
                  and_list(sorted({str(pp) for _, pp in left}))),
               "%d zombies after 10 clients" % len(left))


def before_input(prog, spec, steps, who):
    """One client plays steps (the exchange up to its first input: line)
    and closes: (ok, sentence), as exchange() gives."""
    talk = Talk(prog, spec)
    if talk.err:
        return False, "%s could not connect: %s." % (who, talk.err)
    try:
        trouble = play(talk, steps, close=False)
        words = talk.transcript(6)
    finally:
        talk.close()
    if trouble:
        return False, "%s: %s" % (who, trouble[0].lower() + trouble[1:])
    return True, "%s: %s." % (who, words)


@spec_check("silent-client", "a silent client, then a new client",
            "a client connects and sends nothing for 2 s, then closes; a "
            "second client, connected 0.5 s after it, is served within the "
            "spec's timeout after the silent one left (one client at a time "
            "is fine)", lambda s: tcp_server(s) and many(s))
def sp_silent(run, res):
    prog = start(run)
    spec = run.spec
    silent, err = connect(prog)
    if silent is None:
        res.failed("The checker could not connect: %s." % err,
                   "could not connect")
        return
    t0 = time.monotonic()
    time.sleep(0.5)
    out = {}

    def second():
        out["r"] = exchange(prog, spec, "The second client")
        out["t"] = time.monotonic()

    t = threading.Thread(target=second, daemon=True)
    t.start()
    t.join(1.5)
    time.sleep(max(0.0, 2.0 - (time.monotonic() - t0)))  # silent for 2 s
    left = time.monotonic()
    silent.close()
    t.join(spec.timeout * (len(spec.steps) + 2))
    said = ("A client connected and sent nothing for 2 s, then closed; a "
            "second client connected 0.5 s after it.")
    ok, words = out.get("r", (False, "The second client was not served."))
    if ok:
        when = ("while the silent client was still connected"
                if out["t"] < left else "%s after the silent one left"
                % secs(out["t"] - left))
        res.passed("%s It was served %s." % (said, when))
        return
    if ended_by_itself(prog):
        res.failed("%s %s%s" % (said, words, ONE_CLIENT % why(prog)),
                   "ended by itself (status 0)")
        return
    crash = crashed(prog)
    if crash and spec.steps[0][0] == "expect" and (
            "ConnectionReset" in crash + prog.output() or
            "ECONNRESET" in prog.output()):
        # the program spoke first: the silent client left its words
        # unread, and a close() with unread bytes sends a RST
        res.failed("%s %s%s The silent client closed with the program's "
                   "first reply unread, and a close() with bytes unread "
                   "sends a reset: the program's next recv() or send() on "
                   "that socket then fails with ECONNRESET (in Python, "
                   "ConnectionResetError). That is the end of that client "
                   "too, not of the server: catch the error, close that "
                   "socket and go on to the next client." % (
                       said, words, why(prog)),
                   "%s after a silent client" % crash)
        return
    if crash:
        res.failed("%s %s%s A client that leaves without a word makes "
                   "recv() return 0 (no bytes): that is the end of that "
                   "client, not a request to use." % (said, words, why(prog)),
                   "%s after a silent client" % crash)
        return
    res.failed("%s %s%s %s" % (said, words, why(prog), SILENT_HINT),
               "next client not served after a silent one")


@spec_check("reset", "a reset mid-exchange, then a new client",
            "a client sends its first line, then resets the connection "
            "(SO_LINGER 0) before the reply (its operator's input: lines "
            "are typed after the reset); the program stays up and serves "
            "the next client", lambda s: tcp_server(s) and many(s))
def sp_reset(run, res):
    spec = run.spec
    prog, talk = first_client(run, res)
    if talk is None:
        return
    steps = []
    for step in spec.steps:
        steps.append(step)
        if step[0] == "send":
            break
    play(talk, steps, close=False)
    sent = talk.transcript()
    talk.reset()
    # The operator answers only now, so the RST is sent before the
    # program can send its reply, however fast each side runs: typed
    # before the reset, the reply raced the RST, and a server that looks
    # for errors only where it sends passed or failed by chance.
    typed = typed_after_send(spec)
    play(talk, typed, close=False)
    time.sleep(0.3)
    said = ("A client connected (%s), then reset the connection (close() "
            "with SO_LINGER 0 sends a RST)%s." % (
                sent, ", and only then did its operator type %s" % and_list(
                    [shown(v, 40) for _, v, _ in typed]) if typed else ""))
    fate = prog.fate()
    if fate and ended_by_itself(prog):
        res.failed(said + ONE_CLIENT % fate, "ended by itself (status 0)")
        return
    if fate:
        res.failed("%s%s %s" % (said, fate, RESET_HINT),
                   "ended after a reset")
        return
    serve_next(prog, spec, res, said, "next client not served after a reset")


def keeps_open(s):
    """A TCP server that keeps each connection open after its replies
    (close: no): it closes when its client has finished."""
    return tcp_server(s) and s.close == "no" and has_send(s)


@spec_check("half-close", "the client half-closes",
            "a client plays the exchange, then shuts down its sending side "
            "(shutdown(SHUT_WR)); the program closes the connection within "
            "the spec's timeout: its recv() returned 0, the client has "
            "finished", keeps_open)
def sp_half_close(run, res):
    spec = run.spec
    prog, talk = first_client(run, res)
    if talk is None:
        return
    trouble = play(talk, close=False)
    if trouble:
        res.not_run("Not run: the exchange did not go as the spec says "
                    "(the %s check shows it)." % named(run, "exchange"),
                    "exchange failed")
        return
    said = ("A client played the exchange (%s), then shut down its "
            "sending side (shutdown(SHUT_WR))." % talk.transcript())
    talk.c.shutdown()
    t0 = time.monotonic()
    closed, more = talk.eof(spec.timeout)
    took = time.monotonic() - t0
    if closed:
        res.passed("%s The program closed the connection %s later." % (
            said, secs(took)))
        return
    res.failed(
        "%s After %s the connection was still open%s. When recv() returns "
        "0, the client has finished: close its socket. A server that "
        "forks must also close the client's socket in the parent after "
        "fork(), or the connection stays open when the child ends "
        "(lesson 12)." % (said, secs(spec.timeout), ", after %s more" %
                          shown(more, 40) if more else ""),
        "no close after the client's shutdown")


@spec_check("sigpipe", "no death by SIGPIPE",
            "a client sends its requests over and over for up to 3 s (1 MB "
            "at most), reads no reply, and resets the connection; the "
            "program stays up (no SIGPIPE, no traceback) and serves the next "
            "client", lambda s: has_send(s) and at_once(s))
def sp_sigpipe(run, res):
    prog = start(run)
    spec = run.spec
    # A small receive buffer: the replies fill it soon, the program stops
    # in send(), our requests wait in its receive queue, and the reset
    # comes while it still has requests to answer.
    c, err = connect(prog, mss=1400, rcvbuf=4096)
    if c is None:
        res.failed("The checker could not connect: %s." % err,
                   "could not connect")
        return
    request = b"".join(v for k, v, _ in spec.steps if k == "send")
    chunk = request * max(1, 16384 // len(request))
    sent = 0
    deadline = time.monotonic() + 3.0
    c.s.settimeout(0.5)
    try:
        while sent < (1 << 20) and time.monotonic() < deadline:
            sent += c.s.send(chunk)
    except OSError:  # a timeout: its buffers are full; or it closed
        pass
    c.reset()
    said = ("A client sent %s, its requests over and over (%s), read none "
            "of the replies, and reset the connection." % (
                plural(sent, "byte"), shown(request, 24)))
    def other():
        if ended_by_itself(prog):
            res.failed(said + ONE_CLIENT % prog.fate(),
                       "ended by itself (status 0)")
        elif crashed(prog):
            res.failed("%s%s Its requests came glued together, as TCP may "
                       "deliver them: check what a client sends before you "
                       "use it, and let an error end that one client, not "
                       "the server." % (said, prog.fate()),
                       "%s after requests over and over" % crashed(prog))
        else:
            return False
        return True
    if ended_at_sigpipe(prog, res, said, other):
        return
    serve_next(prog, spec, res, said, "next client not served")


def malformed(name, title, what, data_of, applies=has_send):
    @spec_check(name, title,
                "a client sends %s%s; the program may refuse it, but must "
                "not crash or hang, and serves the next client" % (
                    what, "" if what.startswith("its first line") else
                    " in place of its first line"), applies)
    def func(run, res):
        spec = run.spec
        first = next(v for k, v, _ in spec.steps if k == "send")
        data = data_of(first, spec)
        if spec.newline == "no" and data.endswith(b"\n"):
            data = data[:-1]
        said_what = what.replace(" (60000 for UDP)", "") if \
            spec.proto == "tcp" else what.replace("line of 100000 bytes "
                                                  "(60000 for UDP)",
                                                  "datagram of 60000 bytes")
        prog, talk = first_client(run, res)
        if talk is None:
            return
        before = []
        for step in spec.steps:
            if step[0] == "send":
                break
            before.append(step)
        play(talk, before, close=False)
        talk.send(data)
        play(talk, typed_after_send(spec), close=False)  # its operator's
        # a program that never answers (a UDP receiver) is not waited for
        reply = next((v for k, v, _ in spec.steps[len(before):]
                      if k == "expect"), None)
        got, how = talk.line(spec.timeout, reply) if reply else (None, "")
        talk.close()
        answer = ("; it answered %s" % shown(got, 40) if got is not None
                  else "; it closed the connection" if how == "eof"
                  else "; it reset the connection" if how == "reset"
                  else "; nothing came back within %s" % secs(spec.timeout)
                  if how else "")
        said = "A client sent %s (%s)%s." % (said_what, shown(data, 24),
                                              answer)
        time.sleep(0.2)
        fate = prog.fate()
        if spec.clients == 1:  # it may end; it must not crash
            crash = crashed(prog)
            if crash:
                res.failed("%s%s %s" % (said, fate, GONE_HINT if
                                         killed_by_sigpipe(prog) else
                                         "Check what a client sends before "
                                         "you use it: refuse a bad request "
                                         "(a line saying so)."),
                           GONE_REASON if killed_by_sigpipe(prog) else
                           "%s after %s" % (crash, said_what))
            else:
                res.passed("%s%s It did not crash." % (
                    said, fate or " The program was still running."))
            return
        if fate and ended_by_itself(prog):
            res.failed(said + ONE_CLIENT % fate, "ended by itself (status 0)")
            return
        if fate:
            res.failed("%s%s %s" % (said, fate, GONE_HINT if
                                     killed_by_sigpipe(prog) else
                                     "Check what a client sends before you "
                                     "use it: a server refuses a bad request "
                                     "(a line saying so) and goes on with "
                                     "the next client."),
                       GONE_REASON if killed_by_sigpipe(prog) else
                       "ended after %s" % said_what)
            return
        serve_next(prog, spec, res, said,
                   "next client not served after %s" % said_what,
                   " %s: a server must not wait or loop for ever on one "
                   "client's input." % STUCK)
    return func


malformed("not-utf8", "input that is not UTF-8", "bytes that are not UTF-8",
          lambda first, spec: b"caf\xe9 \xff\xfe" + (
              b"" if spec.proto == "udp" else b"\n"))
malformed("empty-line", "an empty line", "an empty line",
          lambda first, spec: b"" if spec.proto == "udp" else b"\n",
          lambda s: has_send(s) and s.newline == "yes")
malformed("long-line", "a very long line",
          "a line of 100000 bytes (60000 for UDP)",
          lambda first, spec: b"A" * (60000 if spec.proto == "udp"
                                      else 100000) + (
              b"" if spec.proto == "udp" else b"\n"))
malformed("out-of-range", "a number out of range",
          "its first line with each number made huge",
          lambda first, spec: out_of_range(first),
          lambda s: has_send(s) and out_of_range(
              next(v for k, v, _ in s.steps if k == "send")) is not None)
malformed("zero", "a zero", "its first line with each number made 0",
          lambda first, spec: zeroed(first),
          lambda s: has_send(s) and zeroed(
              next(v for k, v, _ in s.steps if k == "send")) is not None)


@spec_check("restart", "a restart on the same port",
            "a client plays the exchange and stays connected; the program "
            "is ended, the client closes, and the program, started again at "
            "once on the same port, listens within the usual wait "
            "(SO_REUSEADDR, whatever TIME_WAIT is left); run even when the "
            "exchange fails", tcp_server, aside=True)
def sp_restart(run, res):
    spec = run.spec
    prog, talk = first_client(run, res)
    port = prog.port
    if talk is None:
        return
    if talk.c:  # the TIME_WAIT of a first run is what this check is about
        talk.c.reset_after_eof = False
    trouble = play(talk, close=False)
    held = None
    if trouble is not None and talk.c and (
            "closed the connection" in trouble or
            "reset the connection" in trouble):
        # The exchange failed, and the program ended that connection
        # already (and a RST leaves no TIME_WAIT): a client that only
        # connects is still connected when the program ends, so the
        # program's end of it is what waits in TIME_WAIT, as after a good
        # exchange.
        held, _ = connect(prog, timeout=spec.timeout)
        if held:
            held.reset_after_eof = False
            accepted(prog, spec.timeout)
    prog.stop()
    talk.eof(1.0)
    talk.close()
    if held:
        held.read(0, 1.0, until_eof=True)
        held.close()
    time.sleep(0.1)
    said = ("A client played the exchange%s and was still connected when "
            "the checker ended the program; then the client closed, and the "
            "checker started the program again on port %d." % (
                "" if trouble is None else " (not to the end%s)" % (
                    "; a second client that sent nothing was connected too"
                    if held else ""), port))
    again = Program(run, port)
    try:
        again.wait_bound("tcp")
    except NotReady as e:
        res.aside = True  # whatever the exchange does
        text = again.output()
        if "Address already in use" in text or "EADDRINUSE" in text or \
                "Errno 98" in text:
            res.failed("%s It could not bind: the port was still in use, by "
                       "the connection of its first run in TIME_WAIT. Set "
                       "SO_REUSEADDR on the listening socket before bind(), "
                       "as the lessons do (see lesson 07, and the pitfall "
                       "\"Address already in use\"): a server that is "
                       "restarted after a crash must get its port back at "
                       "once." % said, "port in use after a restart "
                       "(EADDRINUSE)")
        else:
            res.failed("%s Then: %s" % (said, e), "no restart: %s" % e.reason)
        return
    ok, words = exchange(again, spec, "A client of the second run")
    if ok:
        res.passed("%s It listened again at once, and served a client."
                   % said)
    elif trouble is not None:
        # what a restart is about went well: the exchange fails anyway
        res.passed("%s It listened again at once. %s The client of the "
                   "first run did not get through the exchange either: that "
                   "is not the restart's doing." % (said, words))
    else:
        res.failed("%s It listened again, but: %s" % (said, words),
                   "not served after a restart")
