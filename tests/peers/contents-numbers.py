# contents-numbers.py TEXT: the contents in the handout's text number lesson N
# as chapter N, to two levels (6.1), with Getting started unnumbered and
# appendix A Pitfalls; prints the chapters found, fails (assert) on a miss.
import re, sys
pages = open(sys.argv[1]).read().split("\f")
toc = "\n".join(p for p in pages if re.search(r"^Contents", p, re.M))
found = re.findall(r"^(\d+) Lesson (\d+):", toc, re.M)
print("lesson chapters in the contents:", found)
assert len(found) >= 9, "too few lesson chapters in the contents"
for chapter, lesson in found:
    assert int(chapter) == int(lesson), "chapter %s is lesson %s" % (chapter, lesson)
# Sections too (depth 2): 6.1, 6.2 ... under lesson 06.
assert re.search(r"^6\.1(\s|$)", toc, re.M), "no section 6.1 in the contents"
# Front matter without a number, back matter lettered.
assert re.search(r"^Getting started", toc, re.M), "no Getting started"
assert re.search(r"^A Pitfalls", toc, re.M), "no appendix A Pitfalls"
