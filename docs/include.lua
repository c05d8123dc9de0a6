--[[
include.lua - pandoc filter that puts the real lesson code, the real run
transcripts and the rendered diagrams into the handout.

  ```{.c include="lessons/04-accept/accept.c"}
  ```
      the whole file
  ```{.c include="lessons/04-accept/accept.c" region="accept"}
  ```
      the lines between "/* region: accept */" and "/* endregion: accept */"

  Included code is numbered with the file's own line numbers. Region marker
  lines are dropped: where one sits inside the included lines, the listing
  is split there so that every number stays the real line number.

  ```{.output run="04-accept"}
  ```
      build/runs/04-accept.txt as written by docs/runs.sh
  ```{.output run="04-accept" from="^listen%(" to="^getsockname"}
  ```
      an excerpt: from the first line that matches the Lua pattern `from`
      to the first line after it that matches `to` (or, without `to`, the
      `from` line alone), each with the indented lines of narration that
      follow it

  ![caption](tcp-sequence.dot)
      the diagram rendered by the build (PDF for LaTeX, SVG otherwise)

A missing file, region, transcript or diagram stops the build with a
message naming it. A C code block that is not an include stops it too: no C
is pasted into docs/.

Paths are relative to the repository root (the make runs pandoc there).
Metadata (set by mk/handout.mk): runs-dir (default build/runs) and
diagram-dir (default build/handout).
]]

local runs_dir = "build/runs"
local diagram_dir = "build/handout"

local C_CLASSES = { c = true, C = true, h = true, cpp = true, ["c++"] = true }

local function fail(msg)
  io.stderr:write("include.lua: " .. msg .. "\n")
  os.exit(1)
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

local function escape_pattern(s)
  return (s:gsub("[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0"))
end

-- "region" or "endregion" and the name, if the line is a marker.
local function marker(line)
  local kind, name = line:match("^%s*/%*%s*(e?n?d?region):%s*([%w_%-]+)%s*%*/%s*$")
  if kind == "region" or kind == "endregion" then
    return kind, name
  end
  return nil
end

-- The [first, last] line range of a region, both markers excluded.
local function find_region(lines, path, name)
  local first, last
  for i, line in ipairs(lines) do
    local kind, n = marker(line)
    if n == name then
      if kind == "region" then
        if first then
          fail(path .. ': region "' .. name .. '" begins twice (line ' ..
            (first - 1) .. " and line " .. i .. ")")
        end
        first = i + 1
      elseif kind == "endregion" then
        if not first then
          fail(path .. ': "endregion: ' .. name .. '" on line ' .. i ..
            ' comes before its "region: ' .. name .. '"')
        end
        if last then
          fail(path .. ': region "' .. name .. '" ends twice')
        end
        last = i - 1
      end
    end
  end
  if not first then
    fail('include="' .. path .. '" region="' .. name .. '": no line "/* region: '
      .. name .. ' */" in ' .. path)
  end
  if not last then
    fail('include="' .. path .. '" region="' .. name .. '": no line "/* endregion: '
      .. name .. ' */" in ' .. path)
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

