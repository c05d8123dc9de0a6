"""The command line: the help text, the options as an Options object, and
the checks that need the options, KIND and COMMAND together. Every
mistake raises Usage with one line that names the option."""

import argparse
import os
import re
import shutil
import textwrap

from .sandbox import Limits

from .kinds import kind_checks
from .common import KINDS, PROG, Usage
from .spec import load
from .spec_server import checks_for


USAGE = """\
usage: scripts/check [options] KIND -- COMMAND [ARG...]
       scripts/check [options] --spec FILE -- COMMAND [ARG...]
       scripts/check [options] --batch DIR KIND
       scripts/check [options] --batch DIR --spec FILE
       scripts/check --list"""

# The help around its list of options: HELP, below OPTIONS, puts in the
# list, made from the table, as %(options)s.
HELP_TEXT = USAGE + """

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
server closes (the format: docs/manual-grading.md; examples in
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
%(options)s

exit status: 0 every check passed, 1 a check failed (or, with --batch, a
submission could not be checked), 2 bad usage, 3 the checker itself could
not run (with --batch: no sandbox here, or the CSV could not be written:
the rows written are kept); stopped by a signal (Ctrl-C), it
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


class Parser(argparse.ArgumentParser):
    """argparse, with a mistake said as Usage: one line that names the
    option (main() prints it after the program's name, exits 2), not
    argparse's usage block and exit."""

    def error(self, message):
        message = re.sub(r"^argument ", "", message)
        flag = re.fullmatch(r"(\S+): ignored explicit argument (.*)", message)
        if flag:  # --strace=yes
            message = "%s: takes no value, got %s" % flag.groups()
        raise Usage(message)


MISSING = object()  # a value option given last, with nothing after it


class Append(argparse.Action):
    """A value option that may be given again: a list, in order."""

    def __call__(self, parser, namespace, values, option_string=None):
        if values is MISSING:
            raise Usage("%s: expected a value after it" % option_string)
        setattr(namespace, self.dest,
                (getattr(namespace, self.dest) or []) + [values])


class Value(argparse.Action):
    """An option's value, checked by the function in type= (which raises
    Usage); given with nothing after it, said in words."""

    def __call__(self, parser, namespace, values, option_string=None):
        if values is MISSING:
            raise Usage("%s: expected a value after it" % option_string)
        setattr(namespace, self.dest, values)


def number(name, what, top, digits):
    """The type= of an option that takes a number 1..top."""
    def check(value):
        if not re.fullmatch(r"[0-9]{1,%d}" % digits, value) or not \
                0 < int(value) <= top:
            raise Usage("%s: expected %s, got '%s'" % (name, what, value))
        return int(value)
    return check


def limits(value):
    """--limit's value: a sandbox.Limits."""
    from .sandbox import Limits
    got, err = Limits.parse(value)
    if err:
        raise Usage("--limit: " + err)
    return got


def one_of(name, choices, value):
    if value not in choices:
        raise Usage("%s: expected %s or %s, got '%s'" % (
            name, ", ".join(choices[:-1]), choices[-1], value))
    return value


def check_names(value):
    names = [c for c in value.split(",") if c]
    if not names:
        raise Usage("--only: expected check names, got '%s'" % value)
    return names


FLAG = "flag"      # an option that takes no value: True when given
APPEND = "append"  # an option given once for each value: a list, in order


class Opt:
    """One option: its names, the Options field it fills (and that
    field's default), how its value is checked (a function that returns
    the value or raises Usage, or FLAG or APPEND), and its line in the
    help: the word for its value (none for a FLAG) and what it does,
    where %(default)s stands for the default."""

    def __init__(self, names, field, default, check, value, words):
        self.names, self.field = names, field
        self.default, self.check = default, check
        self.value, self.words = value, words

    def help(self):
        """The option's entry in the help: its names and value word in a
        column 13 wide (a longer one gets a line of its own, as git's
        parse-options does), its words beside them, wrapped at 76."""
        name = ", ".join(self.names) + (" " + self.value if self.value
                                        else "")
        words = self.words % {"default": self.default}
        alone = len(name) > 13
        text = textwrap.fill(words, 76, subsequent_indent=" " * 17,
                             initial_indent=" " * 17 if alone
                             else "  %-13s  " % name,
                             break_on_hyphens=False, break_long_words=False)
        return ("  %s\n" % name if alone else "") + text.replace("\xa0", " ")


# Every option, declared once, in the order the help lists them: parser(),
# Options and the help are made from this table, the defaults too. In the
# words, a no-break space (\xa0) keeps two words on one line ("(default
# N)", "--port N").
OPTIONS = (
    Opt(("--spec",), "spec", None, str, "FILE",
        "check the program against the protocol FILE describes"),
    Opt(("--source",), "source", None, APPEND, "FILE",
        "also read the program's source FILE (.c, .h or .py; give it once "
        "for each file): a first check, source, names what no peer can "
        "see, such as a socket call whose result is dropped (C is read by "
        "gcc and clang-tidy); with --batch, FILE is a name inside each "
        "submission"),
    Opt(("--port",), "port", None,
        number("--port", "a port number 1..65535", 65535, 5), "N",
        "the program always uses port N (COMMAND needs no {port}); a\xa0"
        "server must then allow a restart on it (SO_REUSEADDR)"),
    Opt(("--format",), "format", "text",
        lambda v: one_of("--format", FORMATS, v), "F",
        "%(default)s (the default), json, tap, gradescope (the "
        "results.json of Gradescope's autograder: a test per check, "
        "1\xa0point each) or junit (JUnit XML, for CI); not with --batch"),
    Opt(("--only",), "only", None, check_names, "C,...",
        "run only these checks (--list names them)"),
    Opt(("--wait",), "wait", 10,
        number("--wait", "seconds 1..600", 600, 3), "S",
        "seconds a server may take to start listening, a client or a "
        "sender to open its first socket, and with --batch, a fixed port "
        "to come free (default\xa0%(default)s)"),
    Opt(("--strace",), "strace", False, FLAG, None,
        "run the program under strace, and show the system calls it made "
        "last when a check fails (it runs slower)"),
    Opt(("--narrate",), "narrate", False, FLAG, None,
        "run the program under scripts/narrate, and show its last socket "
        "calls, told as the lessons tell them, when a check fails (it runs "
        "slower; needs make's build/libsockstep.so)"),
    Opt(("--picture",), "picture", None, str, "DIR",
        "draw the exchange of each check that fails into DIR (made if "
        "need be) as CHECK.svg, a sequence chart of the program's calls "
        "and the packets tcpdump saw, and CHECK.txt, the chart in words "
        "(runs the program under scripts/narrate; needs tcpdump, mscgen, "
        "and root or user namespaces; not with --batch or --sandbox)"),
    Opt(("--sandbox",), "sandbox", False, FLAG, None,
        "without --batch: check the program as --batch checks each "
        "submission, in a sandbox (bwrap) on a copy of the current "
        "directory, where it cannot reach the checker, its report or "
        "anything outside (its limits: --limit)"),
    Opt(("--build",), "build", None, str, "CMD",
        "without --batch: first run CMD (through sh) in the program's "
        "directory (with --sandbox, in its copy, in the sandbox); if it "
        "fails, or leaves no COMMAND, every check is NOT\xa0RUN and the "
        "report says why"),
    Opt(("--output",), "output", None, str, "FILE",
        "without --batch: write the report to FILE instead of standard "
        "output, in one step (a new file renamed over FILE) once every "
        "check has ended; with --sandbox, out of the program's reach"),
    Opt(("--batch",), "batch", None, str, "DIR",
        "grade a class: every subdirectory of DIR is one submission, each "
        "checked in a sandbox (bwrap) on a copy of it, against the KIND or "
        "--spec\xa0FILE you give; its file named run holds '--\xa0COMMAND' "
        "(at most --port\xa0N and --wait\xa0S before the --), after an "
        "optional line 'build:\xa0COMMAND'. Writes a CSV, a row per "
        "submission as soon as it is done, to standard output (or to "
        "--csv\xa0FILE), then a summary per check to standard error"),
    Opt(("--csv",), "csv", None, str, "FILE",
        "with --batch: write the CSV to FILE; a batch started again on the "
        "same FILE checks only what it lacks"),
    Opt(("--jobs",), "jobs", 1,
        number("--jobs", "a number 1..64", 64, 2), "N",
        "with --batch: check N submissions at once "
        "(default\xa0%(default)s)"),
    Opt(("--no-sandbox",), "no_sandbox", False, FLAG, None,
        "with --batch: run each submission with your own rights (when "
        "bwrap cannot run here)"),
    Opt(("--limit",), "limit", None, limits, "L=N,...",
        "with --batch or --sandbox: the limits of each submission's "
        "sandbox (with --sandbox, the program's): "
        + ", ".join("%s=%d" % d for d in Limits.DEFAULTS) + " by default "
        "(memory, file and disk in MiB, cpu and time in seconds: the CPU "
        "time of each process, and the whole submission's time, build "
        "and checks; procs, processes and threads; disk, its /tmp, which "
        "holds its copy: a folder over half of it is not copied)"),
    Opt(("--require-faults",), "require_faults", False, FLAG, None,
        "a fault check that cannot reach the program (a static or "
        "set-user-ID program, which the preload library cannot enter) "
        "fails, where it would be NOT\xa0RUN"),
    Opt(("--list",), "show_list", False, FLAG, None,
        "the kinds, their checks and the rule of each"),
    Opt(("-h", "--help"), "show_help", False, FLAG, None, "this help"),
)

HELP = HELP_TEXT % {"options": "\n".join(o.help() for o in OPTIONS)}


class Options:
    """What a command line (or a run file's line, with --batch) asked
    for: kind (one of KINDS, or None), command (the words after --, or
    None), and a field for each option of OPTIONS, its default the
    table's. Two are equal when every field is. validate() fills in the
    spec that --spec names (loaded) and its checks (spec_checks), None
    until then. A plain class, not a dataclass: the dataclasses module
    imports inspect (and ast, dis, tokenize with it), a cost every start
    of the checker paid."""

    FIELDS = ("kind", "command") + tuple(o.field for o in OPTIONS)

    def __init__(self, **given):
        self.kind = self.command = None
        self.loaded = self.spec_checks = None
        for o in OPTIONS:
            setattr(self, o.field, o.default)
        for key, value in given.items():
            if key not in self.FIELDS:
                raise TypeError("Options has no field %s" % key)
            setattr(self, key, value)

    def __eq__(self, other):
        if not isinstance(other, Options):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f)
                   for f in self.FIELDS)

    __hash__ = None

    def __repr__(self):
        return "Options(%s)" % ", ".join(
            "%s=%r" % (f, getattr(self, f)) for f in self.FIELDS)


