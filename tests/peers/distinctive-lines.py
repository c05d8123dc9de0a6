# distinctive-lines.py FILE: prints FILE's first long (30+ characters) line
# found once only, and the ones at a quarter, half, three quarters and the
# end of those; fails if it has none.
import sys
lines = [l.strip() for l in open(sys.argv[1])]
long = [l for l in lines if len(l) >= 30 and lines.count(l) == 1]
if not long:
    sys.exit("no distinctive line in " + sys.argv[1])
for i in sorted({0, len(long) // 4, len(long) // 2, 3 * len(long) // 4, len(long) - 1}):
    print(long[i])
