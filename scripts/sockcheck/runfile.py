"""A submission's run file, read as hostile input: at most MAX bytes of
a regular file inside the submission's folder, in UTF-8 (a BOM
stripped) or UTF-16 (as Notepad saves), anything else replaced. What it
may hold: comment lines, at most one 'build: COMMAND' line, and one line
with the command, after which --port N and --wait S are the only
options it may give. The lecturer's command line decides the rest."""

import codecs
import os
import shlex
import stat

from .common import KINDS

MAX = 4096  # bytes: a run file is a line or two


NOT_REGULAR = ("the run file is not a regular file (a FIFO, a device or a "
               "directory)")


class Refused(Exception):
    """The run file cannot be used: the row says why, nothing runs."""


def read_bytes(folder):
    """The bytes of folder/run: refused when it is missing, a FIFO, a
    device, a directory, a link that leads out of the folder, or longer
    than MAX."""
    path = os.path.join(folder, "run")
    try:
        st = os.lstat(path)
    except OSError as e:
        raise Refused("no run file (%s)" % e.strerror.lower())
    if stat.S_ISLNK(st.st_mode):
        real = os.path.realpath(path)
        if os.path.commonpath([real, os.path.realpath(folder)]) != \
                os.path.realpath(folder):
            raise Refused("the run file is a link that leads out of the "
                          "folder")
        try:
            st = os.stat(path)
        except OSError as e:
            raise Refused("the run file cannot be read (%s)"
                          % e.strerror.lower())
    # never opened when it is not a regular file: opening a device can
    # act (a tape rewinds, a modem dials)
    if not stat.S_ISREG(st.st_mode):
        raise Refused(NOT_REGULAR)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW
                     if not stat.S_ISLNK(st.st_mode)
                     else os.O_RDONLY | os.O_NONBLOCK)
    except OSError as e:
        raise Refused("the run file cannot be read (%s)"
                      % e.strerror.lower())
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # changed meanwhile
            raise Refused(NOT_REGULAR)
        data = os.read(fd, MAX + 1)
    finally:
        os.close(fd)
    if len(data) > MAX:
        raise Refused("the run file is longer than %d bytes" % MAX)
    return data


def decode(data):
    """Text of a run file's bytes: UTF-16 when it says so (a BOM, or a
    NUL in every other byte), UTF-8 with its BOM stripped, and any byte
    that is neither replaced by U+FFFD."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace")
    if len(data) >= 4 and data[1::2].count(0) >= len(data) // 4:
        return data.decode("utf-16-le", "replace")
    if len(data) >= 4 and data[0::2].count(0) >= len(data) // 4:
        return data.decode("utf-16-be", "replace")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    return data.decode("utf-8", "replace")


class RunFile:
    """What a run file asks for: build (a shell command or None), port
    (N or None), wait (S or None), kind (a KIND named in it, or None) and
    command (a list of words)."""

    def __init__(self, build, port, wait, kind, command):
        self.build, self.port, self.wait = build, port, wait
        self.kind, self.command = kind, command


def parse(text):
    """A RunFile from a run file's text; Refused says what is wrong."""
    lines = [ln.strip() for ln in text.replace("\0", "").splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    builds = [ln for ln in lines if ln.startswith("build:")]
    lines = [ln for ln in lines if not ln.startswith("build:")]
    if len(builds) > 1:
        raise Refused("expected at most one 'build:' line, found %d"
                      % len(builds))
    build = None
    if builds:
        build = builds[0].split(":", 1)[1].strip()
        if not build:
            raise Refused("'build:' with no command after it")
    if len(lines) != 1:
        raise Refused("expected one line with the command, found %d"
                      % len(lines))
    try:
        words = shlex.split(lines[0])
    except ValueError as e:
        raise Refused("the command line: %s" % e)
    port = wait = kind = None
    i = 0
    while i < len(words):
        w = words[i]
        name, eq, value = w.partition("=")
        if w == "--":
            i += 1
            break
        if name in ("--port", "--wait"):
            if not eq:
                if i + 1 >= len(words):
                    raise Refused("%s with no value after it" % name)
                value = words[i + 1]
                i += 1
            if not value.isdigit() or not 0 < int(value) < (
                    65536 if name == "--port" else 601):
                raise Refused("%s: expected %s, got '%s'" % (
                    name, "a port 1..65535" if name == "--port"
                    else "seconds 1..600", value))
            if name == "--port":
                port = int(value)
            else:
                wait = int(value)
        elif w.startswith("-"):
            raise Refused("run file asks for %s (only --port and --wait "
                          "may be given there; the lecturer chooses the "
                          "rest)" % name)
        elif w in KINDS and kind is None and "--" in words[i:]:
            kind = w
        else:
            break  # the command, without a --
        i += 1
    command = words[i:]
    if not command:
        raise Refused("no command in the run file")
    return RunFile(build, port, wait, kind, command)
