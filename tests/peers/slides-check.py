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
            its week's title frame and before the next week's
  text      each sentence of each point is there, whole: a sentence for
            the class on the projected slides, a direction to the lecturer
            (DIRECTION below) and each sentence of a Show step's prose in
            the notes (the \\note{} of SLIDES.tex); a point goes on over
            frames between sentences, and loses none
  directions  no direction and no sentence of a Show step's prose is on
            the projected slides (pdftotext shows no \\note{})
  quiz      each quiz question is on the slides, whole, and no answer
            is: neither the "Answers." list, nor what follows the question
            mark in week 11's table
  commands  each program of the repository (build/..., scripts/...) that a
            Show step names is a line of a verbatim block in SLIDES.tex,
            on a frame, not in its notes

A direction is a sentence of a point's explanation that opens with one of
the lecturer's verbs in DIRECTION, or with "On the projector,": "Draw the
three-way handshake ...", "Write send_all() on the board ...". This is
docs/slides.lua's rule (DIRECTION_WORDS there), written here again on
purpose: a change to one that the other does not share fails the test.

Prints each thing missing or out of place, one a line, and exits 1 if there
is any. Text is compared with all white space taken out, so that a line the
PDF wrapped still matches.
"""
import json
import re
import sys


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
        for block in re.findall(r"\\begin\{verbatim\}\n(.*?)\\end\{verbatim\}", tex, re.S):
            lines.update(line.strip() for line in block.splitlines())
        seen = 0
        for title, blocks in ws:
            for item in list_after(blocks, "Lecture notes") or []:
                inl = item[0]["c"]
                show = [k for k, el in enumerate(inl)
                        if el["t"] == "Emph" and text(el["c"]) == "Show:"]
                if not show:
                    continue
                for el in inl[show[0]:]:
                    if el["t"] == "Code" and re.match(r"(sudo )?(build|scripts)/", el["c"][1]):
                        seen += 1
                        if el["c"][1] not in lines:
                            bad.append("%s, '%s': the command is not set as code: %s"
                                       % (title, point_title(item), el["c"][1]))
        if seen == 0:
            bad.append("no command of the repository in any Show step of the notes")
    else:
        raise SystemExit("slides-check.py: WHAT is weeks, points, text, directions, quiz or commands")
    for b in bad:
        print(b)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
