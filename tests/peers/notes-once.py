# notes-once.py HTML: each note of the transcripts (a line 4 columns in, 6
# words or more, not kernel:) is shown once at most, numbers aside; a note
# that comes again is left out with no line in its place (no "[as in"
# mark); a transcript of class all-notes shows every note again. A
# kernel line says where its fact was read ("(from /proc/net/tcp)") the
# first time a file is named, then the fact alone. Prints counts, exits 1
# on a miss, or when it finds under 50 notes, 700 lines or 3 files named
# (then it did not read the book's transcripts). Each line's class is tl and its kind
# (docs/filters/transcripts.lua): a note is of kind note; a child's line
# (tagged "[child N] ") has the class child too, and no other line has.
import html, re, sys
page = open(sys.argv[1]).read()
divs = re.findall(r'<div id="([^"]*)" class="terminal( all-notes)?">(.*?)</pre>',
                  page, re.S)
def key(text, lead):
    tag = re.match(r"\[child \d+\] ", text)
    if tag:
        lead -= len(tag.group(0))
        text = text[len(tag.group(0)):]
    if lead != 4 or text.startswith("kernel: ") or len(text.split()) < 6:
        return None
    return re.sub(r"\d+", "#", text)
KINDS = {"call", "fail", "kernel", "note", "out", "cmd", "gap", "blank"}
seen, lines, bad, sources = {}, 0, 0, {}
for ident, everything, body_html in divs:
    spans = re.findall(r'<span class="tl([^"]*)" style="padding-left: '
                       r'(\d+)ch"[^>]*>(.*?)\n</span>', body_html, re.S)
    lines += len(spans)
    for extra, pad, body in spans:
        text = html.unescape(re.sub(r"<[^>]+>", "", body))
        classes = extra.split()
        kind = classes[0] if classes else ""
        if classes[1:] != (["child"] if re.match(r"\[child \d+\] ", text) else []):
            print("a child's line without the class child, or another with it:",
                  extra, text[:60])
            bad = 1
        if kind not in KINDS or text.lstrip().startswith("[as in ") or \
                "[why: shown before]" in text:
            print("a mark where a note was left out:", text[:70])
            bad = 1
        # (an option or a path in the line is in a span of its own)
        if kind == "kernel" and not everything:
            for src in re.findall(r"\(from (/proc/[a-z0-9/]+)\)", text):
                sources[src] = sources.get(src, 0) + 1
                if sources[src] > 1:
                    print("where a fact was read, said again:", text[:70])
                    bad = 1
        k = key(text, int(pad) - 2)
        if k and kind != "note":
            print("a note not of kind note:", extra, text[:60])
            bad = 1
        if k and not everything:
            if k in seen:
                print("shown a second time:", body[:70])
                bad = 1
            seen[k] = ident
print("transcripts", len(divs), "lines", lines, "notes", len(seen),
      "sources named", len(sources))
sys.exit(1 if bad or len(seen) < 50 or lines < 600 or len(sources) < 3 else 0)
