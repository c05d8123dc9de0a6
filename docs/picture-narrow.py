#!/usr/bin/env python3
"""picture-narrow.py DIR NAME OUT.svg: the narrow chart of picture NAME,
for a phone: the same run (DIR/NAME.kept, as scripts/capture kept it)
drawn again by scripts/lib/picture.py --narrow, two lanes in 340 px,
then by mscgen and scripts/lib/picture-svg.py as capture draws it.

The lanes' names and the port are read back from the wide chart
(DIR/NAME.msc) and its run (DIR/NAME.run.txt); to be sure they are the
ones capture gave, the wide chart is drawn again from them first, and
must be DIR/NAME.msc line for line. mk/handout.mk makes each picture's
narrow SVG with it; docs/filters/diagrams.lua shows it on a narrow
screen. Python's standard library only; exit 0, or 1 with the reason.
"""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PICTURE = os.path.join(ROOT, "scripts", "lib", "picture.py")
ROOM = os.path.join(ROOT, "scripts", "lib", "picture-svg.py")


def fail(msg):
    sys.stderr.write("picture-narrow.py: %s\n" % msg)
    sys.exit(1)


def main():
    if len(sys.argv) != 4:
        sys.stderr.write("usage: picture-narrow.py DIR NAME OUT.svg\n")
        sys.exit(2)
    where, name, out = sys.argv[1:]
    base = os.path.join(where, name)
    with open(base + ".run.txt") as f:
        m = re.search(r"^capture: of its own, port (\d+)$", f.read(), re.M)
    if not m:
        fail("%s.run.txt names no port" % base)
    port = m.group(1)
    with open(base + ".msc") as f:
        wide = f.read()
    lanes = re.search(r"^  ([cs]\d+ \[label=.*);$", wide, re.M)
    if not lanes:
        fail("%s.msc names no lanes" % base)
    names = []
    for lid, text in re.findall(r'([cs])\d+ \[label="([^"]*)"\]',
                                lanes.group(1)):
        narration = "server.txt" if lid == "s" else "client.txt"
        names.append("%s=%s" % (text.replace("\\n", "|"),
                                os.path.join(base + ".kept", narration)))
    args = [sys.executable, PICTURE, "--port", port]
    dropped = os.path.join(base + ".kept", "dropped.txt")
    if os.path.exists(dropped):
        args += ["--dropped", dropped]
    args += sorted(names, key=lambda n: not n.endswith("server.txt"))
    args.append(os.path.join(base + ".kept", "packets.txt"))
    with tempfile.TemporaryDirectory() as tmp:
        again = os.path.join(tmp, "wide.msc")
        subprocess.run(args[:4] + ["--out", again] + args[4:], check=True)
        with open(again) as f:
            if f.read() != wide:
                fail("%s.msc drawn again from its run differs: its lanes "
                     "or its port were not read back right" % base)
        msc = os.path.join(tmp, "narrow.msc")
        subprocess.run(args[:4] + ["--narrow", "--out", msc] + args[4:],
                       check=True)
        subprocess.run(["mscgen", "-T", "svg", "-o", out, msc], check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run([sys.executable, ROOM, out], check=True)


if __name__ == "__main__":
    main()
