"""The checks of an echo server that are its own: the checker is its
client. The generic checks of a server (a silent client, a reset, a
half-close, descriptors, SIGPIPE and the rest) are the spec engine's,
played with echo.spec (kinds.py)."""

import random
import socket
import threading
import time

from .checks import (LINE, SEE_ACCEPT_LOOP, SEE_RECV0, Busy,
                     after_the_first, check, could_not_connect, loopback_check)
from .common import MEGABYTE_LIMIT, REPLY_LIMIT
from .elsewhere import printed_instead
from .peers import connect, echo_trouble, send_pieces
from .procfs import net_table, tcp_peer
from .program import Program
from .words import not_connected, secs, shown


def start_server(run):
    prog = Program(run, run.port_for("tcp"))
    prog.wait_bound("tcp")
    return prog


def one_line(prog, limit=REPLY_LIMIT, line=LINE, who="The next client",
             strict=False):
    """A new client sends line and reads it back: (ok, seconds, trouble).
    Not strict, NUL bytes after the line (a buffer sent whole, which
    one-line names) do not count: the other checks judge what they are
    about."""
    c, err = connect(prog)
    if c is None:
        return False, 0.0, not_connected(who, err)
    t0 = time.monotonic()
    try:
        c.send(line)
        got, how = c.read(len(line), limit)
    except OSError as e:
        got, how = b"", e.strerror or str(e)
    finally:
        took = time.monotonic() - t0  # the echo's time, not the close's
        c.close()
    if got == line or (not strict and got.startswith(line + b"\0") and
                       not got[len(line):].strip(b"\0")):
        return True, took, ""
    return False, 0.0, echo_trouble(line, got, how, limit)


@check("echo-server", "loopback", "the addresses it listens on",
       "after it starts, every socket it has bound is on 127.0.0.0/8 or "
       "::1; 0.0.0.0, :: or another address of this machine is a note")
def es_loopback(run, res):
    loopback_check(run, res, "tcp")


@check("echo-server", "one-line", "one line echoed",
       "a client sends one line of 16 bytes; the same 16 bytes come back "
       "within 3 s")
def es_one_line(run, res):
    prog = start_server(run)
    ok, took, trouble = one_line(prog, strict=True)
    if ok:
        res.passed("The checker sent one line of %d bytes; the same %d "
                   "bytes came back %s later." % (len(LINE), len(LINE),
                                                  secs(took)))
    else:
        fate = prog.fate() or prog.cpu_note()
        res.failed("The checker connected and sent one line of %d bytes, %s. "
                   "%s%s An echo server reads what has arrived with recv() "
                   "and sends every byte of it back (see lesson 06).%s"
                   % (len(LINE), shown(LINE), trouble, fate,
                      printed_instead(prog, LINE)
                      if trouble.startswith("Nothing came back") else ""),
                   "bytes never sent came back" if "never sent" in trouble
                   else "no echo")


PIECES = [b"hel", b"lo, split", b" line\n"]


@check("echo-server", "split-line", "a line split across several segments",
       "a client sends one line in 3 pieces 0.2 s apart (TCP_NODELAY); the "
       "whole line comes back within 3 s of the last piece")
def es_split_line(run, res):
    prog = start_server(run)
    line = b"".join(PIECES)
    c, err = connect(prog, nodelay=True)
    if c is None:
        could_not_connect(res, err)
        return
    failed = None
    try:
        send_pieces(c.send, PIECES)
    except OSError as e:  # the program closed or reset the connection
        failed = e.strerror or str(e)
    got, how = c.read(len(line), 0.5 if failed else REPLY_LIMIT)
    c.close()
    if got == line:
        res.passed("The checker sent one line of %d bytes in 3 pieces, 0.2 s "
                   "apart, each in its own TCP segment; the whole line came "
                   "back, in order." % len(line))
        return
    if got == PIECES[0] and (how in ("eof", "reset") or failed):
        trouble = ("The program sent back the first piece (%d bytes) and "
                   "closed the connection: it calls recv() once per client."
                   % len(PIECES[0]))
    else:
        trouble = echo_trouble(line, got, how, REPLY_LIMIT)
    res.failed("The checker sent one line of %d bytes in 3 pieces, 0.2 s "
               "apart. %s%s A recv() returns whatever has arrived, here a "
               "piece of the line: keep calling recv() and send back every "
               "piece (see lesson 06, and the pitfall \"TCP has no message "
               "boundaries\")." % (len(line), trouble, prog.fate()),
               "split line not echoed whole")


MEGABYTE = 1 << 20
MEGABYTE_SEED = 20261129


@check("echo-server", "one-megabyte", "1 MiB echoed intact",
       "a client sends 1 MiB of random bytes while reading; the same bytes "
       "(sha256) come back within 20 s")
