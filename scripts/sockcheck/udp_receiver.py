"""The checks of a UDP receiver: the checker sends it datagrams."""

import os
import re
import socket
import time

from .checks import LINE, check, last_words, loopback_check
from .common import BURST_LIMIT, LOCAL, PRINT_LIMIT
from .peers import UdpPeer
from .procfs import net_table
from .program import Program
from .words import digit_run, digits, plural, shown


def start_receiver(run):
    prog = Program(run, run.port_for("udp"))
    prog.wait_bound("udp")
    peer = UdpPeer(prog.host, port=None)
    run.cleanup.append(peer.close)
    peer.aim(prog.port)
    return prog, peer


SEE_08 = "see lesson 08"


def since_sent(text):
    """What the program printed since the checker's first datagram, in a
    few words: what it printed before is not that datagram."""
    words = last_words(text)
    return ("(its last line since it was sent: %s)" % words if words
            else "(it printed nothing since it was sent)")


@check("udp-receiver", "loopback", "the addresses it is bound to",
       "after it starts, every socket it has bound is on 127.0.0.0/8 or "
       "::1; 0.0.0.0, :: or another address of this machine is a note")
def ur_loopback(run, res):
    loopback_check(run, res, "udp")


def not_taken(prog):
    """What the program has not taken from the sockets it has bound:
    the bytes that wait, unread, in their receive queues (rx_queue in
    /proc/net/udp, with what the kernel counts for each datagram), and
    the datagrams the kernel dropped (its drops column: a full buffer,
    or a filter the program attached)."""
    inodes = {x.inode for x in prog.listening}
    socks = [s for s in net_table("udp") if s.inode in inodes]
    return sum(s.rx_queue for s in socks), sum(s.drops for s in socks)


def held(prog, text):
    """Is the program still running, with its sockets still bound and
    holding nothing unread, none dropped (it took what it was sent), and
    what it printed since (text) nothing or a line with no end yet (a
    line end would have let out what stdio held before it)?"""
    if text.endswith("\n") or not prog.alive():
        return False
    inodes = {x.inode for x in prog.listening}
    socks = [s for s in net_table("udp") if s.inode in inodes]
    return bool(socks) and not_taken(prog) == (0, 0)


def held_words(prog, took, what):
    """What to say of a program that took its datagrams (took) and has
    not printed what: a C program's stdout keeps text with no line end
    in its buffer (a Python one, run here unbuffered, does not)."""
    said = ("It took %s from its socket (nothing waits there, nothing was "
            "dropped) but has not printed %s." % (took, what))
    if runs_python(prog):
        return said + " Print what recvfrom() gave (%s)." % SEE_08
    return said + (" If it is a C program that prints without a line end, "
                   "stdout keeps that text in its buffer until a line end "
                   "comes (or the buffer is full): end each line with \\n, "
                   "or call fflush(stdout) (%s)." % SEE_08)


def runs_python(prog):
    """Is a process of the program a Python interpreter (its
    executable's name, or the command's first words)?"""
    for pid in prog.pids():
        try:
            exe = os.path.basename(os.readlink("/proc/%d/exe" % pid))
        except OSError:
            continue
        if exe.startswith(("python", "pypy")):
            return True
    return any(os.path.basename(a).startswith("python") or a.endswith(".py")
               for a in prog.argv[:2])


def unread(prog):
    return not_taken(prog)[0]


