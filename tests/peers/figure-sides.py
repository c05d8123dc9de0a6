# figure-sides.py ROOT PICTURES: every figure of the book and the slides
# puts the client side on the left and the server side on the right, as
# the pictures of real runs do (scripts/lib/picture.py sorts the client
# side's lanes first), so that a reader going from one to the next never
# has to swap sides:
#   - each diagram ROOT/docs/*.dot, as graphviz lays it out (dot -Tplain,
#     in inches, x growing to the right), and each call sequence (a graph
#     ranked top to bottom) as docs/narrow.sed redraws it for a phone: a
#     node whose label names the client or the sender is left of each
#     one that names the server or the receiver (a diagram of neither,
#     such as "your program" and "the peer's", is not checked);
#   - the EPUB's cover, ROOT/docs/cover.tex: the client's socket() node
#     (csocket) left of the server's (socket);
#   - each picture of a run PICTURES/*.msc: its lanes, in the order
#     mscgen draws them left to right, named client or sender before
#     server or receiver.
# Prints a line for each figure checked; exits 1 if one has its sides the
# other way, or if fewer than three figures name both sides (the check
# would be checking nothing).
import glob
import os
import re
import subprocess
import sys

root, pictures = sys.argv[1], sys.argv[2]
CLIENT = re.compile(r"\b(client|sender)\b", re.I)
SERVER = re.compile(r"\b(server|receiver)\b", re.I)
bad, checked = [], 0


def label_text(label):
    """A node's label as -Tplain prints it, without HTML tags."""
    return re.sub(r"<[^>]*>", " ", label)


def check_dot(name, source):
    global checked
    out = subprocess.run(["dot", "-Tplain"], input=source, text=True,
                         capture_output=True, check=True).stdout
    clients, servers = [], []
    for line in out.splitlines():
        # node NAME X Y WIDTH HEIGHT LABEL STYLE SHAPE COLOR FILL
        m = re.match(r"node (\S+) ([\d.]+) [\d.]+ [\d.]+ [\d.]+ (.*) \S+ \S+ \S+ \S+$", line)
        if not m:
            continue
        text = label_text(m.group(3))
        x = float(m.group(2))
        # a label that names both ("the server's kernel answers the
        # client") places neither side
        if CLIENT.search(text) and not SERVER.search(text):
            clients.append((x, m.group(1)))
        elif SERVER.search(text) and not CLIENT.search(text):
            servers.append((x, m.group(1)))
    if not clients or not servers:
        print("%s: names no client and server side, not checked" % name)
        return
    checked += 1
    right_most = max(clients)
    left_most = min(servers)
    if right_most[0] >= left_most[0]:
        bad.append("%s: %s (client side) at x=%g is not left of %s (server side) at x=%g"
                   % (name, right_most[1], right_most[0], left_most[1], left_most[0]))
    else:
        print("%s: client side (%s) left, server side (%s) right"
              % (name, " ".join(n for _, n in sorted(clients)),
                 " ".join(n for _, n in sorted(servers))))


narrow = open(os.path.join(root, "docs/narrow.sed")).read()
for dot in sorted(glob.glob(os.path.join(root, "docs/*.dot"))):
    source = open(dot, encoding="utf-8").read()
    name = os.path.relpath(dot, root)
    check_dot(name, source)
    if re.search(r"rankdir=TB", source):
        redrawn = subprocess.run(["sed", "-f", os.path.join(root, "docs/narrow.sed")],
                                 input=source, text=True, capture_output=True,
                                 check=True).stdout
        check_dot(name + " (narrow, docs/narrow.sed)", redrawn)

cover = open(os.path.join(root, "docs/cover.tex"), encoding="utf-8").read()
at = dict((n, float(x)) for n, x in
          re.findall(r"\\node\[call\] \((c?socket)\) at \(([\d.]+),", cover))
if "socket" in at and "csocket" in at:
    checked += 1
    if at["csocket"] >= at["socket"]:
        bad.append("docs/cover.tex: the client's socket() at x=%g is not left of "
                   "the server's at x=%g" % (at["csocket"], at["socket"]))
    else:
        print("docs/cover.tex: the client's calls left, the server's right")
else:
    bad.append("docs/cover.tex: no (socket) and (csocket) nodes to place")

charts = sorted(glob.glob(os.path.join(pictures, "*.msc")))
for msc in charts:
    name = os.path.basename(msc)
    text = open(msc, encoding="utf-8").read()
    # The lanes' line: ID [label="..."], ... ; mscgen draws them in order.
    m = re.search(r"^\s*(\w+ \[label=\"[^\"]*\"\](?:, \w+ \[label=\"[^\"]*\"\])*);$",
                  text, re.M)
    if not m:
        bad.append("%s: no line of lanes" % name)
        continue
    lanes = re.findall(r"\w+ \[label=\"([^\"]*)\"\]", m.group(1))
    sides = ["c" if CLIENT.search(l.replace("\\n", " ")) else
             "s" if SERVER.search(l.replace("\\n", " ")) else "?" for l in lanes]
    if "c" not in sides or "s" not in sides:
        print("%s: lanes %s, not both sides, not checked" % (name, lanes))
        continue
    checked += 1
    last_c = max(i for i, s in enumerate(sides) if s == "c")
    first_s = min(i for i, s in enumerate(sides) if s == "s")
    if last_c > first_s:
        bad.append("%s: a server-side lane left of a client-side one: %s" % (name, lanes))
    else:
        print("%s: lanes %s" % (name, " | ".join(l.replace("\\n", " ") for l in lanes)))

for b in bad:
    print(b)
if checked < 3:
    print("only %d figures name both sides: nothing much checked" % checked)
    sys.exit(1)
sys.exit(1 if bad else 0)
