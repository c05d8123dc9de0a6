--[[
filters/layout.lua - what differs between paper and screen, once the
content is in: inline code on paper (where a line may break in it), the
page breaks on paper (a heading or a lead-in kept with what follows), and
on screen a link back to the contents after each heading.
]]

local common = require("filters.common")
local numbers = require("filters.numbers")
local latex_escape, latex = common.latex_escape, common.latex

local M = {}

-- On paper a transcript breaks neither after its first TRANSCRIPT_HEAD
-- rows nor before its last TRANSCRIPT_TAIL (transcripts.lua): the page
-- after a break repeats its two-line title, which must not stand over
-- two or three rows. One of HEAD + TAIL rows or fewer cannot break.
M.TRANSCRIPT_HEAD = 2
M.TRANSCRIPT_TAIL = 4

-- A transcript of at most this many rows is read at a glance: like a
-- short listing (code.lua: SHORT_LISTING), it stays on one page, unless
-- that would leave much of a page blank (preamble.tex: \ssneedwhole).
M.SHORT_TRANSCRIPT = 12

------------------------------------------------------------------------
-- Inline code on paper
------------------------------------------------------------------------

-- A C prototype in running text ("int listen(int sockfd, int backlog);")
-- breaks only after a comma, never inside a type; a short command or
-- value (at most SHORT characters) never breaks at all, so that what the
-- reader copies is one line. Longer commands are display blocks
-- (check-code-blocks.lua says so).
local SHORT = 45
local SHORT_CALL = 20
-- A command (it starts with one of these) stays whole up to this length;
-- docs/check-code-blocks.lua refuses a longer one in running text.
local COMMAND_WORDS = { "build/", "nc ", "ss ", "python3 ", "sudo ", "make ",
  "scripts/", "./", "grep ", "ip ", "head ", "seq ", "printf ", "cc ",
  "git ", "ls ", "sysctl ", "nstat ", "netstat " }
local LONGEST_COMMAND = 60