def datagram_cost(size):
    """What one datagram of size bytes counts in rx_queue while it waits:
    measured on a socket of the checker's own, which sends it one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((LOCAL, 0))
        s.sendto(b"x" * size, s.getsockname())
        inode = os.fstat(s.fileno()).st_ino
        deadline = time.monotonic() + 1
        while time.monotonic() < deadline:
            cost = [x.rx_queue for x in net_table("udp", v6=False)
                    if x.inode == inode]
            if cost and cost[0]:
                return cost[0]
            time.sleep(0.01)
    return 0


def printed_refused(prog, peer, before, res, said, what, noun):
    """Fail res if the program printed what it was sent, but the kernel
    said (ICMP port unreachable) that the datagram named noun, sent once
    the checker had counted before refusals, found no socket on the
    program's port (it had closed its socket, say), and printed a line it
    had not received."""
    if peer.refusals() <= before:
        return False
    res.failed("%s; the program printed %s, but the kernel answered that "
               "no socket on port %d would take %s (ICMP port unreachable): "
               "the program had closed its socket, connect()ed it to "
               "another address or bound it to another network interface, "
               "so it printed without receiving. Print "
               "what recvfrom() gave (%s)."
               % (said, what, prog.port, noun, SEE_08),
               "printed without receiving it")
    return True


def printed_unread(prog, res, said, what="that line", one=False):
    """Fail res if the program printed what it was sent while the
    datagrams still waited, unread, in its socket, or had been dropped
    there: it did not print them from recvfrom()."""
    left, dropped = not_taken(prog)
    if not left and not dropped:
        return False
    them = "the datagram" if one else "the datagrams"
    res.failed("%s; the program printed %s, but %s %s: it printed without "
               "receiving %s. Print what recvfrom() gave (%s)."
               % (said, what, them,
                  "still waited, unread, in the receive queue of its socket "
                  "(%s in /proc/net/udp)" % plural(left, "byte") if left else
                  "never reached it: the kernel dropped %s (the drops column "
                  "of /proc/net/udp)" % plural(dropped, "datagram"),
                  "it" if one else "them", SEE_08),
               "printed without receiving it")
    return True


@check("udp-receiver", "datagram", "one datagram printed",
       "one datagram of 15 bytes; the program prints it within 2 s")
def ur_datagram(run, res):
    prog, peer = start_receiver(run)
    text_in = LINE.strip()
    # what it printed before the datagram went is not the datagram
    mark = prog.settled()
    peer.send(text_in, prog.port)
    prog.wait_output(lambda _: text_in.decode() in prog.out.since(mark),
                     PRINT_LIMIT)
    text = prog.out.since(mark)
    said = "The checker sent one datagram of %d bytes, %s" % (
        len(text_in), shown(text_in))
    if text_in.decode() in text and (
            printed_unread(prog, res, said, one=True) or
            printed_refused(prog, peer, 0, res, said, "it", "it")):
        return
    if text_in.decode() in text:
        res.passed("The checker sent one datagram of %d bytes, %s; the "
                   "program printed it." % (len(text_in), shown(text_in)))
        return
    closed = (" The kernel answered that no socket on port %d would take "
              "it (ICMP port unreachable): the program had closed its "
              "socket, connect()ed it to another address or bound it to "
              "another network interface."
              % prog.port if peer.refusals() else "")
    kept = held(prog, text)
    res.failed("The checker sent one datagram of %d bytes, %s; within 2 s "
               "the program did not print it %s.%s%s"
               % (len(text_in), shown(text_in), since_sent(text), closed,
                  " " + held_words(prog, "it", "it") if kept else
                  prog.fate()),
               "received, not printed" if kept else "datagram not printed")


ONE = b"one datagram"
TWO = b"and another one"


def ends_after_one(run):
    """Run the program again and send it one datagram, not empty, then
    another 0.3 s later: has it ended within 2 s, without printing the
    other (a receiver that ends when it has waited long enough prints
    it first)? Its first run stays the check's evidence."""
    def second():
        prog, peer = start_receiver(run)
        mark = prog.settled()
        peer.send(ONE, prog.port)
        time.sleep(0.3)
        if prog.alive():
            peer.send(TWO, prog.port)
        ended = prog.wait_exit(PRINT_LIMIT) is not None
        return ended and TWO.decode() not in prog.out.since(mark)
    return run.again(second)


@check("udp-receiver", "empty", "an empty datagram",
       "an empty datagram, then one of 19 bytes; the program is still "
       "running and prints the second within 2 s")
