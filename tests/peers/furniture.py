# furniture.py PDF: the handout's text as printed, furniture included:
# pdftotext's text of PDF (form feeds between pages), each page's running
# header put back in its first lines ("Lesson 06: send() and recv()", then
# "sockstep handout") and its foot ("page 37") in its last.
#
# The preamble makes the header and the foot no text (ActualText empty,
# docs/preamble.tex: \notext), so that a reader who copies a listing that
# runs on to the next page gets the code alone; pdftotext, as a viewer's
# copy, leaves them out. pdftohtml does not read ActualText: it gives
# them, with where they stand. A test that checks the header or the foot
# reads them here; as a module, pages(PDF) gives each page's (header,
# foot): the header's texts left to right, [] on a page without one, and
# the foot's text or None.
import html, re, sys
import pdftext

MARGIN = 16 / 25.4 * 72   # the book's top and bottom (mk/handout.mk: geometry)


def pages(pdf):
    out = pdftext.output(["pdftohtml", "-xml", "-i", "-stdout", "-zoom", "1",
                          pdf])
    result = []
    for height, body in re.findall(
            r'<page number="\d+"[^>]* height="([\d.]+)"[^>]*>(.*?)</page>',
            out, re.S):
        head, foot = [], None
        for top, left, tall, text in re.findall(
                r'<text top="(-?[\d.]+)" left="(-?[\d.]+)" width="[\d.]+" '
                r'height="([\d.]+)"[^>]*>(.*?)</text>', body):
            text = html.unescape(re.sub(r"<[^>]*>", "", text)).strip()
            # The notes at a box's break stand in the margins too; the
            # header is the text wholly above the text's area, the foot
            # the text below it.
            if not text or text.startswith("continued "):
                continue
            if float(top) + float(tall) < MARGIN:
                head.append((float(left), text))
            elif float(top) > float(height) - MARGIN:
                foot = text
        result.append(([t for _, t in sorted(head)], foot))
    return result


if __name__ == "__main__":
    furniture = pages(sys.argv[1])
    text = pdftext.output(["pdftotext", sys.argv[1], "-"]).split("\f")
    if len(text) != len(furniture) + 1:
        sys.exit("pdftotext gave %d pages, pdftohtml %d"
                 % (len(text) - 1, len(furniture)))
    for (head, foot), page in zip(furniture, text):
        sys.stdout.write("".join(h + "\n\n" for h in head) + page +
                         ("\n%s\n\n" % foot if foot else "") + "\f")
