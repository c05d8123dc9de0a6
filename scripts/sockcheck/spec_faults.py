"""The fault checks of a spec's TCP server: the program runs under
scripts/narrate --faults (the preload library, build/libsockstep.so), so
that what a busy network and signals may do happens: recv() given a few
bytes at a time, send() taking half of what it was given, an EINTR now
and then. Two clients then play the spec's exchange (one, for a server
that serves one: 'clients: 1'). A program that
takes one recv() for a whole message, or ignores a short send, fails;
its narrated calls show where."""

import functools
import os
import shutil
import stat
import struct

from .checks import GONE_HINT, Result, killed_by_sigpipe, named
from .common import NARRATE_LIB
from .patterns import Pattern
from .program import Program
from .spec_client import judge
from .spec_server import has_send, spec_check, tcp_server
from .spec_talk import ended_by_itself, exchange, why
from .words import and_list, capital, shown, signal_name

PT_INTERP = 3  # a program header naming the dynamic loader


def elf_loader(path):
    """True if the ELF file at path names a dynamic loader (a PT_INTERP
    program header), False if it names none (or its headers cannot be
    read), None if it cannot be opened or is no ELF file. Read from the
    headers, once per version of the file, not asked of ldd: ldd may run
    the program it is asked about (ldd(1)), which a checker must not do
    to a submission, and it started three processes per check."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return _elf_loader(path, st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=64)
def _elf_loader(path, mtime, size):
    try:
        with open(path, "rb") as f:
            head = f.read(64)
            if not head.startswith(b"\x7fELF"):
                return None
            order = {1: "<", 2: ">"}.get(head[5:6][0] if len(head) > 5
                                         else 0)
            if head[4:5] == b"\x02" and order and len(head) >= 58:
                (phoff,) = struct.unpack_from(order + "Q", head, 32)
                entsize, count = struct.unpack_from(order + "HH", head, 54)
            elif head[4:5] == b"\x01" and order and len(head) >= 46:
                (phoff,) = struct.unpack_from(order + "I", head, 28)
                entsize, count = struct.unpack_from(order + "HH", head, 42)
            else:
                return False
            if entsize < 4:
                return False
            f.seek(phoff)
            table = f.read(entsize * count)
    except OSError:
        return None
    return any(struct.unpack_from(order + "I", table, i)[0] == PT_INTERP
               for i in range(0, len(table) - 3, entsize))


def elf_static(path):
    """A sentence when path is an ELF program the library cannot enter:
    one that names no dynamic loader, which ldd calls statically linked."""
    if elf_loader(path) is False:
        return ("%s is statically linked: it does not load the C library "
                "when it starts, so the preload library cannot enter its "
                "calls" % path)
    return None


def no_new_privs():
    """Does this process run with no_new_privs (as in the batch's
    sandbox), where set-user-ID bits are not honoured?"""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("NoNewPrivs:"):
                    return line.split()[1] == "1"
    except (OSError, IndexError):
        pass
    return False


def elf_secure(path):
    """A sentence when path is a program the loader runs in its secure
    mode, where it ignores LD_PRELOAD: set-user-ID or set-group-ID to
    someone else, or with file capabilities."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    what = None
    if st.st_mode & stat.S_ISUID and st.st_uid != os.geteuid():
        what = "set-user-ID (it runs as uid %d)" % st.st_uid
    elif st.st_mode & stat.S_ISGID and st.st_gid != os.getegid():
        what = "set-group-ID (it runs as gid %d)" % st.st_gid
    else:
        try:
            if os.getxattr(path, "security.capability"):
                what = "given file capabilities (getcap shows them)"
        except (OSError, AttributeError):
            pass
    if what is None or no_new_privs():
        return None
    return ("%s is %s: for such a program the loader ignores LD_PRELOAD, "
            "so the preload library cannot enter its calls" % (path, what))


def cannot_preload(run, prog_argv):
    """Why the faults cannot be made for this command, or None."""
    if not os.path.exists(NARRATE_LIB):
        return ("the preload library %s is not built (make builds it)"
                % NARRATE_LIB)
    name = prog_argv[0] if prog_argv else ""
    for _ in range(3):  # a script's interpreter, through env
        if "/" in name:
            path = os.path.join(run.cwd or ".", name)
        else:
            path = shutil.which(name)
        if not path or not os.path.isfile(path):
            return None  # the program's own run says what is wrong
        try:
            with open(path, "rb") as f:
                head = f.read(256)
        except OSError:
            return None
        if head.startswith(b"\x7fELF"):
            return elf_static(path) or elf_secure(path)
        if not head.startswith(b"#!"):
            return None
        words = head[2:].split(b"\n")[0].decode("utf-8", "replace").split()
        if not words:
            return None
        if os.path.basename(words[0]) == "env" and len(words) > 1:
            words = words[1:]
        name = words[0]
    return None


