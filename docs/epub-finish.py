"""epub-finish.py EPUB [RAW]: give each chapter file of EPUB its chapter's
title, and put back the HTML blocks docs/include.lua left in RAW.

pandoc 2.17 titles every chapter file of an EPUB by its file name
(<title>ch005.xhtml</title>), which some readers show in their list of
chapters. This rewrites each file's <title> to the text of its first
heading (h1, else h2), and writes the EPUB again: mimetype first and
stored, the rest deflated, as the EPUB container format asks.

pandoc's EPUB writer reads every raw HTML block with tagsoup, which for
the listings and transcripts took a third of the EPUB's build: so the
filter (docs/filters/common.lua) writes them into RAW, each as
"N LENGTH\nTEXT\n", and leaves <div id="ID" data-ss-raw="N"></div> in
their place. Each is put back where it stood, as the filter wrote it; a
block not found once exactly stops with an error.

pandoc lists a Part (an h1 of class "part") in the EPUB's contents
beside the chapters that follow it. This moves each chapter after a
Part into that Part's entry, up to the next Part or the first appendix
(class "appendix"), in nav.xhtml and toc.ncx alike, so that a reader's
list of chapters shows Part I holding lessons 01 to 09.

pandoc 2.17 leaves a heading of class "unlisted" out of the HTML's
contents but not out of the EPUB's. This drops its entry (and anything
under it) from nav.xhtml and toc.ncx: "The same in Python", a paragraph
on paper, is no section in any list of contents. Appendix D's sections
stay listed: there the contents is the way to a lesson program.
"""
import html
import os
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
NCX = "http://www.daisy.org/z3986/2005/ncx/"
ET.register_namespace("", XHTML)
ET.register_namespace("epub", OPS)


def heading_text(xhtml):
    m = re.search(r"<h([12])\b[^>]*>(.*?)</h\1>", xhtml, re.S)
    if not m:
        return None
    text = re.sub(r"<[^>]+>", "", m.group(2))
    return " ".join(html.unescape(text).split())


PLACEHOLDER = re.compile(r'<div(?: id="[^"]*")? data-ss-raw="(\d+)"></div>')


def read_raw(path):
    """The blocks of RAW, by number."""
    with open(path, "rb") as f:
        data = f.read()
    blocks, pos = {}, 0
    while pos < len(data):
        nl = data.index(b"\n", pos)
        n, length = (int(x) for x in data[pos:nl].split())
        blocks[n] = data[nl + 1:nl + 1 + length].decode("utf-8")
        pos = nl + 1 + length + 1
    return blocks


def put_back(text, blocks, used):
    def one(m):
        n = int(m.group(1))
        if n not in blocks or n in used:
            sys.exit("epub-finish.py: placeholder %d: no such block, "
                     "or one already put back" % n)
        used.add(n)
        return blocks[n]
    return PLACEHOLDER.sub(one, text)


def kinds(files):
    """"part" or "appendix" for each chapter file whose h1 has that class."""
    out = {}
    for name, text in files.items():
        m = re.search(r'<h1\b[^>]*class="([^"]*)"', text)
        if m:
            classes = m.group(1).split()
            for kind in ("part", "appendix"):
                if kind in classes:
                    out[name] = kind
    return out


def nest(parent, entry_tag, link_of, list_tag, kind_of):
    """Move each entry after a Part into the Part's own list."""
    part = None
    moved = 0
    for child in list(parent):
        if child.tag != entry_tag:
            continue
        kind = kind_of(link_of(child))
        if kind == "part":
            part = child
            continue
        if kind == "appendix":
            part = None
        if part is None:
            continue
        sub = part.find(list_tag) if list_tag else part
        if sub is None:
            sub = ET.SubElement(part, list_tag)
            sub.set("class", "toc")
        parent.remove(child)
        sub.append(child)
        moved += 1
    return moved


UNLISTED_TAG = re.compile(r"<(?:section|h[1-6])\b[^>]*>")


def unlisted_ids(files):
    """The ids of the sections whose heading is of class "unlisted",
    but those of appendix D (id "programs-2"): its sections, a lesson
    program each, unlisted in the HTML's contents, are how an EPUB
    reader finds a program in a chapter of some 1 MB."""
    out = set()
    for text in files.values():
        if 'id="programs-2"' in text:
            continue
        for tag in UNLISTED_TAG.findall(text):
            cls = re.search(r'\bclass="([^"]*)"', tag)
            ident = re.search(r'\bid="([^"]*)"', tag)
            if cls and ident and "unlisted" in cls.group(1).split():
                out.add(ident.group(1))
    return out


def drop_unlisted(parent, entry_tag, link_of, ids):
    """Remove, at any depth under PARENT, each entry linking to one of IDS."""
    dropped = 0
    for el in list(parent.iter()):
        for child in list(el):
            if child.tag == entry_tag and \
                    (link_of(child) or "").partition("#")[2] in ids:
                el.remove(child)
                dropped += 1
    return dropped


