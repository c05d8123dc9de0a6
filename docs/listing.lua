--[[
listing.lua - what the filters need to find in a lesson file: include.lua
(which prints the part) and check-code-blocks.lua (which checks that the
part is there), and the lines of a listing that make a call the lessons
teach, which include.lua marks; slides.lua reads lines and files with it
too. Loaded by each with dofile, next to it in docs/.
]]

local M = {}

-- The whole text of the file at PATH, or nil when it cannot be read.
function M.read_file(path)
  local f = io.open(path, "r")
  if not f then
    return nil
  end
  local text = f:read("a")
  f:close()
  return text
end

-- The [first, last] lines of the definition of function NAME: from the
-- line at the left margin that has "NAME(" (and is not a prototype or a
-- call) to the first later line that is "}" at the left margin, with the
-- comment right above the definition, which belongs to it. nil when the
-- file has no such definition.
function M.function_range(lines, name)
  local pat = "[%s%*]" .. name:gsub("[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0") .. "%("
  local first
  for i, line in ipairs(lines) do
    if not first and line:match("^[%a_]") and (" " .. line):match(pat)
      and not line:match(";%s*$") then
      first = i
    elseif first and line:match("^}") then
      local top = first
      if top > 1 and lines[top - 1]:match("%*/%s*$") then
        local j = top - 1
        while j > 1 and not lines[j]:match("^%s*/%*") do
          j = j - 1
        end
        top = j
      end
      return top, i
    end
  end
  return nil
end

-- The calls a listing marks: the ones lessons/common/sockstep.h narrates,
-- named once, in lessons/common/ss_macros.h (each "#define NAME(" there
-- makes the lesson's NAME(...) the narrated ss_NAME(...)). A set of names;
-- nil and a message when that file cannot be read or names too few.
local call_names_cache
function M.call_names(path)
  if call_names_cache then
    return call_names_cache
  end
  path = path or "lessons/common/ss_macros.h"
  local f = io.open(path, "r")
  if not f then
    return nil, "cannot read " .. path
  end
  local names, n = {}, 0
  for line in f:lines() do
    local name = line:match("^#%s*define%s+([%a_][%w_]*)%(")
    if name then
      names[name], n = true, n + 1
    end
  end
  f:close()
  -- select(), which lesson 13 teaches with the plain select-chat.c alone:
  -- no lesson program makes it, so sockstep.h wraps none, but it is a
  -- call the book teaches, shaded as poll() is.
  names["select"] = true
  if n < 10 then
    return nil, path .. " names " .. n .. ' calls ("#define NAME(...)"): ' ..
      "fewer than the lessons make"
  end
  call_names_cache = names
  return names
end

-- The calls that LINES (a listing's lines, in order) make, outside
-- comments and string and character literals: calls[j] = { NAME ... }
-- for each line j that calls one of NAMES ("NAME(", not "ss_NAME(" nor
-- "x.NAME("). A comment or a string that runs past the end of a line is
-- followed into the next.
function M.call_lines(lines, names)
  local calls = {}
  for j, code in ipairs(M.code_lines(lines)) do
    local text = " " .. code
    for at, name in text:gmatch("()%f[%w_]([%a_][%w_]*)%s*%(") do
      local pre = text:sub(at - 1, at - 1)
      if names[name] and pre ~= "." and pre ~= ">" then
        calls[j] = calls[j] or {}
        table.insert(calls[j], name)
      end
    end
  end
  return calls
end

-- The code of each of LINES alone: comments and string and character
-- literals blanked (a comment that runs past the end of a line is
-- followed into the next).
function M.code_lines(lines)
  local out, in_comment = {}, false
  for j, line in ipairs(lines) do
    local code, i, n = {}, 1, #line
    while i <= n do
      local c2 = line:sub(i, i + 1)
      local c = line:sub(i, i)
      if in_comment then
        if c2 == "*/" then
          in_comment, i = false, i + 2
        else
          i = i + 1
        end
        code[#code + 1] = " "
      elseif c2 == "/*" then
        in_comment, i = true, i + 2
        code[#code + 1] = " "
      elseif c2 == "//" then
        break
      elseif c == '"' or c == "'" then
        local k = i + 1
        while k <= n and line:sub(k, k) ~= c do
          k = k + (line:sub(k, k) == "\\" and 2 or 1)
        end
        code[#code + 1] = " "
        i = k + 1
      else
        code[#code + 1] = c
        i = i + 1
      end
    end
    out[j] = table.concat(code)
  end
  return out
end

-- The lines of LINES that are the lesson's own machinery, not its socket
-- code: a statement that is a call of say() or heading()
-- (lessons/common/ss_narrate.h: the lesson's own sentences, which a
-- silent build drops), from its first line to the one that closes its
-- parentheses; and the lesson's table of options and help texts (from
-- "static const struct ss_lesson" to its "};") with the ss_start() call
-- that reads it. A set: narration[j] = true.
function M.narration_lines(lines)
  local narration, depth, table_open = {}, 0, false
  for j, code in ipairs(M.code_lines(lines)) do
    if code:match("^%s*static%s+const%s+struct%s+ss_lesson%s") then
      table_open = true
    end
    if table_open then
      narration[j] = true
      if code:match("^%s*}%s*;") then
        table_open = false
      end
    elseif depth == 0 and code:match("^%s*ss_start%s*%(") then
      narration[j] = true
    end
    if depth == 0 and (code:match("^%s*say%s*%(") or
        code:match("^%s*heading%s*%(")) then
      depth = -1
    end
    if depth ~= 0 then
      narration[j] = true
      if depth == -1 then
        depth = 0
      end
      for c in code:gmatch("[()]") do
        depth = depth + (c == "(" and 1 or -1)
      end
    end
  end
  return narration
end

-- The pin of lines first..last (sha1=): the first 8 hex digits of their
-- SHA-1, the lines joined by newlines.
function M.pin_of(lines, first, last)
  return pandoc.utils.sha1(table.concat(lines, "\n", first, last)):sub(1, 8)
end

-- What is wrong with a part's pin, or nil: none given (the message gives
-- it), the same lines further up or down (a line was added or removed
-- above them: the message says where they are now), or lines that
-- changed (the message gives the new pin, to set once the text about
-- them has been read again).
function M.pin_problem(lines, first, last, pin)
  local now = M.pin_of(lines, first, last)
  if not pin then
    return 'pin the part to its text with sha1="' .. now .. '"'
  end
  if pin == now then
    return nil
  end
  local n = last - first
  for a = 1, #lines - n do
    if M.pin_of(lines, a, a + n) == pin then
      return "those lines are now lines " .. a .. "-" .. (a + n) ..
        ' of the file: write lines="' .. a .. "-" .. (a + n) .. '"'
    end
  end
  return "the lines changed (their sha1 is now " .. now .. ", not " ..
    pin .. "): read again what the text says of them, then set " ..
    'sha1="' .. now .. '"'
end

return M
