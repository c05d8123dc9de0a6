"""The command line: the help text, the options as an Options object, and
the checks that need the options, KIND and COMMAND together. Every
mistake raises Usage with one line that names the option."""

import os
import re
import shutil
from dataclasses import dataclass
from typing import List, Optional

from .kinds import kind_checks
from .common import KINDS, Usage
from .spec import load
from .spec_server import checks_for


USAGE = """\
usage: scripts/check [options] KIND -- COMMAND [ARG...]
       scripts/check [options] --spec FILE -- COMMAND [ARG...]
       scripts/check [options] --batch DIR KIND
       scripts/check [options] --batch DIR --spec FILE
       scripts/check --list"""

HELP = USAGE + """

Runs your own socket program against the peers that sockstep's lessons are
tested with, and says in plain words what each one found.

KIND is what the program does:
  echo-server   a TCP server that sends back every byte it receives
  echo-client   a TCP client: sends each line of its standard input to the
                server, prints what comes back
  udp-receiver  binds a UDP port and prints every datagram it receives
  udp-sender    sends each line of its standard input as one UDP datagram
A KIND's checks are its own, then those of the spec shipped for it that
its own do not make (--list names them all).

Instead of KIND, --spec FILE describes a request/reply protocol: what a
client sends, what each reply must match, who speaks first, whether the
server closes (the format: docs/check.md; examples in
scripts/sockcheck/specs/).

In COMMAND, {port} is replaced by a free port that the checker chose, and
{host} by 127.0.0.1: the port the program listens on, or, for a client
or a sender, the port of the checker's own server or receiver. A program
that cannot take its port on the command line is checked with --port N.

Each check starts the program afresh, plays one peer against it, and ends
it (its whole process group) afterwards. Only loopback is used. A Python 2
program (Debian has no python2) is named as such in the first check, and
the checks after it are not run.

options:
  --spec FILE    check the program against the protocol FILE describes
  --port N       the program always uses port N (COMMAND needs no {port});
                 a server must then allow a restart on it (SO_REUSEADDR)
  --format F     text (the default), json, tap, gradescope (the
                 results.json of Gradescope's autograder: a test per check,
                 1 point each) or junit (JUnit XML, for CI); not with
                 --batch
  --only C,...   run only these checks (--list names them)
  --wait S       seconds a server may take to start listening, and with
                 --batch, a fixed port to come free (default 10)
  --strace       run the program under strace, and show the system calls
                 it made last when a check fails (it runs slower)
  --narrate      run the program under scripts/narrate, and show its last
                 socket calls, told as the lessons tell them, when a check
                 fails (it runs slower; needs make's build/libsockstep.so)
  --batch DIR    grade a class: every subdirectory of DIR is one
                 submission, each checked in a sandbox (bwrap) on a copy of
                 it, against the KIND or --spec FILE you give; its file
                 named run holds '-- COMMAND' (at most --port N and
                 --wait S before the --), after an optional line 'build:
                 COMMAND'. Writes a CSV, a row per submission as soon as
                 it is done, to standard output (or to --csv FILE), then a
                 summary per check to standard error
  --csv FILE     with --batch: write the CSV to FILE; a batch started
                 again on the same FILE checks only what it lacks
  --jobs N       with --batch: check N submissions at once (default 1)
  --no-sandbox   with --batch: run each submission with your own rights
                 (when bwrap cannot run here)
  --list         the kinds, their checks and the rule of each
  -h, --help     this help

exit status: 0 every check passed, 1 a check failed (or, with --batch, a
submission could not be checked), 2 bad usage, 3 the checker itself could
not run (with --batch: no sandbox here); stopped by a signal (Ctrl-C), it
ends the program under test first and exits 128 + the signal's number

examples:
  scripts/check echo-server -- python3 server.py {port}
  scripts/check echo-server -- build/06-send-recv-server --port {port}
  scripts/check echo-client -- build/06-send-recv-client --port {port}
  scripts/check udp-receiver -- ./recv {port}
  scripts/check --spec scripts/sockcheck/specs/hello.spec -- ./srv {port}
  scripts/check --port 8888 echo-server -- python3 server.py
  scripts/check --batch submissions/ echo-server --csv results.csv"""


FORMATS = ("text", "json", "tap", "gradescope", "junit")  # --format


@dataclass
class Options:
    """What a command line (or a run file's line, with --batch) asked for."""

    kind: Optional[str] = None            # KIND: one of KINDS
    command: Optional[List[str]] = None   # the words after --
    port: Optional[int] = None            # --port N
    format: str = "text"                  # --format: one of FORMATS
    only: Optional[List[str]] = None      # --only C,...: check names
    wait: int = 10                        # --wait S
    strace: bool = False                  # --strace
    narrate: bool = False                 # --narrate
    batch: Optional[str] = None           # --batch DIR
    csv: Optional[str] = None             # --csv FILE
    spec: Optional[str] = None            # --spec FILE
    show_list: bool = False               # --list
    show_help: bool = False               # -h, --help
    jobs: int = 1                         # --jobs N
    no_sandbox: bool = False              # --no-sandbox


