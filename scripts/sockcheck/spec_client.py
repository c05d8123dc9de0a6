"""The checks of a client program described by a spec: the checker is
its server, playing the spec's steps from the server's side (expect: a
line the program sends, send: the checker's answer). This module has a
TCP client's checks, and what spec_udp_client.py's share."""

import re
import socket
import threading
import time

from .checks import (WHOLE_LINE, client_crashed, client_ends, closed_early,
                     ending, last_line, last_words, never_connected,
                     never_reason, named, refused_check, short_end)
from .common import (CLIENT_LIMIT, CLIENT_SLACK, DRAIN_LIMIT, LOCAL,
                     PIECES_STEP)
from .peers import NUL_TOO, SIZEOF, PeerServer, send_pieces, settle, thirds
from .program import Program
from .patterns import Pattern, TooSlow
from .spec import U32, printed, wanted, where
from .spec_server import spec_check
from .spec_talk import Talk, matches, padding_note
from .words import (REFUSE_AND_GO_ON, capital, ended_well, plural, saying,
                    secs, shown)


# A message with no line end ('newline: no') is what has come once the
# program has sent nothing more for this long; for less, once it matches.
PAUSE, PAUSE_MATCHED = Talk.PAUSE, Talk.PAUSE_MATCHED


def client(s):
    return s.program == "client" and s.proto == "tcp"


def transcript(log):
    """'the checker sent "7\\n", ...': the last steps of a log of
    ("got" or "sent", bytes), from the program's side."""
    words = ["%s %s" % ("the program sent" if way == "got"
                        else "the checker sent", shown(data, 40))
             for way, data in log[-4:]]
    return ", ".join(words) if words else "nothing went either way"