def parser():
    """The options of OPTIONS, each with the Options field it fills and
    how its value is checked. Help is HELP's (add_help=False: -h is an
    option like the others); no abbreviations, as before argparse."""
    p = Parser(prog=PROG, add_help=False, allow_abbrev=False)
    for o in OPTIONS:
        if o.check is FLAG:
            p.add_argument(*o.names, dest=o.field, action="store_true")
        elif o.check is APPEND:
            p.add_argument(*o.names, dest=o.field, action=Append, nargs="?",
                           const=MISSING, default=o.default)
        else:
            p.add_argument(*o.names, dest=o.field, action=Value, nargs="?",
                           const=MISSING, type=o.check, default=o.default)
    p.add_argument("kind", nargs="?", metavar="KIND")
    return p


def parse(args):
    """Options, KIND and COMMAND: an Options. Raises Usage. Everything
    after the first -- is the command, split off before argparse sees
    the rest (argparse would take options out of it)."""
    if "--" in args:
        at = args.index("--")
        args, command = args[:at], args[at + 1:]
    else:
        command = None
    known, rest = parser().parse_known_args(args)
    for a in rest:
        if a.startswith("-"):
            raise Usage("%s: no such option (see --help)" % a)
        raise Usage("'%s': the command goes after -- (see --help)" % a)
    if known.kind is not None:  # after the options it may stand for
        one_of("KIND", KINDS, known.kind)
    return Options(command=command, **vars(known))


