--[[
filters/numbers.lua - the numbers of the handout and the links to them:
chapters (front matter unnumbered, a part's opening page unnumbered,
lesson N is chapter N, appendices A, B ...), sections within them, and
the targets that transcripts (transcripts.lua) and figures (diagrams.lua)
add; then each link to "#id" gets its target's number and, on paper, its
page.

A lesson's title says its number ("Lesson 06: send() and recv()"), so
its chapter number (6) is shown nowhere a reader sees the title: not
before it, not in the contents (M.shown_number; preamble.tex and
layout.lua on paper). Its sections (6.1, 6.2 ...) and transcripts (6.1)
still start with it, and a link to the chapter says "lesson 06".
]]

local common = require("filters.common")
local fail, latex = common.fail, common.latex

local M = {}

-- targets[id] = { kind = "chapter"|"appendix"|"section"|"transcript"|
--   "figure", number = "6.1" or nil, title = "..." }
local targets = {}
M.targets = targets
local chapter = nil        -- { number = "6" or nil, runs = 0, id = "..." }
local in_appendix = false
local appendix_count = 0
local section_counts = {}
local screen_only_level = nil -- the level of the {.screen-only} section we are in

-- Is the filter inside a section that only the screen prints? A
-- transcript there has no number: the paper leaves it out, and the
-- editions number the others the same.
function M.in_screen_only()
  return screen_only_level ~= nil
end

-- The chapter the filter is in (nil before the first): transcripts are
-- numbered within it.
function M.chapter()
  return chapter
end

local function letter(n)
  return string.char(string.byte("A") + n - 1)
end

function M.add_target(id, t)
  if id == nil or id == "" then
    return
  end
  if targets[id] then
    fail('two targets with the id "' .. id .. '"')
  end
  -- (the chapter it is in: a link whose words name its lesson needs
  -- no number, M.link)
  t.chapter = t.chapter or (chapter and chapter.id)
  targets[id] = t
end

-- Is H a lesson's chapter heading ({#lesson-NN})?
function M.is_lesson(h)
  return h.level == 1 and h.identifier:match("^lesson%-%d+$") ~= nil
end

-- The number a reader sees before H's title: none for a lesson (its
-- title says it), else the number it was given (nil when unnumbered).
function M.shown_number(h)
  if M.is_lesson(h) then
    return nil
  end
  return h.attributes["number"]
end

function M.number_header(h)
  local title = pandoc.utils.stringify(h.content)
  if screen_only_level and h.level <= screen_only_level then
    screen_only_level = nil
  end
  if not screen_only_level and h.classes:includes("screen-only") then
    screen_only_level = h.level
  end
  if h.level == 1 then
    section_counts = {}
    local lesson = h.identifier:match("^lesson%-(%d+)$")
    if h.classes:includes("part") then
      if in_appendix then
        fail('"' .. title .. '": a part after the appendices')
      end
      chapter = { number = nil, runs = 0, title = title, part = true,
        id = h.identifier }
      if not h.classes:includes("unnumbered") then
        h.classes:insert("unnumbered")
      end
      M.add_target(h.identifier, { kind = "part", title = title })
      return h
    elseif h.classes:includes("unnumbered") or h.classes:includes("-") then
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
        "{.unnumbered} (front matter), {.part} (a part's opening page), " ..
        "{#lesson-NN} (a lesson) or {.appendix} (back matter)")
    end
    chapter.id = h.identifier
    if chapter.number then
      h.attributes["number"] = chapter.number
    else
      h.classes:insert("unnumbered")
    end
    M.add_target(h.identifier, { kind = chapter.appendix and "appendix" or
      (lesson and "lesson" or "chapter"), number = chapter.number,
      lesson = lesson, title = title })
    return h
  end
  if not chapter then
    fail('section "' .. title .. '" before the first chapter')
  end
  -- (a section that only the screen prints, {.screen-only}, appendix
  -- H's notes on a lesson program, has no number either: the PDF leaves
  -- it out, and the three editions number their sections the same)
  local screen_only = h.classes:includes("screen-only")
  if not chapter.number or h.classes:includes("unnumbered") or screen_only then
    if not h.classes:includes("unnumbered") then
      h.classes:insert("unnumbered")
    end
    M.add_target(h.identifier, { kind = "section", title = title,
      screen_only = screen_only or nil })
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
  M.add_target(h.identifier, { kind = "section", number = number, title = title,
    screen_only = h.classes:includes("screen-only") })
  return h
end

-- Cross-references: a link to "#id" gains its target's number (and, on
-- paper, its page).

