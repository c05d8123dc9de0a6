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
  -- (the chapter it is in: a link from the same chapter needs no
  -- section number, M.link)
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
  if not chapter.number then
    if not h.classes:includes("unnumbered") then
      h.classes:insert("unnumbered")
    end
    M.add_target(h.identifier, { kind = "section", title = title })
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
  M.add_target(h.identifier, { kind = "section", number = number, title = title })
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

function M.link(el)
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
  -- A link with words of its own to a section of the chapter it stands
  -- in needs no "section 3.7": the reader is in chapter 3 (on paper the
  -- page still follows).
  local from = el.attributes["from-chapter"]
  el.attributes["from-chapter"] = nil
  if not empty and t.kind == "section" and from and from == t.chapter then
    words = nil
  end
  -- "lesson 05" needs no "(lesson 05)" after it, nor "(section 5.3)"
  -- when the link goes to a section of lesson 05: its page is enough.
  local text = pandoc.utils.stringify(el.content)
  if t.kind == "lesson" and
    text:lower():match("lesson%s+0*" .. t.number .. "$") then
    words = nil
  end
  local named = text:lower():match("lesson%s+0*(%d+)$")
  if named and t.kind == "section" and t.chapter and
    t.chapter:match("^lesson%-0*(%d+)$") == named then
    words = nil
  end
  local capital = el.attributes["sentence-start"]
  el.attributes["sentence-start"] = nil
  if empty then
    local said = words or t.title
    if capital then
      said = said:sub(1, 1):upper() .. said:sub(2)
    end
    el.content = { pandoc.Str(said) }
    words = nil
  end
  -- A link already inside parentheses gets its number after a comma,
  -- "(see Pitfalls, section A.4, page 97)", not a second pair of them.
  local inside = el.attributes["in-parens"]
  el.attributes["in-parens"] = nil
  local open, close = "(", ")"
  if inside then
    open, close = ", ", ""
  end
  local out = { el }
  if latex() then
    local extra = {}
    if words then
      extra[#extra + 1] = words:gsub(" ", "~")
    end
    extra[#extra + 1] = "page~\\pageref{" .. id .. "}"
    out[#out + 1] = pandoc.RawInline("latex", (inside and open or "~" .. open) ..
      table.concat(extra, ", ") .. close)
  elseif words then
    out[#out + 1] = pandoc.Str(inside and open .. words or "\u{00A0}(" .. words .. ")")
  end
  return out
end

-- Marks each link to "#..." in DOC with the id of the chapter it
-- stands in (from-chapter), for M.link: one walk in document order.
function M.mark_link_chapters(doc)
  local current
  return doc:walk({
    traverse = "topdown",
    Header = function(h)
      if h.level == 1 then
        current = h.identifier
      end
    end,
    Link = function(el)
      if current and el.target:match("^#") then
        el.attributes["from-chapter"] = current
        return el
      end
    end,
  })
end

-- Marks each link to a target that stands inside parentheses in its run
-- of text (in-parens), for M.link: its number then goes after a comma.
-- An empty link that begins a sentence (after ". ", "! " or "? ")
-- is marked sentence-start: its words then begin with a capital,
-- "Figure 3 (page 19) shows", not "figure 3".
function M.mark_links_in_parens(inlines)
  local depth, after_stop = 0, false
  for _, el in ipairs(inlines) do
    if el.t == "Str" then
      for c in el.text:gmatch("[()]") do
        depth = c == "(" and depth + 1 or math.max(depth - 1, 0)
      end
      after_stop = el.text:match("[.!?]$") ~= nil
    elseif el.t == "Link" and el.target:match("^#") then
      if depth > 0 then
        el.attributes["in-parens"] = "1"
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
