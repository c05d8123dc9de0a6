--[[
filters/diagrams.lua - the diagrams: ![caption](NAME.dot) is the
rendering mk/handout.mk made of docs/NAME.dot (PDF on paper, SVG on
screen), a numbered figure ("Figure 1: ...") that links can refer to.

The pictures of real runs: ![caption](picture:NAME) is the sequence
chart `make pictures` drew of a run (mk/pictures.mk, build/pictures/):
NAME.pdf on paper, NAME.svg on screen (without its DOCTYPE, fonts with
a generic fallback: mk/handout.mk copies it into the diagram directory's
pictures/), NAME.txt, the chart in words, its alt text in all three.
Numbered with the diagrams. On paper a whole chart floats to the top
of a page (a chart is tall: the text goes on filling the page before
it), in a box paper-height high (a fraction of the text's height, 0.8 unless
given), the same in every build whatever the run drew (a run taller
than its box is scaled down to fit), so that the page breaks never
depend on a run; with paper-columns=2 cut in two, side by side
(mk/handout.mk cuts it where no box, text or arrow is:
docs/picture-columns.py), and paper-height must be given. With
paper-from and paper-to (as every picture of the book has), only a part
of the chart, one column, where the text refers to it ([H]): the lanes'
titles over the rows from the first text that starts with paper-from to
the first after it that starts with paper-to (picture-columns.py
--excerpt). In a span whose /Alt is the alt text (accsupp).
]]

local common = require("filters.common")
local numbers = require("filters.numbers")
local layout = require("filters.layout")
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

local function html_escape(s)
  return (s:gsub('[&"<>]', { ["&"] = "&amp;", ['"'] = "&quot;",
    ["<"] = "&lt;", [">"] = "&gt;" }))
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