def ur_empty(run, res):
    prog, peer = start_receiver(run)
    after = b"after the empty one"
    mark = prog.settled()
    peer.send(b"", prog.port)
    time.sleep(0.2)
    before = peer.refusals()
    if prog.alive():
        peer.send(after, prog.port)
    prog.wait_output(lambda _: after.decode() in prog.out.since(mark),
                     PRINT_LIMIT)
    text = prog.out.since(mark)
    said = "The checker sent an empty datagram (0 bytes), then %s." % shown(
        after)
    if after.decode() in text:
        if printed_unread(prog, res, said[:-1], "the second") or \
                printed_refused(prog, peer, before, res, said[:-1],
                                "the second", "the second"):
            return
        res.passed("%s The program went on receiving and printed the second."
                   % said)
        return
    # Its start printed, not all of it: it went on receiving, with a
    # buffer too small for 19 bytes (truncated shows what that does).
    cut = next((k for k in range(len(after) - 1, 7, -1)
                if after[:k].decode() in text), 0)
    if cut and not printed_unread(prog, res, said[:-1], "part of the "
                                  "second"):
        res.not_run("Not run: the program went on receiving after the "
                    "empty datagram, but of the second, %s, it printed only "
                    "the first %d bytes (%s), so its buffer seems to be %d "
                    "bytes; the truncated check shows what that does."
                    % (shown(after), cut, shown(after[:cut]), cut),
                    "second datagram cut to %d bytes" % cut)
        return
    if cut:
        return
    if held(prog, text):
        res.failed("%s The program did not print the second within 2 s. %s"
                   % (said, held_words(prog, "both", "the second")),
                   "received, not printed")
        return
    fate = prog.fate()
    if fate and ends_after_one(run):
        res.not_run("Not run: the program ended after an empty datagram, "
                    "and it ends after one datagram of %d bytes as well (the "
                    "checker ran it again to see): the empty datagram is not "
                    "what ended it. The burst check shows what that does."
                    % len(ONE), "ends after any datagram")
        return
    res.failed("%s%s recvfrom() returning 0 is an empty datagram, not an "
               "end: UDP has no connection to close, so a receiver goes on "
               "(%s)." % (said, fate or " The program did not print the "
                          "second within 2 s." + prog.cpu_note(), SEE_08),
               "ended at an empty datagram" if fate else
               "stopped at an empty datagram")


@check("udp-receiver", "truncated", "a datagram of 2000 bytes",
       "one datagram of 2000 bytes (the digits 0 to 9 over and over); the "
       "program prints all 2000, and then the next datagram")
def ur_truncated(run, res):
    prog, peer = start_receiver(run)
    big = digits(2000)
    after = b"after the long one"
    mark = prog.settled()
    peer.send(big, prog.port)
    time.sleep(0.3)
    before = peer.refusals()
    if prog.alive():
        peer.send(after, prog.port)
    prog.wait_output(lambda _: after.decode() in prog.out.since(mark),
                     PRINT_LIMIT)
    text = prog.out.since(mark)
    # digits it printed before (a port in its banner) are not the datagram
    kept = digit_run(prog.out.since(mark))
    said = ("The checker sent one datagram of 2000 bytes, the digits 0 to 9 "
            "over and over")
    next_ok = after.decode() in text
    # (only once it printed the next one: before, that one may wait)
    if next_ok and (printed_unread(prog, res, said, "them") or
                    printed_refused(prog, peer, before, res,
                                    "%s, then %s" % (said, shown(after)),
                                    "the second", "the second")):
        return
    if kept >= 2000 and next_ok:
        res.passed("%s; the program printed all 2000, then the next "
                   "datagram." % said)
        return
    # (a second printed cut short was received: not held)
    if not next_ok and after[:8].decode() not in text and \
            held(prog, text):
        res.failed("%s, then %s; the program printed %s of the first, and "
                   "not the second, within 2 s. %s"
                   % (said, shown(after), "%d bytes" % kept if kept else
                      "nothing", held_words(prog, "both", "all of them")),
                   "received, not printed")
        return
    fate = prog.fate()
    if 0 < kept < 2000:
        res.failed("%s; the program printed only the first %d of them, so "
                   "its buffer is probably %d bytes. recvfrom() puts at most "
                   "the buffer's size into the buffer and the kernel throws "
                   "the rest of that datagram away (the next call returns "
                   "the next datagram, never the rest): use a buffer of "
                   "65536 bytes, room for the largest datagram (%s).%s"
                   % (said, kept, kept, SEE_08, fate),
                   "cut to %d of 2000 bytes" % kept)
    elif kept == 0:
        res.failed("%s; the program printed no part of it %s.%s"
                   % (said, since_sent(text), fate or
                               prog.cpu_note()),
                   "2000-byte datagram not printed")
    else:
        res.failed("%s; the program printed all of it, but not the datagram "
                   "sent after it, %s.%s" % (said, shown(after),
                                            fate or prog.cpu_note()),
                   "stopped after a long datagram")


