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
"""
import html
import os
import re
import sys
import zipfile


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
    print("epub-finish.py: %d chapter files titled, %d HTML blocks put back"
          % (renamed, len(used)))


if __name__ == "__main__":
    main()
