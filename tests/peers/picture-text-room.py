# picture-text-room.py CHART.svg: no text of a sequence chart (mscgen's
# SVG, after scripts/lib/picture-svg.py) touches a line across it: a
# box's top or bottom border, an arrow. A text's ink is taken as
# Helvetica's: 0.75 of its size above the baseline ("(" and the
# capitals), 0.25 below (",", "g"); a line that passes within a px
# of that, where the text is, touches it. The dashed line of a heading
# runs behind its label on purpose (a white ground under the text), and
# is not counted. Prints each text that a line touches; exits 1 if there
# is one, 2 if the chart has no text.
import sys
import xml.etree.ElementTree as ET


def tag(el):
    return el.tag.split("}")[-1]


root = ET.parse(sys.argv[1]).getroot()
texts, lines = [], []
for e in root:
    if tag(e) == "text":
        size = float(e.get("font-size"))
        y = float(e.get("y"))
        # (the times of an excerpt for paper, docs/picture-columns.py,
        # set larger without one: some 0.55 of the size a letter)
        width = float(e.get("textLength") or
                      0.55 * size * len((e.text or "").strip()))
        x = float(e.get("x"))
        if e.get("text-anchor") == "middle":
            x -= width / 2
        texts.append(((e.text or "").strip(), x, x + width,
                      y - 0.75 * size, y + 0.25 * size))
    elif (tag(e) == "line" and e.get("y1") == e.get("y2") and
          e.get("stroke-dasharray") is None):
        x1, x2 = float(e.get("x1")), float(e.get("x2"))
        lines.append((min(x1, x2), max(x1, x2), float(e.get("y1"))))
if not texts:
    sys.exit("picture-text-room.py: %s has no text" % sys.argv[1])
bad = 0
for text, left, right, top, bottom in texts:
    for x1, x2, y in lines:
        if x1 < right and x2 > left and top - 1 <= y <= bottom + 1:
            print("%r (from %g to %g px down) touches the line at %g px"
                  % (text, top, bottom, y))
            bad = 1
            break
sys.exit(bad)
