# half-empty-pages.py PDF: prints the pages (pdftotext -bbox) that are more
# than half empty and not the last of a chapter (the next page has a running
# header); exits 1 if any.
import re, sys
import pdftext
from furniture import pages as furniture
out = pdftext.output(["pdftotext", "-bbox", sys.argv[1], "-"])
pages = re.findall(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', out, re.S)
info = []
# Whether a page has a running header: pdftotext leaves it out (no text,
# as a copy of the page has it), tests/peers/furniture.py reads it.
for (height, body), (header, _) in zip(pages, furniture(sys.argv[1])):
    height = float(height)
    words = [tuple(float(v) for v in w) for w in
             re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">', body)]
    top, bottom = 25 / 25.4 * 72, height - 25 / 25.4 * 72   # the margins
    text = [w[3] for w in words if w[1] >= top and w[3] <= bottom + 2]
    info.append((header, (max(text, default=top) - top) / (bottom - top)))
bad = [(i + 1, round(fill, 2)) for i, (header, fill) in enumerate(info[:-1])
       if header and info[i + 1][0] and fill < 0.5]
print(len(info), "pages; half empty, not at a chapter's end:", bad)
sys.exit(1 if bad else 0)