class ScriptServer:
    """The checker's TCP server for a client under test: each connection
    plays the spec's steps. mode: 'script', 'pieces' (each send in 3
    pieces 0.2 s apart) or 'close' (closes each connection at once)."""

    proto = "tcp"
    print_hint = WHOLE_LINE

    def __init__(self, spec, mode="script", port=0, bad=None):
        self.spec, self.mode = spec, mode
        self.bad = bad          # sent in place of the first answer, then
        #                         the checker's end is shut down
        self.ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.ls.bind((LOCAL, port))
        self.ls.listen(8)
        self.ls.settimeout(0.1)
        self.port = self.ls.getsockname()[1]
        self.connections = 0
        # One record per connection, in the order they came: its log,
        # its trouble (or None), whether it played every step, its
        # thread, and whether it was a probe (closed before a byte came
        # either way, where the program speaks first).
        self.records = []
        self.stop = threading.Event()
        self.turns = 0
        self.threads = [threading.Thread(target=self._accept, daemon=True)]
        self.threads[0].start()

    def settle(self):
        settle(self.ls, lambda: self.turns, self.threads[0].is_alive)

    def _accept(self):
        while not self.stop.is_set():
            self.turns += 1
            try:
                conn, _ = self.ls.accept()
            except (socket.timeout, OSError):
                continue
            rec = {"log": [], "trouble": None, "done": False, "why": None,
                   "probe": False, "cut": None}
            rec["thread"] = threading.Thread(target=self._serve,
                                             args=(conn, rec), daemon=True)
            rec["thread"].start()  # before judged() can see it
            self.threads.append(rec["thread"])
            self.records.append(rec)
            self.connections += 1

    def wait_judged(self, limit):
        """Wait (limit seconds at most) until the judged connection is
        known and done: each probe's thread, then the first that is not
        a probe (a thread decides only as it ends)."""
        deadline = time.monotonic() + limit
        for rec in list(self.records):
            rec["thread"].join(max(0.0, deadline - time.monotonic()))
            if not rec["probe"]:
                return

    def judged(self):
        """The connection the checks judge: the first that was not a
        probe (a client may connect once to see that the server is up,
        then again for its exchange), else the first; or None."""
        for rec in self.records:
            if not rec["probe"]:
                return rec
        return self.records[0] if self.records else None

    @property
    def log(self):
        rec = self.judged()
        return rec["log"] if rec else []

    @property
    def trouble(self):
        rec = self.judged()
        return rec and rec["trouble"]

    @property
    def done(self):
        rec = self.judged()
        return bool(rec and rec["done"])

    @property
    def cut(self):
        """Why the bad answer could not all be sent (the program's end
        closed first), or None."""
        rec = self.judged()
        return rec and rec["cut"]

    @property
    def why(self):
        """The trouble's own short reason, where it has one."""
        rec = self.judged()
        return rec and rec["why"]

    def _line(self, conn, buf, limit, pattern=None):
        """What the program sends next: a line; with 'newline: no', what
        came before a pause (PAUSE, or PAUSE_MATCHED once it matches
        pattern); for a binary field, its size in bytes. (bytes or None,
        the rest, how)."""
        size = getattr(pattern, "size", None)
        if size or self.spec.newline == "no":
            return self._unframed(conn, buf, limit, pattern, size)
        deadline = time.monotonic() + limit
        while b"\n" not in buf:
            if self.stop.is_set() or time.monotonic() > deadline:
                return None, buf, "timeout"
            try:
                chunk = conn.recv(1 << 16)
            except socket.timeout:
                continue
            except OSError as e:
                return None, buf, e.strerror or str(e)
            if not chunk:
                return None, buf, "eof"
            buf += chunk
        line, _, rest = buf.partition(b"\n")
        return line + b"\n", rest, "ok"

    def _unframed(self, conn, buf, limit, pattern, size):
        deadline = time.monotonic() + limit
        quiet = None  # when the last bytes came
        while not (size and len(buf) >= size):
            now = time.monotonic()
            if self.stop.is_set() or now > deadline:
                break
            if buf and not size:
                pause = PAUSE_MATCHED if pattern is not None and \
                    matches(pattern, buf) else PAUSE
                if now - quiet >= pause:
                    break
            try:
                chunk = conn.recv(1 << 16)
            except socket.timeout:
                continue
            except OSError as e:
                return None, buf, e.strerror or str(e)
            if not chunk:
                if buf and not size:
                    break
                return None, buf, "eof"
            buf += chunk
            quiet = time.monotonic()
        if size and len(buf) >= size:
            return buf[:size], buf[size:], "ok"
        if buf and not size:
            return buf, b"", "ok"
        return None, buf, "timeout"

    def _serve(self, conn, rec):
        conn.settimeout(0.1)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        log = rec["log"]
        trouble = None
        try:
            if self.mode == "close":
                self._finish(conn, log)
                return
            buf, n = b"", 0
            for kind, value, lineno in self.spec.steps:
                if kind == "send" and self.bad is not None:
                    # Sent once the request came. A program may stop
                    # reading a long answer and close: the kernel then
                    # resets the connection, and where the answer did not
                    # fit in the sockets' buffers (their size varies with
                    # the machine's memory), the send fails. That is the
                    # program's choice, not a request that never came.
                    log.append(("sent", self.bad))
                    try:
                        conn.sendall(self.bad)
                    except OSError as e:
                        rec["cut"] = e.strerror or str(e)
                        return
                    self._finish(conn, log)
                    return
                if kind == "send":
                    send_pieces(conn.sendall, thirds(value)
                                if self.mode == "pieces" else [value])
                    log.append(("sent", value))
                    continue
                n += 1
                line, buf, how = self._line(conn, buf, self.spec.timeout,
                                            value)
                if line is None:
                    trouble = ("line %d (%s) never came: %s"
                               % (n, wanted(value, self.spec)
                                  if self.spec.shipped else
                                  "spec line %d, %s" % (lineno,
                                                        wanted(value)),
                                  "the program closed the connection"
                                  if how == "eof" else "nothing came within "
                                  "%s" % secs(self.spec.timeout)
                                  if how == "timeout" else how))
                    # closed before a byte came either way: a probe
                    rec["probe"] = how == "eof" and n == 1 and not buf \
                        and not log
                    if buf:
                        trouble += " (only %s%s)" % (
                            shown(buf, 40), ", %d of its %d bytes" % (
                                len(buf), value.size)
                            if isinstance(value, U32) else
                            ", with no newline")
                    return
                log.append(("got", line))
                if not matches(value, line) and isinstance(value, U32):
                    trouble = ("line %d was %s, %d, where the spec wants %s "
                               "(spec line %d).%s" % (
                                   n, shown(line, 60), value.value(line),
                                   value.shown, lineno,
                                   value.swapped(line)))
                    return
                if not matches(value, line):
                    trouble = ("line %d was %s, which does not match %s%s"
                               % (n, shown(line, 60),
                                  wanted(value, self.spec),
                                  where(self.spec, lineno, padding_note(
                                      value, line, True))))
                    return
                if buf[:1] == b"\0" and self.spec.newline == "yes":
                    # text lines, and after one a NUL: a whole buffer
                    # sent where the line in it ended
                    trouble = ("line %d, %s, came with bytes after it that "
                               "the spec does not describe, from a NUL byte "
                               "(\\0) on (%s so far, %s): the program "
                               "probably %s" % (n, shown(line, 60),
                                                plural(len(buf), "byte"),
                                                shown(buf, 24),
                                                NUL_TOO if buf == b"\0"
                                                else SIZEOF))
                    rec["why"] = "bytes the spec does not describe"
                    return
            if self.spec.close == "no":
                self._line(conn, buf, self.spec.timeout)  # until it closes
        except OSError as e:
            trouble = "the connection failed (%s)" % (e.strerror or e)
        finally:
            conn.close()
            rec["trouble"] = trouble
            rec["done"] = trouble is None

    def _finish(self, conn, log):
        """FIN now; what the program sends next is read and dropped, so
        that no RST comes: its recv() returns 0."""
        conn.shutdown(socket.SHUT_WR)
        deadline = time.monotonic() + DRAIN_LIMIT
        while not self.stop.is_set() and time.monotonic() < deadline:
            try:
                if not conn.recv(1 << 16):
                    break
            except socket.timeout:
                continue

    def transcript(self):
        return transcript(self.log)

    def close(self):
        self.stop.set()
        for t in self.threads:
            t.join(1)
        self.ls.close()


