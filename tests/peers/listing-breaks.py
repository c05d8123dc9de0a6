#!/usr/bin/env python3
"""listing-breaks.py PDF [ROOT]: every page that opens inside a listing
(its first line under the running header is a line of code, by its line
number, or a line that names lines printed before, "lines A-B (...) not
shown") says "continued from the previous page", and the page before it
says "continued on the next page": a listing breaks only where the break
is marked (docs/preamble.tex: the notes of a box that breaks).

With ROOT (the repository), each such break of a lesson's listing is
also read against the file its caption names (the line numbers are the
file's own), and must be where a reader picks the code up again
(docs/filters/code.lua: keep_listing):
- a listing of up to 15 lines never breaks (a 13-line excerpt split 9/4
  was read as two);
- the break never comes between a call and the check of its result
  ("fd = socket(...);" at the foot, "if (fd == -1)" overleaf; a check
  of a check counts: "if (k == -1 && errno == EINTR) continue;", then
  "if (k <= 0)"), an empty line between them or not;
- it comes after an empty line, or next to a line that names a part
  printed before, or between two statements: the line before it ends
  with ";" or "}", the line after it starts no "}", "else", "{", "&&",
  "||" or ")".

The notes and the line numbers are no text (\\notext): pdftohtml, which
does not read ActualText, gives them with where they stand. Prints each
page that opens inside a listing; exits 1 if one is unmarked or breaks
where it may not, or if none is found (the check would then check
nothing).
"""
import html
import os
import re
import sys

import pdftext

out = pdftext.output(["pdftohtml", "-xml", "-i", "-stdout", "-zoom", "1",
                      sys.argv[1]])
root = sys.argv[2] if len(sys.argv) > 2 else None
fonts = {}
pages = []
for height, body in re.findall(
        r'<page number="\d+"[^>]* height="([\d.]+)"[^>]*>(.*?)</page>', out, re.S):
    for fid, size, family in re.findall(
            r'<fontspec id="(\d+)" size="(\d+)" family="([^"]+)"', body):
        fonts[fid] = (int(size), family)
    items = []
    for top, left, font, text in re.findall(
            r'<text top="(-?[\d.]+)" left="(-?[\d.]+)" width="[\d.]+" '
            r'height="[\d.]+" font="(\d+)">(.*?)</text>', body):
        text = html.unescape(re.sub(r"<[^>]+>", "", text)).strip()
        if text:
            items.append((float(top), font, text, float(left)))
    h = float(height)
    # (the running header and the foot: the top and bottom margins)
    body_items = sorted(i for i in items if 0.04 * h < i[0] < 0.95 * h)
    # (a note under a box at the foot of a page stands in the margin)
    notes = [t for _, _, t, _ in items if t.startswith("continued ")]
    pages.append((body_items, notes))


def is_number(item):
    size, family = fonts.get(item[1], (0, ""))
    return size <= 6 and "Mono" in family and item[2].isdigit()


REFERRAL = re.compile(r"\W*lines (\d+)\u2013(\d+) \(.*not shown")


def rows(items):
    """The page's lines, top to bottom: (its line number or None, its
    text without the number), the notes aside."""
    out, cur = [], []
    for i in [i for i in items if "continued" not in i[2]]:
        if cur and abs(i[0] - cur[0][0]) > 6:
            out.append(cur)
            cur = []
        cur.append(i)
    if cur:
        out.append(cur)
    result = []
    for row in out:
        num = next((int(i[2]) for i in row if is_number(i)), None)
        text = " ".join(i[2] for i in sorted(row, key=lambda i: i[3])
                        if not is_number(i))
        result.append((num, text))
    return result


def opens_in_listing(items):
    """Does the page's first line (under the header, below the note of a
    box that broke) belong to a listing?"""
    r = rows(items)
    if not r:
        return False
    return r[0][0] is not None or REFERRAL.match(r[0][1]) is not None


def says(page, note):
    return note in page[1]


# --- the code at a break, read in the file (ROOT) ---------------------
CAPTION = re.compile(r"^(lessons/\S+\.c) ?, (?:lines? (\d+)(?:\u2013(\d+))? of \d+"
                     r"|lines 1\u2013(\d+)(?= \(|\s*$))")


