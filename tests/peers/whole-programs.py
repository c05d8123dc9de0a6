# whole-programs.py ROOT HTML: every lesson's C file of Part II (lessons 10
# on; Part I's stand whole in their chapters' flow), and every docs/python
# file folded in, stands whole in a folded "whole program" of HTML; prints
# what is not, exits 1 on a miss or fewer than 11 Python ones.
import glob, html, os, re, sys
root, page = sys.argv[1], open(sys.argv[2]).read()
found = {}
for path, n, body in re.findall(
        r'<details class="whole-program"><summary>(?:The whole program|'
        r'The whole file|The Python version): (\S+) \((\d+) lines\)</summary>'
        r'(.*?)</details>',
        page, re.S):
    code = re.search(r"<code[^>]*>(.*?)</code>", body, re.S).group(1)
    found[path] = html.unescape(re.sub(r"<[^>]+>", "", code))
bad = 0
for f in sorted(glob.glob(os.path.join(root, "lessons/[0-9]*/*.c"))):
    rel = os.path.relpath(f, root)
    if re.match(r"lessons/0\d-", rel):
        continue
    want = open(f).read().rstrip("\n")
    if found.get(rel) != want:
        print("not whole in the HTML:", rel)
        bad = 1
# Part II's Python versions are folded too, each whole.
folded = [p for p in found if p.startswith("docs/python/")]
for rel in folded:
    if found[rel] != open(os.path.join(root, rel)).read().rstrip("\n"):
        print("not whole in the HTML:", rel)
        bad = 1
print(len(found), "whole programs,", len(folded), "of them Python")
sys.exit(bad or len(folded) < 11)
