# epub-contents.py EPUB: the EPUB holds two diagrams (SVG) or more, lesson
# 04's listing and its whole file (folded), a numbered C listing and a transcript;
# prints the SVGs' names, fails (assert) on what is missing.
import sys, zipfile
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
