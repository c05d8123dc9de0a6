#!/usr/bin/env python3
"""page-joins.py CHECK PDF: what a page break must not cut off, read from
the PDF's rows (pdftohtml: each row's text, font size and colour).

CHECK is one of:

intros      No page ends with what introduces the listing or transcript
            that opens the next page: a whole file's line ("The whole
            file: ... in the repository"), a command (a short code box:
            the cc line the listing builds), a heading, either with up to
            three lines of text under it, or a short paragraph (one or two
            lines after a box: "Here is the server, from its first
            accept().").
remember    No "Remember" box (the close of a Part I chapter) opens a
            page, nor has a single row above it there ("The same in
            Python: ..., 47 lines."): two rows of its chapter at least.
titles      No transcript's title wraps: its title bar is one row.
gaps        No page ends with a transcript's "[N lines left out]": the
            mark says what follows it, and goes overleaf with that.

Prints each page that breaks the rule, and a count; exits 1 on one, 2
when it found no box to check (remember, titles: the check would check
nothing).
"""
import html
import re
import sys

import pdftext

CAPTION = re.compile(r"^\S+\.(c|h|py) ?, (lines \d|\d+ lines)")
TITLE = re.compile(r"^Transcript [0-9A-Z]+\.\d+:")
GAP = re.compile(r"^\[\d+ lines? left out\]$")

check, pdf = sys.argv[1], sys.argv[2]
out = pdftext.output(["pdftohtml", "-xml", "-i", "-stdout", "-zoom", "1", pdf])
fonts = {}
pages = []
for height, body in re.findall(
        r'<page number="\d+"[^>]* height="([\d.]+)"[^>]*>(.*?)</page>', out, re.S):
    for fid, size, family, color in re.findall(
            r'<fontspec id="(\d+)" size="(\d+)" family="([^"]+)" color="([^"]+)"', body):
        fonts[fid] = (int(size), family.split("+")[-1], color)
    rows = []
    for top, left, font, text in re.findall(
            r'<text top="(-?[\d.]+)" left="(-?[\d.]+)" width="[\d.]+" '
            r'height="[\d.]+" font="(\d+)">(.*?)</text>', body):
        text = html.unescape(re.sub(r"<[^>]+>", "", text)).strip()
        if not text:
            continue
        top, left = float(top), float(left)
        # (the pieces of one row: within 3 points of its top)
        row = next((r for r in rows if abs(r["top"] - top) <= 3), None)
        if row is None:
            row = {"top": top, "items": []}
            rows.append(row)
        row["items"].append((left, fonts[font], text))
    h = float(height)
    body_rows = []
    for row in sorted(rows, key=lambda r: r["top"]):
        # the running header and the footer stand in the margins
        if not 0.05 * h < row["top"] < 0.94 * h:
            continue
        items = sorted(row["items"])
        text = " ".join(i[2] for i in items)
        size, family, color = items[0][1]
        # "continued on the next page" and the line numbers are no rows
        # of the text (7 and 8 points)
        if size <= 8 and "continued" in text or all(i[1][0] <= 8 for i in items):
            continue
        white = color.lower() == "#ffffff"
        kind = ("title" if white else
                "heading" if size >= 12 else
                "whole-file" if text.startswith("The whole file:") else
                "code" if size == 9 and "Mono" in family else
                "small" if size == 9 else "text")
        body_rows.append((row["top"], kind, text))
    pages.append(body_rows)


def opens_with_box(rows):
    """Does the page open with a listing's caption or a transcript?"""
    return bool(rows) and (CAPTION.match(rows[0][2]) or TITLE.match(rows[0][2]))


def intro_at_foot(rows):
    """What at the foot of ROWS introduces the box overleaf, or None."""
    if not rows:
        return None
    # the rows of text at the end, and what stands above them
    k = len(rows)
    while k > 0 and rows[k - 1][1] == "text":
        k -= 1
    tail, above = rows[k:], rows[k - 1] if k > 0 else None
    if not tail:
        last = rows[-1]
        if last[1] == "whole-file":
            return "a whole file's line: " + last[2]
        if last[1] == "heading":
            return "a heading: " + last[2]
        # a short code box with no title above it: a command
        j = len(rows)
        while j > 0 and rows[j - 1][1] == "code":
            j -= 1
        if 0 < len(rows) - j <= 4 and (j == 0 or rows[j - 1][1] != "title"):
            return "a command: " + rows[-1][2]
        return None
    if above is None:
        return None  # (a paragraph from the page before ends here)
    if above[1] in ("heading", "whole-file") and len(tail) <= 3:
        return "%s and %d line(s) under it: %s" % (
            "a heading" if above[1] == "heading" else "a whole file's line",
            len(tail), tail[-1][2])
    if len(tail) <= 2:
        return "a short paragraph: " + " ".join(r[2] for r in tail)
    return None


bad = seen = 0
if check == "intros":
    for n in range(1, len(pages)):
        if not opens_with_box(pages[n]):
            continue
        seen += 1
        what = intro_at_foot(pages[n - 1])
        if what:
            bad += 1
            print("PDF page %d ends with what introduces the box that opens "
                  "page %d (%s): %s" % (n, n + 1, pages[n][0][2][:60], what[:100]))
    print(seen, "pages open with a listing or a transcript,", bad,
          "with what introduces it on the page before")
elif check == "remember":
    for n, rows in enumerate(pages, 1):
        for j, (_, kind, text) in enumerate(rows):
            if kind == "title" and text == "Remember":
                seen += 1
                if j < 2:
                    bad += 1
                    print("PDF page %d opens with a Remember box, %s, cut off "
                          "from its chapter" % (n, "alone" if j == 0 else
                                                "under one row: " + rows[0][2][:50]))
    print(seen, "Remember boxes,", bad, "opening a page")
elif check == "titles":
    for n, rows in enumerate(pages, 1):
        for j, (top, kind, text) in enumerate(rows):
            if kind == "title" and TITLE.match(text):
                seen += 1
                nxt = rows[j + 1] if j + 1 < len(rows) else None
                if nxt and nxt[1] == "title" and nxt[0] - top < 14:
                    bad += 1
                    print("PDF page %d: the title of %s wraps: %r on a row "
                          "of its own" % (n, text.split(":")[0], nxt[2]))
    print(seen, "transcript titles,", bad, "wrapped")
elif check == "gaps":
    for n, rows in enumerate(pages, 1):
        for j, (_, kind, text) in enumerate(rows):
            if kind == "code" and GAP.match(text):
                seen += 1
                if j == len(rows) - 1:
                    bad += 1
                    print("PDF page %d ends with %s, what it leaves out "
                          "overleaf" % (n, text))
    print(seen, "marks of lines left out,", bad, "at a page's foot")
else:
    sys.exit("page-joins.py: CHECK is intros, remember, titles or gaps")
# (a book where no page opens with a box has no intro to check; every
# book has Remember boxes, transcripts and marks of lines left out)
sys.exit(1 if bad else 2 if not seen and check != "intros" else 0)