def validate(opts, cwd, program=True):
    """The checks that need KIND and COMMAND together. Raises Usage.
    program=False: COMMAND's program need not exist yet (--build makes
    it)."""
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
    for path in opts.source or []:
        if not path.endswith((".c", ".h", ".py")):
            raise Usage("--source: expected a .c, .h or .py file, got '%s'"
                        % path)
        if not os.path.isfile(os.path.join(cwd, path)):
            raise Usage("--source: '%s' is not a file" % path)
    if opts.only:
        names = [c.name for c in (kind_checks(kind)[0] if opts.spec is None
                                  else opts.spec_checks)]
        names += ["source"] if opts.source else []
        for name in opts.only:
            if name not in names:
                raise Usage("--only: no check '%s' for %s (see --list)"
                            % (name, kind or "this spec"))
    if opts.port is None and not any("{port}" in a for a in cmd):
        raise Usage("COMMAND: no {port} in it, and no --port N says which "
                    "port the program uses")
    prog = cmd[0]
    if not program:
        return
    if "/" in prog:
        path = os.path.join(cwd, prog)
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            if (os.path.isfile(path) and os.stat(path).st_mode & 0o111
                    and os.statvfs(path).f_flag & os.ST_NOEXEC):
                raise Usage("COMMAND: '%s' is on a file system mounted "
                            "noexec, where no program may run: build it "
                            "in a folder of yours elsewhere, such as your "
                            "home" % prog)
            raise Usage("COMMAND: '%s' is not an executable file" % prog)
    elif shutil.which(prog) is None:
        if re.fullmatch(r"python2(\.\d+)?", prog):
            raise Usage("COMMAND: '%s' not found: Python 2 is not supported "
                        "here (Debian has no python2): port the program to "
                        "Python 3 and run it with python3" % prog)
        raise Usage("COMMAND: '%s' not found" % prog)
