# notes-once.py HTML: each note of the transcripts (a line 4 columns in, 6
# words or more, not kernel:) is shown once at most, and every one left out
# was shown before, in the transcript its mark links to (a note repeated
# later in one chapter has no line at all); a transcript of
# class all-notes shows every note again. Prints counts, exits 1 on a miss.
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
seen, marks, lines, bad = {}, 0, 0, 0
for ident, everything, body_html in divs:
    spans = re.findall(r'<span class="tl( omitted)?" style="padding-left: '
                       r'(\d+)ch"(?: title="([^"]*)")?>(.*?)\n</span>',
                       body_html, re.S)
    lines += len(spans)
    for omitted, pad, title, body in spans:
        if omitted:
            marks += 1
            href = re.match(r'<a href="#([^"]*)">', body)
            for note in html.unescape(title).split("\n"):
                where = seen.get(key(note, 4))
                if not where:
                    print("left out but not shown before:", note[:70])
                    bad = 1
                elif not href or href.group(1) != where:
                    print("mark links elsewhere than", where, ":", note[:60])
                    bad = 1
            continue
        # (an option or a path in the line is in a span of its own)
        k = key(html.unescape(re.sub(r"<[^>]+>", "", body)), int(pad) - 2)
        if k and not everything:
            if k in seen:
                print("shown a second time:", body[:70])
                bad = 1
            seen[k] = ident
print("transcripts", len(divs), "lines", lines, "notes", len(seen), "marks", marks)
sys.exit(1 if bad or marks == 0 or lines < 800 else 0)
