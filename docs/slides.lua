--[[
slides.lua - pandoc filter that makes the lecture slides (make slides,
build/slides.pdf, with pandoc's beamer writer) out of the week-by-week
notes of the lecturer's manual, docs/manual-weeks.md, so that the slides
say what the notes say and cannot drift from them:

  # Week N: its title             a section per week (## Week N in the notes)
  ## Week N: its title            its title frame: the week's Aim
  ## Outcomes                     what a student can do at the end of it
  ## A socket is a number         one frame per numbered point of the
                                  "Lecture notes and live demo": the point's
                                  bold title (a title after "Lesson 17." is
                                  "Lesson 17: A socket with a path"), its
                                  sentences for the class, and the commands
                                  of its *Show:* step set as code in a block;
                                  a point of a few lines joins the frame of
                                  text before it (or takes the next point's
                                  first, when its own is that short), its
                                  title a bold line there, if both fit one
  ::: notes                       the rest of the point, for the lecturer
                                  (\note{}: make slides-notes shows them,
                                  make slides does not): its directions
                                  ("Draw ...", "Write ... on the board"; the
                                  rule is at DIRECTION_WORDS) and the prose
                                  of its Show step
  ## Quiz                         the quiz's questions, without the answers
                                  (week 11's from its table: each question
                                  up to its last "?", the answer after it)

Nothing is written here that the notes do not say, but the labels
("The one idea:", "Outcomes: you can", "Show", "Quiz", "(cont.)"), and
nothing of a point's text is left out: each sentence is on a frame or in
its notes. A point too long for one frame goes on over the next,
"(cont.)" after its title, split between sentences (or before its Show
block), as evenly as that many frames allow; a quiz too long, between
questions. Whether a frame is full is
estimated from the length of its text, with the type size that
mk/slides.mk sets (14pt on 16:9): CHARS_PER_LINE and LINES_PER_FRAME
below. The estimate errs on the short side; a frame that still runs over
shows as an overfull \vbox in the LaTeX log, which fails make slides
(mk/slides.mk) and tests/slides.bats.

What the book shows, on the slides too: a point may end with spans that
name it, which the manual itself does not print (docs/include.lua drops
them):

  []{.slide figure="fig:accept-queue"}
                                  a frame of its own after the point's:
                                  the book's figure of that id
                                  (![caption](NAME.dot){#fig:...} or
                                  ![caption](picture:NAME){#pic-...} in
                                  the book's Markdown, -M book-sources),
                                  as the book's build drew it for paper
                                  (-M figure-dir: NAME.pdf, or a run's
                                  pictures/NAME.excerpt.pdf, the part the
                                  book shows), as large as the frame allows,
                                  beside or under it the first sentence
                                  of its caption; a picture of a run in
                                  the pieces mk/slides.mk cut it in, a
                                  frame each ("(cont.)"), all at one size,
                                  each saying which part it is and from
                                  which label to which ("(1 of 2): from
                                  ... to ..."), the caption on the last;
                                  a diagram the frame's height keeps small
                                  on a plain frame of its own (no title
                                  or foot: the title over its caption);
                                  a point of one frame, a sentence or two
                                  and no Show block, goes beside its
                                  figure, over the caption, when it fits
                                  there, not on a frame of its own
  []{.slide include="lessons/plain/accept.c" lines="40-52" sha1="..."
     contains="accept("}          a frame of its own after the point's:
                                  (or under the point's text, on its
                                  frame, when the point has one frame
                                  and no Show block, and they fit)
                                  those lines of a lesson's (plain)
                                  program, numbered as in the file, with
                                  the book's syntax and its checks
                                  (lines= pinned by sha1=, or function=;
                                  contains=: docs/listing.lua); at most
                                  MAX_LISTING lines, to be read at the
                                  back of the room (LARGE_LISTING short
                                  lines in the text's own size), its
                                  name right under it

A link in the notes becomes its text (its target is in the manual, not
here); HTML comments (the answers' test names) are dropped.
]]

local stringify = pandoc.utils.stringify

-- The estimate of a frame's room, in lines of body text at 14pt on a
-- 16:9 frame (160 mm wide, 12 lines of about 68 characters of Latin
-- Modern Sans). It is kept short of that: with 66 characters a line and
-- 14 lines a frame, one frame of the notes ran over by a line, with 66
-- and 13 none did; 64 and 11 keep about two lines from that edge. A frame title of two lines (about 40
-- characters of its larger type) takes one line of the body's.
local CHARS_PER_LINE = 64
local TITLE_CHARS_PER_LINE = 38
local LINES_PER_FRAME = 11
-- A paragraph's space after it, a Show block's title and frame, and a
-- line of code (verbatim in a block), in lines of body text.
local PARA_GAP = 0.5
-- A frame of text this long or shorter (three lines and the space after
-- them) joins its neighbour's, a point's title of one line in bold and
-- the space above it taking JOINED_TITLE lines (week_slides).
local SHORT_FRAME = 3.5
local JOINED_TITLE = 1.5
local SHOW_BLOCK = 1.6
local CODE_LINE = 1.05
-- A line of a listing in each of its sizes (LISTING_SIZES below;
-- \normalsize, a run's few short lines), and the line that names it
-- under it with the space above, in lines of body text: to tell whether
-- a listing fits under a point's text on the point's one frame.
local CODE_LINES = {
    ["\\normalsize"] = 1.05, ["\\small"] = 0.9,
    ["\\footnotesize"] = 0.8, ["\\scriptsize"] = 0.7,
}
local CODE_NAME_LINE = 1.5

-- Whether an inline code of a Show step is a command to type: one of the
-- repository's programs (build/..., scripts/...), or one of the system's
-- tools the notes' demos use, with its arguments (`nc -l 127.0.0.1 8888`;
-- `make plain`, which builds the build/plain/... a step runs after it;
-- not the `nc` of "`nc` waits"; not cc, which the notes name by a flag:
-- "the exercise's `cc -DSOCKSTEP_PLAIN` line"). Anything else (a call's
-- name, an errno name, bytes, a state) stays in the text only.
local COMMANDS = {
    cat = true, curl = true, getent = true, ls = true, make = true,
    nc = true, ps = true, ss = true, sudo = true,
}
local function is_command(code)
    local first = code:match("^(%S+)")
    if not first then
        return false
    end
    return first:match("^build/") ~= nil or first:match("^scripts/") ~= nil
        or (COMMANDS[first] == true and code:match("%s%S") ~= nil)
end

-- Elements first to last of a list (to its end without last).
local function slice(list, first, last)
    local out = pandoc.List()
    for i = first, last or #list do
        out:insert(list[i])
    end
    return out
end

local function fail(message)
    io.stderr:write("docs/slides.lua: " .. message .. "\n")
    os.exit(1)
end

-- The book's shared reading of a lesson file (function=, the sha1= pin).
local listing = dofile((PANDOC_SCRIPT_FILE:match("^(.*/)") or "./") ..
    "listing.lua")

-- Set from the metadata (mk/slides.mk): where the book's build put its
-- figures for paper, and the book's Markdown files, where their ids are.
local figure_dir, book_sources, runs_dir = nil, pandoc.List(), nil
-- Where mk/slides.mk cut each picture of a run in pieces for the slides
-- (-M slide-pictures: NAME.pieces, the pieces' names, one a line).
local slide_pictures = nil

-- An excerpt longer than this is not read from the back of a room; one
-- longer than SMALL_LISTING is set a size smaller (\footnotesize, 11pt
-- beside the text's 14pt) to fit the frame.
local MAX_LISTING = 14
local SMALL_LISTING = 11
-- One of LARGE_LISTING lines at most is set in the text's own size
-- (\normalsize, 14pt): a few lines, read as easily as the sentences.
local LARGE_LISTING = 7
-- The widest line of code a frame holds in each size, in characters
-- (Latin Modern Typewriter, the line numbers beside): wider, a size
-- smaller; wider than the last, the build stops.
local LISTING_SIZES = {
    { size = "\\normalsize", chars = 52, most = LARGE_LISTING },
    { size = "\\small", chars = 64, most = SMALL_LISTING },
    { size = "\\footnotesize", chars = 72 },
    { size = "\\scriptsize", chars = 84 },
}
-- A figure's room under a title of one line: FIGURE_HEIGHT of the
-- text's height (\textheight, the title's line in it), the text's width
-- TEXT_ASPECT times its height (398 by 228 pt on 16:9 at 14pt). The
-- figure is drawn as large as that room allows; its caption goes where
-- the figure leaves room: beside it, in a column of at least
-- CAPTION_COLUMN of the width (a call sequence, a picture of a run:
-- time running down, taller than wide), else under it, a line of
-- CAPTION_LINE of the height each (a diagram of two boxes side by
-- side), whichever draws the figure larger. A caption's line, in
-- characters of \footnotesize.
local FIGURE_HEIGHT = 0.88
local TEXT_ASPECT = 1.75
local CAPTION_COLUMN = 0.17
local COLUMN_GAP = 0.02
local TITLE_LINE = 0.10
local CAPTION_LINE = 0.07
local CAPTION_CHARS_PER_LINE = 86
-- The caption's column beside the pieces of a picture of a run, at
-- least: room for the point's text above the caption on the first.
local PIECE_COLUMN = 0.27
-- A line of \footnotesize in that column, of \textheight (11.7 pt of
-- 238 measured on the slides; CAPTION_LINE, for a caption under a
-- figure, counts the space around it too): whether the point's text, the
-- piece's part and the caption fit in the column: that column, beside
-- one piece or more (a run drawn in one piece of 250 to 280 px, its lines
-- counted at CAPTION_LINE, left its point's sentence on a frame alone).
local COLUMN_LINE = 0.055
-- A plain frame's room for a figure (no title, no foot), of \textheight,
-- under a line's space at its top (without it the column's first line
-- was above the page): at 1.10 the TCP call sequence ran over by 2 pt.
-- (With the foot, 0.93 of it at most, the call sequence's words were
-- 5.9 pt high, less than the 6.5 tests/slides.bats asks.)
local PLAIN_HEIGHT = 1.07
-- The caption's column there is that high less this, its last lines the
-- week and the frame's number (at the full height a frame whose figure
-- is a little shorter than its room ran over by 6.6 pt).
local PLAIN_FOOT_SLACK = 0.04
-- A frame title's characters on one line, for a figure's room: not the
-- body's short estimate (TITLE_CHARS_PER_LINE), which took a tenth of
-- the height off two figures whose titles of 42 and 44 characters are
-- one line; a title that wraps all the same runs the frame over, and the
-- build stops.
local FIGURE_TITLE_CHARS = 46

-- The widest line of a run's excerpt (no numbers beside it) each size
-- holds, in characters.
local RUN_CHARS = {
    ["\\normalsize"] = 52, ["\\small"] = 62,
    ["\\footnotesize"] = 76, ["\\scriptsize"] = 88,
}

local read_file = listing.read_file

-- The book's figure {#id}: the file its build drew for paper and the
-- first sentence of its caption (Markdown), or the build stops.
local function book_figure(id)
    for _, path in ipairs(book_sources) do
        local text = read_file(path) or fail("cannot read " .. path)
        for line in text:gmatch("[^\n]+") do
            local cap, src, attrs = line:match("^!%[(.*)%]%(([^)]+)%){(.-)}%s*$")
            if cap and (" " .. attrs .. " "):find(" #" .. id .. " ", 1, true) then
                local file
                local dot = src:match("^([%w_%-]+)%.dot$")
                local pic = src:match("^picture:([%w_%-]+)$")
                if dot then
                    file = figure_dir .. "/" .. dot .. ".pdf"
                elseif pic then
                    file = figure_dir .. "/pictures/" .. pic .. ".excerpt.pdf"
                else
                    fail("figure " .. id .. " in " .. path .. ": not a .dot or a picture:")
                end
                if not read_file(file) then
                    fail("figure " .. id .. ": " .. file .. " has not been drawn " ..
                        "(make handout draws the book's figures)")
                end
                local first = cap:match("^(.-[.?!])%s") or cap
                -- A picture of a run, on the slides in the pieces
                -- mk/slides.mk cut it in (each a frame); a diagram whole.
                local pieces = pandoc.List()
                if pic then
                    local list = slide_pictures and
                        read_file(slide_pictures .. "/" .. pic .. ".pieces")
                    if not list then
                        fail("figure " .. id .. ": no " .. tostring(slide_pictures) ..
                            "/" .. pic .. ".pieces (mk/slides.mk cuts the " ..
                            "pictures of runs for the slides)")
                    end
                    for line in list:gmatch("[^\n]+") do
                        -- its name, its first label and its last
                        local svg, from, to = line:match("^([^\t]+)\t([^\t]*)\t([^\t]*)$")
                        if not svg then
                            fail("figure " .. id .. ": not NAME, a tab, FIRST, a tab, LAST: " .. line)
                        end
                        local piece = svg:gsub("%.svg$", ".pdf")
                        if not read_file(piece) then
                            fail("figure " .. id .. ": no " .. piece)
                        end
                        pieces:insert({ file = piece, from = from, to = to })
                    end
                end
                if #pieces == 0 then
                    pieces:insert({ file = file })
                end
                return file, first, pieces
            end
        end
    end
    fail("[]{.slide figure=\"" .. id .. "\"}: no figure {#" .. id ..
        "} in the book (" .. table.concat(book_sources, " ") .. ")")
end

-- A PDF's width over its height, from its /MediaBox (as dot and
-- rsvg-convert write it, uncompressed), or nil.
local function aspect(file)
    local box = (read_file(file) or ""):match("/MediaBox%s*%[([^%]]*)%]")
    local x0, y0, x1, y1 = (box or ""):match(
        "^%s*([%d.]+)%s+([%d.]+)%s+([%d.]+)%s+([%d.]+)")
    if not x0 or tonumber(y1) <= tonumber(y0) then
        return nil
    end
    return (tonumber(x1) - tonumber(x0)) / (tonumber(y1) - tonumber(y0))
end

local function cont(title)
    local t = title:clone()
    t:insert(pandoc.Space())
    t:insert(pandoc.Str("(cont.)"))
    return t
end

-- The frames of a book's figure, under the point's title, as large as
-- the frame allows, its caption beside it or under it (FIGURE_HEIGHT).
-- A picture of a run taller than a frame holds at a size to be read is
-- in pieces (mk/slides.mk), one a frame, each at the same size, the
-- caption beside the last. LEAD (or nil): the point's own text, a
-- sentence or two, which goes above the caption in its column when it
-- fits there (the frame's .lead says it did), rather than alone on a
-- frame before the figure.
local function figure_frames(title, id, lead)
    local file, caption, pieces = book_figure(id)
    local cap = pandoc.read(caption, "markdown").blocks[1].content
    -- (the title of the pieces after the first, "(cont.)" after it, may
    -- take two lines: all are drawn at the size that leaves room for it)
    local title_lines = math.ceil(utf8.len(stringify(#pieces > 1 and cont(title) or title))
        / FIGURE_TITLE_CHARS)
    -- the tallest piece (the least width over height) sets the size
    local ratio
    for _, piece in ipairs(pieces) do
        local r = aspect(piece.file) or fail("figure " .. id .. ": no /MediaBox in " .. piece.file)
        ratio = math.min(ratio or r, r)
    end
    local graphic = function(f, width, height)
        return "\\includegraphics[" ..
            string.format("width=%.3f\\linewidth,height=%.3f", width, height) ..
            "\\textheight,keepaspectratio]{" .. f .. "}"
    end
    local room = FIGURE_HEIGHT - TITLE_LINE * (title_lines - 1)
    -- Beside: the figure's width at the room's full height, a fraction
    -- of the text's width, at most what leaves the caption its column
    -- (a wider one for pieces, whose first holds the point's text too).
    -- (and the wider one for a picture of a run in one piece: a run's
    -- picture is one piece or two as its height falls, and its caption
    -- names commands, "./udp-receiver 127.0.0.1 PORT", wider than the
    -- narrow column)
    local run_pic = file:find("/pictures/", 1, true) ~= nil
    local column = (#pieces > 1 or run_pic) and PIECE_COLUMN or CAPTION_COLUMN
    local widest = 1 - column - COLUMN_GAP
    -- A diagram that the room's height, not the frame's width, keeps
    -- small (the TCP call sequence: 14 rows of calls) gets a frame of its
    -- own at full height (plain: no title, no foot; PLAIN_HEIGHT of the
    -- text's height), the point's title over the caption beside it, and
    -- at the column's foot, level with the figure's, what the foot says
    -- on every other frame: the week and the frame's number.
    local plain = false
    if #pieces == 1 then
        local w = math.min(widest, ratio * room / TEXT_ASPECT)
        local under = math.min(room - CAPTION_LINE *
            (math.ceil(utf8.len(caption) / CAPTION_CHARS_PER_LINE) + 1), TEXT_ASPECT / ratio)
        if w < widest and w * TEXT_ASPECT / ratio >= under then
            plain = true
            room = PLAIN_HEIGHT
        end
    end
    local side_w = math.min(widest, ratio * room / TEXT_ASPECT)
    local side_h = side_w * TEXT_ASPECT / ratio
    -- Under: the caption's lines off the height, and a line's space
    -- between (at 0.90 a frame with a caption under it ran over by 18 pt,
    -- one beside by 3; at 0.88 none did).
    local cap_lines = math.ceil(utf8.len(stringify(cap)) / CAPTION_CHARS_PER_LINE)
    local under_room = room - CAPTION_LINE * (cap_lines + 1)
    -- The point's text, if any, above the figure, in \small across
    -- the frame, when the figure keeps half the room under it: else
    -- a frame of a sentence alone before it (a picture of a run is one
    -- piece or two as the run's height falls, so a point's frame must
    -- not depend on which). Under, the figure has the room that leaves:
    -- a chart of 230 px drawn under its text was smaller than beside it.
    local lead_lines = lead and
        math.ceil(utf8.len(stringify(lead)) / (0.9 * CAPTION_CHARS_PER_LINE)) or 0
    local lead_h = COLUMN_LINE * (lead_lines + 1)
    local with_lead = lead and under_room - lead_h >= room / 2
    if with_lead then
        under_room = under_room - lead_h
    end
    local under_h = math.min(under_room, TEXT_ASPECT / ratio)
    local frames = pandoc.List()
    -- (A plain frame is laid out beside: its title is in the column,
    -- and its room, PLAIN_HEIGHT, is not a titled frame's.)
    if #pieces == 1 and not plain and side_h < under_h then
        local blocks = pandoc.List()
        -- (\begingroup, not a brace: a {...} right after the frame's
        -- title is beamer's subtitle, and the title went off the frame)
        if with_lead then
            blocks:insert(pandoc.RawBlock("latex", "\\begingroup\\small"))
            blocks:insert(pandoc.Para(lead))
            blocks:insert(pandoc.RawBlock("latex", "\\par\\endgroup"))
        end
        blocks:extend({
            pandoc.RawBlock("latex", "\\begingroup\\centering" ..
                graphic(pieces[1].file, 1, under_room) ..
                "\\par\\endgroup"),
            pandoc.RawBlock("latex", "\\vfill{\\footnotesize\\centering"),
            pandoc.Plain(cap),
            pandoc.RawBlock("latex", "\\par}"),
        })
        frames:insert({ title = title, figure = true, lead = with_lead or nil,
                        blocks = blocks })
        return frames
    end
    local cap_w = 1 - side_w - COLUMN_GAP
    -- The point's text in the column, in \small, above the caption: if
    -- its lines and the caption's, a line's space between, fit the
    -- room (a column's line, in characters, as the caption's, of
    -- \footnotesize; \small's a tenth fewer).
    local column_chars = cap_w * CAPTION_CHARS_PER_LINE
    -- Each piece but one says which part of the picture it is, and
    -- what it shows: "(1 of 2): from `shutdown(4, SHUT_WR) called` to
    -- `ACK`", its first label and its last. The caption, which tells
    -- of the whole picture ("... and the three after it"), goes on the
    -- last piece, where all of it has been shown.
    local function part(k)
        local p = pieces[k]
        local out = pandoc.List({ pandoc.Str("(" .. k .. "\u{a0}of\u{a0}" .. #pieces .. "):"),
            pandoc.Space(), pandoc.Str("from"), pandoc.Space(), pandoc.Code(p.from),
            pandoc.Space(), pandoc.Str("to"), pandoc.Space(), pandoc.Code(p.to) })
        if k < #pieces then
            out:insert(pandoc.Str(";"))
            out:extend({ pandoc.Space(), pandoc.Str("more"), pandoc.Space(),
                pandoc.Str("on"), pandoc.Space(), pandoc.Str("the"), pandoc.Space(),
                pandoc.Str("next"), pandoc.Space(), pandoc.Str("frame.") })
        else
            out:insert(pandoc.Str("."))
        end
        return out
    end
    local last = #pieces
    local lines = room / ((column == PIECE_COLUMN and not plain) and COLUMN_LINE
        or CAPTION_LINE)
    local lead_n = lead and
        math.ceil(utf8.len(stringify(lead)) / (0.9 * column_chars)) or 0
    local function part_lines(k)
        return #pieces > 1
            and math.ceil(utf8.len(stringify(part(k))) / column_chars) + 1 or 0
    end
    -- The point's text goes on the first piece, above its part's line,
    -- when it fits there; else on the last, above the caption; else on
    -- a frame alone before them. (On the last only, a run drawn in two
    -- pieces of 265 px, its last part's line four lines long, left the
    -- text alone.)
    local lead_at
    if lead and #pieces > 1 and lead_n + part_lines(1) + 1 <= lines then
        lead_at = 1
    elseif lead and lead_n + math.ceil(utf8.len(stringify(cap)) / column_chars)
            + 2 + part_lines(last) <= lines then
        lead_at = last
    end
    for k, p in ipairs(pieces) do
        local piece = p.file
        local blocks = pandoc.List({
            pandoc.RawBlock("latex", "\\begin{columns}[T,onlytextwidth]" ..
                string.format("\\begin{column}{%.3f\\textwidth}", side_w) ..
                "\\centering" .. graphic(piece, 1, room) .. "\\end{column}" ..
                string.format("\\begin{column}{%.3f\\textwidth}", cap_w) ..
                "\\footnotesize\\raggedright" .. (plain and
                    string.format("\\begin{minipage}[t][%.3f\\textheight][t]{\\linewidth}",
                        room - PLAIN_FOOT_SLACK) .. "\\raggedright"
                    or "")),
        })
        if k == lead_at then
            blocks:insert(pandoc.RawBlock("latex", "{\\small"))
            blocks:insert(pandoc.Para(lead))
            blocks:insert(pandoc.RawBlock("latex", "\\par}\\medskip"))
        end
        if #pieces > 1 then
            blocks:insert(pandoc.Para(part(k)))
        end
        if k == last then
            blocks:insert(pandoc.Plain(cap))
        end
        blocks:insert(pandoc.RawBlock("latex", (plain and
            "\\vfill{\\usebeamercolor[fg]{structure}\\usebeamerfont{footline}" ..
            "\\insertsectionhead\\par\\hfill\\insertframenumber\\,/\\," ..
            "\\inserttotalframenumber\\par}\\end{minipage}" or "") ..
            "\\end{column}\\end{columns}"))
        if plain then
            -- the title, at the column's head, in the title's colour
            blocks:insert(2, pandoc.RawBlock("latex",
                "{\\small\\usebeamercolor[fg]{frametitle}\\bfseries"))
            blocks:insert(3, pandoc.Para(title))
            blocks:insert(4, pandoc.RawBlock("latex", "\\par}\\medskip"))
            blocks:insert(1, pandoc.RawBlock("latex", "\\vspace*{\\baselineskip}"))
        end
        frames:insert({ title = plain and pandoc.List() or k == 1 and title or cont(title),
                        classes = plain and { "plain" } or nil, figure = true,
                        lead = k == lead_at, blocks = blocks })
    end
    return frames
end

-- The frame of lines of a lesson file, named as the book names them.
local function listing_frame(title, el)
    local path = el.attributes["include"]
    if not path:match("^lessons/") then
        fail('[]{.slide include="' .. path .. '"}: C only from lessons/')
    end
    local text = read_file(path) or fail("cannot read " .. path)
    local lines = pandoc.List()
    for line in (text .. (text:sub(-1) == "\n" and "" or "\n")):gmatch("([^\n]*)\n") do
        lines:insert(line)
    end
    local first, last
    local spec, fn = el.attributes["lines"], el.attributes["function"]
    local what = '[]{.slide include="' .. path .. '"'
    if spec then
        local a, b = spec:match("^(%d+)%-(%d+)$")
        first, last = tonumber(a), tonumber(b)
        if not first or first > last or last > #lines then
            fail(what .. ' lines="' .. spec .. '"}: write lines="FIRST-LAST"')
        end
        local problem = listing.pin_problem(lines, first, last, el.attributes["sha1"])
        if problem then
            fail(what .. ' lines="' .. spec .. '"}: ' .. problem)
        end
    elseif fn then
        first, last = listing.function_range(lines, fn)
        if not first then
            fail(what .. ' function="' .. fn .. '"}: no such function')
        end
    else
        fail(what .. "}: name its lines= or function=")
    end
    local must = el.attributes["contains"]
    local part = table.concat(lines, "\n", first, last)
    for want in ((must or "") .. "|"):gmatch("([^|]*)|") do
        if want ~= "" and not part:find(want, 1, true) then
            fail(what .. '}: no "' .. want .. '" in lines ' .. first .. "-" ..
                last .. " any more: the lesson has changed")
        end
    end
    if last - first + 1 > MAX_LISTING then
        fail(what .. "}: " .. (last - first + 1) .. " lines, more than a " ..
            "slide shows (" .. MAX_LISTING .. ")")
    end
    -- Less the indent all the lines share (a part of main() is one or two
    -- levels in): the frame's width is for the code.
    local indent
    for i = first, last do
        local lead = lines[i]:match("^( *)%S")
        if lead and (not indent or #lead < indent) then
            indent = #lead
        end
    end
    if indent and indent > 0 then
        local out = pandoc.List()
        for i = first, last do
            out:insert(lines[i]:sub(indent + 1))
        end
        part = table.concat(out, "\n")
    end
    local widest = 0
    for l in (part .. "\n"):gmatch("([^\n]*)\n") do
        widest = math.max(widest, utf8.len(l))
    end
    local size
    for _, s in ipairs(LISTING_SIZES) do
        if widest <= s.chars and last - first + 1 <= (s.most or MAX_LISTING) then
            size = s.size
            break
        end
    end
    if not size then
        fail(what .. "}: a line of " .. widest .. " characters, wider than a frame")
    end
    local code = pandoc.CodeBlock(part, pandoc.Attr("", { "c", "numberLines" },
        { startFrom = tostring(first) }))
    -- (one line is "line 48", not "lines 48-48")
    local where = path .. (first == last and (", line " .. first) or
        (", lines " .. first .. "\u{2013}" .. last))
    return { title = title, size = size, lines = last - first + 1,
             blocks = pandoc.List({
        pandoc.RawBlock("latex", "\\begingroup" .. size),
        code,
        pandoc.RawBlock("latex", "\\endgroup\\smallskip{\\small\\centering"),
        pandoc.Plain({ pandoc.Code(where) }),
        pandoc.RawBlock("latex", "\\par}"),
    }) }
end

-- The frame of lines of a run's transcript (docs/runs.sh wrote it in
-- -M runs-dir): from the first line that matches the Lua pattern `from`
-- to the first from there that matches `to`, as the book's excerpts of
-- a run are named (docs/include.lua).
local function run_frame(title, el)
    local name, from, to = el.attributes["run"], el.attributes["from"], el.attributes["to"]
    local what = '[]{.slide run="' .. name .. '"}'
    if not from or not to then
        fail(what .. ": name its lines with from= and to=")
    end
    local path = runs_dir .. "/" .. name .. ".txt"
    local text = read_file(path) or fail(what .. ": no " .. path ..
        " (docs/runs.sh makes the runs)")
    local lines = pandoc.List()
    for line in text:gmatch("([^\n]*)\n") do
        lines:insert(line)
    end
    local first, last
    for i, line in ipairs(lines) do
        if not first and line:match(from) then
            first = i
        end
        if first and not last and line:match(to) then
            last = i
        end
    end
    if not first or not last then
        fail(what .. ": no line matches from=" .. from .. " then to=" .. to ..
            " in " .. path)
    end
    if last - first + 1 > MAX_LISTING then
        fail(what .. ": " .. (last - first + 1) .. " lines, more than a slide shows")
    end
    local part = table.concat(lines, "\n", first, last)
    local widest = 0
    for i = first, last do
        widest = math.max(widest, utf8.len(lines[i]))
    end
    -- (no numbers beside it, but the text's size and \small set code in
    -- bold, which is wider: a line of 56 characters in \normalsize ran
    -- over by 25 pt, one of 68 in \small by 17; a few short lines, the
    -- size of the text)
    local size = widest <= RUN_CHARS["\\normalsize"] and last - first < 8
        and "\\normalsize" or nil
    for _, sz in ipairs(size and {} or LISTING_SIZES) do
        if widest <= RUN_CHARS[sz.size] and last - first + 1 <= (sz.most or MAX_LISTING) then
            size = sz.size
            break
        end
    end
    if not size then
        fail(what .. ": a line of " .. widest .. " characters, wider than a frame")
    end
    local command = lines[1]:match("^%$ (.*)") or name
    return { title = title, size = size, lines = last - first + 1,
             blocks = pandoc.List({
        pandoc.RawBlock("latex", "\\begingroup" .. size),
        pandoc.CodeBlock(part),
        pandoc.RawBlock("latex", "\\endgroup\\smallskip{\\small\\centering"),
        pandoc.Plain({ pandoc.Str("From"), pandoc.Space(), pandoc.Str("a"),
            pandoc.Space(), pandoc.Str("run:"), pandoc.Space(), pandoc.Code(command) }),
        pandoc.RawBlock("latex", "\\par}"),
    }) }
end

-- Whether an inline list starts with Strong whose text is `label`.
local function starts_with_strong(inlines, label)
    return #inlines > 0 and inlines[1].t == "Strong"
        and stringify(inlines[1]):match("^" .. label) ~= nil
end

-- The inlines without links (their text kept) and raw HTML (comments).
local function plain_inlines(inlines)
    local out = pandoc.List()
    for _, el in ipairs(inlines) do
        if el.t == "Link" then
            out:extend(plain_inlines(el.content))
        elseif el.t == "RawInline" and el.format == "html" then
            -- left out
        elseif el.t == "Emph" or el.t == "Strong" or el.t == "Span" then
            el.content = plain_inlines(el.content)
            out:insert(el)
        else
            out:insert(el)
        end
    end
    return out
end

-- Leading and trailing spaces and soft breaks off.
local function trim(inlines)
    local first, last = 1, #inlines
    local function blank(el)
        return el.t == "Space" or el.t == "SoftBreak" or el.t == "LineBreak"
    end
    while first <= last and blank(inlines[first]) do
        first = first + 1
    end
    while last >= first and blank(inlines[last]) do
        last = last - 1
    end
    local out = pandoc.List()
    for i = first, last do
        out:insert(inlines[i])
    end
    return out
end

-- The sentences of an inline list: each ends with a Str ending in ".",
-- "?" or "!" (after any closing bracket or quote) that a space follows.
local function sentences(inlines)
    local out, cur = pandoc.List(), pandoc.List()
    for i, el in ipairs(inlines) do
        cur:insert(el)
        local nxt = inlines[i + 1]
        if el.t == "Str" and el.text:match("[.?!][)\"'’”]*$")
            and (nxt == nil or nxt.t == "Space" or nxt.t == "SoftBreak") then
            out:insert(trim(cur))
            cur = pandoc.List()
        end
    end
    cur = trim(cur)
    if #cur > 0 then
        out:insert(cur)
    end
    return out
end

local function text_lines(inlines)
    return math.ceil(utf8.len(stringify(inlines)) / CHARS_PER_LINE)
end

local function join_sentences(list)
    local out = pandoc.List()
    for i, s in ipairs(list) do
        if i > 1 then
            out:insert(pandoc.Space())
        end
        out:extend(s)
    end
    return out
end

-- A frame title's room in body lines beyond the one a title has.
local function title_extra(title)
    return math.ceil(utf8.len(stringify(title)) / TITLE_CHARS_PER_LINE) - 1
end

local function latex(text)
    return pandoc.RawBlock("latex", text)
end

-- Whether a sentence of a point directs the lecturer rather than tells
-- the class: it opens with one of these words, a verb in the imperative
-- to the one at the board ("Draw the three-way handshake ...", "Write
-- send_all() on the board ...", "Go through them, and ask ...", "Take the
-- four quiz questions ...", "Show one: ..."), or with "On the projector,".
-- Such a sentence goes into the frame's notes (\note{}, shown only by
-- make slides-notes), not on the projected frame. Not a direction: a verb
-- that states what happens ("Allocate what the peer says, and any client
-- makes the server take 4 GiB." is a warning to the class, and stays);
-- so the list is of the lecturer's verbs, not of all imperatives.
-- tests/peers/slides-check.py states the same rule on its own.
local DIRECTION_WORDS = {
    Ask = true, Compare = true, Draw = true, Go = true, Point = true,
    Press = true, Redirect = true, Run = true, Show = true, Stop = true,
    Take = true, Type = true, Write = true,
}
local function is_direction(sentence)
    local s = stringify(sentence)
    local first = s:match("^(%a+)")
    return (first and DIRECTION_WORDS[first] == true)
        or s:match("^On the projector,") ~= nil
end

-- The blocks of one frame of a point: its explanation's sentences for the
-- class, the commands of its Show step as code (on the frame that holds
-- them), then the notes for the lecturer: the directions among those
-- sentences and, on the Show block's frame, the Show step's prose.
local function frame_blocks(expl, show_code, notes, show_notes)
    local blocks = pandoc.List()
    if #expl > 0 then
        blocks:insert(pandoc.Para(join_sentences(expl)))
    end
    if show_code then
        blocks:insert(latex("\\begin{block}{Show}"))
        blocks:insert(show_code)
        blocks:insert(latex("\\end{block}"))
    end
    local note = pandoc.List()
    if #notes > 0 then
        note:insert(pandoc.Para(join_sentences(notes)))
    end
    if #show_notes > 0 then
        local p = pandoc.List({ pandoc.Emph({ pandoc.Str("Show:") }),
            pandoc.Space() })
        p:extend(join_sentences(show_notes))
        note:insert(pandoc.Para(p))
    end
    if #note > 0 then
        blocks:insert(pandoc.Div(note, pandoc.Attr("", { "notes" })))
    end
    return blocks
end


-- plain_items(items): a list's items (each a list of blocks), each
-- block's inlines made plain (plain_inlines), for a frame's list.
local function plain_items(items)
    local out = pandoc.List()
    for _, item in ipairs(items) do
        local blocks = pandoc.List()
        for _, b in ipairs(item) do
            if b.content then
                b.content = plain_inlines(b.content)
            end
            blocks:insert(b)
        end
        out:insert(blocks)
    end
    return out
end

-- evenest(pack, room): pack(r) splits something into frames of r lines
-- of room at most. As few frames as ROOM allows, and of those, the most
-- even: those of the least room that still needs no more frames.
local function evenest(pack, room)
    local frames = pack(room)
    if #frames > 1 then
        for r = 2, room, 0.5 do
            local even = pack(r)
            if #even == #frames then
                return even
            end
        end
    end
    return frames
end

-- One lecture point (the inlines of a list item) as frames.
local function point_frames(inlines, week)
    -- The spans that name a figure or lines of the book, for frames after
    -- the point's own.
    local shown = pandoc.List()
    local kept = pandoc.List()
    for _, el in ipairs(inlines) do
        if el.t == "Span" and el.classes:includes("slide") then
            shown:insert(el)
        else
            kept:insert(el)
        end
    end
    inlines = plain_inlines(trim(kept))
    -- The title: what comes before the first Strong ("Lesson 17."), then
    -- the Strong's text without its full stop.
    local strong_at
    for i, el in ipairs(inlines) do
        if el.t == "Strong" then
            strong_at = i
            break
        end
    end
    if not strong_at then
        fail(week .. ": a lecture point without a bold title: " ..
            stringify(inlines):sub(1, 60))
    end
    local title = pandoc.List()
    local before = trim(slice(inlines, 1, strong_at - 1))
    if #before > 0 then
        title:extend(before)
        local last = title[#title]
        if last.t == "Str" then
            title[#title] = pandoc.Str((last.text:gsub("%.$", ":")))
        end
        title:insert(pandoc.Space())
    end
    local strong = inlines[strong_at].content:clone()
    local last = strong[#strong]
    if last and last.t == "Str" then
        strong[#strong] = pandoc.Str((last.text:gsub("%.$", "")))
    end
    title:extend(strong)
    -- The body: the rest; a title that is its own sentence is not said
    -- twice, one that goes on ("**Free the list once**, with ...") is
    -- said whole, in bold.
    local rest = pandoc.List()
    local nxt = inlines[strong_at + 1]
    local ends = stringify(inlines[strong_at]):match("[.?!]$") ~= nil
    if not ends and nxt and nxt.t ~= "Space" and nxt.t ~= "SoftBreak" then
        rest:insert(inlines[strong_at])
    end
    for i = strong_at + 1, #inlines do
        rest:insert(inlines[i])
    end
    -- The Show step: from *Show:* to the end.
    local expl, show = rest, pandoc.List()
    for i, el in ipairs(rest) do
        if el.t == "Emph" and stringify(el) == "Show:" then
            expl = trim(slice(rest, 1, i - 1))
            show = trim(slice(rest, i + 1))
            break
        end
    end
    expl = trim(expl)
    local show_code
    local commands = pandoc.List()
    for _, el in ipairs(show) do
        if el.t == "Code" and is_command(el.text)
            and not commands:includes(el.text) then
            commands:insert(el.text)
        end
    end
    if #commands > 0 then
        show_code = pandoc.CodeBlock(table.concat(commands, "\n"))
    end

    -- The sentences for the class, each with the directions that follow
    -- it (those before the first go with the first); the Show step's
    -- prose is all for the lecturer.
    local show_sentences = sentences(show)
    local said, lead = pandoc.List(), pandoc.List()
    for _, s in ipairs(sentences(expl)) do
        if is_direction(s) then
            if #said > 0 then
                said[#said].notes:insert(s)
            else
                lead:insert(s)
            end
        else
            said:insert({ s = s, notes = pandoc.List() })
        end
    end
    local function para_lines(list)
        return text_lines(join_sentences(list)) + PARA_GAP
    end
    local show_room = show_code and SHOW_BLOCK + CODE_LINE * #commands or 0
    -- Pack the sentences into frames of `room` lines at most (a sentence
    -- longer than that alone on its frame), then the Show block, on the
    -- last frame if it fits there, else on one of its own.
    local function pack(room)
        local frames = pandoc.List()
        local cur, cur_notes = pandoc.List(), lead:clone()
        local function flush(code, show_notes)
            -- (a frame of text: its estimated lines, for joining a short
            -- point to it, week_slides)
            frames:insert({ title = #frames == 0 and title or cont(title),
                            text = true, show = code ~= nil,
                            used = (#cur > 0 and para_lines(cur) or 0)
                                + (code and show_room or 0),
                            blocks = frame_blocks(cur, code, cur_notes,
                                show_notes or {}) })
            cur, cur_notes = pandoc.List(), pandoc.List()
        end
        for _, x in ipairs(said) do
            local try = cur:clone()
            try:insert(x.s)
            if #cur > 0 and para_lines(try) > room then
                flush()
                try = pandoc.List({ x.s })
            end
            cur = try
            cur_notes:extend(x.notes)
        end
        if show_code or #show_sentences > 0 then
            local used = #cur > 0 and para_lines(cur) or 0
            if used > 0 and used + show_room > room then
                flush()
            end
            flush(show_code, show_sentences)
        elseif #cur > 0 or #cur_notes > 0 or #frames == 0 then
            flush()
        end
        return frames
    end
    local room = LINES_PER_FRAME - title_extra(title)
    local frames = evenest(pack, room)
    for k, el in ipairs(shown) do
        local f
        if el.attributes["figure"] then
            -- A point of one frame, a sentence or two without a Show
            -- block, then its figure: the sentences beside the figure,
            -- in the caption's column, if they fit there, not a frame of
            -- their own (the frame's notes go with them).
            local alone = k == 1 and #frames == 1 and not show_code and #said > 0
            local figs = figure_frames(title, el.attributes["figure"],
                alone and join_sentences(said:map(function(x) return x.s end)) or nil)
            local with = figs:find_if(function(f) return f.lead end)
            if with then
                for _, b in ipairs(frames[1].blocks) do
                    if b.t == "Div" then
                        with.blocks:insert(b)
                    end
                end
                frames:remove(1)
            end
            frames:extend(figs)
            goto next_shown
        elseif el.attributes["include"] then
            f = listing_frame(title, el)
        elseif el.attributes["run"] then
            f = run_frame(title, el)
        else
            fail(week .. ": a []{.slide} that names no figure=, include= or run=")
        end
        -- A point of one frame, without a Show block (a sentence or two),
        -- and lines of a lesson or a run after it that fit under them:
        -- one frame, the lines under the point's text, not a frame of a
        -- sentence then one of code.
        local text_room = #said > 0 and para_lines(pandoc.List(
            said:map(function(x) return x.s end))) or 0
        -- Lines of a run after a Show step: what the demo prints, under
        -- its Show block on its frame, when they fit there, so that the
        -- frame holds the output a failed demo would have shown.
        local show_frame = el.attributes["run"] and f.lines
            and frames:find_if(function(x) return x.show end)
        -- (a title's line, as for a figure, FIGURE_TITLE_CHARS: the
        -- body's estimate took a line off frames whose title is one)
        local show_room = LINES_PER_FRAME
            - (math.ceil(utf8.len(stringify(title)) / FIGURE_TITLE_CHARS) - 1)
        if show_frame and show_frame.used + f.lines * CODE_LINES[f.size]
                + CODE_NAME_LINE <= show_room then
            local at = #show_frame.blocks + 1
            if show_frame.blocks[#show_frame.blocks].t == "Div" then
                at = #show_frame.blocks
            end
            for i, b in ipairs(f.blocks) do
                show_frame.blocks:insert(at + i - 1, b)
            end
            show_frame.used = show_frame.used + f.lines * CODE_LINES[f.size]
                + CODE_NAME_LINE
            show_frame.text = false
        elseif k == 1 and f.lines and #frames == 1 and not show_code
            and text_room + f.lines * CODE_LINES[f.size] + CODE_NAME_LINE
                <= room then
            frames[1].blocks:extend(f.blocks)
            frames[1].text = false
        else
            frames:insert(f)
        end
        ::next_shown::
    end
    return frames
end

local function frame(title, blocks, classes)
    local out = pandoc.List({ pandoc.Header(2, title,
        pandoc.Attr("", classes or {})) })
    out:extend(blocks)
    return out
end

-- The quiz's questions (a list of items, each a list of blocks) as
-- frames, split between questions, as evenly as the points' frames.
local function quiz_frames(items)
    local function lines(item)
        local n = 0
        for _, b in ipairs(item) do
            n = n + text_lines(b.content) + PARA_GAP
        end
        return n
    end
    local function pack(room)
        local out = pandoc.List()
        local cur, start, used = pandoc.List(), 1, 0
        local function flush()
            local title = pandoc.List({ pandoc.Str("Quiz") })
            if #out > 0 then
                title = cont(title)
            end
            local list = pandoc.OrderedList(cur, pandoc.ListAttributes(start))
            out:insert({ title = title, blocks = pandoc.List({ list }) })
            start = start + #cur
            cur, used = pandoc.List(), 0
        end
        for _, item in ipairs(items) do
            if #cur > 0 and used + lines(item) > room then
                flush()
            end
            cur:insert(item)
            used = used + lines(item)
        end
        if #cur > 0 then
            flush()
        end
        return out
    end
    return evenest(pack, LINES_PER_FRAME)
end

-- Week 11's questions: the table column headed "a quiz question, ..."
-- (each cell a question and its answer), up to the last "?".
local function table_questions(tbl, week)
    local col
    local head = tbl.head.rows[1]
    for i, cell in ipairs(head.cells) do
        if stringify(cell.contents):match("^a quiz question") then
            col = i
        end
    end
    if not col then
        return nil
    end
    local items = pandoc.List()
    for _, body in ipairs(tbl.bodies) do
        for _, row in ipairs(body.body) do
            local inlines = pandoc.List()
            for _, b in ipairs(row.cells[col].contents) do
                inlines:extend(b.content)
            end
            local last
            for i, el in ipairs(inlines) do
                if el.t == "Str" and el.text:match("%?$") then
                    last = i
                end
            end
            if not last then
                fail(week .. ": a quiz question without a question mark: " ..
                    stringify(inlines):sub(1, 60))
            end
            items:insert({ pandoc.Plain(plain_inlines(slice(inlines, 1, last))) })
        end
    end
    return items
end

local function week_slides(title, blocks)
    local week = stringify(title)
    local out = pandoc.List({ pandoc.Header(1, title) })
    local i = 1
    local aim, outcomes, points, quiz
    while i <= #blocks do
        local b = blocks[i]
        local inl = (b.t == "Para" or b.t == "Plain") and b.content or nil
        if inl and starts_with_strong(inl, "Aim") then
            for _, el in ipairs(inl) do
                if el.t == "Emph" then
                    aim = plain_inlines(el.content)
                end
            end
        elseif inl and starts_with_strong(inl, "Outcomes")
            and blocks[i + 1] and blocks[i + 1].t == "BulletList" then
            outcomes = blocks[i + 1]
            i = i + 1
        elseif inl and starts_with_strong(inl, "Lecture notes")
            and blocks[i + 1] and blocks[i + 1].t == "OrderedList" then
            points = blocks[i + 1]
            i = i + 1
        elseif inl and starts_with_strong(inl, "Quiz")
            and blocks[i + 1] and blocks[i + 1].t == "OrderedList" then
            quiz = blocks[i + 1].content
            i = i + 1
        elseif b.t == "Table" and not quiz then
            quiz = table_questions(b, week)
        end
        i = i + 1
    end
    if not aim then
        fail(week .. ": no **Aim** with its idea in *...*")
    end
    if not points then
        fail(week .. ": no **Lecture notes and live demo** list")
    end
    out:extend(frame(title, {
        -- where the map of the weeks (weeks_frame) points
        latex("\\label{week-title-" .. week:match("^Week (%d+)") .. "}"),
        latex("\\vspace{2\\baselineskip}"),
        pandoc.Para({ pandoc.Strong({ pandoc.Str("The"), pandoc.Space(),
            pandoc.Str("one"), pandoc.Space(), pandoc.Str("idea:") }) }),
        latex("{\\Large"),
        pandoc.Para(aim),
        latex("\\par}"),
    }))
    if outcomes then
        local items = plain_items(outcomes.content)
        out:extend(frame({ pandoc.Str("Outcomes:"), pandoc.Space(),
            pandoc.Str("you"), pandoc.Space(), pandoc.Str("can") },
            { pandoc.BulletList(items) }))
    end
    -- The points' frames; a point whose first frame is text of a few
    -- lines joins the frame of text before it, or a frame of text of a
    -- few lines takes the next point's first, when both fit one frame:
    -- the joined point's title is a line in bold on it, its frames after
    -- (a listing, a figure) keep their title.
    local frames = pandoc.List()
    for _, item in ipairs(points.content) do
        if #item ~= 1 or not item[1].content then
            fail(week .. ": a lecture point that is not one paragraph")
        end
        for k, f in ipairs(point_frames(item[1].content, week)) do
            local last = frames[#frames]
            if k == 1 and last and last.text and f.text
                and (last.used <= SHORT_FRAME or f.used <= SHORT_FRAME)
                and last.used + JOINED_TITLE + f.used
                    <= LINES_PER_FRAME - title_extra(last.title) then
                last.blocks:insert(latex("\\medskip{\\usebeamercolor[fg]{frametitle}\\bfseries"))
                last.blocks:insert(pandoc.Para(f.title))
                last.blocks:insert(latex("\\par}"))
                last.blocks:extend(f.blocks)
                last.used = last.used + JOINED_TITLE + f.used
            else
                frames:insert(f)
            end
        end
    end
    for _, f in ipairs(frames) do
        out:extend(frame(f.title, f.blocks, f.classes))
    end
    if quiz then
        local items = plain_items(quiz)
        for _, f in ipairs(quiz_frames(items)) do
            out:extend(frame(f.title, f.blocks))
        end
    end
    return out
end

-- "The weeks": the frame after the title page, each week's title after
-- the number of its first frame (LaTeX's \pageref of the label its title
-- frame carries: a frame is one page, no frame has overlays), in two
-- columns, linked to that frame.
local function weeks_frame(titles)
    local half = math.ceil(#titles / 2)
    local cols = { {}, {} }
    for n, t in ipairs(titles) do
        local num = t:match("^Week (%d+)")
        local line = "\\hangindent=2.2em\\noindent\\makebox[2.2em][l]{\\pageref{week-title-"
            .. num .. "}}\\hyperlink{week-title-" .. num .. "}{"
            .. t:gsub("[\\{}$&#%%_^~]", "\\%0") .. "}\\par\\smallskip"
        table.insert(cols[n <= half and 1 or 2], line)
    end
    return frame({ pandoc.Str("The"), pandoc.Space(), pandoc.Str("weeks") }, {
        latex("{\\small\\begin{columns}[T,onlytextwidth]"
            .. "\\begin{column}{0.5\\textwidth}" .. table.concat(cols[1])
            .. "\\end{column}\\begin{column}{0.5\\textwidth}"
            .. table.concat(cols[2]) .. "\\end{column}\\end{columns}}"),
    })
end

function Pandoc(doc)
    figure_dir = doc.meta["figure-dir"] and stringify(doc.meta["figure-dir"])
        or "build/handout"
    runs_dir = doc.meta["runs-dir"] and stringify(doc.meta["runs-dir"])
        or "build/runs"
    slide_pictures = doc.meta["slide-pictures"] and stringify(doc.meta["slide-pictures"])
        or "build/slides/pictures"
    for f in stringify(doc.meta["book-sources"] or ""):gmatch("%S+") do
        book_sources:insert(f)
    end
    local out = pandoc.List()
    local blocks = doc.blocks
    local i = 1
    local weeks = 0
    local titles = {}
    while i <= #blocks do
        local b = blocks[i]
        if b.t == "Header" and b.level == 2
            and stringify(b.content):match("^Week %d+:") then
            local j = i + 1
            while j <= #blocks and not (blocks[j].t == "Header"
                and blocks[j].level <= 2) do
                j = j + 1
            end
            out:extend(week_slides(b.content, slice(blocks, i + 1, j - 1)))
            weeks = weeks + 1
            titles[weeks] = stringify(b.content)
            i = j
        else
            i = i + 1
        end
    end
    if weeks == 0 then
        fail("no '## Week N: ...' section in the notes")
    end
    local map = weeks_frame(titles)
    map:extend(out)
    return pandoc.Pandoc(map, doc.meta)
end
