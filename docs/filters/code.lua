--[[
filters/code.lua - the lesson code and the Python versions in the
handout: ```{.c include=PATH}``` blocks (whole files with their own line
numbers, the boilerplate of a whole lesson file marked as left out,
lines= and function= parts, contains= checks, {.whole} and {.folded}),
and the refusal of C pasted into docs/. The syntax is described at the
top of docs/include.lua.
]]

local common = require("filters.common")
local fail, latex, read_lines, latex_escape = common.fail, common.latex,
  common.read_lines, common.latex_escape

-- Shared with the other filter: docs/listing.lua.
local listing = dofile(common.dir .. "listing.lua")
local numbers = require("filters.numbers")

local M = {}

local C_CLASSES = { c = true, C = true, h = true, cpp = true, ["c++"] = true }

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

-- What a caption says of its listing beyond its lines, each thing the
-- first time only: that it is the whole file, what its grey lines are,
-- what its lines in italics are. docs/plain.md says each rule once,
-- where the reader meets the book's first listings; after that a
-- caption is its file and lines: "lines 85-110 of 207" a part, "lines
-- 1-140", with no "of", the whole file (readers found the same
-- parenthesis under nine listings a cost). Called once a listing, in
-- document order.
local said = {}
local function caption_notes(first, last, total, whole, grey, referred, narr)
  local notes = {}
  if not whole and first == 1 and last == total and not said.whole then
    said.whole = true
    notes[#notes + 1] = "the whole file"
  end
  -- A plain program with lines printed before (seen_lines), or on paper
  -- named with their page and not printed: the line in italics that
  -- names them, ": lines 56-60 (..., page 8) not shown", is all there is
  -- of them in italics (a reader looked for lines set in italics, and
  -- found only comments).
  local g, r = grey and not said.grey, referred and not said.referred
  if g and r then
    notes[#notes + 1] =
      "grey, or named in italics and not printed: as in an earlier program"
  elseif r then
    notes[#notes + 1] = "in italics: a part as in an earlier program, not printed"
  elseif g then
    notes[#notes + 1] = "grey: as in an earlier program"
  end
  said.grey = said.grey or grey
  said.referred = said.referred or referred
  -- A lesson program's lines that only narrate are grey too.
  if narr and not said.narr then
    said.narr = true
    notes[#notes + 1] = "grey: narration and options"
  end
  return notes
end

-- The caption above a listing: "lessons/04-accept/accept.c, lines 1-140"
-- (the whole file) or "..., lines 85-110 of 207", and the NOTES of
-- caption_notes.
-- NEED: the baselines the caption keeps room for below it; a number, or
-- "WHOLE/PART" for a short listing kept whole when it fits (\listingcaption).
local function listing_caption(path, first, last, total, whole, need, id,
                                back, notes)
  local where = range_text(first, last)
  if whole and latex() then
    where = total .. " lines (the whole file is in the repository)"
  elseif whole then
    where = total .. " lines (the whole file is under the listing)"
  elseif not (first == 1 and last == total) then
    where = where .. " of " .. total
  end
  -- A part that comes before the one shown just above it in the file
  -- says so: the reader is sent back up the program.
  if back then
    where = where .. ", earlier in the file than the part above"
  end
  if #notes > 0 then
    local said_here = table.concat(notes, "; ")
    if where:match("%)$") then
      where = where:gsub("%)$", function() return "; " .. said_here .. ")" end)
    else
      where = where .. " (" .. said_here .. ")"
    end
  end
  local inlines = { pandoc.Code(path), pandoc.Str(","), pandoc.Space() }
  for _, w in ipairs(words(where)) do
    inlines[#inlines + 1] = w
  end
  if latex() then
    -- A listing with an id is a link's target: its page is the caption's,
    -- and so is the anchor a link (\hyperlink) leads to, both set after
    -- the room the caption asks for (a page break comes before it).
    table.insert(inlines, 1, pandoc.RawInline("latex", "\\listingcaption[" ..
      (need or 6) .. "]{" .. ((id and id ~= "") and
        ("\\phantomsection\\label{" .. id .. "}\\hypertarget{" .. id .. "}{}") or "")))
    inlines[#inlines + 1] = pandoc.RawInline("latex", "}")
    return pandoc.Plain(inlines)
  end
  return pandoc.Div({ pandoc.Plain(inlines) }, pandoc.Attr("", { "listing-caption" }))
end

-- The parts of each file shown so far, in document order: shown_parts[path]
-- = { {first, last} ... }.
local shown_parts = {}

-- The parts of each file that a lines= listing shows anywhere in the
-- book, gathered before the listings are made (M.gather_parts): a Part II
-- chapter may show a file's lines out of order, and a mark of lines left
-- out must not name lines that a later listing shows ("lines 1-338 not
-- shown" above lines 339-346, then lines 128-158 further on).
local all_parts = {}

-- The visible mark of lines left out of a listing.
local function omission(first, last, what)
  local said = range_text(first, last) .. (what and (" (" .. what .. ")") or "") ..
    " not shown"
  local text = "\u{22EE} " .. said
  if latex() then
    local tex = latex_escape(said):gsub("\u{2013}", "--")
    return pandoc.RawBlock("latex", "\\listingomission{" .. tex .. "}")
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

-- A part named by its numbers (lines="A-B") is pinned to its text too:
-- sha1="..." holds the first 8 hex digits of the SHA-1 of its lines
-- (joined by newlines). contains= catches a part that no longer holds
-- what the text is about; a line added or removed above the part shifts
-- it by a line, which contains= may not see: the pin does. When the
-- lines moved, the build says where they are now; when they changed, it
-- gives the new pin, to set once the text about them has been read
-- again.
local function check_pin(el, path, lines, first, last)
  local problem = listing.pin_problem(lines, first, last, el.attributes["sha1"])
  if problem then
    fail('include="' .. path .. '" lines="' .. el.attributes["lines"] .. '": ' ..
      problem)
  end
end

-- A chapter's core (from lessons/plain/) of at most this many lines, in
-- one piece, stays on one page, unless that would leave much of a page
-- blank (preamble.tex: \ssneedwhole).
local SHORT_LISTING = 20

-- A whole plain program of at most this many lines always stays on one
-- page: a program that short is read at one glance (lesson 01's).
local SHORT_PROGRAM = 32

-- A function of at most this many lines, its head to its closing brace,
-- never breaks across pages (keep_before).
local SHORT_FUNCTION = 16

-- An excerpt of at most this many lines, in one piece, always stays on
-- one page: split 7/6 over a page break, 13 lines of sendmsg() were
-- read as two.
local SHORT_EXCERPT = 15

-- A line that declares variables: a type (a C type word, or struct X)
-- and a name, ending with ";" (a function's prototype aside).
local DECL_TYPES = { int = true, char = true, long = true, short = true,
  unsigned = true, double = true, float = true, size_t = true,
  ssize_t = true, socklen_t = true, pid_t = true, const = true,
  struct = true, uint8_t = true, uint16_t = true, uint32_t = true,
  uint64_t = true }
local function is_declaration(line)
  local word = line:match("^%s+([%a_][%w_]*)%s")
  return word ~= nil and DECL_TYPES[word] == true and line:match(";%s*$") ~= nil and
    not line:match("^%s+[%a_][%w_ %*]-[%a_][%w_]*%(")
end

-- A page break in a listing leaves at least this many lines of it on
-- each page: a file's head (its comment and #includes) alone at the
-- foot of a page, or its last few lines alone at the top of the next,
-- reads badly. A shorter listing keeps a third of its lines each side
-- (three at least): held whole, a 20-line excerpt would move to the
-- next page and leave a fifth of this one blank.
local MIN_SIDE = 12

-- A line's code, its strings, characters and comments on that line
-- emptied (what the braces and the names of a line are read from).
local function bare(l)
  return (l:gsub('\\.', ""):gsub('"[^"]*"', '""'):gsub("'[^']*'", "''")
    :gsub("/%*.-%*/", ""):gsub("//.*$", ""):gsub("/%*.*$", ""))
end

-- (at most this many one-line calls of one function in a row are kept
-- on one page: a longer run may break)
local SAME_CALL_RUN = 6

-- On paper a listing may break across pages only where a reader can
-- pick it up again: not inside a comment, nor in the middle of a
-- statement, nor between a comment and the code under it, nor between
-- a function's head and its opening brace, nor between two of a
-- block's declarations, nor before a block's last
-- statement or its closing brace, nor between a condition and its
-- body, nor inside a run of up to SAME_CALL_RUN one-line calls to one
-- function, nor within MIN_SIDE lines of its start or end. keep[j] is true
-- when no page break may come before line j of LINES (preamble.tex:
-- \SSkeep at the end of that line).
local function keep_before(lines)
  local keep, in_comment = {}, false
  local full = {}
  for j, l in ipairs(lines) do
    if l:match("%S") then
      full[#full + 1] = j
    end
  end
  local side = math.min(MIN_SIDE, math.max(3, #full // 3))
  -- The body of an if, for or while whose condition takes more than one
  -- line stays with the condition's last line: body_next[j] is true
  -- when line j follows the ")" that ends such a condition.
  local body_next, depth, in_cond = {}, 0, false
  for j, l in ipairs(lines) do
    local code = l:gsub('"[^"]*"', '""'):gsub("'[^']*'", "''")
      :gsub("/%*.-%*/", ""):gsub("//.*$", "")
    if not in_cond and (code:match("^%s*}?%s*else%s+if%s*%(") or
        code:match("^%s*if%s*%(") or code:match("^%s*for%s*%(") or
        code:match("^%s*while%s*%(")) then
      in_cond, depth = true, 0
    end
    if in_cond then
      for ch in code:gmatch("[()]") do
        depth = depth + (ch == "(" and 1 or -1)
      end
      if depth <= 0 then
        in_cond = false
        if code:match("%)%s*$") then
          body_next[j + 1] = true
        end
      end
    end
  end
  -- short_fn[j]: line j is inside a function of at most SHORT_FUNCTION
  -- lines, after its head (a line at the margin that opens it with "(")
  -- and up to its closing "}" at the margin.
  local short_fn = {}
  for j, l in ipairs(lines) do
    if l:match("^[%a_][%w_ %*]*%(") and not l:match(";%s*$") then
      local e = j + 1
      while lines[e] and not lines[e]:match("^}") do
        e = e + 1
      end
      if lines[e] and e - j + 1 <= SHORT_FUNCTION then
        for k = j + 1, e do
          short_fn[k] = true
        end
      end
    end
  end
  -- same_call[j]: lines j - 1 and j are one-line statements that call
  -- the same function at the same indent, in a run of at most
  -- SAME_CALL_RUN such lines (record.c's four memcpy() calls: a reader
  -- found the reply's read broken between its second and third).
  local same_call = {}
  local function one_call(l)
    local ind, name = (l or ""):match("^(%s*)([%a_][%w_]*)%(")
    if ind and name ~= "if" and name ~= "for" and name ~= "while" and
      name ~= "switch" and name ~= "return" and bare(l):match(";%s*$") then
      return ind .. name
    end
  end
  local j = 1
  while j <= #lines do
    local key, e = one_call(lines[j]), j
    while key and one_call(lines[e + 1]) == key do
      e = e + 1
    end
    if e > j and e - j + 1 <= SAME_CALL_RUN then
      for k = j + 1, e do
        same_call[k] = true
      end
    end
    j = e + 1
  end
  for j, cur in ipairs(lines) do
    local prev = lines[j - 1]
    if same_call[j] then
      keep[j] = true
    end
    if prev and not same_call[j] then
      local p = prev:gsub("%s*//.*$", ""):gsub("%s+$", "")
      local c = cur:match("^%s*(.-)%s*$")
      local p_is_comment = p:match("%*/$") or p:match("^%s*//")
      keep[j] = in_comment or
        (p:match("[%(,=+%-%*/?:{&|\\]$") and not p:match("%*/$")) or
        p:match("^%s*[%a_]*%s*if%s*%(.*%)$") or p:match("^%s*for%s*%(.*%)$") or
        p:match("^%s*while%s*%(.*%)$") or p:match("^%s*else$") or
        (p_is_comment and c ~= "") or
        (p:match("^#") and c:match("^#")) or
        c:match("^}") or c == "{" or c:match("^\"") or c:match("^&&") or
        c:match("^||") or
        c:match("^%?") or c:match("^:") or c == "*/" or c:match("^else") or
        -- the last statement of a block stays with the one before it
        (c ~= "" and lines[j + 1] and lines[j + 1]:match("^%s*}")) or
        -- a block's declarations stay together
        (is_declaration(prev) and is_declaration(cur)) or
        body_next[j] == true or
        -- nor after a block's first line: a loop's head and one line of
        -- its body alone at a page's foot read as a loop of one line
        (j > 2 and lines[j - 2]:gsub("%s*//.*$", ""):match("{%s*$") ~= nil
          and not lines[j - 2]:match("^%s*[%w_ ]+=%s*{") and c ~= "")
    end
    -- Nor where the code falls back two levels or more with no closing
    -- brace to show it: after "for (...)", "if (...)", "fail(...);", a
    -- page that opens with the next statement leaves a reader unsure
    -- whether it is in the loop (record.c's send loop, r150).
    if prev and cur:match("%S") and not cur:match("^%s*}") and
      not prev:match("}%s*$") and
      #prev:match("^%s*") - #cur:match("^%s*") >= 8 then
      keep[j] = true
    end
    -- Nor inside a short function (SHORT_FUNCTION lines or fewer, its
    -- head to its closing brace): send_all() broken after its
    -- declaration, its loop on the next page, was read by four readers
    -- as a defect.
    if short_fn[j] then
      keep[j] = true
    end
    -- Nor where it would leave fewer than SIDE lines (empty lines
    -- aside) on either side.
    if j > 1 and (j <= (full[side] or #lines) or
        j >= (full[#full - side + 1] or 1)) then
      keep[j] = true
    end
    -- Still inside a /* comment at the end of this line?
    local rest = cur
    while true do
      if in_comment then
        local e = rest:find("*/", 1, true)
        if not e then break end
        in_comment, rest = false, rest:sub(e + 2)
      else
        local s = rest:find("/*", 1, true)
        if not s then break end
        in_comment, rest = true, rest:sub(s + 2)
      end
    end
  end
  return keep
end

-- The line that stands, in a chunk of a whole plain program on paper,
-- for a part printed before (paper_listing sets its words in its place).
local NAMED_LINE = "ss_named_part;"

-- Does line J check the result of a call the statement before it
-- makes? "fd = socket(...);" then "if (fd == -1)", or "if ((n =
-- poll(...)) == 0) break;" then "if (n == -1 ...)": the statement
-- (on one line or more, an if's one-line body with it) assigns a call's
-- result to a name, and line J's if or while reads that name. A
-- reader who meets the check at the top of a page has lost the call it
-- checks.
-- (A check of a check counts: "k = recv(...);", "if (k == -1 && errno
-- == EINTR) continue;", "if (k <= 0) {". The name checked, or nil.)
local function checks_call(lines, j, hops)
  local cur = bare(lines[j] or "")
  if not (cur:match("^%s*}?%s*else%s+if%s*%(") or cur:match("^%s*if%s*%(") or
      cur:match("^%s*while%s*%(")) then
    return nil
  end
  -- (an empty line between them keeps them no less together)
  local k = j - 1
  if k > 1 and lines[k]:match("^%s*$") then
    k = k - 1
  end
  if k < 1 or not bare(lines[k]):match(";%s*$") then
    return nil
  end
  local last = k
  -- (back to the statement's first line: the lines before it that end
  -- in neither ";", "{" nor "}" continue it)
  while k > 1 and last - k < 5 do
    local b = bare(lines[k - 1]):gsub("%s+$", "")
    if b == "" or b:match("[;{}]$") or b:match("^%s*#") then
      break
    end
    k = k - 1
  end
  local stmt = {}
  for x = k, last do
    stmt[#stmt + 1] = bare(lines[x])
  end
  stmt = " " .. table.concat(stmt, " ")
  -- (what line J's condition reads itself, not as a call's argument:
  -- "n <= 0" in "if (n <= 0)", not n in "if (send(conn, buf, n, 0)")
  local cond = cur:match("%b()")
  cond = cond and cond:sub(2, -2):gsub("%b()", " ") or ""
  local function reads(name)
    return cond:find("%f[%w_]" .. name:gsub("[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0") ..
      "%f[^%w_]") ~= nil
  end
  -- each "NAME = ...call(": not ==, !=, <=, >=
  for name, rhs in stmt:gmatch("[^%w_%.>%-]([%a_][%w_%.%[%]]*)%s*[%+%-]?=([^=][^;]*)") do
    if rhs:match("[%a_][%w_]*%s*%(") and reads(name) then
      return name
    end
  end
  local before = (hops or 0) < 3 and checks_call(lines, k, (hops or 0) + 1)
  if before and reads(before) then
    return before
  end
  return nil
end

-- The brace depth at the start of each line (0 outside any function).
local function depths(lines)
  local out, depth, in_comment = {}, 0, false
  for j, l in ipairs(lines) do
    out[j] = depth
    local code = l:gsub('\\.', ""):gsub('"[^"]*"', '""'):gsub("'[^']*'", "''")
    local rest, kept = code, {}
    while rest ~= "" do
      if in_comment then
        local e = rest:find("*/", 1, true)
        if not e then rest = "" else in_comment, rest = false, rest:sub(e + 2) end
      else
        local s, c = rest:find("/*", 1, true), rest:find("//", 1, true)
        if c and (not s or c < s) then
          kept[#kept + 1] = rest:sub(1, c - 1)
          rest = ""
        elseif s then
          kept[#kept + 1] = rest:sub(1, s - 1)
          in_comment, rest = true, rest:sub(s + 2)
        else
          kept[#kept + 1] = rest
          rest = ""
        end
      end
    end
    for ch in table.concat(kept):gmatch("[{}]") do
      depth = depth + (ch == "{" and 1 or -1)
    end
  end
  return out
end

-- A C listing longer than SHORT_EXCERPT lines breaks where a reader
-- picks it up again: after an empty line (or a line that names a part
-- printed before: a function's edge). Where two such places are more
-- than BREAK_GAP lines apart, a page may also break between two
-- statements of a function's body, and only where that still leaves
-- more than BREAK_GAP lines, inside a loop's or an if's block, one
-- level deeper at a time. Split between its socket() and its -1 check,
-- or inside a loop, a listing was read as two (a reader's report). 24
-- keeps the 22 lines of a for loop (gai-echo.c's, once) together.
local BREAK_GAP = 24

-- A block of at most SMALL_BLOCK lines, braces counted, inside a
-- function's body (an if's, a loop's) never breaks: split after its
-- close() and before the lines that forget the client, a reader read
-- one if-block as two (a reader's report, select-chat.c).
local SMALL_BLOCK = 12

-- For each line j inside a block within a function's body (depth 2 or
-- more), how many lines its innermost block has, from the line that
-- opens it to the line that closes it.
local function block_sizes(depth)
  local out = {}
  for j = 1, #depth do
    local d = depth[j]
    if d >= 2 then
      local s, e = j, j
      while s > 1 and depth[s] >= d do
        s = s - 1
      end
      while depth[e + 1] and depth[e + 1] >= d do
        e = e + 1
      end
      out[j] = e - s + 1
    end
  end
  return out
end

-- A struct being filled in, its memset() and its fields ("hints.ai_family
-- = ..."), reads as one step: a page broke between memset(&hints, ...)
-- and the fields (a reader's report, http-get.c).
local function fills_same(prev, cur)
  local name = bare(cur):match("^%s*([%a_][%w_]*)%.[%w_]+%s*=[^=]")
  if not name then
    return false
  end
  local p = bare(prev)
  return p:match("^%s*memset%(%s*&" .. name .. "%s*,") ~= nil or
    p:match("^%s*" .. name .. "%.[%w_]+%s*=[^=]") ~= nil
end

-- keep_before, and a page may break after a line that names a part
-- printed before: at a function's edge, where a reader picks the
-- program up again (a long program's head, the comment, the #includes
-- and fail()'s line, need not carry main()'s declarations with it).
-- C (a lesson's listing): never between a call and its check, and
-- where keep_before allows a break, only as BREAK_GAP says.
local function keep_listing(lines, c)
  local keep = keep_before(lines)
  for j, l in ipairs(lines) do
    if l == NAMED_LINE and lines[j + 1] then
      keep[j + 1] = false
    end
  end
  if not c then
    return keep
  end
  for j = 2, #lines do
    if checks_call(lines, j) then
      keep[j] = true
      if lines[j - 1]:match("^%s*$") then
        keep[j - 1] = true
      end
    end
    if fills_same(lines[j - 1], lines[j]) then
      keep[j] = true
    end
  end
  local depth, tier, top = depths(lines), {}, 0
  local allowed, size = {}, block_sizes(depth)
  for j = 2, #lines do
    if not keep[j] then
      if lines[j - 1]:match("^%s*$") or lines[j - 1] == NAMED_LINE then
        allowed[j] = true
      elseif not (size[j] and size[j] <= SMALL_BLOCK) then
        tier[j] = math.max(1, depth[j])
        top = math.max(top, tier[j])
      end
    end
  end
  for t = 1, top do
    local fences = { 1 }
    for j = 2, #lines do
      if allowed[j] then
        fences[#fences + 1] = j
      end
    end
    fences[#fences + 1] = #lines + 1
    for f = 2, #fences do
      if fences[f] - fences[f - 1] > BREAK_GAP then
        for j = fences[f - 1] + 1, fences[f] - 1 do
          if tier[j] == t then
            allowed[j] = true
          end
        end
      end
    end
  end
  for j = 2, #lines do
    if not allowed[j] then
      keep[j] = true
    end
  end
  return keep
end

-- The whole plain programs printed so far (lessons/plain/, {.whole}), in
-- document order: each a list of its lines.
local printed_plain = {}

-- A line that says something: not blank, nor a brace alone.
local function says_something(line)
  local t = line:match("^%s*(.-)%s*$")
  return t ~= "" and t ~= "{" and t ~= "}"
end

-- The lines of a whole plain program that one printed before already
-- has: each run of lines the same, line for line, as consecutive lines
-- of an earlier program, with at least SEEN_RUN lines that say something
-- (the includes, fail(), the parsing of the arguments). A set of line
-- numbers; grey on paper and on screen, so the new lines stand out.
local SEEN_RUN = 3
local function seen_lines(lines)
  local seen = {}
  for _, entry in ipairs(printed_plain) do
    local prev = entry.lines
    for i = 1, #lines do
      for j = 1, #prev do
        local k, said = 0, 0
        while lines[i + k] and prev[j + k] and lines[i + k] == prev[j + k] do
          if says_something(lines[i + k]) then
            said = said + 1
          end
          k = k + 1
        end
        if said >= SEEN_RUN then
          for x = i, i + k - 1 do
            seen[x] = true
          end
        end
      end
    end
  end
  return seen
end

-- The parts of a plain program that a reader types the same in every
-- program, each a list { first, last, name }: each function at the left
-- margin but main() (from the comment right above it to its closing
-- "}"), the escaped print of the bytes received (a loop marked
-- "/* escaped:", with the lines of its body), and the check of the
-- command line (an "if" whose block prints "usage:", to the "}"
-- under it). Only a Part II program ({.brief}) has its units named
-- instead of printed: Part I prints every program whole.
local function units(lines)
  local out, i = {}, 1
  while i <= #lines do
    local fn = lines[i]:match("^static [%w_ %*]-([%a_][%w_]*)%(")
    local check = lines[i]:match("^(%s+)if %(")
    local loop = lines[i]:find("/* escaped:", 1, true) and
      lines[i]:match("^(%s*)")
    if fn then
      local j = i
      while lines[j] and lines[j] ~= "}" do
        j = j + 1
      end
      local a = i
      if lines[a - 1] and lines[a - 1]:match("%*/%s*$") then
        a = a - 1
        while a > 1 and not lines[a]:match("^/%*") do
          a = a - 1
        end
      end
      if lines[j] then
        out[#out + 1] = { a, j, fn .. "()" }
        i = j
      end
    elseif check then
      local j, usage = i, false
      while lines[j] and lines[j] ~= check .. "}" do
        usage = usage or lines[j]:find('"usage: ', 1, true) ~= nil
        j = j + 1
      end
      if lines[j] and usage then
        out[#out + 1] = { i, j, "the check of the command line" }
        i = j
      end
    elseif loop then
      local j = i
      while lines[j + 1] and #(lines[j + 1]:match("^(%s*)")) > #loop and
          lines[j + 1]:match("%S") do
        j = j + 1
      end
      out[#out + 1] = { i, j, "the escaped print" }
      i = j
    end
    i = i + 1
  end
  return out
end

-- The parts (units) of a whole plain program that paper does not print
-- again: each the same, line for line, as consecutive lines that an
-- earlier program printed (not themselves left out), of at least
-- ELIDE_LINES lines with at least SEEN_RUN that say something (fail(),
-- the escaped print); a shorter one stays, grey (a line that names it
-- would save little). The earliest program that has it is named. Two
-- such parts with only empty lines between them, the same in that
-- program, are one. A part takes in the empty lines around it (pandoc
-- would drop one at a listing's edge), and so does the earlier block it
-- names where it has them too. A list of { first, last, what, prev =
-- the earlier program's entry (printed_plain), from, to = its lines }.
local ELIDE_LINES = 4
local function elided_runs(lines)
  local function blank(l)
    return l ~= nil and l:match("^%s*$") ~= nil
  end
  local runs = {}
  for _, u in ipairs(units(lines)) do
    local a, b, n, said = u[1], u[2], u[2] - u[1] + 1, 0
    for x = a, b do
      if says_something(lines[x]) then
        said = said + 1
      end
    end
    local found
    for _, entry in ipairs(n >= ELIDE_LINES and said >= SEEN_RUN and printed_plain or {}) do
      local prev = entry.lines
      for j = 1, #prev - n + 1 do
        local k = 0
        while k < n and entry.shown[j + k] and prev[j + k] == lines[a + k] do
          k = k + 1
        end
        if k == n then
          found = { a, b, u[3], prev = entry, from = j, to = j + n - 1 }
          break
        end
      end
      if found then
        break
      end
    end
    if found then
      local last = runs[#runs]
      local gap = last and found[1] - last[2] - 1
      local joined = last and last.prev == found.prev and
        found.from - last.to - 1 == gap and gap >= 0
      for x = 1, joined and gap or 0 do
        joined = joined and blank(lines[last[2] + x]) and
          found.prev.shown[last.to + x] and
          found.prev.lines[last.to + x] == lines[last[2] + x]
      end
      if joined then
        last[2], last.to = found[2], found.to
        last[3] = last[3] .. " and " .. found[3]
      else
        runs[#runs + 1] = found
      end
    end
  end
  -- The blank lines around a run go with it here; the earlier
  -- program's range is named without them, so that its page is the
  -- page of its first line of code (a blank line may end the page
  -- before).
  for k, r in ipairs(runs) do
    local floor = runs[k - 1] and runs[k - 1][2] or 0
    while r[1] - 1 > floor and blank(lines[r[1] - 1]) do
      r[1] = r[1] - 1
    end
    local ceiling = runs[k + 1] and runs[k + 1][1] or #lines + 1
    while r[2] + 1 < ceiling and blank(lines[r[2] + 1]) do
      r[2] = r[2] + 1
    end
    -- ("fail() and send_all()"; three or more: "a, b and c")
    r[3] = r[3]:gsub(" and ([^,]-) and ", ", %1 and ")
  end
  return runs
end

-- The pattern of a Lua string S, matched as it is.
local function literal(s)
  return (s:gsub("[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0"))
end

-- A line of a listing that makes a call the lessons teach
-- (listing.call_lines) is marked on paper: \SScall{} at its start (a
-- shade behind it and a bar in the margin, preamble.tex) and each call's
-- name in \SScallname{} (bold). The highlighted LaTeX has the name as
-- text just before the "(" that pandoc sets as an operator.
local function mark_call_tex(line, names, where)
  local marked = 0
  for _, name in ipairs(names) do
    local esc = latex_escape(name)
    line = line:gsub("([^%w_\\])(" .. literal(esc) .. ")( *}\\OperatorTok{%()",
      function(pre, n, post)
        marked = marked + 1
        return pre .. "\\SScallname{" .. n .. "}" .. post
      end)
  end
  if marked == 0 then
    fail(where .. ": a line that calls " .. table.concat(names, ", ") ..
      "() came out of pandoc without that name before an operator \"(\"")
  end
  return "\\SScall{}" .. line
end

-- A listing for paper: the LaTeX pandoc writes for CB, with \SSkeep at
-- the end of each line that no page break may come before, and the lines
-- that make a call marked (CALLS, from listing.call_lines, by the index
-- of the line in LINES; line 1 is line START of the file PATH), and the
-- lines that only narrate (NARRATION, listing.narration_lines, by the same
-- index) set in grey: \SSnarr{} at their start (preamble.tex).
local function paper_listing(cb, lines, calls, path, start, narration, labels, refs)
  local tex = pandoc.write(pandoc.Pandoc({ cb }), "latex")
  local keep = keep_listing(lines, path ~= nil)
  -- A lesson's box of up to SHORT_EXCERPT lines never breaks: the room
  -- its caption asks for is a guess (a wrapped line, the box's margins),
  -- and a 13-line excerpt once split 9/4 under it. It goes overleaf
  -- whole (preamble.tex: Shaded's option).
  if path and #lines <= SHORT_EXCERPT then
    tex = tex:gsub("^\\begin{Shaded}\n", "\\begin{Shaded}[unbreakable]\n", 1)
  end
  -- (REFS[j]: line j names the file's lines { A, B, WHAT, LABEL } printed
  -- before, \SSreferral in its place: its number is left blank, and the
  -- numbers go on at B + 1; the blank ones are listed before the box.
  -- Both A and B: with breaklines, fvextra sets a line's number after
  -- its text, so after \SSreferral has set the counter to B.)
  local blanks = {}
  for j = 1, #lines do
    local r = refs and refs[j]
    if r then
      blanks[#blanks + 1] = tostring(r[1])
      blanks[#blanks + 1] = tostring(r[2])
    end
  end
  local out, j, inside = {}, 0, false
  for line in (tex .. "\n"):gmatch("([^\n]*)\n") do
    if line:match("^\\end{Highlighting}") then
      inside = false
    end
    if inside then
      j = j + 1
      if refs and refs[j] then
        local r = refs[j]
        local said = range_text(r.said and r.said[1] or r[1],
          r.said and r.said[2] or r[2]) .. " (" .. r[3] .. ") not shown"
        local tex_said = latex_escape(said):gsub("\u{2013}", "\\textendash{}")
          :gsub("%) not shown$", ", page \\pageref{" .. r[4] .. "}) not shown")
        line = "\\SSreferral{" .. r[2] .. "}{" .. tex_said .. "}"
      end
      if calls and calls[j] then
        line = mark_call_tex(line, calls[j],
          'include="' .. tostring(path) .. '" line ' .. (start + j - 1))
      end
      if narration and narration[j] then
        line = "\\SSnarr{}" .. line
      end
      -- (a label on the line: its page is the one the line is on)
      if labels and labels[j] then
        line = line .. "\\label{" .. labels[j] .. "}"
      end
      if keep[j] then
        line = line .. "\\SSkeep{}"
      end
    end
    if line:match("^\\begin{Highlighting}") then
      inside = true
    end
    out[#out + 1] = line
  end
  if j ~= #lines then
    fail("a listing of " .. #lines .. " lines came out of pandoc as " .. j)
  end
  if #blanks > 0 then
    table.insert(out, 1, "\\gdef\\SSblanklines{," .. table.concat(blanks, ",") .. ",}")
    out[#out + 1] = "\\gdef\\SSblanklines{}"
  end
  return pandoc.RawBlock("latex", table.concat(out, "\n"))
end

-- Any other code block on paper (a command, a Python version, a spec):
-- the same marks, so that it too breaks neither after its first line nor
-- before its last two. A block pandoc does not highlight is left as it is.
function M.paper_code_block(cb)
  local tex = pandoc.write(pandoc.Pandoc({ cb }), "latex")
  if not tex:find("\\begin{Highlighting}") then
    return nil
  end
  local lines = {}
  for line in (cb.text .. "\n"):gmatch("([^\n]*)\n") do
    lines[#lines + 1] = line
  end
  return paper_listing(cb, lines)
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

-- Gather all_parts: each listing of part of a file (lines= or
-- function=), wherever it is in BLOCKS, and each listing of a whole
-- file, not folded (lesson 10's getaddrinfo.c, whose four lines
-- docs/plain.md previews: no "lines 1-22 not shown" above them).
function M.gather_parts(blocks)
  pandoc.walk_block(pandoc.Div(blocks), {
    CodeBlock = function(el)
      local path = el.attributes["include"]
      local spec, fn = el.attributes["lines"], el.attributes["function"]
      if not path or not (spec or fn or not el.classes:includes("folded")) then
        return nil
      end
      local lines = read_lines(path, 'include="' .. path .. '"')
      local first, last
      if spec then
        first, last = parse_lines(spec, path, #lines)
      elseif not fn then
        first, last = 1, #lines
      else
        first, last = find_function(lines, path, fn)
      end
      all_parts[path] = all_parts[path] or {}
      table.insert(all_parts[path], { first, last })
      return nil
    end,
  })
end

-- Is line I inside one of the parts SKIP leaves out?
local function skip_covers(skip, i)
  for a, part in pairs(skip) do
    if a <= i and i <= part[2] then
      return true
    end
  end
  return false
end

function M.include_code(el)
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
  if spec then
    check_pin(el, path, lines, first, last)
  end

  local classes = {}
  if lang then
    classes[#classes + 1] = lang
  end
  for _, c in ipairs(el.classes) do
    if not C_CLASSES[c] and c ~= lang and c ~= "numberLines" and c ~= "python" and
        c ~= "whole" and c ~= "folded" and c ~= "brief" and c ~= "quiet" then
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
    -- (what= names it otherwise: "The script" for a helper a run uses)
    local what = el.attributes["what"] and (el.attributes["what"] .. ": ") or
      (lang == "python" and "The Python version: " or "The whole file: ")
    -- paper="none": the prose before it names the file already (a
    -- command that runs it), so on paper nothing more is said.
    if latex() and el.attributes["paper"] == "none" then
      return {}
    end
    if latex() then
      -- On paper no listing follows, so the file is a sentence, not a
      -- caption over nothing (a reader took one for a listing lost):
      -- "The script is docs/python/03_ten_clients.py, in the repository."
      -- (No count of its lines: a student has no use for one there. The
      -- screen's summary gives it, over the lines it unfolds.)
      local inlines = pandoc.List()
      inlines:extend(words(what:gsub(": $", "") .. " is"))
      inlines:insert(pandoc.Space())
      inlines:insert(pandoc.Code(path))
      inlines:insert(pandoc.Str(","))
      inlines:insert(pandoc.Space())
      inlines:extend(words("in the repository."))
      return pandoc.Div({ pandoc.Para(inlines) }, pandoc.Attr(el.identifier, { "listing" }))
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

  -- The lines that make a call the lessons teach, marked on paper and on
  -- screen (C from lessons/ only: its calls are the ones sockstep.h
  -- narrates).
  local file_calls
  if lang == "c" then
    local names, err = listing.call_names()
    if not names then
      fail('include="' .. path .. '": ' .. err)
    end
    file_calls = listing.call_lines(lines, names)
  end
  -- The lines that only narrate (say(), heading()), set in grey.
  local file_narration = lang == "c" and listing.narration_lines(lines) or {}
  -- {.quiet}: a part of a lesson program as a student's own program has
  -- it, each stretch of say() and heading() statements left out and
  -- marked ("lines 84-87 (narration) not shown"), so that every number
  -- stays the file's own. A part with nothing to leave out stops the
  -- build: the class would promise what the listing does not do.
  if el.classes:includes("quiet") then
    if lang ~= "c" or whole or show_all then
      fail('include="' .. path .. '" {.quiet}: only a part (lines= or ' ..
        "function=) of a C file")
    end
    local n, i = 0, first
    while i <= last do
      if file_narration[i] then
        local j = i
        while j < last and file_narration[j + 1] do
          j = j + 1
        end
        skip[i] = { i, j, "narration" }
        n, i = n + 1, j + 1
      else
        i = i + 1
      end
    end
    if n == 0 then
      fail('include="' .. path .. '" ' .. range_text(first, last) ..
        " {.quiet}: no say() or heading() in them to leave out")
    end
    -- (a mark of lines left out stands between shown lines, never above
    -- the first or under the last: the caption names the lines shown)
    if skip[first] or file_narration[last] then
      fail('include="' .. path .. '" ' .. range_text(first, last) ..
        " {.quiet}: the part starts or ends with narration; name lines= " ..
        "without it")
    end
  end
  -- In a whole plain program, the lines printed before in another are
  -- grey too, their calls not marked: the marks are for what is new.
  local file_seen, referred, unit_labels = {}, false, {}
  if lang == "c" and show_all and first == 1 and last == total and
      tostring(path):match("^lessons/plain/") then
    file_seen = seen_lines(lines)
    -- On paper, in a Part II program ({.brief}), each run of lines
    -- printed whole before (elided_runs) is one line that names it, its
    -- lines in the earlier program and the page they are on; the lines
    -- printed here are kept for the programs after it, each with a label
    -- for its page. Part I's programs are printed whole, fail() too: a
    -- student types each from its own pages, without turning back to
    -- page 6 (a reader found "lines 8-14 not shown" under a program he
    -- was typing a cost, and the check of the command line, printed in
    -- full in the same listings, inconsistent).
    local label = el.identifier ~= "" and el.identifier or
      ("plain-file-" .. tostring(path):match("([^/]*)%.c$"))
    local file = tostring(path):match("([^/]*)$")
    local runs = latex() and el.classes:includes("brief") and
      elided_runs(lines) or {}
    for _, r in ipairs(runs) do
      -- (the run left out takes the blank lines around it, so that no
      -- two blank lines meet; its words name the lines of code only, as
      -- the earlier program's numbers do: "lines 15-19 (fail(), as in
      -- server.c, lines 10-14)", five and five)
      local a, b = r[1], r[2]
      while a < b and not lines[a]:match("%S") do a = a + 1 end
      while b > a and not lines[b]:match("%S") do b = b - 1 end
      skip[r[1]] = { r[1], r[2], r[3] .. ", as in " ..
        r.prev.file .. ", " .. range_text(r.from, r.to),
        r.prev.at .. r.from, listing = r.prev.id, said = { a, b } }
      referred = true
    end
    local entry = { lines = lines, file = file, id = label, shown = {},
      at = "SSplain" .. label:gsub("[^%w]", "") .. "line" }
    for i = 1, #lines do
      if not skip_covers(skip, i) then
        entry.shown[i] = true
        unit_labels[i] = entry.at .. i
      end
    end
    printed_plain[#printed_plain + 1] = entry
    if latex() and el.identifier == "" then
      el.identifier = label
    end
    for i in pairs(file_seen) do
      file_narration[i] = true
      if file_calls then
        file_calls[i] = nil
      end
    end
  end

  -- A listing's id (the whole program of a Part I chapter, {#whole-04})
  -- is a target for links, as a heading's is.
  if el.identifier ~= "" and not numbers.targets[el.identifier] then
    numbers.add_target(el.identifier, { kind = "listing",
      title = "the listing of " .. path })
  end
  local before = shown_parts[path] and shown_parts[path][#shown_parts[path]]
  local back = not whole and before ~= nil and before[1] > last
  local grey = false
  for i in pairs(file_seen) do
    grey = grey or not skip_covers(skip, i)
  end
  local narr = false
  for i = first, last do
    narr = narr or (file_narration[i] and not file_seen[i] and
      not skip_covers(skip, i)) or false
  end
  local notes = caption_notes(first, last, total, whole, grey, referred, narr)
  local blocks = { listing_caption(path, first, last, total, whole, nil, nil,
    back, notes) }
  local marks_first = 0
  -- The lines left out before the first: since the end of the last part
  -- of this file shown above it, here or anywhere in the book, if one
  -- ended before it ("lines 59-65", not "lines 1-65" under a listing of
  -- lines 49-58); none when that part ends just above.
  local from = 1
  local parts = {}
  for _, list in ipairs({ shown_parts[path] or {}, all_parts[path] or {} }) do
    for _, r in ipairs(list) do
      parts[#parts + 1] = r
    end
  end
  for _, r in ipairs(parts) do
    if r[1] < first and r[2] >= first - 1 then
      from = first
    elseif r[2] < first - 1 and r[2] + 1 > from then
      from = r[2] + 1
    end
  end
  -- On paper no mark stands above the first line: the caption names the
  -- lines shown ("lines 294-346 of 400"). Readers took "lines 1-293 not
  -- shown" above them for a stray line, and "lines 164-202 not shown"
  -- (the lines since the part shown before) for a cut inside the
  -- excerpt: on paper a mark of lines left out stands only between two
  -- shown parts of one listing. (The screen marks both ends of an
  -- excerpt, the whole file folded under it.)
  if from < first and not latex() then
    blocks[#blocks + 1] = omission(from, first - 1)
    marks_first = 1
  end
  shown_parts[path] = shown_parts[path] or {}
  table.insert(shown_parts[path], { first, last })
  -- The listing is split where boilerplate is left out (with an omission
  -- mark) so that every number stays the file's own.
  local chunk, start, first_chunk, chunks, shown = {}, nil, nil, 0, 0
  -- nums[k]: the file's number of the chunk's line K; none for a line
  -- that names a part printed before (refs[k], on paper only: that line
  -- is in the listing's box, so that a page break near it is marked
  -- "continued" as any other, and its number is left blank).
  local nums, refs = {}, {}
  local function flush()
    if start then
      first_chunk = first_chunk or chunk
      chunks = chunks + 1
      shown = shown + #chunk
      local attrs = { startFrom = tostring(start) }
      -- The calls by the chunk's own line index (for paper) and, for the
      -- screen (layout.code_block_html), by the file's line numbers:
      -- calls="12=socket;20=bind,close".
      local calls, said = {}, {}
      if file_calls then
        for k = 1, #chunk do
          local names = nums[k] and file_calls[nums[k]]
          if names then
            calls[k] = names
            said[#said + 1] = nums[k] .. "=" .. table.concat(names, ",")
          end
        end
      end
      if #said > 0 and not latex() then
        attrs.calls = table.concat(said, ";")
      end
      -- The same for the lines that narrate: narration="14,15,16".
      local narration, told = {}, {}
      for k = 1, #chunk do
        if nums[k] and file_narration[nums[k]] then
          narration[k] = true
          told[#told + 1] = tostring(nums[k])
        end
      end
      if #told > 0 and not latex() then
        attrs.narration = table.concat(told, ",")
      end
      local labels = {}
      for k = 1, #chunk do
        labels[k] = nums[k] and unit_labels[nums[k]]
      end
      local cb = pandoc.CodeBlock(table.concat(chunk, "\n"),
        pandoc.Attr("", classes, attrs))
      blocks[#blocks + 1] = latex() and lang == "c" and
        paper_listing(cb, chunk, calls, path, start, narration, labels, refs) or cb
    end
    chunk, start, nums, refs = {}, nil, {}, {}
  end
  local i = first
  while i <= last do
    if skip[i] and skip[i][4] and latex() and lang == "c" then
      -- (a line of its own in the box, for pandoc to set as one line, a
      -- statement for keep_before: a page may break before or after it;
      -- paper_listing sets the words in its place)
      if not start then
        start = i
      end
      chunk[#chunk + 1] = NAMED_LINE
      refs[#chunk] = skip[i]
      i = skip[i][2]
    elseif skip[i] then
      flush()
      if not first_chunk then
        marks_first = marks_first + 1
      end
      blocks[#blocks + 1] = omission(skip[i][1], skip[i][2], skip[i][3])
      i = skip[i][2]
    else
      if not start then
        start = i
      end
      chunk[#chunk + 1] = lines[i]
      nums[#chunk] = i
    end
    i = i + 1
  end
  flush()
  -- On paper the caption stays with the listing's first lines: room for
  -- it, the omission marks under it and the lines before the first place
  -- a C listing may break (a comment at the top is one piece), in the
  -- body's baselines (a line of code is about 0.73 of one).
  local captioned = false
  if latex() and lang == "c" and first_chunk then
    local keep, n = keep_listing(first_chunk, true), 1
    while n < #first_chunk and keep[n + 1] do
      n = n + 1
    end
    n = math.max(n, math.min(#first_chunk, 5))
    -- the room, in baselines, for the caption and K lines of code
    local function room(k)
      return math.ceil(2.5 + marks_first + 0.73 * k)
    end
    local need = room(n)
    local whole_chunk = room(#first_chunk)
    -- A chapter's short core, in one piece, keeps room for all of it,
    -- and breaks (after its first N lines) only where keeping it whole
    -- would leave much of the page blank.
    if tostring(path):match("^lessons/plain/") and first == 1 and
      last == total and chunks == 1 and #first_chunk <= SHORT_PROGRAM then
      need = whole_chunk
    elseif chunks == 1 and #first_chunk <= SHORT_EXCERPT and
      not (first == 1 and last == total) then
      need = whole_chunk
    elseif chunks > 1 and shown + chunks - 1 <= SHORT_EXCERPT and
      not (first == 1 and last == total) then
      -- An excerpt cut by marks of lines left out ("lines 84-87
      -- (narration) not shown") is as short: each piece is a box of its
      -- own, and a page broke between them, 5 lines and 6 (three
      -- readers). Room for all of it, a line for each mark.
      need = room(shown + chunks - 1)
    elseif tostring(path):match("^lessons/plain/") and chunks == 1 and
      #first_chunk <= SHORT_LISTING and n < #first_chunk then
      need = whole_chunk
      -- The manual's few excerpts are model answers, read whole: there
      -- a blank foot of a page costs less than a function cut in two.
      if common.settings.book ~= "lecturers" then
        need = need .. "/" .. room(n)
      end
    end
    blocks[1] = listing_caption(path, first, last, total, whole, need,
      el.identifier, back, notes)
    captioned = true
  end
  -- On paper the caption's "of N" says that the rest of the file is left
  -- out: a mark of it after the last line adds nothing, and a page break
  -- may leave it alone at the top of the next page.
  if last < total and not latex() then
    blocks[#blocks + 1] = omission(last + 1, total)
  end
  if whole and not latex() then
    for _, b in ipairs(folded_file("The whole program: ", path, lines, lang)) do
      blocks[#blocks + 1] = b
    end
  end
  -- (On paper a captioned listing's id is its caption's: pandoc would
  -- put the Div's anchor before the room the caption asks for, on the
  -- page before when the listing goes overleaf.)
  return pandoc.Div(blocks, pandoc.Attr(captioned and "" or el.identifier,
    { "listing" }))
end

-- Is this block a {.folded} include (a whole file named in print, not
-- shown)?
function M.is_folded(b)
  return b.t == "CodeBlock" and b.attributes["include"] ~= nil and
    b.classes:includes("folded")
end

-- A reference in running text to lines of a lesson file printed whole
-- in its chapter: []{include=PATH lines="A-B" contains="..."} becomes
-- "lines A-B", checked as a listing's lines= and contains= are, so the
-- build stops when the lesson changes under the text.
function M.lines_ref(el)
  local path, spec = el.attributes["include"], el.attributes["lines"]
  if not spec then
    fail('[]{include="' .. path .. '"}: a reference in the text needs lines=')
  end
  if not path:match("^lessons/") then
    fail('[]{include="' .. path .. '"}: lines are named only in lessons/')
  end
  local lines = read_lines(path, 'include="' .. path .. '"')
  local first, last = parse_lines(spec, path, #lines)
  local must = el.attributes["contains"]
  if not must then
    fail('[]{include="' .. path .. '" lines="' .. spec .. '"}: name with ' ..
      "contains= something the lines must hold")
  end
  local text = table.concat(lines, "\n", first, last)
  for want in (must .. "|"):gmatch("([^|]*)|") do
    if want ~= "" and not text:find(want, 1, true) then
      fail('[]{include="' .. path .. '"} ' .. range_text(first, last) ..
        ': no "' .. want .. '" in them any more (contains="' .. must ..
        '"): the lesson has changed; update lines=')
    end
  end
  check_pin(el, path, lines, first, last)
  if FORMAT:match("latex") then
    -- one unbreakable piece: TeX may break a line after an en dash,
    -- and "(lines 52–" ended a line of the PDF, "65)" began the next
    local range = first == last and ("line~" .. first)
      or ("lines~\\mbox{" .. first .. "\\textendash{}" .. last .. "}")
    return pandoc.Span({ pandoc.RawInline("latex", range) })
  end
  return pandoc.Span({ pandoc.Str(range_text(first, last)) })
end

function M.is_c_block(el)
  for _, c in ipairs(el.classes) do
    if C_CLASSES[c] then
      return true
    end
  end
  return false
end

return M