def parse(args, batch_ok=True):
    """Options, KIND and COMMAND: an Options. Raises Usage."""
    opts = Options()
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            opts.command = args[i + 1:]
            break
        name, eq, value = a.partition("=")
        takes = ("--port", "--format", "--only", "--wait", "--batch", "--csv",
                 "--spec", "--jobs")
        if name in takes:
            if not eq:
                if i + 1 >= len(args):
                    raise Usage("%s: expected a value after it" % name)
                value = args[i + 1]
                i += 1
            set_option(opts, name, value, batch_ok)
        elif a in ("-h", "--help"):
            opts.show_help = True
        elif a == "--list":
            opts.show_list = True
        elif a == "--strace":
            opts.strace = True
        elif a == "--narrate":
            opts.narrate = True
        elif a == "--no-sandbox":
            opts.no_sandbox = True
        elif a.startswith("-"):
            raise Usage("%s: no such option (see --help)" % a)
        elif opts.kind is None:
            if a not in KINDS:
                raise Usage("KIND: expected %s, got '%s'" % (
                    ", ".join(KINDS[:-1]) + " or " + KINDS[-1], a))
            opts.kind = a
        else:
            raise Usage("'%s': the command goes after -- (see --help)" % a)
        i += 1
    return opts


def set_option(opts, name, value, batch_ok):
    if name == "--port":
        if not re.fullmatch(r"[0-9]{1,5}", value) or not \
                0 < int(value) < 65536:
            raise Usage("--port: expected a port number 1..65535, got '%s'"
                        % value)
        opts.port = int(value)
    elif name == "--format":
        if value not in FORMATS:
            raise Usage("--format: expected %s or %s, got '%s'" % (
                ", ".join(FORMATS[:-1]), FORMATS[-1], value))
        opts.format = value
    elif name == "--wait":
        if not re.fullmatch(r"[0-9]{1,3}", value) or not \
                0 < int(value) <= 600:
            raise Usage("--wait: expected seconds 1..600, got '%s'" % value)
        opts.wait = int(value)
    elif name == "--only":
        opts.only = [c for c in value.split(",") if c]
        if not opts.only:
            raise Usage("--only: expected check names, got '%s'" % value)
    elif name == "--spec":
        opts.spec = value
    elif not batch_ok:
        raise Usage("%s: not in a run file" % name)
    elif name == "--batch":
        opts.batch = value
    elif name == "--csv":
        opts.csv = value
    elif name == "--jobs":
        if not re.fullmatch(r"[0-9]{1,2}", value) or not \
                0 < int(value) <= 64:
            raise Usage("--jobs: expected a number 1..64, got '%s'" % value)
        opts.jobs = int(value)


def validate(opts, cwd):
    """The checks that need KIND and COMMAND together. Raises Usage."""
    kind, cmd = opts.kind, opts.command
    if opts.spec is not None and kind is not None:
        raise Usage("--spec: takes the place of KIND: give one or the other")
    if opts.spec is not None:
        path = os.path.join(cwd, opts.spec)
        spec, err = load(path if os.path.exists(path) else opts.spec)
        if err:
            raise Usage("--spec: " + err)
        opts.loaded = spec
        opts.spec_checks = checks_for(spec)
    elif kind is None:
        raise Usage("KIND: missing: echo-server, echo-client, udp-receiver "
                    "or udp-sender (see --help)")
    if not cmd:
        raise Usage("no command after -- (see --help)")
    if opts.only:
        names = [c.name for c in (kind_checks(kind)[0] if opts.spec is None
                                  else opts.spec_checks)]
        for name in opts.only:
            if name not in names:
                raise Usage("--only: no check '%s' for %s (see --list)"
                            % (name, kind or "this spec"))
    if opts.port is None and not any("{port}" in a for a in cmd):
        raise Usage("COMMAND: no {port} in it, and no --port N says which "
                    "port the program uses")
    prog = cmd[0]
    if "/" in prog:
        path = os.path.join(cwd, prog)
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            raise Usage("COMMAND: '%s' is not an executable file" % prog)
    elif shutil.which(prog) is None:
        if re.fullmatch(r"python2(\.\d+)?", prog):
            raise Usage("COMMAND: '%s' not found: Python 2 is not supported "
                        "here (Debian has no python2): port the program to "
                        "Python 3 and run it with python3" % prog)
        raise Usage("COMMAND: '%s' not found" % prog)