def caught(pid):
    """The signals pid catches with a handler of its own (SigCgt)."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("SigCgt:"):
                    mask = int(line.split()[1], 16)
                    return [signal_name(n)
                            for n in range(1, 65) if mask >> (n - 1) & 1]
    except (OSError, ValueError):
        pass
    return []


# What the fault checks say in common.
IGNORES_SEND = ("The program probably ignores what send() returns: when it "
                "is less than it gave, the rest must be sent too, in a loop "
                "(in Python, sendall() does it).")


def cannot_fault(run, res, blocked):
    """Not run: the fault library cannot be preloaded (blocked: why); a
    failure with --require-faults."""
    if getattr(run, "require_faults", False):
        res.failed("Failed: %s. --require-faults asks that the fault "
                   "checks reach the program: build it so that it loads "
                   "the C library when it starts (no -static, no "
                   "set-user-ID bit)." % blocked,
                   "the fault checks cannot reach it")
        return
    res.not_run("Not run: %s. Only the fault checks need it." % blocked,
                "cannot preload the fault library")


def never_acted(res, doing, ways):
    """Not run: the faults were set up (doing) but changed no call of
    the program; ways: why that may be."""
    res.not_run("Not run: the fault never acted. The checker set it up so "
                "that %s, but no call of the program came to be changed: "
                "%s, or a static program is behind the command."
                % (doing, ways), "the fault never acted")


def not_the_faults_doing(run, res):
    """Not run: the exchange fails without the fault too."""
    res.not_run("Not run: the exchange failed without the fault as well "
                "(the checker ran it again with no fault), so what went "
                "wrong is not the fault's doing; the %s check shows it."
                % named(run, "exchange"), "fails without the fault")


def fault_check(run, res, faults, doing, acted, hint, on_failure=None,
                newline_hint=True):
    """Start the program under faults, play the exchange with two clients
    in turn; pass, fail with what was seen (and hint, a guess), or not run
    when the faults never acted. on_failure(prog, said) may decide instead
    of failing (the EINTR check notes)."""
    spec = run.spec
    blocked = cannot_preload(run, run.command(0))
    if blocked:
        cannot_fault(run, res, blocked)
        return
    prog = Program(run, run.port_for(spec.proto), faults=faults)
    prog.wait_bound(spec.proto)
    catches = caught(prog.owner or prog.pid)
    got, more = [], []
    ok, first_ok, words = two_clients(
        run, prog, newline_hint, got,
        more if faults.startswith("recv") else None)
    told = prog.narration_text()
    if not any(mark in told for mark in acted):
        never_acted(res, doing, "it made no such call, or too few, or it "
                    "reads and writes its sockets another way (C's fgets() "
                    "reads inside the C library)")
        return
    said = "%s. %s" % (capital(doing), words)
    if ok and wrong_replies(run, res, prog, said, hint, faults, got, more,
                            newline_hint):
        return
    if ok:
        res.passed(said + " Every reply matched its pattern.")
        return
    fate = why(prog)
    prog.stop()  # its port may be fixed: the plain run needs it
    if exchange_fails_plain(run, newline_hint, next_client=first_ok):
        not_the_faults_doing(run, res)
        return
    if on_failure and on_failure(fate, said, catches):
        return
    if first_ok and killed_by_sigpipe(prog):
        # the first client was served under the fault: what ended the
        # program was its send() to that client after it had gone
        hint = GONE_HINT
    res.failed("%s%s %s" % (said, fate, hint), "failed under %s" % faults)


def two_clients(run, prog, newline_hint, got, more):
    """The exchange with a first client and, where the spec has more, a
    next one: (all went well, the first went well, what was seen). got
    and more gather the first client's replies and what came after."""
    spec = run.spec
    ok, words = exchange(prog, spec, "The first client", newline_hint, got,
                         more=more)
    first_ok = ok
    if ok and spec.clients > 1:
        ok2, words2 = exchange(prog, spec, "The next client", newline_hint)
        if not ok2 and ended_by_itself(prog):
            # it serves one client (in-turn says so): not the fault's doing
            words += (" Then the program ended by itself (status 0), so no "
                      "next client was served (see check %s)."
                      % named(run, "in-turn"))
        else:
            words = words + " " + words2
            ok = ok2
    return ok, first_ok, words