local function is_command(t)
  for _, w in ipairs(COMMAND_WORDS) do
    if t:sub(1, #w) == w then
      return true
    end
  end
  return false
end

-- A C prototype, "int getsockopt(int sockfd, ...);": the type, the
-- name, its parameters and ";" at the end (not "return f(x);").
local function is_prototype(t)
  return t:match("^[%a_][%w_ %*]-[ %*][%a_][%w_]*%(.*, .*%);$") ~= nil and
    not t:match("^return[ %*]")
end

function M.code_latex(el)
  local t = el.text:gsub("%s+", " ")
  -- A call long enough to need it may end a line after a comma; a short
  -- one, such as listen(fd, 5), stays whole.
  -- (A call, not a prototype, stays whole up to the length of a command:
  -- "shutdown(fd, / SHUT_WR)" across two lines read as two things.)
  -- (a declaration, "pid_t waitpid(pid_t pid, ...)", a type before its
  -- name, as the reference card's narrow cells hold, may break sooner)
  local declaration = t:match("^[%a_][%w_]*[%s%*]+[%a_][%w_]*%(") ~= nil
  local longest = declaration and SHORT_CALL or LONGEST_COMMAND
  if utf8.len(t) > longest and t:match("^[%a_][%w_ %*]*%(.*%);?$") and
      t:find(", ", 1, true) then
    local parts = {}
    for piece in (t .. ", "):gmatch("(.-), ") do
      parts[#parts + 1] = latex_escape(piece):gsub(" ", "\\nobreak\\ ")
    end
    -- After a comma: a line may end there, ragged (the stretch is taken
    -- back when it does not), since a line of typewriter type cannot
    -- stretch at all.
    local after_comma = "\\hskip 0pt plus -8em\\ "
    -- A prototype ("int getsockopt(int sockfd, ...);": the type, the
    -- name, and ";" at the end) goes on 2em in on the next line, so that its
    -- second line reads as its continuation, not as a statement of its
    -- own: what follows the penalty up to the \hbox{} goes at a break, and
    -- the 2em after it stays; with no break, the -2em and the 2em cancel
    -- out, and a space is left. (A call in the middle of a sentence goes
    -- on at the margin, as the sentence does.)
    if is_prototype(t) then
      after_comma = "\\hskip -2em plus -8em\\ \\hbox{}\\nobreak\\hskip 2em\\relax "
    end
    return pandoc.RawInline("latex", "\\texttt{" .. table.concat(parts,
      ",\\hskip 0pt plus 8em\\penalty0" .. after_comma) .. "}")
  end
  local text = latex_escape(t)
  if utf8.len(t) <= SHORT or (is_command(t) and utf8.len(t) <= LONGEST_COMMAND) then
    -- Kept whole: no line break at its spaces (preamble.tex lets the
    -- prose around it stretch instead).
    text = text:gsub(" ", "\\nobreak\\ ")
  else
    -- A long path or address may break after a "/", as a last resort; a
    -- long command line only after a "|", never inside a command
    -- ("head / -c 10000000").
    text = text:gsub(" ", "\\nobreak\\ "):gsub("|\\nobreak\\ ", "| ")
    text = text:gsub("/", "/\\penalty9000{}")
  end
  return pandoc.RawInline("latex", "\\texttt{" .. text .. "}")
end

-- On screen a browser may end a line after any hyphen: "--port" would
-- leave "-" at the end of one line and "-port" on the next, and
-- "build/06-send-recv-server" break in its name. So each hyphenated
-- stretch of inline code is kept on one line (class "nobr" in
-- handout.css); a long path still breaks after a "/", where a line may
-- end. Code with a class of its own (highlighted) is left to pandoc.
local function esc(t)
  return (t:gsub("[&<>\"]", { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;",
    ['"'] = "&quot;" }))
end

-- TEXT as HTML, escaped, each hyphenated stretch in a span "nobr" (also
-- for a transcript's title, which names its command line).
function M.nobr_html(text)
  local out = {}
  -- Words (between spaces), each cut after its "/"s into pieces.
  for space, word in text:gmatch("(%s*)(%S+)") do
    out[#out + 1] = esc(space)
    for piece in word:gmatch("[^/]*/?") do
      if piece ~= "" then
        if piece:find("-", 1, true) then
          out[#out + 1] = '<span class="nobr">' .. esc(piece) .. "</span>"
        else
          out[#out + 1] = esc(piece)
        end
      end
    end
  end
  out[#out + 1] = esc(text:match("%s*$"))
  return table.concat(out)
end

-- A code block on screen (HTML, EPUB): the HTML pandoc writes for it,
-- with each hyphenated stretch of its text kept on one line (a listing
-- wraps on a narrow screen, handout.css: "--port" must not end a line
-- after "--"), cut after each "/" as inline code is. A block pandoc does
-- not highlight gets a span per line, as a highlighted one has, so that
-- its lines wrap the same way. N makes its id unique.
local function nobr_text(text, options_only)
  return (text:gsub("[^%s]+", function(word)
    local bare = word:gsub("^&quot;", "")
    if not word:find("-", 1, true) or (options_only and
        not bare:match("^[%(%[\"'`]*%-") and not word:find("/", 1, true)) then
      return word
    end
    -- Each stretch of letters, digits, "_" and "." with a hyphen in it
    -- (a "/" ends one), with what follows a hyphen at its end ("->").
    local out, pos = {}, 1
    while true do
      local a, b = word:find("[%w_%.]*%-[%w_%.%-]*", pos)
      if not a then
        break
      end
      if word:sub(b, b) == "-" and b < #word then
        local e = word:match("^&#?%w+;()", b + 1)
        b = e and e - 1 or b + 1
      end
      out[#out + 1] = word:sub(pos, a - 1)
      -- (a lone "-", a minus, has nothing to keep together)
      out[#out + 1] = b == a and "-" or
        ('<span class="nobr">' .. word:sub(a, b) .. "</span>")
      pos = b + 1
    end
    out[#out + 1] = word:sub(pos)
    return table.concat(out)
  end))
end

-- A transcript's line on screen (HTML, escaped): its options ("--port")
-- and paths kept whole at their hyphens, as in code; its English words
-- ("non-blocking") may still end a line after a hyphen.
function M.nobr_options(html)
  return nobr_text(html, true)
end

--
-- Highlighting a block is most of the filter's time on screen, and the
-- HTML and the EPUB highlight the same blocks: with code-cache set
-- (mk/handout.mk sets it for both), each block's HTML is kept in that
-- file under a digest of the block as pandoc holds it (its text, id,
-- classes and attributes) and of what else makes its HTML, and a block
-- found there is not highlighted again. The file holds the last run's
-- blocks, "DIGEST LENGTH\nHTML\n" each.
local cache_old, cache_new = nil, {}

-- What else makes the HTML: pandoc's version, whether it highlights (the
-- style is the stylesheet's business, not the blocks'), and this file.
local cache_salt

local function cache_read()
  cache_old = {}
  local src = io.open(common.dir .. "filters/layout.lua", "rb")
  if not src then
    common.fail("cannot read " .. common.dir .. "filters/layout.lua")
  end
  cache_salt = "\n" .. tostring(PANDOC_VERSION) .. "\n" ..
    tostring(PANDOC_WRITER_OPTIONS.highlight_style ~= nil) .. "\n" ..
    pandoc.utils.sha1(src:read("a"))
  src:close()
  local path = common.settings.code_cache
  local f = path and io.open(path, "rb")
  if not f then
    return
  end
  local data = f:read("a")
  f:close()
  local pos = 1
  while pos <= #data do
    local key, len, start = data:match("^(%x+) (%d+)\n()", pos)
    if not key then
      break
    end
    cache_old[key] = data:sub(start, start + tonumber(len) - 1)
    pos = start + tonumber(len) + 1
  end
end

function M.write_code_cache()
  local path = common.settings.code_cache
  if not path or #cache_new == 0 then
    return
  end
  -- (written whole under another name and renamed: the other format's
  -- run may be reading it. The name is the output's too: the book's and
  -- the manual's HTML share a cache, and make -j2 runs them at once.)
  local out = (PANDOC_STATE and PANDOC_STATE.output_file or "stdout")
    :gsub("[^%w.-]", "_")
  local tmp = path .. "." .. FORMAT .. "." .. out .. ".tmp"
  local f = io.open(tmp, "wb")
  if not f then
    common.fail("cannot write " .. tmp)
  end
  for _, e in ipairs(cache_new) do
    f:write(e[1], " ", #e[2], "\n", e[2], "\n")
  end
  f:close()
  local ok, err = os.rename(tmp, path)
  if not ok then
    common.fail("cannot rename " .. tmp .. ": " .. tostring(err))
  end
end

-- The lines of a listing that make a call the lessons teach, on screen:
-- each such line's span gets the class "call" (handout.css shades it and
-- draws a bar beside it) and each call's name a span "callname" (bold).
-- Only classes: what a reader copies is the code alone. CALLS is
-- "LINE=NAME,NAME;..." by the file's line numbers, which are the ends of
-- the lines' ids (pandoc's numberLines: id="code-3-12" for line 12).
local function mark_calls_html(html, calls)
  local want = {}
  for line, names in calls:gmatch("(%d+)=([^;]+)") do
    want[line] = names
  end
  local marked = 0
  html = html:gsub('(<span id="[^"]*%-(%d+)")(>)([^\n]*)', function(open, line, gt, rest)
    local names = want[line]
    if not names then
      return nil
    end
    local n = 0
    for name in names:gmatch("[^,]+") do
      rest = rest:gsub("([^%w_])(" .. name .. ')(%s*<span class="op">%()',
        function(pre, nm, post)
          n = n + 1
          return pre .. '<span class="callname">' .. nm .. "</span>" .. post
        end)
    end
    if n == 0 then
      common.fail("line " .. line .. " of a listing calls " .. names ..
        "() but its HTML has no such name before an operator \"(\"")
    end
    marked = marked + 1
    return open .. ' class="call"' .. gt .. rest
  end)
  local expected = 0
  for _ in pairs(want) do
    expected = expected + 1
  end
  if marked ~= expected then
    common.fail("a listing has " .. expected .. " lines that make a call, " ..
      "and its HTML " .. marked .. " such lines (is it highlighted?)")
  end
  return html
end

-- The lines of a listing that only narrate (say(), heading()): the class
-- "narration" on each line's span (handout.css greys it), by the file's
-- line numbers in NARRATION ("14,15,16"). Only a class: a copy is the
-- code alone.
local function mark_narration_html(html, narration)
  local want, expected = {}, 0
  for line in narration:gmatch("%d+") do
    want[line], expected = true, expected + 1
  end
  local marked = 0
  html = html:gsub('(<span id="[^"]*%-(%d+)")([^>]*)>', function(open, line, rest)
    if not want[line] then
      return nil
    end
    marked = marked + 1
    if rest == ' class="call"' then
      return open .. ' class="call narration">'
    end
    return open .. ' class="narration"' .. rest .. ">"
  end)
  if marked ~= expected then
    common.fail("a listing has " .. expected .. " lines that narrate, " ..
      "and its HTML " .. marked .. " such lines (is it highlighted?)")
  end
  return html
end

-- On a narrow screen a listing's line wraps (handout.css): each line's
-- continuation hangs under its own code, two columns right of the line's
-- indentation, so that nested code does not fall back to the left edge as
-- a staircase. The class "iN" on a line's span gives its indentation, N
-- columns rounded down to even, 24 at most (handout.css has a rule for
-- each).
local function hang_lines(html)
  local function tagged(open, rest)
    -- (the spaces may sit inside the line's first span: a comment's)
    local spaces = rest:gsub("^<[^>]*>", ""):match("^ *")
    local class = "i" .. math.min(#spaces - #spaces % 2, 24)
    if open:find(' class="', 1, true) then
      return (open:gsub(' class="', ' class="' .. class .. " ", 1))
    end
    return open .. ' class="' .. class .. '"'
  end
  html = html:gsub('(<span id="[^"]*%-%d+"[^>]*)>(<a [^>]*></a>)([^\n]*)',
    function(open, anchor, rest)
      return tagged(open, rest) .. ">" .. anchor .. rest
    end)
  return (html:gsub('(<span class="line")>([^\n]*)', function(open, rest)
    return tagged(open, rest) .. ">" .. rest
  end))
end

function M.code_block_html(el, n)
  if el.identifier == "" then
    el.identifier = "code-" .. n
  end
  local key
  if common.settings.code_cache then
    if not cache_old then
      cache_read()
    end
    key = pandoc.utils.sha1(pandoc.write(pandoc.Pandoc({ el }), "native") ..
      cache_salt)
    local kept = cache_old[key]
    if kept then
      cache_new[#cache_new + 1] = { key, kept }
      return pandoc.RawBlock("html", kept)
    end
  end
  -- The lines that make a call the lessons teach, calls="12=socket;20=
  -- bind,close" (filters/code.lua), are marked below, not said in the HTML.
  local calls = el.attributes["calls"]
  el.attributes["calls"] = nil
  -- The lines that only narrate, narration="14,15" (filters/code.lua): the
  -- class "narration" on their spans, grey in handout.css.
  local narration = el.attributes["narration"]
  el.attributes["narration"] = nil
  -- (the handout's highlighting, without its standalone template)
  local html = pandoc.write(pandoc.Pandoc({ el }), "html5",
    { highlight_style = PANDOC_WRITER_OPTIONS.highlight_style })
  if calls then
    html = mark_calls_html(html, calls)
  end
  if narration then
    html = mark_narration_html(html, narration)
  end
  if not html:find('class="sourceCode', 1, true) then
    html = html:gsub("(<code[^>]*>)(.-)(</code>)", function(open, body, close)
      local lines = {}
      for line in (body .. "\n"):gmatch("([^\n]*)\n") do
        lines[#lines + 1] = '<span class="line">' .. line .. "</span>"
      end
      return open:gsub("^<code", '<code class="plain"') .. table.concat(lines, "\n") .. close
    end)
  end
  html = hang_lines(html)
  -- Only the text between the tags changes.
  html = html:gsub("(>)([^<]+)", function(gt, text)
    return gt .. nobr_text(text)
  end)
  if key then
    cache_new[#cache_new + 1] = { key, html }
  end
  return pandoc.RawBlock("html", html)
end

-- A key in running text ("Ctrl-C", "Ctrl-D,") and a run's name in
-- brackets (the manual's "[bind-in-use]") are never broken at a hyphen,
-- on paper or on screen.
function M.keys(el)
  local pre, key, post = el.text:match("^(.-)(Ctrl%-%a)(.*)$")
  local bracketed = false
  if not key then
    pre, key, post = el.text:match("^(.-)(%[[%l%d]+%-[%l%d%-]*%])(.*)$")
    bracketed = key ~= nil
  end
  if not key then
    return nil
  end
  local out = {}
  if pre ~= "" then
    out[#out + 1] = pandoc.Str(pre)
  end
  if latex() then
    local tex = bracketed and ("{[}" .. key:sub(2, -2) .. "{]}") or key
    out[#out + 1] = pandoc.RawInline("latex", "\\mbox{" .. tex .. "}")
  else
    out[#out + 1] = pandoc.Span({ pandoc.Str(key) }, pandoc.Attr("", { "nobr" }))
  end
  if post ~= "" then
    out[#out + 1] = pandoc.Str(post)
  end
  return out
end

function M.code_html(el)
  -- A prototype on a narrow screen wraps only after a comma, and its
  -- lines after the first hang under it (class "proto", handout.css), as
  -- on paper.
  -- (The reference card's prototypes have no ";": they are declarations
  -- all the same, and wrap the same way.)
  local t = el.text:gsub("%s+", " ")
  if #el.classes == 0 and (is_prototype(t) or is_prototype(t .. ";")) then
    local pieces = {}
    for piece in (t .. ", "):gmatch("(.-), ") do
      pieces[#pieces + 1] = '<span class="nobr">' .. esc(piece) .. "</span>"
    end
    local id = el.identifier ~= "" and (' id="' .. esc(el.identifier) .. '"') or ""
    return pandoc.RawInline("html", '<code class="proto"' .. id .. ">" ..
      table.concat(pieces, ", ") .. "</code>")
  end
  if #el.classes > 0 or not el.text:find("-", 1, true) then
    return nil
  end
  local id = el.identifier ~= "" and (' id="' .. esc(el.identifier) .. '"') or ""
  return pandoc.RawInline("html", "<code" .. id .. ">" .. M.nobr_html(el.text) ..
    "</code>")
end

------------------------------------------------------------------------
-- On paper: what goes before a chapter, and what keeps a lead-in with its
-- box
------------------------------------------------------------------------

local function is_box(b)
  if not b then
    return false
  end
  if b.t == "CodeBlock" then
    return true
  end
  if b.t == "Div" and (b.classes:includes("listing") or b.classes:includes("terminal")) then
    return true
  end
  if b.t == "RawBlock" and b.format == "latex" and b.text:match("^\\begin{terminal}") then
    return true
  end
  -- A code block by now made LaTeX (code.lua's paper_code_block): a
  -- command such as "cc -Wall ...".
  if b.t == "RawBlock" and b.format == "latex" and b.text:match("^\\begin{Shaded}") then
    return true
  end
  -- A table or a figure: the sentence that leads in to it stays with it.
  if b.t == "Table" or (b.t == "Para" and #b.content == 1 and b.content[1].t == "Image") then
    return true
  end
  return false
end

-- About how many lines a paragraph takes on paper (some 105 characters a
-- line in 10 pt on A4 or letter).
local function para_lines(b)
  return math.floor(utf8.len(pandoc.utils.stringify(b)) / 100) + 1
end

local function is_figure(b)
  return b ~= nil and b.t == "Para" and #b.content == 1 and b.content[1].t == "Image"
end

-- A heading at I whose diagram comes right after it, or after its first
-- paragraph: that diagram, or nil.
local function figure_after(blocks, i)
  local nxt = blocks[i + 1]
  if is_figure(nxt) then
    return nxt
  elseif nxt and nxt.t == "Para" and is_figure(blocks[i + 2]) then
    return blocks[i + 2]
  end
end

-- The room a diagram takes on paper, and LINES more lines: a diagram
-- cannot break, and stays where the text refers to it (preamble.tex), so
-- a heading and paragraph that lead to it go where it goes, or they end
-- a page with nothing under them. \ssneedfigure measures the rendering
-- at the width the diagram is printed at.
local function figure_room(fig, lines, command)
  local img = fig.content[1]
  local base = img.src:match("([%w_%-]+)%.dot$") or img.src:match("([%w_%-]+)%.pdf$")
  local pct = tonumber((img.attributes["width"] or "100%"):match("^(%d+)%%$") or 100)
  return pandoc.RawBlock("latex", string.format("\\%s{%.2f}{%s}{%d}",
    command or "ssneedfigure", pct / 100,
    common.settings.diagram_dir .. "/" .. base .. ".pdf", lines))
end

-- A diagram's caption, with the space around it, in lines: the
-- diagrams' captions are two lines at most, and the float's gap about
-- one (4 asked a line more than they take, and left lesson 03's first
-- page 280 pt blank, its diagram on the next).
local CAPTION_LINES = 3

-- A paragraph that leads in to what follows: ends with ":". (Plain: the
-- first paragraph of a list item, an exercise that ends with a command.)
local function is_lead_in(b)
  if not b or (b.t ~= "Para" and b.t ~= "Plain") then
    return false
  end
  local last = b.content[#b.content]
  return last and last.t == "Str" and last.text:match(":$") ~= nil
end

-- About how many lines a short table takes on paper (a row may wrap to
-- two lines): the room it asks for, so that it is not cut a row or two
-- from its end. A long table still breaks, its head repeated.
local function table_lines(t)
  local rows = 0
  for _, body in ipairs(t.bodies or {}) do
    rows = rows + #body.body
  end
  return math.min(2 * rows + 4, 20)
end

-- The room a listing's caption asks for (code.lua: the caption and the
-- lines before the listing's first break), or nil for any other block;
-- and for a short listing kept whole when it fits, the room it asks for
-- when it may break (code.lua: "\listingcaption[WHOLE/PART]").
local function listing_need(b)
  local first = b ~= nil and b.t == "Div" and b.content[1]
  local raw = first and first.t == "Plain" and first.content[1]
  if not (raw and raw.t == "RawInline") then
    return nil
  end
  local need, part = raw.text:match("^\\listingcaption%[(%d+)/?(%d*)%]")
  return tonumber(need), tonumber(part)
end

-- A whole file's line on paper, with no listing under it ("The whole
-- file: lessons/19-throughput/throughput.c, in the repository",
-- code.lua's {.folded}).
local function is_folded_line(b)
  local first = b ~= nil and b.t == "Div" and b.content[1]
  local raw = first and first.t == "Plain" and first.content[1]
  return raw and raw.t == "RawInline" and raw.text == "\\listingcaption{" and
    pandoc.utils.stringify(b):match("in the repository$") ~= nil or false
end

-- How many rows a transcript on paper has (transcripts.lua: the raw
-- LaTeX of a terminal), or nil for any other block.
local function transcript_rows(b)
  if not (b ~= nil and b.t == "RawBlock" and
      b.text:match("^\\begin{terminal}")) then
    return nil
  end
  local body = b.text:match("\\begin{Verbatim}[^\n]*\n(.-)\n\\end{Verbatim}")
  if not body then
    return nil
  end
  local n = 1
  for _ in body:gmatch("\n") do
    n = n + 1
  end
  return n
end

-- A label in bold alone in its paragraph ("**echo-client**") before a
-- table or a box names it, as a lead-in does.
local function is_label(b)
  return b ~= nil and b.t == "Para" and #b.content == 1 and b.content[1].t == "Strong"
end

-- The room a lead-in (or a label) asks for before its box NXT: the whole
-- paragraph and the first lines of the box (or the whole of a short
-- table; a listing's caption asks for the lines before its first break,
-- and the lead-in keeps room for them too, or it would end a page).
-- The second value: for a short listing kept whole when it fits, the
-- room when it breaks (nil for any other box).
-- The room a transcript of ROWS rows asks for before it: its title and
-- its first six lines (all of a shorter one), so that it never starts
-- at the foot of a page with a line or two.
local function transcript_room(rows)
  return math.min(rows, 6) + 3
end

-- The room a transcript of ROWS rows asks for when kept whole (its title
-- and all its rows), or nil for one that is not short.
local function transcript_whole(rows)
  if rows <= M.SHORT_TRANSCRIPT then
    return rows + 3
  end
  return nil
end

-- A short command (a code block, or by now the LaTeX code.lua made of
-- it: its Shaded and Highlighting lines aside, one a line): how many
-- lines it takes, or nil for any other block.
local function command_lines(b)
  if b and b.t == "CodeBlock" then
    local _, newlines = b.text:gsub("\n", "")
    return newlines + 1
  end
  if b and b.t == "RawBlock" and b.format == "latex" and
      b.text:match("^\\begin{Shaded}") then
    local _, newlines = b.text:gsub("\n", "")
    return newlines - 3
  end
end

local function lead_in_room(b, nxt, after)
  local box_lines = nxt.t == "Table" and table_lines(nxt) or 5
  -- A transcript that cannot break goes whole, its title and rows.
  local rows = transcript_rows(nxt)
  local part
  if rows and (rows <= M.TRANSCRIPT_HEAD + M.TRANSCRIPT_TAIL or
      nxt.text:find("\n%unbroken ", 1, true)) then
    box_lines = math.max(box_lines, rows + 3)
  elseif rows and transcript_whole(rows) then
    -- A short one: whole, or its first lines when that leaves a page
    -- much blank.
    box_lines = math.max(box_lines, transcript_whole(rows))
    part = para_lines(b) + math.max(5, transcript_room(rows))
  elseif rows then
    box_lines = math.max(box_lines, transcript_room(rows))
  end
  local need, lpart = listing_need(nxt)
  if need then
    box_lines = math.max(box_lines, need + 1)
  end
  -- A command, then the listing it builds ("Build it and run it:", its
  -- cc line, the whole program): the lead-in and the command keep room
  -- for the listing's first lines too, or the listing's caption, finding
  -- too little, takes the listing overleaf and leaves them at the foot.
  local cmd = command_lines(nxt)
  local cneed, cpart = listing_need(after)
  if cmd and cneed then
    box_lines = math.max(box_lines, cmd + 2 + cneed)
    lpart = cpart and cmd + 1 + cpart
  end
  return para_lines(b) + box_lines,
    part or (lpart and para_lines(b) + math.max(5, lpart + 1))
end

-- A paragraph that introduces the box after it: a lead-in or a label,
-- or a short paragraph (two lines at most) right before a listing, a
-- transcript or a command ("Here is the server, from its first
-- accept()."): the line that introduces a box never ends a page with
-- the box overleaf.
local function is_intro(b, nxt)
  if is_lead_in(b) or is_label(b) then
    return true
  end
  if not (b ~= nil and b.t == "Para" and not is_figure(b) and para_lines(b) <= 2) then
    return false
  end
  return listing_need(nxt) ~= nil or transcript_rows(nxt) ~= nil or
    command_lines(nxt) ~= nil
end

-- Whole files' lines ("The whole file: ...", with no listing under
-- them) from I on, then what they lead to: a listing, or a paragraph
-- that introduces a box (any paragraph before a box or a listing with
-- ANY_PARA: a heading keeps room for it). The room from I to that
-- box's first lines (and when it may break, PART), and the index of
-- the block after the whole files' lines; nil when nothing such follows.
local function folded_chain(blocks, i, any_para)
  local k = i
  while is_folded_line(blocks[k]) do
    k = k + 1
  end
  local lines = math.ceil(1.5 * (k - i))
  local c, d = blocks[k], blocks[k + 1]
  local room, part
  if listing_need(c) then
    room, part = listing_need(c)
  elseif is_intro(c, d) and is_box(d) or (any_para and c and c.t == "Para" and
      not is_figure(c) and (is_box(d) or listing_need(d))) then
    room, part = lead_in_room(c, d, blocks[k + 2])
  else
    return nil
  end
  return lines + room, part and lines + part, k
end

-- Room for LINES baselines before what follows; for a short listing that
-- may break, PART when it would leave much of the page blank
-- (preamble.tex: \ssneedwhole).
local function need_room(lines, part)
  if part and part < lines then
    return pandoc.RawBlock("latex", "\\ssneedwhole{" .. lines .. "}{" .. part .. "}")
  end
  return pandoc.RawBlock("latex", "\\Needspace{" .. lines .. "\\baselineskip}")
end

-- About how many lines a section heading takes, with the space above and
-- below it.
local HEADING_LINES = 4

-- A list that a lead-in ends with ":" before ("Read it from the top:")
-- keeps its lead-in with its first item.
local function is_list(b)
  return b ~= nil and (b.t == "OrderedList" or b.t == "BulletList")
end

-- Put B into OUT and keep it with the block after it: room for LINES
-- lines first, unless LINES is nil (a heading just above holds the room:
-- a second \Needspace there would be a place to break the page, under
-- the heading).
-- A paragraph that is one call's prototype and nothing else, as
-- code_latex made it: "int setsockopt(...);" in typewriter type, after
-- the index's mark where the index points there.
local function is_prototype_para(b)
  if b.t ~= "Para" or #b.content == 0 then
    return false
  end
  for k, el in ipairs(b.content) do
    if el.t ~= "RawInline" then
      return false
    end
    if k < #b.content and not el.text:match("^\\index{") then
      return false
    end
  end
  return b.content[#b.content].text:match("^\\texttt{[%a_].*%);}$") ~= nil
end

local function insert_kept(out, b, lines, part)
  if lines then
    out:insert(need_room(lines, part))
  end
  out:insert(b)
  out:insert(pandoc.RawBlock("latex", "\\nopagebreak[4]"))
end

-- Inside a list item: a lead-in stays with the box after it (an
-- exercise that ends "in a second terminal:" before its command).
local function keep_lead_ins(blocks)
  local out = pandoc.List()
  for i, b in ipairs(blocks) do
    local nxt = blocks[i + 1]
    if is_lead_in(b) and is_box(nxt) then
      insert_kept(out, b, lead_in_room(b, nxt, blocks[i + 2]))
    else
      out:insert(b)
    end
  end
  return out
end

-- About how many lines a list item takes on paper: its paragraphs, its
-- code blocks (a line each, and the box's margins) and its inner lists.
-- (A paragraph there is narrower than the text, and its inline code is
-- set in a wider type: about 90 characters of prose a line, code counted
-- a third wider. para_lines' 100 cut an exercise of four lines, counted
-- as three, across a page.)
local function item_para_lines(b)
  local chars = 0
  b:walk({
    Str = function(el) chars = chars + utf8.len(el.text) end,
    Space = function() chars = chars + 1 end,
    Code = function(el) chars = chars + 1.35 * utf8.len(el.text) end,
    -- (by now code is LaTeX: \texttt{...}, its spaces \nobreak\ )
    RawInline = function(el)
      local text = el.text:gsub("\\index%b{}", ""):gsub("\\hyperlink%b{}", "")
        :gsub("\\nobreak\\ ", " "):gsub("\\%a+", ""):gsub("[{}]", "")
      chars = chars + 1.35 * utf8.len(text)
    end,
  })
  return math.floor(chars / 90) + 1
end

local function item_lines(item)
  local n = 0
  for _, b in ipairs(item) do
    if b.t == "Para" or b.t == "Plain" then
      n = n + item_para_lines(b)
    elseif b.t == "CodeBlock" then
      local _, newlines = b.text:gsub("\n", "")
      n = n + newlines + 2
    elseif b.t == "OrderedList" or b.t == "BulletList" then
      for _, inner in ipairs(b.content) do
        n = n + item_lines(inner)
      end
    elseif b.t ~= "RawBlock" then
      n = n + 3
    end
  end
  return n
end

-- An item that leads in to a list inside it ("Returns 0, or -1 with
-- errno set:" above the errors) keeps its lead-in with the inner list's
-- first lines, or with the whole of a short inner list (up to
-- SHORT_INNER_LIST lines: lesson 10's four EAI_ codes, whose last one
-- stood alone at the top of a page): the room is asked for at the end
-- of the item before it (a \Needspace at the top of an item would leave
-- its label alone on a line), or, for the first item, before the whole
-- list (returned).
local SHORT_INNER_LIST = 8
local function keep_in_items(list)
  local first_room
  for j, item in ipairs(list.content) do
    if is_lead_in(item[1]) and is_list(item[2]) then
      local inner = 0
      for _, it in ipairs(item[2].content) do
        inner = inner + item_lines(it)
      end
      local lines = para_lines(item[1]) +
        (inner <= SHORT_INNER_LIST and inner + 1 or 4)
      if j == 1 then
        first_room = lines
      else
        list.content[j - 1]:insert(need_room(lines))
      end
    end
    list.content[j] = keep_lead_ins(item)
  end
  return list, first_room
end

-- A section of exercises: each exercise stays whole on one page where
-- it fits (a reader works through one at a time, and one cut at a
-- page's foot reads as two). A paragraph there never breaks between its
-- lines (M.paper_blocks sets \interlinepenalty in a group around the
-- list): TeX then moves an exercise of one paragraph whole, with no
-- count of its lines to be wrong. An exercise of more blocks (a command
-- under its paragraph) asks for its room, counted, at the end of the
-- one before it, as keep_in_items does (at the top of an item it would
-- leave the item's number alone on a line); the first's, the heading
-- keeps.
local function keep_exercises(list)
  for j = 2, #list.content do
    local blocks = 0
    for _, b in ipairs(list.content[j]) do
      if b.t ~= "RawBlock" then
        blocks = blocks + 1
      end
    end
    if blocks > 1 then
      list.content[j - 1]:insert(need_room(item_lines(list.content[j])))
    end
  end
  return list
end

local function is_exercises(h)
  return h ~= nil and h.t == "Header" and h.identifier:match("%-exercises$") ~= nil
end

-- A table on paper may break across pages between its rows, its head
-- repeated, but never so that one or two rows stand alone: no break
-- after its first two rows, nor after the two before its last (longtable's
-- \\* ends a row where no page may break): a table of five rows or fewer
-- stays whole, however tall its rows.
local function keep_table_rows(t)
  local rows = 0
  for _, body in ipairs(t.bodies or {}) do
    rows = rows + #body.body
  end
  if rows < 2 then
    return t
  end
  local tex = pandoc.write(pandoc.Pandoc({ t }), "latex")
  local head, body, tail = tex:match("^(.-\\endlastfoot\n)(.-)(\\bottomrule.*)$")
  if not head then
    head, body, tail = tex:match("^(.-\\endhead\n)(.-)(\\bottomrule.*)$")
  end
  if not head then
    return t
  end
  -- each row of the body ends with " \\" at the end of a line
  local lines, ends = {}, {}
  for line in (body:gsub("\n$", "") .. "\n"):gmatch("([^\n]*)\n") do
    lines[#lines + 1] = line
    if line:match("\\\\$") then
      ends[#ends + 1] = #lines
    end
  end
  if #ends ~= rows then
    return t  -- a cell with a line break of its own: left as it is
  end
  for k = 1, rows - 1 do
    if k <= 2 or k >= rows - 2 then
      lines[ends[k]] = lines[ends[k]]:gsub("\\\\$", "\\\\*")
    end
  end
  M.raw_tables = true
  return pandoc.RawBlock("latex", head .. table.concat(lines, "\n") .. "\n" .. tail)
end

-- A chapter's heading on paper, with the gap above it when it runs on
-- (\ssrunon), in baselines (12 pt): its title in \huge, the rule, the
-- space below. Measured from the gap to the first section's heading,
-- less the contents' lines, 4.8 to 5.4 baselines.
local CHAPTER_HEAD_LINES = 6

-- The first section of the chapter whose heading is at I: the index of
-- its heading when it comes at once, after the chapter's short contents
-- ("In this chapter: ...", parts.lua) if any, and how many lines that
-- contents takes (each "(p. 12)" some 7 characters more on paper).
local function first_section(blocks, i)
  local j, lines = i + 1, 0
  local c = blocks[j]
  if c and c.t == "Div" and c.classes:includes("chapter-contents") then
    local links = 0
    c:walk({ Link = function() links = links + 1 end })
    lines = math.floor((utf8.len(pandoc.utils.stringify(c)) + 7 * links) / 100) + 1
    j = j + 1
  end
  local h = blocks[j]
  if h and h.t == "Header" and h.level > 1 then
    return j, lines
  end
end

function M.paper_blocks(blocks)
  local out = pandoc.List()
  local kept_list = false
  -- The block up to which the room asked for above (by a heading or a
  -- whole file's line) holds what introduces a listing: those blocks ask
  -- for no room of their own, which would be a place to break the page.
  local covered_until
  -- A chapter that runs on (below), until its first section's heading
  -- says how much room it keeps: where its \ssrunon is in OUT.
  local runon_at
  for i, b in ipairs(blocks) do
    local nxt = blocks[i + 1]
    local prev = blocks[i - 1]
    local after_heading = prev ~= nil and prev.t == "Header"
    if b.t == "Header" and b.level == 1 then
      local num = b.attributes["number"]
      if b.attributes["first-appendix"] then
        out:insert(pandoc.RawBlock("latex", "\\appendix"))
      end
      if num and num:match("^%d+$") then
        out:insert(pandoc.RawBlock("latex", "\\setcounter{chapter}{" ..
          (tonumber(num) - 1) .. "}"))
      end
      -- {.runon}: a short chapter of reference (most appendices, the
      -- assignments) goes on the page the last one ended on, after a
      -- gap, instead of a page of its own (preamble.tex: \ssrunon).
      local runon = b.classes:includes("runon")
      -- A lesson's chapter number is printed neither before its title nor
      -- in the contents: its title says it (preamble.tex).
      local lesson = numbers.is_lesson(b)
      local group = (runon or lesson) and "\\begingroup" ..
        (lesson and "\\sschapternumberfalse" or "") or nil
      -- One that opens with a section whose diagram follows at once (the
      -- call sequence) goes where the diagram fits.
      local fig = runon and nxt and nxt.t == "Header" and figure_after(blocks, i + 1)
      if fig then
        local para = blocks[i + 2].t == "Para" and not is_figure(blocks[i + 2])
        out:insert(figure_room(fig, HEADING_LINES + 6 + CAPTION_LINES +
          (para and para_lines(blocks[i + 2]) or 0), "ssfigureroom"))
        out:insert(pandoc.RawBlock("latex", group .. "\\ssrunonat{\\ssfigneed}"))
      elseif runon then
        -- Its heading, its contents and what its first section keeps
        -- room for go together: a third of a page (\ssrunon's 16 lines)
        -- may hold the heading and the contents and not the first
        -- section's room, whose \Needspace then left the heading and
        -- the contents alone at the foot of the page (lessons 03, 16
        -- and 20 did). The first section's heading, below, says how
        -- many lines that is and sets the \ssrunon here.
        out:insert(pandoc.RawBlock("latex", group .. "\\ssrunon"))
        local j, lines = first_section(blocks, i)
        if j then
          runon_at = { out = #out, group = group, section = j,
                       lines = CHAPTER_HEAD_LINES + lines }
        end
      elseif group then
        out:insert(pandoc.RawBlock("latex", group))
      end
      out:insert(b)
      if group then
        out:insert(pandoc.RawBlock("latex", "\\endgroup"))
      end
      if not num then
        out:insert(pandoc.RawBlock("latex", "\\markboth{" ..
          pandoc.utils.stringify(b.content):gsub("[\\{}$&#^_%%~]", "") .. "}{}"))
      end
    elseif b.t == "Header" then
      -- A heading never ends a page: keep room for it and a few lines.
      -- After a short first paragraph, a few lines of what follows it
      -- too ("19.3 The code", one sentence, then a page break).
      local room = 7
      if nxt and nxt.t == "Para" and not is_figure(nxt) then
        room = math.max(room, HEADING_LINES + para_lines(nxt) + 3)
      end
      -- (a box of text, by now LaTeX: "On a first reading you may skip
      -- this" and what it holds, whose first lines keep room of their
      -- own inside it)
      local text_box = nxt and nxt.t == "RawBlock" and nxt.format == "latex" and
        nxt.text:match("^\\begin{%a+box}")
      if is_box(nxt) or text_box then
        room = 12
        if nxt.t == "Table" then
          room = math.max(room, 2 + table_lines(nxt))
        end
      end
      -- A box of text that opens with a lead-in kept with its transcript
      -- or listing: that lead-in's room starts at the top of the box, and
      -- the heading keeps it too, with the box's title (2 lines), or the
      -- box would go to the next page and leave the heading alone.
      if text_box and is_lead_in(blocks[i + 2]) and is_box(blocks[i + 3]) then
        room = math.max(room, HEADING_LINES + 2 +
          lead_in_room(blocks[i + 2], blocks[i + 3], blocks[i + 4]))
      end
      -- What follows keeps the room it asks for below the heading: the
      -- heading's own room holds it, or the lead-in's room would be
      -- found wanting just after the heading and leave it alone at the
      -- foot of the page. (A lead-in right after a heading asks for none
      -- of its own, below.)
      -- (A short listing's room when it may break: part.)
      local part
      if is_intro(nxt, blocks[i + 2]) and is_box(blocks[i + 2]) then
        local lines, p = lead_in_room(nxt, blocks[i + 2], blocks[i + 3])
        room = math.max(room, HEADING_LINES + lines)
        part = p and math.max(7, HEADING_LINES + p)
      elseif listing_need(nxt) then
        local lines, p = listing_need(nxt)
        room = math.max(room, HEADING_LINES + lines)
        part = p and math.max(7, HEADING_LINES + p)
      end
      -- A heading, a command and a listing (a Part I chapter's "The
      -- code", its whole program after the cc command): the heading
      -- keeps room for the command and the listing's first lines too.
      -- (the command is a code block, or by now the LaTeX code.lua made
      -- of it: its Shaded and Highlighting lines aside, one a line)
      local after = blocks[i + 2]
      local shaded = nxt and nxt.t == "RawBlock" and nxt.format == "latex" and
        nxt.text:match("^\\begin{Shaded}")
      if nxt and (nxt.t == "CodeBlock" or shaded) and listing_need(after) then
        local _, newlines = nxt.text:gsub("\n", "")
        local cmd_lines = shaded and newlines - 3 or newlines + 1
        room = math.max(room, 5 + cmd_lines + listing_need(after))
      end
      -- A list whose first item keeps room of its own (an exercise whose
      -- lead-in stays with its command): the heading keeps that room
      -- too, or the item's would leave the heading alone at the foot.
      local item = is_list(nxt) and nxt.content[1]
      if item and is_lead_in(item[1]) and is_box(item[2]) then
        local lines = lead_in_room(item[1], item[2])
        room = math.max(room, HEADING_LINES + lines)
      end
      -- The first exercise of a section of them, whole (keep_exercises).
      if is_exercises(b) and item then
        room = math.max(room, HEADING_LINES + item_lines(item))
      end
      -- A heading, one paragraph and a short table: kept together.
      local third = blocks[i + 2]
      if nxt and nxt.t == "Para" and third and third.t == "Table" then
        room = math.max(room, 3 + para_lines(nxt) + table_lines(third))
      elseif nxt and nxt.t == "Para" and not is_lead_in(nxt) and
        not is_label(nxt) and not is_figure(nxt) and
        (is_box(third) or listing_need(third)) then
        -- A heading, one paragraph, then a listing or a transcript ("9.3
        -- The plain sender", a sentence, the program): the heading keeps
        -- room for the paragraph and the box's first lines (a short
        -- listing's whole, or the part it may break after), or the box
        -- goes overleaf and leaves the heading at the page's foot.
        local lines, p = lead_in_room(nxt, third)
        room = math.max(room, HEADING_LINES + lines)
        part = p and math.max(7, HEADING_LINES + p) or part
        -- (a paragraph, a command and the program: "11.3 A plain
        -- program", its sentence, its cc line, then dual-stack.c; the
        -- listing's first lines too, or they go overleaf alone)
        local fourth = blocks[i + 3]
        local shaded = third.t == "RawBlock" and third.format == "latex" and
          third.text:match("^\\begin{Shaded}")
        if (third.t == "CodeBlock" or shaded) and listing_need(fourth) then
          local _, newlines = third.text:gsub("\n", "")
          local cmd_lines = shaded and newlines - 3 or newlines + 1
          local need, lp = listing_need(fourth)
          room = math.max(room, HEADING_LINES + para_lines(nxt) + 2 + cmd_lines + need)
          part = lp and math.max(7, HEADING_LINES + para_lines(nxt) + 2 + cmd_lines + lp) or part
        end
      end
      -- A heading, then whole files' lines ("The whole file: ...") and
      -- what leads to a listing after them: the heading keeps room for
      -- them all and the listing's first lines ("15.5 The code", two such
      -- lines and a paragraph ended a page, their listing overleaf).
      if is_folded_line(nxt) then
        local lines, p, k = folded_chain(blocks, i + 1, true)
        if lines then
          room = math.max(room, HEADING_LINES + lines)
          part = p and math.max(7, HEADING_LINES + p) or part
          covered_until = k
        end
      end
      -- A diagram right after the heading, or after its first paragraph:
      -- the heading goes where the diagram goes.
      local fig = figure_after(blocks, i)
      local fig_lines = fig and HEADING_LINES + CAPTION_LINES +
        (is_figure(nxt) and 0 or para_lines(nxt))
      if fig then
        out:insert(figure_room(fig, fig_lines))
      end
      -- The first section of a chapter that runs on: the chapter starts
      -- on this page only when its heading, its contents and this room
      -- fit there (the diagram's, measured, or the heading's lines).
      if runon_at and runon_at.section == i then
        local r = runon_at
        runon_at = nil
        if fig then
          out[r.out] = pandoc.RawBlock("latex",
            figure_room(fig, r.lines + fig_lines, "ssfigureroom").text ..
            r.group .. "\\ssrunonat{\\ssfigneed}")
        else
          out[r.out] = pandoc.RawBlock("latex", r.group .. "\\ssrunon[" ..
            math.max(16, r.lines + room) .. "]")
        end
      end
      out:insert(need_room(room, part))
      out:insert(b)
    elseif (is_lead_in(b) or is_label(b)) and is_list(nxt) then
      -- "Read it from the top:" (or a label alone, "Linux's details.")
      -- and the list's first lines. The list opens with no place to
      -- break the page before its first item (\sskeeplist): LaTeX's own
      -- there, before a list, is where a breakable box (a grey "Going
      -- further") broke, leaving the lead-in alone at a page's foot.
      insert_kept(out, b, not after_heading and para_lines(b) + 4 or nil)
      out:insert(pandoc.RawBlock("latex", "\\sskeeplist"))
      kept_list = true
    elseif is_list(b) then
      local list, first_room = keep_in_items(b)
      local exercises = is_exercises(prev) and list.t == "OrderedList"
      -- A list right before a box that closes its chapter (divs.lua keeps
      -- the box with the lines before it): LaTeX's end of a list is a
      -- place it likes to break the page (\@endparpenalty, -51), before
      -- the \nopagebreak, and lesson 15's Remember went overleaf alone.
      -- Here that end is no place to break.
      local closes = nxt and nxt.t == "RawBlock" and
        nxt.text:match("^\\nopagebreak%[4%]\n\\begin{notebox}") ~= nil
      local group = (exercises and "\\interlinepenalty=10000" or "") ..
        (closes and "\\csname @endparpenalty\\endcsname=10000" or "")
      if exercises then
        list = keep_exercises(list)
      end
      if group ~= "" then
        out:insert(pandoc.RawBlock("latex", "\\begingroup" .. group .. "\\relax"))
      end
      if first_room and not after_heading and not kept_list then
        out:insert(need_room(first_room))
      end
      out:insert(list)
      if group ~= "" then
        out:insert(pandoc.RawBlock("latex", "\\endgroup"))
      end
      if kept_list then
        out:insert(pandoc.RawBlock("latex", "\\endgroup"))
        kept_list = false
      end
    elseif is_folded_line(b) and covered_until and i < covered_until then
      -- (a whole file's line whose room is held above: kept with the next)
      insert_kept(out, b, nil)
    elseif is_folded_line(b) and not after_heading and folded_chain(blocks, i) then
      -- A whole file's line (or a few), then a lead-in and its excerpt,
      -- or the excerpt itself: the lines stay with it, or they end a
      -- page alone, the listing overleaf (lessons 14 and 19 did).
      local lines, part, k = folded_chain(blocks, i)
      insert_kept(out, b, lines, part)
      covered_until = k
    elseif is_intro(b, nxt) and is_box(nxt) then
      -- "Then read until the server closes:" stays with its box.
      if after_heading or covered_until == i then
        insert_kept(out, b, nil)
      else
        insert_kept(out, b, lead_in_room(b, nxt, blocks[i + 2]))
      end
    elseif command_lines(b) and listing_need(nxt) and not (prev and
      (prev.t == "Header" or is_intro(prev, b))) then
      -- A command, then the listing it builds: kept with its first lines.
      local need, part = listing_need(nxt)
      local cmd = command_lines(b)
      insert_kept(out, b, cmd + 2 + need, part and cmd + 1 + part)
    elseif b.t == "Para" and item_para_lines(b) == 1 and nxt and nxt.t == "RawBlock" and
      nxt.text:match("^\\nopagebreak%[4%]\n\\begin{notebox}") then
      -- A line alone before a box that closes its chapter (once "The
      -- same in Python: ... ." above lesson 08's Remember, which paper no
      -- longer prints; divs.lua keeps the box with it) goes with what
      -- comes before it too: a page that
      -- opened with that line and the box had the box all but alone,
      -- cut off from the section before it. After a box of text, whose
      -- own space below is a place to break the page, that box keeps it
      -- (keep after, preamble.tex): the page breaks inside it, or before.
      -- (A paragraph of two lines or more is company enough: moving
      -- lesson 07's "Going further" with it left a third of a page blank.
      -- item_para_lines counts the file's name, LaTeX by now, as
      -- para_lines does not.)
      if prev and prev.t == "RawBlock" and prev.text:match("^\\end{skipbox}") then
        for k = #out, 1, -1 do
          local o = out[k]
          if o.t == "RawBlock" and o.text:match("^\\begin{skipbox}") then
            o.text = o.text:gsub("^\\begin{skipbox}%[([^%]]*)%]", "\\begin{skipbox}[%1,keep after]", 1)
            if not o.text:match("keep after") then
              o.text = o.text:gsub("^\\begin{skipbox}", "\\begin{skipbox}[keep after]", 1)
            end
            break
          end
        end
      end
      out:insert(pandoc.RawBlock("latex", "\\nopagebreak[4]"))
      out:insert(b)
    elseif transcript_rows(b) and not (prev and (prev.t == "Header" or
      is_intro(prev, b))) then
      -- A transcript on its own keeps room for its first lines
      -- (transcript_room); after a heading or a lead-in, that block
      -- keeps it.
      local rows = transcript_rows(b)
      out:insert(need_room(transcript_whole(rows) or transcript_room(rows),
        transcript_room(rows)))
      out:insert(b)
    elseif b.t == "Table" and not (prev and (prev.t == "Header" or
      (is_intro(prev, b) and is_box(b)))) then
      -- A short table on its own stays whole.
      out:insert(pandoc.RawBlock("latex", "\\Needspace{" .. table_lines(b) ..
        "\\baselineskip}"))
      out:insert(b)
    elseif is_prototype_para(b) and nxt and (nxt.t == "Para" or is_list(nxt)) then
      -- A call's prototype alone in its paragraph, then the paragraph or
      -- the list about it: the prototype goes with their first lines
      -- (lesson 07's setsockopt() and lesson 12's waitpid() ended a page
      -- alone, readers found).
      insert_kept(out, b, 5)
    else
      out:insert(b)
    end
  end
  local done = pandoc.List()
  for _, b in ipairs(out) do
    if b.t == "Table" then
      b = keep_table_rows(b)
    end
    done:insert(b)
    if transcript_rows(b) then
      -- (A short transcript's \ssneedwhole may have said "split" to
      -- what follows it; what follows it is not a part of it.)
      done:insert(pandoc.RawBlock("latex", "\\global\\sssplitfalse"))
    end
  end
  return done
end

------------------------------------------------------------------------
-- On screen: a way back to the contents from every section
------------------------------------------------------------------------

local function back_link()
  return pandoc.Div({ pandoc.Plain({ pandoc.Link({ pandoc.Str("\u{2191} contents") },
    "#TOC", "", pandoc.Attr("", {}, { ["aria-label"] = "back to the contents" })) }) },
    pandoc.Attr("", { "back" }))
end

-- At the end of each chapter (and part): previous / contents / next, so
-- that one tap goes on to the next chapter.
local function chapter_nav(prev, nxt)
  local inl = pandoc.List()
  if prev then
    inl:insert(pandoc.Link({ pandoc.Str("← " .. prev.title) }, "#" .. prev.id,
      "", pandoc.Attr("", { "prev" })))
  end
  inl:insert(pandoc.Link({ pandoc.Str("contents") }, "#TOC", "",
    pandoc.Attr("", { "toc" })))
  if nxt then
    inl:insert(pandoc.Link({ pandoc.Str(nxt.title .. " →") }, "#" .. nxt.id,
      "", pandoc.Attr("", { "next" })))
  end
  return pandoc.Div({ pandoc.Plain(inl) }, pandoc.Attr("", { "chapter-nav" }))
end

-- The contents on screen (the HTML page; the EPUB has its own): Parts
-- and chapters, each chapter's sections folded under it (<details>), so
-- that the first screen shows the title and the start of the contents.
-- A section of class unlisted ("The same in Python") has no entry.
local function inline_html(inlines)
  return pandoc.write(pandoc.Pandoc({ pandoc.Plain(inlines) }), "html"):gsub("\n", " ")
end

local function toc_entry(h)
  local num = numbers.shown_number(h)
  return '<a href="#' .. h.identifier .. '">' ..
    (num and ('<span class="toc-section-number">' .. num .. "</span> ") or "") ..
    inline_html(h.content) .. "</a>"
end

function M.screen_toc(blocks)
  local out = { '<nav id="TOC" role="doc-toc">', '<h2 id="toc-title">Contents</h2>', "<ul>" }
  local chapter, sections = nil, {}
  local function close_chapter()
    if not chapter then
      return
    end
    if #sections == 0 then
      out[#out + 1] = "<li>" .. toc_entry(chapter) .. "</li>"
    else
      out[#out + 1] = "<li><details><summary>" .. toc_entry(chapter) ..
        "</summary><ul>"
      for _, s in ipairs(sections) do
        out[#out + 1] = "<li>" .. toc_entry(s) .. "</li>"
      end
      out[#out + 1] = "</ul></details></li>"
    end
  end
  for _, b in ipairs(blocks) do
    if b.t == "Header" and b.level == 1 then
      close_chapter()
      chapter, sections = b, {}
    elseif b.t == "Header" and b.level == 2 and chapter
        and not b.classes:includes("unlisted") then
      sections[#sections + 1] = b
    end
  end
  close_chapter()
  out[#out + 1] = "</ul>"
  out[#out + 1] = "</nav>"
  return pandoc.RawBlock("html", table.concat(out, "\n"))
end

function M.screen_blocks(blocks)
  -- The chapters (level-1 headings), for the links between them.
  local chapters = {}
  for _, b in ipairs(blocks) do
    if b.t == "Header" and b.level == 1 then
      local title = pandoc.utils.stringify(b.content)
      if numbers.shown_number(b) then
        title = numbers.shown_number(b) .. " " .. title
      end
      chapters[#chapters + 1] = { id = b.identifier, title = title }
    end
  end
  local out = pandoc.List()
  local n = 0
  for _, b in ipairs(blocks) do
    if b.t == "Header" and b.level == 1 then
      if n > 0 then
        out:insert(chapter_nav(chapters[n - 1], chapters[n + 1]))
      end
      n = n + 1
    end
    if b.t == "Div" then
      -- (headings inside a ::: small group get their way back too)
      local inner = pandoc.List()
      for _, c in ipairs(b.content) do
        inner:insert(c)
        if c.t == "Header" and c.level <= 2 then
          inner:insert(back_link())
        end
      end
      b.content = inner
    end
    out:insert(b)
    if b.t == "Header" and b.level <= 2 then
      out:insert(back_link())
    end
  end
  if n > 0 then
    out:insert(chapter_nav(chapters[n - 1], nil))
  end
  return out
end

------------------------------------------------------------------------

return M
