"""What every part of the checker shares: its name, the kinds of program
it checks, the one address it uses, and the two errors that end a check
or the command line."""


import os
import re

PROG = "scripts/check"
KINDS = ("echo-server", "echo-client", "udp-receiver", "udp-sender")
LOCAL = "127.0.0.1"

# --narrate: scripts/narrate and its preload library (make builds it), and
# what a narrated call's line looks like ("[child 42] " before it in a
# forked child).
TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
NARRATE = os.path.normpath(os.path.join(TOP, "scripts", "narrate"))
NARRATE_LIB = os.path.normpath(os.path.join(TOP, "build", "libsockstep.so"))
NARRATED_CALL = re.compile(r"^(\[[a-z]+ \d+\] )?[a-z_0-9]+\(.*\) = ")

# A program that uses more than this share of one CPU while it should be
# waiting (for a client, for data) may be spinning: said in a note, as a
# clue, when a check fails. (The half-close check decides with Busy.)
SPIN_SHARE = 0.25


class Usage(Exception):
    """Bad command line: one line, exit status 2."""


class NotReady(Exception):
    """The program could not be started, or never listened: the check
    fails with this message. fatal: the other checks would fail the same
    way, so they are not run."""

    def __init__(self, message, reason, fatal=True):
        super().__init__(message)
        self.reason = reason
        self.fatal = fatal
