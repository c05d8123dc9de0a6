"""One client's conversation with a server described by a spec: Talk
(a connection, what was sent and what came back), playing a spec's steps
on it, the exchange one client plays, and the words about a next client
that was not served. spec_server.py and spec_peers.py build their checks
from these."""

import re
import select
import socket
import time

from . import checks
from .checks import GONE_HINT, ended_by_itself, killed_by_sigpipe, last_words
from .peers import SIZEOF, SIZEOF_WORDS, UdpPeer, connect
from .procfs import Sock, net_table
from .program import Program
from .spec import U32, printed, wanted, where
from .words import (and_list, capital, lower_first, not_connected, secs,
                    shown)


class Talk:
    """One client of the program, TCP or UDP, playing the spec's steps;
    log holds what went each way, for the sentences."""

    def __init__(self, prog, spec, listener=False, elsewhere=True):
        self.prog, self.spec = prog, spec
        # UDP: sockets at the address where the exchange check saw the
        # program send its replies (elsewhere.py), to take them there too
        self.aside = []
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
            went = getattr(prog.run, "reply_to", None)
            for host, port in went.addresses(prog.port) if went and \
                    elsewhere else ():
                try:
                    self.aside.append(UdpPeer(host, port))
                except OSError:
                    pass  # in use: its replies are not taken there
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
            socks = [self.u.s] + [a.s for a in self.aside]
            ready = select.select(socks, [], [], limit)[0]
            if not ready:
                return None, "timeout"
            try:
                data, _ = ready[0].recvfrom(1 << 16)
            except OSError as e:
                return None, e.strerror or str(e)
            if ready[0] is not self.u.s:
                # where the program sends its replies, not to the client:
                # the exchange check fails it; here it counts as a reply
                self.prog.run.replies_aside += 1
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

    def more(self, quiet):
        """What else comes (TCP) before the program is quiet for quiet
        seconds, or closes: the bytes left in buf, and those."""
        data, self.buf = self.buf, b""
        if self.c:
            while True:
                chunk, how = self.recv_some(quiet)
                if how != "ok" or not chunk:
                    break
                data += chunk
        return data

    def transcript(self, limit=4):
        """'sent "3 + 4\\n", got "7\\n"': the last few steps."""
        words = ["%s %s" % (way, shown(data, 40))
                 for way, data in self.log[-limit:]]
        if len(self.log) > limit:
            words.insert(0, "...")
        return ", ".join(words) if words else "nothing went either way"

    def close(self):
        for a in self.aside:
            a.close()
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
                return capital(trouble) + "."
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
        what = ("reply %d (%s)" % (n, wanted(value, spec)) if spec.shipped
                else "reply %d (spec line %d, %s)" % (n, lineno,
                                                      wanted(value)))
        got, how = talk.line(spec.timeout, value)
        if got is None:
            partial = (" Only %s had come, with no newline%s." % (
                shown(talk.buf, 40), ": end each reply with \"\\n\""
                if talk.newline_hint else "")
                if talk.buf and how == "timeout" else "")
            return "%s (the exchange: %s).%s" % (
                capital(silence(how, spec.timeout, what)), talk.transcript(),
                partial)
        if not matches(value, got) and isinstance(value, U32):
            return ("Reply %d was %s, %d, where the spec wants %s (spec line "
                    "%d; the exchange: %s).%s" % (
                        n, shown(got, 40), value.value(got), value.shown,
                        lineno, talk.transcript(), value.swapped(got)))
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
            return ("Reply %d was %s, which does not match %s%s.%s" % (
                n, shown(got, 120), wanted(value, spec),
                where(spec, lineno, "; the exchange: %s" %
                      talk.transcript()), bytes_note))
        # NUL bytes after a line are padding; after a binary field they
        # may be the next reply's
        nuls = 0 if isinstance(value, U32) else \
            len(talk.buf) - len(talk.buf.lstrip(b"\0"))
        if nuls and talk.strict and spec.newline == "yes" and not padded:
            # said after whatever else goes wrong in this exchange
            padded = talk.padded = (
                "Reply %d matched %s%s, but %d NUL bytes (\\0) came right "
                "after its newline, which %s (the exchange: %s). %s" % (
                    n, wanted(value, spec), where(spec, lineno), nuls,
                    "a reply should not have" if spec.shipped else
                    "the spec does not describe", talk.transcript(),
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
        bare = got.lstrip(b"\0")
        if bare != got and matches(pat, bare):
            # the NUL bytes after the line before it: a buffer relayed
            # whole, as a strict exchange says (the others judge the line)
            talk.log.append(("the other client got", got))
            if not talk.strict:
                return None
            return ("Relay %d (spec line %d, /%s/): the other client got "
                    "the line, but after %d NUL bytes (\\0), which the spec "
                    "does not describe (the exchange: %s). %s" % (
                        r, lineno, pat.pattern, len(got) - len(bare),
                        talk.transcript(), SIZEOF_WORDS))
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


def padding_note(pattern, data, clause=False):
    """A reply that would match up to its first NUL byte, as when a
    program sends its whole buffer where the text in it ends at a NUL:
    the words that say so, or ''. With clause, words to put before the
    ')' of '(spec line N)'."""
    head, nul, rest = data.partition(b"\0")
    text = head.rstrip(b"\n").rstrip(b"\r").decode("utf-8", "replace")
    whole = data.replace(b"\0", b"").decode("utf-8", "replace")
    bare = whole.rstrip("\n").rstrip("\r")
    if nul and not pattern.fullmatch(text) and not NOT_TEXT.search(bare) \
            and (pattern.fullmatch(bare) or pattern.fullmatch(whole)):
        # text in pieces, each sent in a whole buffer: a file sent a line
        # at a time, say
        nuls = data.count(b"\0")
        if clause:
            return ("; with its %d NUL bytes taken out it would match: the "
                    "program probably sends each piece in its whole buffer, "
                    "sizeof of it, where it should send strlen() of the "
                    "text in it" % nuls)
        return (" With its %d NUL bytes taken out it would match: each "
                "piece of it came in a whole buffer. %s" % (nuls,
                                                          SIZEOF_WORDS))
    if not nul or NOT_TEXT.search(text) or not pattern.fullmatch(text):
        return ""
    more = "%d more bytes follow" % (1 + len(rest.rstrip(b"\n")))
    if not rest.rstrip(b"\n").strip(b"\0"):
        more += " (all NUL)"
    if clause:
        return ("; up to its first NUL byte it would match, and %s: "
                "the program probably %s" % (more, SIZEOF))
    return (" Up to its first NUL byte it would match, and %s. %s"
            % (more, SIZEOF_WORDS))


def first_client(run, res):
    """Start the program and connect one client: (prog, talk), or (prog,
    None) after failing res when the client could not connect."""
    prog = start(run)
    talk = Talk(prog, run.spec)
    if talk.err:
        checks.could_not_connect(res, talk.err)
        return prog, None
    return prog, talk


def start(run):
    spec = run.spec
    prog = Program(run, run.port_for(spec.proto))
    prog.wait_bound(spec.proto)
    return prog


def exchange(prog, spec, who="A client", newline_hint=True, got=None,
             strict=False, more=None, unconnected=None):
    """One client, the whole exchange, closed: (ok, sentence); without
    newline_hint, a reply cut short is not blamed on its line end; got,
    a list, gets the replies that came; unconnected, a list, gets the
    error when the client could not connect; strict, see Talk; more, a
    list, gets what else came after the last reply of a good exchange,
    before the program was quiet for half a second (TCP, close: no). A spec
    with print: lines (a UDP receiver's) also wants them printed after
    the exchange began."""
    mark = prog.out.mark()
    talk = Talk(prog, spec)
    talk.newline_hint = newline_hint
    talk.strict = strict
    if talk.err:
        if unconnected is not None:
            unconnected.append(talk.err)
        return False, not_connected(who, talk.err)
    trouble = "the exchange was cut short"
    try:
        trouble = play(talk)
        words = talk.transcript(6)
        if more is not None and not trouble and spec.proto == "tcp" and \
                spec.close != "yes":
            more.append(talk.more(0.5))
    finally:
        if trouble:
            # A failed exchange's client leaves only once the program has
            # done with what it sent (it sleeps again, or has ended): a
            # reply still being sent is not cut by a close that a busy
            # machine would have made later (a send() that meets EPIPE,
            # then a traceback, by chance).
            prog.quiet()
        talk.close()
        if got is not None:
            got += [data for way, data in talk.log if way == "got"]
    if trouble:
        return False, "%s: %s" % (who, lower_first(trouble))
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
        res.failed("%s %s%s" % (said, words, one_client(prog) % why(prog)),
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
        fate = why(prog)
        if not killed_by_sigpipe(prog):
            # last: it runs the program again, this one stopped first
            from .elsewhere import replied_elsewhere
            went = replied_elsewhere(prog.run, prog, words, 2)
            if went:
                # not stuck: it answered, to another address
                hint = " " + went
        res.failed("%s %s%s%s" % (said, words, fate, hint), reason)


# A next client that got a reply, but not the right one.
WRONG_NEXT = (" The program answered the next client, but not as the spec "
              "says, after the request before it: probably something of "
              "that request was still in the program (a buffer read into "
              "again without its old bytes cleared, or used as a string "
              "with no '\\0' after what the last recv() returned).")

STUCK = "The program is stuck on the bad request, probably"


# What a program that exited with status 0 after a client is told, in
# place of a guess about what went wrong (it did not crash).
# a spec may say that its server serves one client
ONE_CLIENT = checks.ONE_CLIENT + (" (A spec for a server that serves only "
                                  "one client says 'clients: 1'.)")


def one_client(prog):
    """What a program that ended by itself after a client is told: the
    spec's 'clients: 1' is named only to the author of a spec, not to a
    user of a kind (whose spec they never wrote)."""
    spec = prog.run.spec
    return checks.ONE_CLIENT if spec is None or spec.shipped else ONE_CLIENT


def before_input(prog, spec, steps, who, unconnected=None):
    """One client plays steps (the exchange up to its first input: line)
    and closes: (ok, sentence), as exchange() gives (unconnected too)."""
    talk = Talk(prog, spec)
    if talk.err:
        if unconnected is not None:
            unconnected.append(talk.err)
        return False, not_connected(who, talk.err)
    try:
        trouble = play(talk, steps, close=False)
        words = talk.transcript(6)
    finally:
        talk.close()
    if trouble:
        return False, "%s: %s" % (who, lower_first(trouble))
    return True, "%s: %s." % (who, words)
