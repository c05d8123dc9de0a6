# index-links.py HTML: the HTML's index (section id="index") lists calls,
# options and errno names, and every one of its links leads to an anchor
# the page has, next to a mention of that name.
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
start = html.index('<section id="index"')
index = html[start:]
for name in ("bind()", "SO_REUSEADDR", "EADDRINUSE", "MSG_NOSIGNAL"):
    assert "<code>%s</code>:" % name in index, "no %s in the index" % name
entries = re.findall(r"<code>([^<]+)</code>:((?:[^<]|<a\s[^>]*>[^<]*</a>)*)",
                     index)
links = 0
for name, rest in entries:
    for target in re.findall(r'href="#(ix-\d+)"', rest):
        m = re.search(r'<span\s+id="%s"><code>([^<]*)</code>' % target, html)
        assert m, "the index's link #%s leads nowhere" % target
        got = m.group(1)
        assert got == name or got == name.rstrip("()") + "()", \
            "#%s is %s, not %s" % (target, got, name)
        links += 1
print("%d entries, %d links, all to a mention of their name" % (len(entries), links))
assert links > 200, "too few links in the index"
