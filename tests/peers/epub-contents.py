# epub-contents.py EPUB: the EPUB holds two diagrams (SVG) or more, lesson
# 04's program whole, lesson 10's folded, a numbered C listing and a
# transcript, a cover image, each chapter file titled by its chapter, not
# its file name, and listings that wrap with a continuation mark; prints
# the SVGs' names, fails (assert) on what is missing.
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = z.namelist()
text = "".join(z.read(n).decode() for n in names if n.endswith(".xhtml"))
# Hyphenated stretches of inline code are kept whole in spans of their own.
text = re.sub(r'<span class="nobr">([^<]*)</span>', r"\1", text)
svgs = [n for n in names if n.endswith(".svg")]
print("svg:", svgs)
assert len(svgs) >= 2, "no diagrams"
assert "lessons/04-accept/accept.c</code>, " in text, "no listing of lesson 04"
assert "lessons/04-accept/accept.c</code>, lines 1\u2013" in text, "lesson 04 not whole"
assert "The whole file: lessons/10-getaddrinfo/getaddrinfo.c" in text, "no folded program"
assert 'class="sourceCode numberSource c numberLines"' in text, "no numbered C listing"
assert 'class="terminal"' in text, "no transcript"

covers = [n for n in names if re.match(r"EPUB/media/cover\.(png|jpe?g)$", n)]
assert covers, "no cover image"
opf = z.read("EPUB/content.opf").decode()
assert 'properties="cover-image"' in opf, "the cover is not marked as one"
chapters = [n for n in names if re.match(r"EPUB/text/ch\d+\.xhtml$", n)]
for n in chapters:
    title = re.search(r"<title>([^<]*)</title>", z.read(n).decode()).group(1)
    assert not title.endswith(".xhtml"), n + " is titled by its file name"
print("%d chapter files titled, cover %s" % (len(chapters), covers[0]))

# Listings wrap on a reader that cannot scroll sideways, continuations
# marked (docs/handout.css, which pandoc packs as one of EPUB/styles/*.css,
# linked from every chapter file).
css = [n for n in names if n.startswith("EPUB/styles/") and
       "background-image" in z.read(n).decode() and
       "white-space: pre-wrap" in z.read(n).decode()]
assert css, "no stylesheet makes listings wrap with a mark"
base = css[0].rsplit("/", 1)[1]
assert all(base in z.read(n).decode() for n in chapters), \
    "a chapter file without " + base
