#!/usr/bin/env python3
"""slides-check.py WHAT NOTES.json SLIDES.txt [SLIDES.tex]: check the
lecture slides (make slides, build/slides.pdf) against the notes they are
made from, docs/manual-weeks.md, read here on their own (pandoc's JSON of
them, NOTES.json), not through the filter that made the slides
(docs/slides.lua). SLIDES.txt is pdftotext's text of the slides, a form
feed between pages; SLIDES.tex the LaTeX pandoc wrote.

WHAT is one of:
  weeks     each "## Week N: title" of the notes has a frame that opens
            with that title, in the notes' order
  points    each numbered point of a week's "Lecture notes and live demo"
            has a frame that opens with its bold title (after "Lesson N:"
            when the point starts "Lesson N."), in the notes' order, after
            its week's title frame and before the next week's; or, a short
            point joined to the frame of the one before it, its title is a
            line of its own there (in SLIDES.tex, bold in the titles'
            colour), after what opens that frame
  text      each sentence of each point is there, whole: a sentence for
            the class on the projected slides, a direction to the lecturer
            (DIRECTION below) and each sentence of a Show step's prose in
            the notes (the \\note{} of SLIDES.tex); a point goes on over
            frames between sentences, and loses none
  sparse    (SLIDES.tex) no frame of a lecture point shows only a few
            words: SPARSE_CHARS characters of text or fewer, and no code,
            figure, list or Show block with them (docs/slides.lua joins
            such a point to its neighbour's frame, or puts it beside its
            figure)
  directions  no direction and no sentence of a Show step's prose is on
            the projected slides (pdftotext shows no \\note{})
  quiz      each quiz question is on the slides, whole, and no answer
            is: neither the "Answers." list, nor what follows the question
            mark in week 11's table
  commands  each program of the repository (build/..., scripts/...) that a
            Show step names is a line of a verbatim block in SLIDES.tex,
            on a frame, not in its notes; one that make alone does not
            build (build/plain/...) has a line "make plain" above it there
  output    each point whose Show step runs a program of the repository
            (build/..., scripts/...) names what it prints for its frames:
            lines of a run of the book, []{.slide run=...}, on the Show
            block's frame or the next, or a lesson's part or a figure;
            or it is in NO_OUTPUT, with the reason no run shows it
  shown     (ROOT, the repository, after SLIDES.tex) each figure of the
            book a point names, []{.slide figure=ID}, is drawn on a frame
            of that point: a page among the point's holds every word of the
            figure's own text (pdftotext of the PDF the book's build drew
            for it, found here from the book's Markdown), as many times as
            the figure has it (a picture of a run, which the slides cut
            in pieces, a frame each: that page and the point's after it),
            and the first words of its caption, drawn
            FIGURE_TALL of the frame's height high or FIGURE_WIDE of its
            width wide at least (its words' widths against the figure's
            PDF's, pdftotext -bbox); a picture of a run, on each of its
            frames, from its lanes' titles to its last label, PIECE_TALL
            of the frame's height at least; in pieces, each frame says
            which part it is ("(1 of 2)"), and the caption, which tells of
            the whole picture, is on the last; and
            each part of a lesson a point names, []{.slide include=PATH
            lines=A-B} or function=NAME, is on one page of the point's,
            its lines whole, in a row, each after its number in the file,
            right above "PATH, lines A-B" (pdftotext -layout of
            ROOT/build/slides.pdf); and each excerpt of a run,
            []{.slide run=NAME from=^A to=^B}, its lines of
            ROOT/build/runs/NAME.txt in a row, above "From a run:";
            a point's text for the class of SHARED_CHARS at most, with
            no Show block, and its first part, of SHARED_LINES lines at
            most, are on one frame

A direction is a sentence of a point's explanation that opens with one of
the lecturer's verbs in DIRECTION, or with "On the projector,": "Draw the
three-way handshake ...", "Write send_all() on the board ...". This is
docs/slides.lua's rule (DIRECTION_WORDS there), written here again on
purpose: a change to one that the other does not share fails the test.

Prints each thing missing or out of place, one a line, and exits 1 if there
is any. Text is compared with all white space taken out, so that a line the
PDF wrapped still matches.
"""
import collections
import glob
import html
import json
import os
import re
import subprocess
import sys


