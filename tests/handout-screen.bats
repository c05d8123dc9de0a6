#!/usr/bin/env bats
# The handout on a screen: the HTML (its links, a phone's width, the way
# back from each section). They read the real tree's build, as
# handout.bats does, and run beside it: Chromium is one of the slowest of
# the handout's checks (the EPUB's, the other, are in handout-epub.bats).

# The longest wait inside a test here is 300 s: bats' own per-test
# limit must be longer, or that wait could never say what it waited
# for (tests/timeouts checks it).
: "${BATS_TEST_TIMEOUT:=$((330 * ${SOCKSTEP_TEST_SCALE:-1}))}"
load handout_helper

setup_file() {
    build_real_handout "$BATS_FILE_TMPDIR/make.log" || return 1
}

@test "handout: every internal link of the HTML resolves, and it loads nothing from outside" {
    check_links "$ROOT/build/handout.html"
    # The lecturer's manual too (not in a students' copy); its links into
    # the student's book go to handout.html beside it, to an id that is there.
    [[ -f "$ROOT/docs/lecturers.md" ]] || return 0
    check_links "$ROOT/build/lecturers.html"
    local id
    while IFS= read -r id; do
        grep -q -E "(^| )id=\"$id\"" "$ROOT/build/handout.html" ||
            { echo "lecturers.html: href=\"handout.html#$id\": no such id" >&2; return 1; }
    done < <(grep -o 'href="handout\.html#[^"]*"' "$ROOT/build/lecturers.html" |
        sed -E 's/^href="handout\.html#(.*)"$/\1/' | sort -u)
}

@test "handout: the HTML's stylesheets give each colour as a browser reads it" {
    # (pandoc wrote the paper's colour name, sockblue, into the CSS of
    # its links: no browser knows it, and the links took their default.)
    local f bad
    for f in "$ROOT/build/handout.html" "$ROOT/build/lecturers.html"; do
        [[ -f "$f" ]] || continue
        bad=$(sed -n '/<style/,/<\/style>/p' "$f" |
            grep -oE '(^|[;{ ])(background-)?color: *[^;}]*' |
            sed -E 's/.*color: *//; s/ *$//' | sort -u |
            grep -vE '^(#[0-9a-fA-F]{3,8}|(var|rgba?)\(.*|black|white|inherit|transparent|currentColor)$' || :)
        [[ -z "$bad" ]] || { echo "$f: colours no browser knows: $bad" >&2; return 1; }
    done
}

# check_links HTML: every internal link resolves, nothing is loaded from
# outside, the diagrams (if any) are inside, and it reads on a phone.
check_links() {
    local html="$1" ids hrefs missing n
    # (an attribute may start a line: <span\nid="ix-1">)
    ids=$(grep -oE '(^| )id="[^"]*"' "$html" | sed -E 's/^ ?id="(.*)"$/\1/' | LC_ALL=C sort -u)
    hrefs=$(grep -o 'href="#[^"]*"' "$html" | sed -E 's/^href="#(.*)"$/\1/' | LC_ALL=C sort -u)
    n=$(grep -c . <<<"$hrefs")
    echo "$n distinct internal links"
    ((n > 20))
    # The targets no id names (both lists sorted the same way for comm).
    missing=$(LC_ALL=C comm -23 <(echo "$hrefs") <(echo "$ids"))
    if [[ -n "$missing" ]]; then
        local m
        while IFS= read -r m; do
            echo "href=\"#$m\": no such id" >&2
        done <<<"$missing"
        return 1
    fi
    # Nothing fetched from elsewhere: no external src, stylesheet or import.
    if grep -n -i -E 'src="(https?:)?//|src="https?:|<link[^>]*rel="?stylesheet|@import|url\((["'"'"']?)(https?:)?//' "$html"; then
        echo "$html: loads something from outside (above)" >&2
        return 1
    fi
    if grep -q -i -E '<link[^>]*href=' "$html"; then
        echo "$html: a <link href=...>" >&2
        return 1
    fi
    # The diagrams are inside: inline SVG or data: URIs.
    if [[ "$html" == */handout.html ]]; then
        (($(grep -c -E 'src="data:image/svg\+xml|<svg' "$html") >= 2))
    fi
    # Readable on a phone: the viewport meta and scrolling code blocks.
    grep -q 'name="viewport" content="width=device-width' "$html"
    grep -q 'overflow-x: auto' "$html"
}

