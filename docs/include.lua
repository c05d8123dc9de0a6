--[[
include.lua - pandoc filter that puts the real lesson code, the real run
transcripts and the rendered diagrams into the handout, numbers its
chapters, sections, transcripts and figures, and writes every internal
cross-reference with the number (and, on paper, the page) of its target.

Code (paths from the repository root; C only from lessons/, Python only
from docs/python/):

  ```{.c include="lessons/04-accept/accept.c"}
  ```
      the whole file, numbered with its own line numbers
      (a whole lesson file leaves out, marked, the comment at the top,
      the #includes and the options table, which every lesson has; on
      screen the whole file follows, folded; {.c .whole include=...}
      shows every line, as the first lesson does; {.python .folded ...}
      leaves a whole file out of the reading flow: named in print, folded
      on screen, as Part II's Python versions are)
  ```{.c include="lessons/06-send-recv/server.c" lines="85-110" contains="send("}
  ```
      a part: lines 85 to 110, each omitted stretch marked by an ellipsis
      line; every string in contains= (separated by "|") must be in those
      lines, or the build stops, so a part cannot drift away from the code
      it is about
  ```{.c include="lessons/06-send-recv/server.c" function="echo"}
  ```
      a part: the definition of the function echo(), from its first line
      (at the left margin) to the "}" that ends it at the left margin
  ```{.python include="docs/python/05_connect.py"}
  ```
      a Python equivalent (tests/python.bats runs it against the lessons)

Transcripts (docs/runs.sh writes build/runs/NAME.txt):

  ```{.output run="04-accept" title="terminal 1: the server"}
  ```
      the whole transcript, titled "Transcript 4.1: terminal 1: ..."
  ```{.output run="04-accept" from="^listen%(" to="^getsockname"}
  ```
      an excerpt: from the first line that matches the Lua pattern `from`
      to the first later line that matches `to` (or the `from` line
      alone), each with the indented lines of narration that follow it;
      a `from` that matches a note (an indented line) starts the excerpt
      at the call line the note belongs to

  Each transcript is numbered within its chapter and can be referred to
  as [](#run-04-accept) (the block's own {#id} if it has one; dots in the
  name become "-"). A line of a run shown twice stops the build: refer to
  the first showing instead.

Numbering (level-1 headings):

  # Introduction {#introduction .unnumbered}    front matter: no number
  # Lesson 06: send() and recv() {#lesson-06}   lesson N is chapter N
  # Pitfalls {#pitfalls .appendix}              back matter: A, B, C ...

  Sections are N.1, N.2 ... within a numbered chapter. A chapter that is
  none of these stops the build.

Cross-references: a link to "#id" keeps its text and gains the target's
number, and on paper its page: [SIGPIPE](#pitfall-sigpipe) becomes
"SIGPIPE (section A.4, page 97)"; an empty text, [](#run-05-connect),
becomes "transcript 5.1 (page 31)". A link to an id that does not exist
stops the build.

Diagrams: ![caption](tcp-sequence.dot) is the diagram rendered by the build
(PDF for LaTeX, SVG otherwise), numbered "Figure 1" and so on.

Other blocks:
  ::: small          a group set in a smaller font on paper
  ::: {.box title="How to read a listing"}   a framed box with a title
  ::: clone          replaced by how to get the repository: its address
                     (metadata repo-url: REPO_URL, else the origin
                     remote) when it is a network address, or, with
                     none, the address in words (the lecturer's)
  ::: keep           on paper, kept on one page (short groups only)

Metadata (set by mk/handout.mk): runs-dir (default build/runs),
diagram-dir (default build/handout), repo-url (may be empty).
A missing file, line, function, transcript, diagram or target stops the
build with a message naming it. A C code block that is not an include
stops it too: no C is pasted into docs/.
]]

-- Shared with the other filter: docs/listing.lua, next to this file.
local listing = dofile((PANDOC_SCRIPT_FILE:match("^(.*/)") or "./") .. "listing.lua")

local runs_dir = "build/runs"
local diagram_dir = "build/handout"
local repo_url = ""

local C_CLASSES = { c = true, C = true, h = true, cpp = true, ["c++"] = true }

local function fail(msg)
  io.stderr:write("include.lua: " .. msg .. "\n")
  os.exit(1)
end

local function latex()
  return FORMAT:match("latex") ~= nil
end

local function html()
  return FORMAT:match("html") ~= nil
end

local function read_lines(path, what)
  local f = io.open(path, "r")
  if not f then
    fail(what .. ": cannot read " .. path)
  end
  local lines = {}
  for line in f:lines() do
    lines[#lines + 1] = line
  end
  f:close()
  return lines
end

-- For text in typewriter type on paper: the characters TeX treats
-- specially, and those a font would turn into ligatures or curly quotes.
local function latex_escape(s)
  return (s:gsub("[\\{}$&#^_%%~%-'`<>]", function(c)
    if c == "\\" then
      return "\\textbackslash{}"
    elseif c == "^" then
      return "\\textasciicircum{}"
    elseif c == "~" then
      return "\\textasciitilde{}"
    elseif c == "-" then
      return "-{}"
    elseif c == "'" then
      return "\\textquotesingle{}"
    elseif c == "`" then
      return "\\textasciigrave{}"
    elseif c == "<" then
      return "\\textless{}"
    elseif c == ">" then
      return "\\textgreater{}"
    end
    return "\\" .. c
  end))
end

------------------------------------------------------------------------
-- Code
------------------------------------------------------------------------

-- The [first, last] lines of the definition of function NAME, with its
-- comment (docs/listing.lua); the build stops when there is none.
local function find_function(lines, path, name)
  local first, last = listing.function_range(lines, name)
  if not first then
    fail('include="' .. path .. '" function="' .. name .. '": no definition of ' ..
      name .. "() at the left margin of " .. path)
  end
  return first, last
end

local function language_of(path)
  local ext = path:match("%.(%w+)$")
  if ext == "c" or ext == "h" then
    return "c"
  elseif ext == "sh" or ext == "bash" then
    return "bash"
  elseif ext == "py" then
    return "python"
  end
  return nil
end

local function range_text(first, last)
  if first == last then
    return "line " .. first
  end
  return "lines " .. first .. "\u{2013}" .. last
end

-- Words as pandoc inlines: Str, Space, Str ...
local function words(text)
  local out = {}
  for w in text:gmatch("%S+") do
    if #out > 0 then
      out[#out + 1] = pandoc.Space()
    end
    out[#out + 1] = pandoc.Str(w)
  end
  return out
end

-- The caption above a listing: "lessons/04-accept/accept.c, lines 1-140
-- (the whole file)" or "..., lines 85-110 of 207".
local function listing_caption(path, first, last, total, whole)
  local where = range_text(first, last)
  if whole and latex() then
    where = total .. " lines (the whole file is in the repository)"
  elseif whole then
    where = total .. " lines (the whole file is under the listing)"
  elseif first == 1 and last == total then
    where = where .. " (the whole file)"
  else
    where = where .. " of " .. total
  end
  local inlines = { pandoc.Code(path), pandoc.Str(","), pandoc.Space() }
  for _, w in ipairs(words(where)) do
    inlines[#inlines + 1] = w
  end
  if latex() then
    table.insert(inlines, 1, pandoc.RawInline("latex", "\\listingcaption{"))
    inlines[#inlines + 1] = pandoc.RawInline("latex", "}")
    return pandoc.Plain(inlines)
  end
  return pandoc.Div({ pandoc.Plain(inlines) }, pandoc.Attr("", { "listing-caption" }))
end

-- The visible mark of lines left out of a listing.
local function omission(first, last, what)
  local said = range_text(first, last) .. (what and (" (" .. what .. ")") or "") ..
    " not shown"
  local text = "\u{22EE} " .. said
  if latex() then
    return pandoc.RawBlock("latex", "\\listingomission{" ..
      latex_escape(said):gsub("\u{2013}", "--") .. "}")
  end
  return pandoc.Div({ pandoc.Plain(words(text)) },
    pandoc.Attr("", { "listing-omission" }))
end

local function parse_lines(spec, path, total)
  local a, b = spec:match("^%s*(%d+)%s*%-%s*(%d+)%s*$")
  if not a then
    a = spec:match("^%s*(%d+)%s*$")
    b = a
  end
  if not a then
    fail('include="' .. path .. '" lines="' .. spec .. '": write lines="FIRST-LAST"')
  end
  a, b = tonumber(a), tonumber(b)
  if a < 1 or b < a or b > total then
    fail('include="' .. path .. '" lines="' .. spec .. '": the file has ' .. total ..
      " lines")
  end
  return a, b
end

-- The lines of a whole lesson file that a chapter does not reprint, as
-- { first, last, what } in order: the comment at the top, the
-- #define/#include block under it, and each option table (a declaration
-- at the left margin that starts "static const struct ss_lesson" or
-- "static struct ... opt", to its "};" and the empty line after it). They
-- are the same in every lesson; the whole file is one click away in the
-- HTML and EPUB, and in the repository.
local function boilerplate(lines)
  local parts, i = {}, 1
  if lines[1] and lines[1]:match("^/%*") then
    while lines[i] and not lines[i]:find("*/", 1, true) do
      i = i + 1
    end
    i = i + 1
  end
  local top = i - 1
  while lines[i] and (lines[i]:match("^#") or lines[i]:match("^%s*$")) do
    i = i + 1
  end
  if i - 1 >= 1 then
    local what = top >= 1 and (i - 1 > top and "the comment at the top and the #includes"
      or "the comment at the top") or "the #includes"
    parts[#parts + 1] = { 1, i - 1, what }
  end
  while i <= #lines do
    if lines[i]:match("^static const struct ss_lesson ") or
        lines[i]:match("^static struct [%w_]+ opt") then
      local j = i
      while lines[j] and not lines[j]:match("^};") do
        j = j + 1
      end
      if not lines[j] then
        break
      end
      if lines[j + 1] and lines[j + 1]:match("^%s*$") then
        j = j + 1
      end
      parts[#parts + 1] = { i, j, "the name and the options table" }
      i = j
    end
    i = i + 1
  end
  -- Two parts with only comments or empty lines between them are one.
  local merged = {}
  for _, part in ipairs(parts) do
    local prev = merged[#merged]
    local between = prev and prev[2] + 1
    while between and between < part[1] and
        (lines[between]:match("^%s*$") or lines[between]:match("^%s*/?%*") or
          lines[between]:match("^%s*//")) do
      between = between + 1
    end
    if prev and between == part[1] then
      prev[2] = part[2]
      prev[3] = prev[3]:gsub(" and the #includes", ", the #includes") ..
        " and " .. part[3]:gsub("^the name and ", "")
    else
      merged[#merged + 1] = part
    end
  end
  return merged
end

-- On screen: a whole file folded under a summary that names it, "WHAT
-- PATH (N lines)", numbered from 1.
local function folded_file(what, path, lines, lang)
  return {
    pandoc.RawBlock("html", '<details class="whole-program"><summary>' .. what ..
      path .. " (" .. #lines .. " lines)</summary>"),
    pandoc.CodeBlock(table.concat(lines, "\n"),
      pandoc.Attr("", { lang or "", "numberLines" }, { startFrom = "1" })),
    pandoc.RawBlock("html", "</details>"),
  }
end

local function include_code(el)
  local path = el.attributes["include"]
  local lang = language_of(path)
  if lang == "c" and not path:match("^lessons/") then
    fail('include="' .. path .. '": C is included only from lessons/')
  end
  if lang == "python" and not path:match("^docs/python/") then
    fail('include="' .. path .. '": Python is included only from docs/python/')
  end
  for _, c in ipairs(el.classes) do
    if (C_CLASSES[c] and lang ~= "c") or (c == "python" and lang ~= "python") then
      fail('include="' .. path .. '" in a {.' .. c .. '} block: not that language')
    end
  end
  local lines = read_lines(path, 'include="' .. path .. '"')
  local total = #lines
  local first, last = 1, total
  local spec, fn = el.attributes["lines"], el.attributes["function"]
  if el.attributes["region"] then
    fail('include="' .. path .. '" region=: regions are gone (no lesson has ' ..
      "markers): use lines= or function=")
  end
  if spec then
    first, last = parse_lines(spec, path, total)
  elseif fn then
    first, last = find_function(lines, path, fn)
  end
  if last < first then
    fail('include="' .. path .. '": the part to include is empty')
  end
  local must = el.attributes["contains"]
  if must then
    local text = table.concat(lines, "\n", first, last)
    for want in (must .. "|"):gmatch("([^|]*)|") do
      if want ~= "" and not text:find(want, 1, true) then
        fail('include="' .. path .. '" ' .. range_text(first, last) ..
          ': no "' .. want .. '" in them any more (contains="' .. must ..
          '"): the lesson has changed; update lines=')
      end
    end
  end

  local classes = {}
  if lang then
    classes[#classes + 1] = lang
  end
  for _, c in ipairs(el.classes) do
    if not C_CLASSES[c] and c ~= lang and c ~= "numberLines" and c ~= "python" and
        c ~= "whole" and c ~= "folded" then
      classes[#classes + 1] = c
    end
  end
  classes[#classes + 1] = "numberLines"

  -- A whole lesson file: its boilerplate is left out of the reading flow;
  -- on screen the whole file follows, folded.
  -- (A {.whole} block shows it all: the first lesson's listing does. A
  -- {.folded} one is not in the reading flow at all: on paper its caption
  -- says where it is, on screen it is folded under that caption.)
  local show_all, folded = false, false
  for _, c in ipairs(el.classes) do
    show_all = show_all or c == "whole"
    folded = folded or c == "folded"
  end
  if folded then
    if first ~= 1 or last ~= total then
      fail('include="' .. path .. '": {.folded} takes a whole file')
    end
    local what = lang == "python" and "The Python version: " or "The whole file: "
    if latex() then
      local inlines = { pandoc.RawInline("latex", "\\listingcaption{"),
        pandoc.Str(what), pandoc.Code(path), pandoc.Str(","), pandoc.Space() }
      for _, w in ipairs(words(total .. " lines, in the repository and the HTML handout")) do
        inlines[#inlines + 1] = w
      end
      inlines[#inlines + 1] = pandoc.RawInline("latex", "}")
      return pandoc.Div({ pandoc.Plain(inlines) }, pandoc.Attr(el.identifier, { "listing" }))
    end
    return pandoc.Div(folded_file(what, path, lines, lang), pandoc.Attr(el.identifier,
      { "listing" }))
  end
  local whole = lang == "c" and first == 1 and last == total and not show_all
  local skip = {}
  if whole then
    for _, part in ipairs(boilerplate(lines)) do
      skip[part[1]] = part
    end
  end

  local blocks = { listing_caption(path, first, last, total, whole) }
  if first > 1 then
    blocks[#blocks + 1] = omission(1, first - 1)
  end
  -- The listing is split where boilerplate is left out (with an omission
  -- mark) so that every number stays the file's own.
  local chunk, start = {}, nil
  local function flush()
    if start then
      blocks[#blocks + 1] = pandoc.CodeBlock(table.concat(chunk, "\n"),
        pandoc.Attr("", classes, { startFrom = tostring(start) }))
    end
    chunk, start = {}, nil
  end
  local i = first
  while i <= last do
    if skip[i] then
      flush()
      blocks[#blocks + 1] = omission(skip[i][1], skip[i][2], skip[i][3])
      i = skip[i][2]
    else
      if not start then
        start = i
      end
      chunk[#chunk + 1] = lines[i]
    end
    i = i + 1
  end
  flush()
  if last < total then
    blocks[#blocks + 1] = omission(last + 1, total)
  end
  if whole and not latex() then
    for _, b in ipairs(folded_file("The whole program: ", path, lines, lang)) do
      blocks[#blocks + 1] = b
    end
  end
  return pandoc.Div(blocks, pandoc.Attr(el.identifier, { "listing" }))
end

------------------------------------------------------------------------
-- Numbers: chapters, sections, transcripts, figures; the targets of links
------------------------------------------------------------------------

-- targets[id] = { kind = "chapter"|"appendix"|"section"|"transcript"|
--   "figure", number = "6.1" or nil, title = "..." }
local targets = {}
local chapter = nil        -- { number = "6" or nil, runs = 0 }
local in_appendix = false
local appendix_count = 0
local section_counts = {}
local figure_count = 0
local shown = {}           -- shown[run name][line] = transcript label

local function letter(n)
  return string.char(string.byte("A") + n - 1)
end

local function add_target(id, t)
  if id == nil or id == "" then
    return
  end
  if targets[id] then
    fail('two targets with the id "' .. id .. '"')
  end
  targets[id] = t
end

local function number_header(h)
  local title = pandoc.utils.stringify(h.content)
  if h.level == 1 then
    section_counts = {}
    local lesson = h.identifier:match("^lesson%-(%d+)$")
    if h.classes:includes("unnumbered") or h.classes:includes("-") then
      if in_appendix then
        fail('"' .. title .. '": an unnumbered chapter after the appendices')
      end
      chapter = { number = nil, runs = 0, title = title }
    elseif lesson then
      if in_appendix then
        fail('"' .. title .. '": a lesson after the appendices')
      end
      chapter = { number = tostring(tonumber(lesson)), runs = 0, title = title,
        lesson = tonumber(lesson) }
    elseif h.classes:includes("appendix") then
      appendix_count = appendix_count + 1
      chapter = { number = letter(appendix_count), runs = 0, title = title,
        appendix = true, first_appendix = not in_appendix }
      in_appendix = true
    else
      fail('chapter "' .. title .. '" {#' .. h.identifier .. '}: mark it ' ..
        "{.unnumbered} (front matter), {#lesson-NN} (a lesson) or " ..
        "{.appendix} (back matter)")
    end
    if chapter.number then
      h.attributes["number"] = chapter.number
    else
      h.classes:insert("unnumbered")
    end
    add_target(h.identifier, { kind = chapter.appendix and "appendix" or "chapter",
      number = chapter.number, title = title })
    return h
  end
  if not chapter then
    fail('section "' .. title .. '" before the first chapter')
  end
  if not chapter.number then
    if not h.classes:includes("unnumbered") then
      h.classes:insert("unnumbered")
    end
    add_target(h.identifier, { kind = "section", title = title })
    return h
  end
  local level = h.level - 1
  section_counts[level] = (section_counts[level] or 0) + 1
  for l = level + 1, 6 do
    section_counts[l] = nil
  end
  local parts = { chapter.number }
  for l = 1, level do
    parts[#parts + 1] = tostring(section_counts[l] or 0)
  end
  local number = table.concat(parts, ".")
  h.attributes["number"] = number
  add_target(h.identifier, { kind = "section", number = number, title = title })
  return h
end

------------------------------------------------------------------------
-- Transcripts
------------------------------------------------------------------------

-- Transcripts are made unwrapped (runs.sh sets SOCKSTEP_NOWRAP): each
-- note of the narration is one line. So the build can tell one note from
-- the next, and wrap each for paper as the narrator does at 78 columns.

-- "[child 123] " before a child's lines, and the rest of the line.
local function split_tag(line)
  local tag, rest = line:match("^(%[child %d+%] )(.*)$")
  if tag then
    return tag, rest
  end
  return "", line
end

-- A note a transcript may leave out once shown: a line of narration four
-- columns in (not a kernel line: what the kernel holds is never generic),
-- of six words or more. Its key ignores numbers (fds, ports, counts): "a
-- new socket: fd 4, ..." is the note "a new socket: fd 3, ..." again.
local NOTE_SHOWN = 2 -- a note is shown this many times in the book
local notes_seen = {} -- notes_seen[key] = times shown so far

local function note_key(line)
  local _, rest = split_tag(line)
  if #rest:match("^ *") ~= 4 then
    return nil
  end
  local text = rest:sub(5)
  if text:match("^kernel: ") then
    return nil
  end
  local _, words = text:gsub("%S+", "")
  if words < 6 then
    return nil
  end
  return (text:gsub("%d+", "#"))
end

-- The lines first..last of a run as the book shows them: a note shown
-- NOTE_SHOWN times already is left out, and each stretch of notes left
-- out becomes one line that says how many ("left" holds their text).
local function drop_seen_notes(lines, first, last)
  local out = {}
  local left = {}
  local function mark()
    if #left > 0 then
      local tag = split_tag(left[1])
      out[#out + 1] = { text = tag .. "    [" .. (#left == 1 and "a note" or
        (#left .. " notes")) .. " shown before]", left = left }
      left = {}
    end
  end
  for i = first, last do
    local key = note_key(lines[i])
    local times = key and (notes_seen[key] or 0) or 0
    if key and times >= NOTE_SHOWN then
      left[#left + 1] = lines[i]
    else
      mark()
      if key then
        notes_seen[key] = times + 1
      end
      out[#out + 1] = { text = lines[i] }
    end
  end
  mark()
  return out
end

-- One line wrapped for paper at 78 columns as the narrator's ss_wrap()
-- does: at the last space that fits, a child's tag on every line, later
-- lines indented further for a call, a kernel line and advice (4), not
-- for a note. A call's " = result" ("= -1 ENAME (message)") stays whole.
local PAPER_COLUMNS = 78

local function wrap_paper(line)
  local tag, rest = split_tag(line)
  local lead = #rest:match("^ *")
  local text = rest:sub(lead + 1)
  local hang = 0
  if lead == 0 or text:match("^kernel: ") or text:match("^likely cause: ")
      or text:match("^try: ") or text:match("^ready: ") then
    hang = 4
  end
  if lead == 0 and text:match("^[%w_]+%(") then
    local at, pos = nil, 1
    while true do
      local i = text:find(") = ", pos, true)
      if not i then
        break
      end
      at, pos = i, i + 1
    end
    if at then
      local tail = text:sub(at + 1)
      if tail:match("^ = %-1 ") then
        tail = tail:gsub(" ", "\1")
      else
        tail = tail:gsub(" ", "\1", 2)
      end
      text = text:sub(1, at) .. tail
    end
  end
  local out, first = {}, true
  while text ~= "" or first do
    local indent = first and lead or lead + hang
    local room = math.max(PAPER_COLUMNS - #tag - indent, 20)
    local n = #text
    if n > room then
      local cut = room
      while cut > 0 and text:sub(cut + 1, cut + 1) ~= " " do
        cut = cut - 1
      end
      n = cut > 0 and cut or room
    end
    out[#out + 1] = tag .. string.rep(" ", indent) ..
      text:sub(1, n):gsub("\1", " ")
    text = text:sub(n + 1):gsub("^ +", "")
    first = false
  end
  return table.concat(out, "\n")
end

local function include_run(el)
  local name = el.attributes["run"]
  local path = runs_dir .. "/" .. name .. ".txt"
  local lines = read_lines(path, 'run="' .. name .. '" (made by docs/runs.sh)')
  if #lines == 0 then
    fail('run="' .. name .. '": ' .. path .. " is empty")
  end
  for i, line in ipairs(lines) do
    if line:find("\27", 1, true) then
      fail(path .. ":" .. i .. ": colour escape codes (run the lesson with --no-color)")
    end
    if line:find("[\128-\255]") then
      fail(path .. ":" .. i .. ": not ASCII; the handout shows transcripts as they are")
    end
  end
  local title = el.attributes["title"]
  local from, to = el.attributes["from"], el.attributes["to"]
  local first, last = 1, #lines
  if from or to then
    first, last = nil, nil
    for i, line in ipairs(lines) do
      if not first and line:match(from or "^") then
        first = i
        if not to then
          last = i
          break
        end
      elseif first and line:match(to) then
        last = i
        break
      end
    end
    -- A note (an indented line) belongs to the call above it: start there.
    while first and first > 1 and lines[first]:match("^%s+%S") do
      first = first - 1
    end
    -- The notes of the last line: the indented lines right after it.
    while last and last < #lines and lines[last + 1]:match("^%s+%S") do
      last = last + 1
    end
    if not first then
      fail('run="' .. name .. '": no line of ' .. path .. ' matches from="' ..
        tostring(from) .. '"')
    end
    if not last then
      fail('run="' .. name .. '": no line of ' .. path .. ' after line ' .. first ..
        ' matches to="' .. tostring(to) .. '"')
    end
    if not title then
      -- Name the run by its command line, the transcript's first line.
      title = (lines[1]:match("^%$ (.*)") or name)
    end
    title = title .. " (excerpt)"
  end
  title = title or (lines[1]:match("^%$ (.*)") or name)

  -- The label: "6.2" in a numbered chapter; none in front matter.
  if not chapter then
    fail('run="' .. name .. '" before the first chapter')
  end
  chapter.runs = chapter.runs + 1
  local label = chapter.number and (chapter.number .. "." .. chapter.runs)
  local id = el.identifier
  if id == "" then
    id = "run-" .. name:gsub("[^%w_%-]", "-")
    if targets[id] then
      local n = 2
      while targets[id .. "-" .. n] do
        n = n + 1
      end
      id = id .. "-" .. n
    end
  end
  add_target(id, { kind = "transcript", number = label, title = title })

  -- Each line of a run is shown once.
  shown[name] = shown[name] or {}
  for i = first, last do
    local before = shown[name][i]
    if before then
      fail('run="' .. name .. '": line ' .. i .. ' ("' .. lines[i]:sub(1, 40) ..
        '") is shown already, in ' .. before .. ": refer to it with [](#" ..
        before:match("#(.*)") .. ")")
    end
  end
  for i = first, last do
    shown[name][i] = (label and ("transcript " .. label) or "a transcript") ..
      " #" .. id
  end

  local heading = label and ("Transcript " .. label .. ": " .. title) or title
  local shown_lines = drop_seen_notes(lines, first, last)

  if latex() then
    local wrapped = {}
    for _, l in ipairs(shown_lines) do
      wrapped[#wrapped + 1] = wrap_paper(l.text)
    end
    local text = table.concat(wrapped, "\n")
    if text:find("\\end{Verbatim}", 1, true) then
      fail(path .. ' contains "\\end{Verbatim}"')
    end
    return pandoc.RawBlock("latex",
      "\\begin{terminal}{" .. latex_escape(heading) .. "}\\phantomsection\\label{" ..
      id .. "}\\hypertarget{" .. id .. "}{}%\n" ..
      "\\begin{Verbatim}[breaklines,breakanywhere,fontsize=\\footnotesize]\n" ..
      text .. "\n\\end{Verbatim}\n\\end{terminal}")
  end
  -- On screen each line is its own block, so that a line too long for a
  -- phone wraps with a hanging indent under its own first character
  -- (handout.css), and copying still gives the lines as they were.
  local function esc(t)
    return (t:gsub("[&<>\"]", { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;",
      ['"'] = "&quot;" }))
  end
  -- A mark for notes left out carries them in its title (a tooltip).
  local out = {}
  for _, l in ipairs(shown_lines) do
    local tag, rest = split_tag(l.text)
    local lead = #tag + #rest:match("^ *")
    local body = esc(tag .. rest:sub(#rest:match("^ *") + 1))
    if l.left then
      local notes = {}
      for _, n in ipairs(l.left) do
        local _, r = split_tag(n)
        notes[#notes + 1] = esc(r:gsub("^ +", ""))
      end
      out[#out + 1] = '<span class="tl omitted" style="padding-left: ' ..
        (lead + 2) .. 'ch" title="' .. table.concat(notes, "&#10;") .. '">' ..
        body .. "\n</span>"
    else
      out[#out + 1] = '<span class="tl" style="padding-left: ' .. (lead + 2) ..
        'ch">' .. body .. "\n</span>"
    end
  end
  return pandoc.RawBlock("html",
    '<div id="' .. esc(id) .. '" class="terminal">\n<div class="terminal-title">' ..
    esc(heading) .. '</div>\n<pre class="output"><code>' .. table.concat(out) ..
    "</code></pre>\n</div>")
end

local function is_c_block(el)
  for _, c in ipairs(el.classes) do
    if C_CLASSES[c] then
      return true
    end
  end
  return false
end

------------------------------------------------------------------------
-- Diagrams
------------------------------------------------------------------------

local function diagram(el)
  local base = el.src:match("^([%w_%-]+)%.dot$")
  if not base then
    return nil
  end
  local ext = latex() and "pdf" or "svg"
  local path = diagram_dir .. "/" .. base .. "." .. ext
  local f = io.open(path, "r")
  if not f then
    fail("diagram " .. el.src .. ": " .. path .. " has not been rendered " ..
      "(mk/handout.mk renders docs/*.dot)")
  end
  -- The single-file HTML carries the SVG in the image's address (a data:
  -- URL), so it needs no --self-contained pass over the whole page; the
  -- EPUB packs the file itself.
  if FORMAT:match("^html") then
    local svg = f:read("a")
    f:close()
    el.src = "data:image/svg+xml," .. svg:gsub("[^%w%-%._~/:=;,()!*' ]",
      function(c) return string.format("%%%02X", c:byte()) end):gsub(" ", "%%20")
    return el
  end
  f:close()
  el.src = path
  return el
end

-- A figure: a paragraph that holds one image and nothing else.
local function figure(para)
  if #para.content ~= 1 or para.content[1].t ~= "Image" then
    return nil
  end
  local img = para.content[1]
  if not img.src:match("%.dot$") then
    return nil
  end
  figure_count = figure_count + 1
  add_target(img.identifier, { kind = "figure", number = tostring(figure_count),
    title = pandoc.utils.stringify(img.caption) })
  diagram(img)
  if not latex() then
    -- LaTeX writes "Figure N:" itself (preamble.tex numbers them 1, 2 ...).
    local cap = { pandoc.Str("Figure"), pandoc.Space(),
      pandoc.Str(figure_count .. ":"), pandoc.Space() }
    for _, i in ipairs(img.caption) do
      cap[#cap + 1] = i
    end
    img.caption = cap
  end
  return para
end

------------------------------------------------------------------------
-- Divs
------------------------------------------------------------------------

-- Where a repository URL has a user name or password in it, drop them.
local function clean_url(url)
  return (url:gsub("^(%a[%w+.-]*://)[^/@]*@", "%1"))
end

-- An address someone else can clone: scheme://host/... (not file://) or
-- user@host:path. A path on the machine that built the handout is not.
local function network_url(url)
  if url:match("^file:") then
    return false
  end
  return url:match("^%a[%w+.-]*://[^/]") ~= nil or
    url:match("^[%w._-]+@[%w.-]+:[^/]") ~= nil or
    url:match("^[%w._-]+@[%w.-]+:/") ~= nil
end

local function clone_blocks()
  if repo_url ~= "" and network_url(repo_url) then
    local url = clean_url(repo_url)
    return {
      pandoc.Para({ pandoc.Str("The"), pandoc.Space(), pandoc.Str("lessons"),
        pandoc.Space(), pandoc.Str("are"), pandoc.Space(), pandoc.Str("at"),
        pandoc.Space(), pandoc.Code(url), pandoc.Str(":"), pandoc.Space(),
        pandoc.Str("the"), pandoc.Space(), pandoc.Str("repository"),
        pandoc.Space(), pandoc.Str("this"), pandoc.Space(), pandoc.Str("handout"),
        pandoc.Space(), pandoc.Str("was"), pandoc.Space(), pandoc.Str("built"),
        pandoc.Space(), pandoc.Str("from."), pandoc.Space(), pandoc.Str("Clone"),
        pandoc.Space(), pandoc.Str("it"), pandoc.Space(), pandoc.Str("and"),
        pandoc.Space(), pandoc.Str("go"), pandoc.Space(), pandoc.Str("into"),
        pandoc.Space(), pandoc.Str("it:") }),
      pandoc.CodeBlock("git clone " .. url .. " sockstep\ncd sockstep",
        pandoc.Attr("", { "sh" })),
    }
  end
  return pandoc.read(
    "Your lecturer, or whoever gave you this handout, gives you the " ..
    "address of the sockstep repository. Clone it (put that address in " ..
    "place of ADDRESS) and go into it:\n\n" ..
    "```sh\ngit clone ADDRESS sockstep\ncd sockstep\n```\n\n" ..
    "If you were given the directory itself, just go into it.\n",
    "markdown").blocks
end

local function box(el)
  local title = el.attributes["title"] or ""
  if latex() then
    local blocks = { pandoc.RawBlock("latex", "\\begin{notebox}{" ..
      latex_escape(title):gsub("%-{}", "-") .. "}") }
    for _, b in ipairs(el.content) do
      blocks[#blocks + 1] = b
    end
    blocks[#blocks + 1] = pandoc.RawBlock("latex", "\\end{notebox}")
    return blocks
  end
  local content = { pandoc.Div({ pandoc.Plain({ pandoc.Str(title) }) },
    pandoc.Attr("", { "box-title" })) }
  for _, b in ipairs(el.content) do
    content[#content + 1] = b
  end
  return pandoc.Div(content, pandoc.Attr(el.identifier, { "box" }))
end

local function wrap_latex(el, env)
  local blocks = { pandoc.RawBlock("latex", "\\begin{" .. env .. "}") }
  for _, b in ipairs(el.content) do
    blocks[#blocks + 1] = b
  end
  blocks[#blocks + 1] = pandoc.RawBlock("latex", "\\end{" .. env .. "}")
  return blocks
end

------------------------------------------------------------------------
-- Inline code on paper
------------------------------------------------------------------------

-- A C prototype in running text ("int listen(int sockfd, int backlog);")
-- breaks only after a comma, never inside a type; a short command or
-- value (at most SHORT characters) never breaks at all, so that what the
-- reader copies is one line. Longer commands are display blocks
-- (check-code-blocks.lua says so).
local SHORT = 45
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

local function code_latex(el)
  local t = el.text:gsub("%s+", " ")
  if t:match("^[%a_][%w_ %*]*%(.*%);?$") and t:find(", ", 1, true) then
    local parts = {}
    for piece in (t .. ", "):gmatch("(.-), ") do
      parts[#parts + 1] = latex_escape(piece):gsub(" ", "\\nobreak\\ ")
    end
    -- After a comma: a line may end there, ragged (the stretch is taken
    -- back when it does not), since a line of typewriter type cannot
    -- stretch at all.
    return pandoc.RawInline("latex", "\\texttt{" .. table.concat(parts,
      ",\\hskip 0pt plus 8em\\penalty0\\hskip 0pt plus -8em\\ ") .. "}")
  end
  local text = latex_escape(t)
  if utf8.len(t) <= SHORT or (is_command(t) and utf8.len(t) <= LONGEST_COMMAND) then
    -- Kept whole: no line break at its spaces (preamble.tex lets the
    -- prose around it stretch instead).
    text = text:gsub(" ", "\\nobreak\\ ")
  else
    -- A long path or address may break after a "/", as a last resort.
    text = text:gsub("/", "/\\penalty9000{}")
  end
  return pandoc.RawInline("latex", "\\texttt{" .. text .. "}")
end

------------------------------------------------------------------------
-- Cross-references
------------------------------------------------------------------------

local function ref_words(t)
  if t.kind == "section" then
    return "section " .. t.number
  elseif t.kind == "chapter" then
    return "chapter " .. t.number
  elseif t.kind == "appendix" then
    return "appendix " .. t.number
  elseif t.kind == "transcript" then
    return "transcript " .. t.number
  elseif t.kind == "figure" then
    return "figure " .. t.number
  end
  return t.number
end

local function link(el)
  local id = el.target:match("^#(.+)$")
  if not id then
    return nil
  end
  local t = targets[id]
  if not t then
    fail('a link to "#' .. id .. '" (' .. pandoc.utils.stringify(el.content) ..
      '): no heading, transcript or figure has that id')
  end
  local empty = #el.content == 0
  local words = t.number and ref_words(t) or nil
  -- "lesson 05" needs no "(chapter 5)" after it.
  local text = pandoc.utils.stringify(el.content)
  if t.kind == "chapter" and t.number and
    text:lower():match("lesson%s+0*" .. t.number .. "$") then
    words = nil
  end
  if empty then
    el.content = { pandoc.Str(words or t.title) }
    words = nil
  end
  local out = { el }
  if latex() then
    local extra = {}
    if words then
      extra[#extra + 1] = words:gsub(" ", "~")
    end
    extra[#extra + 1] = "page~\\pageref{" .. id .. "}"
    out[#out + 1] = pandoc.RawInline("latex", "~(" .. table.concat(extra, ", ") .. ")")
  elseif words then
    out[#out + 1] = pandoc.Str("\u{00A0}(" .. words .. ")")
  end
  return out
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
  -- A table or a figure: the sentence that leads in to it stays with it.
  if b.t == "Table" or (b.t == "Para" and #b.content == 1 and b.content[1].t == "Image") then
    return true
  end
  return false
end

-- About how many lines a paragraph takes on paper (some 95 characters a
-- line in 11 pt on A4 or letter).
local function para_lines(b)
  return math.floor(utf8.len(pandoc.utils.stringify(b)) / 90) + 1
end

local function is_figure(b)
  return b ~= nil and b.t == "Para" and #b.content == 1 and b.content[1].t == "Image"
end

-- A paragraph that leads in to what follows: ends with ":".
local function is_lead_in(b)
  if not b or b.t ~= "Para" then
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

-- A label in bold alone in its paragraph ("**echo-client**") before a
-- table or a box names it, as a lead-in does.
local function is_label(b)
  return b ~= nil and b.t == "Para" and #b.content == 1 and b.content[1].t == "Strong"
end

local function paper_blocks(blocks)
  local out = pandoc.List()
  for i, b in ipairs(blocks) do
    local nxt = blocks[i + 1]
    local prev = blocks[i - 1]
    if b.t == "Header" and b.level == 1 then
      local num = b.attributes["number"]
      if b.attributes["first-appendix"] then
        out:insert(pandoc.RawBlock("latex", "\\appendix"))
      end
      if num and num:match("^%d+$") then
        out:insert(pandoc.RawBlock("latex", "\\setcounter{chapter}{" ..
          (tonumber(num) - 1) .. "}"))
      end
      out:insert(b)
      if not num then
        out:insert(pandoc.RawBlock("latex", "\\markboth{" ..
          pandoc.utils.stringify(b.content):gsub("[\\{}$&#^_%%~]", "") .. "}{}"))
      end
    elseif b.t == "Header" then
      -- A heading never ends a page: keep room for it and a few lines.
      local room = 7
      if is_box(nxt) then
        room = 12
        if nxt.t == "Table" then
          room = math.max(room, 2 + table_lines(nxt))
        end
      elseif is_lead_in(nxt) and is_box(blocks[i + 2]) then
        room = 8 + para_lines(nxt)
      end
      -- A heading, one paragraph and a short table: kept together.
      local third = blocks[i + 2]
      if nxt and nxt.t == "Para" and third and third.t == "Table" then
        room = math.max(room, 3 + para_lines(nxt) + table_lines(third))
      end
      -- A diagram right after the heading and its first paragraph cannot
      -- break: the heading goes where the diagram goes.
      if is_figure(nxt) or (nxt and nxt.t == "Para" and is_figure(blocks[i + 2])) then
        room = 30
      end
      out:insert(pandoc.RawBlock("latex", "\\Needspace{" .. room .. "\\baselineskip}"))
      out:insert(b)
    elseif (is_lead_in(b) or is_label(b)) and is_box(nxt) then
      -- "Then read until the server closes:" stays with its box: room for
      -- the whole paragraph and the first lines of the box (or the whole
      -- of a short table).
      local box_lines = nxt.t == "Table" and table_lines(nxt) or 5
      out:insert(pandoc.RawBlock("latex", "\\Needspace{" .. (para_lines(b) + box_lines) ..
        "\\baselineskip}"))
      out:insert(b)
      out:insert(pandoc.RawBlock("latex", "\\nopagebreak[4]"))
    elseif b.t == "Table" and not (prev and (prev.t == "Header" or
      ((is_lead_in(prev) or is_label(prev)) and is_box(b)))) then
      -- A short table on its own stays whole.
      out:insert(pandoc.RawBlock("latex", "\\Needspace{" .. table_lines(b) ..
        "\\baselineskip}"))
      out:insert(b)
    else
      out:insert(b)
    end
  end
  return out
end

------------------------------------------------------------------------
-- On screen: a way back to the contents from every section
------------------------------------------------------------------------

local function back_link()
  return pandoc.Div({ pandoc.Plain({ pandoc.Link({ pandoc.Str("\u{2191} contents") },
    "#TOC", "", pandoc.Attr("", {}, { ["aria-label"] = "back to the contents" })) }) },
    pandoc.Attr("", { "back" }))
end

local function screen_blocks(blocks)
  local out = pandoc.List()
  for _, b in ipairs(blocks) do
    out:insert(b)
    if b.t == "Header" and b.level <= 2 then
      out:insert(back_link())
    end
  end
  return out
end

------------------------------------------------------------------------

return {
  {
    Meta = function(meta)
      if meta["runs-dir"] then
        runs_dir = pandoc.utils.stringify(meta["runs-dir"])
      end
      if meta["diagram-dir"] then
        diagram_dir = pandoc.utils.stringify(meta["diagram-dir"])
      end
      if meta["repo-url"] then
        repo_url = pandoc.utils.stringify(meta["repo-url"])
      end
    end,
  },
  -- Pass 1, in document order: numbers, includes, transcripts, figures.
  {
    traverse = "topdown",
    Header = function(h)
      h = number_header(h)
      if h.level == 1 and chapter.first_appendix then
        h.attributes["first-appendix"] = "1"
      end
      return h
    end,
    CodeBlock = function(el)
      -- false: what replaces the block is not walked again (its C
      -- blocks are the included code).
      if el.attributes["include"] then
        return include_code(el), false
      end
      if el.attributes["lines"] or el.attributes["function"] then
        fail("lines= or function= without include=")
      end
      if el.attributes["run"] then
        return include_run(el), false
      end
      if is_c_block(el) then
        local first = el.text:match("^[^\n]*") or ""
        fail("a C code block without include= (no C is pasted into docs/; " ..
          "include it from lessons/): " .. first)
      end
      return nil
    end,
    Para = function(el)
      return figure(el)
    end,
    Div = function(el)
      if el.classes:includes("clone") then
        return clone_blocks(), false
      end
      return nil
    end,
  },
  -- Pass 2: links (their targets are all known now), boxes, paper and
  -- screen details.
  {
    Link = link,
    -- "10 000", "65 507": a number's groups of digits stay on one line.
    Inlines = function(inlines)
      for i = #inlines - 2, 1, -1 do
        local a, sp, b = inlines[i], inlines[i + 1], inlines[i + 2]
        if a.t == "Str" and sp.t == "Space" and b.t == "Str" and
          a.text:match("%d$") and b.text:match("^%d%d%d") and
          not b.text:match("^%d%d%d%d") then
          inlines[i] = pandoc.Str(a.text .. "\u{00A0}" .. b.text)
          inlines:remove(i + 2)
          inlines:remove(i + 1)
        end
      end
      return inlines
    end,
    Code = function(el)
      if latex() then
        return code_latex(el)
      end
      return nil
    end,
    Div = function(el)
      if el.classes:includes("box") then
        return box(el)
      end
      if latex() and el.classes:includes("small") then
        return wrap_latex(el, "smallgroup")
      end
      if latex() and el.classes:includes("keep") then
        return wrap_latex(el, "keepgroup")
      end
      return nil
    end,
  },
  {
    Pandoc = function(doc)
      if latex() then
        doc.blocks = paper_blocks(doc.blocks)
      elseif html() then
        doc.blocks = screen_blocks(doc.blocks)
      end
      -- The attribute was only for paper_blocks.
      for _, b in ipairs(doc.blocks) do
        if b.t == "Header" then
          b.attributes["first-appendix"] = nil
        end
      end
      return doc
    end,
  },
}