def es_megabyte(run, res):
    prog = start_server(run)
    # Random bytes, but the same in every run: what a program does with
    # them (one that stops at a byte 0x04, say) must not change between
    # two runs of the checker.
    data = random.Random(MEGABYTE_SEED).getrandbits(8 * MEGABYTE).to_bytes(
        MEGABYTE, "little")
    limit = MEGABYTE_LIMIT
    c, err = connect(prog)
    if c is None:
        could_not_connect(res, err)
        return
    back = bytearray()
    state = {"how": "timeout", "sent": 0}
    deadline = time.monotonic() + limit
    t0 = time.monotonic()

    def reader():
        got, how = c.read(MEGABYTE, limit)
        back.extend(got)
        state["how"] = how

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    view = memoryview(data)
    ours = c.s.getsockname()[1]
    try:
        while state["sent"] < MEGABYTE and time.monotonic() < deadline:
            try:
                state["sent"] += c.s.send(view[state["sent"]:
                                               state["sent"] + (1 << 16)])
            except socket.timeout:
                continue
    except OSError:
        pass
    t.join(limit + 1)
    took = time.monotonic() - t0
    # The program's end of the connection: our bytes it has not read, and
    # its own bytes not yet taken by the checker.
    peer = tcp_peer(prog.port, ours)
    c.close()
    sent, n = state["sent"], len(back)
    import hashlib  # here, not at start: only this check uses it
    if n == MEGABYTE and hashlib.sha256(back).digest() == \
            hashlib.sha256(data).digest():
        res.passed("The checker sent %d random bytes while reading the echo; "
                   "all %d came back the same (sha256), in %s."
                   % (MEGABYTE, n, secs(took)))
        return
    said, hint = megabyte_words(data, sent, bytes(back), state["how"],
                                limit, peer, prog.fate())
    res.failed(said + hint, "%d of %d bytes came back" % (n, MEGABYTE)
               if n != MEGABYTE else "the bytes came back changed")


SEE_SHORT_SEND = ("send() may take fewer bytes than it was given: send the "
                  "rest in a loop until every byte has gone, and send back "
                  "each piece as it comes (see lesson 06 and the pitfall "
                  "\"A short send\").")


def megabyte_words(data, sent, back, how, limit, peer, fate):
    """(what was seen, then the hint) when the megabyte did not come back
    the same. What was seen first: the bytes sent and back, and how the
    program ended if it did; then a hint, only where that supports it, and
    every guess said as one."""
    n = len(back)
    first = next((i for i in range(min(n, len(data)))
                  if back[i] != data[i]), None)
    said = ("The checker sent %d of the %d random bytes while reading the "
            "echo, and %d came back" % (sent, MEGABYTE, n))
    if n > MEGABYTE:
        said += ", more than were sent"
    elif first is not None:
        said += ", different from byte %d on" % first
    elif n:
        said += ", all the same as the start of what was sent"
    said += {"ok": ".",
             "eof": "; then the program closed the connection.",
             "reset": "; then the program reset the connection "
                      "(ECONNRESET).",
             "timeout": " in %s; the connection was still open."
                        % secs(limit)}.get(how, "; then reading failed "
                                                "(%s)." % how)
    if fate:
        if "UnicodeDecodeError" in fate:
            return said + fate, (
                " The checker sends random bytes, which are seldom UTF-8 "
                "text: an echo server passes bytes on, and a program that "
                "decodes them must cope with any (errors=\"replace\").")
        return said + fate, (" Whatever one client sends, the server must "
                             "not end (see lesson 06).")
    if n > MEGABYTE:
        return said, (" Probably it sends more than recv() returned (its "
                      "whole buffer, say): send back exactly the bytes "
                      "each recv() returned.")
    if first is not None:
        long_line = in_long_line(data, first)
        if long_line:
            return said, long_line
        return said, (" Bytes are missing or changed from there on: "
                      "probably a send() took fewer bytes than it was given "
                      "and the rest was never sent. " + SEE_SHORT_SEND)
    if how in ("eof", "reset"):
        return said, (" The program, still running, ended the connection "
                      "before all had come%s: probably it calls recv() once "
                      "(or a fixed number of times) per client. Keep calling "
                      "recv() and send back every piece until recv() "
                      "returns 0 (see lesson 06, and the pitfall \"TCP has "
                      "no message boundaries\")." % (
                          ", while the checker was still sending"
                          if sent < MEGABYTE else ""))
    if how != "timeout":
        return said, ""
    if sent < MEGABYTE and peer is not None:
        if peer.tx_queue:  # the checker read until its time was up
            return said, (
                " The program had stopped reading: %d bytes of ours waited "
                "unread in its socket, and %d of its own waited to go out: "
                "probably it was stuck in a send(). Read and send in turn, "
                "a piece at a time (see lesson 06)."
                % (peer.rx_queue, peer.tx_queue))
        return said, (" The program had stopped reading: %d bytes of ours "
                      "waited unread in its socket, and nothing of its own "
                      "waited to go out, so it was not stuck in a send(): "
                      "it waited for something else." % peer.rx_queue)
    if sent < MEGABYTE:
        return said, " The program had stopped reading."
    tail = data.rfind(b"\n") + 1
    if n == tail and tail < MEGABYTE:
        return said, (" What never came is the %d bytes after the last "
                      "newline of what was sent: probably the program sends "
                      "a line back only once its newline has come. An echo "
                      "server sends back each piece as it comes, line or "
                      "not (see lesson 06)." % (MEGABYTE - tail))
    if peer is not None and peer.rx_queue == 0 and peer.tx_queue == 0:
        return said, (" It had read everything, and had nothing more waiting "
                      "to go out, but the rest of the echo never came: "
                      "probably a send() took fewer bytes than it was given "
                      "and the rest was never sent. " + SEE_SHORT_SEND)
    return said, ""


