#!/usr/bin/env python3
"""picture-svg.py CHART.svg: room around the text of a chart mscgen drew
(scripts/capture --picture, scripts/check --picture, make pictures),
rewritten in place.

mscgen sizes its text by a font 9 px tall with nothing below the line,
and draws 12 px Helvetica, whose capitals rise 9 px and whose commas
and parentheses go 3 px below it. So a box of two or three lines (a
call whose arguments wrap: "socket(AF_INET, SOCK_STREAM," then "...) =
3") is no taller than a box of one: its first line touches the top
border and its last crosses the bottom one; and an arrow's label sits
on the arrow, which runs through its commas, a "(dropped)" under it
touching it from below. Here each such box is made taller, its lines
spaced a line apart and centred in it, and each arrow is moved down
clear of its label (a label's second line below it, clear of it too);
all that comes below moves down by as much, the lanes' lines longer.
Nothing else changes: the one-line boxes, the states, the headings
and the times stay as mscgen drew them.

Python's standard library only. Exit 0, 1 if CHART is not a chart
mscgen drew, 2 on bad usage.
"""
import os
import sys
import xml.etree.ElementTree as ET

SVG = "http://www.w3.org/2000/svg"
ET.register_namespace("", SVG)

ASCENT = 9   # px above the baseline: 12 px Helvetica's capitals, "(" (0.73 em)
DESCENT = 3  # px below it: "," "(" "g" (0.22 em)
LINE = 13    # px from one line's baseline to the next (mscgen: 11)
PAD = 2.5    # px at least between a box's border and its text
ARROW_GAP = 4  # px the arrow goes down, away from its label's baseline
UNDER = 3    # px more for each line of a label under its arrow


def tag(el):
    return el.tag.split("}")[-1]


def num(el, a):
    return float(el.get(a))


def points(el):
    return [tuple(float(v) for v in p.split(",")) for p in el.get("points").split()]


def is_text(el, size="12"):
    return tag(el) == "text" and el.get("font-size") == size


def tidy(root):
    elements = list(root)
    lanes = {num(e, "x") for e in elements if tag(e) == "text" and num(e, "y") < 30}
    if not lanes:
        sys.exit("picture-svg.py: no lanes' titles: not a chart mscgen drew")

    def lifeline(e):
        return (tag(e) == "line" and e.get("x1") == e.get("x2") and
                num(e, "x1") in lanes)

    # The rows: each starts with its lanes' lines, its arc's drawing after.
    rows, cur = [], None
    for e in elements:
        if lifeline(e):
            if cur is None or cur["arc"]:
                cur = {"top": num(e, "y1"), "bottom": num(e, "y2"), "arc": []}
                rows.append(cur)
        elif cur is not None:
            cur["arc"].append(e)

    inserts = []  # (y, px): every y below y moves down px
    moves = []    # (text, its background, the baseline it must have)
    whole = {}    # an arrow's lines (the arrow, its head, its cross): moved
                  # as one, as far as the arrow, never stretched
    for row in rows:
        arc = row["arc"]
        if not arc:
            continue
        first = arc[0]
        texts = [(arc[i - 1], t) for i, t in enumerate(arc)
                 if i > 0 and is_text(t) and tag(arc[i - 1]) == "polygon"]
        box = (tag(first) == "polygon" and len(points(first)) == 4 and
               len(arc) > 4 and all(tag(x) == "line" for x in arc[1:5]))
        arrow = (tag(first) == "line" and first.get("y1") == first.get("y2") and
                 first.get("x1") != first.get("x2") and
                 first.get("stroke-dasharray") is None)
        if box and len(texts) > 1:
            ys = [y for _, y in points(first)]
            top, bottom = min(ys), max(ys)
            n = len(texts)
            need = (n - 1) * LINE + ASCENT + DESCENT + 2 * PAD
            grow = max(0, int(need - (bottom - top) + 0.999))
            if grow:
                inserts.append((bottom - 0.5, grow))
            pad = (bottom + grow - top - (n - 1) * LINE - ASCENT - DESCENT) / 2
            for k, (bg, t) in enumerate(texts):
                moves.append((t, bg, (top, pad + ASCENT + k * LINE)))
        elif arrow and texts:
            y = num(first, "y1")
            inserts.append((y - 0.5, ARROW_GAP))
            for x in arc:
                if tag(x) == "line":
                    whole[id(x)] = y
            under = [(bg, t) for bg, t in texts if num(t, "y") > y]
            if under:
                inserts.append((row["bottom"] - 0.5, UNDER * len(under)))
            for k, (bg, t) in enumerate(under):
                moves.append((t, bg, (y, 2 + ASCENT + k * LINE)))

    def f(y):
        return y + sum(px for at, px in inserts if y > at)

    def fmt(v):
        return "%g" % v

    for e in elements:
        if id(e) in whole:
            dy = f(whole[id(e)]) - whole[id(e)]
            for a in ("y1", "y2"):
                e.set(a, fmt(num(e, a) + dy))
            continue
        for a in ("y", "y1", "y2"):
            if e.get(a) is not None:
                e.set(a, fmt(f(num(e, a))))
        if tag(e) == "polygon":
            e.set("points", " ".join("%s,%s" % (fmt(x), fmt(f(y)))
                                     for x, y in points(e)))
    for t, bg, (at, offset) in moves:
        want = f(at) + offset
        dy = want - num(t, "y")
        t.set("y", fmt(want))
        bg.set("points", " ".join("%s,%s" % (fmt(x), fmt(y + dy))
                                  for x, y in points(bg)))
    height = float(root.get("height").rstrip("px"))
    width = float(root.get("width").rstrip("px"))
    new_height = f(height)
    root.set("height", "%gpx" % new_height)
    root.set("viewBox", "0 0 %g %g" % (width, new_height))


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: picture-svg.py CHART.svg\n")
        sys.exit(2)
    path = sys.argv[1]
    tree = ET.parse(path)
    tidy(tree.getroot())
    tree.write(path + ".tmp", encoding="unicode")
    with open(path + ".tmp", "a") as f:
        f.write("\n")
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main()
