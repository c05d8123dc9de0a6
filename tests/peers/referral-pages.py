#!/usr/bin/env python3
"""Check each "lines A-B (NAME, as in FILE.c, page N) not shown" of a
{.brief} plain program against paper: page N (as printed in its foot) has
the line where NAME starts in lessons/plain/FILE.c, the function's head
("static ... fail(") or the "if (" of the check of the command line.

Usage: referral-pages.py PAPER.TXT ROOT (PAPER.TXT: pages split by \\f,
each ending in its foot "page N", as tests/peers/furniture.py writes).
Prints one line per reference; exits 1 if one is wrong or none is found.
"""
import os
import re
import sys

squash = lambda s: re.sub(r"\s+", "", s)
pages = {}
for text in open(sys.argv[1], encoding="utf-8").read().split("\f"):
    lines = [l for l in text.split("\n") if l.strip()]
    if lines and re.fullmatch(r"page \d+", lines[-1].strip()):
        pages[int(lines[-1].split()[1])] = squash(text)


def head(src, name):
    """The line where NAME starts in SRC (a list of lines)."""
    if name.endswith("()"):
        fn = re.escape(name[:-2])
        for line in src:
            if re.match(r"static [\w *]*\b" + fn + r"\(", line):
                return line
    elif name == "the check of the command line":
        # (the first "if" whose block, to the "}" under it, prints usage)
        for i, line in enumerate(src):
            m = re.match(r"(\s+)if \(", line)
            if m:
                j = i
                while j < len(src) and src[j] != m.group(1) + "}":
                    j += 1
                if j < len(src) and any('"usage: ' in l for l in src[i:j]):
                    return line
    return None


seen = bad = 0
text = open(sys.argv[1], encoding="utf-8").read()
for m in re.finditer(r"lines \d+\u2013\d+ \((.*), as in ([\w.-]+\.c), "
                     r"page (\d+)\) not shown", text):
    names, file, page = m.group(1).split(" and "), m.group(2), int(m.group(3))
    src = open(os.path.join(sys.argv[2], "lessons/plain", file),
               encoding="utf-8").read().splitlines()
    for name in names:
        seen += 1
        line = head(src, name)
        ok = line is not None and squash(line) in pages.get(page, "")
        bad += not ok
        print("%s %s, as in %s, page %d: %r" % (
            "ok" if ok else "WRONG", name, file, page, line))
print(seen, "references checked,", bad, "wrong")
sys.exit(1 if bad or not seen else 0)
