--[[
filters/divs.lua - the fenced divs of docs/*.md: ::: clone (how to get
the repository), ::: box (a framed box with a title), ::: screen (on
screen only, a line in its place on paper), ::: rows (a wide table set
out row by row on a phone), and on paper ::: small and ::: keep (LaTeX
environments of preamble.tex).
]]

local common = require("filters.common")
local latex, latex_escape = common.latex, common.latex_escape

local M = {}

-- Where a repository URL has a user name or password in it, drop them.
local function clean_url(url)
  return (url:gsub("^(%a[%w+.-]*://)[^/@]*@", "%1"))
end

-- An address someone else can clone: scheme://host/... (not file://) or
-- user@host:path. A path on the machine that built the handout is not.
local function network_url(url)
  if url:match("^file:") then
    return false
  end
  return url:match("^%a[%w+.-]*://[^/]") ~= nil or
    url:match("^[%w._-]+@[%w.-]+:[^/]") ~= nil or
    url:match("^[%w._-]+@[%w.-]+:/") ~= nil
end

function M.clone_blocks()
  local repo_url = common.settings.repo_url
  if repo_url ~= "" and network_url(repo_url) then
    local url = clean_url(repo_url)
    return {
      pandoc.Para({ pandoc.Str("The"), pandoc.Space(), pandoc.Str("lessons"),
        pandoc.Space(), pandoc.Str("are"), pandoc.Space(), pandoc.Str("at"),
        pandoc.Space(), pandoc.Code(url), pandoc.Str(":"), pandoc.Space(),
        pandoc.Str("the"), pandoc.Space(), pandoc.Str("repository"),
        pandoc.Space(), pandoc.Str("this"), pandoc.Space(), pandoc.Str("handout"),
        pandoc.Space(), pandoc.Str("was"), pandoc.Space(), pandoc.Str("built"),
        pandoc.Space(), pandoc.Str("from."), pandoc.Space(), pandoc.Str("Clone"),
        pandoc.Space(), pandoc.Str("it"), pandoc.Space(), pandoc.Str("and"),
        pandoc.Space(), pandoc.Str("go"), pandoc.Space(), pandoc.Str("into"),
        pandoc.Space(), pandoc.Str("it:") }),
      pandoc.CodeBlock("git clone " .. url .. " sockstep\ncd sockstep",
        pandoc.Attr("", { "sh" })),
    }
  end
  return pandoc.read(
    "You need the address of the sockstep repository: your lecturer " ..
    "or your course page gives it. Type it in place of `ADDRESS`:\n\n" ..
    "```sh\ngit clone ADDRESS sockstep\ncd sockstep\n```\n\n" ..
    "If you were given the `sockstep` directory itself, just go into it.\n\n" ..
    "**Studying alone, with no address?** The book's main line needs " ..
    "no repository. Every plain program, in both parts, is printed " ..
    "whole: type it into a file named as its caption says, such as " ..
    "`server.c`, and build it with the `cc` command its chapter gives " ..
    "([A plain program first](#plain)). " ..
    "Exercise steps marked **(repository)**, the lessons' own programs, " ..
    "the Python scripts and the checker need the repository.\n",
    "markdown").blocks
end

-- ::: source, in the lecturer's manual: where the book's source is, and
-- how to bring a copy up to date; when the build was given no network
-- address (REPO_URL, or the origin remote), what to do instead.
function M.source_blocks()
  local repo_url = common.settings.repo_url
  local text
  if repo_url ~= "" and network_url(repo_url) then
    local url = clean_url(repo_url)
    text = "**Where the source is.** This manual, the student's book, " ..
      "the lessons and the checker come from one repository, the one " ..
      "this manual was built from:\n\n" ..
      "```sh\ngit clone " .. url .. " sockstep\n```\n\n"
  else
    text = "**Where the source is.** This manual, the student's book, " ..
      "the lessons and the checker come from one repository. This copy " ..
      "was built without a network address for it (the build names one " ..
      "only when it is given `make handout REPO_URL=ADDRESS`, or when " ..
      "the clone it is built in has an `origin` remote that is not a " ..
      "path on that machine). Ask whoever gave you the manual for the " ..
      "address; the title page names the commit it was built from. When " ..
      "you build the books for your students, give `REPO_URL` the " ..
      "address you want them to clone: their Getting started prints " ..
      "it.\n\n"
  end
  text = text ..
    "**Keeping up to date.** In your clone, `git pull`, then `make`, " ..
    "`make test` and `make handout`: this manual's title page then names " ..
    "the new commit, and so do the book's properties (the PDF's subject). " ..
    "Update between assignments, never during one " ..
    "([grading a class](#lecturers-batch), its step 5c), and read `git log` since " ..
    "the commit you graded with for what changed.\n"
  return pandoc.read(text, "markdown").blocks
end

-- ::: {.box .skip}: what a first reading may skip, in a box of its own
-- look (skipbox in preamble.tex, div.box.skip in handout.css), which may
-- break across pages; a short one (about ten lines) is kept whole.
function M.box(el)
  local title = el.attributes["title"] or ""
  local skip = el.classes:includes("skip")
  local env = skip and "skipbox" or "notebox"
  if latex() then
    -- A transcript or a listing in it counts with its text: by then a
    -- raw block, which stringify() reads as empty, so a box of a few
    -- lines' prose round a long transcript was kept whole, and went
    -- overleaf, half a page left blank before it (lessons 06 and 07).
    local size = #pandoc.utils.stringify(pandoc.Pandoc(el.content))
    pandoc.Div(el.content):walk({
      RawBlock = function(b) size = size + #b.text end,
      CodeBlock = function(b) size = size + #b.text end,
    })
    local whole = skip and size <= 1000
    -- A box that closes its chapter (::: {.box .remember}) goes with the
    -- last lines before it: one that found no room at a page's foot went
    -- overleaf alone, under the next chapter's start, cut off from the
    -- chapter it sums up (lessons 04, 05 and 07 did). No break may come
    -- before it: the lines before it go too, at least the last
    -- paragraph's last two (\widowpenalty, preamble.tex).
    local keep = el.classes:includes("remember") and "\\nopagebreak[4]\n" or ""
    -- A listing's line numbers stand left of its code, 6pt apart
    -- (preamble.tex): in a box, room for them, or they sit on its frame
    -- (docs/plain.md's old preview of getaddrinfo()).
    local listing = false
    pandoc.Div(el.content):walk({
      CodeBlock = function() listing = true end,
      RawBlock = function(b)
        listing = listing or b.text:find("\\begin{Shaded}", 1, true) ~= nil
      end,
    })
    local opts = whole and "[unbreakable]" or
      ((listing and not skip) and "[left=18pt]" or "")
    local blocks = { pandoc.RawBlock("latex", keep .. "\\begin{" .. env .. "}" ..
      opts .. "{" ..
      latex_escape(title):gsub("%-{}", "-") .. "}") }
    for _, b in ipairs(el.content) do
      blocks[#blocks + 1] = b
    end
    blocks[#blocks + 1] = pandoc.RawBlock("latex", "\\end{" .. env .. "}")
    return blocks
  end
  local content = { pandoc.Div({ pandoc.Plain({ pandoc.Str(title) }) },
    pandoc.Attr("", { "box-title" })) }
  for _, b in ipairs(el.content) do
    content[#content + 1] = b
  end
  return pandoc.Div(content, pandoc.Attr(el.identifier,
    skip and { "box", "skip" } or { "box" }))
end

-- ::: {.screen paper="..."}: the div on screen; on paper the text of
-- paper= in its place (reference material a command also prints).
-- The lecturer's manual prints it on paper too: it is where that
-- reference material is for.
function M.screen(el)
  if not latex() or common.settings.book == "lecturers" then
    return el.content
  end
  local paper = el.attributes["paper"]
  if not paper or paper == "" then
    common.fail("::: screen without paper=: say on paper where it is")
  end
  return pandoc.read(paper, "markdown").blocks
end

-- ::: paper: the div on paper alone, where the screen prints more in its
-- place (the appendix of Part II's lesson programs: a table of what each
-- adds on paper, each program whole with its runs on screen).
function M.paper(el)
  if latex() then
    return el.content
  end
  return {}
end

-- A table of a ::: small group on paper (the reference card): a thin
-- rule between two rows, and in the first column the lines after the
-- first indented, so that a call that takes two lines reads as one.
local function ruled_table(t)
  local tex = pandoc.write(pandoc.Pandoc({ t }), "latex")
  local head, body = tex:match("^(.-\\endlastfoot\n)(.*)$")
  if not head then
    head, body = tex:match("^(.-\\endhead\n)(.*)$")
  end
  if not head then
    common.fail("a table in ::: small that pandoc did not write as a longtable")
  end
  head = head:gsub(">{\\raggedright\\arraybackslash}p", ">{\\raggedright" ..
    "\\arraybackslash\\hangindent=1em\\hangafter=1}p", 1)
  local rows = {}
  for row in body:gmatch("(.-\\\\)%s*\n") do
    rows[#rows + 1] = row
  end
  local rest = body:match(".*\\\\%s*\n(.*)$")
  -- (kept whole when short, as layout.lua keeps a table pandoc writes)
  return pandoc.RawBlock("latex", "\\Needspace{" .. math.min(2 * #rows + 4, 20) ..
    "\\baselineskip}\n" .. head ..
    table.concat(rows, "\n\\specialrule{0.1pt}{0pt}{0.6pt}\n") .. "\n" .. rest)
end

-- ::: rows: a table of many columns that a phone could show only by
-- scrolling it sideways (the twelve weeks, the reference card's calls).
-- On screen each body cell carries its column's heading (data-label),
-- and handout.css sets the table out, on a narrow screen, as one block
-- per row, each cell on a line of its own after its heading; wider, it
-- stays a table. On paper it is the table (inside a ::: small, this div
-- is gone before the small one is set, so its table is ruled as ever).
function M.rows(el)
  if latex() then
    return el.content
  end
  for _, b in ipairs(el.content) do
    if b.t == "Table" then
      local names = {}
      local head = b.head and b.head.rows and b.head.rows[1]
      for j, cell in ipairs(head and head.cells or {}) do
        -- (an earlier filter may have made inline code raw HTML, which
        -- stringify drops: its text, tags left out, is the name's too)
        local words = pandoc.Blocks(cell.contents):walk({
          RawInline = function(r)
            if r.format == "html" then
              local text = r.text:gsub("<[^>]*>", ""):gsub("&lt;", "<")
                :gsub("&gt;", ">"):gsub("&quot;", '"'):gsub("&amp;", "&")
              return pandoc.Str(text)
            end
          end,
        })
        names[j] = pandoc.utils.stringify(words):gsub("^%s+", "")
      end
      for _, body in ipairs(b.bodies) do
        for _, row in ipairs(body.body) do
          for j, cell in ipairs(row.cells) do
            if names[j] and names[j] ~= "" then
              cell.attributes["data-label"] = names[j]
            end
          end
        end
      end
    end
  end
  return el
end

function M.wrap_latex(el, env)
  local blocks = { pandoc.RawBlock("latex", "\\begin{" .. env .. "}") }
  for _, b in ipairs(el.content) do
    if b.t == "Table" and env == "smallgroup" then
      b = ruled_table(b)
    end
    blocks[#blocks + 1] = b
  end
  blocks[#blocks + 1] = pandoc.RawBlock("latex", "\\end{" .. env .. "}")
  return blocks
end

return M
