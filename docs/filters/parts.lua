--[[
filters/parts.lua - the book's divisions: a part's opening page (a
level-1 heading {.part}: Part I, Part II; on paper its first chapter
follows on the same page), and at the head of each
numbered chapter (a lesson, an appendix) a short contents: its sections,
as links, and on paper with their pages (on paper, an appendix's only).
]]

local common = require("filters.common")
local code = require("filters.code")
local numbers = require("filters.numbers")
local latex, latex_escape = common.latex, common.latex_escape

local M = {}

-- An appendix with less prose than this (the characters of its words,
-- a space after each; its code, listings and runs count nothing) has no
-- contents of its own: two pages of the book, as the appendices of
-- prose and transcripts print them, hold about 5,500 characters, code
-- included (pdftotext).
local SHORT_CHAPTER = 6000

-- "In this chapter: What it teaches (p. 12) · The calls (p. 13) ..."
local function chapter_contents(sections)
  local inl = { pandoc.Emph({ pandoc.Str("In this chapter:") }) }
  for i, s in ipairs(sections) do
    inl[#inl + 1] = pandoc.Space()
    if i > 1 then
      inl[#inl + 1] = pandoc.Str("·")
      inl[#inl + 1] = pandoc.Space()
    end
    inl[#inl + 1] = pandoc.Link(s.content, "#" .. s.identifier)
    if latex() then
      inl[#inl + 1] = pandoc.RawInline("latex",
        "~(p.~\\pageref{" .. s.identifier .. "})")
    end
  end
  return pandoc.Div({ pandoc.Para(inl) },
    pandoc.Attr("", { "chapter-contents" }))
end

-- A section that shows nothing on paper but the name of a file: its code
-- blocks all {.folded} ("The same in Python", a few sentences and
-- docs/python/09_udp_sender.py), and otherwise only paragraphs.
local function is_file_section(body)
  local files = 0
  for _, b in ipairs(body) do
    if code.is_folded(b) then
      files = files + 1
    elseif b.t ~= "Para" then
      return false
    end
  end
  return files > 0
end

-- The folded sections go at the chapter's end, but before a last
-- ::: {.box .remember}, which stays the chapter's last word.
local function put_pending(out, pending)
  local last = out[#out]
  if last and last.t == "Div" and last.classes:includes("remember") then
    out:remove(#out)
    out:extend(pending)
    out:insert(last)
  else
    out:extend(pending)
  end
end

-- A section that is only a file's name (is_file_section) points, on
-- paper, at a file the reader may not have: the repository's Python
-- versions, twenty times. On paper it is left out (Getting started says
-- once where they are). On screen (ON_SCREEN) each such section keeps
-- its heading and its folded files, but moves to the chapter's end,
-- after the exercises and "Going further", and is unnumbered, so that a
-- reader meets the chapter's parts with the same numbers in the PDF, the
-- HTML and the EPUB. It is also {.unlisted}: no entry of the table of
-- contents. pandoc leaves it out of the HTML's; docs/epub-finish.py
-- takes it out of the EPUB's.
function M.fold_file_sections(blocks, on_screen)
  local out, pending = pandoc.List(), pandoc.List()
  local i = 1
  while i <= #blocks do
    local b = blocks[i]
    if b.t == "Header" and b.level == 1 then
      put_pending(out, pending)
      pending = pandoc.List()
      out:insert(b)
    elseif b.t == "Header" and b.level == 2 then
      local j = i + 1
      while j <= #blocks and not (blocks[j].t == "Header" and blocks[j].level <= 2) do
        j = j + 1
      end
      local body = pandoc.List({ table.unpack(blocks, i + 1, j - 1) })
      -- (a chapter's Remember box may close the section: it stays)
      local last = body[#body]
      local remember = last and last.t == "Div" and last.classes:includes("remember")
      if remember then
        body:remove(#body)
      end
      if is_file_section(body) then
        if on_screen then
          for _, c in ipairs({ "unnumbered", "unlisted" }) do
            if not b.classes:includes(c) then
              b.classes:insert(c)
            end
          end
          pending:insert(b)
          pending:extend(body)
        end
        if remember then
          out:insert(last)
        end
        i = j - 1
      else
        out:insert(b)
      end
    else
      out:insert(b)
    end
    i = i + 1
  end
  put_pending(out, pending)
  return out
end

-- What a lesson program adds over its chapter's plain one, in a line or
-- two (the tools appendix: ::: {.adds program="lessons/..." plain="lessons/plain/..."}).
-- Checked against both files at every build, so that it cannot drift:
-- each `--option` in it must be one the program takes, and it must name
-- every option the program takes; each call it names, `name()`, must
-- stand in the program; each other `word` (a constant, a helper) must
-- stand in the program and not in the plain one: it is what it adds.
local function program_options(lines)
  local text = table.concat(lines, "\n")
  local opts = {}
  local flags = text:match("%.options%s*=%s*([%u_|%s]+)")
  if flags then
    local by_flag = { SS_OPT_NET = { "host", "port", "timeout" },
      SS_OPT_HOST = { "host" }, SS_OPT_PORT = { "port" },
      SS_OPT_TIMEOUT = { "timeout" }, SS_OPT_COUNT = { "count" },
      SS_OPT_MESSAGE = { "message" } }
    for flag in flags:gmatch("SS_OPT_[%u_]+") do
      for _, o in ipairs(by_flag[flag] or {}) do
        opts[o] = true
      end
    end
  end
  for o in text:gmatch('"%-%-([%l%-]+)') do
    opts[o] = true
  end
  return opts
end

function M.check_adds(div)
  local prog, plain = div.attributes["program"], div.attributes["plain"]
  if not prog or not plain then
    common.fail("::: adds needs program= and plain= (the lesson's file and its plain one)")
  end
  local ptext = table.concat(common.read_lines(prog, "::: adds"), "\n")
  local qtext = table.concat(common.read_lines(plain, "::: adds"), "\n")
  local opts = program_options(common.read_lines(prog, "::: adds"))
  local named = {}
  div:walk({
    Code = function(c)
      local o = c.text:match("^%-%-([%l%-]+)")
      if o then
        if not opts[o] then
          common.fail("::: adds (" .. prog .. "): it takes no --" .. o)
        end
        named[o] = true
        return
      end
      local word, call = c.text:gsub("%(%)$", "")
      if not ptext:find(word, 1, true) then
        common.fail("::: adds (" .. prog .. "): `" .. c.text .. "` is not in it")
      end
      if call == 0 and qtext:find(word, 1, true) then
        common.fail("::: adds (" .. prog .. "): `" .. c.text .. "` is in " ..
          plain .. " too: it is nothing the lesson's program adds")
      end
    end,
  })
  -- (--host and --port, which every program from lesson 02 on takes,
  -- the appendix's first paragraph names once for all)
  for o in pairs(opts) do
    if not named[o] and o ~= "host" and o ~= "port" then
      common.fail("::: adds (" .. prog .. "): it does not name --" .. o ..
        ", an option the program takes")
    end
  end
end

-- On paper, a section {.screen-only} is left out, with its subsections:
-- the tools appendix's lesson programs, whose listings the paper does not print
-- (the HTML and the EPUB print them whole). What stays is its note: a
-- paragraph that starts with the heading's words in bold, run in, and
-- goes on with the section's ::: adds ("Lesson 01's program. It asks
-- each socket ..."). The heading was unnumbered in every edition, so
-- the numbers of the sections stay the same. Its anchor stays too, so
-- that links to it land on the note.
function M.drop_screen_only(blocks)
  local out, skip, head = pandoc.List(), nil, nil
  for _, b in ipairs(blocks) do
    if b.t == "Header" and skip and b.level <= skip then
      skip, head = nil, nil
    end
    if not skip and b.t == "Header" and b.classes:includes("screen-only") then
      skip, head = b.level, b
    elseif skip then
      if head and b.t == "Div" and b.classes:includes("adds") and
        b.content[1] and b.content[1].t == "Para" then
        local title = pandoc.List(head.content):clone()
        title:insert(pandoc.Str("."))
        local inl = pandoc.List({
          pandoc.RawInline("latex", "\\phantomsection\\hypertarget{" ..
            head.identifier .. "}{}\\label{" .. head.identifier .. "}"),
          pandoc.Strong(title), pandoc.Space() })
        inl:extend(b.content[1].content)
        out:insert(pandoc.Para(inl))
        head = nil
      end
    else
      out:insert(b)
    end
  end
  return out
end

function M.blocks(blocks)
  local out = pandoc.List()
  local i = 1
  local after_part = false
  while i <= #blocks do
    local b = blocks[i]
    -- On paper a part's page goes on with its first chapter: no page of
    -- its own for a few lines of introduction (layout.lua: {.runon}).
    if after_part and b.t == "Header" and b.level == 1 then
      after_part = false
      if latex() and not b.classes:includes("part") then
        b.classes:insert("runon")
      end
    end
    if b.t == "Header" and b.level == 1 and b.classes:includes("part") then
      after_part = true
      if latex() then
        local title = latex_escape(pandoc.utils.stringify(b.content))
        out:insert(pandoc.RawBlock("latex",
          "\\clearpage\\phantomsection\\label{" .. b.identifier .. "}" ..
          "\\addcontentsline{toc}{part}{" .. title .. "}\n" ..
          "\\ssparthead{" .. title .. "}"))
      else
        out:insert(b)
      end
    elseif b.t == "Header" and b.level == 1 and b.attributes["number"] then
      out:insert(b)
      local sections = {}
      local j = i + 1
      while j <= #blocks and not (blocks[j].t == "Header" and
        blocks[j].level == 1) do
        if blocks[j].t == "Header" and blocks[j].level == 2 and
          blocks[j].identifier ~= "" and
          not blocks[j].classes:includes("unlisted") then
          sections[#sections + 1] = blocks[j]
        end
        j = j + 1
      end
      -- ({.no-contents}: a chapter of short sections, each a few lines,
      -- the whole read in a page or two, as the pitfalls are.) A short
      -- chapter has none either: three sections or fewer, or an appendix
      -- of no more text than two pages hold (SHORT_CHAPTER; "On Linux", six
      -- sections on two pages, spent four lines on a list a reader takes
      -- in at a glance of its headings). On screen every lesson keeps
      -- its own, the shortest too (lesson 01): links to go ahead by. On
      -- paper no lesson has one: a lesson is read top to bottom, its
      -- sections are the same in every lesson, and readers (r36, r40)
      -- found the line of pages noise at each chapter's head; an
      -- appendix, looked things up in, keeps its own.
      -- What is printed counts, so not a {.screen} block (its tables are
      -- one sentence on paper: "The checks" of the tools appendix has 865
      -- words of them).
      local chars = 0
      for k = i + 1, j - 1 do
        if not (blocks[k].t == "Div" and blocks[k].classes:includes("screen")) then
          blocks[k]:walk({ Str = function(el) chars = chars + utf8.len(el.text) + 1 end })
        end
      end
      local short = #sections <= 3 or
        (not numbers.is_lesson(b) and chars < SHORT_CHAPTER)
      local lesson_on_paper = numbers.is_lesson(b) and latex()
      if not short and not lesson_on_paper and
          not b.classes:includes("no-contents") then
        out:insert(chapter_contents(sections))
      end
    else
      out:insert(b)
    end
    i = i + 1
  end
  return out
end

return M
