# reference-card-pages.py TEXT: the pages of the handout's text (pdftotext,
# form feeds between pages) with the reference card's heading, the contents
# aside; prints them, exits 1 unless exactly one.
import re, sys
pages = open(sys.argv[1]).read().split("\f")
card = [i + 1 for i, p in enumerate(pages)
        if re.search(r"^[A-Z0-9]+\.? Reference card$", p, re.M)
        and not re.search(r"^Contents$", p, re.M)]
print("pages:", card)
sys.exit(0 if len(card) == 1 else 1)