-- The EPUB's figure: both renderings, the wide one shown, and on a
-- screen under 600 px the narrow one instead (docs/handout.css), as the
-- HTML page's <picture> chooses; a reader that knows no media query
-- shows the wide one alone. (pandoc's EPUB writer packs the images of
-- a raw HTML block, not those of a <picture>'s srcset.)
local function epub_figure(img, base)
  local cap = pandoc.write(pandoc.Pandoc({ pandoc.Plain(img.caption) }), "html")
  local alt = html_escape(pandoc.utils.stringify(img.caption))
  local narrow = common.settings.diagram_dir .. "/" .. base .. "-narrow.svg"
  local f = io.open(narrow, "r")
  if not f then
    fail("diagram: " .. narrow .. " has not been rendered (mk/handout.mk)")
  end
  f:close()
  local width = img.attributes.width
  return pandoc.RawBlock("html",
    '<figure id="' .. img.identifier .. '">\n' ..
    '<img class="wide" src="' .. img.src .. '" alt="' .. alt .. '"' ..
    (width and (' style="width:' .. width .. '"') or "") .. ' />\n' ..
    '<img class="narrow" src="' .. narrow .. '" alt="' .. alt .. '" />\n' ..
    '<figcaption>' .. cap .. '</figcaption>\n</figure>')
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
    if FORMAT:match("epub") then
      return epub_figure(img, base)
    end
  end
  return para
end

-- The alt text of picture NAME: NAME.txt, one line.
local function picture_alt(name)
  local path = common.settings.picture_dir .. "/" .. name .. ".txt"
  local f = io.open(path, "r")
  if not f then
    fail("picture:" .. name .. ": " .. path .. " has not been drawn (make pictures)")
  end
  local alt = f:read("a"):gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")
  f:close()
  if alt == "" then
    fail("picture:" .. name .. ": " .. path .. " is empty")
  end
  return alt
end

-- TEXT as a PDF string in hex: UTF-16BE (accsupp's method=hex adds the
-- byte order mark with its unicode option).
local function pdf_hex(text)
  local out = { "FEFF" }
  for _, c in utf8.codes(text) do
    if c >= 0x10000 then
      c = c - 0x10000
      out[#out + 1] = string.format("%04X%04X", 0xD800 + (c >> 10), 0xDC00 + (c & 0x3FF))
    else
      out[#out + 1] = string.format("%04X", c)
    end
  end
  return table.concat(out)
end

-- A picture: a paragraph that holds one image of "picture:NAME".
function M.picture(para)
  if #para.content ~= 1 or para.content[1].t ~= "Image" then
    return nil
  end
  local img = para.content[1]
  local name = img.src:match("^picture:([%w_%-]+)$")
  if not name then
    return nil
  end
  if img.identifier == "" then
    fail("picture:" .. name .. " without an {#id}")
  end
  local alt = picture_alt(name)
  -- [words]{.paper} in a caption tell what only the paper's excerpt
  -- shows (paper-from, paper-to): kept on paper, left out on screen,
  -- where the whole chart is drawn; [words]{.screen}, what only the
  -- whole chart shows: kept on screen, left out on paper.
  img.caption = pandoc.Inlines(img.caption):walk({
    Span = function(s)
      if s.classes:includes("paper") then
        return latex() and s.content or {}
      end
      if s.classes:includes("screen") then
        return latex() and {} or s.content
      end
    end,
  })
  figure_count = figure_count + 1
  add_target(img.identifier, { kind = "figure", number = tostring(figure_count),
    title = pandoc.utils.stringify(img.caption) })
  if latex() then
    local pdf = common.settings.picture_dir .. "/" .. name .. ".pdf"
    local f = io.open(pdf, "r")
    if not f then
      fail("picture:" .. name .. ": " .. pdf .. " has not been drawn (make pictures)")
    end
    f:close()
    local height = tonumber(img.attributes["paper-height"] or "0.8")
    if not height or height <= 0 or height > 1 then
      fail("picture:" .. name .. ": paper-height must be a fraction of the page, not " ..
        img.attributes["paper-height"])
    end
    local cap = pandoc.write(pandoc.Pandoc({ pandoc.Plain(img.caption) }), "latex")
      :gsub("%s+$", "")
    local drawing = string.format("\\sspicture{%.3f}{%s}", height, pdf)
    local columns = img.attributes["paper-columns"]
    local excerpt = img.attributes["paper-from"] or img.attributes["paper-to"]
    if excerpt then
      -- One column, a part of the chart at a size that can be read (its
      -- lanes' titles over the rows from paper-from to paper-to:
      -- mk/handout.mk, docs/picture-columns.py --excerpt), where the
      -- text refers to it, never floated into a list or a transcript.
      if not (img.attributes["paper-from"] and img.attributes["paper-to"] and
          img.attributes["paper-height"]) then
        fail("picture:" .. name .. ": paper-from needs paper-to and a paper-height")
      end
      local part = common.settings.diagram_dir .. "/pictures/" .. name .. ".excerpt.pdf"
      local f = io.open(part, "r")
      if not f then
        fail("picture:" .. name .. ": " .. part .. " has not been made (mk/handout.mk)")
      end
      f:close()
      drawing = string.format("\\sspicture{%.3f}{%s}", height, part)
      return pandoc.RawBlock("latex",
        string.format("\\Needspace{\\dimexpr%.3f\\textheight+3\\baselineskip\\relax}\n", height) ..
        "\\begin{figure}[H]\n\\hypertarget{" .. img.identifier .. "}{%\n\\centering\n" ..
        "\\BeginAccSupp{method=hex,Alt=" .. pdf_hex(alt) .. "}" ..
        drawing ..
        "\\EndAccSupp{}\n" ..
        "\\caption{" .. cap .. "}\\label{" .. img.identifier .. "}\n" ..
        "}\n\\end{figure}")
    elseif columns == "2" then
      if not img.attributes["paper-height"] then
        fail("picture:" .. name .. ": paper-columns=2 needs a paper-height, its box's height on paper")
      end
      -- In two columns, side by side: the chart down to a cut, then its
      -- lanes' titles over the rest (mk/handout.mk, docs/picture-columns.py).
      local half = common.settings.diagram_dir .. "/pictures/" .. name
      for _, side in ipairs({ "left", "right" }) do
        local f = io.open(half .. "." .. side .. ".pdf", "r")
        if not f then
          fail("picture:" .. name .. ": " .. half .. "." .. side .. ".pdf has not been made (mk/handout.mk)")
        end
        f:close()
      end
      drawing = string.format("\\sspicturetwo{%.3f}{%s.left.pdf}{%s.right.pdf}", height, half, half)
    elseif columns then
      fail("picture:" .. name .. ": paper-columns must be 2, not " .. columns)
    end
    return pandoc.RawBlock("latex",
      "\\begin{figure}[tp]\n\\hypertarget{" .. img.identifier .. "}{%\n\\centering\n" ..
      "\\BeginAccSupp{method=hex,Alt=" .. pdf_hex(alt) .. "}" ..
      drawing ..
      "\\EndAccSupp{}\n" ..
      "\\caption{" .. cap .. "}\\label{" .. img.identifier .. "}\n" ..
      "}\n\\end{figure}")
  end
  -- The wide chart, and the narrow one (NAME.narrow.svg, 340 px, the
  -- same run drawn again: mk/handout.mk) for a screen under 600 px.
  local svg = common.settings.diagram_dir .. "/pictures/" .. name .. ".svg"
  local narrow_svg = common.settings.diagram_dir .. "/pictures/" .. name .. ".narrow.svg"
  local src = FORMAT:match("^html") and svg_url(svg) or svg
  local narrow = FORMAT:match("^html") and svg_url(narrow_svg) or narrow_svg
  if not FORMAT:match("^html") then
    for _, path in ipairs({ svg, narrow_svg }) do
      local f = io.open(path, "r")
      if not f then
        fail("picture:" .. name .. ": " .. path .. " has not been made (mk/handout.mk)")
      end
      f:close()
    end
  end
  -- (a program's name in the caption, build/05-connect, never broken
  -- at its hyphen on a narrow screen, as in the text: layout.code_html)
  local caption = pandoc.Inlines(img.caption):walk({
    Code = function(c) return layout.code_html(c) end,
  })
  local cap = pandoc.write(pandoc.Pandoc({ pandoc.Plain(caption) }), "html")
  -- Drawn at its own size, its text 12 px (mk/handout.mk), never
  -- shrunk: on a screen under 600 px the narrow chart, which fits one
  -- of 368 px; narrower still, it scrolls sideways in its box
  -- (docs/handout.css). The HTML page chooses with a <picture>. The
  -- EPUB, read on e-readers and phones, has the narrow chart alone:
  -- both, as for the diagrams, rely on a reader that honours the
  -- stylesheet's media queries, and one that does not shows both (a
  -- reader's report); 342 px fits any screen it is read on.
  local drawing
  if FORMAT:match("^html") then
    drawing = '<picture><source media="(max-width: 600px)" srcset="' ..
      narrow .. '" /><img src="' .. src .. '" alt="' .. html_escape(alt) ..
      '" /></picture>'
  else
    drawing = '<img src="' .. narrow .. '" alt="' .. html_escape(alt) .. '" />'
  end
  return pandoc.RawBlock("html",
    '<figure id="' .. img.identifier .. '" class="picture">\n' ..
    '<div class="picture-scroll">' .. drawing .. '</div>\n' ..
    '<figcaption>Figure ' .. figure_count .. ': ' .. cap .. '</figcaption>\n</figure>')
end

return M
