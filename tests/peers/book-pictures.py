# book-pictures.py PDF HTML EPUB PICTURE_DIR NAME...: each picture of a
# real run, PICTURE_DIR/NAME.txt its alt text, is in all three books
# with that alt text:
#   PDF   a marked span whose /Alt is the text (accsupp), and its
#         caption, "Figure N: ..."
#   HTML  a <figure class="picture"> whose <img> has the text as alt and
#         the SVG inside (a data: URL)
#   EPUB  the same, the SVG a file of the EPUB, without a DOCTYPE
# Prints a line per picture; exits 1 (assert) on the first one missing.
import html, re, sys, urllib.parse, zipfile, zlib

pdf_path, html_path, epub_path, pic_dir, names = (sys.argv[1], sys.argv[2],
                                                  sys.argv[3], sys.argv[4], sys.argv[5:])
assert names, "no pictures named"


def alt_text(name):
    with open("%s/%s.txt" % (pic_dir, name), encoding="utf-8") as f:
        return " ".join(f.read().split())


# The PDF: every /Alt in its (Flate) streams, decoded.
data = open(pdf_path, "rb").read()
streams = []
for m in re.finditer(rb"stream\r?\n", data):
    end = data.find(b"endstream", m.end())
    try:
        streams.append(zlib.decompressobj().decompress(data[m.end():end]))
    except zlib.error:
        streams.append(data[m.end():end])
pdf_alts = []
for s in streams + [data]:
    for h in re.findall(rb"/Alt\s*<([0-9A-Fa-f\s]+)>", s):
        raw = bytes.fromhex(h.decode().replace(" ", "").replace("\n", ""))
        pdf_alts.append(raw[2:].decode("utf-16-be") if raw[:2] == b"\xfe\xff"
                        else raw.decode("latin-1"))


def figures(text):
    """(alt, src) of each <figure class="picture">'s image in TEXT."""
    out = []
    for fig in re.findall(r'<figure id="[^"]*" class="picture">(.*?)</figure>', text, re.S):
        img = re.search(r'<img\s[^>]*>', fig)
        assert img, "a picture's figure without its image: " + fig[:200]
        src = re.search(r'\ssrc="([^"]*)"', img.group(0))
        alt = re.search(r'\salt="([^"]*)"', img.group(0))
        assert src and alt, "a picture without its src or alt: " + img.group(0)[:200]
        assert "<figcaption>Figure " in fig, "a picture without its caption"
        out.append((html.unescape(alt.group(1)), src.group(1)))
    return out


page = open(html_path, encoding="utf-8").read()
html_figs = figures(page)

z = zipfile.ZipFile(epub_path)
epub_figs = []
for n in z.namelist():
    if n.endswith(".xhtml"):
        for alt, src in figures(z.read(n).decode("utf-8")):
            path = urllib.parse.urljoin(n, src)
            assert path in z.namelist(), "the EPUB's picture %s is not in it" % path
            svg = z.read(path).decode("utf-8")
            assert "<svg" in svg and "<!DOCTYPE" not in svg, path + ": not an SVG without DOCTYPE"
            epub_figs.append(alt)

for name in names:
    alt = alt_text(name)
    assert alt.startswith("A sequence chart of a real run"), name + ": " + alt[:60]
    assert alt in pdf_alts, name + ": no /Alt with its text in the PDF"
    hits = [src for a, src in html_figs if a == alt]
    assert len(hits) == 1, "%s: %d pictures with its alt text in the HTML" % (name, len(hits))
    svg = urllib.parse.unquote(hits[0][len("data:image/svg+xml,"):])
    assert hits[0].startswith("data:image/svg+xml,") and "<svg" in svg, name + ": no SVG in the HTML"
    assert epub_figs.count(alt) == 1, name + ": not once in the EPUB"
    print("%s: in the PDF, the HTML and the EPUB, alt text of %d characters" % (name, len(alt)))
assert len(html_figs) == len(names), "%d pictures in the HTML, %d named" % (len(html_figs), len(names))
assert len(epub_figs) == len(names), "%d pictures in the EPUB, %d named" % (len(epub_figs), len(names))
print("%d pictures, %d /Alt in the PDF" % (len(names), len(pdf_alts)))
