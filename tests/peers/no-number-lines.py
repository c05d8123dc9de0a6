# no-number-lines.py TEXT: prints the lines that are only a number among the
# 40 after the caption of lesson 01's plain program in the handout's text;
# exits 1 if any.
import re, sys
text = open(sys.argv[1]).read().splitlines()
at = next(i for i, l in enumerate(text) if l.startswith("lessons/plain/socket.c, lines 1"))
numbers = [l for l in text[at + 1:at + 41] if re.fullmatch(r"\s*\d+\s*", l)]
print("number-only lines after the caption:", numbers)
sys.exit(1 if numbers else 0)
