--[[
filters/index.lua - the index. docs/index.txt says, for each call,
option, flag, errno name, TCP state and term, the sections that teach
it, and which of them is its main place. In each of those sections the
index points to the first mention: a name in inline code (`bind()`,
`bind(fd, ...)` and `bind` are one entry), a term in a paragraph, or,
when the prose does not name it, the first line of a listing printed
there that does. A section that names it nowhere stops the build. The
glossary's terms the table lists are indexed where they are defined too. On paper
each place gets a LaTeX \index entry (imakeidx; the main place's page
in bold); on screen an anchor, and an "Index" section at the end links
to them by section number, the main one in bold.
]]

local common = require("filters.common")
local latex, latex_escape, fail = common.latex, common.latex_escape, common.fail

local M = {}

local TABLE_FILE = "docs/index.txt"

-- entries[key] = { key, code = true|false, places = { {id, main} ... },
--   where = { {label, id, main} ... } (screen) }
local entries = {}
local order = {}

local function entry(key, code)
  local e = entries[key]
  if not e then
    e = { key = key, code = code, places = {}, where = {} }
    entries[key] = e
    order[#order + 1] = key
  end
  return e
end

-- docs/index.txt: "`TERM` | PLACE PLACE ..." (code) or "TERM | ...",
-- a place being a section's id, "*" before the main one.
local function load_table()
  local lines = common.read_lines(TABLE_FILE, "the index")
  for n, line in ipairs(lines) do
    if not line:match("^%s*#") and line:match("%S") then
      local term, places = line:match("^%s*(.-)%s*|%s*(.-)%s*$")
      if not term or term == "" or places == "" then
        fail(TABLE_FILE .. ":" .. n .. ": write TERM | PLACE PLACE ...")
      end
      local code = term:match("^`(.*)`$")
      local e = entry(code or term, code ~= nil)
      if #e.places > 0 then
        fail(TABLE_FILE .. ":" .. n .. ": " .. e.key .. " is listed twice")
      end
      local mains = 0
      for p in places:gmatch("%S+") do
        local main = p:sub(1, 1) == "*"
        -- (ID:WORDS: the mention there is a sub-entry, WORDS its words,
        -- "_" for a space, "\_" for an underscore: "l05-call:by_a_client",
        -- "l11-call:IPV6\_V6ONLY")
        local id, sub = (main and p:sub(2) or p):match("^([^:]+):?(.*)$")
        if sub ~= "" then
          sub = sub:gsub("\\_", "\1"):gsub("_", " "):gsub("\1", "_")
        end
        e.places[#e.places + 1] = { id = id, main = main,
          sub = sub ~= "" and sub or nil }
        mains = mains + (main and 1 or 0)
      end
      if mains ~= 1 then
        fail(TABLE_FILE .. ":" .. n .. ": " .. e.key ..
          " needs one main place, marked with *")
      end
    end
  end
end

-- The entry a piece of inline code stands for: a call written with its
-- arguments or without parentheses is the call.
local function code_key(text)
  local e = entries[text]
  if e and e.code then
    return text
  end
  -- (a call, a call with its arguments, a declaration "int bind(...);")
  local name = text:match("^([%a_][%w_]*)%(.*%)$") or text:match("^([%a_][%w_]*)$") or
    text:match("^[%a_][%w_ ]*[%s%*]([%a_][%w_]*)%(.*%);?$")
  if name and entries[name .. "()"] then
    return name .. "()"
  end
  return nil
end

-- On paper: the \index command. A name in code is shown in the code
-- font, through \SSidxcode (preamble.tex), a robust command. From
-- inside another command's argument (a glossary term) it reaches the
-- .idx file as "\SSidxcode  {...}"; docs/pdflatex-until-stable.sh
-- makes that one spelling, or makeindex would list the name twice. The main
-- place's page is bold (docs/pdflatex-until-stable.sh drops a plain
-- mention of the same page, which makeindex would print beside it).
local function latex_entry(key, main, sub, code)
  local shown = latex_escape(key)
  if code then
    shown = "\\SSidxcode{" .. shown .. "}"
  end
  -- makeindex's own characters are quoted with ".
  local sort = key:gsub('(["!@|])', '"%1')
  shown = shown:gsub('(["!@|])', '"%1')
  if sub then
    -- a sub-entry, under the term: "bind() / port 0"
    sort = sort .. "@" .. shown .. "!" .. sub:gsub('(["!@|])', '"%1')
    shown = latex_escape(sub):gsub('(["!@|])', '"%1')
  end
  -- (\leavevmode first: an entry at a paragraph's start would otherwise
  -- go to the page above it, before the paragraph, and so to the page
  -- before when a page ends there: fcntl() in lesson 20 was indexed on
  -- p. 87, its mention on p. 88.)
  return "\\leavevmode\\index{" .. sort .. "@" .. shown .. (main and "|textbf" or "") .. "}"