def reserialize(text, root):
    """TEXT's prolog (XML declaration, DOCTYPE) and ROOT written again."""
    start = re.search(r"<(html|ncx)\b", text).start()
    # the file's own namespace as the default one, as pandoc wrote it
    # (else ElementTree prefixes each element of the NCX with "ns0:"):
    # one URI at a time can have the empty prefix
    ET.register_namespace("", NCX if root.tag == "{%s}ncx" % NCX else XHTML)
    return text[:start] + ET.tostring(root, encoding="unicode") + "\n"


def nest_parts(name, text, kind, unlisted):
    """nav.xhtml or toc.ncx with each Part holding its chapters, no
    entry for an unlisted section, and toc.ncx's title page so named."""
    def kind_of(href):
        return kind.get("EPUB/" + (href or "").split("#")[0])
    relabelled = False
    root = ET.fromstring(text.encode("utf-8"))
    if name.endswith("nav.xhtml"):
        nav = next(n for n in root.iter("{%s}nav" % XHTML)
                   if n.get("{%s}type" % OPS) == "toc")
        def link(li):
            return li.find("{%s}a" % XHTML).get("href")
        dropped = drop_unlisted(nav, "{%s}li" % XHTML, link, unlisted)
        # A list left empty is not allowed in a nav: remove it.
        for el in list(nav.iter()):
            for child in list(el):
                if child.tag == "{%s}ol" % XHTML and len(child) == 0:
                    el.remove(child)
        moved = nest(nav.find("{%s}ol" % XHTML), "{%s}li" % XHTML, link,
                     "{%s}ol" % XHTML, kind_of)
    else:
        navmap = root.find("{%s}navMap" % NCX)
        def link(p):
            return p.find("{%s}content" % NCX).get("src")
        dropped = drop_unlisted(navmap, "{%s}navPoint" % NCX, link, unlisted)
        # pandoc labels the title page's entry with the book's title,
        # which docTitle has just given: a reader saw the title twice.
        # It is "Title Page", as nav.xhtml has it.
        for point in navmap.findall("{%s}navPoint" % NCX):
            label = point.find("{%s}navLabel/{%s}text" % (NCX, NCX))
            if (link(point) or "").endswith("title_page.xhtml") and \
                    label is not None and label.text != "Title Page":
                label.text = "Title Page"
                relabelled = True
        moved = nest(navmap, "{%s}navPoint" % NCX, link, None, kind_of)
        for n, point in enumerate(navmap.iter("{%s}navPoint" % NCX), 1):
            if point.get("playOrder"):
                point.set("playOrder", str(n))

        def depth(el):
            kids = el.findall("{%s}navPoint" % NCX)
            return 1 + max((depth(k) for k in kids), default=0)
        deepest = max((depth(p) for p in navmap.findall("{%s}navPoint" % NCX)),
                      default=1)
        for meta in root.iter("{%s}meta" % NCX):
            if meta.get("name") == "dtb:depth":
                meta.set("content", str(deepest))
    if not moved and not dropped and not relabelled:
        return text, 0, 0
    return reserialize(text, root), moved, dropped


def main():
    path = sys.argv[1]
    blocks = read_raw(sys.argv[2]) if len(sys.argv) > 2 else {}
    used = set()
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    out = []
    renamed = 0
    for info, data in items:
        name = info.filename
        if re.match(r"EPUB/text/ch\d+\.xhtml$", name):
            text = data.decode("utf-8")
            if blocks:
                text = put_back(text, blocks, used)
                data = text.encode("utf-8")
            title = heading_text(text)
            if title:
                text = re.sub(r"<title>[^<]*</title>",
                              "<title>" + html.escape(title) + "</title>",
                              text, count=1)
                data = text.encode("utf-8")
                renamed += 1
        out.append((info, data))
    files = {info.filename: data.decode("utf-8") for info, data in out
             if re.match(r"EPUB/text/ch\d+\.xhtml$", info.filename)}
    kind = kinds(files)
    unlisted = unlisted_ids(files)
    nested = dropped = 0
    for i, (info, data) in enumerate(out):
        if info.filename in ("EPUB/nav.xhtml", "EPUB/toc.ncx"):
            text, moved, gone = nest_parts(info.filename,
                                           data.decode("utf-8"), kind,
                                           unlisted)
            out[i] = (info, text.encode("utf-8"))
            nested += moved
            dropped += gone
    if len(used) != len(blocks):
        sys.exit("epub-finish.py: %d of %d HTML blocks not found in %s" %
                 (len(blocks) - len(used), len(blocks), path))
    tmp = path + ".tmp"
    with zipfile.ZipFile(tmp, "w") as z:
        for info, data in out:
            kind = (zipfile.ZIP_STORED if info.filename == "mimetype"
                    else zipfile.ZIP_DEFLATED)
            z.writestr(info, data, compress_type=kind)
    os.replace(tmp, path)
    print("epub-finish.py: %d chapter files titled, %d HTML blocks put back,"
          " %d contents entries put under their Part, %d unlisted dropped"
          % (renamed, len(used), nested, dropped))


if __name__ == "__main__":
    main()
