"""The checks of a KIND. A kind has checks of its own (the registry in
checks.py), and it also gets the generic checks of its spec engine,
played with the spec shipped for it (KIND_SPEC): a server kind those
that every spec server gets (idle, descriptors, zombies, sigpipe, odd
input, the fault checks, restart last), a client kind those of every
spec client (odd answers, short-send)."""

import os

from .checks import CHECKS, OWN
from .spec import load
from .spec_server import checks_for

SPECS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "specs")
# The spec each kind plays its generic checks with.
KIND_SPEC = {"echo-server": "echo.spec",
             "echo-client": "echo-client-kind.spec",
             "udp-receiver": "udp-receiver.spec",
             "udp-sender": "udp-sender.spec"}
# The spec's checks that a kind's own checks make under other names:
# checks.OWN. A spec check of the same name as a kind's is the kind's
# too; the rest are added after the kind's, restart last.


def kind_spec(kind):
    """The spec a kind's generic checks play, or None."""
    name = KIND_SPEC.get(kind)
    if name is None:
        return None
    spec, err = load(os.path.join(SPECS, name))
    if err:  # shipped with the checker: a broken one is the checker's bug
        raise RuntimeError("the checker's own %s: %s" % (name, err))
    spec.shipped = True
    return spec


def kind_checks(kind):
    """(the checks of kind, in the order they run; the spec they play,
    or None)."""
    spec = kind_spec(kind)
    if spec is None:
        return list(CHECKS[kind]), None
    mine = {c.name for c in CHECKS[kind]} | set(OWN.get(kind, {}))
    extra = [c for c in checks_for(spec) if c.name not in mine]
    restart = [c for c in extra if c.name == "restart"]
    return ([c for c in CHECKS[kind]] +
            [c for c in extra if c.name != "restart"] + restart), spec
