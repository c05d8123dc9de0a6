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

# The time limits that decide a verdict, in seconds, each named once here.
# A check's description (--list, the reports) states its limit in words
# ("within 5 s"): change a limit here and that text with it.
#
# A server's echo of one line to one client (echo-server kind); and a
# spec's default "timeout", the seconds one reply may take.
REPLY_LIMIT = 3.0
# A client or sender program, its input given, ends by itself (one-line,
# closes-early, the lines it sends, a line the server refuses).
CLIENT_LIMIT = 5.0
# echo-client pieces: both lines, echoed in pieces, printed whole.
PIECES_LIMIT = 6.0
# A spec client's pieces check: added per step of the exchange, for the
# pauses between the pieces of each answer.
PIECES_STEP = 0.4
# A spec client's whole run, beyond one timeout per step and one more
# for its start.
CLIENT_SLACK = 2.0
# A TCP client whose connect() is refused ends by itself.
REFUSED_LIMIT = 3.0
# echo-server one-megabyte: 1 MiB echoed whole.
MEGABYTE_LIMIT = 20.0
# udp-receiver: a datagram's text appears in what the program prints.
PRINT_LIMIT = 2.0
# udp-receiver burst: every datagram of the burst printed.
BURST_LIMIT = 3.0
# udp-sender no-receiver: the program ends after the end of its input.
NO_RECEIVER_LIMIT = 3.0
# A spec server's sigpipe check: after this long, a flood that leaves
# two recv()s' worth queued will do for the reset (spec_peers.py:
# SIGPIPE_ENOUGH); the time never skips a flood, and never makes a
# reset come with less queued.
FLOOD_LIMIT = 5.0
# A spec client's run: after the checker's server sends FIN, how long it
# reads (and drops) what the program still sends, so that no RST comes.
DRAIN_LIMIT = 6.0
# --port N: how long the port may still be in use (by the program of the
# check before) before this check is not run.
PORT_FREE_LIMIT = 2.0
# A sigpipe check: once the checker's client has reset its connection,
# the process that holds the listening socket ends (killed by SIGPIPE,
# or by its failed send()), or sleeps again (it goes on); this is the
# most it is waited for while it runs.
SIGPIPE_LIMIT = 10.0
# The bind check: after the program's first bound socket, the time it
# has to bind another (an IPv6 one beside it, say) before its sockets
# are read.
SECOND_BIND_WAIT = 0.3
# A program that has closed its sockets may still be exiting: how long
# the words on how it ended wait for it before they say it still runs,
# while it does not sleep (a sleeping one is taken to live on at once),
# and how much longer on a busy machine, where it may wait for a CPU.
EXIT_WAIT = 0.3
EXIT_SLOW = 5.0
# Clients one after another: each comes once the program sleeps again
# after the one before (Program.quiet()); the most that is waited for a
# program that does not.
TURN_LIMIT = 3.0
# A datagram that went to another address, seen by running the program
# again under scripts/narrate: the most that is waited for its sendto()
# (the wait ends on an event: the call told; or the program has read
# the datagram sent to it, or has ended, and sleeps with none made).
ELSEWHERE_LIMIT = 30.0


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
