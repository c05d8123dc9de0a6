# epub-contents.py EPUB: the EPUB holds two diagrams (SVG) or more, lesson
# 04's program whole, lesson 10's folded, a numbered C listing and a
# transcript, a cover image, each chapter file titled by its chapter, not
# its file name, listings that wrap with a continuation mark, a toc.ncx
# as pandoc wrote it and no entry for a lesson program of appendix C, a
# narrow rendering of each diagram and a scrolling box for each picture
# of a run; prints the SVGs' names, fails (assert) on what is missing.
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

# On a phone each diagram is drawn in its narrow rendering (bigger type)
# and each picture of a run at its own size, scrolling sideways in its
# box (docs/filters/diagrams.lua, docs/handout.css).
wide = len(re.findall(r'<img class="wide" ', text))
narrow = len(re.findall(r'<img class="narrow" ', text))
assert wide >= 2 and narrow == wide, \
    "diagrams: %d wide renderings, %d narrow" % (wide, narrow)
pictures = len(re.findall(r'<figure id="[^"]*" class="picture">', text))
scrolled = len(re.findall(r'<figure id="[^"]*" class="picture">\s*'
                          r'<div class="picture-scroll"><img ', text))
assert pictures and scrolled == pictures, \
    "pictures: %d, %d in a box that scrolls" % (pictures, scrolled)
print("%d diagrams with a narrow rendering, %d pictures in a box that scrolls"
      % (narrow, pictures))

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
# It carries no comment: those of docs/handout.css are for whoever
# changes it (they name filters and tests), not for a reader.
assert "/*" not in z.read(css[0]).decode(), css[0] + " keeps comments"
assert all(base in z.read(n).decode() for n in chapters), \
    "a chapter file without " + base

# Each Part holds its chapters in the contents (nav.xhtml and toc.ncx):
# Part I's entry lists lesson 01 inside it, Part II's lesson 20, and the
# first appendix is a sibling of the Parts again.
import xml.etree.ElementTree as ET
X, N = "{http://www.w3.org/1999/xhtml}", "{http://www.daisy.org/z3986/2005/ncx/}"
nav = ET.fromstring(z.read("EPUB/nav.xhtml"))
top = next(n for n in nav.iter(X + "nav")
           if n.get("{http://www.idpf.org/2007/ops}type") == "toc").find(X + "ol")
entries = {"".join(li.find(X + "a").itertext()).strip(): li
           for li in top.findall(X + "li")}
# toc.ncx rewritten as pandoc wrote it, its namespace the default one:
# no "ns0:" before every element, as ElementTree writes one otherwise
raw_ncx = z.read("EPUB/toc.ncx").decode()
assert re.search(r'<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/"',
                 raw_ncx) and "<ns0:" not in raw_ncx, \
    "toc.ncx: its elements prefixed: " + raw_ncx[:200]
ncx = ET.fromstring(raw_ncx.encode()).find(N + "navMap")
points = {"".join(p.find(N + "navLabel").itertext()).strip(): p
          for p in ncx.findall(N + "navPoint")}
for where, tops, label in (("nav.xhtml", entries, lambda e: "".join(
        e.find(X + "a").itertext())), ("toc.ncx", points, lambda e: "".join(
        e.find(N + "navLabel").itertext()))):
    for part, lesson in (("Part I", "Lesson 01"), ("Part II", "Lesson 20")):
        held = [p for t, p in tops.items() if t.startswith(part + ":")]
        assert held, "%s: no %s entry" % (where, part)
        inside = [label(e) for e in held[0].iter() if e is not held[0] and
                  e.tag in (X + "li", N + "navPoint")]
        assert any(t.strip().startswith(lesson) for t in inside), \
            "%s: %s does not hold %s" % (where, part, lesson)
    assert not any(t.startswith("Lesson") for t in tops), \
        where + ": a lesson beside the Parts"
    assert any(t.startswith("Pitfalls") or t.endswith("Pitfalls")
               for t in tops), where + ": the appendices inside a Part"
print("the Parts hold their chapters in nav.xhtml and toc.ncx")

# toc.ncx names the book once, in its docTitle: the title page's entry
# is "Title Page", as in nav.xhtml (pandoc gives it the book's title).
doc_title = "".join(ET.fromstring(raw_ncx.encode()).find(
    N + "docTitle").itertext()).strip()
assert doc_title and doc_title not in points, \
    "toc.ncx: the title %r again as an entry" % doc_title
assert "Title Page" in points, "toc.ncx: no Title Page entry"

# Appendix C's lesson programs, Part I's (whole on screen, unnumbered
# everywhere), are no entries of either list of contents: C.1
# introduces them. Appendix D's, Part II's, are: in a chapter of some
# 1 MB, the contents is how an EPUB reader finds one.
for where, labels in (
        ("nav.xhtml", ["".join(a.itertext()) for a in nav.iter(X + "a")]),
        ("toc.ncx", ["".join(p.find(N + "navLabel").itertext())
                     for p in ncx.iter(N + "navPoint")])):
    listed = [t.strip() for t in labels
              if re.match(r"\s*Lesson 0\d\W+s (program|server|client)$", t)]
    assert not listed, "%s lists %s" % (where, listed)
    part2 = {t.strip()[7:9] for t in labels
             if re.match(r"\s*Lesson [12]\d\W+s ", t)}
    assert part2 == {str(n) for n in range(10, 21)}, \
        "%s lists the lesson programs of %s only" % (where, sorted(part2))
print("no lesson program of Part I listed in the contents; "
      "each of Part II's is")
