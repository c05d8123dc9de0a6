--[[
filters/transcripts.lua - the transcripts of real runs in the handout:
```{.output run=NAME}``` blocks, from build/runs/NAME.txt (docs/runs.sh),
whole or an excerpt (from= and to=), numbered within their chapter; a
note of the narration shown once in the book is left out after that;
with keep-notes=, only the notes the text discusses are shown, a mark in
place of the others; and, for paper, each line is wrapped by the
narrator's own code (docs/filters/paper-wrap.c).
]]

local common = require("filters.common")
local numbers = require("filters.numbers")
local layout = require("filters.layout")
local fail, latex, read_lines, latex_escape = common.fail, common.latex,
  common.read_lines, common.latex_escape
local targets, add_target = numbers.targets, numbers.add_target

local M = {}

local shown = {}           -- shown[run name][line] = transcript label
local titled = {}          -- titled[title] = the label of the transcript that has it

-- Transcripts are made unwrapped (runs.sh sets SOCKSTEP_NOWRAP): each
-- note of the narration is one line. So the build can tell one note from
-- the next, and have each wrapped for paper as the narrator wraps it at 78
-- columns (paper-wrap.c).

-- "[child 123] " before a child's lines, and the rest of the line.
local function split_tag(line)
  local tag, rest = line:match("^(%[child %d+%] )(.*)$")
  if tag then
    return tag, rest
  end
  return "", line
end