def run_client(run, mode, limit, port=None, bad=None, server=ScriptServer,
               faults=None):
    """The checker's server (unless port), then the program with the
    spec's input (under scripts/narrate --faults FAULTS, if given); wait
    at most limit s for it to end."""
    spec = run.spec
    srv = server(spec, mode, run.fixed_port or 0, bad) \
        if port is None else None
    prog = Program(run, port if port is not None else srv.port, spec.input,
                   faults=faults)
    prog.wait_started()
    run.cleanup.append(srv.close if srv else None)
    return (srv, prog) + client_ends(prog, srv, limit)


def printed_swapped(spec, text):
    """When the program printed, in place of a 4-byte integer the
    checker sent (send-u32:), that integer with its bytes swapped: a
    sentence naming byte order; else ''."""
    for kind, data, _ in spec.steps:
        field = getattr(data, "field", None)
        if kind != "send" or field is None or len(data) != 4:
            continue
        n = field.value(data)
        other = "little" if field.byteorder == "big" else "big"
        wrong = int.from_bytes(data, other)
        if wrong != n and re.search(r"(?<![0-9])%d(?![0-9])" % wrong, text):
            return ("It printed %d: the checker's 4-byte integer %d read in "
                    "the other byte order. An integer comes over the network "
                    "in %s order: convert it with ntohl() after recv() (in "
                    "Python, struct's \"!I\"), then print it." % (
                        wrong, n, "network" if field.byteorder == "big"
                        else "the host's"))
    return ""


def limit_for(spec):
    return spec.timeout * (len(spec.steps) + 1) + CLIENT_SLACK


def judge(run, res, mode, server=ScriptServer, limit=None, faults=None,
          doing=""):
    """Run the client against the checker's server in mode, and judge
    what went each way and what it printed; return the Program. faults
    and doing: the program's calls changed so (spec_faults.py), and the
    sentence that says how."""
    spec = run.spec
    limit = limit or limit_for(spec) + (PIECES_STEP * len(spec.steps)
                                        if mode == "pieces" else 0)
    srv, prog, rc, took, cpu = run_client(run, mode, limit, server=server,
                                          faults=faults)
    if srv.connections == 0:
        res.failed(never_connected(srv.port, srv.proto, prog, rc, took, cpu,
                                       limit),
                   never_reason(srv.proto))
        return prog
    srv.wait_judged(spec.timeout + 1.0)  # what it was doing at the end
    time.sleep(0.1)
    text = prog.output()
    missing = printed(spec, text)
    pieces = (" The checker sent each answer in 3 pieces, 0.2 s apart, so a "
              "recv() got only part of a line." if mode == "pieces" else
              " " + capital(doing) + "." if doing else "")
    if srv.trouble or not srv.done:
        unprinted = (" No line of its output matches /%s/." % missing.pattern
                     if missing is not None else "")
        res.failed("The checker's server played the spec: %s; then %s.%s "
                   "The program %s %s.%s" % (
                       srv.transcript(), srv.trouble or "the connection was "
                       "still open", pieces, ending(prog, rc, took, cpu,
                                                    limit, "after its start"),
                       last_line(text), unprinted),
                   getattr(srv, "why", None) or ("exchange failed"
                                                 if not unprinted else
                                                 "did not print /%s/"
                                                 % missing.pattern))
        return prog
    if missing is not None:
        res.failed("The exchange went as the spec says (%s), but no line of "
                   "the program's output matches /%s/ %s.%s"
                   " %s" % (srv.transcript(), missing.pattern,
                            last_line(text), pieces,
                            printed_swapped(spec, text) or srv.print_hint),
                   "did not print /%s/" % missing.pattern)
        return prog
    if rc != 0:
        res.failed("The exchange went as the spec says and the program "
                   "printed what it should, but then it %s. At the end of "
                   "its input a client finishes and exits with status 0."
                   % ending(prog, rc, took, cpu, limit, "after its start"),
                   "did not finish cleanly: %s" % short_end(prog, rc))
        return prog
    res.passed("The checker's server played the spec: %s.%s The program "
               "printed what the spec asks and exited with status 0, %s "
               "after its start." % (srv.transcript(), pieces, secs(took)))
    return prog