def wrong_replies(run, res, prog, said, hint, faults, got, more,
                  newline_hint):
    """Every reply matched under the fault, but was one cut short, or did
    more come than the spec asks for? Fails the check and says True if
    so, measured against a run without the fault."""
    spec = run.spec
    padded = any(g.strip(b"\0") == b"" for g in got)
    if faults.startswith("send") and (
            spec.newline == "no" or padded or spec.close == "yes"):
        # no line end shows a cut reply: what came without the fault is
        # the measure (a bare "7" of "7.0" may match the pattern too); so
        # it is for a buffer sent whole, cut after its line, before the
        # NUL bytes after it, or before bytes a server that closes sends
        # after its last line
        prog.stop()  # its port may be fixed: the plain run needs it
        cut = cut_short(run, got)
        if cut:
            res.failed("%s %s %s" % (said, cut, hint), "reply cut short "
                       "under %s" % faults)
            return True
    extra = b"".join(more).strip(b"\0")
    if not extra:
        return False
    # each piece of a request answered as if it were a whole one:
    # replies that the program does not send without the fault
    prog.stop()  # its port may be fixed: the plain run needs it
    plain = Program(run, run.port_for(spec.proto))
    plain.wait_bound(spec.proto)
    usual = []
    exchange(plain, spec, "A client", newline_hint, more=usual)
    plain.stop()
    usual = b"".join(usual).strip(b"\0")
    if usual and replies_in(spec, extra) <= replies_in(spec, usual):
        return False
    res.failed("%s But after the last reply more came, which the spec does "
               "not ask for: %s, with %s that the program does not send "
               "without the fault. It answered a piece of a request as if "
               "it were a whole one. %s" % (
                   said, shown(extra, 60),
                   "a reply more" if usual else "replies", hint),
               "more replies than requests under %s" % faults)
    return True


def replies_in(spec, data):
    """How many lines of data (NUL bytes left out) hold a match of the
    spec's last expect: pattern: replies, among whatever else a buffer
    sent whole held before them."""
    pattern = next((v for k, v, _ in reversed(spec.steps)
                    if k == "expect"), None)
    if not isinstance(pattern, Pattern):
        return 0
    ends = Pattern("(?s).*(?:%s)" % pattern.pattern)  # after what came
    return sum(1 for ln in data.split(b"\n") if ends.fullmatch(
        ln.replace(b"\0", b"").rstrip(b"\r").decode("utf-8", "replace")))


def exchange_fails_plain(run, newline_hint, next_client=True):
    """Run the program again without any fault and play the exchange
    with the clients that the faulted run failed on (the first alone when
    it failed there, else the first and the next): does it fail?"""
    spec = run.spec
    plain = Program(run, run.port_for(spec.proto))
    plain.wait_bound(spec.proto)
    ok, _ = exchange(plain, spec, "A client", newline_hint)
    if ok and next_client and spec.clients > 1:
        ok, _ = exchange(plain, spec, "The next client", newline_hint)
    plain.stop()
    return not ok


def cut_short(run, got):
    """'' when the first client's replies under the fault, got, are those
    of the program run again without it; else a sentence on the first
    that differs."""
    spec = run.spec
    plain = Program(run, run.port_for(spec.proto))
    plain.wait_bound(spec.proto)
    want = []
    exchange(plain, spec, "A client", got=want)
    plain.stop()
    if spec.newline == "yes":
        a, b = sum(len(g) for g in got), sum(len(w) for w in want)
        if a < b - 2:  # a time of day may be a digit shorter, or two
            return ("But %d bytes came in all, and %d when the checker ran "
                    "the program again without the fault: the rest was never "
                    "sent (what was cut came after a reply's newline: "
                    "bytes of a buffer sent whole, say)." % (a, b))
        return ""
    for n, (a, b) in enumerate(zip(got, want), 1):
        if a != b:
            return ("But reply %d was %s, and %s when the checker ran the "
                    "program again without the fault: the rest of it was "
                    "never sent (with 'newline: no' nothing else shows a "
                    "reply cut short)." % (n, shown(a, 60), shown(b, 60)))
    return ""


@spec_check("recv-pieces", "requests read a few bytes at a time",
            "the program runs with every recv(), recvfrom() or read() on a "
            "TCP socket given at most 3 bytes (TCP keeps no message boundaries); two "
            "clients play the exchange (not with 'newline: no': nothing "
            "then tells where a message ends)",
            lambda s: tcp_server(s) and has_send(s) and s.newline == "yes")