# The measuring script for the phone test: at the page's viewport, no
# element of prose (anything outside a listing or a code block) may reach
# past either edge, no transcript or listing may scroll sideways inside
# its box (their lines wrap), and no box may be wider than the viewport.
# A picture of a run may be wider than the screen inside its box, if
# that box scrolls sideways; a table of the reference card may not
# scroll (its rows stack).
# The result goes into the page and, when it is in a frame, to the page
# around it.
PHONE_JS='
window.addEventListener("load", function () {
  var vw = document.documentElement.clientWidth, bad = [], n = 0;
  function name(el) {
    var s = el.tagName.toLowerCase(), sec = el.closest("section[id]");
    if (el.className && typeof el.className === "string")
      s += "." + el.className.trim().split(/\s+/).join(".");
    return s + (sec ? " in #" + sec.id : "") + " (" +
      (el.textContent || "").replace(/\s+/g, " ").slice(0, 40) + ")";
  }
  var els = document.querySelectorAll("body *");
  for (var i = 0; i < els.length; i++) {
    var el = els[i];
    if (el.closest("div.sourceCode") || el.closest("script") || el.closest("svg") ||
        (el.parentElement && el.parentElement.closest("pre")) ||
        (el.tagName !== "TABLE" && el.closest("table"))) continue;
    if (el.tagName === "IMG" && el.parentElement.matches("div.picture-scroll") &&
        /^(auto|scroll)$/.test(getComputedStyle(el.parentElement).overflowX)) continue;
    var r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    n++;
    if (r.right > vw + 0.5 || r.left < -0.5)
      bad.push(name(el) + " spans " + Math.round(r.left) + ".." + Math.round(r.right));
  }
  var pres = document.querySelectorAll("div.terminal pre");
  for (var j = 0; j < pres.length; j++)
    if (pres[j].scrollWidth > pres[j].clientWidth + 1)
      bad.push(name(pres[j]) + " scrolls: " + pres[j].scrollWidth + " > " + pres[j].clientWidth);
  // The boxes folded away (a whole program in a closed <details>) are
  // measured open: closed, Chromium lays out its hidden contents again
  // for each box asked about; open, once for them all. Only widths are
  // read, which opening does not change. They are closed again after.
  var boxes = document.querySelectorAll("div.sourceCode, pre"),
      folded = document.querySelectorAll("details:not([open])");
  for (var d = 0; d < folded.length; d++) folded[d].open = true;
  for (var k = 0; k < boxes.length; k++) {
    if (boxes[k].getBoundingClientRect().right > vw + 0.5)
      bad.push(name(boxes[k]) + " box reaches " + Math.round(boxes[k].getBoundingClientRect().right));
    if (boxes[k].scrollWidth > boxes[k].clientWidth + 1)
      bad.push(name(boxes[k]) + " scrolls: " + boxes[k].scrollWidth + " > " + boxes[k].clientWidth);
  }
  for (d = 0; d < folded.length; d++) folded[d].open = false;
  // A word of a table cell laid out on two lines is a broken word (a
  // line may end after a hyphen, as in prose: "SYN-" and "ACK" are two).
  var cells = document.querySelectorAll("td, th"), words = 0;
  for (var c = 0; c < cells.length; c++) {
    var walk = document.createTreeWalker(cells[c], NodeFilter.SHOW_TEXT), node;
    while ((node = walk.nextNode())) {
      var re = /[^\s-]+-*|-+/g, m;
      while ((m = re.exec(node.data))) {
        var range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        var rects = range.getClientRects(), tops = {};
        for (var q = 0; q < rects.length; q++)
          if (rects[q].width > 0) tops[Math.round(rects[q].top)] = 1;
        words++;
        if (Object.keys(tops).length > 1)
          bad.push("word broken in a cell: " + m[0] + " in " + name(cells[c]));
      }
    }
  }
  // Inline code (an option, a path) never ends a line after a hyphen:
  // "--port" is not "-" and "-port", "06-send-recv" not "06-send-" and
  // "recv". The title of a transcript, which names its command, neither.
  // In a listing or a code block no hyphen ends a line; in a transcript,
  // none in an option or a path ("non-blocking" in a note may break).
  var codes = document.querySelectorAll("code, div.terminal-title, div.terminal pre"),
      hyphens = 0;
  for (var a = 0; a < codes.length; a++) {
    var term = codes[a].matches("div.terminal pre");
    if (codes[a].tagName === "CODE" && codes[a].closest("div.terminal")) continue;
    var tw = document.createTreeWalker(codes[a], NodeFilter.SHOW_TEXT), tnode;
    while ((tnode = tw.nextNode())) {
      for (var h = tnode.data.indexOf("-"); h >= 0 && h + 1 < tnode.data.length;
           h = tnode.data.indexOf("-", h + 1)) {
        if (/\s/.test(tnode.data[h + 1])) continue;
        if (term) {
          var before = tnode.data.slice(0, h + 1).split(/\s/).pop(),
              after = tnode.data.slice(h + 1).split(/\s/)[0];
          if (!/^[(\[\x22\x27`]*-/.test(before) && (before + after).indexOf("/") < 0)
            continue;
        }
        var hr = document.createRange();
        hr.setStart(tnode, h);
        hr.setEnd(tnode, h + 2);
        var hrs = hr.getClientRects(), htops = {};
        for (var g = 0; g < hrs.length; g++)
          if (hrs[g].width > 0) htops[Math.round(hrs[g].top)] = 1;
        hyphens++;
        if (Object.keys(htops).length > 1)
          bad.push("a line ends after a hyphen in: " + name(codes[a]));
      }
    }
  }
  // Each transcript line is one line of the program (a note unwrapped:
  // the runs are made with SOCKSTEP_NOWRAP), wrapped by the browser only,
  // with a hanging indent: its line boxes after the first start further
  // right. A line break inside a line, or a line indented as the
  // continuation of the program itself (10 columns and more; the tag of a
  // child aside), would be a second wrap.
  var tls = document.querySelectorAll("div.terminal span.tl"), wrapped = 0;
  for (var u = 0; u < tls.length; u++) {
    var txt = tls[u].textContent.replace(/\n$/, "");
    if (txt.indexOf("\n") >= 0)
      bad.push("a transcript line broken inside: " + name(tls[u]));
    if (!/^\[child /.test(txt) && parseFloat(tls[u].style.paddingLeft) >= 10)
      bad.push("a transcript line indented as a continuation: " + name(tls[u]));
    var tn = tls[u].firstChild;
    if (!tn || tn.nodeType !== 3 || !txt.length) continue;
    var rg = document.createRange();
    rg.setStart(tn, 0);
    rg.setEnd(tn, Math.min(txt.length, tn.data.length));
    var rs = rg.getClientRects(), lefts = [];
    for (var v = 0; v < rs.length; v++)
      if (rs[v].width > 0) lefts.push(rs[v].left);
    if (lefts.length > 1) {
      wrapped++;
      if (!(lefts[1] > lefts[0] + 1))
        bad.push("a wrapped transcript line without a hanging indent: " + name(tls[u]));
    }
  }
  if (wrapped === 0) bad.push("no transcript line wrapped at this width");
  // A line of a listing that wraps goes on under its own code: each row
  // after its first starts right of the indentation of the line (up to 24
  // columns, as far as docs/filters/layout.lua indents), not back at the
  // left edge as a staircase.
  var cls = document.querySelectorAll("pre > code.sourceCode > span, pre > code.plain > span"),
      cwrapped = 0;
  for (var c = 0; c < cls.length; c++) {
    var ctw = document.createTreeWalker(cls[c], NodeFilter.SHOW_TEXT), cn, texts = [];
    while ((cn = ctw.nextNode())) if (cn.data.length) texts.push(cn);
    if (!texts.length) continue;
    var ctext = cls[c].textContent, indent = ctext.search(/\S/);
    if (indent < 0) continue;
    var c0 = document.createRange();
    c0.setStart(texts[0], 0);
    c0.setEnd(texts[0], 1);
    var r0 = c0.getBoundingClientRect(), cw = r0.width;
    // (a line whose first word did not fit its first row: no row shows
    // where its code starts)
    if (r0.top - cls[c].getBoundingClientRect().top > r0.height / 2) continue;
    var cr = document.createRange();
    cr.setStart(texts[0], 0);
    cr.setEnd(texts[texts.length - 1], texts[texts.length - 1].data.length);
    var crs = cr.getClientRects(), rows = {};
    for (var q = 0; q < crs.length; q++) {
      if (crs[q].width <= 0) continue;
      var top = Math.round(crs[q].top);
      if (Math.abs(top - Math.round(r0.top)) <= 1) continue;
      rows[top] = Math.min(rows[top] === undefined ? 1e9 : rows[top], crs[q].left);
    }
    var tops = Object.keys(rows);
    if (!tops.length) continue;
    cwrapped++;
    var least = r0.left + (Math.min(indent, 24) + 1) * cw - 0.5;
    for (var k = 0; k < tops.length; k++)
      if (rows[tops[k]] < least) {
        bad.push("a wrapped listing line goes on left of its own code: " + name(cls[c]));
        break;
      }
  }
  // The smallest label of the diagrams and of the pictures of real runs
  // (figure.picture, drawn by mscgen, every text 12 px at its own size),
  // in CSS px as drawn: its font-size in the SVG the browser chose (the
  // narrow one on a phone) times the scale the image is drawn at.
  var figs = document.querySelectorAll("figure img"), label = 1000, pictures = 0;
  for (var f = 0; f < figs.length; f++) {
    var svg = decodeURIComponent(figs[f].currentSrc.replace(/^data:image\/svg\+xml,/, ""));
    var w = /<svg[^>]* width="([0-9.]+)(pt|px)"/.exec(svg), sizes = svg.match(/font-size="[0-9.]+"/g);
    if (!w || !sizes) { bad.push("a diagram without its size or labels"); continue; }
    var unit = w[2] === "pt" ? 4 / 3 : 1, least = 1000;
    var scale = figs[f].getBoundingClientRect().width / (parseFloat(w[1]) * unit);
    for (var s = 0; s < sizes.length; s++)
      least = Math.min(least, parseFloat(sizes[s].slice(11, -1)) * unit * scale);
    if (figs[f].closest("figure.picture")) {
      pictures++;
      // wider than its box, it says so above it (handout.css)
      var box = figs[f].closest("div.picture-scroll"),
        cue = getComputedStyle(figs[f].closest("figure"), "::before").content;
      if (box && box.scrollWidth > box.clientWidth + 1 && !/scroll/.test(cue))
        bad.push("a picture wider than its box, and no line saying so: #" +
          figs[f].closest("figure").id);
    }
    if (least < 12)
      bad.push("a diagram label is " + least.toFixed(1) + " px, under 12, in #" +
        figs[f].closest("figure").id);
    label = Math.min(label, least);
  }
  // The tables of the reference card (::: rows): each row a block on a phone,
  // none scrolls sideways or reaches past the screen, no cell cut.
  var cards = document.querySelectorAll("#reference-card table"), card = 0;
  for (var t = 0; t < cards.length; t++) {
    var tr = cards[t].getBoundingClientRect();
    card++;
    if (cards[t].scrollWidth > cards[t].clientWidth + 1 || tr.right > vw + 0.5)
      bad.push("a table of the reference card scrolls: " + cards[t].scrollWidth +
        " > " + cards[t].clientWidth + ", right at " + Math.round(tr.right));
  }
  // The first screen shows the title and the start of the contents.
  var toc = document.getElementById("TOC");
  var tocTop = toc ? Math.round(toc.getBoundingClientRect().top) : -1;
  var vh = document.documentElement.clientHeight;
  if (!document.querySelector("header h1.title") || tocTop < 0 || tocTop > vh / 2)
    bad.push("the contents start at " + tocTop + ", not on the first screen (" + vh + ")");
  var out = "viewport " + vw + " elements " + n + " transcripts " + pres.length +
    " boxes " + boxes.length + " cell words " + words + " contents at " + tocTop +
    " diagrams " + (figs.length - pictures) + " pictures " + pictures +
    " smallest label " + Math.round(label) + " card tables " + card +
    " transcript lines " + tls.length + " wrapped " + wrapped +
    " listing lines wrapped " + cwrapped + " code hyphens " + hyphens +
    "\n" + bad.join("\n");
  if (window.parent !== window) window.parent.postMessage(out, "*");
});'

# phone_measure HTML EXTRA_CSS CUT: the measurements of HTML in frames
# 390 px wide and 844 high (a phone; Chromium will not make a window that
# narrow, but a frame is a viewport of its own), in one Chromium: the page
# as built into $BATS_TEST_TMPDIR/phone/result-1, and the page with
# EXTRA_CSS added into result-2. CUT, an id of a chapter: that second page
# without that chapter and those after it (the chapters are the page's
# last elements), for a measurement that needs only the first ones.
# Scroll bars take no room, as on a phone. The frames stand side by side,
# both inside the window, so that neither waits as a frame out of sight
# may. Each result is "no result" until its frame has sent one.
@test "handout: the lecturer's manual on a phone (390 px): nothing wider than the screen, nothing scrolls sideways" {
    has_manual
    command -v chromium >/dev/null || skip "no chromium (./install-deps installs it)"
    # As the book's, measured by the same script; the second frame, the
    # manual's first chapter with its listings kept from wrapping, shows
    # that the measurement sees what it should.
    phone_measure "$ROOT/build/lecturers.html" \
        "pre > code.sourceCode > span, div.terminal pre { white-space: pre !important }" \
        manual-assignments
    run cat "$BATS_TEST_TMPDIR/phone/result-1"
    echo "$output" | head -n 30
    assert_line --index 0 --regexp "^viewport 390 elements [0-9]+ transcripts [1-9][0-9]* boxes [1-9][0-9]* "
    [ "${#lines[@]}" -eq 1 ]
    run cat "$BATS_TEST_TMPDIR/phone/result-2"
    echo "$output" | head -n 30
    assert_line --regexp ' scrolls: '
}

phone_measure() {
    local dir="$BATS_TEST_TMPDIR/phone" html=$1 css=$2 cut=$3
    mkdir -p "$dir"
    "$PYTHON" - "$html" "$dir" "$css" "$PHONE_JS" "$cut" <<'EOF'
import sys
h = open(sys.argv[1]).read()
i = h.rindex("</body>")
j = h.index('<section id="%s"' % sys.argv[5])
for name, end, css in (("page-1.html", i, ""), ("page-2.html", j, sys.argv[3])):
    open(sys.argv[2] + "/" + name, "w").write(h[:end] +
        "<style>html { scrollbar-width: none }" + css + "</style><script>" +
        sys.argv[4] + "</script>" + h[i:])
EOF
    cat >"$dir/frame.html" <<'EOF'
<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>body { margin: 0 }
iframe { border: 0; width: 390px; height: 844px; display: inline-block;
  vertical-align: top }</style></head>
<body><iframe id="frame-1" src="page-1.html"></iframe><iframe id="frame-2"
src="page-2.html"></iframe><pre id="result-1">no result</pre><pre
id="result-2">no result</pre>
<script>window.addEventListener("message", function (e) {
  for (var n = 1; n <= 2; n++)
    if (e.source === document.getElementById("frame-" + n).contentWindow)
      document.getElementById("result-" + n).textContent = e.data; });</script>
</body></html>
EOF
    "${HANDOUT_FIRST[@]}" timeout "$((300 * SCALE))" chromium --headless=new --no-sandbox --disable-gpu \
        --window-size=800,900 --virtual-time-budget=20000 \
        --dump-dom "file://$dir/frame.html" 2>/dev/null |
        "$PYTHON" -c '
import html, re, sys
page = sys.stdin.read()
for n in (1, 2):
    m = re.search(r"<pre id=\"result-%d\">(.*?)</pre>" % n, page, re.S)
    with open(sys.argv[1] + "/result-%d" % n, "w") as out:
        out.write((html.unescape(m.group(1)) if m else "no result") + "\n")' "$dir"
    # (a measurement that never came: say whether Chromium ran out of time)
    [[ "${PIPESTATUS[0]}" -ne 124 ]] || echo "chromium ran past $((300 * SCALE)) s" >&2
}

@test "handout: on a phone (390 px): the contents on the first screen, nothing wider than it, nothing scrolls sideways, no word broken in a table, labels of 12 px, transcripts wrapped once" {
    command -v chromium >/dev/null || skip "no chromium (./install-deps installs it)"
    # The two measurements below, made at once: the page as built, and
    # the page spoilt.
    phone_measure "$ROOT/build/handout.html" \
        "#l01-run div.terminal pre, #l01-run div.terminal pre code { white-space: pre !important }
         div.terminal span.tl { text-indent: 0 !important }
         #sequence-tcp img { min-width: 34em }
         #sequence-udp img { width: 150px !important }
         #pic-04 img { width: 250px !important }
         td, th, td code { overflow-wrap: anywhere !important }
         span.nobr { white-space: normal !important }
         #l04-whole pre > code.sourceCode > span { white-space: pre !important }
         #plain-server pre > code > span { padding-left: 5em !important; text-indent: -5em !important }
         table { display: table !important; width: 100% !important }
         header { min-height: 900px }" lesson-05
    # Every diagram (docs/*.dot) and every picture of a run is measured,
    # its labels 12 px or more; so are the reference card's two tables.
    local diagrams pictures
    diagrams=$(find "$ROOT/docs" -maxdepth 1 -name '*.dot' | wc -l)
    pictures=$(grep -c '<figure id="[^"]*" class="picture">' "$ROOT/build/handout.html")
    run cat "$BATS_TEST_TMPDIR/phone/result-1"
    echo "$output" | head -n 30
    assert_line --regexp "^viewport 390 elements [0-9]+ transcripts [1-9][0-9]* boxes [1-9][0-9]* cell words [1-9][0-9]* contents at [1-9][0-9]* diagrams $diagrams pictures $pictures smallest label (1[2-9]|[2-9][0-9]+) card tables 2 transcript lines [1-9][0-9]+ wrapped [1-9][0-9]* listing lines wrapped [1-9][0-9]* code hyphens [1-9][0-9]*$"
    [ "${#lines[@]}" -eq 1 ]
    # The measurement can fail, all in the second frame: a transcript that
    # does not wrap (lesson 01's) and wrapped lines without their hanging
    # indent (the rest), a listing line that wraps back to the left edge
    # (the plain server's, as handout.css had it), a listing that does
    # not wrap (lesson 04's), hyphens
    # that may end a line (options everywhere), a diagram with a minimum width (TCP's) and one
    # drawn too small for its labels (UDP's), a picture of a run shrunk
    # (lesson 04's, to 250 px), table cells squeezed below
    # their words' width (as overflow-wrap: anywhere did), and a title
    # that pushes the contents off the first screen are caught. Each is in
    # the chapters before lesson 05, so that frame reads only those.
    run cat "$BATS_TEST_TMPDIR/phone/result-2"
    echo "$output" | head -n 30
    assert_line --regexp 'pre\.output in #l01-run .* scrolls: '
    assert_line --regexp '^img.* in #sequence-tcp .* spans '
    assert_line --regexp '^a diagram label is [0-9.]+ px, under 12, in #fig:udp$'
    assert_line --regexp '^a diagram label is [0-9.]+ px, under 12, in #pic-04$'
    assert_line --regexp '^a wrapped transcript line without a hanging indent: '
    assert_line --regexp '^a wrapped listing line goes on left of its own code: .* in #plain-server '
    assert_line --regexp '^word broken in a cell: '
    assert_line --regexp '^a line ends after a hyphen in: '
    assert_line --regexp '^(div\.sourceCode|pre)[^ ]* in #l04-whole .* scrolls: '
    assert_line --regexp '^the contents start at [0-9]+, not on the first screen'
}

@test "handout: on screen, every chapter ends with a link to the next one" {
    run "$PYTHON" "$PEERS/chapter-nav.py" "$ROOT/build/handout.html"
    assert_success
    assert_output --regexp '^[1-9][0-9]+ chapters, each ending with a link to the next$'
}

@test "handout: on screen, the contents list sections, every section has a way back, diagrams scale" {
    local html="$ROOT/build/handout.html"
    # The contents: chapters and their sections (6.1 under lesson 06).
    "$PYTHON" "$PEERS/html-toc-back.py" "$html"
    grep -q 'href="#TOC"' "$html"
    # Diagrams are no wider than the page, and their fonts fall back to
    # generic families.
    grep -q 'figure img, img { max-width: 100%; height: auto; }' "$html"
    local svg
    for svg in "$ROOT"/build/handout/*.svg; do
        run grep -o 'font-family="[^"]*"' "$svg"
        assert_success
        refute_output --regexp 'font-family="[^",]*"$'
        refute_output --partial 'DejaVu Sans Bold'
        assert_output --partial 'sans-serif"'
        assert_output --partial 'monospace"'
    done
}

@test "handout: on screen, a listing's marked call lines are drawn, and copying it gives the code alone" {
    command -v chromium >/dev/null || skip "no chromium (./install-deps installs it)"
    local dir="$BATS_TEST_TMPDIR/copy"
    mkdir -p "$dir"
    # The first listing with a marked line (a call the lessons teach): its
    # code block alone, on a page that selects it all, as a reader's
    # mouse would, and writes down what a copy gives and how the marked
    # line is drawn. Its file and lines: its caption and its lines' ids.
    "$PYTHON" - "$ROOT/build/handout.html" "$dir" <<'EOF'
import re, sys
h = open(sys.argv[1]).read()
i = re.search(r' class="(i[0-9]+ )?call"><a href=', h).start()
top = h.rindex('<div class="listing', 0, i)
path = re.search(r'<code>(lessons/[^<]*)</code>', h[top:i]).group(1)
start = h.rindex('<div class="sourceCode"', 0, i)
end = h.index('</pre></div>', i) + len('</pre></div>')
nums = [int(n) for n in re.findall(r'<span id="[^"]*-([0-9]+)"', h[start:end])]
style = "".join(re.findall(r"<style>.*?</style>", h, re.S))
js = """<script>window.addEventListener("load", function () {
  var pre = document.querySelector("div.sourceCode pre");
  var r = document.createRange(); r.selectNodeContents(pre);
  var s = window.getSelection(); s.removeAllRanges(); s.addRange(r);
  var line = document.querySelector("span.call"), name = line.querySelector("span.callname");
  document.getElementById("copied").textContent = s.toString();
  document.getElementById("look").textContent = getComputedStyle(line).backgroundColor +
    " | " + getComputedStyle(name).fontWeight + " | " + getComputedStyle(line).boxShadow;
});</script>"""
open(sys.argv[2] + "/page.html", "w").write('<!DOCTYPE html><html><head><meta charset="utf-8">' +
    style + "</head><body>" + h[start:end] + '<pre id="copied">none</pre><pre id="look">none</pre>' +
    js + "</body></html>")
open(sys.argv[2] + "/where", "w").write("%s %d %d\n" % (path, nums[0], nums[-1]))
EOF
    local path first last
    read -r path first last <"$dir/where"
    echo "$path lines $first-$last"
    "${HANDOUT_FIRST[@]}" timeout "$((300 * SCALE))" chromium --headless=new --no-sandbox --disable-gpu \
        --virtual-time-budget=10000 --dump-dom "file://$dir/page.html" 2>/dev/null |
        "$PYTHON" -c '
import html, re, sys
page = sys.stdin.read()
for name in ("copied", "look"):
    m = re.search(r"<pre id=\"%s\">(.*?)</pre>" % name, page, re.S)
    open(sys.argv[1] + "/" + name, "w").write((html.unescape(m.group(1)) if m else "no result") + "\n")' "$dir"
    cat "$dir/look"
    # Drawn: a shade that is not the listing's background, the name bold,
    # a bar (an inset shadow).
    run cat "$dir/look"
    assert_output --regexp '^rgb\(226, 228, 232\) \| 700 \| .*inset'
    # Copied: the file's lines, and nothing else.
    run diff <(sed -n "${first},${last}p" "$ROOT/$path") "$dir/copied"
    assert_success
}
