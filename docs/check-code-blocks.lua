--[[
check-code-blocks.lua - used by docs/check-code-blocks.sh: pandoc runs it
once, on an empty document, and it reads and checks each Markdown file
named in CHECK_FILES itself, parsed by pandoc.read as `pandoc --from
markdown` would parse it alone (so every fence style counts). One pandoc
for all the files, not one each: it starts three times in every build and
test run.

Reports, one line each on stderr, then exits 1 if there was any:
  - a C code block (```c, ~~~c, ```{.c}, ``` C, ```cpp ...) without include=
  - a code block of no language, or of a language that is not a known
    non-C one, whose text looks like C (#include, a statement ending in ';',
    a declaration)
  - a raw HTML or LaTeX block that carries code (<pre>, verbatim, listings)
  - include= of C from anywhere but lessons/, of Python from anywhere but
    docs/python/, of a file that does not exist (any more), or in a block
    of another language
  - region= (no longer made: lines= with contains=, or function=, pin a
    part), lines= outside the file, function= naming no function of the
    file, contains= naming a string that is not in the included lines;
    the same for lines named in running text, []{include=PATH lines=...}
  - an excerpt (lines= or function=) of a Part II lesson program, in a
    Part II chapter, with a say() or heading() in it, without {.quiet}
  - run=, lines=, function= or contains= where they mean nothing
  - a shell or Python line in a code block longer than 80 characters, or
    a command in running text (`build/...`, `nc ...`) longer than 60: a
    command the reader copies must not wrap on paper

Environment: CHECK_ROOT, the directory include= paths are relative to;
CHECK_FILES, the Markdown files to check, one per line.
]]

-- Shared with the other filter: docs/listing.lua, next to this file.
local listing = dofile((PANDOC_SCRIPT_FILE:match("^(.*/)") or "./") .. "listing.lua")

local root = os.getenv("CHECK_ROOT") or "."
local file = "?" -- the file being checked, for the messages
local problems = 0

local C_CLASSES = { c = true, C = true, h = true, cpp = true, ["c++"] = true,
  objc = true, cc = true }
-- Languages that may be written in docs/: none of them is C.
local OTHER = { python = true, py = true, sh = true, bash = true,
  console = true, shell = true, text = true, output = true, make = true,
  makefile = true, dot = true, yaml = true }

-- Words a line of C declarations starts with.
local C_TYPES = { int = true, void = true, char = true, struct = true,
  static = true, const = true, unsigned = true, long = true, ssize_t = true,
  size_t = true, socklen_t = true, typedef = true, enum = true }

local function report(msg)
  io.stderr:write(file .. ": " .. msg .. "\n")
  problems = problems + 1
end

local function first_line(text)
  return (text:match("^[^\n]*") or ""):sub(1, 60)
end

local function looks_like_c(text)
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    if line:match("^%s*#%s*include%s*[<\"]") or
      line:match("^%s*#%s*define%s") or
      line:match("%)%s*;%s*$") or
      line:match("^%s*[%w_]+%s*=%s*.-;%s*$") or
      line:match("^%s*return%s.-;%s*$") or
      C_TYPES[line:match("^%s*([%a_]+)%s") or ""] or
      line:match("^%s*[%a_][%w_%s%*]*%(.*%)%s*{%s*$") then
      return true, line
    end
  end
  return false
end

local function read_file(path)
  return listing.read_file(root .. "/" .. path)
end

