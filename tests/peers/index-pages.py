# index-pages.py PDF: each page the printed index gives for a call
# ("fcntl(), 56, 62, 88") names that call on that page. An entry marked
# at the start of a paragraph once went to the page before it, where the
# paragraph's page break fell: fcntl() in lesson 20 was indexed on p. 87,
# its mention on p. 88. Prints each page that does not name its call;
# exits 1 on one, or on fewer than 50 pages checked. The book's printed
# page N is the PDF's page N + 2 (title and contents come first).
import os, re, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pdftext

pdf = sys.argv[1]
pages = pdftext.output(["pdftotext", "-layout", pdf, "-"]).split("\f")
index = max(i for i, p in enumerate(pages) if re.search(r"^\s*Index\s*$", p, re.M))
raw = pdftext.output(["pdftotext", "-f", str(index + 1), "-l", str(len(pages)), pdf, "-"])
bad = n = 0
for m in re.finditer(r"^([A-Za-z_][A-Za-z0-9_]*)\(\), ([0-9, ]+)$", raw, re.M):
    name = m.group(1)
    for page in [int(x) for x in m.group(2).split(",") if x.strip()]:
        n += 1
        at = page + 1
        if not (0 <= at < len(pages)) or name not in pages[at]:
            print("%s(): page %d does not name it" % (name, page))
            bad += 1
print(n, "pages of calls checked,", bad, "wrong")
sys.exit(1 if bad or n < 50 else 0)
