"""A Python 2 program, recognised and named: a submission
written for Python 2 dies at once under Python 3, and without this its
checks would fail one after another, each with its own puzzling reason.
Nothing here starts a program: it reads the command, the first line of
the script it runs, and what the program printed and how it ended."""

import os
import re

# What Python 3 says, before running a line, about a Python 2 statement.
PY2_SYNTAX = re.compile(r"SyntaxError: Missing parentheses in call to "
                        r"'(print|exec)'")
WHERE = re.compile(r'File "([^"]*)", line (\d+)')
ASKS_PY2 = re.compile(r"^#!.*\bpython2(\.\d+)?\b")
PY2_NAME = re.compile(r"python2(\.\d+)?")
NOT_FOUND = 127  # a shell's, or env's, "command not found"
# What Python 3 says, running it, of a line that Python 2 ran: a name it
# no longer has, or text and bytes mixed (in Python 2 both were str).
PY2_ONLY_NAME = re.compile(r"NameError: name '(raw_input|xrange|unicode|"
                           r"unichr|basestring|execfile)' is not defined")
STR_AND_BYTES = re.compile(r"TypeError: (can only concatenate str \(not "
                           r"\"bytes\"\) to str|can't concat str to bytes|"
                           r"a bytes-like object is required, not 'str')")
# ... and a name in the script that only Python 2 has
PY2_CALL = re.compile(r"\b(raw_input|xrange|unichr|execfile)\s*\(")

ADVICE = ("port it to Python 3, where print \"x\" becomes print(\"x\"), "
          "raw_input() becomes input(), and a socket sends and receives "
          "bytes (.encode() before sendall(), .decode() after recv())")


def script_of(argv, cwd):
    """The Python file that a command runs: the first argument that ends
    in .py and is a file, or the command itself when it is a file that
    starts with #!; None."""
    here = cwd or "."
    for i, arg in enumerate(argv):
        path = os.path.join(here, arg)
        if i == 0 and "/" not in arg:
            continue  # a program on PATH: python3, nice...
        if (arg.endswith(".py") or i == 0) and os.path.isfile(path):
            if i == 0 and not first_line(path).startswith("#!"):
                continue  # a compiled program
            return path
    return None


def first_line(path):
    try:
        with open(path, "rb") as f:
            head = f.read(200)
    except OSError:
        return ""
    return head.split(b"\n")[0].decode("utf-8", "replace").strip()


def diagnose(argv, cwd, ended):
    """The sentence that names a Python 2 program, or None. ended: for
    each process the check started, (its output, its exit status or None
    while it runs). It is Python 2 when Python 3 refused a print or exec
    statement, or when the command or the script's first line asks for
    python2 and the program died at once: a SyntaxError, or python2 not
    found."""
    path = script_of(argv, cwd)
    line = first_line(path) if path else ""
    name = os.path.basename(path) if path else "the program"
    for text, rc in ended:
        m = PY2_SYNTAX.search(text)
        if m:
            where = WHERE.findall(text[:m.start()])
            at = ("line %s of %s" % (where[-1][1],
                                     os.path.basename(where[-1][0]))
                  if where else name)
            return ("This is a Python 2 program (Python 3 stopped at %s "
                    "before running anything: %s), and Python 2 is not "
                    "supported here (Debian has no python2): %s."
                    % (at, m.group(0), ADVICE))
        died = died_of_python2(text, rc, path)
        if died:
            return died
        if rc is None or not ("SyntaxError" in text or rc == NOT_FOUND):
            continue
        if ASKS_PY2.match(line):
            return ("This is a Python 2 program (the first line of %s, %s, "
                    "asks for Python 2), and Python 2 is not supported here "
                    "(Debian has no python2): %s, and make that line "
                    "#!/usr/bin/env python3." % (name, line, ADVICE))
        if argv and PY2_NAME.fullmatch(os.path.basename(argv[0])):
            return ("This is a Python 2 program (its command starts %s), "
                    "and Python 2 is not supported here (Debian has no "
                    "python2): %s, and run it with python3."
                    % (argv[0], ADVICE))
    return None


def died_of_python2(text, rc, path):
    """The sentence for a program that ran under Python 3 and died at a
    line that only Python 2 runs: a name only Python 2 has, or text and
    bytes mixed in a script that calls such a name; None."""
    if rc is None or rc == 0:
        return None
    m = PY2_ONLY_NAME.search(text)
    calls = None
    if not m:
        m = STR_AND_BYTES.search(text)
        calls = m and path and PY2_CALL.search(source(path))
        if not calls:
            return None
    where = WHERE.findall(text[:m.start()])
    at = ("line %s of %s" % (where[-1][1], os.path.basename(where[-1][0]))
          if where else os.path.basename(path or "") or "the program")
    return ("This is a Python 2 program (%sPython 3 stopped at %s: %s), and "
            "Python 2 is not supported here (Debian has no python2): %s."
            % ("it calls %s(), which only Python 2 has, and "
               % calls.group(1) if calls else "", at, m.group(0), ADVICE))


def source(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read(100000)
    except OSError:
        return ""
