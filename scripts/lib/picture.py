#!/usr/bin/env python3
"""picture.py - the sequence chart of a scripts/capture run, as mscgen text.

usage: picture.py --port P [--out FILE.msc] [--alt FILE.txt]
                  [--section N] [--dropped LOG] [--text COLS ROWS]
                  [--title T] [--peer NAME] [--narrow]
                  NAME=NARRATION... PACKETS

NAME=NARRATION: a program's output with SOCKSTEP_TIMESTAMPS=1 (a lesson's
own lines, or scripts/narrate's), NAME its name on the chart (server,
client, 07-close; "server|04-accept" for two lines). PACKETS: what
`tcpdump -nn -tt` printed. P: the port the server side listens or
receives on; every socket whose own port is P is on the server side,
every other one on the client side.

The chart (https://www.mcternan.me.uk/mscgen/) has one lane for each
program's side: two for a pair, two for lesson 07 (which plays both
ends), one more for each process a program forks. Down the lanes, in
time order (the times are the calls' and the packets' own):
  - each narrated call, a box on its lane, with its result, where it
    was called; a call that something else happened during (accept()
    waiting for the handshake) is two boxes: as it was called, and as
    it returned, unless it never waits (shutdown(), close() without
    SO_LINGER: one box, as called, before the packets it sends); a call
    made and never returned (a server stopped while it waited) is a grey
    box that says so;
  - each packet tcpdump saw, an arrow from the lane of the process that
    holds its sender's end (the last to make a call on that socket) to
    the lane of its receiver's, labelled with its flags and its length; a
    TCP segment seen before (same way, same flags, same sequence numbers)
    is marked "retransmitted"; one the firewall dropped (--dropped: its
    log, tcpdump -x -i nflog, and PACKETS with -x too) is mscgen's arrow
    for a lost message, marked "dropped", its time on a line under that;
  - the TCP state of an end where the narration's "kernel:" lines show it
    change, an angled box on that end's lane, before the program's next
    call (the line does not say when it was read);
  - a program's "== heading ==" lines, when there is one program, as a
    line across the chart; --section N draws only the Nth part.
Lanes are named cN (client side) and sN (server side), so a reader of the
text (tests/picture-check) can tell the direction of each arrow. --alt
writes the chart in words; --text draws it in text for a terminal instead.

Python's standard library only. Exit 0, or 2 on bad usage.
"""
import argparse
import re
import sys

WRAP = 30  # characters on one line of a box (a lane is 225 px wide)
HSCALE = 0.75  # 450 px for two lanes: at 390 px its text is still 10 px
# --narrow, for a phone: two lanes in 340 px (a 390 px screen's column),
# a box's lines shorter to fit its narrower lane, the type as big.
NARROW_WRAP = 21
NARROW_HSCALE = 0.567
PENDING = "called, not returned when the run ended"
CALLED = " called"  # a call's first box: made, not yet returned
# Characters of a quoted string shown (the transcript has more): 16, so
# that a short message ("hello, server") shows whole, not cut one letter
# short, which reads as a typo.
QUOTED = 16
# Calls that return without waiting for a peer, a packet or a person
# (close() waits only under SO_LINGER: see chart()).
NEVER_WAITS = {"socket", "socketpair", "bind", "listen", "getsockname",
               "getpeername", "setsockopt", "getsockopt", "shutdown", "close",
               "fcntl", "ioctl", "dup", "dup2", "dup3", "epoll_create",
               "epoll_create1", "epoll_ctl", "pipe", "pipe2", "unlink"}

STAMP = re.compile(r"^(?P<tag>\[(?:pid|child) (?P<pid>\d+)\] )?"
                   r"\[(?P<t0>\d+\.\d+) (?P<t1>-|\d+\.\d+)\] (?P<text>.*)$")
KERNEL = re.compile(r"^(?:\[(?:pid|child) (?P<pid>\d+)\] )?\s+kernel: "
                    r"(?P<text>.*)$")
HEADING = re.compile(r"^(?:\[(?:pid|child) (?P<pid>\d+)\] )?== (?P<text>.*) ==$")
CALL = re.compile(r"^(?P<name>\w+)\((?P<args>.*)\)\s=\s(?P<ret>-?\d+)"
                  r"(?: (?P<err>E[A-Z0-9]+))?")
ADDR = re.compile(r"(?:\d+\.\d+\.\d+\.\d+|\[[0-9a-fA-F:.]*\]|"
                  r"[0-9a-fA-F]*:[0-9a-fA-F:.]*):(\d+)\b")
