# index-links.py HTML: the HTML's index (section id="index") lists calls,
# options, errno names and TCP states; every one of its links leads to an
# anchor the page has: a mention of that name, a listing or transcript
# that shows it, or a section whose heading names it. Each entry has one
# main place (in bold) at most, TIME_WAIT's in lesson 07, and no name is
# listed twice ("close" and "close()").
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
start = html.index('<section id="index"')
index = html[start:]
for name in ("bind()", "SO_REUSEADDR", "EADDRINUSE", "MSG_NOSIGNAL", "TIME_WAIT"):
    assert "<code>%s</code>:" % name in index, "no %s in the index" % name
entries = re.findall(r"<p>(?:<code>)?([^<:]+)(?:</code>)?:(.*?)</p>", index, re.S)
names = [n for n, _ in entries]
for n in names:
    assert not (n + "()" in names), "listed twice: %s and %s()" % (n, n)
links = 0
for name, rest in entries:
    assert rest.count("<strong>") <= 1, "%s: more than one main place" % name
    for target in re.findall(r'href="#([\w-]+)"', rest):
        m = re.search(r'id="%s"[^>]*>(.{0,60000})' % re.escape(target), html, re.S)
        assert m, "the index's link #%s (%s) leads nowhere" % (target, name)
        near = re.sub(r"<[^>]+>", "", m.group(1)).replace("&amp;", "&")
        near = re.sub(r"\s+", " ", near)  # (a term may wrap: "file\ndescriptor")
        word = name.rstrip("()")
        # (an apostrophe, typeset or escaped, is one: "Nagle's algorithm")
        near, word = (re.sub(r"&#39;|\u2019", "'", t) for t in (near, word))
        assert word.lower() in near.lower(), \
            "#%s does not show %s" % (target, name)
        links += 1
main = re.search(r"<code>TIME_WAIT</code>:(.*?)</p>", index, re.S).group(1)
assert re.search(r'<strong><a\s+href="#[\w-]+">7\.\d+</a></strong>', main), \
    "TIME_WAIT's main place is not in lesson 07: " + main
print("%d entries, %d links, all to where their name is" % (len(entries), links))
assert links > 150, "too few links in the index"
