#!/usr/bin/env python3
"""listing-breaks.py PDF: every page that opens inside a listing (its first
line under the running header is a line of code, by its line number, or a
line that names lines printed before, "lines A-B (...) not shown") says
"continued from the previous page", and the page before it says
"continued on the next page": a listing breaks only where the break is
marked (docs/preamble.tex: the notes of a box that breaks).

The notes and the line numbers are no text (\\notext): pdftohtml, which
does not read ActualText, gives them with where they stand. Prints each
page that opens inside a listing; exits 1 if one is unmarked, or if none
is found (the check would then check nothing).
"""
import html
import re
import sys

import pdftext

out = pdftext.output(["pdftohtml", "-xml", "-i", "-stdout", "-zoom", "1",
                      sys.argv[1]])
fonts = {}
pages = []
for height, body in re.findall(
        r'<page number="\d+"[^>]* height="([\d.]+)"[^>]*>(.*?)</page>', out, re.S):
    for fid, size, family in re.findall(
            r'<fontspec id="(\d+)" size="(\d+)" family="([^"]+)"', body):
        fonts[fid] = (int(size), family)
    items = []
    for top, font, text in re.findall(
            r'<text top="(-?[\d.]+)" left="-?[\d.]+" width="[\d.]+" '
            r'height="[\d.]+" font="(\d+)">(.*?)</text>', body):
        text = html.unescape(re.sub(r"<[^>]+>", "", text)).strip()
        if text:
            items.append((float(top), font, text))
    h = float(height)
    # (the running header and the foot: the top and bottom margins)
    body_items = sorted(i for i in items if 0.04 * h < i[0] < 0.95 * h)
    # (a note under a box at the foot of a page stands in the margin)
    notes = [t for _, _, t in items if t.startswith("continued ")]
    pages.append((body_items, notes))


def opens_in_listing(items):
    """Does the page's first line (under the header, below the note of a
    box that broke) belong to a listing?"""
    rows = [i for i in items if "continued" not in i[2]]
    if not rows:
        return False
    top = rows[0][0]
    first = [i for i in rows if abs(i[0] - top) <= 6]
    for _, font, text in first:
        size, family = fonts.get(font, (0, ""))
        if size <= 6 and "Mono" in family and text.isdigit():
            return True
    line = " ".join(t for _, _, t in first)
    return re.match(r"\W*lines \d+\u2013\d+ \(.*not shown", line) is not None


def says(page, note):
    return note in page[1]


seen = bad = 0
for n, page in enumerate(pages[1:], start=2):
    if not opens_in_listing(page[0]):
        continue
    seen += 1
    ok = (says(page, "continued from the previous page") and
          says(pages[n - 2], "continued on the next page"))
    bad += not ok
    print("%s PDF page %d opens inside a listing%s" % (
        "ok" if ok else "UNMARKED", n, "" if ok else
        ": no \"continued\" note at the break"))
print(seen, "pages open inside a listing,", bad, "unmarked")
sys.exit(1 if bad or not seen else 0)
