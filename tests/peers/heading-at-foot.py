# heading-at-foot.py TEXT: no page of the handout (its text by
# furniture.py, a form feed between pages) ends with a numbered heading
# ("6.9 Going further: a short send", "H.3 ...") just above its footer
# ("page 35"): the heading would be alone at the foot, what it heads on
# the next page. A line of a transcript that starts with a time ("2.1 s:
# clients open 1") is not a heading. Nor does a page end with a
# chapter's heading ("Lesson 20: epoll, ten thousand clients") or with
# its heading and its short contents ("In this chapter: What it teaches
# (p. 100) · ..."), its first section on the next page. Prints each such
# page, exits 1 if there is one, 2 if the text has too few pages to be
# the handout.
import re, sys
pages = open(sys.argv[1], encoding="utf-8").read().split("\f")
bad = 0
for n, page in enumerate(pages, 1):
    lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
    if len(lines) < 2 or not re.fullmatch(r"page [0-9ivx]+", lines[-1]):
        continue
    if re.fullmatch(r"([0-9]+|[A-Z])\.[0-9]+ (?!m?s:)\S.*", lines[-2]):
        print("page %d (of the PDF) ends with the heading %r" % (n, lines[-2]))
        bad = 1
    elif re.fullmatch(r"Lesson [0-9]+: \S.*", lines[-2]):
        print("page %d (of the PDF) ends with the chapter heading %r"
              % (n, lines[-2]))
        bad = 1
    else:
        # the chapter's contents: "In this chapter:", its lines each
        # with a section's page, down to the foot
        body = lines[:-1]
        k = max((j for j, ln in enumerate(body)
                 if ln.startswith("In this chapter:")), default=None)
        if k is not None and k > 0 and all(
                re.search(r"\(p\. [0-9]+\)", ln) for ln in body[k:]):
            print("page %d (of the PDF) ends with the chapter heading %r and"
                  " its contents" % (n, body[k - 1]))
            bad = 1
sys.exit(bad if len(pages) > 30 else 2)