@spec_check("exchange", "the spec's exchange",
            "the program runs with the spec's input; the lines it sends "
            "match the spec's expect: lines, it prints what the spec's "
            "print: lines say, and it exits with status 0", client)
def sc_exchange(run, res):
    judge(run, res, "script")


@spec_check("pieces", "answers in pieces",
            "the same, with each answer of the checker's server sent in 3 "
            "pieces 0.2 s apart",
            lambda s: client(s) and any(k == "send" and len(v) >= 3
                                        for k, v, _ in s.steps))
def sc_pieces(run, res):
    judge(run, res, "pieces")


@spec_check("closes-early", "a server that closes at once",
            "the checker's server shuts down its end of each connection as "
            "soon as it is accepted (and drops what comes); the program ends "
            "by itself within 5 s, not by a signal or a traceback", client)
def sc_closes_early(run, res):
    limit = CLIENT_LIMIT
    srv, prog, rc, took, cpu = run_client(run, "close", limit)
    if srv.connections == 0:
        res.failed(never_connected(srv.port, srv.proto, prog, rc, took, cpu,
                                       limit),
                   "never connected")
        return
    said = ("The checker's server closed its end of the connection "
            "(shutdown(SHUT_WR)) as soon as it came, so the program's recv() "
            "returns 0.")
    closed_early(res, said, prog, rc, took, cpu, limit)


@spec_check("refused", "refused connection handled",
            "nothing listens on the port; the program exits with a status "
            "other than 0 within 3 s, not by a signal or a traceback",
            client)
def sc_refused(run, res):
    def start(port, limit):
        return run_client(run, None, limit, port=port)[1:]
    refused_check(run, res, start)


def has_answer(s):
    return client(s) and any(k == "send" for k, _, _ in s.steps)


def not_sent(run, srv, what):
    """Why the checker's server never sent the bad answer: the program
    did not send what it answers (the exchange check says more)."""
    return ("Not run: the checker's server never sent %s, because the "
            "program did not first send the request the spec says%s. The "
            "%s check shows what happened." % (what, ": " + srv.trouble
                                      if srv.trouble else "",
                                      named(run, "exchange")))


def bad_answer(name, title, what, data, applies=has_answer):
    @spec_check(name, title,
                "the checker's server answers with %s in place of its "
                "first answer, then closes its end; the program may refuse "
                "it, but ends by itself within 5 s, not by a signal or a "
                "traceback" % what, applies)
    def func(run, res):
        limit = CLIENT_LIMIT
        sent = data[:-1] if run.spec.newline == "no" and \
            data.endswith(b"\n") else data
        srv, prog, rc, took, cpu = run_client(run, "script", limit,
                                              bad=sent)
        if srv.connections == 0:
            res.failed(never_connected(srv.port, srv.proto, prog, rc, took,
                                       cpu, limit),
                       "never connected")
            return
        if ("sent", sent) not in srv.log:
            res.not_run(not_sent(run, srv, what), "answer never sent")
            return
        said = ("The checker's server answered with %s (%s), then closed "
                "its end of the connection." % (what, shown(sent, 24))
                if not srv.cut else
                "The checker's server answered with %s (%s); the program's "
                "end of the connection closed before all of it had gone (the "
                "checker's send() failed: %s)." % (what, shown(sent, 24),
                                                   srv.cut))
        how = ending(prog, rc, took, cpu, limit, "later")
        words = last_words(prog.output())
        if not client_crashed(prog, rc):
            res.passed(ended_well(said, how, took, "later", words))
            return
        hint = (" A client must stop when recv() returns 0 (lesson 06)."
                if rc is None else " Check what the server sends before "
                "you use it: decode with errors=\"replace\", and read a "
                "long line in pieces.")
        res.failed("%s The program %s.%s" % (said, how, hint),
                   short_end(prog, rc))
    return func