def bare(line):
    """A line's code: its strings, characters and comments emptied."""
    line = re.sub(r"\\.", "", line)
    line = re.sub(r'"[^"]*"', '""', line)
    line = re.sub(r"'[^']*'", "''", line)
    line = re.sub(r"/\*.*?\*/", "", line)
    return re.sub(r"(//|/\*).*$", "", line)


def top_level(cond_line):
    """What the first parenthesis of the line holds, less the parentheses
    inside it: "n <= 0" in "if (n <= 0)", no n in "if (send(c, b, n, 0) ...)"."""
    start = cond_line.find("(")
    depth, kept = 0, []
    for ch in cond_line[start:] if start >= 0 else "":
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                break
        elif depth == 1:
            kept.append(ch)
    return "".join(kept)


def checks_call(src, j, hops=0):
    """The name line J (0-based) checks, if it checks the result of a
    call the statement before it makes (or a check of it), else None."""
    cur = bare(src[j])
    if not re.match(r"\s*(\}\s*else\s+if|if|while)\s*\(", cur):
        return None
    k = j - 1
    if k > 0 and not src[k].strip():
        k -= 1
    if k < 0 or not bare(src[k]).rstrip().endswith(";"):
        return None
    last = k
    while k > 0 and last - k < 5:
        b = bare(src[k - 1]).rstrip()
        if not b.strip() or b[-1] in ";{}" or b.lstrip().startswith("#"):
            break
        k -= 1
    stmt = " " + " ".join(bare(x) for x in src[k:last + 1])
    cond = top_level(cur)

    def reads(name):
        return re.search(r"(?<![\w])%s(?![\w])" % re.escape(name), cond)

    for m in re.finditer(r"(?<![\w.>-])([A-Za-z_][\w.\[\]]*)\s*[+-]?=(?!=)([^;]*)", stmt):
        if re.search(r"[A-Za-z_]\w*\s*\(", m.group(2)) and reads(m.group(1)):
            return m.group(1)
    before = checks_call(src, k, hops + 1) if hops < 3 else None
    return before if before and reads(before) else None


def break_problem(caption, before, after):
    """What is wrong with a break between the rows BEFORE and AFTER (line
    number, text) of the listing under CAPTION, or None."""
    m = CAPTION.match(caption)
    if not m:
        return None
    path = m.group(1)
    if m.group(4):
        first, last = 1, int(m.group(4))
    else:
        first = int(m.group(2))
        last = int(m.group(3) or first)
    if last - first + 1 <= 15:
        return "a listing of %d lines broke" % (last - first + 1)
    if before[0] is None or after[0] is None:
        return None  # next to a line that names a part printed before
    with open(os.path.join(root, path), encoding="utf-8") as f:
        src = f.read().split("\n")
    a, b = before[0], after[0]
    prev, cur = src[a - 1], src[b - 1]
    name = checks_call(src, b - 1)
    if name:
        return "between a call and its check of %s: %r / %r" % (
            name, prev.strip(), cur.strip())
    if not prev.strip():
        return None
    p, c = bare(prev).rstrip(), bare(cur).strip()
    if not (p.endswith(";") or p.endswith("}")) or re.match(r"(\}|else\b|\{|&&|\|\||\))", c):
        return "inside a statement or a block's edge: %r / %r" % (
            prev.strip(), cur.strip())
    return None


seen = bad = 0
caption = ""
for n, page in enumerate(pages, start=1):
    if n > 1 and opens_in_listing(page[0]):
        seen += 1
        ok = (says(page, "continued from the previous page") and
              says(pages[n - 2], "continued on the next page"))
        problem = None if ok else "no \"continued\" note at the break"
        if ok and root:
            before = [r for r in rows(pages[n - 2][0])
                      if r[0] is not None or REFERRAL.match(r[1])]
            after = rows(page[0])[0]
            problem = before and break_problem(caption, before[-1], after)
        bad += problem is not None
        print("%s PDF page %d opens inside a listing%s" % (
            "ok" if problem is None else "WRONG", n,
            "" if problem is None else ": " + problem))
    for _, text in rows(page[0]):
        if CAPTION.match(text):
            caption = text
print(seen, "pages open inside a listing,", bad, "wrong")
sys.exit(1 if bad or not seen else 0)
