# omissions.py PDF: a mark of lines left out ("lines 1-127 not shown"),
# under a listing's caption, must name no line that a listing of the same
# file shows anywhere in the book, before or after it. Prints each
# mark that does, and how many marks it read; exits 1 on such a mark, or
# if it read none.
import re, sys
import pdftext

text = pdftext.output(["pdftotext", "-layout", sys.argv[1], "-"])
lines = [l.strip() for l in text.splitlines() if l.strip()]
shown, marks = {}, []
caption = re.compile(r"^(\S+), lines (\d+)\u2013(\d+) of \d+$")
whole = re.compile(r"^(\S+), (?:lines 1\u2013)?(\d+)(?: lines)? \(the whole file")
gap = re.compile(r"lines (\d+)\u2013(\d+) not shown$")
for i, line in enumerate(lines):
    m = caption.match(line)
    if m:
        path, a, b = m.group(1), int(m.group(2)), int(m.group(3))
        shown.setdefault(path, []).append((a, b))
        # the mark's dots may take a line of their own
        for after in lines[i + 1:i + 3]:
            g = gap.search(after)
            if g:
                marks.append((path, int(g.group(1)), int(g.group(2))))
                break
        continue
    m = whole.match(line)
    if m:
        shown.setdefault(m.group(1), []).append((1, int(m.group(2))))
bad = 0
for path, a, b in marks:
    over = [p for p in shown[path] if p[0] <= b and p[1] >= a]
    if over:
        bad += 1
        print("%s: 'lines %d-%d not shown', but lines %s are shown" % (
            path, a, b, ", ".join("%d-%d" % p for p in over)))
print(len(marks), "marks under captions read")
sys.exit(1 if bad or not marks else 0)
