# whole-entries.py: reads lines "A|B|TEXT" on stdin; prints "not whole:" and
# the line for each TEXT that is empty, cut off (ends in : ( or ,), holds a
# {placeholder} or leaves a quote open; exits 1 if any.
import re, sys
bad = 0
for line in sys.stdin.read().splitlines():
    text = line.split("|", 2)[2]
    quotes = re.sub(r"(?<=[A-Za-z])\x27(?=[a-z])", "", text).count("\x27")
    if (not text.strip() or "{" in text or "}" in text
            or re.search(r"[:(,]$", text) or quotes % 2):
        print("not whole:", line)
        bad = 1
sys.exit(bad)
