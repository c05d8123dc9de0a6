# reference-card-pages.py TEXT: the pages of the handout's text (by
# furniture.py, form feeds between pages) with the reference card's
# heading or running header, the contents aside, and the pages with the
# heading of its card for Part I and for Part II; prints them. Exits 1
# unless the card has exactly two pages, Part I's heading on the first and
# Part II's on the second: each card then fits on its own page (a page
# break comes before Part II, so an overflow of either makes a third
# page).
import re, sys
pages = open(sys.argv[1]).read().split("\f")
def where(pattern):
    return [i + 1 for i, p in enumerate(pages)
            if re.search(pattern, p, re.M)
            and not re.search(r"^Contents$", p, re.M)]
card = where(r"^[A-Z0-9]+\.? Reference card$")
part1 = where(r"^[A-Z0-9]+\.\d+ Part I: ")
part2 = where(r"^[A-Z0-9]+\.\d+ Part II: ")
print("pages:", card, "Part I:", part1, "Part II:", part2)
ok = (len(card) == 2 and part1 == card[:1] and part2 == card[1:])
sys.exit(0 if ok else 1)
