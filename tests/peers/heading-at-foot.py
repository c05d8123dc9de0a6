# heading-at-foot.py TEXT: no page of the handout (its text by
# furniture.py, a form feed between pages) ends with a numbered heading
# ("6.9 Going further: a short send", "H.3 ...") just above its footer
# ("page 35"): the heading would be alone at the foot, what it heads on
# the next page. A line of a transcript that starts with a time ("2.1 s:
# clients open 1") is not a heading. Prints each such page, exits 1 if
# there is one, 2 if the text has too few pages to be the handout.
import re, sys
pages = open(sys.argv[1], encoding="utf-8").read().split("\f")
bad = 0
for n, page in enumerate(pages, 1):
    lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
    if len(lines) < 2 or not re.fullmatch(r"page [0-9ivx]+", lines[-1]):
        continue
    if re.fullmatch(r"([0-9]+|[A-Z])\.[0-9]+ (?!m?s:)\S.*", lines[-2]):
        print("page %d (of the PDF) ends with the heading %r" % (n, lines[-2]))
        bad = 1
sys.exit(bad if len(pages) > 30 else 2)
