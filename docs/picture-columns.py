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

picture-columns.py --excerpt NAME CHART.svg OUT.svg DOC.md...: the
lanes' titles over a part of the chart, for one column on paper at a
size that can be read. The image ![...](picture:NAME){...} in the
documents says which part: from a cut just above the first line of
text that starts with its paper-from, down to a cut just below the
first at or after it that starts with its paper-to; a paper-from of
alternatives, A|B, starts at the higher of the first A and the first B
(two calls either of which a run may draw first); a paper-to of
alternatives, A|B, goes down to the lower of the first A and the first
B (a call's result, say, that a run may draw above or below another
event). The cuts go where
only the lifelines are, as above; the times beside the arrows are set
in the labels' type, not mscgen's smaller one.

picture-columns.py --screen CHART.svg OUT.svg: the whole chart, its
times in the labels' type as in an excerpt, for the HTML and the EPUB,
where it is drawn at its own size (a phone scrolls it sideways): every
text 12 px.

picture-columns.py --pieces MOST[,WHOLE] CHART.svg PREFIX: the chart
(an excerpt, as above) whole when it is WHOLE px high or less (a frame
of its own, without a title, has more room), else cut in as few pieces
as leave each MOST px high or less, titles included, the cuts as even
as the free rows allow: each piece the lanes' titles again over its
part, PREFIX-1.svg, PREFIX-2.svg ..., one after another down the chart.
Each piece is a line printed: its name, then a tab, its first label,
a tab and its last (the times beside the arrows left out), for a
caption that says what the piece shows. For the slides (mk/slides.mk):
a tall chart on two or three frames, each piece large enough to be read
on a projector.
"""
import re
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


def labels_on_arrows(elements, lifeline):
    """A label and the arrow just under it, as one: the rows of px from
    the label's top down to its arrow. scripts/lib/picture-svg.py leaves
    a gap between them (the arrow clear of the label's commas), where a
    cut would part them."""
    arrows = [e for e in elements if tag(e) == "line" and not lifeline(e) and
              e.get("y1") == e.get("y2") and e.get("x1") != e.get("x2")]
    out = []
    for t in elements:
        if tag(t) != "text":
            continue
        y = float(t.get("y"))
        for a in arrows:
            if 0 < float(a.get("y1")) - y <= 8:
                out.append((y - 12, float(a.get("y1")) + 1))
    return out


def excerpt_of(name, docs):
    """NAME's paper-from and paper-to, from its image in DOCS."""
    for path in docs:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        m = re.search(r"\]\(picture:%s\)\{([^}]*)\}" % re.escape(name), text)
        if not m:
            continue
        attrs = dict((k, v1 or v2) for k, v1, v2 in re.findall(
            r"([\w-]+)=(?:\"([^\"]*)\"|'([^']*)')", m.group(1)))
        if "paper-from" in attrs and "paper-to" in attrs:
            return attrs["paper-from"], attrs["paper-to"]
        sys.exit("picture-columns.py: picture:%s in %s has no paper-from and paper-to"
                 % (name, path))
    sys.exit("picture-columns.py: no picture:%s in %s" % (name, " ".join(docs)))


def chart(src):
    """The chart in the SVG file src: its root, width, height, elements,
    lifeline (a test: is this element a lane's vertical line, which a
    cut may cross?), head (the y where the lifelines start, under the
    titles) and busy (the y ranges of what a cut must not cross)."""
    root = ET.parse(src).getroot()
    width = float(root.get("width").rstrip("px"))
    height = float(root.get("height").rstrip("px"))
    elements = list(root)
    # The lanes: the x of each title (the texts at the very top); a
    # vertical line at one is a lifeline, which a cut may cross.
    lanes = {float(e.get("x")) for e in elements if tag(e) == "text" and float(e.get("y")) < 30}

    def lifeline(e):
        return tag(e) == "line" and e.get("x1") == e.get("x2") and float(e.get("x1")) in lanes

    head = min(min(float(e.get("y1")), float(e.get("y2"))) for e in elements if lifeline(e))
    busy = [y_range(e) for e in elements if not lifeline(e)] + \
        labels_on_arrows(elements, lifeline)
    return root, width, height, elements, lifeline, head, busy


def band(root, elements, lifeline, head, width, a, b, adjust=None):
    """The titles over the band from y=a to y=b, moved up under them: a
    new SVG root, and how many boxes, texts and arrows it holds. The
    lifelines are cut to the band; anything else crossing its edges is
    left out. adjust(original, copy), if given, changes each copy of
    what the band holds before it goes in."""
    shift = a - head
    out = ET.Element(root.tag, root.attrib)
    new_height = b - a + head
    out.set("height", "%gpx" % new_height)
    out.set("viewBox", "0 0 %g %g" % (width, new_height))
    placed = 0
    for e in elements:
        if lifeline(e):
            y1, y2 = float(e.get("y1")), float(e.get("y2"))
            lo, hi = max(min(y1, y2), a), min(max(y1, y2), b)
            if lo >= hi:
                continue
            e = copy.deepcopy(e)
            e.set("y1", "%g" % (lo - shift))
            e.set("y2", "%g" % (hi - shift))
            out.append(e)
            continue
        lo, hi = y_range(e)
        if hi < head:
            out.append(copy.deepcopy(e))
            continue
        if lo < a or hi > b:
            continue
        placed += 1
        c = copy.deepcopy(e)
        for at in ("y", "y1", "y2"):
            if c.get(at) is not None:
                c.set(at, "%g" % (float(c.get(at)) - shift))
        if tag(c) == "polygon":
            c.set("points", " ".join(
                "%s,%g" % (q.split(",")[0], float(q.split(",")[1]) - shift)
                for q in c.get("points").split()))
        if adjust:
            adjust(e, c)
        out.append(c)
    return out, placed


def excerpt(start_text, end_text, src, out_path):
    root, width, height, elements, lifeline, head, busy = chart(src)
    texts = [e for e in elements if tag(e) == "text" and float(e.get("y")) > head]
    # START|START2: from whichever of them comes first in this run.
    starts = [next((e for e in texts
                    if (e.text or "").strip().startswith(alt)), None)
              for alt in start_text.split("|")]
    starts = [e for e in starts if e is not None]
    if not starts:
        sys.exit("picture-columns.py: %s: no text starts with %r" % (src, start_text))
    start = min(starts, key=lambda e: y_range(e)[0])
    after = texts[texts.index(start):]
    ends = []
    for alt in end_text.split("|"):
        e = next((e for e in after if (e.text or "").strip().startswith(alt)), None)
        if e is None:
            sys.exit("picture-columns.py: %s: no text after %r starts with %r"
                     % (src, start_text, alt))
        ends.append(e)
    end = max(ends, key=lambda e: y_range(e)[1])

    def free(y):
        return not any(lo < y < hi for lo, hi in busy)

    top = y_range(start)[0]
    bottom = y_range(end)[1]
    # The box or arrow a text is in: the cut goes outside it.
    cut_from = next(y for y in range(int(top), int(head), -1) if free(y))
    cut_to = next((y for y in range(int(bottom) + 1, int(height)) if free(y)), int(height))
    adjust = times_adjust(elements, lifeline)
    out, _ = band(root, elements, lifeline, head, width, cut_from, cut_to, adjust)
    ET.ElementTree(out).write(out_path, encoding="unicode")


def times_adjust(elements, lifeline):
    """adjust(original, copy) for band(): the times in the labels' type,
    and the labels they would run into moved left (times_moved)."""
    moved, raised = times_moved(elements, lifeline)

    def adjust(orig, e):
        # The times (mscgen's ids, in 8 px type): 12 px, the labels' own
        # size, to be read where the excerpt is scaled down to its box.
        if tag(e) == "text" and e.get("font-size") == "8":
            e.set("font-size", "12")
            # mscgen sets it against the label's last letter, raised 7 px
            # above its baseline: a gap, and on the label's line. A time
            # left raised (beside a label of two lines) goes down 3 px,
            # so the bigger type's top is where the small type's was: a
            # box that ends just above it (the other lane's call, when
            # the run put one there) stays clear of it.
            e.set("x", "%g" % (float(e.get("x")) + 4))
            e.set("y", "%g" % (float(e.get("y")) +
                               (3 if id(orig) in raised else 7)))
            e.attrib.pop("textLength", None)
        dx = moved.get(id(orig))
        if dx:
            if tag(e) == "polygon":
                e.set("points", " ".join(
                    "%g,%s" % (float(p.split(",")[0]) + dx, p.split(",")[1])
                    for p in e.get("points").split()))
            else:
                e.set("x", "%g" % (float(e.get("x")) + dx))
    return adjust


def screen(src, out_path):
    """The whole chart, its times in the labels' type, as excerpt()
    sets them: for the screen, where it is drawn at its own size."""
    root, width, height, elements, lifeline, head, busy = chart(src)
    adjust = times_adjust(elements, lifeline)
    out = ET.Element(root.tag, root.attrib)
    for e in elements:
        c = copy.deepcopy(e)
        adjust(e, c)
        # A time keeps the width mscgen gave it (Helvetica's), in the
        # bigger type: a browser without Helvetica draws it in a wider
        # font, which would run into the lifeline beside it.
        if tag(e) == "text" and e.get("font-size") == "8" and e.get("textLength"):
            c.set("textLength", "%g" % (float(e.get("textLength")) * 12 / 8))
            c.set("lengthAdjust", "spacingAndGlyphs")
        out.append(c)
    ET.ElementTree(out).write(out_path, encoding="unicode")


def times_moved(elements, lifeline):
    """{id(element): dx}: an arrow's label (its first line, with its white
    ground) and its time, moved left as far as the time, in the labels'
    12 px type, would pass the arrow's end (into the lifeline there).
    mscgen writes an arrow's line, its label's ground and text, then the
    time's ground and text, then the label's second line, if any. Beside
    a label of two lines (a dropped packet's) the time stays raised, clear
    of the cross at the arrow's end: those are the second set."""
    moved, raised = {}, set()
    for i, e in enumerate(elements):
        if tag(e) != "text" or e.get("font-size") != "8" or i < 3:
            continue
        if (i + 2 < len(elements) and tag(elements[i + 2]) == "text" and
                elements[i + 2].get("font-size") == "12" and
                float(elements[i + 2].get("y")) > float(e.get("y"))):
            raised.add(id(e))
            continue
        label = next((k for k in range(i - 1, -1, -1) if tag(elements[k]) == "text"
                      and elements[k].get("font-size") == "12"), None)
        arrow = next((a for a in reversed(elements[:i]) if tag(a) == "line" and
                      not lifeline(a) and a.get("y1") == a.get("y2") and
                      a.get("x1") != a.get("x2")), None)
        if label is None or arrow is None or not e.get("textLength"):
            continue
        left = min(float(arrow.get("x1")), float(arrow.get("x2")))
        right = max(float(arrow.get("x1")), float(arrow.get("x2")))
        end = float(e.get("x")) + 4 + float(e.get("textLength")) * 12 / 8
        dx = max(right - 3 - end, left + 2 - float(elements[label].get("x")))
        if dx >= 0:
            continue
        group = [elements[label], e]
        for k in (label - 1, i - 1):
            if tag(elements[k]) == "polygon":
                group.append(elements[k])
        for g in group:
            moved[id(g)] = dx
    return moved, raised


def pieces(most, src, prefix):
    most, _, whole_most = most.partition(",")
    most = float(most)
    root, width, height, elements, lifeline, head, busy = chart(src)
    if whole_most and height <= float(whole_most):
        most = height
    free = [y for y in range(int(head) + 2, int(height) - 1)
            if not any(lo < y < hi for lo, hi in busy)]
    if most <= head + 20:
        sys.exit("picture-columns.py: --pieces %g: no room under the titles (%g px)"
                 % (most, head))
    n = 1
    while True:
        want = [head + k * (height - head) / n for k in range(1, n)]
        cuts = [head] + sorted({min(free, key=lambda y: abs(y - w)) for w in want}) + [height]
        if all(b - a + head <= most for a, b in zip(cuts, cuts[1:])) or n > 20:
            break
        n += 1
    if n > 20:
        sys.exit("picture-columns.py: %s: no cuts leave pieces of %g px" % (src, most))
    placed = 0
    for k, (a, b) in enumerate(zip(cuts, cuts[1:]), 1):
        out, n = band(root, elements, lifeline, head, width, a, b)
        placed += n
        name = "%s-%d.svg" % (prefix, k)
        ET.ElementTree(out).write(name, encoding="unicode")
        # its labels top to bottom, not the times ("48.028 ms") beside
        # the arrows, nor the lanes' titles; without the zero-width
        # spaces that let a long one break
        labels = [" ".join((t.text or "").replace("\u200b", "").split())
                  for t in sorted((e for e in out if tag(e) == "text" and
                                   float(e.get("y")) > head),
                                  key=lambda e: float(e.get("y")))]
        labels = [t for t in labels if t and not re.match(r"^[\d.]+ ms$", t)]
        print("%s\t%s\t%s" % (name, labels[0] if labels else "",
                                labels[-1] if labels else ""))
    # Each box, text and arrow in one piece, none left out.
    whole = sum(1 for e in elements if not lifeline(e) and y_range(e)[1] >= head)
    if placed != whole:
        sys.exit("picture-columns.py: %s: %d of its %d elements in the pieces"
                 % (src, placed, whole))


def main():
    if sys.argv[1] == "--pieces":
        pieces(sys.argv[2], sys.argv[3], sys.argv[4])
        return
    if sys.argv[1] == "--screen":
        screen(sys.argv[2], sys.argv[3])
        return
    if sys.argv[1] == "--excerpt":
        start, end = excerpt_of(sys.argv[2], sys.argv[5:])
        excerpt(start, end, sys.argv[3], sys.argv[4])
        return
    src, left_out, right_out = sys.argv[1:4]
    root, width, height, elements, lifeline, head, busy = chart(src)
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
