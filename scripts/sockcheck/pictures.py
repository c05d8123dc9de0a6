"""--picture DIR: the exchange of each failed check, drawn into DIR as
NAME.svg (a sequence chart) and NAME.txt (the chart in words).

While a check runs, tcpdump captures the program's port on lo, started
and seen ready ("listening on") before the program itself starts, so
before the check's first client; the program runs under scripts/narrate
with SOCKSTEP_TIMESTAMPS=1. Each program of a check has its own port, its
own capture and its own narration: together they are that check's window.
For a failed check, scripts/lib/picture.py (scripts/capture's chart)
writes the chart's text from them, and mscgen draws it.

Where the checker is not root, it runs again in a network namespace of
its own inside a user namespace (as scripts/capture does), where tcpdump
may capture on that namespace's lo."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

from .common import LOCAL, NARRATE_LIB, PROG, TOP, NotReady, Usage

CHART = os.path.normpath(os.path.join(TOP, "scripts", "lib", "picture.py"))
TIDY = os.path.normpath(os.path.join(TOP, "scripts", "lib", "picture-svg.py"))
# Set in the checker run again inside its own namespaces.
IN_NETNS = "SOCKSTEP_CHECK_NETNS"
# For tests/check-picture.bats: also keep, in DIR, what each chart was
# drawn from (NAME.msc, NAME.packets, NAME.narration), for
# tests/picture-check.
KEEP = "SOCKSTEP_PICTURE_KEEP"
# A lane of the chart's text: a chart without one has nothing to draw
# (no call narrated, no packet seen).
LANE = re.compile(r"^\s*[cs]\d+ \[label=", re.M)
# tcpdump's start and its last packets: generous limits, each on an event.
READY_LIMIT = 20.0


def netns_command():
    return ["unshare", "--user", "--net", "--map-user=%d" % os.getuid(),
            "--map-group=%d" % os.getgid(), "--keep-caps"]


def refuse(opts):
    """Raise Usage, in one line, where --picture cannot work here."""
    if opts.batch:
        raise Usage("--picture: not with --batch (yet): check one program")
    if opts.sandbox:
        raise Usage("--picture: not with --sandbox (tcpdump runs outside "
                    "it)")
    for tool, package in (("tcpdump", "tcpdump"), ("mscgen", "mscgen")):
        if shutil.which(tool) is None:
            raise Usage("--picture: %s is not installed (./install-deps "
                        "installs it, package %s)" % (tool, package))
    if not os.path.exists(NARRATE_LIB):
        raise Usage("--picture: %s is not built: run make" % NARRATE_LIB)
    if os.path.exists(opts.picture) and not os.path.isdir(opts.picture):
        raise Usage("--picture: '%s' is not a directory" % opts.picture)
    if os.geteuid() != 0 and not os.environ.get(IN_NETNS):
        if shutil.which("unshare") is None or subprocess.call(
                netns_command() + ["true"], stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL) != 0:
            raise Usage("--picture: capturing packets needs root, or user "
                        "namespaces (unshare --user --net), and neither is "
                        "allowed here")


def into_netns(argv):
    """Not root: become the checker again (argv) in namespaces of its
    own, with lo up there: exec, so that a signal to this process still
    reaches the checker that runs the programs."""
    script = os.path.normpath(os.path.join(TOP, "scripts", "check"))
    env = dict(os.environ, **{IN_NETNS: "1"})
    sys.stdout.flush()
    sys.stderr.flush()
    os.execvpe("unshare", netns_command() + [
        "sh", "-c", 'ip link set lo up && exec "$@"', "sh", sys.executable,
        script] + argv[1:], env)


def without_caps():
    """In the namespaces into_netns() made, the checker holds
    capabilities there (tcpdump needs CAP_NET_RAW): the program under
    test is started without them (setpriv's prefix), as scripts/capture
    starts it."""
    if not os.environ.get(IN_NETNS) or os.geteuid() == 0 or \
            shutil.which("setpriv") is None:
        return []
    return ["setpriv", "--inh-caps=-all", "--ambient-caps=-all"]


class Tcpdump:
    """tcpdump on lo, port PORT, into a file of run.tmpdir. Its end is
    an event too: a datagram of the checker's own (to a port it holds,
    MARK) is sent last, and once tcpdump has printed it, every packet
    before it has been printed (stop()); its line is then left out."""

    def __init__(self, run, port):
        n = run.next_id()
        self.port = port
        self.packets = os.path.join(run.tmpdir, "packets.%d" % n)
        self.errors = os.path.join(run.tmpdir, "tcpdump.%d" % n)
        self.mark = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.mark.bind((LOCAL, 0))
        self.mark_port = self.mark.getsockname()[1]
        with open(self.packets, "wb") as out, \
                open(self.errors, "wb") as err:
            self.proc = subprocess.Popen(
                ["tcpdump", "-i", "lo", "-nn", "-tt", "-U", "-l",
                 "--immediate-mode",
                 "port %d or (udp and dst port %d)" % (port, self.mark_port)],
                stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                start_new_session=True)
        deadline = time.monotonic() + READY_LIMIT
        while b"listening on" not in self.said():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise NotReady("--picture: tcpdump could not capture on lo: "
                               "%s" % self.said().decode(errors="replace")
                               .strip(), "tcpdump failed")
            time.sleep(0.02)

    def said(self):
        with open(self.errors, "rb") as f:
            return f.read()

    def marked(self):
        with open(self.packets, "rb") as f:
            return (".%d: UDP" % self.mark_port).encode() in f.read()

    def stop(self):
        """The mark sent, and waited for (at most READY_LIMIT s); then
        tcpdump's end, and the mark's line left out."""
        if self.proc.poll() is None:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.sendto(b"end", (LOCAL, self.mark_port))
            deadline = time.monotonic() + READY_LIMIT
            while not self.marked() and self.proc.poll() is None and \
                    time.monotonic() < deadline:
                time.sleep(0.02)
            self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(READY_LIMIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.mark.close()
        end = (".%d: UDP" % self.mark_port).encode()
        with open(self.packets, "rb") as f:
            lines = [ln for ln in f if end not in ln]
        with open(self.packets, "wb") as f:
            f.writelines(lines)


def window(path, ended, out):
    """tcpdump's lines of path up to the time ended (time.time()'s, the
    clock tcpdump -tt prints), into out: the packets of the check itself,
    not those of the checker stopping the program after it."""
    keep = True
    with open(path, "rb") as f, open(out, "wb") as o:
        for line in f:
            try:
                keep = float(line.split(b" ", 1)[0]) <= ended
            except ValueError:
                pass  # a line tcpdump -x adds: goes with its packet
            if keep:
                o.write(line)


def draw(run, chk, res, programs, ended):
    """The failed check chk's chart, from the programs it ran, into
    run.picture: NAME.svg and NAME.txt. Says where in res. ended: the
    time its verdict was reached; what came after is not drawn."""
    # The program the check judged is its first; a second run (restart)
    # has a port, a capture and a chart of its own: NAME-2.
    client = getattr(run.spec, "program", "server") == "client" or \
        run.kind in ("echo-client", "udp-sender")
    made = []
    for n, p in enumerate(programs):
        cap = getattr(p, "capture", None)
        if cap is None or not p.narration or not os.path.exists(p.narration):
            continue
        name = chk.name + ("" if n == 0 else "-%d" % (n + 1))
        who = "client" if client else "server"
        prog = os.path.basename(p.argv[0])
        if prog.startswith("python") and len(p.argv) > 1:
            prog += " " + os.path.basename(p.argv[1])
        msc = os.path.join(run.tmpdir, "%s.msc" % name)
        svg = os.path.join(run.picture, name + ".svg")
        alt = os.path.join(run.tmpdir, "%s.txt" % name)
        packets = os.path.join(run.tmpdir, "%s.packets" % name)
        window(cap.packets, ended, packets)
        try:
            subprocess.run(
                [sys.executable, CHART, "--port", str(p.port),
                 "--title", "check %s failed" % chk.name,
                 "--peer", "scripts/check|its %s" % (
                     "server" if client else "clients"),
                 "--out", msc, "--alt", alt,
                 "%s|%s=%s" % (who, prog, p.narration), packets],
                check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            with open(msc) as f:
                if not LANE.search(f.read()):
                    continue  # no call, no packet: nothing to draw
            subprocess.run(["mscgen", "-T", "svg", "-o", svg, msc],
                           check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
            # room around the text of a box of two lines, and under an
            # arrow's label (scripts/lib/picture-svg.py)
            subprocess.run([sys.executable, TIDY, svg], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            shutil.copyfile(alt, os.path.join(run.picture, name + ".txt"))
        except (OSError, subprocess.CalledProcessError) as e:
            print("%s: --picture: could not draw check %s: %s" % (
                PROG, chk.name, getattr(e, "stderr", b"") or e),
                file=sys.stderr)
            continue
        made.append(svg)
        if os.environ.get(KEEP):
            for path, end in ((msc, "msc"), (packets, "packets"),
                              (p.narration, "narration")):
                shutil.copyfile(path, os.path.join(run.picture,
                                                   "%s.%s" % (name, end)))
    if made:
        res.message += " Its exchange, drawn: %s." % ", ".join(made)