BURST = 100


@check("udp-receiver", "burst", "a burst of datagrams",
       "100 datagrams of 9 bytes sent at once; the program prints at least "
       "90 of them within 3 s and is still running")
def ur_burst(run, res):
    prog, peer = start_receiver(run)
    mark = prog.settled()
    sent = 0
    for i in range(BURST):
        try:
            peer.send(b"burst %03d" % i, prog.port)
            sent += 1
        except OSError:
            pass  # ENOBUFS: a burst may lose some
    pattern = re.compile(r"burst (\d{3})")

    def seen(t):
        return len(set(pattern.findall(t)))

    prog.wait_output(lambda _: seen(prog.out.since(mark)) >= BURST,
                     BURST_LIMIT)
    text = prog.out.since(mark)
    n = seen(text)
    drops = sum(s.drops for s in net_table("udp")
                if s.inode in {x.inode for x in prog.listening})
    dropped = (" The kernel dropped %s because the socket's receive buffer "
               "was full (the drops column of /proc/net/udp)."
               % plural(drops, "datagram") if drops else "")
    # It cannot have printed more datagrams than it took from its
    # socket: those sent, less those dropped and those still there.
    cost = datagram_cost(9)
    waiting = unread(prog) // cost if cost else 0
    refused = peer.refusals()
    said = ("The checker sent %d datagrams at once; the program printed "
            "%d of them" % (BURST, n))
    if n and refused and n > sent - refused - drops - waiting + 2:
        res.failed("%s, but the kernel answered that no socket on port %d "
                   "would take %d of them (ICMP port unreachable): the "
                   "program had closed its socket, or connect()ed it to "
                   "another address, so it printed datagrams it never "
                   "received. Print what recvfrom() gave (%s)."
                   % (said, prog.port, refused, SEE_08),
                   "printed without receiving it")
        return
    if n and n > sent - drops - waiting + 2:
        res.failed("%s, but %d still waited, unread, in the receive queue "
                   "of its socket (rx_queue in /proc/net/udp): it printed "
                   "them without receiving them. Print what recvfrom() gave "
                   "(%s)." % (said, waiting, SEE_08),
                   "printed without receiving it")
        return
    fate = prog.fate()
    if n >= 90 and not fate:
        res.passed("%s.%s" % (said, dropped))
        return
    if n < 90 and held(prog, text) and not drops:
        res.failed("%s within 3 s. %s"
                   % (said, held_words(prog, "them", "them all")),
                   "received, not printed")
        return
    res.failed("%s within 3 s.%s%s UDP keeps a datagram only if there is "
               "room for it when it arrives: a receiver that does slow work "
               "between recvfrom() calls loses the rest (%s, and the pitfall \"UDP loses datagrams silently\")."
               % (said, dropped, fate, SEE_08),
               "printed %d of %d datagrams" % (n, BURST))