end

local count = 0
local function new_id()
  count = count + 1
  return "ix-" .. count
end

-- What a place is called in the index on screen: its section's number
-- ("7.5"), else its chapter's ("E"), else its chapter's title.
local labels = {}

-- Note a place of e (screen).
local positions = {}
local function note(e, place, id)
  e.where[#e.where + 1] = { label = labels[place.id] ..
    (place.sub and " (" .. place.sub .. ")" or ""), id = id, main = place.main,
    pos = positions[place.id] }
end

-- Find and mark e's first mention in BLOCKS (those of one section);
-- true when found.
local function mark_prose(e, place, blocks)
  local done = false
  local function in_inlines(inl)
    if done then
      return nil
    end
    for i, il in ipairs(inl) do
      if e.code and il.t == "Code" and (code_key(il.text) == e.key or
          il.text:match("= %-1 ([%u%d]+)") == e.key) then
        done = true
        if latex() then
          -- Before the code, not after: the page it starts on. After a
          -- prototype that wrapped over a page break (setsockopt()'s,
          -- in lesson 07), the mark went with its last line, to page 31
          -- on the first run (its references "??") and to page 30 on the
          -- second, and a book built from nothing took a third run.
          inl:insert(i, pandoc.RawInline("latex", latex_entry(e.key, place.main, place.sub, e.code)))
        else
          local id = new_id()
          inl[i] = pandoc.Span({ il }, pandoc.Attr(id))
          note(e, place, id)
        end
        return inl
      end
    end
    return nil
  end
  local function in_para(b)
    if done or e.code then
      return nil
    end
    -- (a typographic apostrophe reads as the index's plain one)
    local text = pandoc.utils.stringify(b):lower():gsub("\u{2019}", "'")
    if text:find(e.key:lower(), 1, true) then
      done = true
      if latex() then
        b.content:insert(1, pandoc.RawInline("latex", latex_entry(e.key, place.main, place.sub, e.code)))
      else
        local id = new_id()
        b.content:insert(1, pandoc.Span({}, pandoc.Attr(id)))
        note(e, place, id)
      end
      return b
    end
    return nil
  end
  for i, b in ipairs(blocks) do
    if done then
      break
    end
    local listing = b.t == "Div" and b.classes:includes("listing")
    if b.t ~= "Header" and b.t ~= "CodeBlock" and b.t ~= "RawBlock" and not listing then
      -- (walk_block does not hand the block itself to its filter)
      local top = (b.t == "Para" or b.t == "Plain") and in_para(b) or b
      blocks[i] = pandoc.walk_block(top, { Inlines = in_inlines, Para = in_para,
        Plain = in_para })
    end
  end
  return done
end

-- The first line of a listing printed in BLOCKS that names e (on paper
-- the listing's LaTeX, on screen its code blocks outside the folded
-- whole program); true when found.
local function mark_listing(e, place, blocks)
  if not e.code then
    return false
  end
  local name = e.key:gsub("%(%)$", "")
  for _, b in ipairs(blocks) do
    if b.t == "Div" and b.classes:includes("listing") then
      local folded = false
      for j, c in ipairs(b.content) do
        if c.t == "RawBlock" and c.format == "html" then
          folded = c.text:match("^<details") ~= nil or
            (folded and not c.text:match("^</details>"))
        elseif latex() and c.t == "RawBlock" and c.format == "latex" and
            c.text:match("\\begin{Highlighting}") then
          local want = latex_escape(name)
          local lines, found = {}, false
          for line in (c.text .. "\n"):gmatch("([^\n]*)\n") do
            -- (a line of code, not the environment's \begin or \end;
            -- a line may start with a macro: \NormalTok, \SScall)
            if not found and not line:match("^\\begin{") and
                not line:match("^\\end{") then
              local s, f = line:find(want, 1, true)
              if s and not line:sub(f + 1, f + 1):match("[%w_]") and
                  not line:sub(s - 1, s - 1):match("[%w_]") then
                found = true
                line = line .. latex_entry(e.key, place.main, place.sub, e.code)
              end
            end
            lines[#lines + 1] = line
          end
          if found then
            b.content[j] = pandoc.RawBlock("latex", table.concat(lines, "\n"))
            return true
          end
        elseif not latex() and not folded and c.t == "CodeBlock" then
          for line in (c.text .. "\n"):gmatch("([^\n]*)\n") do
            local s, f = line:find(name, 1, true)
            if s and not line:sub(f + 1, f + 1):match("[%w_]") and
                not line:sub(s - 1, s - 1):match("[%w_]") then
              if b.identifier == "" then
                b.identifier = new_id()
              end
              note(e, place, b.identifier)
              return true
            end
          end
        end
      end
    end
  end
  return false
end

-- The first transcript in BLOCKS with a call line of e (a call); on
-- paper its entry goes where the transcript starts. True when found.
local function mark_transcript(e, place, blocks)
  local name = e.key:match("^(.*)%(%)$")
  if not name then
    return false
  end
  for i, b in ipairs(blocks) do
    if b.t == "RawBlock" and (b.text:match("^\\begin{terminal}") or
        b.text:match('^<div id="[^"]*" class="terminal">')) and
        (b.text:find("[\n>]" .. name:gsub("_", "%%_") .. "%(") or
          -- (on paper a call line is in \SSTcall{}, filters/transcripts.lua)
          b.text:find("\n\\SST%a+{" .. name:gsub("_", "%%_") .. "%(")) then
      if latex() then
        local text = b.text:gsub("(\\hypertarget{[^}]*}{})", function(t)
          return t .. latex_entry(e.key, place.main, place.sub, e.code)
        end, 1)
        blocks[i] = pandoc.RawBlock("latex", text)
      else
        note(e, place, b.text:match('^<div id="([^"]*)"'))
      end
      return true
    end
  end
  return false
end

-- A section whose heading names e ("recv() returns 0"): its heading, on
-- paper at the start of its first paragraph; true when found.
local function mark_heading(e, place, blocks)
  local h = blocks[1]
  local name = e.key:gsub("%(%)$", "")
  if not (h and h.t == "Header" and h.identifier == place.id and
      pandoc.utils.stringify(h.content):find(name, 1, true)) then
    return false
  end
  if not latex() then
    note(e, place, h.identifier)
    return true
  end
  for _, b in ipairs(blocks) do
    if b.t == "Para" then
      b.content:insert(1, pandoc.RawInline("latex", latex_entry(e.key, place.main, place.sub, e.code)))
      return true
    end
  end
  return false
end

-- The glossary's terms, indexed where they are defined: a definition's
-- term may name several ("`EAGAIN`, `EWOULDBLOCK`"), each its own entry.
local function index_glossary(dl)
  local place_plain = { id = "glossary", main = false }
  for _, item in ipairs(dl.content) do
    local term = item[1]
    local keys, part = {}, pandoc.List()
    local function flush()
      while #part > 0 and part[#part].t == "Space" do
        part:remove(#part)
      end
      while #part > 0 and part[1].t == "Space" do
        part:remove(1)
      end
      if #part == 1 and part[1].t == "Code" then
        keys[#keys + 1] = { code_key(part[1].text) or part[1].text, true }
      elseif #part > 0 then
        -- ("socket", the word, is the entry socket())
        local word = pandoc.utils.stringify(part)
        local call = entries[word .. "()"] and word .. "()"
        keys[#keys + 1] = { call or word, call ~= nil }
      end
      part = pandoc.List()
    end
    for _, il in ipairs(term) do
      if il.t == "Str" and il.text:match(",$") then
        if il.text ~= "," then
          part:insert(pandoc.Str(il.text:sub(1, -2)))
        end
        flush()
      else
        part:insert(il)
      end
    end
    flush()
    local id = not latex() and new_id() or nil
    for _, k in ipairs(keys) do
      -- A term the table does not list is left to the glossary, which is
      -- in order already: an entry that pointed only there would send
      -- the reader round by the index for nothing.
      local e = entries[k[1]]
      if e and #e.places > 0 then
        if latex() then
          term:insert(pandoc.RawInline("latex", latex_entry(e.key, false, nil, e.code)))
        else
          note(e, place_plain, id)
        end
      end
    end
    if id then
      item[1] = { pandoc.Span(term, pandoc.Attr(id)) }
    end
  end
  return dl
end

-- Mark e's place in the blocks IDX of BLOCKS (one section's).
local function place_in(e, place, blocks, idx)
  -- A section's blocks, as a list the marking may change in place.
  local part = pandoc.List()
  for _, i in ipairs(idx) do
    part:insert(blocks[i])
  end
  if not mark_prose(e, place, part) and not mark_listing(e, place, part) and
      not mark_transcript(e, place, part) and not mark_heading(e, place, part) then
    fail(TABLE_FILE .. ": " .. e.key .. ": section {#" .. place.id ..
      "} names it nowhere: drop the place or point to another")
  end
  for n, i in ipairs(idx) do
    blocks[i] = part[n]
  end
end

-- Walk the document (after numbering: chapters and sections carry their
-- number).
function M.blocks(blocks)
  load_table()
  -- The blocks of each section (and chapter), by id.
  local by_id, open = {}, {}
  local chapter_label = ""
  for i, b in ipairs(blocks) do
    if b.t == "Header" then
      for l = b.level, 6 do
        open[l] = nil
      end
      if b.level == 1 then
        chapter_label = b.attributes["number"] or
          pandoc.utils.stringify(b.content):gsub(":.*$", "")
      end
      if b.identifier ~= "" then
        open[b.level] = b.identifier
        by_id[b.identifier] = by_id[b.identifier] or {}
        labels[b.identifier] = b.attributes["number"] or chapter_label
        positions[b.identifier] = i
      end
    end
    for l = 1, 6 do
      if open[l] then
        local list = by_id[open[l]]
        list[#list + 1] = i
      end
    end
  end
  for _, key in ipairs(order) do
    local e = entries[key]
    for _, place in ipairs(e.places) do
      local idx = by_id[place.id]
      -- (a fragment, as the tests build, lacks most sections: only the
      -- whole handout, which has the glossary, must have them all)
      if not idx and by_id["glossary"] then
        fail(TABLE_FILE .. ": " .. key .. ": no section {#" .. place.id .. "}")
      end
      if idx then
        place_in(e, place, blocks, idx)
      end
    end
  end
  -- The glossary.
  local glossary = by_id["glossary"] or {}
  for _, i in ipairs(glossary) do
    blocks[i] = pandoc.walk_block(blocks[i], { DefinitionList = index_glossary })
  end
  return blocks
end

-- The index itself, at the end: on paper LaTeX's, on screen a section
-- of links by section number, the main place in bold.
function M.index_blocks()
  -- (the lecturer's manual, a few chapters, has none)
  if common.settings.book == "lecturers" then
    return pandoc.List()
  end
  if latex() then
    -- (on the page the last chapter ended on, when 10 lines are free;
    -- \ssindexstarts names it in the header of its later pages)
    return { pandoc.RawBlock("latex", "\\begingroup\\ssrunon[10]" ..
      "\\ssindexstarts\\printindex\\endgroup") }
  end
  local keys = {}
  for k in pairs(entries) do
    keys[#keys + 1] = k
  end
  table.sort(keys, function(a, b)
    local la, lb = a:lower():gsub("[^%w]", ""), b:lower():gsub("[^%w]", "")
    if la == lb then
      return a < b
    end
    return la < lb
  end)
  local items = {}
  for _, k in ipairs(keys) do
    local e = entries[k]
    -- in the order of the book
    table.sort(e.where, function(a, b)
      return a.pos < b.pos
    end)
    local inl = { e.code and pandoc.Code(e.key) or pandoc.Str(e.key), pandoc.Str(":") }
    for i, w in ipairs(e.where) do
      if i > 1 then
        inl[#inl + 1] = pandoc.Str(",")
      end
      inl[#inl + 1] = pandoc.Space()
      local link = pandoc.Link({ pandoc.Str(w.label) }, "#" .. w.id)
      inl[#inl + 1] = w.main and pandoc.Strong({ link }) or link
    end
    items[#items + 1] = pandoc.Para(inl)
  end
  return {
    pandoc.Header(1, { pandoc.Str("Index") },
      pandoc.Attr("index", { "unnumbered" })),
    pandoc.Div(items, pandoc.Attr("", { "index" })),
  }
end

return M
