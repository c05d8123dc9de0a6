"""The checks of a UDP sender: the checker receives its datagrams."""

import os
import time

from .checks import (UNFINISHED, check, client_crashed, ending,
                     never_connected, never_reason, refusal, short_end)
from .common import CLIENT_LIMIT, LOCAL, NO_RECEIVER_LIMIT
from .peers import UdpPeer
from .procfs import free_port, net_table
from .program import Program
from .words import and_list, digits, plural, python_error, secs, shown


def sender_run(run, data, limit, port=None):
    peer = None
    if port is None:
        peer = UdpPeer(LOCAL, run.fixed_port or 0)
        run.cleanup.append(peer.close)
        port = peer.port
    prog = Program(run, port, data)
    prog.wait_started()
    return peer, prog


def strip_newline(d):
    for end in (b"\r\n", b"\n"):
        if d.endswith(end):
            return d[:-len(end)]
    return d


@check("udp-sender", "lines", "each line one datagram",
       "3 lines on its input arrive as 3 datagrams, in order (a newline at "
       "the end of each is allowed), and the program exits with status 0 "
       "within 5 s")
def us_lines(run, res):
    limit = CLIENT_LIMIT
    lines = [b"one", b"two", b"three"]
    peer, prog = sender_run(run, b"".join(ln + b"\n" for ln in lines), limit)
    got = peer.collect(limit, prog)
    rc = prog.returncode() if not prog.alive() else None
    cpu = prog.cpu()
    arrived = [strip_newline(d) for d in got]
    how = ending(prog, rc, limit, cpu, limit, "after its input ended")
    if arrived == lines and rc == 0:
        res.passed("The program sent 3 datagrams, one for each line of its "
                   "input, in order, and exited with status 0.")
        return
    if not got:
        res.failed(never_connected(peer.port, "udp", prog, rc, limit, cpu,
                                   limit, peer="receiver"),
                   never_reason("udp"))
        return
    if arrived != lines:
        joined = b"".join(got).replace(b"\r", b"").replace(b"\n", b"")
        merged = joined == b"".join(lines) and len(got) < 3
        res.failed("The 3 lines %s arrived as %s: %s.%s" % (
            and_list(shown(ln) for ln in lines),
            plural(len(got), "datagram"), and_list(shown(d, 30)
                                                   for d in got[:5]),
            " One sendto() is one datagram: send each line with its own "
            "sendto() (see lesson 09)." if merged else
            " Each line of input goes as one datagram (see lesson 09)."),
            "lines merged" if merged else "datagrams differ from the lines")
        return
    res.failed("The 3 lines arrived as 3 datagrams, but the program then %s. "
               "At the end of its input a sender should finish, with status "
               "0 (see lesson 09)." % how,
               UNFINISHED)


@check("udp-sender", "long-line", "a line of 2000 bytes",
       "a line of 2000 bytes arrives as one datagram of 2000 bytes")
def us_long_line(run, res):
    limit = CLIENT_LIMIT
    big = digits(2000)
    peer, prog = sender_run(run, big + b"\n", limit)
    got = [strip_newline(d) for d in peer.collect(limit, prog)]
    if got == [big]:
        res.passed("The program sent the line of 2000 bytes as one datagram "
                   "of 2000 bytes.")
        return
    if not got:
        res.failed("No datagram arrived within %s for a line of 2000 bytes."
                   "%s" % (secs(limit), prog.fate()), "nothing arrived")
        return
    sizes = [len(d) for d in got]
    if len(got) > 1 and b"".join(got) == big:
        most = max(sizes)
        power = 1 << (most - 1).bit_length()
        why = ("it reads its input into a buffer of about %d bytes and sends "
               "each bufferful" % (power if power - most <= 2 else most))
    elif len(got) == 1 and big.startswith(got[0]):
        why = "the rest of the line was lost"
    else:
        why = "they are not the line as it was"
    res.failed("The line of 2000 bytes arrived as %s of %s bytes: %s. A "
               "datagram holds up to 65507 bytes: read the whole line, then "
               "send it with one sendto() (see lesson 09)."
               % (plural(len(got), "datagram"), and_list(
                   [str(n) for n in sizes[:6]] + (["..."] if len(sizes) > 6
                                                  else [])), why),
               "2000-byte line sent as %s" % plural(len(got), "datagram"))


# What /proc/PID/task/TID/wchan names for a thread that waits for a
# datagram (recvfrom(), recv(), read() on a socket) or in poll(),
# select() or epoll_wait() (Python's settimeout() polls); the kernel may
# add a suffix such as .constprop.0.
RECEIVING = ("__skb_wait_for_more_packets", "poll_schedule_timeout",
             "do_select", "do_sys_poll", "ep_poll")


def waits_to_receive(prog):
    """Does a thread of the program's processes sleep in the kernel in
    a call that waits for a datagram, or in poll() or select()?"""
    for pid in prog.pids():
        try:
            tids = os.listdir("/proc/%d/task" % pid)
        except OSError:
            continue
        for tid in tids:
            try:
                with open("/proc/%d/task/%s/wchan" % (pid, tid)) as f:
                    if f.read().strip().startswith(RECEIVING):
                        return True
            except OSError:
                pass
    return False


@check("udp-sender", "no-receiver", "nobody receives",
       "nothing receives on the port; the program ends within 3 s of the "
       "end of its input, not by a signal or a traceback")
def us_no_receiver(run, res):
    limit = NO_RECEIVER_LIMIT
    port = run.fixed_port or free_port("udp")
    _, prog = sender_run(run, b"one\ntwo\nthree\n", limit, port=port)
    t0 = time.monotonic()
    rc = prog.wait_exit(limit)
    took = time.monotonic() - t0
    how = ending(prog, rc, took, prog.cpu(), limit, "after its input ended")
    said = ("Nothing received on port %d (the kernel answers a datagram "
            "there with an ICMP \"port unreachable\")." % port)
    if not client_crashed(prog, rc):
        res.passed("%s The program %s, %s after its start." % (
            said, how, secs(took)))
        return
    err = python_error(prog.output())
    mine = prog.socket_map() if rc is None else {}
    udp = [s for s in net_table("udp") if s.inode in mine]
    if err and not refusal(err):
        hint = (" Its error is not a refused datagram "
                "(ConnectionRefusedError): the program failed elsewhere; "
                "its last words show where.")
    elif udp and waits_to_receive(prog):
        hint = (" It waits in the kernel, in a call that receives, or in "
                "poll() or select(): for a reply, it seems, which cannot "
                "come, since nothing receives "
                "on port %d. Wait at most a few seconds (SO_RCVTIMEO, or "
                "settimeout() in Python), then say that no reply came and "
                "exit with status 1 (see lesson 09)." % port)
    elif udp and not any(s.rport for s in udp):
        hint = (" Its socket is not connect()ed, so no ECONNREFUSED comes "
                "to it: only the end of its input can tell it to stop. "
                "There (fgets() returns NULL, read() returns 0; in Python "
                "the loop over sys.stdin ends), it must stop sending and "
                "exit (see lesson 09).")
    else:
        hint = (" sendto() succeeds whether or not anyone receives; on a "
                "connect()ed UDP socket, a later call may fail with "
                "ECONNREFUSED: report it and exit (see lesson 09).")
    res.failed("%s The program %s.%s" % (said, how, hint),
               short_end(prog, rc))
