# max-columns.py FILE...: names each line of the FILEs wider than 80 columns
# (terminal escapes not counted) as NAME:LINE: N columns: TEXT; exits 1 if any.
import re, sys
ansi = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
bad = 0
for path in sys.argv[1:]:
    with open(path, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            text = ansi.sub("", line.rstrip("\n"))
            if len(text) > 80:
                bad += 1
                name = path.rsplit("/", 1)[-1]
                print(f"{name}:{n}: {len(text)} columns: {text}")
sys.exit(1 if bad else 0)