bad_answer("not-utf8", "an answer that is not UTF-8",
           "bytes that are not UTF-8", b"caf\xe9 \xff\xfe\n")
bad_answer("empty-line", "an empty answer", "an empty line", b"\n",
           lambda s: has_answer(s) and s.newline == "yes")
bad_answer("long-line", "a very long answer", "a line of 100000 bytes",
           b"A" * 100000 + b"\n")


def fed(run, stdin, limit):
    """The client with stdin, beside the checker's echoing server:
    (prog, srv, status, seconds, CPU seconds)."""
    srv = PeerServer("echo", run.fixed_port or 0)
    srv.set_watch(None)  # echo at once: no output marks wanted
    run.cleanup.append(srv.close)
    prog = Program(run, srv.port, stdin)
    prog.wait_started()
    return (prog, srv) + client_ends(prog, srv, limit)


def same_without(run, prog, rc, limit):
    """With the spec's input alone, does the client end the same way (a
    hang, or the same status and error), does it connect, how many
    bytes does it send, and how many of its input does it leave unread?
    Its first run stays the evidence."""
    def second():
        plain, srv, rc2, _, _ = fed(run, run.spec.input, limit)
        same = rc2 == rc and short_end(plain, rc2) == short_end(prog, rc)
        return same, srv.connections > 0, len(srv.received)
    return run.again(second)


# Lines after the spec's input, more than C's stdio (4096 bytes) or
# Python (8192) reads at once: a client that reads them all reads its
# input to the end. Few of them (each fits fgets() into 256 bytes), so
# that one sent and answered at a time fits in the time given.
FILLER = (b"one more line of input, " + b"x" * 225 + b"\n") * 64


def reads_to_end(run, limit):
    """With the spec's input and FILLER after it, does the client read
    all of its input and end by itself? Its first run stays the check's
    evidence."""
    def second():
        plain, _, rc, _, _ = fed(run, run.spec.input + FILLER, limit)
        return plain.input_left() == 0 and rc is not None
    return run.again(second)


ORDINARY = b"an ordinary line of input\n"


def anywhere(pat, text):
    """Does a line of text hold a match of the spec pattern pat, in part
    (as a pattern that backtracks too long, it counts as found)?"""
    wide = Pattern(".*(?:%s).*" % pat.pattern)
    try:
        return any(wide.fullmatch(ln.strip()) for ln in text.splitlines())
    except TooSlow:
        return True


def prints_after_a_line(run, limit):
    """With ORDINARY before the spec's input, does the client print all
    that the spec's print: lines ask, and end by itself? (One that reads
    a single line by design does not.)"""
    def second():
        plain, _, rc, _, _ = fed(run, ORDINARY + run.spec.input, limit)
        return printed(run.spec, plain.output()) is None and rc is not None
    return run.again(second)


class Fed:
    """One run of a client fed an odd line first, and the words that
    describe it; each verdict below reads it."""

    def __init__(self, run, what, line):
        self.run, self.what, self.limit = run, what, CLIENT_LIMIT
        self.prog, self.srv, self.rc, took, cpu = fed(
            run, line + run.spec.input, self.limit)
        self.left = self.prog.input_left()
        self.sent = bytes(self.srv.received)
        self.crashed = client_crashed(self.prog, self.rc)
        self.said = (
            "The program's input was %s (%s), then %s; the checker's "
            "server sent back every byte as it came, and got %s." % (
                what, shown(line, 24), "the spec's input: lines" if
                run.spec.input else "nothing more",
                "%d bytes (%s)" % (len(self.sent), shown(self.sent, 40))
                if self.sent else "no connection"
                if self.srv.connections == 0 else "nothing"))
        self.how = ending(self.prog, self.rc, took, cpu, self.limit,
                          "after its start")
        self.words = last_words(self.prog.output())
        self.took = took

    def opening(self):
        """The words every failure starts with."""
        return "%s The program %s%s" % (self.said, self.how,
                                         saying(self.words))


