# whole-programs.py ROOT HTML: every lesson's C file of Part I (lessons 01
# to 09) stands whole, once, in the flow of the appendix of lesson
# programs (tools), in its own lesson's section (lNN-code...), right
# after the cc command that builds it by hand; every plain program of
# lessons/plain/ stands whole, once, in the flow; every one of Part II
# (lessons 10 on), and every docs/python file folded in, stands whole in
# a folded "whole program" of HTML. Prints what is not, exits 1 on a miss
# or fewer than 11 Python ones.
import glob, html, os, re, sys
root, page = sys.argv[1], open(sys.argv[2]).read()
text = lambda s: html.unescape(re.sub(r"<[^>]+>", "", s))
found = {}
for path, n, body in re.findall(
        r'<details class="whole-program"><summary>(?:The whole program|'
        r'The whole file|The Python version): (\S+) \((\d+) lines\)</summary>'
        r'(.*?)</details>',
        page, re.S):
    code = re.search(r"<code[^>]*>(.*?)</code>", body, re.S).group(1)
    found[path] = text(code)
# Part I's listings in the flow: (where, caption, code), in page order.
flow = [(m.start(), " ".join(text(m.group(1)).split()), text(m.group(2)))
        for m in re.finditer(
            r'<div (?:id="[^"]*" )?class="listing">\s*<div class="listing-caption">'
            r'(.*?)</div>\s*<div class="sourceCode"[^>]*><pre[^>]*>'
            r'<code[^>]*>(.*?)</code>', page, re.S)]
# Each chapter: from its section's start to the next chapter's.
starts = [(m.start(), m.group(1)) for m in re.finditer(
    r'<section id="([^"]+)"\s+class="level1', page)]
def chapter_of(pos):
    return [c for at, c in starts if at <= pos][-1]
sections = [(m.start(), m.group(1)) for m in re.finditer(
    r'<section id="([^"]+)"\s+class="level2', page)]
def section_of(pos):
    return [c for at, c in sections if at <= pos][-1]
bad = 0
for f in sorted(glob.glob(os.path.join(root, "lessons/[0-9]*/*.c"))):
    rel = os.path.relpath(f, root)
    want = open(f).read().rstrip("\n")
    part_1 = re.match(r"lessons/(0\d)-", rel)
    if not part_1:
        if found.get(rel) != want:
            print("not whole in the HTML:", rel)
            bad = 1
        continue
    total = want.count("\n") + 1
    caption = "%s, lines 1\u2013%d" % (rel, total)
    # (the first caption of a kind says what its grey lines are)
    shown = [(at, code) for at, cap, code in flow
             if cap in (caption, caption + " (grey: narration and options)")]
    if len(shown) != 1 or shown[0][1] != want:
        print("not whole once in the flow of the HTML:", rel)
        bad = 1
        continue
    at = shown[0][0]
    if (chapter_of(at) != "tools" or
            not section_of(at).startswith("l%s-code" % part_1.group(1))):
        print("whole, but not in its section of tools:", rel, "in",
              chapter_of(at), section_of(at))
        bad = 1
    # Right above it: the command that builds it by hand, into a name
    # that starts with the lesson's number (04-accept, 06-server).
    cmd = "cc -Wall %s -o %s-%s" % (rel, part_1.group(1),
                                     os.path.basename(rel)[:-2])
    if not " ".join(text(page[max(0, at - 3000):at]).split()).endswith(cmd):
        print("whole, but not right after", repr(cmd) + ":", rel)
        bad = 1
for f in sorted(glob.glob(os.path.join(root, "lessons/plain/*.c"))):
    rel = os.path.relpath(f, root)
    want = open(f).read().rstrip("\n")
    caption = "%s, lines 1\u2013%d" % (rel, want.count("\n") + 1)
    # (the book's first whole listing says so, and the first with grey
    # lines what they are)
    if [code for at, cap, code in flow
            if cap in (caption, caption + " (the whole file)",
                       caption + " (grey: as in an earlier program)")
            ] != [want]:
        print("not whole once in the flow of the HTML:", rel)
        bad = 1
# Part II's Python versions are folded too, each whole.
folded = [p for p in found if p.startswith("docs/python/")]
for rel in folded:
    if found[rel] != open(os.path.join(root, rel)).read().rstrip("\n"):
        print("not whole in the HTML:", rel)
        bad = 1
print(len(found), "whole programs folded,", len(folded), "of them Python")
sys.exit(bad or len(folded) < 11)