# A figure is drawn at least this much of the frame's height high, or of
# its width wide (255 by 454 pt): the frame's room less its title's line
# and foot, or the text's width.
FIGURE_TALL = 0.72
FIGURE_WIDE = 0.85
# ... or, wider than the frame and not as high, at least this much of
# its area: a picture of a run in one piece, as short as a fast machine
# draws it (lesson 07's, 150 to 280 px), has its caption and the point's
# sentence on its frame too, and can be neither (drawn 0.52 of the
# height and 0.66 of the width at 200 px: 0.34 of the area; the
# diagrams, 0.36 and more; a figure drawn at 0.6 of its size, 0.2).
FIGURE_AREA = 0.3
# And its words at least this high (pt, the median of the boxes
# pdftotext -bbox gives them, about 1.2 times their type's size) on each
# of its frames: 15 pt type, 0.92 of the frame's height high, was
# 5.6 pt (the TCP call sequence); a run's picture on one frame, 3.7 to
# 6.4 pt; in pieces, 7.5 pt.
FIGURE_TYPE = 6.5
# A picture of a run in pieces: each piece's words span this much of the
# frame's height at least, from its lanes' titles to its last label (the
# room under a title of one line and over the foot is 196 of 255 pt):
# lesson 06's picture in two pieces of 203 px spanned 0.46, lesson 07's
# in three of 213 to 233 px 0.47 to 0.54; pieces drawn to the room's
# height (picture-columns.py --pieces 335,385) span 0.62 and more.
PIECE_TALL = 0.6
# ... when the piece is this tall at least (px, its SVG's height, titles
# included). How many pieces a picture takes follows its real run: lesson
# 04's was 1145 px on one build, two pieces of 284 px spanning 0.62 and
# more, and 1229 px on another, three of 252 to 267 px spanning 0.59.
# The fewest pieces of a chart just over a multiple of the room are that
# short, and no cut makes them taller: only a piece of this height or
# more must fill the frame (old lesson 06's and 07's were 203 to 233 px).
# A piece just over the old bound, 280, is as short: one of the plain
# lesson 04 picture's, 281 px on a CI run, spanned 0.600 (153 of 255
# pt) and failed by rounding, while the same picture's other piece,
# 301 px, filled its frame: 300 holds the pieces that do.
PIECE_FULL_PX = 300

# A point's text for the class at most this long and lines of a lesson at
# most this many after it: on one frame.
SHARED_CHARS = 160
SHARED_LINES = 6

# A frame with no more text than this and nothing else is a sentence left
# alone on a projector's screen.
SPARSE_CHARS = 100

# The points whose Show step runs a program of the repository and whose
# frames show nothing of what it prints (no run, lesson part or figure):
# no run of the book shows that output. Each with the reason.
NO_OUTPUT = {
    "Each direction ends on its own":
        "the capture needs root; the book draws lesson 07's run under the "
        "next point, TIME_WAIT",
    "A client that never reads":
        "the book's run is of a client that stalls lesson 13's server, "
        "not of the server dropping a stopped nc",
    "A page is many requests":
        "the book's runs are of nc and curl, not of a browser's requests",
}


def text(inlines):
    """The words of a list of pandoc inlines, as the PDF shows them."""
    out = []
    for el in inlines:
        t, c = el["t"], el.get("c")
        if t == "Str":
            out.append(c)
        elif t in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif t == "Code":
            out.append(c[1])
        elif t in ("Emph", "Strong", "Strikeout", "Underline", "SmallCaps"):
            out.append(text(c))
        elif t in ("Link", "Span"):
            out.append(text(c[1]))
        elif t == "Quoted":
            q = "‘’" if c[0]["t"] == "SingleQuote" else "“”"
            out.append(q[0] + text(c[1]) + q[1])
        elif t == "RawInline":
            pass
        else:
            raise SystemExit("slides-check.py: an inline I cannot read: " + t)
    return "".join(out)


def squash(s):
    return re.sub(r"\s+", "", s)


DIRECTION = ("Ask", "Compare", "Draw", "Go", "Point", "Press", "Redirect",
             "Run", "Show", "Stop", "Take", "Type", "Write")


def is_direction(sentence):
    first = re.match(r"[A-Za-z]+", sentence)
    return bool(first) and first.group(0) in DIRECTION \
        or sentence.startswith("On the projector,")


