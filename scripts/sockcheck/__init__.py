"""sockcheck - the checker behind scripts/check: run anyone's socket
program against sockstep's peers.

Each check starts the program afresh (a new session, its output on a
pseudo-terminal so that it is not held back in a buffer), plays one peer
against it over loopback, watches it from /proc (its sockets, its
descriptors, its CPU time, how it ended) and kills its whole process group
at the end. Every wait is bounded; nothing but 127.0.0.1 (or ::1) is used.

Linux only: it reads /proc. Python 3 standard library only.

The modules, from the bottom up:
  common        names, kinds and the two errors (Usage, NotReady)
  procfs        /proc: processes, descriptors, sockets
  words         how numbers, bytes and statuses are put into sentences
  program       the program under test: start, watch, end (Program)
  python2       a Python 2 program, told from how Python 3 stops on it
  peers         the checker's own TCP client and server, and UDP socket
  checks        the registry of checks, and what the kinds' checks share
  echo_server, echo_client, udp_receiver, udp_sender
                the checks of each kind, in the order they run
  patterns      a spec's patterns, matched with a time limit
  spec          a spec file: a request/reply protocol (Spec, parse)
  spec_talk     one client's conversation with a spec's server
  elsewhere     a UDP server's reply sent to another address: where
                (scripts/narrate), and taken there by the checks after
  spec_server, spec_peers, spec_client, spec_udp_client
                the checks of a program described by a spec
  source        --source: what reading the program's files shows
  kinds         the checks of each kind: its own and its spec's
  runner        running the checks of one program (Run)
  report        text, TAP, JSON, Gradescope and JUnit output (Reporter)
  options       the command line (argparse) as an Options object, and --help
  spec_faults   a spec server's checks under faults (scripts/narrate)
  pictures      --picture: tcpdump on each check's port, and the chart
                of a failed check (scripts/lib/picture.py, mscgen)
  batch         a submission's build, a fixed port, the summary
  runfile       a submission's run file, read as hostile input
  sandbox       the bubblewrap sandbox of each submission
  grading       --batch: the class, its CSV, --jobs, and the checker
                that runs inside each sandbox
  solo          --sandbox: one program checked in a sandbox, its report
                written by the checker outside (--output)
  cli           main(): one program, --batch, --list

scripts/check puts scripts/ on sys.path and calls main(sys.argv).
"""

# The checks' modules fill checks.CHECKS as they are imported: importing
# them here means that every part of the package finds it full.
from . import echo_client, echo_server, udp_receiver, udp_sender
# spec_peers after spec_server: a server's checks run in the order they
# are registered, and spec_faults's fault checks after both.
from . import spec_server, spec_peers
from . import spec_client, spec_faults, spec_udp_client
from .cli import main

__all__ = ["main", "echo_server", "echo_client", "udp_receiver",
           "udp_sender", "spec_server", "spec_peers", "spec_client",
           "spec_faults", "spec_udp_client"]