# (after close(), the connection's other end on this machine is told as
# "the peer's end: tcp ...": its own ports come first there too)
STATE = re.compile(r"^(?:the peer's end: )?(tcp6?|udp6?) \S+?:(\d+) -> "
                   r"\S+?:(\d+) ([A-Z][A-Z0-9_]+)")
LISTEN = re.compile(r"^(tcp6?) \S+?:(\d+) LISTEN\b")
GONE = re.compile(r"^the connection \S+?:(\d+) -> \S+?:(\d+) is gone")
PACKET = re.compile(r"^(?P<t>\d+\.\d+) IP6? (?P<src>\S+)\.(?P<sp>\d+) > "
                    r"(?P<dst>\S+)\.(?P<dp>\d+): (?P<rest>.*)$")


def first_fd(args):
    m = re.match(r"\s*(-?\d+)", args)
    return int(m.group(1)) if m else None


def ports_in(args):
    return [int(p) for p in ADDR.findall(args)]


class Sock:
    """One socket, from the call that made it to its last close()."""
    count = 0

    def __init__(self):
        Sock.count += 1
        self.id = Sock.count
        self.side = None     # "s" (its own port is P) or "c"
        self.lport = None    # its own port, where known
        self.peer = None     # the peer's port, where known
        self.listens = False


class Proc:
    def __init__(self, name, pid, fds=None):
        self.name, self.pid = name, pid
        self.fds = dict(fds or {})
        self.calls = []
        self.made, self.made_t = None, None


def read_narration(name, path, port, procs, events):
    """Each stamped call of the file as an event, with the socket it is on;
    its kernel lines as state events; its headings."""
    main = None
    by_pid = {}
    heading = None
    last = {}  # pid -> its last call event
    forked = {}  # a child's pid -> its parent's descriptors at fork()
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            m = STAMP.match(line)
            if m:
                pid = m.group("pid")
                if pid is None:
                    if main is None:
                        main = Proc(name, None)
                        procs.append(main)
                    p = main
                else:
                    if pid not in by_pid:
                        # A child has its parent's descriptors as they
                        # were at fork(), whichever's lines came first.
                        fds = forked.get(pid, main.fds if main else {})
                        by_pid[pid] = Proc(name, pid, fds)
                        procs.append(by_pid[pid])
                    p = by_pid[pid]
                if m.group("t1") == "-":
                    p.made, p.made_t = m.group("text"), float(m.group("t0"))
                    continue
                ev = call_event(p, m, port)
                ev["made"], p.made = p.made, None
                if ev["name"] == "fork" and (ev["ret"] or 0) > 0:
                    forked.setdefault(str(ev["ret"]), dict(p.fds))
                if heading is not None:
                    events.append(dict(kind="heading", t=ev["t0"], order=-1,
                                       text=heading))
                    heading = None
                events.append(ev)
                last[pid] = ev
                continue
            m = KERNEL.match(line)
            if m and m.group("pid") in last:
                kernel_line(last[m.group("pid")], m.group("text"), port,
                            events)
                continue
            m = HEADING.match(line)
            if m and m.group("pid") is None:
                heading = m.group("text")
    # A call made and not returned when the run ended (a server stopped
    # while it waited in accept()): drawn as such.
    for p in [main] + list(by_pid.values()):
        if p is not None and p.made is not None:
            name = re.match(r"\w*", p.made).group(0)
            m = re.match(r"\w+\(\s*(-?\d+)", p.made)
            sock = p.fds.get(int(m.group(1))) if m else None
            events.append(dict(kind="pending", proc=p, t=p.made_t, order=0,
                               text=p.made, made=p.made, name=name,
                               sock=sock, ret=None))


def call_event(p, m, port):
    text = m.group("text")
    ev = dict(kind="call", proc=p, t0=float(m.group("t0")),
              t1=float(m.group("t1")), text=text, sock=None)
    c = CALL.match(text)
    if not c:
        ev["name"] = re.match(r"\w*", text).group(0)
        ev["ret"] = None
        return ev
    name, args, ret = c.group("name"), c.group("args"), int(c.group("ret"))
    ev["name"], ev["ret"] = name, ret
    fd = first_fd(args)
    s = p.fds.get(fd) if fd is not None else None
    if name in ("socket",) and ret >= 0:
        s = p.fds[ret] = Sock()
    elif name in ("accept", "accept4") and ret >= 0:
        ports = ports_in(args)
        n = p.fds[ret] = Sock()
        n.side = "s"
        n.lport = port
        n.peer = ports[0] if ports else None
        if s is not None:
            s.side = "s"
        ev["sock"] = n
        return ev
    elif name in ("dup", "dup2", "dup3") and ret >= 0 and s is not None:
        p.fds[ret] = s
    ev["sock"] = s
    if s is None:
        return ev
    ports = ports_in(args)
    if name in ("bind", "getsockname") and ret == 0 and ports:
        if ports[0] == port:
            s.side, s.lport = "s", port
        elif ports[0] != 0 and s.side is None:
            s.side, s.lport = "c", ports[0]
        elif ports[0] != 0 and s.side == "c":
            s.lport = ports[0]
    elif name == "listen" and ret == 0:
        s.side, s.listens = "s", True
    elif name in ("connect", "sendto", "sendmsg") and port in ports:
        if s.side is None:
            s.side = "c"
    if name in ("close",):
        p.fds.pop(fd, None)
    return ev


