"""The checks of a UDP client described by a spec ('proto: udp' and
'program: client'): the checker is its server, on a UDP socket bound to
127.0.0.1. Each expect: is a datagram the program sends; each send: is a
datagram the checker answers with, to the address and port the program's
last datagram came from."""

import socket
import threading
import time

from .checks import (client_crashed, ending, last_line, last_words,
                     never_connected, never_reason, short_end)
from .common import LOCAL
from .peers import settle
from .spec_client import judge, limit_for, not_sent, printed, run_client, \
    transcript
from .spec_server import spec_check
from .spec import wanted, where
from .spec_talk import matches, padding_note
from .words import digit_run, digits, ended_well, plural, secs, shown


def udp_client(s):
    return s.program == "client" and s.proto == "udp"


STRANGER = b"a datagram from another port"
SEE_09 = "lesson 09"


class UdpScriptServer:
    """The checker's UDP server for a client under test: it plays the
    spec's steps once, with the datagrams of whoever sends. mode:
    'script'; 'silent' (it receives, and never answers); 'stranger' (just
    before its first answer, a datagram comes to the program from another
    port of 127.0.0.1). bad, if given, is sent in place of the first
    answer, and the rest of the steps are played as written. An answer
    that is the datagram the program just sent, but for its line end,
    is that datagram as it came: an echo."""

    proto = "udp"
    print_hint = ("Print each reply as it comes: one recvfrom() is one "
                  "whole datagram (lesson 08).")

    def __init__(self, spec, mode="script", port=0, bad=None):
        self.spec, self.mode, self.bad = spec, mode, bad
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.bind((LOCAL, port))
        self.s.settimeout(0.1)
        self.port = self.s.getsockname()[1]
        self.connections = 0    # datagrams that came, for judge()
        self.peer = None        # where the last one came from
        self.trouble = None
        self.done = False       # every step was played
        self.log = []
        self.stranger = None    # the other port, once it has sent
        self.stop = threading.Event()
        self.turns = 0
        self.first = threading.Thread(target=self._play, daemon=True)
        self.threads = [self.first]
        self.first.start()

    def _datagram(self, limit):
        """The next datagram, waited for limit seconds at most (None:
        until the check stops this server), or None."""
        deadline = time.monotonic() + (limit if limit is not None else 1e9)
        while not self.stop.is_set() and time.monotonic() < deadline:
            self.turns += 1
            try:
                data, addr = self.s.recvfrom(1 << 16)
            except socket.timeout:
                continue
            except OSError:
                continue  # an ICMP error from an earlier answer: go on
            self.connections += 1
            self.peer = addr
            self.log.append(("got", data))
            return data
        return None

    def _answer(self, data):
        if self.mode == "stranger" and self.stranger is None:
            other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                other.bind((LOCAL, 0))
                self.stranger = other.getsockname()[1]
                other.sendto(STRANGER, self.peer)
            finally:
                other.close()
            time.sleep(0.3)
        self.s.sendto(data, self.peer)
        self.log.append(("sent", data))

    def _play(self):
        trouble = None
        try:
            if self.mode == "silent":
                while not self.stop.is_set():
                    self._datagram(0.5)
                return
            n, bad, data = 0, self.bad, None
            for kind, value, lineno in self.spec.steps:
                if kind == "send":
                    echo = data is not None and \
                        data.rstrip(b"\r\n") == value
                    self._answer(bad if bad is not None else data if echo
                                 else value)
                    bad, data = None, None
                    continue
                n += 1
                # The first: as long as the check waits for the program
                # (it starts after this server, and may be slow to); each
                # next one within the spec's timeout of the last answer.
                data = self._datagram(self.spec.timeout if n > 1 else None)
                if data is None:
                    trouble = ("datagram %d (%s) never came within %s" % (
                        n, wanted(value, self.spec) if self.spec.shipped
                        else "spec line %d, %s" % (lineno, wanted(value)),
                        secs(self.spec.timeout)))
                    return
                if not matches(value, data):
                    trouble = ("datagram %d was %s, which does not match %s"
                               "%s" % (n, shown(data, 60),
                                       wanted(value, self.spec),
                                       where(self.spec, lineno, padding_note(
                                           value, data, True))))
                    return
        except OSError as e:
            trouble = "sending to %s:%d failed (%s)" % (
                self.peer[0], self.peer[1], e.strerror or e)
        finally:
            self.trouble = trouble
            self.done = trouble is None

    def transcript(self):
        return transcript(self.log)

    def settle(self):
        settle(self.s, lambda: self.turns, self.first.is_alive)

    def wait_judged(self, limit):
        """Wait (limit seconds at most) until the exchange has ended."""
        self.first.join(limit)

    def close(self):
        self.stop.set()
        self.first.join(1)
        self.s.close()


