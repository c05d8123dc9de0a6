"""A datagram sent to another address than the one it was due at. A UDP
server's reply that its client never got, because the program sent it
somewhere else (a fixed port, its own port, an earlier client's): the
exchange check names where, and the checks after it take the replies at
that address too, so that they judge what they are about (Talk, in
spec_talk.py). A UDP client's datagrams that never reached the checker's
server, sent to another port or address: never_connected() names where.
Where is seen by running the program again under scripts/narrate (the
preload library tells each sendto() with its address)."""

import ipaddress
import re
import time

from .common import ELSEWHERE_LIMIT, LOCAL, NotReady
from .program import STAMPED, Program
from .words import shown

# A narrated sendto() that named an address ("[child 42] " before it in
# a forked child): its descriptor, the address, the port, what it
# returned. The bytes sent may hold ", ": the address is the last
# argument but one.
SENT_TO = re.compile(r"^(?:\[[a-z]+ \d+\] )?sendto\((\d+), .*, "
                     r"(\d+\.\d+\.\d+\.\d+|\[[0-9a-fA-F:.]+\]):(\d+), "
                     r"\d+\) = (-?\d+)", re.M)
# A connect() of a descriptor, then a send() or write() on it: a UDP
# socket connected to one address sends there whatever its last
# datagram's sender.
CONNECTED = re.compile(r"^(?:\[[a-z]+ \d+\] )?connect\((\d+), "
                       r"(\d+\.\d+\.\d+\.\d+|\[[0-9a-fA-F:.]+\]):(\d+), "
                       r"\d+\) = 0", re.M)
# A narrated recvfrom() that got a datagram: where it came from.
RECEIVED = re.compile(r"^(?:\[[a-z]+ \d+\] )?recvfrom\(\d+, .*, "
                      r"(\d+\.\d+\.\d+\.\d+|\[[0-9a-fA-F:.]+\]):(\d+), "
                      r"\d+\) = \d+", re.M)
# A narrated call that read something: recvfrom(), recv(), read()...
READ = re.compile(r"^(?:\[[a-z]+ \d+\] )?(?:recvfrom|recv|recvmsg|read)\("
                  r"\d+, .*\) = \d+", re.M)
SENT_ON = re.compile(r"^(?:\[[a-z]+ \d+\] )?(?:send|write)\((\d+), .*\) = "
                     r"(\d+)", re.M)


class Elsewhere:
    """Where a UDP server sent a reply that its client never got: host
    and port, the program's own port then (a port chosen from its own,
    port + 1 say, moves with it), the client's address, and the call."""

    def __init__(self, host, port, prog_port, client, call):
        self.host, self.port = host, port
        self.prog_port, self.client, self.call = prog_port, client, call
        self.nth = 1          # the client whose reply it was
        self.earlier = False  # the address an earlier request came from

    def where(self):
        return "%s:%d" % (self.host if ":" not in self.host
                          else "[%s]" % self.host, self.port)

    def addresses(self, prog_port):
        """Where to wait for its replies when the program has prog_port:
        the same address, and the one as far from prog_port as this one
        was from the program's port then; loopback only, and never the
        program's own."""
        try:
            ip = ipaddress.ip_address(self.host)
        except ValueError:
            return []
        if ip.is_unspecified:  # 0.0.0.0: the kernel delivers it locally
            host = "::1" if ip.version == 6 else LOCAL
        elif ip.is_loopback:
            host = self.host
        else:
            return []
        ports = [self.port, prog_port + (self.port - self.prog_port)]
        return [(host, p) for i, p in enumerate(ports)
                if 0 < p < 65536 and p != prog_port and p not in ports[:i]]

    def words(self):
        """The sentence that names it."""
        own = ("the program's own port: it sent its reply to itself, and "
               "will take it as a new request"
               if self.port == self.prog_port else
               "where %s request came from" % (
                   "the first client's" if self.nth == 2 else
                   "an earlier client's") if self.earlier else
               "a port of its own choosing" if self.call == "sendto()" else
               "the address its socket was connected to")
        who = ("a client at %s:%d sending the same request" % tuple(
            self.client[:2]) if self.nth == 1 else
            "clients in turn, the %s at %s:%d" % (
                ORDINALS.get(self.nth, "%dth" % self.nth),
                self.client[0], self.client[1]))
        return ("The program did reply, but not to the client: run again "
                "under scripts/narrate, with %s, its %s sent the reply to "
                "%s (%s), not to %s:%d, the address the request came from. "
                "Send each reply to the address recvfrom() gave with the "
                "request (its src_addr, with its length), unchanged, and "
                "given anew by each recvfrom(): every client has an "
                "address of its own (lesson 08's receiver prints it)." % (
                    who, self.call, self.where(), own, self.client[0],
                    self.client[1]))

    def reason(self):
        return "reply sent to %s, not to the sender" % self.where()