def tex_notes(tex):
    """The bodies of the \\note{...} of a LaTeX text, and the text without
    them."""
    notes, rest, i = [], [], 0
    while True:
        j = tex.find("\\note{", i)
        if j < 0:
            rest.append(tex[i:])
            return notes, "".join(rest)
        rest.append(tex[i:j])
        k, depth = j + len("\\note{"), 1
        while depth:
            c = tex[k]
            if c == "\\":
                k += 2
                continue
            depth += {"{": 1, "}": -1}.get(c, 0)
            k += 1
        notes.append(tex[j + len("\\note{"):k - 1])
        i = k


def detex(s):
    """Pandoc's LaTeX of a paragraph of the notes as plain text (the few
    escapes it writes for them)."""
    for a, b in (("\\textquotesingle{}", "'"), ("\\textbackslash{}", "\\"),
                 ("\\textless{}", "<"), ("\\textgreater{}", ">"),
                 ("\\ ", " "), ("\\/", "")):
        s = s.replace(a, b)
    s = re.sub(r"\\(texttt|emph|textbf)\{", "", s)
    s = re.sub(r"\\([_&#%$])", r"\1", s)
    return s.replace("{", "").replace("}", "")


def unquote(s):
    """Without quotes of any kind: the PDF and the LaTeX write them apart."""
    return re.sub("[\'`\"‘’“”]", "", s)


def point_sentences(item):
    """[(sentence, is for the lecturer)] of a point, after its title."""
    inl = item[0]["c"]
    k = next(i for i, el in enumerate(inl) if el["t"] == "Strong")
    show = next((i for i, el in enumerate(inl)
                 if el["t"] == "Emph" and text(el["c"]) == "Show:"), len(inl))
    out = []
    for part, shown in ((text(inl[k + 1:show]), False), (text(inl[show + 1:]), True)):
        for sentence in re.split(r"(?<=[.?!])\s+", part):
            sentence = sentence.strip().lstrip(",:;").strip()
            if sentence:
                out.append((sentence, shown or is_direction(sentence)))
    return out


def para_inlines(block):
    return block["c"] if block["t"] in ("Para", "Plain") else None


def starts_strong(block, label):
    inl = para_inlines(block)
    return bool(inl) and inl[0]["t"] == "Strong" and text(inl[0]["c"]).startswith(label)


def weeks(doc):
    """[(title, [blocks])] for each "## Week N: ..." section."""
    out, cur = [], None
    for b in doc["blocks"]:
        if b["t"] == "Header" and b["c"][0] <= 2:
            cur = None
            title = text(b["c"][2])
            if b["c"][0] == 2 and re.match(r"Week \d+:", title):
                cur = (title, [])
                out.append(cur)
        elif cur is not None:
            cur[1].append(b)
    return out


def show_points(ws):
    """Each lecture point of each week in ws: (the week's title, the
    point's list item, its inlines, the indexes of its *Show:* marks)."""
    for title, blocks in ws:
        for item in list_after(blocks, "Lecture notes") or []:
            inl = item[0]["c"]
            yield title, item, inl, [k for k, el in enumerate(inl)
                                     if el["t"] == "Emph" and text(el["c"]) == "Show:"]


def list_after(blocks, label):
    """The items of the ordered list after the paragraph opening with
    **label**, or None."""
    for i, b in enumerate(blocks[:-1]):
        if starts_strong(b, label) and blocks[i + 1]["t"] == "OrderedList":
            return blocks[i + 1]["c"][1]
    return None


def point_title(item):
    inl = item[0]["c"]
    k = next(i for i, el in enumerate(inl) if el["t"] == "Strong")
    before = text(inl[:k]).strip()
    title = text(inl[k]["c"]).rstrip(".")
    if before:
        title = before.rstrip(".") + ": " + title
    return title


def table_quiz(blocks):
    """Week 11's [(question, answer)] from its table's quiz column."""
    out = []
    for b in blocks:
        if b["t"] != "Table":
            continue
        head = b["c"][3][1][0][1]
        cols = [text(cell[4][0]["c"]) if cell[4] else "" for cell in head]
        col = next((i for i, c in enumerate(cols) if c.startswith("a quiz question")), None)
        if col is None:
            continue
        for body in b["c"][4]:
            for row in body[3]:
                cell = text(row[1][col][4][0]["c"])
                q = cell[: cell.rindex("?") + 1]
                out.append((q, cell[len(q):].strip()))
    return out


