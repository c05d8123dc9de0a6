# contents-numbers.py TEXT: the contents in the handout's text number lesson N
# as chapter N, at chapter level only, under Part I (01-09) and Part II;
# each lesson starts with its own contents ("In this chapter: ... (p. N)").
import re, sys
text = open(sys.argv[1]).read()
pages = text.split("\f")
toc = "\n".join(p for p in pages if re.search(r"^Contents", p, re.M))
found = re.findall(r"^(\d+) Lesson (\d+):", toc, re.M)
print("lesson chapters in the contents:", found)
assert len(found) >= 9, "too few lesson chapters in the contents"
for chapter, lesson in found:
    assert int(chapter) == int(lesson), "chapter %s is lesson %s" % (chapter, lesson)
# Chapter level only: no section 6.1 in the printed contents.
assert not re.search(r"^6\.1(\s|$)", toc, re.M), "sections in the contents"
# Front matter without a number, the parts in order, back matter lettered.
assert re.search(r"^Getting started", toc, re.M), "no Getting started"
p1 = toc.find("Part I: ")
p2 = toc.find("Part II: ")
l1, l9, l10 = (toc.find("Lesson %s:" % n) for n in ("01", "09", "10"))
assert -1 < p1 < l1 < l9 < p2 < l10, "Part I before 01-09, Part II before 10"
assert re.search(r"^A Pitfalls", toc, re.M), "no appendix A Pitfalls"
# Each lesson chapter opens with its sections and their pages.
heads = re.findall(r"^\f?\d+ Lesson \d+:[^\n]*\n(?:[^\n]+\n)?\n*"
                   r"In this chapter: (.*\(p\. \d+\))", text, re.M)
print("chapters with their own contents:", len(heads))
assert len(heads) == len(found), "a lesson without its own contents"