def in_long_line(data, first):
    """A sentence when byte first of data, where the echo first differs,
    lies in a line longer than every line before it (the mark of a line
    kept in a buffer too small for it), else ''."""
    start = data.rfind(b"\n", 0, first) + 1
    into = first - start
    longest = max((len(ln) + 1 for ln in data[:start].split(b"\n")[:-1]),
                  default=0)
    if into < 64 or into < longest:
        return ""
    end = data.find(b"\n", first)
    size = (end + 1 if end >= 0 else len(data)) - start
    return (" Byte %d is byte %d of a line of %d bytes, longer than every "
            "line before it, and those came back whole (the longest, %d "
            "bytes with its newline): probably the program keeps a line in "
            "a buffer of about %d bytes, and what did not fit was lost or "
            "changed. An echo server sends back each piece as it comes; a "
            "server of lines reads a long one in pieces, or refuses it "
            "(see lesson 06)." % (first, into, size, longest, into))


def clients_in_turn(prog, n, first=1):
    """n clients, one after another, each a line and its echo, each once
    the program sleeps again (Program.quiet()): (served, slowest,
    trouble)."""
    slowest = 0.0
    for i in range(n):
        if i:
            prog.quiet()
        line = b"client %d\n" % (first + i)
        ok, took, trouble = one_line(prog, REPLY_LIMIT, line, who="It")
        if not ok:
            return i, slowest, trouble.replace(secs(REPLY_LIMIT),
                                            "%g s" % REPLY_LIMIT)
        slowest = max(slowest, took)
    return n, slowest, ""


@check("echo-server", "twenty-clients", "20 clients one after another",
       "20 clients connect in turn; each sends a line and gets it back "
       "within 3 s")
def es_twenty(run, res):
    prog = start_server(run)
    served, slowest, trouble = clients_in_turn(prog, 20)
    if served == 20:
        res.passed("20 clients connected one after another; each sent a "
                   "line and got it back, the slowest in %s." % secs(slowest))
        return
    fate = prog.fate()
    seen = fate or after_the_last(prog, served)
    res.failed("%s served; client %d: %s%s"
               % ("No client was" if served == 0 else
                  "Clients 1 to %d were" % served if served > 1 else
                  "Client 1 was", served + 1, trouble[0].lower() + trouble[1:],
                  seen),
               "served %d of 20 clients" % served)
    if fate:
        res.message += after_the_first(prog, served)


def accept_queue(prog):
    """How many connections wait in the program's listening socket for an
    accept() (the socket's Recv-Q in ss, from /proc/net/tcp), or None."""
    inodes = {s.inode for s in prog.listening}
    for sock in net_table("tcp"):
        if sock.inode in inodes and sock.bound():
            return sock.rx_queue
    return None


def after_the_last(prog, served):
    """What the program, still alive, did when a client was not served: a
    further client connects and sends nothing; for a second, is the program
    asleep or running, and does that connection wait, not accepted, in its
    listening socket's queue? The accept() hint only for an idle program
    that took no further client after its first."""
    probe, err = connect(prog)
    busy = Busy(prog, settle=0.1)
    busy.at_least(1.0)
    waiting = accept_queue(prog) if probe is not None else None
    busy.stop()
    if probe is not None:
        probe.close()
    if probe is None:
        return (" The program still ran, but a further client could not "
                "connect either: %s." % err)
    queued = ("a further client's connection waited in its listening "
              "socket's queue, taken by no accept()" if waiting else
              "a further client's connection was accepted" if waiting == 0
              else "")
    if busy.spins():
        return (" The program still ran and %s: it spins%s. Probably it is "
                "still in its loop for an earlier client, a loop that does "
                "not stop when recv() returns 0 (%s)." % (
                    busy.words(), "; " + queued if queued else "",
                    SEE_RECV0))
    if not waiting:
        return (" The program still ran, asleep (%s)%s." % (
            busy.words(), ", and " + queued if queued else ""))
    if served == 0:
        return " The program still ran, asleep (%s), and %s." % (
            busy.words(), queued)
    if served > 1:
        return (" The program still ran, asleep (%s), and %s: after client "
                "%d it called accept() no more." % (
                    busy.words(), queued, served))
    return (" The program still ran, asleep (%s), and %s. It served only "
            "the first client: %s." % (busy.words(), queued,
                                       SEE_ACCEPT_LOOP))
