# pages-with-title.py TEXT TITLE TITLE...: prints the pages of the handout's
# text that show TITLE and fewer than 3 of the other TITLEs (white space and
# the wrap arrow ignored).
import re, sys
text, title, titles = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3:]
sq = lambda s: re.sub(r"\s+", "", s.replace("\u21aa", ""))
for page in text.split("\f"):
    p = sq(page)
    if sq(title) in p and sum(t in p for t in titles) < 3:
        print(page)
