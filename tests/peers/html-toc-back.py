# html-toc-back.py HTML: the handout page's contents list chapters and their
# sections (6.1 under lesson 06), and every h1 and h2 is followed by a link
# back; prints how many headings, how many without; fails on a miss.
import re, sys
h = open(sys.argv[1]).read()
toc = re.search(r'<nav id="TOC".*?</nav>', h, re.S).group(0)
assert 'href="#lesson-06"' in toc and 'href="#l06-call"' in toc, "no sections"
# Every chapter and section (h1, h2) is followed by a link back to it.
# (the title block and the contents' own heading aside)
heads = re.findall(r"<h[12] (?!class=\"title\"|id=\"toc-title\").*?</h[12]>\s*(<div class=\"back\">)?", h, re.S)
missing = [x for x in heads if not x]
print(len(heads), "headings,", len(missing), "without a way back")
assert heads and not missing
