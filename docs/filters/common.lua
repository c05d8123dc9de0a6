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
  repo_url = "",
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

return M
