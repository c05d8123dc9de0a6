# notes-once.py HTML: each note of the transcripts (a line 4 columns in, 6
# words or more, not kernel:) is shown once at most, and every one left out
# was shown before; prints counts, exits 1 on a miss.
import html, re, sys
page = open(sys.argv[1]).read()
spans = re.findall(r'<span class="tl( omitted)?" style="padding-left: (\d+)ch"'
                   r'(?: title="([^"]*)")?>(.*?)\n</span>', page, re.S)
def key(text, lead):
    tag = re.match(r"\[child \d+\] ", text)
    if tag:
        lead -= len(tag.group(0))
        text = text[len(tag.group(0)):]
    if lead != 4 or text.startswith("kernel: ") or len(text.split()) < 6:
        return None
    return re.sub(r"\d+", "#", text)
seen, marks, bad = {}, 0, 0
for omitted, pad, title, body in spans:
    body = html.unescape(body)
    if omitted:
        marks += 1
        for note in html.unescape(title).split("\n"):
            if seen.get(key(note, 4), 0) < 1:
                print("left out but not shown before:", note[:70])
                bad = 1
        continue
    k = key(body, int(pad) - 2)
    if k:
        seen[k] = seen.get(k, 0) + 1
        if seen[k] > 1:
            print("shown a second time:", body[:70])
            bad = 1
print("lines", len(spans), "notes", len(seen), "marks", marks)
sys.exit(1 if bad or marks == 0 or len(spans) < 1000 else 0)
