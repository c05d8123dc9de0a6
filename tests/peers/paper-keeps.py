# paper-keeps.py TEX: in the handout's LaTeX, no listing (Highlighting)
# or transcript (a terminal's Verbatim) of two lines or more may break
# after its first line or before its last two (a transcript, its last
# four: the page after a break repeats its two-line title), empty lines
# aside: those lines end in \SSkeep{}, the mark no page break may come
# before (docs/preamble.tex). Nor may a transcript break after a
# "== title ==" line (a lesson's heading()). A code block inside a list
# is pandoc's own (its LaTeX in a list item would be indented). Prints
# counts, exits 1 on a miss.
import re, sys
depth, block, kind, counts, bad = 0, None, None, {"listing": 0, "transcript": 0}, 0
titles = 0
TITLE = re.compile(r"^(\\SSchild\{\})?\\SSTcall\{== .* ==\}(\\SSkeep\{\})?$")
terminal = False
for line in open(sys.argv[1], encoding="utf-8").read().split("\n"):
    if block is None:
        depth += len(re.findall(r"\\begin\{(?:itemize|enumerate|description)\}", line))
        depth -= len(re.findall(r"\\end\{(?:itemize|enumerate|description)\}", line))
        if line.startswith("\\begin{terminal}"):
            terminal = True
        if line.startswith("\\begin{Highlighting}") and depth == 0:
            block, kind = [], "listing"
        elif line.startswith("\\begin{Verbatim}") and terminal:
            block, kind, terminal = [], "transcript", False
        continue
    if re.match(r"\\end\{(Highlighting|Verbatim)\}", line):
        counts[kind] += 1
        full = [j for j, l in enumerate(block) if l.replace("\\SSkeep{}", "").strip()]
        if len(full) >= 2:
            tail = 4 if kind == "transcript" else 2
            must = (set(range(1, full[1] + 1)) |
                    set(range(full[-min(tail, len(full))], len(block))))
            for j in sorted(m for m in must if m > 0):
                if not block[j].endswith("\\SSkeep{}"):
                    print("a page may break before line %d of %d in a %s: %s"
                          % (j + 1, len(block), kind, block[j][:60]))
                    bad = 1
                    break
        if kind == "transcript":
            for j in range(1, len(block)):
                if TITLE.match(block[j - 1]):
                    titles += 1
                    if not block[j].endswith("\\SSkeep{}"):
                        print('a page may break after a "== ... ==" line, '
                              "before line %d of %d: %s"
                              % (j + 1, len(block), block[j][:60]))
                        bad = 1
        block = None
        continue
    block.append(line)
print("listings %(listing)d transcripts %(transcript)d" % counts +
      ' "== ... ==" lines %d' % titles)
sys.exit(1 if bad or counts["listing"] < 50 or counts["transcript"] < 40
         or titles < 1 else 0)
