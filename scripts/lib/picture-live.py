#!/usr/bin/env python3
"""picture-live.py DIR PORT SERVER-NAME CLIENT-NAME: the chart of a demo as
it grows, drawn in text on this terminal (scripts/demo --picture's third
pane).

DIR holds what tmux copies of the two lesson panes (pipe-pane):
server.raw and client.raw, their bytes as the terminal got them; and
packets.txt, tcpdump's lines (empty when tcpdump could not run: no root).
Every 0.2 s each new call line of a pane (a call and its result, put
together again where the narration broke it at the pane's width) is
written to DIR/server.txt or DIR/client.txt in the timed form of
SOCKSTEP_TIMESTAMPS, timed when it was seen here; the chart is drawn from
those and the packets by picture.py, and redrawn when either grew.

So a call's time is when its line appeared in the pane, at most 0.2 s
after it returned, not when it was made: the chart says so at its foot.
Packets carry the kernel's time. With --step (a lecture's pace, seconds
between calls), the order is the order things happened.
"""
import os
import re
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import picture  # noqa: E402

ANSI = re.compile(r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|[()][A-Za-z0-9]|[=>])")
CALL = re.compile(r"^(?:\[(?:pid|child) \d+\] )?[a-z_0-9]+\(")
RESULT = re.compile(r"\)\s=\s-?\d+")


class Pane:
    """One pane's copy: new bytes read, cut into lines, call lines put
    together and written out timed."""

    def __init__(self, raw, out):
        self.raw, self.out = raw, out
        self.pos = 0
        self.rest = ""
        self.call = None  # a call line whose result has not come yet
        self.kernel = None  # a kernel: line, which may go on
        open(out, "a").close()

    def poll(self, now):
        try:
            with open(self.raw, "rb") as f:
                f.seek(self.pos)
                data = f.read()
        except OSError:
            return False
        if not data:
            return False
        self.pos += len(data)
        text = self.rest + data.decode("utf-8", "replace")
        lines = text.split("\n")
        self.rest = lines.pop()
        done = []
        for line in lines:
            # What a terminal shows of it: after the last carriage
            # return (a prompt written over), colours left out.
            line = ANSI.sub("", line).rstrip("\r").split("\r")[-1].rstrip()
            line = line.replace("\xa0", " ")
            if self.call is not None:
                self.call += " " + line.strip()
                if RESULT.search(self.call):
                    done.append("[%.6f %.6f] %s" % (now, now, self.call))
                    self.call = None
                continue
            if self.kernel is not None and line.startswith(" " * 8) and \
                    line.strip():
                self.kernel += " " + line.strip()
                continue
            if self.kernel is not None:
                done.append(self.kernel)
                self.kernel = None
            if CALL.match(line):
                if RESULT.search(line):
                    done.append("[%.6f %.6f] %s" % (now, now, line))
                else:
                    self.call = line
            elif line.startswith("    kernel: "):
                self.kernel = line
            elif re.match(r"^== .* ==$", line):
                done.append(line)
        if done:
            with open(self.out, "a") as f:
                f.write("\n".join(done) + "\n")
        return bool(done)


def main():
    if len(sys.argv) != 5 or not sys.argv[2].isdigit():
        print(__doc__.split("\n")[0], file=sys.stderr)
        sys.exit(2)
    d, port, sname, cname = sys.argv[1], int(sys.argv[2]), sys.argv[3], \
        sys.argv[4]
    panes = [Pane(os.path.join(d, "server.raw"), os.path.join(d, "server.txt")),
             Pane(os.path.join(d, "client.raw"), os.path.join(d, "client.txt"))]
    packets = os.path.join(d, "packets.txt")
    specs = ["%s=%s" % (sname, panes[0].out), "%s=%s" % (cname, panes[1].out)]
    have_packets = os.path.exists(os.path.join(d, "tcpdump-on"))
    last = None
    while True:
        now = time.time()
        for p in panes:
            p.poll(now)
        try:
            npk = os.path.getsize(packets)
        except OSError:
            npk = 0
        state = (tuple(os.path.getsize(p.out) for p in panes), npk,
                 shutil.get_terminal_size())
        if state != last:
            last = state
            cols, rows = shutil.get_terminal_size()
            rows_, lanes, names, one, _ = picture.chart(port, specs, packets)
            text = picture.text_chart(rows_, lanes, names, cols, rows - 1,
                                      color="NO_COLOR" not in os.environ,
                                      headings=one)
            foot = ("calls timed as their lines appeared; packets: tcpdump"
                    if have_packets else
                    "calls as their lines appeared; no packets (tcpdump "
                    "needs root)")
            sys.stdout.write("\x1b[H\x1b[2J" + "\n".join(text) + "\n" +
                             foot[:cols])
            sys.stdout.flush()
        time.sleep(0.2)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
