--[[
filters/common.lua - what every part of docs/include.lua uses: the
settings from the metadata, failing the build with a message, the output
format, reading a file, escaping text for LaTeX. Loaded with require from
include.lua and from the other modules here (one copy, so the settings
are shared).
]]

local M = {}

-- docs/, where include.lua (and listing.lua) are.
M.dir = PANDOC_SCRIPT_FILE:match("^(.*/)") or "./"

-- Set by include.lua from the metadata (mk/handout.mk gives them).
M.settings = {
  runs_dir = "build/runs",
  diagram_dir = "build/handout",
  -- The pictures of real runs (mk/pictures.mk): NAME.pdf and NAME.txt.
  picture_dir = "build/pictures",
  repo_url = "",
  -- (EPUB only) the file the raw HTML blocks go to: see M.epub_raw
  raw_blocks = nil,
  -- (HTML and EPUB) the file of highlighted code blocks they share: see
  -- code_block_html in layout.lua
  code_cache = nil,
  -- Which of the two documents made from docs/ this is: "student" (the
  -- student's book, build/handout.*) or "lecturers" (the lecturer's
  -- manual, build/lecturers.*); the other one's name, its HTML file and
  -- its sources, for links from one to the other (numbers.lua).
  book = "student",
  other_book = nil,
  other_html = nil,
  other_sources = {},
  -- true in a students' copy (git archive), which has no manual's
  -- sources: a link to it names the manual, with no link and no place.
  other_absent = false,
}

function M.fail(msg)
  io.stderr:write("include.lua: " .. msg .. "\n")
  os.exit(1)
end

function M.latex()
  return FORMAT:match("latex") ~= nil
end

function M.html()
  return FORMAT:match("html") ~= nil
end

function M.read_lines(path, what)
  local f = io.open(path, "r")
  if not f then
    M.fail(what .. ": cannot read " .. path)
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
function M.latex_escape(s)
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

-- pandoc 2.17's EPUB writer reads every raw HTML block with tagsoup
-- twice, for the images it must pack and for the ids its links must
-- name a chapter file for, and writes it out again: for the listings and
-- transcripts, some 1.8 MB of HTML, that was a third of the EPUB's build.
-- So in an EPUB a raw HTML block whose only ids are its first element's
-- and, inside a listing, its lines' (that id, "-", a number) stands as a
-- placeholder that keeps the first id, <div id="ID" data-ss-raw="N"></div>;
-- its HTML goes to the file settings.raw_blocks names (M.write_raw), and
-- docs/epub-finish.py puts it back in the chapter files as written here,
-- as the HTML page has it (tagsoup wrote "'" as "&#39;" and a line break
-- inside a tag as a space). A link to the id still finds its chapter;
-- nothing in these blocks is an image.
local raw_kept = {}

local function placeholder(id, n)
  return '<div' .. (id and (' id="' .. id .. '"') or "") ..
    ' data-ss-raw="' .. n .. '"></div>'
end

function M.epub_raw(el)
  if not M.settings.raw_blocks or not FORMAT:match("epub") or
      el.format ~= "html" or el.text:find("data-ss-raw=", 1, true) then
    return nil
  end
  local first = el.text:match("^%s*<[^>]*>") or ""
  local id = first:match('%sid="([^"]*)"')
  for other in el.text:gmatch('%sid="([^"]*)"') do
    if other ~= id and not (id and other:sub(1, #id + 1) == id .. "-" and
        other:sub(#id + 2):match("^%d+$")) then
      return nil
    end
  end
  if el.text:find("<img", 1, true) or (id and id:find('[<>&"]')) then
    return nil
  end
  raw_kept[#raw_kept + 1] = el.text
  return pandoc.RawBlock("html", placeholder(id, #raw_kept))
end

-- The kept blocks, each as its number, its length in bytes and its text:
-- "N LENGTH\nTEXT\n".
function M.write_raw()
  if not M.settings.raw_blocks then
    return
  end
  local f = io.open(M.settings.raw_blocks, "wb")
  if not f then
    M.fail("cannot write " .. M.settings.raw_blocks)
  end
  for n, text in ipairs(raw_kept) do
    f:write(n, " ", #text, "\n", text, "\n")
  end
  f:close()
end

return M
