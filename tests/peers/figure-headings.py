# figure-headings.py PDF FILE.md...: each diagram that comes right after
# a heading, or after the heading's first paragraph, in the Markdown
# FILEs must be printed on the heading's page: a diagram cannot break
# and stays where the text refers to it, so a heading left behind ends
# its page with the rest of it blank. Prints each such heading, its
# caption's start and the PDF page of each; exits 1 if one is apart, or
# if no diagram follows a heading at all.
import re, sys
import pdftext

pages = pdftext.output(["pdftotext", sys.argv[1], "-"]).split("\f")
pages = [" ".join(p.replace("\u2019", "'").split()) for p in pages]


def plain(text):
    return " ".join(re.sub(r"[`*]", "", text).replace("\u2019", "'").split())


pairs = []
for name in sys.argv[2:]:
    blocks = [b.strip() for b in open(name).read().split("\n\n") if b.strip()]
    for i, b in enumerate(blocks):
        m = re.match(r"!\[(.*?)\]\([\w-]+\.dot\)", b, re.S)
        if not m:
            continue
        for back in (1, 2):
            if i - back < 0:
                break
            h = re.match(r"#+ (.*?)( \{.*\})?$", blocks[i - back])
            if h:
                pairs.append((plain(h.group(1)), plain(m.group(1))[:40]))
                break
            if blocks[i - back].startswith(("!", "#", "```", ":::")):
                break

bad = 0
for heading, caption in pairs:
    fig = [n for n, p in enumerate(pages) if re.search(
        r"Figure \d+: " + re.escape(caption), p)]
    head = [n for n, p in enumerate(pages) if heading in p]
    ok = len(fig) == 1 and fig[0] in head
    bad += not ok
    print("%s: %r, caption %r on PDF page %s; heading on pages %s" % (
        "ok" if ok else "APART", heading, caption,
        fig[0] + 1 if fig else "none", [n + 1 for n in head][:8]))
print(len(pairs), "diagrams after a heading")
sys.exit(1 if bad or not pairs else 0)