local function lines_of(text)
  local lines = {}
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    lines[#lines + 1] = line
  end
  if lines[#lines] == "" then
    lines[#lines] = nil
  end
  return lines
end

local function check_include(el)
  local path = el.attributes["include"]
  local ext = path:match("%.(%w+)$")
  local c_file = ext == "c" or ext == "h"
  if c_file and not path:match("^lessons/") then
    report('include="' .. path .. '": C is included only from lessons/')
  elseif ext == "py" and not path:match("^docs/python/") then
    report('include="' .. path .. '": Python is included only from docs/python/')
  elseif not c_file and ext ~= "py" then
    report('include="' .. path .. '": only C from lessons/ and Python from ' ..
      "docs/python/ are included")
  end
  for _, c in ipairs(el.classes) do
    if (C_CLASSES[c] and not c_file) or (c == "python" and ext ~= "py") then
      report('include="' .. path .. '" in a {.' .. c .. '} block')
    end
  end
  local text = read_file(path)
  if not text then
    report('include="' .. path .. '": no such file')
    return
  end
  if el.attributes["region"] then
    report('include="' .. path .. '" region="' .. el.attributes["region"]
      .. '": region= is no longer made; pin the part with lines= and '
      .. 'contains=, or function=')
  end
  local lines = lines_of(text)
  local first, last = 1, #lines
  local spec = el.attributes["lines"]
  if spec then
    local a, b = spec:match("^%s*(%d+)%s*%-%s*(%d+)%s*$")
    a, b = tonumber(a), tonumber(b)
    if not a or a < 1 or b < a or b > #lines then
      report('include="' .. path .. '" lines="' .. spec .. '": not a range of ' ..
        "the file's " .. #lines .. " lines")
      return
    end
    first, last = a, b
    local problem = listing.pin_problem(lines, first, last,
      el.attributes["sha1"])
    if problem then
      report('include="' .. path .. '" lines="' .. spec .. '": ' .. problem)
    end
  end
  local fn = el.attributes["function"]
  if fn then
    first, last = listing.function_range(lines, fn)
    if not first then
      report('include="' .. path .. '" function="' .. fn .. '": no such function')
      return
    end
  end
  local must = el.attributes["contains"]
  if must then
    local part = table.concat(lines, "\n", first, last)
    for want in (must .. "|"):gmatch("([^|]*)|") do
      if want ~= "" and not part:find(want, 1, true) then
        report('include="' .. path .. '" contains="' .. must .. '": "' .. want ..
          '" is not in the included lines any more')
      end
    end
  end
  -- A Part II excerpt (its chapter's, or the appendix of Part II's lesson
  -- programs) shows the code as a student's own program has it: a part
  -- of a lesson program with say() or heading() in it takes {.quiet},
  -- which leaves them out (include.lua).
  local function part_2(s)
    return s:match("^1%d%-") or s:match("^20%-")
  end
  if el.tag == "CodeBlock" and (el.attributes["lines"] or fn) and
      (part_2(file:match("([^/]*)$")) or file:match("programs%-2%.md$")) and
      part_2(path:match("^lessons/(.*)$")) and
      not el.classes:includes("quiet") then
    local narr = listing.narration_lines(lines)
    for i = first, last do
      if narr[i] then
        report('include="' .. path .. '" ' .. first .. "-" .. last .. ": line " .. i ..
          " narrates (say(), heading()): a Part II excerpt takes {.quiet}")
        break
      end
    end
  end
end

-- Commands and Python the reader may copy: no line wider than the page.
local WIDE = { sh = true, bash = true, shell = true, console = true,
  python = true, py = true }
local MAX_COLUMNS = 80

local function check_width(el)
  for _, c in ipairs(el.classes) do
    if WIDE[c] then
      for i, line in ipairs(lines_of(el.text)) do
        if utf8.len(line) and utf8.len(line) > MAX_COLUMNS then
          report("a " .. c .. " line of " .. utf8.len(line) .. " characters (at most " ..
            MAX_COLUMNS .. " fit on paper without wrapping): " .. first_line(line))
        end
      end
      return
    end
  end
end

function CodeBlock(el)
  if el.attributes["include"] then
    check_include(el)
    return nil
  end
  for _, a in ipairs({ "lines", "function", "contains" }) do
    if el.attributes[a] then
      report(a .. '="' .. el.attributes[a] .. '" without include=')
    end
  end
  check_width(el)
  if el.attributes["run"] then
    if not el.classes:includes("output") then
      report('run= on a block that is not {.output}')
    end
    return nil
  end
  local lang
  for _, c in ipairs(el.classes) do
    if C_CLASSES[c] then
      report("a C code block that is not an include from lessons/ (```" .. c ..
        "): " .. first_line(el.text))
      return nil
    end
    if OTHER[c] then
      lang = c
    end
  end
  if not lang then
    local c, line = looks_like_c(el.text)
    if c then
      report("a code block that looks like C but is not an include from " ..
        "lessons/: " .. line)
    end
  end
  return nil
end

-- A command in running text that is too long to stay on one line on
-- paper: the reader would copy it broken in two.
local COMMAND_WORDS = { "build/", "nc ", "ss ", "python3 ", "sudo ", "make ",
  "scripts/", "./", "grep ", "ip ", "head ", "seq ", "printf ", "cc ",
  "git ", "ls ", "sysctl ", "nstat ", "netstat " }
local LONGEST_COMMAND = 60 -- include.lua keeps these on one line

function Code(el)
  local t = el.text
  if utf8.len(t) and utf8.len(t) > LONGEST_COMMAND then
    for _, w in ipairs(COMMAND_WORDS) do
      if t:sub(1, #w) == w then
        report("a command of " .. utf8.len(t) .. " characters in running text " ..
          "(at most " .. LONGEST_COMMAND .. " stay on one line): put it in a " ..
          "```sh block: " ..
          first_line(t))
        return nil
      end
    end
  end
  return nil
end

-- Lines of a lesson named in running text: checked as a listing's are.
function Span(el)
  if el.attributes["include"] then
    check_include(el)
  end
  return nil
end

function RawBlock(el)
  local t = el.text
  if t:match("<pre") or t:match("\\begin{verbatim}") or t:match("\\begin{Verbatim}")
    or t:match("\\begin{lstlisting}") or t:match("\\lstinputlisting")
    or t:match("\\begin{minted}") or t:match("\\VerbatimInput") then
    report("a raw " .. el.format .. " block with a code listing in it: " ..
      first_line(t))
  end
  return nil
end

function Pandoc(doc)
  local list = os.getenv("CHECK_FILES") or ""
  for name in list:gmatch("[^\n]+") do
    file = name
    local f = io.open(name, "r")
    if not f then
      report("cannot be read")
    else
      local text = f:read("a")
      f:close()
      pandoc.read(text, "markdown"):walk({ CodeBlock = CodeBlock, Code = Code,
        Span = Span, RawBlock = RawBlock })
    end
  end
  if problems > 0 then
    os.exit(1)
  end
  return nil
end