ORDINALS = {2: "second", 3: "third", 4: "fourth", 5: "fifth"}


def sent_elsewhere(text, client):
    """In narration text, the first datagram the program sent: an
    Elsewhere (without the program's port yet) when it went to another
    address than client's, False when it went to the client, None when
    none was sent."""
    text = STAMPED.sub(r"\1", text)  # --picture's times left out
    first = None
    for m in SENT_TO.finditer(text):
        # (a name server's port: a look-up, not the program's datagram)
        if int(m.group(4)) >= 0 and int(m.group(3)) != 53:
            first = (m.start(), m.group(2).strip("[]"), int(m.group(3)),
                     "sendto()")
            break
    connected = {}
    for m in CONNECTED.finditer(text):
        connected.setdefault(m.group(1), (m.start(), m.group(2).strip("[]"),
                                          int(m.group(3))))
    for m in SENT_ON.finditer(text):
        if m.group(1) in connected and connected[m.group(1)][0] < m.start() \
                and (first is None or m.start() < first[0]):
            _, host, port = connected[m.group(1)]
            first = (m.start(), host, port, "send() on a connected socket")
            break
    if first is None:
        return None
    _, host, port, call = first
    if (host, port) == tuple(client[:2]) or (
            host in ("0.0.0.0", "::") and port == client[1]):
        return False
    return Elsewhere(host, port, None, client, call)


def received_from(text):
    """The addresses narrated recvfrom() calls in text got datagrams
    from."""
    text = STAMPED.sub(r"\1", text)
    return {(m.group(1).strip("[]"), int(m.group(2)))
            for m in RECEIVED.finditer(text)}


def where_replies_went(run, nth=1):
    """For a UDP server whose nth client in turn got no reply: the
    program is run again under scripts/narrate, nth - 1 clients play the
    exchange in turn (each must be served), then the nth sends the
    exchange's requests up to its first reply, and the first datagram
    the program sends after them is looked at (an event, ELSEWHERE_LIMIT
    at most: see look_again). An Elsewhere when it went to another address than that
    client's; None when it went to the client, or none was sent, or the
    program cannot be narrated, or three runs showed nothing (a client
    before not served, or the program ended before it read)."""
    from .spec_faults import cannot_preload
    tried = getattr(run, "replies_not_elsewhere", set())
    if run.spec is None or run.spec.proto != "udp" or nth in tried or \
            cannot_preload(run, run.command(0)):
        return None
    # A run that shows nothing (a client before the nth not served, the
    # program gone before it read the request: a port another program
    # took meanwhile, a stray datagram that came first) is run again on
    # a new port, three times at most, never read as "none sent".
    for _ in range(3):
        found = run.again(look_again, run, nth)
        if found is not UNSEEN:
            break
    else:
        found = None
    if not found:
        # once is enough: the checks after this one do not run it again
        run.replies_not_elsewhere = tried | {nth}
    return found


# What look_again() returns when its run showed nothing either way.
UNSEEN = object()