-- The caption above a listing: "lessons/04-accept/accept.c, lines 103-151".
local function listing_caption(path, region, first, last)
  local where
  if first == last then
    where = "line " .. first
  else
    where = "lines " .. first .. "\u{2013}" .. last
  end
  local inlines = { pandoc.Code(path), pandoc.Str(","), pandoc.Space(),
    pandoc.Str(where) }
  if region then
    inlines[#inlines + 1] = pandoc.Space()
    inlines[#inlines + 1] = pandoc.Str("(region")
    inlines[#inlines + 1] = pandoc.Space()
    inlines[#inlines + 1] = pandoc.Code(region)
    inlines[#inlines + 1] = pandoc.Str(")")
  end
  if FORMAT:match("latex") then
    table.insert(inlines, 1, pandoc.RawInline("latex", "\\listingcaption{"))
    inlines[#inlines + 1] = pandoc.RawInline("latex", "}")
    return pandoc.Plain(inlines)
  end
  return pandoc.Div({ pandoc.Plain(inlines) }, pandoc.Attr("", { "listing-caption" }))
end

local function include_code(el)
  local path = el.attributes["include"]
  local region = el.attributes["region"]
  local lines = read_lines(path, 'include="' .. path .. '"')
  local first, last = 1, #lines
  if region then
    first, last = find_region(lines, path, region)
  end
  if last < first then
    fail('include="' .. path .. '" region="' .. tostring(region) .. '" is empty')
  end

  local classes = {}
  local lang = language_of(path)
  if lang then
    classes[#classes + 1] = lang
  end
  for _, c in ipairs(el.classes) do
    if not C_CLASSES[c] and c ~= lang and c ~= "numberLines" then
      classes[#classes + 1] = c
    end
  end
  classes[#classes + 1] = "numberLines"

  -- Split at marker lines (dropped) so that numbers stay the file's own.
  local blocks = { listing_caption(path, region, first, last) }
  local chunk, start = {}, nil
  local function flush()
    if start then
      local attrs = { startFrom = tostring(start) }
      blocks[#blocks + 1] = pandoc.CodeBlock(table.concat(chunk, "\n"),
        pandoc.Attr("", classes, attrs))
    end
    chunk, start = {}, nil
  end
  for i = first, last do
    if marker(lines[i]) then
      flush()
    else
      if not start then
        start = i
      end
      chunk[#chunk + 1] = lines[i]
    end
  end
  flush()
  return pandoc.Div(blocks, pandoc.Attr(el.identifier, { "listing" }))
end

-- For a title in typewriter type: the characters TeX treats specially,
-- and those a font would turn into ligatures or curly quotes.
local function latex_escape(s)
  return (s:gsub("[\\{}$&#^_%%~%-'`]", function(c)
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
    end
    return "\\" .. c
  end))
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
  local title = el.attributes["title"] or ("build/runs/" .. name .. ".txt")
  local from, to = el.attributes["from"], el.attributes["to"]
  if from or to then
    local first, last
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
    if not el.attributes["title"] then
      -- Name the run by its command line, the transcript's first line.
      title = (lines[1]:match("^%$ (.*)") or title)
    end
    lines = table.move(lines, first, last, 1, {})
    title = title .. " (excerpt)"
  end
  local text = table.concat(lines, "\n")

  if FORMAT:match("latex") then
    if text:find("\\end{Verbatim}", 1, true) then
      fail(path .. ' contains "\\end{Verbatim}"')
    end
    return pandoc.RawBlock("latex",
      "\\begin{terminal}{" .. latex_escape(title) .. "}\n" ..
      "\\begin{Verbatim}[breaklines,breakanywhere,fontsize=\\footnotesize]\n" ..
      text .. "\n\\end{Verbatim}\n\\end{terminal}")
  end
  return pandoc.Div({
    pandoc.Div({ pandoc.Plain({ pandoc.Str(title) }) },
      pandoc.Attr("", { "terminal-title" })),
    pandoc.CodeBlock(text, pandoc.Attr("", { "output" })),
  }, pandoc.Attr(el.identifier, { "terminal" }))
end

local function is_c_block(el)
  for _, c in ipairs(el.classes) do
    if C_CLASSES[c] then
      return true
    end
  end
  return false
end

return {
  {
    Meta = function(meta)
      if meta["runs-dir"] then
        runs_dir = pandoc.utils.stringify(meta["runs-dir"])
      end
      if meta["diagram-dir"] then
        diagram_dir = pandoc.utils.stringify(meta["diagram-dir"])
      end
    end,
  },
  {
    CodeBlock = function(el)
      if el.attributes["include"] then
        return include_code(el)
      end
      if el.attributes["region"] then
        fail('region="' .. el.attributes["region"] .. '" without include=')
      end
      if el.attributes["run"] then
        return include_run(el)
      end
      if is_c_block(el) then
        local first = el.text:match("^[^\n]*") or ""
        fail("a C code block without include= (no C is pasted into docs/; " ..
          "include it from lessons/): " .. first)
      end
      return nil
    end,

    -- ::: small ... ::: : a group set in a smaller font on paper.
    Div = function(el)
      if el.classes:includes("small") and FORMAT:match("latex") then
        local blocks = { pandoc.RawBlock("latex", "\\begin{smallgroup}") }
        for _, b in ipairs(el.content) do
          blocks[#blocks + 1] = b
        end
        blocks[#blocks + 1] = pandoc.RawBlock("latex", "\\end{smallgroup}")
        return blocks
      end
      return nil
    end,

    Image = function(el)
      local base = el.src:match("^([%w_%-]+)%.dot$")
      if not base then
        return nil
      end
      local ext = FORMAT:match("latex") and "pdf" or "svg"
      local path = diagram_dir .. "/" .. base .. "." .. ext
      local f = io.open(path, "r")
      if not f then
        fail("diagram " .. el.src .. ": " .. path .. " has not been rendered " ..
          "(mk/handout.mk renders docs/*.dot)")
      end
      f:close()
      el.src = path
      return el
    end,
  },
}
