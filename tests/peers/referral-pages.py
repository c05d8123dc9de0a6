#!/usr/bin/env python3
"""Check each part of a whole plain program that paper names instead of
printing it again, "lines A-B (WHAT, as in FILE.c, lines C-D, page N) not
shown", against paper and the files:

- lines A-B of the program it stands in (the last whole-file caption
  above it) are, byte for byte, lines C-D of lessons/plain/FILE.c (the
  empty lines at either end aside: a part takes in the empty lines
  around it);
- FILE.c's whole listing comes earlier in the book, and prints lines C-D
  itself: no part it names covers one of them;
- page N (as printed in its foot) has line C's text (its first line that
  is not empty);
- a part named is at least 4 lines (a shorter run is printed, grey);
- neither Part I (the listings before the page that opens "Part II:
  where real programs go") nor Part II names one: a student types each
  program from its own pages, fail() too. (Part II named fail() and the
  command line's check until two readers found the page-turning a cost;
  the filter can still do it, {.brief}, and handout-docs.bats tests it.)

Usage: referral-pages.py PAPER.TXT ROOT (PAPER.TXT: pages split by \\f,
each ending in its foot "page N", as tests/peers/furniture.py writes).
Prints one line per part named; exits 1 if either part names one (the
line says WRONG and why), or if a part has no whole listing.
"""
import os
import re
import sys

squash = lambda s: re.sub(r"\s+", "", s)
root = sys.argv[2]
caption = re.compile(r"lessons/plain/([\w.-]+\.c), lines 1\u2013\d+(?= \(|\s*$)")
referral = re.compile(r"lines (\d+)\u2013(\d+) \((.*), as in ([\w.-]+\.c), "
                      r"lines? (\d+)(?:\u2013(\d+))?, page (\d+)\) not shown")
part_two = "Part II: where real programs go"
pages, order = {}, []
for text in open(sys.argv[1], encoding="utf-8").read().split("\f"):
    lines = [l for l in text.split("\n") if l.strip()]
    if lines and re.fullmatch(r"page \d+", lines[-1].strip()):
        pages[int(lines[-1].split()[1])] = squash(text)
    # (None: the part's own page, which opens with its title; the
    # contents have the title too, not at the top of a page)
    if lines and lines[0].strip() == part_two:
        order.append(None)
    order.extend(lines)


def source(name):
    with open(os.path.join(root, "lessons/plain", name), encoding="utf-8") as f:
        return f.read().split("\n")


def core(lines):
    """LINES without the empty lines at either end."""
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


printed = {}   # file -> the line numbers its listing names instead of printing
named = {}     # file -> what its listing names ("fail() and send_all()")
listings = {"I": [], "II": []}
part = "I"
current = None
seen = bad = 0
for line in order:
    if line is None:
        part = "II"
        continue
    m = caption.search(line)
    if m:
        current = m.group(1)
        printed.setdefault(current, set())
        named.setdefault(current, [])
        listings[part].append(current)
        continue
    m = referral.search(line)
    if not m:
        continue
    seen += 1
    a, b, what, file = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
    c = int(m.group(5))
    d = int(m.group(6) or c)
    page = int(m.group(7))
    problems = []
    problems.append("in Part %s, whose programs are printed whole" % part)
    if current is None:
        problems.append("under no whole listing")
    else:
        named[current].append(what)
        here = core(source(current)[a - 1:b])
        there = core(source(file)[c - 1:d])
        if here != there or not here:
            problems.append("%s lines %d-%d are not %s lines %d-%d" % (
                current, a, b, file, c, d))
        if len(here) < 4:
            problems.append("%d lines: too short to name" % len(here))
        printed[current].update(range(a, b + 1))
    if file not in printed or file == current:
        problems.append("%s is not printed whole before" % file)
    elif printed[file] & set(range(c, d + 1)):
        problems.append("%s lines %d-%d are not all printed in its listing" % (
            file, c, d))
    first = next((l for l in source(file)[c - 1:d] if l.strip()), "")
    if squash(first) not in pages.get(page, ""):
        problems.append("page %d has not %r" % (page, first))
    bad += bool(problems)
    print("%s %s lines %d-%d (%s), as in %s, lines %d-%d, page %d%s" % (
        "WRONG" if problems else "ok", current, a, b, what, file, c, d, page,
        (": " + "; ".join(problems)) if problems else ""))
print("Part I: %d whole programs, %d parts named; Part II: %d whole "
      "programs, %d parts named" % (
          len(listings["I"]), sum(len(named[f]) for f in listings["I"]),
          len(listings["II"]), sum(len(named[f]) for f in listings["II"])))
print(seen, "references checked,", bad, "wrong")
sys.exit(1 if bad or not listings["I"] or not listings["II"] else 0)