def sp_recv_pieces(run, res):
    fault_check(run, res, "recv=3",
                "each recv(), recvfrom() or read() on a TCP socket was given "
                "at most 3 bytes, as TCP may deliver a message in pieces",
                (FAULT_RECV_TOLD,),
                "The program probably takes what one recv() returns for a "
                "whole message. TCP keeps no message boundaries: read until "
                "the newline has come, in a loop (lesson 06), or in Python "
                "read lines from conn.makefile(\"rb\").")


# The library's first word when a recv=N or send= fault acts, whatever
# the call (lessons/common/preload_faults.h, ss_fault_len).
FAULT_RECV_TOLD = "on a SOCK_STREAM socket now asks the kernel for at most"
FAULT_SEND_TOLD = "on a SOCK_STREAM socket now hands the kernel"

SEND_HALF = ("each send(), sendto() or write() on a TCP socket took only half "
             "of what it was given, as send() may: it returns how many bytes it "
             "took (on Linux a blocking send() takes it all unless a signal "
             "or a send timeout interrupts it; a non-blocking one stops "
             "when the socket's buffer is full)")


@spec_check("short-send", "send() taking half of a reply",
            "the program runs with every send(), sendto() or write() on a "
            "TCP socket taking only half of what it was given, as send() "
            "may; two "
            "clients play the exchange", lambda s: tcp_server(s) and any(
                k in ("expect", "relay") for k, _, _ in s.steps))
def sp_short_send(run, res):
    fault_check(run, res, "send=half", SEND_HALF, (FAULT_SEND_TOLD,),
                IGNORES_SEND, newline_hint=False)


def eintr_failed(res):
    def decide(fate, said, has):
        if has:
            why_now = ("It catches %s: a call interrupted by that signal "
                       "fails with EINTR unless the handler was installed "
                       "with SA_RESTART, and then this happens for real "
                       "(a fork server's SIGCHLD, say)" % and_list(has))
        else:
            why_now = ("It catches no signal, so today no call of it is "
                       "interrupted; this matters once it installs a "
                       "handler without SA_RESTART")
        res.noted("%s%s %s. A call that fails with EINTR was not made: make "
                  "it again (a loop around the call, while errno == EINTR)."
                  % (said, fate, why_now),
                  "gave up at EINTR")
        return True
    return decide


@spec_check("eintr", "a call interrupted now and then (EINTR)",
            "the program runs with every third accept(), or call that "
            "receives or sends (recv(), recvfrom(), read(), send(), sendto(), "
            "write()), failing with EINTR, as when a signal arrives during "
            "the call; "
            "two clients play the exchange; a program that gives up is a "
            "note, not a failure (EINTR happens only with a signal handler "
            "installed without SA_RESTART)", tcp_server)
def sp_eintr(run, res):
    fault_check(run, res, "eintr=3",
                "every third accept(), or call that received or sent "
                "(recv(), recvfrom(), read(), send(), sendto(), write()), "
                "failed with EINTR "
                "without being made, as when a signal arrives during it",
                ("made up: the call was not made",), "", eintr_failed(res))



@spec_check("short-send", "send() taking half of a request",
            "the program runs with every send(), sendto() or write() on a "
            "TCP socket taking only half of what it was given, as send() "
            "may; the "
            "spec's exchange is played",
            lambda s: s.program == "client" and s.proto == "tcp" and any(
                k == "expect" for k, _, _ in s.steps))
def sc_short_send(run, res):
    """A client's requests under send=half: the checker's server waits
    for a whole line that never comes when the program ignores what
    send() returns."""
    blocked = cannot_preload(run, run.command(0))
    if blocked:
        cannot_fault(run, res, blocked)
        return
    prog = judge(run, res, "script", faults="send=half", doing=SEND_HALF)
    told = prog.narration_text()
    if FAULT_SEND_TOLD not in told:
        if not res.ok:
            return  # it failed without the fault's help: that was seen
        never_acted(res, SEND_HALF, "it sent nothing longer than a byte, or "
                    "writes its socket another way (C's fprintf() writes "
                    "inside the C library)")
        return
    if not res.ok and fails_without_fault(run, res):
        not_the_faults_doing(run, res)
    elif not res.ok:
        res.message += " " + IGNORES_SEND


def fails_without_fault(run, res):
    """Run the exchange again without the fault: does it fail too? The
    programs of the faulted run stay the check's evidence."""
    plain = Result(res.check)
    run.again(judge, run, plain, "script")
    return not plain.ok
