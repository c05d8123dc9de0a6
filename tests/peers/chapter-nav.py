# chapter-nav.py HTML: each chapter of the HTML (a level-1 section) ends
# with previous / contents / next links, and "next" leads to the chapter
# that follows it: from any chapter, one tap reaches the next.
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
chapters = re.findall(r'<section id="([^"]+)" class="level1\b', html)
navs = re.findall(r'<div class="chapter-nav">(.*?)</div>', html, re.S)
assert len(navs) == len(chapters), "%d chapters, %d navs" % (len(chapters), len(navs))
for i, nav in enumerate(navs):
    nxt = re.search(r'<a\s+href="#([^"]+)"\s+class="next"', nav)
    want = chapters[i + 1] if i + 1 < len(chapters) else None
    assert (nxt.group(1) if nxt else None) == want, \
        "after %s: next is %s, not %s" % (chapters[i], nxt and nxt.group(1), want)
    assert 'href="#TOC"' in nav, "no way to the contents after " + chapters[i]
print("%d chapters, each ending with a link to the next" % len(chapters))