def look_again(run, nth):
    from .spec_talk import Talk, exchange
    spec = run.spec
    prog = Program(run, run.port_for("udp"), narrate=True)
    try:
        prog.wait_bound("udp")
    except NotReady:
        return UNSEEN
    for i in range(1, nth):
        if i > 1:
            prog.quiet()
        if not exchange(prog, spec, "Client %d" % i)[0]:
            return UNSEEN
    if nth > 1:
        prog.quiet()
    before = prog.narration_text()
    talk = Talk(prog, spec, elsewhere=False)
    try:
        for kind, value, _ in spec.steps:
            if kind == "send":
                if talk.send(value):
                    return None
            elif kind == "input":
                if prog.type(value):
                    return None
            else:
                break
        client = talk.u.s.getsockname()
        # an event: the narration tells a datagram sent; or the program
        # has read one (a call that reads, told) and sleeps, seen twice,
        # with none sent; or it has ended
        deadline = time.monotonic() + ELSEWHERE_LIMIT
        asleep = 0
        while True:
            new = prog.narration_text()[len(before):]
            found = sent_elsewhere(new, client)
            if found is not None or not prog.alive() or \
                    time.monotonic() >= deadline:
                break
            asleep = asleep + 1 if READ.search(new) and prog.waiting() \
                else 0
            if asleep >= 2:
                break
            time.sleep(0.05)
        if found is None and not READ.search(new) and not prog.alive():
            return UNSEEN  # it ended before it read the request
        if not found:
            return None
        found.prog_port, found.nth = prog.port, nth
        found.earlier = (found.host, found.port) in received_from(before)
        return found
    finally:
        talk.close()


def client_went(prog, port):
    """For a UDP client none of whose datagrams reached the checker's
    server on port: the program is run again as it was (its command, its
    input) under scripts/narrate, with nothing on that port, and its
    first datagram is looked at (until it ends, or sleeps after a socket
    call, ELSEWHERE_LIMIT at most).
    An Elsewhere when it went to another address than 127.0.0.1:port;
    None when it went there, or none was sent, or the program cannot be
    narrated."""
    from .spec_faults import cannot_preload
    run = getattr(prog, "run", None)
    if not hasattr(run, "again") or getattr(run, "sends_nowhere_else",
                                            False) or \
            cannot_preload(run, prog.argv):
        return None
    found = run.again(look_at_client, run, prog, port)
    if not found:
        # once is enough: the checks after this one do not run it again
        run.sends_nowhere_else = True
    return found


def look_at_client(run, prog, port):
    """An event, not a time: a datagram sent, or the program ended, or,
    once it has made a socket call, asleep (every thread, seen twice)
    with none sent."""
    again = Program(run, port, prog.stdin_data, narrate=True)
    deadline = time.monotonic() + ELSEWHERE_LIMIT
    asleep = 0
    while True:
        ended = not again.alive()
        told = again.narration_text()
        asleep = asleep + 1 if not ended and told and again.waiting() else 0
        found = sent_elsewhere(told, (LOCAL, port))
        if found is not None or ended or asleep >= 2 or \
                time.monotonic() >= deadline:
            break
        time.sleep(0.05)
    if not found:
        return None
    found.prog_port = port
    return found


def client_words(went, port, peer="server"):
    """The sentence for a client whose datagram went elsewhere (peer:
    the checker's server, or receiver)."""
    return (" Run again under scripts/narrate, it sent its first datagram "
            "to %s (its %s), not to 127.0.0.1:%d, where the checker's %s "
            "was: send to the address and port its command line gives "
            "({port} is %d)." % (went.where(), went.call, port, peer, port))


def replied_elsewhere(run, prog, words, nth):
    """The words naming where a UDP server sent the reply its nth client
    in turn never got (words: how that client's exchange failed), when
    it sent it elsewhere; else ''. Only for a program still running, and
    a reply that did not come at all."""
    if run.spec is None or run.spec.proto != "udp" or \
            "nothing more came within" not in words or prog.fate(wait=0):
        return ""
    went = where_replies_went(run, nth)
    return went.words() if went else ""


def printed_instead(prog, pattern):
    """When a server whose client got no reply printed, on its standard
    output, a line that is the reply due (pattern, a spec's; or bytes,
    the line an echo sends back): the words that say so; else ''."""
    from .spec_talk import matches
    text = prog.output()
    for line in text.splitlines():
        line = line.strip("\r")
        if not line.strip():
            continue
        if pattern.rstrip(b"\n").decode() == line \
                if isinstance(pattern, bytes) else \
                matches(pattern, line.encode("utf-8", "replace")):
            return (" Meanwhile the program printed %s on its standard "
                    "output: if that was meant as the reply, it went to "
                    "the terminal, not to the client. A reply goes back "
                    "with send() on the client's socket (for UDP, sendto() "
                    "to the address the request came from); printf() and "
                    "print() write to standard output." % shown(
                        line.encode("utf-8", "replace"), 40))
    return ""
