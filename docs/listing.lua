--[[
listing.lua - what both filters need to find in a lesson file: include.lua
(which prints the part) and check-code-blocks.lua (which checks that the
part is there). Loaded by each with dofile, next to it in docs/.
]]

local M = {}

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

return M