def sent_nothing(f, res):
    """Nothing came, though the client ended well: are the lines after
    the odd one never sent (it sends with the spec's input alone), or
    does it not connect either way?"""
    if f.sent or f.crashed:
        return False
    run, srv = f.run, f.srv
    _, connected, sent_alone = same_without(run, f.prog, f.rc, f.limit)
    nothing = "never connected" if srv.connections == 0 else "sent nothing"
    if sent_alone:
        res.failed("%s, and %s%s. With the spec's input alone it sends %s. "
                   "%s" % (f.opening(), nothing,
                           ": the lines of input after this one were "
                           "never sent" if run.spec.input else "",
                           plural(sent_alone, "byte"), REFUSE_AND_GO_ON),
                   "%s after %s" % (nothing, f.what))
        return True
    if srv.connections == 0 and not connected:
        res.not_run("Not run: the program %s without connecting to the "
                    "checker's server, as it does with the spec's input "
                    "alone; the %s check shows it."
                    % (f.how, named(run, "exchange")), "never connected")
        return True
    return False


def gave_up(f, res):
    """It ended before it read the lines after the odd one, which it
    reads to the end without it."""
    run = f.run
    if f.crashed or not f.left or not run.spec.input or f.rc is None or \
            not reads_to_end(run, f.limit):
        return False
    res.failed("%s, and left the last %s of its input unread, %s; without "
               "this line, it reads its input to the end (the spec's "
               "input: lines, then %s more). %s"
               % (f.opening(), plural(f.left, "byte"),
                  "so it never read the spec's input: lines after this one"
                  if f.left >= len(run.spec.input) else
                  "the end of the spec's input: lines",
                  plural(FILLER.count(b"\n"), "line"), REFUSE_AND_GO_ON),
               "input after %s never read" % f.what)
    return True


def did_not_print(f, res):
    """It read on, maybe, but what the lines after the odd one make it
    print never came (looked for anywhere in its output: the odd line's
    echo, with no line end of its own, may share a line with the
    next)."""
    run = f.run
    text = f.prog.output()
    missing = next((p for p in run.spec.prints if not anywhere(p, text)),
                   None)
    if f.crashed or missing is None or not run.spec.input or \
            not prints_after_a_line(run, f.limit):
        return False
    res.failed("%s, and no line of its output matches /%s/, which the "
               "spec's input: lines make it print after a line such as %s. "
               "%s" % (f.opening(), missing.pattern, shown(ORDINARY),
                       REFUSE_AND_GO_ON),
               "did not print /%s/ after %s" % (missing.pattern, f.what))
    return True


def ended_badly(f, res):
    """It hung or crashed: on the line, or without it as well?"""
    run, prog, rc = f.run, f.prog, f.rc
    if same_without(run, prog, rc, f.limit)[0]:
        res.not_run("Not run: the program %s; run again with the spec's "
                    "input alone, without %s, it ended the same way. The "
                    "line is not what went wrong; the %s check shows it."
                    % (f.how, f.what, named(run, "exchange")),
                    "fails without the line too")
        return
    hint = (" A client must get through any line of its input: read it in "
            "pieces, or refuse it, and end at the end of its input."
            if rc is None else " Check a line of input before you use it: "
            "a buffer has a size (fgets() with sizeof), and bytes from a "
            "keyboard or a file may be anything (in Python, read "
            "sys.stdin.buffer, or decode with errors=\"replace\").")
    res.failed("%s The program %s.%s" % (f.said, f.how, hint),
               "%s on %s" % (short_end(prog, rc), f.what))


def odd_input(name, title, what, line):
    @spec_check(name, title,
                "the program's input starts with %s, then the spec's input: "
                "lines; the checker's server sends back every byte it gets "
                "as it comes; the program may refuse the line, but ends by "
                "itself within 5 s, not by a signal or a traceback, and it "
                "goes on past the line: it reads the rest of its input and "
                "prints what the spec's print: lines ask, where it does so "
                "without the line" % what,
                client)
    def func(run, res):
        f = Fed(run, what, line)
        if sent_nothing(f, res) or gave_up(f, res) or did_not_print(f, res):
            return
        if not f.crashed:
            res.passed(ended_well(f.said, f.how, f.took, "after its start",
                                  f.words))
            return
        ended_badly(f, res)
    return func


odd_input("long-input", "a very long input line", "a line of 10000 bytes",
          b"A" * 10000 + b"\n")
odd_input("bad-input", "an input line that is not text",
          "a line with a NUL and bytes that are not UTF-8",
          b"caf\xe9 \x00 \xff\xfe\n")
