# running-headers.py TEXT TOC: each page's running header (TEXT, the PDF's
# text by furniture.py: its first line, when "sockstep handout" follows
# it) names the chapter in force at the top of the page: the last one that
# starts (TOC, pdflatex's contents file) on an earlier page, numbered as a
# lesson's title ("Lesson 10: ...") or an appendix's ("F. Hints ..."); and
# each part's title opens a page of its own, without a header. A page that
# AUX (pdflatex's .aux, optional) lists as \ssheadfirst{N} (a run-on
# chapter starts in its top quarter: docs/preamble.tex) names the first
# chapter that starts on it. Prints the pages that do not; exits 1 if any, or if
# it found too few headers to judge.
import re, sys
pages = open(sys.argv[1]).read().split("\f")
starts = []  # (printed page, header the chapter should have)
for m in re.finditer(r"\\contentsline \{chapter\}\{(.*)\}\{(\d+)\}\{[^}]*\}%",
                     open(sys.argv[2]).read()):
    title, page = m.group(1), int(m.group(2))
    num = re.match(r"\\numberline \{(\w+)\}(.*)", title)
    if num:
        title = num.group(2) if num.group(1).isdigit() else \
            num.group(1) + ". " + num.group(2)
    title = re.sub(r"\\[a-zA-Z]+ ?|[{}]", "", title)
    starts.append((page, " ".join(title.split())))
parts = {int(m.group(2)): m.group(1) for m in re.finditer(
    r"\\contentsline \{part\}\{(.*)\}\{(\d+)\}\{[^}]*\}%", open(sys.argv[2]).read())}
first = set()
if len(sys.argv) > 3:
    first = {int(n) for n in re.findall(r"\\ssheadfirst\{(\d+)\}",
                                         open(sys.argv[3]).read())}
checked = bad = 0
for text in pages:
    lines = text.split("\n")
    foot = [int(m.group(1)) for l in lines if (m := re.match(r"page (\d+)$", l))]
    if foot and foot[-1] in parts:
        if lines[0] != parts.pop(foot[-1]):
            print("page %d: the part does not open it: %r" % (foot[-1], lines[0]))
            bad = 1
    if not foot or "sockstep handout" not in lines[1:4]:
        continue
    want = [t for p, t in starts if p < foot[-1]]
    if foot[-1] in first:
        want += [t for p, t in starts if p == foot[-1]][:1]
    checked += 1
    if not want or lines[0] != want[-1]:
        print("page %d: header %r, chapter in force %r"
              % (foot[-1], lines[0], want[-1] if want else None))
        bad = 1
print(checked, "headers checked")
for page, title in parts.items():
    print("page %d: no such page for %r" % (page, title))
sys.exit(1 if bad or parts or checked < 50 else 0)