def kernel_line(ev, text, port, events):
    """A kernel: line after the call ev: the state of one end, and what it
    tells of the socket's ports."""
    s = ev.get("sock")
    m = STATE.match(text)
    if m and m.group(1).startswith("tcp"):
        a, b, state = int(m.group(2)), int(m.group(3)), m.group(4)
        if s is not None and s.side == "c" and b == port and \
                s.lport is None:
            s.lport = a
        events.append(dict(kind="state", after=ev, local=a, remote=b,
                           state=state))
        return
    m = LISTEN.match(text)
    if m:
        events.append(dict(kind="state", after=ev, local=int(m.group(2)),
                           remote=None, state="LISTEN"))
        return
    m = GONE.match(text)
    if m:
        events.append(dict(kind="state", after=ev, local=int(m.group(1)),
                           remote=int(m.group(2)), state="CLOSED"))


def with_bytes(path):
    """tcpdump -x's packets: (header line, the IP packet's bytes as hex,
    cut to the length its header gives: nflog pads it)."""
    out = []
    with open(path, errors="replace") as f:
        for line in f:
            if PACKET.match(line.strip()):
                out.append([line.strip(), ""])
            elif out and re.match(r"^\s+0x[0-9a-f]+:", line):
                out[-1][1] += "".join(line.split(":", 1)[1].split())
    for p in out:
        h = p[1]
        if h.startswith("4") and len(h) >= 8:
            p[1] = h[:int(h[4:8], 16) * 2]
        elif h.startswith("6") and len(h) >= 12:
            p[1] = h[:(40 + int(h[8:12], 16)) * 2]
    return out


def dropped_packets(path, drops):
    """Which packets of PATH (by their order) are among those the firewall
    dropped, as its log (DROPS, tcpdump -x -i nflog) has them: the same
    bytes, IP header and all (its identification differs from packet to
    packet), each of DROPS used once."""
    left = {}
    for _, h in with_bytes(drops):
        left[h] = left.get(h, 0) + 1
    out = set()
    for i, (_, h) in enumerate(with_bytes(path)):
        if h and left.get(h, 0) > 0:
            left[h] -= 1
            out.add(i)
    return out


def read_packets(path, port, dropped=frozenset()):
    """tcpdump's lines: each packet with its ports, flags and length, and
    whether the same segment was on the wire before."""
    seen = set()
    out = []
    n = -1
    with open(path, errors="replace") as f:
        for line in f:
            m = PACKET.match(line.strip())
            if not m:
                continue
            n += 1  # its order among the packets, as dropped_packets counts
            sp, dp, rest = int(m.group("sp")), int(m.group("dp")), \
                m.group("rest")
            ln = re.search(r"length (\d+)", rest)
            ln = int(ln.group(1)) if ln else 0
            if rest.startswith("UDP"):
                label = "datagram, %d byte%s" % (ln, "" if ln == 1 else "s")
                flags = "UDP"
                again = False
            else:
                f_ = re.search(r"Flags \[([^]]*)\]", rest)
                if not f_:
                    continue
                flags = tcp_flags(f_.group(1))
                label = flags
                if ln > 0:
                    label += ", %d byte%s" % (ln, "" if ln == 1 else "s")
                seq = re.search(r"seq (\d+(?::\d+)?)", rest)
                key = (sp, dp, flags.replace("PSH-", ""),
                       seq.group(1) if seq else None, ln)
                # A segment that carries something (a SYN, a FIN, data)
                # and was seen before is a retransmission; a bare ACK
                # repeated is not (a window update, a duplicate ACK).
                again = seq is not None and key in seen and \
                    (ln > 0 or "SYN" in flags or "FIN" in flags)
                seen.add(key)
            out.append(dict(kind="packet", t=float(m.group("t")), order=1,
                            sp=sp, dp=dp, label=label, flags=flags,
                            again=again, rst="RST" in flags,
                            dropped=n in dropped))
    return out


