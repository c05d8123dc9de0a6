# omissions.py PDF HTML: the marks of lines left out ("lines 1-127 not
# shown") that stand between an excerpt's caption and its first line.
#
# On paper there are none: the caption names the lines shown ("lines
# 203-224 of 484"), and a mark above them ("lines 164-202 not shown",
# the lines since the part shown before) was read as a cut inside the
# excerpt. A mark stands only between two shown parts of one listing.
# Every excerpt caption of the PDF is read, and the line under it.
#
# On screen each excerpt has one: it must name no line that a listing
# of the same file shows anywhere in the book, before or after it (Part
# II shows a file's parts out of order: "lines 1-338 not shown" once
# stood above lines 339-346, and lines 128-158 came further on).
#
# Prints each mark that is wrong, and how many captions and marks it
# read; exits 1 on a wrong mark, or if it read no excerpt on paper or
# no mark on screen.
import html
import re
import sys

import pdftext

caption = re.compile(r"^(\S+), lines? (\d+)(?:\u2013(\d+))? of \d+$")
# (a whole file's caption: "lines 1-65", no "of"; the first of the book
# adds "(the whole file)", a folded one says "65 lines (the whole file ...)")
whole = re.compile(r"^(\S+), (?:lines 1\u2013)?(\d+)(?: lines)?(?: \(.*\))?$")
gap = re.compile(r"lines (\d+)\u2013(\d+) not shown$")
mark = re.compile(r"\blines? \d+(\u2013\d+)? (\(.*\) )?not shown$")
bad = 0

# Paper: the line under each excerpt's caption is code, not a mark (the
# mark's dots may take a line of their own: the two lines under it).
text = pdftext.output(["pdftotext", "-layout", sys.argv[1], "-"])
lines = [l.strip() for l in text.splitlines() if l.strip()]
excerpts = 0
for i, line in enumerate(lines):
    if caption.match(line):
        excerpts += 1
        for after in lines[i + 1:i + 3]:
            if mark.search(after):
                bad += 1
                print("paper: %r above the first line of %s" % (after, line))
                break

# Screen: each caption, in the order of the book, and the mark under it.
page = open(sys.argv[2], encoding="utf-8").read()
shown, marks = {}, []
for cap, rest in re.findall(
        r'<div class="listing-caption">(.*?)</div>\s*'
        r'(<div class="listing-omission">.*?</div>)?', page, re.S):
    cap = " ".join(html.unescape(re.sub(r"<[^>]+>", "", cap)).split())
    rest = " ".join(html.unescape(re.sub(r"<[^>]+>", "", rest)).split())
    m = caption.match(cap)
    if m:
        path = m.group(1)
        shown.setdefault(path, []).append((int(m.group(2)),
                                           int(m.group(3) or m.group(2))))
        g = gap.search(rest)
        if g:
            marks.append((path, int(g.group(1)), int(g.group(2))))
        continue
    m = whole.match(cap)
    if m:
        shown.setdefault(m.group(1), []).append((1, int(m.group(2))))
for path, a, b in marks:
    over = [p for p in shown[path] if p[0] <= b and p[1] >= a]
    if over:
        bad += 1
        print("screen: %s: 'lines %d-%d not shown', but lines %s are shown" % (
            path, a, b, ", ".join("%d-%d" % p for p in over)))
print("paper:", excerpts, "excerpt captions read; screen:", len(marks),
      "marks under captions read;", bad, "wrong")
sys.exit(1 if bad or not excerpts or not marks else 0)
