--[[
filters/diagrams.lua - the diagrams: ![caption](NAME.dot) is the
rendering mk/handout.mk made of docs/NAME.dot (PDF on paper, SVG on
screen), a numbered figure ("Figure 1: ...") that links can refer to.
]]

local common = require("filters.common")
local numbers = require("filters.numbers")
local fail, latex = common.fail, common.latex
local add_target = numbers.add_target

local M = {}

local figure_count = 0

local function diagram(el)
  local base = el.src:match("^([%w_%-]+)%.dot$")
  if not base then
    return nil
  end
  local ext = latex() and "pdf" or "svg"
  local path = common.settings.diagram_dir .. "/" .. base .. "." .. ext
  local f = io.open(path, "r")
  if not f then
    fail("diagram " .. el.src .. ": " .. path .. " has not been rendered " ..
      "(mk/handout.mk renders docs/*.dot)")
  end
  -- The single-file HTML carries the SVG in the image's address (a data:
  -- URL), so it needs no --self-contained pass over the whole page; the
  -- EPUB packs the file itself.
  if FORMAT:match("^html") then
    local svg = f:read("a")
    f:close()
    el.src = "data:image/svg+xml," .. svg:gsub("[^%w%-%._~/:=;,()!*' ]",
      function(c) return string.format("%%%02X", c:byte()) end):gsub(" ", "%%20")
    return el
  end
  f:close()
  el.src = path
  return el
end

-- A data: URL of an SVG file (commas too escaped: it may stand in a
-- srcset, whose entries commas separate).
local function svg_url(path)
  local f = io.open(path, "r")
  if not f then
    fail("diagram: " .. path .. " has not been rendered (mk/handout.mk)")
  end
  local svg = f:read("a")
  f:close()
  return "data:image/svg+xml," .. svg:gsub("[^%w%-%._~/:=;()!*' ]",
    function(c) return string.format("%%%02X", c:byte()) end):gsub(" ", "%%20")
end

-- The HTML page's figure: the wide rendering, and on a screen under
-- 600 px the narrow one (NAME-narrow.svg: bigger type, the columns
-- closer), so that its labels stay readable on a phone.
local function html_figure(img, base)
  local cap = pandoc.write(pandoc.Pandoc({ pandoc.Plain(img.caption) }), "html")
  local narrow = svg_url(common.settings.diagram_dir .. "/" .. base .. "-narrow.svg")
  return pandoc.RawBlock("html",
    '<figure id="' .. img.identifier .. '">\n<picture>' ..
    '<source media="(max-width: 600px)" srcset="' .. narrow .. '">' ..
    '<img src="' .. img.src .. '" alt="' ..
    pandoc.utils.stringify(img.caption):gsub('[&"<>]', { ["&"] = "&amp;",
      ['"'] = "&quot;", ["<"] = "&lt;", [">"] = "&gt;" }) .. '">' ..
    '</picture>\n<figcaption>' .. cap .. '</figcaption>\n</figure>')
end

-- A figure: a paragraph that holds one image and nothing else.
function M.figure(para)
  if #para.content ~= 1 or para.content[1].t ~= "Image" then
    return nil
  end
  local img = para.content[1]
  if not img.src:match("%.dot$") then
    return nil
  end
  local base = img.src:match("^([%w_%-]+)%.dot$")
  figure_count = figure_count + 1
  add_target(img.identifier, { kind = "figure", number = tostring(figure_count),
    title = pandoc.utils.stringify(img.caption) })
  diagram(img)
  if not latex() then
    -- LaTeX writes "Figure N:" itself (preamble.tex numbers them 1, 2 ...).
    local cap = { pandoc.Str("Figure"), pandoc.Space(),
      pandoc.Str(figure_count .. ":"), pandoc.Space() }
    for _, i in ipairs(img.caption) do
      cap[#cap + 1] = i
    end
    img.caption = cap
    if FORMAT:match("^html") then
      return html_figure(img, base)
    end
  end
  return para
end

return M