def tcp_flags(f):
    names = []
    for ch, name in (("S", "SYN"), ("F", "FIN"), ("R", "RST"), ("P", "PSH"),
                     (".", "ACK")):
        if ch in f:
            names.append(name)
    return "-".join(names) or "none"


def esc(s):
    """Text for an mscgen label: a quote escaped; a backslash kept, with a
    zero-width space after it, since mscgen reads a backslash before n as
    a new line and has no escape for a backslash itself."""
    return s.replace("\\", "\\\u200b").replace('"', '\\"')


def wrap(s, room=None):
    """s in lines of at most room characters (WRAP): a call and its
    result each on a line where each fits, else broken after ", " or a
    space where there is one; nothing is cut off."""
    room = WRAP if room is None else room
    lines = []
    # A call that fits on a line of its own: its result on the next.
    m = re.match(r"^(.*\))( = .*)$", s)
    if len(s) > room and m and len(m.group(1)) <= room and \
            len(m.group(2)) <= room:
        return [m.group(1), m.group(2).strip()]
    while len(s) > room:
        cut = s.rfind(", ", room // 2, room + 2)  # its comma may be room + 1
        if cut >= 0:
            cut += 2
        else:
            cut = s.rfind(" ", room // 2, room)
            cut = cut + 1 if cut >= 0 else room
        lines.append(s[:cut].rstrip())
        s = s[cut:]
    lines.append(s)
    return lines


def short(text):
    """A call's text with each quoted string cut to QUOTED characters
    (marked "...", as the narration marks its own cut)."""
    def cut(m):
        body = m.group(1)
        # Count an escape (\n, \x1b) as one character, as it is read.
        pieces = re.findall(r'\\x[0-9a-fA-F]{2}|\\.|.', body)
        if len(pieces) <= QUOTED:
            return m.group(0)
        return '"' + "".join(pieces[:QUOTED]) + '"...'
    return re.sub(r'"((?:[^"\\]|\\.)*)"(\.\.\.)?', cut, text)


# In a box, a long call keeps what the picture is about, and "..." for
# the rest (the transcript beside it has every argument): its first
# argument (the descriptor), a quoted string (the bytes), a constant that
# names an option, a family or a type, and the address of a call that
# names the peer or the socket's own. Fewer columns of text: a box of one
# line, mostly, that can be read where the chart is printed small.
ADDRESS_CALLS = ("bind", "connect", "accept", "accept4", "getpeername")
KEPT_ARG = re.compile(r'^(?:"|(?:SO|TCP|IP|IPV6|SHUT|AF|PF|SOCK|EPOLL|POLL)_)')
ADDR_ARG = re.compile(r"^(?:\d+\.\d+\.\d+\.\d+|\[[0-9a-fA-F:.]*\]):\d+$")


def split_args(args):
    """The arguments of a call, split at each ", " outside quotes and
    brackets."""
    parts, depth, quoted, cur, i = [], 0, False, "", 0
    while i < len(args):
        c = args[i]
        if quoted:
            cur += c
            if c == "\\" and i + 1 < len(args):
                cur += args[i + 1]
                i += 1
            elif c == '"':
                quoted = False
        elif c == '"':
            quoted = True
            cur += c
        elif c in "{[(":
            depth += 1
            cur += c
        elif c in "}])":
            depth -= 1
            cur += c
        elif c == "," and depth == 0 and args[i + 1:i + 2] == " ":
            parts.append(cur)
            cur = ""
            i += 1
        else:
            cur += c
        i += 1
    parts.append(cur)
    return parts


def brief(text, room=None):
    """A call's text ("name(args)" and perhaps " = result") as a box
    shows it: whole when it fits on a line (WRAP), else its arguments
    that teach, and "..." for the others."""
    room = WRAP if room is None else room
    m = re.match(r"^(\w+)\((.*)\)((?: = .*)?)$", text)
    if len(text) <= room or not m:
        return text
    name, args, rest = m.groups()
    parts = split_args(args)
    kept = parts[:1] + [a for a in parts[1:] if KEPT_ARG.match(a) or
                        (name in ADDRESS_CALLS and ADDR_ARG.match(a))]
    if len(kept) < len(parts):
        kept.append("...")
    out = "%s(%s)%s" % (name, ", ".join(kept), rest)
    if len(out) > room:
        # still two lines: the address too is left to the transcript
        kept = parts[:1] + [a for a in parts[1:] if KEPT_ARG.match(a)] + ["..."]
        out = "%s(%s)%s" % (name, ", ".join(kept), rest)
    return out


def label(lines):
    return "\\n".join(esc(x) for x in lines)


def chart(port, specs, packets_path, sect=None, drops=None):
    """The chart of a run: its rows in time order (time, order, event),
    its lanes (id, process, side), their names, and whether the run is
    of one program, from NAME=NARRATION specs and tcpdump's output."""
    procs, events = [], []
    for spec in specs:
        name, path = spec.split("=", 1)
        read_narration(name, path, port, procs, events)
    packets = read_packets(packets_path, port,
                           dropped_packets(packets_path, drops)
                           if drops else frozenset())

    # Each call's side: its socket's, once known; else its program's.
    sides = {}
    for e in events:
        if e["kind"] == "call" and e["sock"] is not None and \
                e["sock"].side is not None:
            sides.setdefault(id(e["proc"]), set()).add(e["sock"].side)
    lanes = []  # (id, proc, side)

    def lane_of(p, side):
        for lid, q, sd in lanes:
            if q is p and sd == side:
                return lid
        return None

    def default_side(p):
        got = sides.get(id(p), set())
        if got == {"c"}:
            return "c"
        if got == {"s"}:
            return "s"
        return "s" if got else ("s" if p is procs[0] else "c")

    for e in events:
        if e["kind"] not in ("call", "pending"):
            continue
        s = e["sock"]
        side = s.side if s is not None and s.side else default_side(e["proc"])
        e["side"] = side
        if lane_of(e["proc"], side) is None:
            lanes.append((None, e["proc"], side))
            lanes[-1] = ("%s%d" % (side, len(lanes)), e["proc"], side)
        e["lane"] = lane_of(e["proc"], side)

    # The lanes packets go to: the server side's end of connection c is
    # the process that last made a call on c's socket before the packet
    # (the one that accepted c, or a child it forked; a close() does not
    # count), or, before any,
    # the one listening; the client side's is the process whose socket
    # has port c, the same way.
    def owner(match, t):
        # A close() gives the socket up: the process that closed its
        # descriptor is not the one that holds the connection after.
        calls = [e for e in events if e["kind"] == "call" and
                 e["sock"] is not None and match(e["sock"]) and
                 e["name"] != "close"] or \
            [e for e in events if e["kind"] == "call" and
             e["sock"] is not None and match(e["sock"])]
        before = [e for e in calls if t is None or e["t0"] <= t]
        if before:
            return max(before, key=lambda e: e["t0"])["lane"]
        return calls[0]["lane"] if calls else None

    def server_lane(other, t=None):
        return owner(lambda k: k.side == "s" and k.peer == other, t) or \
            owner(lambda k: k.side == "s" and (k.listens or k.peer is None),
                  t) or first_lane("s")

    def client_lane(other, t=None):
        return owner(lambda k: k.side == "c" and k.lport == other, t) or \
            first_lane("c")

    def first_lane(side):
        for lid, _, sd in lanes:
            if sd == side:
                return lid
        # No program of that side is narrated (a peer such as nc): a
        # lane of its own.
        lid = side + "0"
        if not any(x[0] == lid for x in lanes):
            lanes.append((lid, None, side))
        return lid

    for pk in packets:
        if pk["sp"] == port:
            pk["src"] = server_lane(pk["dp"], pk["t"])
            pk["dst"] = client_lane(pk["dp"], pk["t"])
        else:
            pk["src"] = client_lane(pk["sp"], pk["t"])
            pk["dst"] = server_lane(pk["sp"], pk["t"])
    # A state is read from /proc/net after its call returned, at a time
    # not printed: it is drawn just before the program's next call, made
    # or only begun (a call it was waiting in when the run ended), so
    # that it never shows before what caused it. After a program's last
    # call it is drawn after the last packet of its own connection, if
    # that came later: drawn at the call's return, a server's TIME_WAIT,
    # read a while after its close(), stood above the client's FIN that
    # had caused it. (Not at the chart's end: that drew it below the
    # other side's later calls, and made a picture's part taller.)
    nxt = {}
    for e in events:
        if e["kind"] == "call":
            prev = e["proc"].calls[-1] if e["proc"].calls else None
            if prev is not None:
                nxt[id(prev)] = e
            e["proc"].calls.append(e)
    for e in events:
        if e["kind"] == "pending" and e["proc"].calls:
            nxt.setdefault(id(e["proc"].calls[-1]), dict(t0=e["t"]))
    for e in events:
        if e["kind"] == "state":
            n = nxt.get(id(e["after"]))
            if n is not None:
                e["t"], e["order"] = n["t0"], -1.5
                continue
            ends = {e["local"], e["remote"]}
            last = [pk["t"] for pk in packets
                    if e["remote"] is not None and {pk["sp"], pk["dp"]} == ends]
            e["t"], e["order"] = max([e["after"]["t1"]] + last), 3
    # Two states of one end keep the order they were read in. A state
    # drawn at its program's next call can come later than the same end's
    # next state, read by the other program: the server's FIN_WAIT1, read
    # after its close() and drawn at its next accept(), once stood below
    # the TIME_WAIT that the client's narration read after its own
    # close(), an order no connection goes through. Such a state is drawn
    # at its call's return, the earliest it can have been read.
    by_end = {}
    for e in events:
        if e["kind"] == "state":
            by_end.setdefault((e["local"], e["remote"]), []).append(e)
    for same in by_end.values():
        same.sort(key=lambda e: e["after"]["t1"])
        for a, b in zip(same, same[1:]):
            if (a["t"], a["order"]) > (b["t"], b["order"]):
                a["t"], a["order"] = a["after"]["t1"], 3
    states = []
    last_state = {}
    for st in sorted((e for e in events if e["kind"] == "state"),
                     key=lambda e: (e["t"], e["order"])):
        if st["local"] == port:
            lane = server_lane(st["remote"], st["t"])
        else:
            lane = client_lane(st["local"], st["t"])
        key = (lane, st["local"], st["remote"])
        if last_state.get(key) == st["state"]:
            continue
        last_state[key] = st["state"]
        st["lane"] = lane
        states.append(st)
    events = [e for e in events if e["kind"] != "state"] + states

    # A call that another event started during is drawn twice: as called
    # and as it returned. One that never waits for anything (NEVER_WAITS;
    # close() unless its process set SO_LINGER) is drawn once, as called,
    # with its result: the packets it sends go while it runs, and where
    # it returned says only how soon its process ran again (a busy
    # machine drew shutdown()'s result below the peer's close()).
    lingers = {id(e["proc"]) for e in events
               if e["kind"] == "call" and "SO_LINGER" in e["text"]}
    allev = events + packets
    t0s = sorted(e.get("t0", e.get("t")) for e in allev)
    rows = []
    for e in allev:
        if e["kind"] != "call":
            rows.append((e["t"], e["order"], e))
            continue
        waits = e["name"] not in NEVER_WAITS or (
            e["name"] == "close" and id(e["proc"]) in lingers)
        inside = waits and any(e["t0"] < t < e["t1"] for t in t0s)
        if inside:
            rows.append((e["t0"], 0, dict(e, kind="called")))
            rows.append((e["t1"], 2, dict(e, kind="returned")))
        else:
            rows.append((e["t0"], 0, e))
    rows.sort(key=lambda r: (r[0], r[1]))
    base = rows[0][0] if rows else 0.0
    if sect is not None:
        rows = section(rows, sect)

    # Lanes: the client side on the left, the server side on the right.
    lanes.sort(key=lambda x: (x[2] != "c", int(x[0][1:]) if x[0][1:] else 0))
    names = {}
    for lid, p, side in lanes:
        if p is None:
            names[lid] = ["a peer", "(not narrated)"]
            continue
        nm = p.name.split("|")
        if p.pid:
            nm[0] += " [pid %s]" % p.pid
        both = sum(1 for x in lanes if x[1] is p) > 1
        if both:
            nm.append("server end" if side == "s" else "client end")
        names[lid] = nm
    one_program = len({id(p) for _, p, _ in lanes if p is not None}) == 1

    return rows, lanes, names, one_program, base


def text_chart(rows, lanes, names, width, height, color=False,
               headings=True):
    """The chart in text for a terminal COLS wide: the lanes' names, then
    one line per row (a call at its lane's column, cut to fit; a packet an
    arrow between lanes; a state in brackets; a heading a line across),
    the last ROWS lines of it, so that it grows at the bottom."""
    n = max(len(lanes), 1)
    col = {lid: (i * width // n, (i + 1) * width // n - 1)
           for i, (lid, _, _) in enumerate(lanes)}
    mid = {lid: (a + b) // 2 for lid, (a, b) in col.items()}

    def blank():
        line = [" "] * width
        for c in mid.values():
            line[c] = "|"
        return line

    def put(line, at, text):
        for i, ch in enumerate(text):
            if 0 <= at + i < width:
                line[at + i] = ch

    def fit(text, room):
        return text if len(text) <= room else text[:max(room - 3, 0)] + "..."

    head1, head2 = [" "] * width, [" "] * width
    for lid, (a, b) in col.items():
        nm = names[lid]
        put(head1, max(a, mid[lid] - len(nm[0]) // 2), fit(nm[0], b - a))
        if len(nm) > 1:
            sub = " ".join(nm[1:])
            put(head2, max(a, mid[lid] - len(sub) // 2), fit(sub, b - a))
    out = []
    for _, _, e in rows:
        k, line, red = e["kind"], blank(), False
        if k == "heading":
            if not headings:
                continue
            line = list(("-- %s " % e["text"]).ljust(width, "-")[:width])
        elif k == "packet":
            a, b = mid[e["src"]], mid[e["dst"]]
            lo, hi = min(a, b), max(a, b)
            text = e["label"] + (" (retransmitted)" if e["again"] else "") \
                + (" (dropped)" if e["dropped"] else "")
            for c in range(lo + 1, hi):
                line[c] = "-"
            if e["dropped"]:
                line[hi - 2 if a < b else lo + 2] = "x"
            else:
                line[hi - 1 if a < b else lo + 1] = ">" if a < b else "<"
            text = " %s " % text
            put(line, max(lo + 2, (lo + hi - len(text)) // 2), text)
            red = e["again"] or e["rst"] or e["dropped"]
        elif k == "state":
            a, b = col[e["lane"]]
            text = "[%s]" % e["state"]
            put(line, max(a, mid[e["lane"]] - len(text) // 2), text)
        else:
            a, b = col[e["lane"]]
            if k == "called":
                text = short(e["made"] or e["text"]) + " ... called"
            elif k == "pending":
                text = short(e["made"]) + " ... " + PENDING
            else:
                text = e["text"]
                m = re.match(r"^(.*?\s=\s-?\d+(?: E[A-Z0-9]+)?)", text)
                text = short(m.group(1) if m else text)
            put(line, a + 1, fit(text.replace("\xa0", " "), b - a - 1))
            red = e.get("ret") == -1
        text = "".join(line).rstrip()
        out.append("\x1b[31m%s\x1b[0m" % text if red and color else text)
    keep = max(height - 3, 1)
    return ["".join(head1).rstrip(), "".join(head2).rstrip(),
            "".join("|" if i in mid.values() else " "
                    for i in range(width)).rstrip()] + out[-keep:]


def main():
    ap = argparse.ArgumentParser(prog="picture.py")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--title", default="")
    ap.add_argument("--out", default="-")
    ap.add_argument("--alt", help="also write the chart in words here")
    ap.add_argument("--section", type=int, help="draw only the Nth part "
                    "of a program's run: from its Nth heading (== ... ==) "
                    "to the next; a chart for a page (times stay the run's)")
    ap.add_argument("--text", type=int, nargs=2, metavar=("COLS", "ROWS"),
                    help="draw the chart's last ROWS lines in text, COLS "
                    "wide, for a terminal (scripts/demo --picture)")
    ap.add_argument("--dropped", metavar="FILE", help="tcpdump -x's output "
                    "on the firewall's log (nflog): the packets it dropped, "
                    "drawn as lost (PACKETS must be tcpdump -x's too)")
    ap.add_argument("--peer", metavar="NAME", help="the name of a lane "
                    "that no narration is on (default: a peer, not "
                    "narrated); \"|\" between its lines")
    ap.add_argument("--narrow", action="store_true", help="two lanes in "
                    "340 px, for a phone: boxes' lines shorter, the type "
                    "as big")
    ap.add_argument("inputs", nargs="+")
    a = ap.parse_args()
    if a.narrow:
        global WRAP, HSCALE
        WRAP, HSCALE = NARROW_WRAP, NARROW_HSCALE
    if len(a.inputs) < 2 or any("=" not in x for x in a.inputs[:-1]):
        ap.error("expected NAME=NARRATION... PACKETS")
    rows, lanes, names, one_program, base = chart(
        a.port, a.inputs[:-1], a.inputs[-1], a.section, a.dropped)
    if a.peer:
        for lid, p, _ in lanes:
            if p is None:
                names[lid] = a.peer.split("|")
    if a.text:
        width, height = a.text
        text = "\n".join(text_chart(rows, lanes, names, width, height,
                                     headings=one_program)) + "\n"
        sys.stdout.write(text)
        return
    out = []
    out.append("# drawn by scripts/capture --picture (scripts/lib/picture.py)")
    out.append("msc {")
    out.append('  hscale="%.2f", arcgradient="0";' %
               (HSCALE * max(1, len(lanes) / 2)))
    out.append("  " + ", ".join('%s [label="%s"]' % (lid, label(names[lid]))
                                for lid, _, _ in lanes) + ";")
    if a.title:
        out.append('  --- [label="%s"];' % esc(a.title))
    for t, _, e in rows:
        ms = "%.3f ms" % ((t - base) * 1000)
        k = e["kind"]
        if k == "heading":
            if one_program:
                out.append('  --- [label="%s"];' % esc(e["text"]))
        elif k == "packet":
            extra = ""
            text = e["label"]
            if e["again"]:
                text += " (retransmitted)"
            lines = [text]
            ident = ms
            if e["dropped"]:
                # "(dropped)" and the time on lines of their own, below
                # the arrow and centred on it, clear of the cross mscgen
                # draws three quarters along it (as an id, mscgen sets
                # the time at the label's end, beside the cross and into
                # the lifeline)
                lines = [text, "(dropped)", ms]
                ident = ""
            if e["again"] or e["rst"] or e["dropped"]:
                extra = ', linecolour="red", textcolour="red"'
            # A dropped packet: mscgen's arrow for a message lost ("-x").
            out.append('  %s %s %s [label="%s"%s%s];' %
                       (e["src"], "-x" if e["dropped"] else "->", e["dst"],
                        label(lines),
                        ', id="%s"' % ident if ident else "", extra))
        elif k == "state":
            out.append('  %s abox %s [label="%s", textbgcolour="#e8f0ff"];'
                       % (e["lane"], e["lane"], esc(e["state"])))
        elif k == "called":
            made = e["made"] or e["text"]
            out.append('  %s box %s [label="%s"];' %
                       (e["lane"], e["lane"],
                        label(wrap(brief(short(made), WRAP - len(CALLED))
                                   + CALLED))))
        elif k == "pending":
            out.append('  %s box %s [label="%s", textcolour="#606060"];' %
                       (e["lane"], e["lane"],
                        label(wrap(brief(short(e["made"])) + " " + PENDING))))
        else:  # a call shown whole, or its return
            text = e["text"]
            m = re.match(r"^(.*?\s=\s-?\d+(?: E[A-Z0-9]+)?)", text)
            if m:
                text = m.group(1)  # errno's message left to the narration
            out.append('  %s box %s [label="%s"%s];' %
                       (e["lane"], e["lane"], label(wrap(brief(short(text)))),
                        ', textcolour="red"' if e.get("ret") == -1 else ""))
    out.append("}")
    if a.alt:
        with open(a.alt, "w") as f:
            f.write(alt_text(rows, names, lanes) + "\n")
    text = "\n".join(out) + "\n"
    if a.out == "-":
        sys.stdout.write(text)
    else:
        with open(a.out, "w") as f:
            f.write(text)


def section(rows, n):
    """The rows from the nth heading (1 is the first) up to the next one:
    that heading drawn, the others not. No heading n: a usage error."""
    heads = [i for i, r in enumerate(rows) if r[2]["kind"] == "heading"]
    if not 1 <= n <= len(heads):
        sys.exit("picture.py: --section %d: the run has %d heading%s" %
                 (n, len(heads), "" if len(heads) == 1 else "s"))
    end = heads[n] if n < len(heads) else len(rows)
    return rows[heads[n - 1]:end]


def alt_text(rows, names, lanes):
    """The chart in words, for a reader who cannot see it (alt text): its
    lanes, how many calls on each, every packet in order, the states."""
    said = {lid: names[lid][0] + (" (%s)" % ", ".join(names[lid][1:])
                                  if len(names[lid]) > 1 else "")
            for lid, _, _ in lanes}
    calls = {lid: 0 for lid, _, _ in lanes}
    pk, states = [], []
    for _, _, e in rows:
        if e["kind"] in ("call", "returned"):
            calls[e["lane"]] += 1
        elif e["kind"] == "packet":
            pk.append("%s%s from %s to %s%s" % (
                e["label"], " (retransmitted)" if e["again"] else "",
                said[e["src"]], said[e["dst"]],
                ", dropped" if e["dropped"] else ""))
        elif e["kind"] == "state":
            states.append("%s at %s" % (e["state"], said[e["lane"]]))
    text = "A sequence chart of a real run, one lane for each of: %s. " % \
        ", ".join("%s, with %d call%s" % (said[lid], calls[lid],
                                          "" if calls[lid] == 1 else "s")
                  for lid, _, _ in lanes)
    text += "%d packet%s, in order: %s." % (
        len(pk), "" if len(pk) == 1 else "s", "; ".join(pk) or "none")
    if states:
        text += " TCP states, in order: %s." % "; ".join(states)
    return text


if __name__ == "__main__":
    main()
