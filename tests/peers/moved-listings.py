# moved-listings.py PDF: a listing that would not fit at the foot of a
# page, moved whole to the next with the sentence that leads to it, must
# not leave more than a fifth of the page before it blank (a chapter's
# short core once left a quarter). Finds each page whose text starts with
# a listing's caption ("lessons/plain/client.c, lines 36-51 of 54"), or
# with one paragraph ending in ":" and then a caption, and measures how
# full the page before it is (pdftotext -bbox: its lowest line of text
# against the lowest of any page). Prints each such page; exits 1 if one
# page before is more than a fifth empty.
# A listing of up to 15 lines never breaks (docs/filters/code.lua): it
# moves whole when it does not fit, and the page before may be as empty
# as what moved is tall (the lead-in, the caption and the box). For it,
# the page before must be less empty than that: it moved because it did
# not fit, not because the room its caption asked for was too much.
import html, re, sys
import pdftext
from furniture import pages as furniture

out = pdftext.output(["pdftotext", "-bbox", sys.argv[1], "-"])
pages = re.findall(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>',
                   out, re.S)
CAPTION = re.compile(r"^\S+\.(c|h|py), (lines \d+|\d+ lines)")
TOP = 16 / 25.4 * 72   # the top margin (mk/handout.mk: geometry)
BOTTOM = 16 / 25.4 * 72   # and the bottom one
info = []
# Whether a page has a running header: pdftotext leaves it out (no text,
# as a copy of the page has it), tests/peers/furniture.py reads it.
for (height, body), (header, _) in zip(pages, furniture(sys.argv[1])):
    words = [(float(a), float(b), float(c), float(d), t)
             for a, b, c, d, t in re.findall(
                 r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                 r'yMax="([\d.]+)">([^<]*)</word>', body)]
    # The page's lines of text below the header, top down: words whose
    # middles are at one height; the foot ("page 37") left out.
    lines = []
    for w in sorted((w for w in words if w[1] >= TOP - 1),
                    key=lambda w: ((w[1] + w[3]) / 2, w[0])):
        mid = (w[1] + w[3]) / 2
        if lines and abs(lines[-1][0] - mid) < 4:
            lines[-1][2].append(w)
        else:
            lines.append([mid, w[3], [w]])
    for line in lines:
        line[1] = max(w[3] for w in line[2])
        line[2] = " ".join(w[4] for w in sorted(line[2]))
    if lines and re.match(r"^page \d+$", lines[-1][2]):
        lines.pop()
    text = [html.unescape(t) for _, _, t in lines]
    info.append((header, max((l[1] for l in lines), default=TOP), text,
                 [l[1] for l in lines]))
# The foot of the text: the bottom margin's edge (mk/handout.mk:
# geometry), as TOP is the top one's, not the lowest line of any page:
# one page whose text runs a few points lower (the index's columns)
# would move every page's measure, and a page on the edge would pass or
# fail with it.
bottom = float(pages[0][0]) - BOTTOM
info = [(h, (low - TOP) / (bottom - TOP), t, [(x - TOP) / (bottom - TOP) for x in lows])
        for h, low, t, lows in info]
SIZE = re.compile(r", (?:lines (\d+)\u2013(\d+)|(?:lines 1\u2013)?(\d+)(?: lines)?)")

moved, bad = 0, 0
for i in range(1, len(info)):
    header, _, text, lows = info[i]
    if not header or not text:
        continue
    # The caption first, or after one paragraph: lines of which only the
    # last ends with ":".
    first = next((k for k, t in enumerate(text[:5]) if CAPTION.match(t)), None)
    lead = text[:first] if first is not None else []
    if first is None or (lead and (not lead[-1].endswith(":") or
                                   any(t.endswith(":") for t in lead[:-1]))):
        continue
    moved += 1
    fill = info[i - 1][1]
    print("PDF page %d starts with %r; page %d is %d%% full"
          % (i + 1, text[first][:60], i, round(100 * fill)))
    m = SIZE.search(text[first])
    size = (int(m.group(2)) - int(m.group(1)) + 1) if m and m.group(1) else \
        int(m.group(3)) if m else 0
    if 0 < size <= 15 and first + size < len(text):
        # (what moved: down to the box's last line, a line of text each)
        used = lows[first + size]
        print("  a box of %d lines, never split: what moved takes %d%% of a page"
              % (size, round(100 * used)))
        if 1 - fill >= used:
            print("  page %d had room for it" % i)
            bad = 1
    elif fill < 0.8:
        print("  page %d ends more than a fifth empty" % i)
        bad = 1
print(moved, "pages start with a listing moved from the page before")
sys.exit(bad)
