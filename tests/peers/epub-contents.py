# epub-contents.py EPUB: the EPUB holds two diagrams (SVG) or more, lesson
# 04's listing and its whole file (folded), a numbered C listing and a
# transcript, a cover image, and each chapter file is titled by its
# chapter, not its file name; prints the SVGs' names, fails (assert) on
# what is missing.
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = z.namelist()
text = "".join(z.read(n).decode() for n in names if n.endswith(".xhtml"))
svgs = [n for n in names if n.endswith(".svg")]
print("svg:", svgs)
assert len(svgs) >= 2, "no diagrams"
assert "lessons/04-accept/accept.c</code>, " in text, "no listing of lesson 04"
assert "The whole file: lessons/04-accept/accept.c" in text, "no whole program"
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
