#!/usr/bin/env python3
"""picture-columns.py CHART.svg LEFT.svg RIGHT.svg: a picture of a real
run (mscgen's SVG, mk/pictures.mk) cut in two, for two columns side by
side on paper (docs/filters/diagrams.lua, paper-columns=2): LEFT the
chart down to the cut, RIGHT its lanes' titles again over the rest.

The cut goes where no box, text or arrow is, only the lifelines, near
where the two columns come out the same height. Each element goes whole
to one side; the lifelines are shortened to it. Nothing is clipped, so
the PDF of each half holds only the text it shows (a copy of the page
gives each label once). Python standard library only.
"""
import copy
import sys
import xml.etree.ElementTree as ET

SVG = "http://www.w3.org/2000/svg"
ET.register_namespace("", SVG)


def tag(el):
    return el.tag.split("}")[-1]


def y_range(el):
    """The rows of px an element covers (a text: its line's height)."""
    t = tag(el)
    if t == "text":
        y = float(el.get("y"))
        return y - 12, y + 3
    if t == "line":
        y1, y2 = float(el.get("y1")), float(el.get("y2"))
        return min(y1, y2) - 1, max(y1, y2) + 1
    if t == "polygon":
        ys = [float(p.split(",")[1]) for p in el.get("points").split()]
        return min(ys), max(ys)
    sys.exit("picture-columns.py: an element it does not know: <%s>" % t)


def main():
    src, left_out, right_out = sys.argv[1:4]
    tree = ET.parse(src)
    root = tree.getroot()
    width = float(root.get("width").rstrip("px"))
    height = float(root.get("height").rstrip("px"))
    elements = list(root)
    # The lanes: the x of each title (the texts at the very top); a
    # vertical line at one is a lifeline, which a cut may cross.
    lanes = {float(e.get("x")) for e in elements if tag(e) == "text" and float(e.get("y")) < 30}

    def lifeline(e):
        return tag(e) == "line" and e.get("x1") == e.get("x2") and float(e.get("x1")) in lanes

    head = min(min(float(e.get("y1")), float(e.get("y2"))) for e in elements if lifeline(e))
    busy = [y_range(e) for e in elements if not lifeline(e)]
    free = [y for y in range(int(head) + 2, int(height) - 1)
            if not any(lo < y < hi for lo, hi in busy)]
    if not free:
        sys.exit("picture-columns.py: %s: no place to cut it in two" % src)
    want = (height + head) / 2
    cut = min(free, key=lambda y: abs(y - want))

    def half(keep, shift, new_height):
        out = ET.Element(root.tag, root.attrib)
        out.set("height", "%gpx" % new_height)
        out.set("viewBox", "0 0 %g %g" % (width, new_height))
        for e in elements:
            lo, hi = (None, None) if lifeline(e) else y_range(e)
            part = keep(e, lo, hi)
            if part is None:
                continue
            part = copy.deepcopy(part)
            for a in ("y", "y1", "y2"):
                if part.get(a) is not None:
                    part.set(a, "%g" % (float(part.get(a)) - shift(float(part.get(a)))))
            if tag(part) == "polygon":
                part.set("points", " ".join(
                    "%s,%g" % (p.split(",")[0], float(p.split(",")[1]) - shift(float(p.split(",")[1])))
                    for p in part.get("points").split()))
            out.append(part)
        return ET.ElementTree(out)

    def clip_line(e, lo, hi):
        y1, y2 = float(e.get("y1")), float(e.get("y2"))
        a, b = max(min(y1, y2), lo), min(max(y1, y2), hi)
        if a >= b:
            return None
        e = copy.deepcopy(e)
        e.set("y1", "%g" % a)
        e.set("y2", "%g" % b)
        return e

    # Left: all above the cut (an element may end on it).
    def keep_left(e, lo, hi):
        if lo is None:
            return clip_line(e, 0, cut)
        return e if hi <= cut else None

    # Right: the titles (above the lifelines), then all below the cut,
    # moved up to just under the titles.
    def keep_right(e, lo, hi):
        if lo is None:
            return clip_line(e, cut, height)
        if hi < head or lo >= cut:
            return e
        return None

    half(keep_left, lambda y: 0, cut).write(left_out, encoding="unicode")
    half(keep_right, lambda y: 0 if y < head else cut - head,
         height - cut + head).write(right_out, encoding="unicode")


main()
