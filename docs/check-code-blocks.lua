--[[
check-code-blocks.lua - used by docs/check-code-blocks.sh on one Markdown
file at a time (pandoc has parsed the fences, whatever their style).

Reports, one line each on stderr, then exits 1 if there was any:
  - a C code block (```c, ~~~c, ```{.c}, ``` C, ```cpp ...) without include=
  - a code block of no language, or of a language that is not a known
    non-C one, whose text looks like C (#include, a statement ending in ';',
    a declaration)
  - a raw HTML or LaTeX block that carries code (<pre>, verbatim, listings)
  - include= naming a file that does not exist, or region= naming a region
    whose "/* region: NAME */" or "/* endregion: NAME */" line is not there
  - run= or region= on a block where it means nothing

Environment: CHECK_ROOT, the directory include= paths are relative to;
CHECK_FILE, the Markdown file's name for the messages.
]]

local root = os.getenv("CHECK_ROOT") or "."
local file = os.getenv("CHECK_FILE") or "?"
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
  local f = io.open(root .. "/" .. path, "r")
  if not f then
    return nil
  end
  local text = f:read("a")
  f:close()
  return text
end

local function has_marker(text, kind, name)
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    local k, n = line:match("^%s*/%*%s*(e?n?d?region):%s*([%w_%-]+)%s*%*/%s*$")
    if k == kind and n == name then
      return true
    end
  end
  return false
end

local function check_include(el)
  local path = el.attributes["include"]
  local region = el.attributes["region"]
  if not path:match("^lessons/") then
    report('include="' .. path .. '": only files under lessons/ are included')
  end
  local text = read_file(path)
  if not text then
    report('include="' .. path .. '": no such file')
    return
  end
  if region then
    if not has_marker(text, "region", region) then
      report('include="' .. path .. '" region="' .. region .. '": no "/* region: '
        .. region .. ' */" line in ' .. path)
    end
    if not has_marker(text, "endregion", region) then
      report('include="' .. path .. '" region="' .. region .. '": no "/* endregion: '
        .. region .. ' */" line in ' .. path)
    end
  end
end

function CodeBlock(el)
  if el.attributes["include"] then
    check_include(el)
    return nil
  end
  if el.attributes["region"] then
    report('region="' .. el.attributes["region"] .. '" without include=')
  end
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
  if problems > 0 then
    os.exit(1)
  end
  return nil
end
