# contents-numbers.py TEXT HTML EPUB: a lesson's title says its number
# ("Lesson 06: send() and recv()"), and nothing a reader sees puts a
# chapter number before it ("6 Lesson 06: ..."): not the PDF's contents
# or headings (TEXT, the PDF's text by furniture.py), not the HTML's
# contents, headings or links between chapters, not the EPUB's contents
# (nav.xhtml, toc.ncx) or headings. Lesson N is still chapter N: its sections are
# N.1, N.2 ... The printed contents list chapters only, under Part I
# (01-09) and Part II, the appendices lettered; each lesson starts with
# its first section (on screen its own contents come first, as links). Each "section N.M"
# the PDF names is a heading there, and each numbered heading of the
# HTML has the same number in the PDF. Fails (assert) on the first that
# does not hold.
import html, re, sys, zipfile

# "6 Lesson 06", "6Lesson 06", "6. Lesson 06": a lesson's number twice.
TWICE = re.compile(r"(?<![\w.])(\d+)\.?\s*Lesson\s+0*(\d+)\b")


def twice(text, where):
    for m in TWICE.finditer(text):
        assert int(m.group(1)) != int(m.group(2)), \
            "%s: a lesson's number twice: %r" % (where, m.group(0))


def plain(fragment):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


# The PDF.
text = open(sys.argv[1]).read()
pages = text.split("\f")
twice(text, "PDF")
toc = "\n".join(p for p in pages if re.search(r"^Contents", p, re.M))
found = re.findall(r"^Lesson (\d+):", toc, re.M)
print("lessons in the printed contents:", found)
assert len(found) >= 9, "too few lessons in the contents"
assert found == sorted(found), "the lessons out of order"
# Chapter level only: no section 6.1 in the printed contents.
assert not re.search(r"^6\.1(\s|$)", toc, re.M), "sections in the contents"
# Front matter without a number, the parts in order, back matter lettered.
assert re.search(r"^Getting started", toc, re.M), "no Getting started"
p1 = toc.find("Part I: ")
p2 = toc.find("Part II: ")
l1, l9, l10 = (toc.find("Lesson %s:" % n) for n in ("01", "09", "10"))
assert -1 < p1 < l1 < l9 < p2 < l10, "Part I before 01-09, Part II before 10"
assert re.search(r"^A Pitfalls", toc, re.M), "no appendix A Pitfalls"
# On paper each lesson's chapter opens with its title and then its
# first section, numbered N.1: no line of its sections' pages ("In this
# chapter: ..."), which a lesson read top to bottom does not need.
heads = list(re.finditer(r"^\f?Lesson (\d+):[^\n]*\n(?:[^\n]+\n)?\n*"
                         r"(?!In this chapter:)(?=\d+\.1 )", text, re.M))
print("chapters opening with their first section:", len(heads))
assert len(heads) == len(found), "a lesson that opens with something else"
assert "In this chapter:" not in "\n".join(
    p for p in pages if re.search(r"^\d+\.\d+ ", p, re.M) and
    re.search(r"^Lesson \d+:", p, re.M)), "a lesson's contents on paper"
for h in heads:
    first = re.compile(r"^(\d+)\.1 ", re.M).search(text, h.end())
    assert first and int(first.group(1)) == int(h.group(1)), \
        "lesson %s: its first section is not %d.1" % (h.group(1), int(h.group(1)))
# "section 6.9": a heading numbered 6.9 starts a line of the PDF.
refs = set(re.findall(r"section\s+([A-Z0-9]+(?:\.\d+)+)\b", text))
print("section references:", len(refs))
assert len(refs) >= 20, "too few section references to judge"
for number in sorted(refs):
    assert re.search(r"^" + re.escape(number) + r" \S", text, re.M), \
        "section %s: no such heading in the PDF" % number

# The HTML: its contents, its headings, the links from chapter to chapter.
page = open(sys.argv[2], encoding="utf-8").read()
entries = [plain(a) for a in re.findall(
    r'<a href="#lesson-\d+"[^>]*>(.*?)</a>', page, re.S)]
titles = [e for e in entries if e.startswith("Lesson ")]
print("HTML: %d links to a lesson's chapter that give its title" % len(titles))
assert len(titles) >= 2 * len(found), "the HTML's contents and links lack the lessons"
for e in entries:
    twice(e, "HTML link")
for h1 in re.findall(r'<h1[^>]*>(.*?)</h1>', page, re.S):
    twice(plain(h1), "HTML heading")
for nav in re.findall(r'<div class="chapter-nav">(.*?)</div>', page, re.S):
    twice(plain(nav), "HTML chapter links")
assert re.search(r'<h2[^>]*data-number="6\.1"', page), "no section 6.1 in the HTML"
# The same section numbers as the PDF: each numbered heading of the
# HTML, "6.9 Going further: a short send", starts a line of the PDF with
# its number and its first word (a class that reads both editions is
# told the same numbers).
same = 0
for number, title in re.findall(
        r'<h[23][^>]*data-number="([A-Z0-9]+(?:\.\d+)+)"[^>]*>\s*'
        r'<span class="header-section-number">[^<]*</span>(.*?)</h[23]>', page, re.S):
    words = plain(title).split()
    if not words:
        continue
    assert re.search(r"^" + re.escape(number) + r" " + re.escape(words[0]), text, re.M), \
        "section %s %s: numbered so in the HTML, not in the PDF" % (number, " ".join(words))
    same += 1
print("HTML sections numbered as in the PDF:", same)
assert same >= 100, "too few numbered sections in the HTML to judge"

# The EPUB: its two contents and its chapters' headings.
z = zipfile.ZipFile(sys.argv[3])
nav = z.read("EPUB/nav.xhtml").decode()
ncx = z.read("EPUB/toc.ncx").decode()
lessons = [plain(a) for a in re.findall(r'<a href="[^"]*#lesson-\d+">(.*?)</a>', nav, re.S)]
print("EPUB contents:", lessons[:2], "...")
assert len(lessons) == len(found), "the EPUB's contents lack the lessons"
assert all(t.startswith("Lesson ") for t in lessons), "a number before a lesson"
twice(plain(nav), "EPUB nav.xhtml")
twice(plain(ncx), "EPUB toc.ncx")
for n in z.namelist():
    if re.match(r"EPUB/text/ch\d+\.xhtml$", n):
        chapter = z.read(n).decode()
        for h1 in re.findall(r"<h1[^>]*>(.*?)</h1>", chapter, re.S):
            twice(plain(h1), n)
        twice(plain(" ".join(re.findall(r"<title>(.*?)</title>", chapter))), n)