def pages(path):
    with open(path, encoding="utf-8") as f:
        return [squash(p) for p in f.read().split("\f")]


def find_opening(pages_sq, title, start):
    """The first page from start on whose text opens with title."""
    t = squash(title)
    for i in range(start, len(pages_sq)):
        if pages_sq[i].startswith(t):
            return i
    return None


def slide_spans(item):
    """The attributes of each []{.slide ...} of a point, in order."""
    out = []
    for el in item[0]["c"]:
        if el["t"] == "Span" and "slide" in el["c"][0][1]:
            out.append(dict(el["c"][0][2]))
    return out


def book_figure(root, fid):
    """(PDF the book's build drew, caption) of the book's figure {#fid}."""
    pat = re.compile(r"^!\[(.*)\]\(([^)]+)\)\{(.*)\}\s*$")
    for path in sorted(glob.glob(os.path.join(root, "docs", "*.md")) +
                       glob.glob(os.path.join(root, "docs", "lessons", "*.md"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                m = pat.match(line.rstrip("\n"))
                if m and "#" + fid in m.group(3).split():
                    src = m.group(2)
                    out = os.path.join(root, "build", "handout")
                    if src.startswith("picture:"):
                        return (os.path.join(out, "pictures", src[8:] + ".excerpt.pdf"),
                                m.group(1))
                    return os.path.join(out, src[:-4] + ".pdf"), m.group(1)
    return None, None


def bbox_words(pdf, page=None):
    """[(width, word)] of each word of a PDF's page (pdftotext -bbox)."""
    args = ["pdftotext", "-bbox"] + (["-f", str(page), "-l", str(page)] if page else [])
    out = subprocess.run(args + [pdf, "-"], capture_output=True, text=True,
                         check=True).stdout
    return [(float(x1) - float(x0), html.unescape(w)) for x0, x1, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
        out)]


def word_boxes(pdf, page, wanted):
    """(top, bottom) of the boxes of the words in WANTED on a PDF's page."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), pdf, "-"],
                         capture_output=True, text=True, check=True).stdout
    return [(float(y0), float(y1)) for y0, y1, w in re.findall(
        r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>',
        out) if html.unescape(w) in wanted]


def word_heights(pdf, page, wanted):
    """Heights of the boxes of the words in WANTED on a PDF's page."""
    return [b - a for a, b in word_boxes(pdf, page, wanted)]


def page_size(pdf):
    """(width, height) in pt of a PDF's first page."""
    out = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True,
                         check=True).stdout
    m = re.search(r"Page size: +([\d.]+) x ([\d.]+)", out)
    return float(m.group(1)), float(m.group(2))


def drawn_size(slides_pdf, page, fig_pdf):
    """(width, height) in pt the figure FIG_PDF is drawn at on the slides'
    page (1-based): its size times the scale its words are drawn at (the
    median over its words of four letters or more that have one width in
    it), or None."""
    widths = collections.defaultdict(set)
    for w, word in bbox_words(fig_pdf):
        widths[word].add(round(w, 1))
    scales = sorted(w / min(widths[word]) for w, word in bbox_words(slides_pdf, page)
                    if len(word) >= 4 and len(widths.get(word, ())) == 1)
    if not scales:
        return None
    s = scales[len(scales) // 2]
    w, h = page_size(fig_pdf)
    return w * s, h * s


def point_pages(pg, ws):
    """{(week title, point title): the pages from the point's first frame
    to the next point's (or the week's quiz, or the next week)}."""
    out, at = {}, 0
    for n, (title, blocks) in enumerate(ws):
        w = find_opening(pg, title, at)
        if w is None:
            continue
        nxt = find_opening(pg, ws[n + 1][0], w + 1) if n + 1 < len(ws) else None
        end = nxt if nxt is not None else len(pg)
        items = list_after(blocks, "Lecture notes") or []
        starts = []
        at = w + 1
        titles = [squash(point_title(item)) for item in items] + ["Quiz"]
        for item in items:
            i = find_opening(pg[:end], point_title(item), at)
            if i is None:
                # a plain frame (a figure at the frame's full height, the
                # title in the column beside it): its text opens with the
                # figure's words; the first page from here that holds the
                # title and opens with no point's title
                t = squash(point_title(item))
                i = next((k for k in range(at, end) if t in pg[k]
                          and not any(pg[k].startswith(x) for x in titles)), None)
            starts.append(i)
            if i is not None:
                at = i + 1
        quiz = find_opening(pg[:end], "Quiz", at)
        stops = [s for s in starts[1:]] + [quiz if quiz is not None else end]
        for item, a, b in zip(items, starts, stops):
            if a is not None:
                out[(title, point_title(item))] = list(range(a, b if b is not None else end))
        at = end
    return out


def main():
    what, notes, slides_txt = sys.argv[1:4]
    with open(notes, encoding="utf-8") as f:
        doc = json.load(f)
    pg = pages(slides_txt)
    bad = []
    ws = weeks(doc)
    if not ws:
        bad.append("no '## Week N:' in the notes")
    if what == "weeks":
        at = 0
        for title, _ in ws:
            i = find_opening(pg, title, at)
            if i is None:
                bad.append("no frame opens with the week's title, in order: " + title)
            else:
                at = i + 1
    elif what == "points":
        # a point joined to the frame before it (docs/slides.lua: a frame
        # of text and a few lines of the next point's, on one frame):
        # its title a line of its own there, bold in the titles' colour
        with open(sys.argv[4], encoding="utf-8") as f:
            joined = {unquote(squash(detex(t))) for t in re.findall(
                r"\\medskip\{\\usebeamercolor\[fg\]\{frametitle\}\\bfseries\n\n(.*?)\n\n\\par\}",
                f.read(), re.S)}
        at = 0
        for n, (title, blocks) in enumerate(ws):
            w = find_opening(pg, title, at)
            if w is None:
                bad.append("no title frame: " + title)
                continue
            nxt = find_opening(pg, ws[n + 1][0], w + 1) if n + 1 < len(ws) else None
            end = nxt if nxt is not None else len(pg)
            items = list_after(blocks, "Lecture notes")
            if not items:
                bad.append(title + ": no lecture notes in the notes")
                continue
            at = w + 1
            for item in items:
                pt = point_title(item)
                i = find_opening(pg[:end], pt, at)
                if unquote(squash(pt)) in joined:
                    # on the frame of the point before, or one after it,
                    # after what opens that frame
                    i = next((k for k in range(max(at - 1, w + 1), end)
                              if pg[k].find(squash(pt)) > 0), None)
                if i is None:
                    bad.append("%s: no frame opens with '%s' (in order, in its week)" % (title, pt))
                else:
                    at = i + 1
            at = end
    elif what in ("text", "directions"):
        whole = "".join(pg)
        with open(sys.argv[4], encoding="utf-8") as f:
            notes = unquote(squash(detex("".join(tex_notes(f.read())[0]))))
        seen = directed = 0
        for title, blocks in ws:
            for item in list_after(blocks, "Lecture notes") or []:
                where = "%s, '%s'" % (title, point_title(item))
                for sentence, lecturer in point_sentences(item):
                    sq = squash(sentence)
                    seen += 1
                    directed += lecturer
                    if what == "directions":
                        if lecturer and sq in whole:
                            bad.append("%s: for the lecturer, on the projected slides: %s"
                                       % (where, sentence))
                    elif not lecturer and sq not in whole:
                        bad.append("%s: not on the slides: %s" % (where, sentence))
                    elif lecturer and unquote(sq) not in notes:
                        bad.append("%s: not in the notes: %s" % (where, sentence))
        if seen == 0 or directed == 0 or directed == seen:
            bad.append("the notes' points have no sentences for the class or none "
                       "for the lecturer (%d of %d)" % (directed, seen))
    elif what == "sparse":
        with open(sys.argv[4], encoding="utf-8") as f:
            tex = tex_notes(f.read())[1]
        frames = re.findall(r"\\begin\{frame\}(.*?)\\end\{frame\}", tex, re.S)
        for n, body in enumerate(frames, 2):
            # the title: the first {...} after the options, braces nested
            k = body.find("{")
            depth, j = 1, k + 1
            while depth and j < len(body):
                depth += {"{": 1, "}": -1}.get(body[j], 0)
                j += 1
            title, rest = body[k + 1:j - 1], body[j:]
            if re.search(r"\\(includegraphics|begin\{(Shaded|verbatim|block|itemize|"
                         r"enumerate)\})|The one idea:", rest):
                continue
            words = squash(re.sub(r"\\[a-zA-Z]+\*?(\[[^]]*\])?", "", detex(rest)))
            if len(words) <= SPARSE_CHARS:
                bad.append("slide %d, '%s': %d characters of text and nothing else"
                           % (n, " ".join(detex(title).split()), len(words)))
    elif what == "quiz":
        whole = "".join(pg)
        asked = answered = 0
        for title, blocks in ws:
            qs = [(text(it[0]["c"]), None) for it in list_after(blocks, "Quiz") or []]
            answers = [text(it[0]["c"]) for it in list_after(blocks, "Answers") or []]
            qs += table_quiz(blocks)
            for q, a in qs:
                asked += 1
                if squash(q) not in whole:
                    bad.append("%s: the question is not on the slides: %s" % (title, q))
                if a:
                    answers.append(a)
            for a in answers:
                answered += 1
                # The answer's first words: enough to be its own.
                if squash(a)[:40] in whole:
                    bad.append("%s: an answer is on the slides: %s" % (title, a))
        if asked == 0 or answered == 0:
            bad.append("no quiz questions or no answers found in the notes")
    elif what == "commands":
        with open(sys.argv[4], encoding="utf-8") as f:
            tex = tex_notes(f.read())[1]
        lines = set()
        blocks_of = []
        for block in re.findall(r"\\begin\{verbatim\}\n(.*?)\\end\{verbatim\}", tex, re.S):
            lines.update(line.strip() for line in block.splitlines())
            blocks_of.append([line.strip() for line in block.splitlines()])
        seen = 0
        for title, item, inl, show in show_points(ws):
            if not show:
                continue
            for el in inl[show[0]:]:
                if el["t"] == "Code" and re.match(r"(sudo )?(build|scripts)/", el["c"][1]):
                    seen += 1
                    if el["c"][1] not in lines:
                        bad.append("%s, '%s': the command is not set as code: %s"
                                   % (title, point_title(item), el["c"][1]))
                    # what make (the default goal) does not build
                    # comes after the make that does, in its block
                    if el["c"][1].startswith("build/plain/") and not any(
                            "make plain" in b[:b.index(el["c"][1])]
                            for b in blocks_of if el["c"][1] in b):
                        bad.append("%s, '%s': no `make plain` before %s on its frame"
                                   % (title, point_title(item), el["c"][1]))
        if seen == 0:
            bad.append("no command of the repository in any Show step of the notes")
    elif what == "shown":
        root = sys.argv[5]
        with open(slides_txt, encoding="utf-8") as f:
            raw = f.read().split("\f")
        where = point_pages(pg, ws)
        # the slides as laid out, a line of code beside its number
        layout = [squash(p) for p in subprocess.run(
            ["pdftotext", "-layout", os.path.join(root, "build", "slides.pdf"), "-"],
            capture_output=True, text=True, check=True).stdout.split("\f")]
        figures = parts = 0
        for title, blocks in ws:
            for item in list_after(blocks, "Lecture notes") or []:
                spans = slide_spans(item)
                if not spans:
                    continue
                name = "%s, '%s'" % (title, point_title(item))
                pages_of = where.get((title, point_title(item)))
                if not pages_of:
                    bad.append(name + ": no frames found")
                    continue
                for sp in spans:
                    if "figure" in sp:
                        figures += 1
                        pdf, caption = book_figure(root, sp["figure"])
                        if not pdf or not os.path.exists(pdf):
                            bad.append("%s: no drawn figure %s in the book (%s)"
                                       % (name, sp["figure"], pdf))
                            continue
                        words = collections.Counter(subprocess.run(
                            ["pdftotext", pdf, "-"], capture_output=True, text=True,
                            check=True).stdout.split())
                        cap = unquote(squash(re.sub(r"[`*]", "", caption)))[:30]
                        if not words:
                            bad.append("%s: figure %s has no text to look for"
                                       % (name, sp["figure"]))
                        # (a picture of a run in pieces, a frame each:
                        # the point's pages hold all its words, and one
                        # of them its caption)
                        on = [i for i in pages_of
                              if cap in unquote(pg[i])
                              and not (words - sum((collections.Counter(raw[j].split())
                                                    for j in pages_of),
                                                   collections.Counter()))]
                        if not on:
                            bad.append("%s: figure %s is not drawn on its frames"
                                       % (name, sp["figure"]))
                            continue
                        # as large as the frame allows: its full height,
                        # or its full width (a wide one)
                        slides_pdf = os.path.join(root, "build", "slides.pdf")
                        pw, ph = page_size(slides_pdf)
                        size = drawn_size(slides_pdf, on[0] + 1, pdf)
                        if not size or (size[0] < FIGURE_WIDE * pw
                                        and size[1] < FIGURE_TALL * ph
                                        and size[0] * size[1] < FIGURE_AREA * pw * ph):
                            bad.append("%s: figure %s is drawn %s pt, less than %.2f of "
                                       "the frame's height high or %.2f of its width wide, "
                                       "or %.2f of its area"
                                       % (name, sp["figure"], size and "%.0f x %.0f" % size,
                                          FIGURE_TALL, FIGURE_WIDE, FIGURE_AREA))
                        # and its text large enough to be read: on each
                        # frame from there that draws its words (those of
                        # three letters or more, but the frame's own: the
                        # title's, the point's and the caption's)
                        said = " ".join([point_title(item), caption] +
                                        [x for x, _ in point_sentences(item)])
                        own = {w for w in words if len(w) >= 3
                               and w not in said.replace("`", " ").split()}
                        drawn_on = []
                        piece_px = []
                        if pdf.endswith(".excerpt.pdf"):
                            stem = os.path.basename(pdf)[:-len(".excerpt.pdf")]
                            k = 1
                            while True:
                                svg = os.path.join(root, "build", "slides", "pictures",
                                                   "%s-%d.svg" % (stem, k))
                                if not os.path.exists(svg):
                                    break
                                m = re.search(r'height="([0-9.]+)px"', open(svg).read())
                                piece_px.append(float(m.group(1)) if m else 0.0)
                                k += 1
                        for j in pages_of:
                            boxes = word_boxes(slides_pdf, j + 1, own)
                            hs = sorted(b - a for a, b in boxes)
                            if len(hs) < 5:
                                continue
                            drawn_on.append(j)
                            if hs[len(hs) // 2] < FIGURE_TYPE:
                                bad.append("%s: figure %s's words are drawn %.1f pt high on "
                                           "slide %d, less than %.1f"
                                           % (name, sp["figure"], hs[len(hs) // 2], j + 1,
                                              FIGURE_TYPE))
                            # a piece of a picture of a run fills its
                            # frame's height, no empty lower third
                            span = max(b for _, b in boxes) - min(a for a, _ in boxes)
                            k = len(drawn_on) - 1
                            tall = k >= len(piece_px) or piece_px[k] >= PIECE_FULL_PX
                            if pdf.endswith(".excerpt.pdf") and tall and span < PIECE_TALL * ph:
                                bad.append("%s: figure %s on slide %d spans %.0f pt of the "
                                           "frame's %.0f, less than %.2f of it"
                                           % (name, sp["figure"], j + 1, span, ph, PIECE_TALL))
                        # in pieces: each frame but the last says which
                        # part it shows ("(1 of 2): ..."), and the
                        # caption, which tells of the whole picture, is on
                        # the last, where all of it has been shown
                        if len(drawn_on) > 1:
                            n = len(drawn_on)
                            if cap not in unquote(pg[drawn_on[-1]]):
                                bad.append("%s: figure %s in %d pieces, its caption not on "
                                           "the last (slide %d)"
                                           % (name, sp["figure"], n, drawn_on[-1] + 1))
                            for k, j in enumerate(drawn_on, 1):
                                if squash("(%d of %d)" % (k, n)) not in pg[j]:
                                    bad.append("%s: figure %s, slide %d does not say it is "
                                               "part %d of %d" % (name, sp["figure"], j + 1, k, n))
                    elif "include" in sp:
                        parts += 1
                        path = sp["include"]
                        with open(os.path.join(root, path), encoding="utf-8") as f:
                            lines = f.read().split("\n")
                        if "lines" in sp:
                            a, b = (int(x) for x in sp["lines"].split("-"))
                        else:
                            a = next(i for i, l in enumerate(lines, 1)
                                     if re.match(r"[A-Za-z_].*[ *]%s\(" % re.escape(sp["function"]), l)
                                     and not l.rstrip().endswith(";"))
                            b = next(i for i in range(a, len(lines) + 1)
                                     if lines[i - 1].startswith("}"))
                        head = squash("%s, line %d" % (path, a) if a == b else
                                      "%s, lines %d\u2013%d" % (path, a, b))
                        # the lines in a row, each after its number, as
                        # pdftotext -layout reads the block, then its name
                        want = "".join("%d%s" % (n, squash(l))
                                       for n, l in enumerate(lines[a - 1:b], a))
                        if not any(want + head in layout[i] for i in pages_of):
                            bad.append("%s: %s lines %d-%d are not on its frames"
                                       % (name, path, a, b))
                        # a point of a sentence or two for the class, no
                        # Show block, and a few lines first after it: they
                        # share its frame (docs/slides.lua's estimate
                        # joins more; these surely fit)
                        said = [x for x, lect in point_sentences(item) if not lect]
                        if (sp is spans[0] and b - a + 1 <= SHARED_LINES and said
                                and len(" ".join(said)) <= SHARED_CHARS
                                and not any("\nShow\n" in raw[i] for i in pages_of)
                                and not any(want + head in layout[i]
                                            and squash(said[0]) in pg[i] for i in pages_of)):
                            bad.append("%s: %d lines of %s on a frame apart from the "
                                       "point's %d characters" % (name, b - a + 1, path,
                                                                 len(" ".join(said))))
                    elif "run" in sp:
                        parts += 1
                        path = os.path.join(root, "build", "runs", sp["run"] + ".txt")
                        with open(path, encoding="utf-8") as f:
                            lines = f.read().split("\n")
                        # Lua's patterns as the notes write them: ^,
                        # plain text, and %( for a bracket and the like
                        def plain(pat):
                            return re.sub(r"%(.)", r"\1", pat.lstrip("^"))
                        a = next((i for i, l in enumerate(lines)
                                  if l.startswith(plain(sp["from"]))), None)
                        b = next((i for i in range(a or 0, len(lines))
                                  if lines[i].startswith(plain(sp["to"]))), None)
                        if a is None or b is None:
                            bad.append("%s: no lines %s to %s in %s"
                                       % (name, sp["from"], sp["to"], path))
                            continue
                        want = "".join(squash(l) for l in lines[a:b + 1]) + "Fromarun:"
                        if not any(want in layout[i] for i in pages_of):
                            bad.append("%s: the run's lines %s to %s are not on its frames"
                                       % (name, sp["from"], sp["to"]))
                    else:
                        bad.append(name + ": a []{.slide} with no figure=, include= or run=")
        if figures == 0 or parts == 0:
            bad.append("the notes name no figure (%d) or no lines of a lesson (%d) "
                       "for the slides" % (figures, parts))
    elif what == "output":
        # A Show step that runs a program of the repository: its point's
        # frames show what it prints, from a run of the book, or a part
        # of the lesson or a figure; the lines of a run on the Show
        # block's frame or the one after it (SLIDES.txt: "Show" alone on
        # a line, as beamer's block title)
        with open(slides_txt, encoding="utf-8") as f:
            raw = f.read().split("\f")
        where = point_pages(pg, ws)
        seen = 0
        for title, item, inl, show in show_points(ws):
            if not show or not any(
                    el["t"] == "Code" and re.match(r"(sudo )?(build|scripts)/", el["c"][1])
                    for el in inl[show[0]:]):
                continue
            seen += 1
            pt = point_title(item)
            name = "%s, '%s'" % (title, pt)
            spans = slide_spans(item)
            if not spans:
                if pt not in NO_OUTPUT:
                    bad.append("%s: a Show step, and nothing of what it prints on the "
                               "slides (no run, lesson part or figure)" % name)
                continue
            if pt in NO_OUTPUT:
                bad.append("%s: in NO_OUTPUT, but it names %d []{.slide}"
                           % (name, len(spans)))
            pages_of = where.get((title, pt)) or []
            shows = [i for i in pages_of if "\nShow\n" in "\n" + raw[i]]
            for sp in spans:
                if "run" not in sp:
                    continue
                head = squash(sp["from"].lstrip("^").replace("%", ""))
                if not any(head in pg[j] and "Fromarun:" in pg[j]
                           for i in shows for j in (i, i + 1) if j in pages_of):
                    bad.append("%s: the run %s is not on its Show frame or the next"
                               % (name, sp["run"]))
        if seen == 0:
            bad.append("no Show step runs a program of the repository")
    else:
        raise SystemExit("slides-check.py: WHAT is weeks, points, text, directions, quiz, "
                         "commands, sparse, shown or output")
    for b in bad:
        print(b)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