def run_udp(run, mode, limit, bad=None):
    return run_client(run, mode, limit, bad=bad, server=UdpScriptServer)


def patience(spec):
    """How long a client that may wait for a lost reply is given."""
    return limit_for(spec) + spec.give_up


@spec_check("exchange", "the spec's exchange",
            "the program runs with the spec's input; the datagrams it sends "
            "match the spec's expect: lines, the checker answers each with "
            "its send: lines, and the program prints what the spec's print: "
            "lines say and exits with status 0", udp_client)
def su_exchange(run, res):
    judge(run, res, "script", server=UdpScriptServer)


@spec_check("no-reply", "a server that never answers",
            "the checker's server receives the program's datagrams and never "
            "answers; the program ends by itself within the spec's give-up: "
            "seconds (10 by default) of its start, not by a signal or a "
            "traceback",
            udp_client)
def su_no_reply(run, res):
    spec = run.spec
    limit = spec.give_up + 0.5  # its start, before its own clock starts
    srv, prog, rc, took, cpu = run_udp(run, "silent", limit)
    if srv.connections == 0:
        res.failed(never_connected(srv.port, "udp", prog, rc, took, cpu,
                                   limit),
                   never_reason("udp"))
        return
    sent = [d for way, d in srv.log if way == "got"]
    said = ("The checker's server received %s from the program (the first: "
            "%s) and never answered." % (plural(len(sent), "datagram"),
                                         shown(sent[0], 40)))
    how = ending(prog, rc, took, cpu, limit, "after its start")
    words = last_words(prog.output())
    if not client_crashed(prog, rc):
        res.passed(ended_well(said, how, took, "after its start", words))
        return
    if rc is None and len(sent) > 3:
        hint = (" It sends again and again: stop after a few tries, say that "
                "no reply came, and exit with status 1 (%s)." % SEE_09)
        reason = "still running after %s, %s sent" % (
            secs(limit), plural(len(sent), "datagram"))
    elif rc is None:
        hint = (" A reply may never come: UDP loses datagrams, and a server "
                "may be down. Wait at most a few seconds (SO_RCVTIMEO, or "
                "poll(); settimeout() in Python), perhaps send again once or "
                "twice, then say that no reply came and exit with status 1 "
                "(%s)." % SEE_09)
        reason = "still running after %s" % secs(limit)
    else:
        hint = (" Catch the timeout, say in one line that no reply came, "
                "and exit with status 1 (%s)." % SEE_09)
        reason = short_end(prog, rc)
    res.failed("%s The program %s.%s" % (said, how, hint), reason)


def has_answer(s):
    return udp_client(s) and any(k == "send" for k, _, _ in s.steps)


@spec_check("stranger", "a datagram from another port",
            "just before its first answer, the checker sends the program %s "
            "from another port of 127.0.0.1; the program does not print it "
            "as a reply, it prints what the spec's print: lines say and "
            "exits with status 0" % shown(STRANGER), has_answer)
