#!/usr/bin/env python3
"""section-numbers.py TOC HTML EPUB: the PDF, the HTML and the EPUB number
their sections the same: the numbers of the sections of the PDF's
contents (pdflatex's TOC file, \\numberline), in order, are those of the
HTML's <h2 data-number> and of the EPUB's, in order (the tools
appendix's notes on the lesson programs, which only the screen prints, have none).
Prints the first difference; exits 1 on one, or when there are too few
numbers to compare.
"""
import re
import sys
import zipfile

pdf = re.findall(r"\\contentsline \{section\}\{\\numberline \{([^}]*)\}",
                 open(sys.argv[1], encoding="utf-8").read())
html = re.findall(r'<h2[^>]*data-number="([^"]*)"',
                  open(sys.argv[2], encoding="utf-8").read())
with zipfile.ZipFile(sys.argv[3]) as z:
    names = [n for n in z.namelist() if re.match(r"EPUB/text/ch\d+\.xhtml$", n)]
    names.sort(key=lambda n: int(re.search(r"(\d+)", n.split("/")[-1]).group(1)))
    epub = [m for n in names for m in re.findall(
        r'<h2[^>]*data-number="([^"]*)"', z.read(n).decode("utf-8"))]
bad = 0
for name, got in (("HTML", html), ("EPUB", epub)):
    if got != pdf:
        bad = 1
        extra = [n for n in got if n not in pdf]
        missing = [n for n in pdf if n not in got]
        print("%s numbers its sections otherwise than the PDF: %d against %d;"
              " not in the PDF: %s; not in the %s: %s" % (
                  name, len(got), len(pdf), extra[:12], name, missing[:12]))
print(len(pdf), "numbered sections in the PDF")
sys.exit(1 if bad or len(pdf) < 100 else 0)