-- What each line of a run is, by the narrator's own rules (lessons/common):
-- runs.sh captures the runs without colour (NO_COLOR), so the book tells
-- the lines apart by the shapes the narrator prints them in, and styles
-- them as its colours do in a terminal.
--   "call": a call line, "name(args) = ret" at column 0 (ss_call.h; a
--     signal handler's "[SIGCHLD handler] waitpid(...) = 3"), and a
--     "== title ==" line (heading()): bold, in a terminal and in the book;
--   "fail": a call line that failed ("= -1 ENAME (...)") and a loop's
--     "... N more times so far: ..." (ss_repeat.h): bold red in a
--     terminal; bold in the book, and red in the HTML and the EPUB;
--   "kernel": "    kernel: ..." (ss_proc.h) and "fault: ..."
--     (narrate's faults): cyan in a terminal, grey in the book;
--   "note": the narrator's notes and say(), four columns in (ss_wrap()'s
--     indent): plain, as in a terminal;
--   "out": the rest, what the program prints itself (its printf() lines,
--     which -DSOCKSTEP_PLAIN keeps): italic in the book;
--   "cmd": the command line ("$ ..."), "gap" ("[N lines left out]",
--     this filter's own) and "blank" (an empty line): plain.
local function line_kind(line)
  local _, rest = split_tag(line)
  if rest == "" then
    return "blank"
  end
  if rest:match("^%$ ") then
    return "cmd"
  end
  if rest:match("^    kernel: ") or rest:match("^fault: ") then
    return "kernel"
  end
  if rest:match("^    %S") then
    return "note"
  end
  if rest:match("^== .* ==$") then
    return "call"
  end
  local call = rest:gsub("^%[%u+ handler%] ", "")
  local ret = call:match("^[%a_][%w_]*%(.*%) = (%S.*)$")
  if ret then
    return ret:match("^%-1 E%u") and "fail" or "call"
  end
  if call:match("^[%a_][%w_]*%(.*%)$") then
    return "call"
  end
  if rest:match("^[%a_][%w_]*%(%) .-, [%w%-]+ more times? so far: ") or
      rest:match("^[%a_][%w_]*%(%) .-, [%w%-]+ more times? in all: ") then
    return "fail"
  end
  if rest:match("^%(and %d+ more calls in a signal handler") then
    return "note"
  end
  return "out"
end

-- A note a transcript may leave out once shown: a line of narration four
-- columns in (not a kernel line: what the kernel holds is never generic),
-- of six words or more. Its key ignores numbers (fds, ports, counts): "a
-- new socket: fd 4, ..." is the note "a new socket: fd 3, ..." again.
local NOTE_SHOWN = 1 -- a note is shown this many times in the book
local notes_seen = {} -- notes_seen[key] = {times}: shown how often

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
  -- An error's cause is the same note whether the lesson expected the
  -- error or not: shown once either way.
  text = text:gsub("^expected: the lesson set out to show this; the usual cause: ", "")
    :gsub("^likely cause: ", "")
  return (text:gsub("%d+", "#"))
end

-- A kernel line is never left out (what the kernel holds is never
-- generic), but its explanations are: each clause below is printed whole
-- KERNEL_WHY_SHOWN times in the book; later the line keeps only what the
-- kernel holds. Where a fact was read ("(from /proc/net/tcp)") is such a
-- clause too: once a reader has seen which file holds a kind of fact, the
-- line says the fact alone.
local KERNEL_WHY_SHOWN = 1
local KERNEL_WHY = {
  ": a TCP socket is listed there only once it listens or has a " ..
    "connection (bound is not enough), a UDP socket once it has an address",
  ", a record no descriptor owns; it lasts up to 60 s on Linux",
  ", closed by its program: no descriptor owns it, and the kernel " ..
    "finishes the goodbye alone",
  ", in a listening socket's queue, not accept()ed; its client has " ..
    "already closed its side",
  ", half-open: the SYN was answered, and no ACK of the client's has " ..
    "been taken yet: not in the accept queue",
  " (from /proc/net/tcp)",
  " (from /proc/net/tcp6)",
  " (from /proc/net/udp)",
  " (from /proc/net/unix)",
  " (from /proc/net/igmp)",
  " (from /proc/self/fd)",
}
local kernel_why_seen = {}

local function shorten_kernel_line(line)
  local _, rest = split_tag(line)
  if not rest:match("^    kernel: ") then
    return line
  end
  for i, why in ipairs(KERNEL_WHY) do
    local a, b = line:find(why, 1, true)
    if a then
      local times = kernel_why_seen[i] or 0
      kernel_why_seen[i] = times + 1
      if times >= KERNEL_WHY_SHOWN then
        line = line:sub(1, a - 1) .. line:sub(b + 1)
      end
    end
  end
  return line
end

-- The lines first..last of a run as the book shows them: a note shown
-- NOTE_SHOWN times already is left out, with no line in its place.
-- With all=true (notes="all") every note and every kernel line is shown
-- whole. With kept (keep-notes="PAT; PAT"), a note or kernel line that
-- matches none of the patterns is left out too, also with no line in
-- its place; a pattern PAT#N keeps only the first N lines it matches
-- (the first client's kernel line of three alike). Returns the lines.
local function drop_seen_notes(lines, first, last, all, skip, kept)
  local out = {}
  local function left_out(line)
    if not kept then
      return false
    end
    local kind = line_kind(line)
    if kind ~= "note" and kind ~= "kernel" then
      return false
    end
    for _, k in ipairs(kept) do
      if line:match(k.pat) and (not k.left or k.left > 0) then
        k.left = k.left and k.left - 1
        return false
      end
    end
    return true
  end
  for i = first, last do
    local key = note_key(lines[i])
    local gap = skip[i]
    local seen = key and notes_seen[key]
    if gap == true then
      -- inside a range left out: its line was printed at the range's start
    elseif gap then
      out[#out + 1] = { text = gap, kind = "gap" }
    elseif all then
      out[#out + 1] = { text = lines[i], kind = line_kind(lines[i]) }
    elseif (seen and seen.times >= NOTE_SHOWN) or left_out(lines[i]) then
      -- left out, no line in its place
    else
      if key then
        notes_seen[key] = seen or { times = 0 }
        notes_seen[key].times = notes_seen[key].times + 1
      end
      out[#out + 1] = { text = shorten_kernel_line(lines[i]),
        kind = line_kind(lines[i]) }
    end
  end
  return out
end

-- The narrator's own wrap, for paper: docs/filters/paper-wrap.c, built by
-- mk/handout.mk beside the runs' directory, prints the lines it is given
-- as the narrator prints them at 78 columns (lessons/common's
-- ss_wrap()); with --each, a line holding only a form feed after the
-- rows of each. Returns the rows of each line, in a list a line.
local function wrap_paper(lines, path)
  local tool = (common.settings.runs_dir:match("^(.*)/[^/]*$") or ".") ..
    "/paper-wrap"
  local ok, out = pcall(pandoc.pipe, tool, { "--each" },
    table.concat(lines, "\n") .. "\n")
  if not ok then
    fail(path .. ": " .. tool .. " could not wrap it for paper: " .. tostring(out))
  end
  local each = {}
  for block in out:gmatch("(.-)\f\n") do
    local rows = {}
    for row in block:gmatch("([^\n]*)\n") do
      rows[#rows + 1] = row
    end
    each[#each + 1] = rows
  end
  if #each ~= #lines then
    fail(path .. ": " .. tool .. " wrapped " .. #lines .. " lines as " .. #each)
  end
  return each
end

-- A shell command ("$ " and more than a row) is wrapped here instead,
-- for paper: at a space outside quotes, each row but the last ending
-- with " \\", the rest four columns in, so that a command copied from
-- the PDF runs as it stands (r141 found the manual's long commands
-- wrapped bare). nil when a word is too long for a row, or a quote is
-- left open: then the narrator's wrap stands.
local COMMAND_WIDTH = 76
local function wrap_command(text)
  local words, word, quote = {}, "", nil
  for c in text:gmatch(".") do
    if quote then
      word = word .. c
      if c == quote then
        quote = nil
      end
    elseif c == " " then
      words[#words + 1] = word
      word = ""
    else
      word = word .. c
      if c == "'" or c == '"' then
        quote = c
      end
    end
  end
  if quote then
    return nil
  end
  words[#words + 1] = word
  local rows, row = {}, words[1]
  for i = 2, #words do
    local w = words[i]
    if #row + 1 + #w + 2 <= COMMAND_WIDTH then
      row = row .. " " .. w
    else
      rows[#rows + 1] = row .. " \\"
      row = "    " .. w
    end
  end
  rows[#rows + 1] = row
  for _, r in ipairs(rows) do
    if #r > COMMAND_WIDTH + 2 then
      return nil
    end
  end
  return rows
end

-- The macro each kind of line is set in on paper (docs/preamble.tex).
local PAPER_STYLE = {
  call = "\\SSTcall", fail = "\\SSTfail", kernel = "\\SSTkernel",
  out = "\\SSTout",
}

function M.include_run(el)
  local name = el.attributes["run"]
  local path = common.settings.runs_dir .. "/" .. name .. ".txt"
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
  -- shorten="PATTERN": a long line that matches (a program's echo of a
  -- datagram of 2000 bytes) keeps its head, up to its first colon (or
  -- its words in its first 40 characters), and its words in its last
  -- 15, and says how many characters it left out between them (the two
  -- spaces around them kept): one printed line, not eight.
  local shortened = false
  if el.attributes["shorten"] then
    for i, line in ipairs(lines) do
      if line:match(el.attributes["shorten"]) and #line > 100 then
        local head = line:sub(1, 60):match("^(.-:) ") or
          line:sub(1, 40):match("^(.*%S) ") or line:sub(1, 40)
        local tail = line:sub(-15):match("^%S* (.*)$") or line:sub(-15)
        lines[i] = head .. " [" .. (#line - #head - #tail - 2) ..
          " characters left out] " .. tail
        shortened = true
      end
    end
    if not shortened then
      fail('run="' .. name .. '": shorten="' .. el.attributes["shorten"] ..
        '" matches no line over 100 characters')
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
  if shortened and not title:match("%(excerpt%)$") then
    title = title .. " (excerpt)"
  end

  -- skip="FROM..TO; FROM..TO": ranges inside the excerpt that the text
  -- does not discuss. Each runs from the first line at or after the last
  -- range that matches FROM (FROM#2: the second such line) to the first later line that matches TO, with
  -- TO's notes, and is printed as one line, "[N lines left out]" (a
  -- child's tag kept when all its lines have it).
  local skip = {}
  local spec = el.attributes["skip"]
  if spec then
    local at = first
    for range in spec:gmatch("[^;]+") do
      local a_pat, b_pat = range:match("^%s*(.-)%.%.(.-)%s*$")
      if not a_pat then
        fail('run="' .. name .. '": skip="' .. range .. '" is not FROM..TO')
      end
      local nth = 1
      local pat, n = a_pat:match("^(.*)#(%d+)$")
      if pat then
        a_pat, nth = pat, tonumber(n)
      end
      local a, b
      for i = at, last do
        if not a and lines[i]:match(a_pat) then
          nth = nth - 1
          a = nth == 0 and i or nil
        elseif a and lines[i]:match(b_pat) then
          b = i
          break
        end
      end
      if not a or not b then
        fail('run="' .. name .. '": skip="' .. range .. '" matches no lines ' ..
          first .. " to " .. last .. " of " .. path)
      end
      local b_tag = split_tag(lines[b])
      while b < last do
        local t, r = split_tag(lines[b + 1])
        if t ~= b_tag or not r:match("^%s+%S") then
          break
        end
        b = b + 1
      end
      local tag = split_tag(lines[a])
      for i = a, b do
        if split_tag(lines[i]) ~= tag then
          tag = ""
        end
        skip[i] = true
      end
      skip[a] = tag .. "[" .. (b - a + 1) .. " lines left out]"
      at = b + 1
    end
  end

  -- The label: "6.2" in a numbered chapter; none in front matter, nor
  -- in a section only the screen prints.
  local chapter = numbers.chapter()
  if not chapter then
    fail('run="' .. name .. '" before the first chapter')
  end
  local label = nil
  if chapter.number and not numbers.in_screen_only() then
    chapter.runs = chapter.runs + 1
    label = chapter.number .. "." .. chapter.runs
  end
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
  -- A title says what its run shows: two alike say nothing of either.
  if label then
    if titled[title] then
      fail('run="' .. name .. '": transcript ' .. label .. ' has the title of transcript ' ..
        titled[title] .. ' ("' .. title .. '"): say what this run shows (title=)')
    end
    titled[title] = label
  end

  -- Each line of a run is shown once.
  shown[name] = shown[name] or {}
  for i = first, last do
    local before = not skip[i] and shown[name][i]
    if before then
      fail('run="' .. name .. '": line ' .. i .. ' ("' .. lines[i]:sub(1, 40) ..
        '") is shown already, in ' .. before .. ": refer to it with [](#" ..
        before:match("#(.*)") .. ")")
    end
  end
  for i = first, last do
    if skip[i] then
      goto continue
    end
    shown[name][i] = (label and ("transcript " .. label) or "a transcript") ..
      " #" .. id
    ::continue::
  end

  -- keep-notes="PAT; PAT": the notes the text discusses, the only ones
  -- shown.
  local kept
  if el.attributes["keep-notes"] then
    kept = {}
    for pat in el.attributes["keep-notes"]:gmatch("[^;]+") do
      pat = pat:match("^%s*(.-)%s*$")
      local only = nil
      local p, n = pat:match("^(.*)#(%d+)$")
      if p then
        pat, only = p, tonumber(n)
      end
      local hit = false
      for i = first, last do
        local kind = line_kind(lines[i])
        if (kind == "note" or kind == "kernel") and lines[i]:match(pat) then
          hit = true
          break
        end
      end
      if not hit then
        fail('run="' .. name .. '": keep-notes="' .. pat .. '" matches no note ' ..
          "of lines " .. first .. " to " .. last .. " of " .. path)
      end
      kept[#kept + 1] = { pat = pat, left = only }
    end
  end
  -- The title says nothing of the notes left out: "(6 notes cut)" read
  -- as the build's bookkeeping, not as a title. Lesson 01 says once, where
  -- it explains the transcripts, that the book leaves notes out.
  local shown_lines = drop_seen_notes(lines, first, last,
    el.attributes["notes"] == "all", skip, kept)
  local heading = label and ("Transcript " .. label .. ": " .. title) or title

  if latex() then
    -- A page may break between two lines of the run, and inside one
    -- that wraps only when it has more than five rows, and where neither
    -- part is a single row; never after
    -- its first rows or before its last (layout.TRANSCRIPT_HEAD and
    -- TRANSCRIPT_TAIL, empty rows aside), nor after a "== title =="
    -- line (heading()), which stays with the line it introduces, nor
    -- between a call and the note or kernel line under it (a reader
    -- found recv()'s CLOSE_WAIT overleaf from the recv()), nor after a
    -- "[N lines left out]" mark, which says what comes next (a reader
    -- found one alone at a page's foot)
    -- (\SSkeep, preamble.tex, at the end of a row no break may come
    -- before). A short transcript of class "unbroken" never breaks: its
    -- point is the step from its first lines to its last (lesson 07's
    -- restart: the refused bind(), then the same bind() that succeeds).
    local unbroken = el.classes:includes("unbroken")
    local rows, keep, kinds, texts, child = {}, {}, {}, {}, {}
    for _, l in ipairs(shown_lines) do
      texts[#texts + 1] = l.text
    end
    local function is_title(n)
      local _, rest = split_tag(shown_lines[n].text)
      return rest:match("^== .* ==$") ~= nil
    end
    local function under_call(n)
      local kind, above = shown_lines[n].kind, shown_lines[n - 1].kind
      return (kind == "note" or kind == "kernel") and
        (above == "call" or above == "fail")
    end
    local wrapped = wrap_paper(texts, path)
    for n, these in ipairs(wrapped) do
      if #these > 1 and texts[n]:match("^%$ ") then
        wrapped[n] = wrap_command(texts[n]) or these
      end
    end
    -- A call and all its notes and kernel lines, when they take at most
    -- CALL_GROUP rows, are one piece: a reader found epoll_wait()'s
    -- "ready:" at a page's foot and what it means overleaf.
    local CALL_GROUP = 12
    local in_group = {}
    local n = 1
    while n <= #wrapped do
      local e = n
      if shown_lines[n].kind == "call" or shown_lines[n].kind == "fail" then
        local size = #wrapped[n]
        while e < #wrapped and (shown_lines[e + 1].kind == "note" or
            shown_lines[e + 1].kind == "kernel") do
          e = e + 1
          size = size + #wrapped[e]
        end
        if e > n and size <= CALL_GROUP then
          for m = n + 1, e do
            in_group[m] = true
          end
        end
      end
      n = e + 1
    end
    for n, these in ipairs(wrapped) do
      for k, row in ipairs(these) do
        rows[#rows + 1] = row
        -- (a line of up to five rows, a note as a rule, is never cut:
        -- a sentence split across two pages reads as two)
        keep[#rows] = (unbroken and #rows > 1) or (k > 1 and #these <= 5) or k == 2 or
          (k > 1 and k == #these) or (in_group[n] == true) or
          (k == 1 and n > 1 and (is_title(n - 1) or under_call(n) or
            shown_lines[n - 1].kind == "gap"))
        kinds[#rows] = shown_lines[n].kind
        child[#rows] = split_tag(shown_lines[n].text) ~= ""
      end
    end
    -- (the first and last rows that are not empty)
    local full = {}
    for j, row in ipairs(rows) do
      if row:match("%S") then
        full[#full + 1] = j
      end
    end
    -- (the last of the first rows, the first of the last rows)
    local head = full[math.min(#full, layout.TRANSCRIPT_HEAD)]
    local tail = full[math.max(1, #full - layout.TRANSCRIPT_TAIL + 1)]
    local out = {}
    for j, row in ipairs(rows) do
      local t = row:gsub("[\\{}]", { ["\\"] = "\\textbackslash{}",
        ["{"] = "\\{", ["}"] = "\\}" })
      -- Each row in its line's style (preamble.tex: \SSTcall ...); the
      -- spaces that lead a row stay outside, so a style starts at its text.
      local macro = PAPER_STYLE[kinds[j]]
      if macro and t:match("%S") then
        local lead, text = t:match("^( *)(.*)$")
        t = lead .. macro .. "{" .. text .. "}"
      end
      -- A child's row (its line has a "[child N] " tag) is shaded
      -- (\SSchild, preamble.tex), so that the parent's and the children's
      -- lines stand apart where they interleave.
      if child[j] then
        t = "\\SSchild{}" .. t
      end
      if (head and #full > 1 and j > 1 and j <= head) or
          (tail and j >= tail) or keep[j] then
        t = t .. "\\SSkeep{}"
      end
      out[#out + 1] = t
    end
    -- "(excerpt)" never wraps onto a line of its own: a tie to the word
    -- before it.
    local caption = latex_escape(heading):gsub(" %(excerpt%)$", "~(excerpt)")
    return pandoc.RawBlock("latex",
      "\\begin{terminal}{" .. caption .. "}\\phantomsection\\label{" ..
      id .. "}\\hypertarget{" .. id .. "}{}%\n" ..
      (unbroken and "%unbroken (layout.lua keeps room for all of it)\n" or "") ..
      "\\begin{Verbatim}[commandchars=\\\\\\{\\},breaklines,breakanywhere," ..
      "fontsize=\\small]\n" ..
      table.concat(out, "\n") .. "\n\\end{Verbatim}\n\\end{terminal}")
  end
  -- On screen each line is its own block, so that a line too long for a
  -- phone wraps with a hanging indent under its own first character
  -- (handout.css), and copying still gives the lines as they were.
  local function esc(t)
    return (t:gsub("[&<>\"]", { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;",
      ['"'] = "&quot;" }))
  end
  local out = {}
  for _, l in ipairs(shown_lines) do
    local tag, rest = split_tag(l.text)
    local lead = #tag + #rest:match("^ *")
    local body = layout.nobr_options(esc(tag .. rest:sub(#rest:match("^ *") + 1)))
    -- (a child's line, tagged "[child N] ", is shaded: handout.css)
    out[#out + 1] = '<span class="tl ' .. l.kind .. (tag ~= "" and " child" or "") ..
      '" style="padding-left: ' .. (lead + 2) ..
      'ch">' .. body .. "\n</span>"
  end
  return pandoc.RawBlock("html",
    '<div id="' .. esc(id) .. '" class="terminal' ..
    (el.attributes["notes"] == "all" and " all-notes" or "") .. '">\n<div class="terminal-title">' ..
    layout.nobr_html(heading) .. '</div>\n<pre class="output"><code>' .. table.concat(out) ..
    "</code></pre>\n</div>")
end

return M
