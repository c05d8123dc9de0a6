"""epub-finish.py EPUB: give each chapter file of EPUB its chapter's title.

pandoc 2.17 titles every chapter file of an EPUB by its file name
(<title>ch005.xhtml</title>), which some readers show in their list of
chapters. This rewrites each file's <title> to the text of its first
heading (h1, else h2), and writes the EPUB again: mimetype first and
stored, the rest deflated, as the EPUB container format asks.
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


def main():
    path = sys.argv[1]
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    out = []
    renamed = 0
    for info, data in items:
        name = info.filename
        if re.match(r"EPUB/text/ch\d+\.xhtml$", name):
            text = data.decode("utf-8")
            title = heading_text(text)
            if title:
                text = re.sub(r"<title>[^<]*</title>",
                              "<title>" + html.escape(title) + "</title>",
                              text, count=1)
                data = text.encode("utf-8")
                renamed += 1
        out.append((info, data))
    tmp = path + ".tmp"
    with zipfile.ZipFile(tmp, "w") as z:
        for info, data in out:
            kind = (zipfile.ZIP_STORED if info.filename == "mimetype"
                    else zipfile.ZIP_DEFLATED)
            z.writestr(info, data, compress_type=kind)
    os.replace(tmp, path)
    print("epub-finish.py: %d chapter files titled" % renamed)


if __name__ == "__main__":
    main()