local function ref_words(t)
  if t.kind == "section" then
    return "section " .. t.number
  elseif t.kind == "chapter" then
    return "chapter " .. t.number
  elseif t.kind == "lesson" then
    return "lesson " .. t.lesson
  elseif t.kind == "appendix" then
    return "appendix " .. t.number
  elseif t.kind == "transcript" then
    return "transcript " .. t.number
  elseif t.kind == "figure" then
    return "figure " .. t.number
  end
  return t.number
end

-- The ids of the other document made from docs/ (the lecturer's manual
-- for the student's book, and the other way round): its headings' ids,
-- with their titles, and its transcripts' (run="NAME": run-NAME), read
-- from its sources once, when a link names an id this one lacks.
-- other_where[id]: where that is on paper, "appendix D" or "lesson 06",
-- counted as that document counts its appendices.
local other_ids = nil
local other_where = {}
local function other_target(id)
  if not common.settings.other_book then
    return nil
  end
  if common.settings.other_absent then
    return "a section"
  end
  if not other_ids then
    other_ids = {}
    local appendices, where = 0, nil
    for _, path in ipairs(common.settings.other_sources) do
      local under = nil
      for _, line in ipairs(common.read_lines(path, "other-sources")) do
        local title, hid = line:match("^#+%s+(.-)%s*{#([%w%-]+)")
        if hid and line:match("^#%s") then
          local attrs = line:match("{(.-)}%s*$") or ""
          if attrs:match("%.appendix") then
            appendices = appendices + 1
            where = "appendix " .. letter(appendices)
          elseif hid:match("^lesson%-%d+$") then
            where = "lesson " .. hid:match("%d+$")
          else
            where = nil
          end
        end
        if hid then
          other_ids[hid] = title
          other_where[hid] = where
          under = title:gsub("`", "")
        end
        for name in line:gmatch('run="([^"]+)"') do
          local rid = "run-" .. name:gsub("%.", "-")
          other_ids[rid] = under and
            ("the transcript under \u{201C}" .. under .. "\u{201D}") or "a transcript"
          other_where[rid] = where
        end
        for bid in line:gmatch("{#([%w%-]+)") do
          other_ids[bid] = other_ids[bid] or "a listing"
        end
      end
    end
  end
  return other_ids[id]
end

-- A link to the other document: its words (or the target's title), then
-- that document's name; on screen, in the HTML, a link to it there.
local function other_link(el, id, title)
  local content = #el.content > 0 and el.content or { pandoc.Str(title) }
  local inside = el.attributes["in-parens"]
  local book = common.settings.other_book
  local out
  -- (when the next link of the sentence goes there too, it alone names
  -- the document: "(Part I, Part II, in the student's book)")
  if el.attributes["other-follows"] then
    book = nil
  end
  if FORMAT:match("html") and not FORMAT:match("epub") and common.settings.other_html then
    out = { pandoc.Link(content, common.settings.other_html .. "#" .. id) }
  else
    out = { pandoc.Span(content) }
  end
  -- Where in it, when a reader holding paper needs it: "(appendix D of
  -- the student's book)"; not when the link's words name it already.
  local where = other_where[id]
  local words = pandoc.utils.stringify(content):lower()
  if where and words:find(where, 1, true) then
    where = nil
  end
  if not book then
    if where then
      out[#out + 1] = pandoc.Str(inside == "mid" and ", " .. where .. "," or
        (inside and ", " .. where or "\u{00A0}(" .. where .. ")"))
    end
    return out
  end
  local place = where and (where .. " of " .. book) or ("in " .. book)
  if inside == "mid" then
    out[#out + 1] = pandoc.Str(", " .. place .. ",")
  else
    out[#out + 1] = pandoc.Str(inside and ", " .. place or "\u{00A0}(" .. place .. ")")
  end
  return out
end

-- A link reads as a plain link: its own words, and only what a reader
-- needs to find the target on paper, a number, never a page. A link to a
-- lesson, or whose words name the lesson its target is in ("lesson 09",
-- "Lesson 09's program"), adds nothing: "lesson 09's plain sender", not
-- "Lesson 09 (page 43)'s". A link to a section of the chapter it stands
-- in gains its number like any other, "(The calls, section 7.2)": a
-- reader on paper cannot find a section by its title alone; one to an
-- unnumbered section, its page on paper, "(Byte order, p. 5)".
-- An empty link says what the target is: "transcript 8.2", "figure 3".
-- Any other gains its number: "Forgetting htons (section A.7)", or,
-- inside parentheses that it ends, "(see A short send, section 6.9)".
function M.link(el)
  local id = el.target:match("^#(.+)$")
  if not id then
    return nil
  end
  local t = targets[id]
  if not t then
    local title = other_target(id)
    if title then
      el.attributes["sentence-start"] = nil
      local out = other_link(el, id, title)
      el.attributes["other-follows"] = nil
      return out
    end
    fail('a link to "#' .. id .. '" (' .. pandoc.utils.stringify(el.content) ..
      '): no heading, transcript or figure has that id')
  end
  local empty = #el.content == 0
  local words = t.number and ref_words(t) or nil
  -- A section that only the screen prints (the tools appendix's notes
  -- on a lesson program) is named by its appendix, on paper and on screen.
  if t.screen_only and t.chapter and targets[t.chapter] then
    words = ref_words(targets[t.chapter])
  end
  local text = pandoc.utils.stringify(el.content)
  if t.kind == "lesson" then
    words = empty and words or nil
  end
  local named = text:lower():match("lesson%s+0*(%d+)")
  if named and t.chapter and
    t.chapter:match("^lesson%-0*(%d+)$") == named then
    words = nil
  end
  local capital = el.attributes["sentence-start"]
  el.attributes["sentence-start"] = nil
  if empty then
    local said = words or t.title
    if t.kind == "lesson" then
      said = "lesson " .. string.format("%02d", tonumber(t.lesson))
    end
    if capital then
      said = said:sub(1, 1):upper() .. said:sub(2)
    end
    el.content = { pandoc.Str(said) }
    words = nil
  end
  local inside = el.attributes["in-parens"]
  el.attributes["in-parens"] = nil
  local out = { el }
  -- The lecturer's manual's chapters are unnumbered, so a link there
  -- has no number to give: on paper it gains its target's page instead,
  -- "(the lab machines, p. 3)", so that a reader holding paper can turn
  -- to it. So does a link to an unnumbered section of the student's book
  -- (the front matter's "Byte order"), unless its words name its lesson.
  local unnumbered = t.kind == "section" and not t.number and
    not t.screen_only and not named
  if not words and latex() and
    (common.settings.book == "lecturers" or unnumbered) then
    local page = "p.~\\pageref{" .. id .. "}"
    if inside == "mid" then
      out[#out + 1] = pandoc.RawInline("latex", ", " .. page .. ",")
    else
      out[#out + 1] = pandoc.RawInline("latex",
        inside and ", " .. page or "~(" .. page .. ")")
    end
    return out
  end
  if words then
    if inside == "mid" then
      out[#out + 1] = pandoc.Str(", " .. words .. ",")
    else
      out[#out + 1] = pandoc.Str(inside and ", " .. words or "\u{00A0}(" .. words .. ")")
    end
  end
  return out
end

-- Marks each link to a target that stands inside parentheses in its run
-- of text (in-parens), for M.link: its number then goes after a comma.
-- An empty link that begins a sentence (after ". ", "! " or "? ")
-- is marked sentence-start: its words then begin with a capital,
-- "Figure 3 (page 19) shows", not "figure 3".
-- An empty link that opens a paragraph begins a sentence too: "Figure 4
-- draws ...", never "figure 4 draws ...", which reads as a typo.
function M.mark_paragraph_start(inlines)
  local el = inlines[1]
  if el and el.t == "Link" and #el.content == 0 and el.target:match("^#") then
    el.attributes["sentence-start"] = "1"
    return true
  end
  return false
end

function M.mark_links_in_parens(inlines)
  local depth, after_stop = 0, false
  for i, el in ipairs(inlines) do
    if el.t == "Str" then
      for c in el.text:gmatch("[()]") do
        depth = c == "(" and depth + 1 or math.max(depth - 1, 0)
      end
      after_stop = el.text:match("[.!?]$") ~= nil
    elseif el.t == "Link" and el.target:match("^#") then
      local id = el.target:sub(2)
      if not targets[id] and other_target(id) then
        for j = i + 1, #inlines do
          local n = inlines[j]
          if n.t == "Str" and n.text:match("[.!?]$") then
            break
          end
          if n.t == "Link" then
            local nid = n.target:match("^#(.+)$")
            if nid and not targets[nid] and other_target(nid) then
              el.attributes["other-follows"] = "1"
            end
            break
          end
        end
      end
      if depth > 0 then
        -- "mid" when words follow it inside the parentheses: its number
        -- then goes between commas, "(The calls, section 6.2, say why)".
        local nxt = inlines[i + 1]
        local ends = nxt == nil or (nxt.t == "Str" and nxt.text:match("^[),;:.]"))
        el.attributes["in-parens"] = ends and "1" or "mid"
      end
      if after_stop and #el.content == 0 then
        el.attributes["sentence-start"] = "1"
      end
      after_stop = false
    elseif el.t ~= "Space" and el.t ~= "SoftBreak" then
      after_stop = false
    end
  end
  return inlines
end

return M