def su_stranger(run, res):
    spec = run.spec
    limit = patience(spec)
    srv, prog, rc, took, cpu = run_udp(run, "stranger", limit)
    if srv.connections == 0:
        res.failed(never_connected(srv.port, "udp", prog, rc, took, cpu,
                                   limit),
                   never_reason("udp"))
        return
    srv.first.join(spec.timeout + 1.0)
    time.sleep(0.1)
    text = prog.output()
    if srv.stranger is None and srv.trouble:
        res.not_run(not_sent(run, srv, "a datagram from another port"),
                    "answer never sent")
        return
    if srv.stranger is None:
        res.failed("The checker's server played the spec: %s; then %s, so "
                   "it never answered. The program %s." % (
                       srv.transcript(), srv.trouble, ending(
                           prog, rc, took, cpu, limit, "after its start")),
                   "exchange failed")
        return
    said = ("Just before the checker's server answered, a datagram %s came "
            "to the program from 127.0.0.1:%d, not the server's port %d." % (
                shown(STRANGER), srv.stranger, srv.port))
    # anywhere on a line: after a prompt ("Enter string: ...") too
    took_it = any(STRANGER.decode() in ln for ln in text.splitlines())
    missing = printed(spec, text)
    if took_it:
        res.failed("%s The program printed it as a reply. Any program on "
                   "this machine can send to the client's port: check the "
                   "address recvfrom() gives and drop datagrams from "
                   "elsewhere, or connect() the UDP socket to the server, "
                   "and the kernel drops them for you (%s)." % (
                       said, SEE_09), "printed a stranger's datagram")
        return
    how = ending(prog, rc, took, cpu, limit, "after its start")
    if missing is not None:
        res.failed("%s The program did not print it, but no line of its "
                   "output matches /%s/, and it %s %s. The "
                   "server's answer came 0.3 s after the other datagram: "
                   "drop a datagram from elsewhere, and wait on for the "
                   "server's (%s)." % (said, missing.pattern, how,
                                       last_line(text), SEE_09),
                   "did not print /%s/" % missing.pattern)
        return
    if rc != 0 or client_crashed(prog, rc):
        res.failed("%s The program did not print it, and it printed what "
                   "the spec asks, but then it %s. At the end of its input "
                   "a client finishes and exits with status 0." % (said, how),
                   short_end(prog, rc))
        return
    res.passed("%s The program did not print it; it printed what the spec "
               "asks and exited with status 0." % said)


def bad_datagram(name, title, what, data, cut=False):
    @spec_check(name, title,
                "the checker's server answers the program's first datagram "
                "with %s, then plays the rest of the spec; the program may "
                "refuse it, but ends by itself, not by a signal or a "
                "traceback%s" % (what, "; a reply printed cut short is a "
                                 "note" if cut else ""), has_answer)
    def func(run, res):
        limit = patience(run.spec)
        srv, prog, rc, took, cpu = run_udp(run, "script", limit, bad=data)
        if srv.connections == 0:
            res.failed(never_connected(srv.port, "udp", prog, rc, took, cpu,
                                   limit),
                       never_reason("udp"))
            return
        if ("sent", data) not in srv.log:
            res.not_run(not_sent(run, srv, what), "answer never sent")
            return
        said = ("The checker's server answered the program's first datagram "
                "with %s (%s)." % (what, shown(data, 24)))
        how = ending(prog, rc, took, cpu, limit, "after its start")
        text = prog.output()
        words = last_words(text)
        if client_crashed(prog, rc):
            hint = (" A client must not wait for ever for a reply (%s)."
                    % SEE_09 if rc is None else " Check what the server "
                    "sends before you use it: its length may be 0, and its "
                    "bytes anything (decode with errors=\"replace\").")
            res.failed("%s The program %s.%s" % (said, how, hint),
                       short_end(prog, rc))
            return
        kept = digit_run(text) if cut else 0
        passed = ended_well(said, how, took, "after its start", words)
        if 0 < kept < len(data):
            res.noted("%s It printed only the first %d of the %d bytes: "
                      "recvfrom() puts at most the buffer's size into the "
                      "buffer, and the kernel throws the rest of the "
                      "datagram away. A buffer of 65536 bytes holds any "
                      "datagram (lesson 08)." % (passed, kept, len(data)),
                      "cut to %d of %d bytes" % (kept, len(data)))
            return
        res.passed(passed)
    return func


bad_datagram("not-utf8", "an answer that is not UTF-8",
             "bytes that are not UTF-8", b"caf\xe9 \xff\xfe")
bad_datagram("empty-line", "an empty answer", "an empty datagram", b"")
bad_datagram("long-line", "a very long answer",
             "a datagram of 60000 bytes (the digits 0 to 9 over and over)",
             digits(60000), cut=True)
