--[[
include.lua - pandoc filter that puts the real lesson code, the real run
transcripts and the rendered diagrams into the handout, numbers its
chapters, sections, transcripts and figures, and writes every internal
cross-reference with the number (and, on paper, the page) of its target.

Code (paths from the repository root; C only from lessons/, Python only
from docs/python/):

  ```{.c include="lessons/04-accept/accept.c"}
  ```
      the whole file, numbered with its own line numbers
      (a whole lesson file leaves out, marked, the comment at the top,
      the #includes and the options table, which every lesson has; on
      screen the whole file follows, folded; {.c .whole include=...}
      shows every line, as the first lesson does; {.python .folded ...}
      leaves a whole file out of the reading flow: named in print, folded
      on screen, as Part II's Python versions are)
  ```{.c include="lessons/06-send-recv/server.c" lines="75-95" sha1="..." contains="send("}
  ```
      a part: lines 75 to 95, each omitted stretch marked by an ellipsis
      line; every string in contains= (separated by "|") must be in those
      lines, and sha1= is the first 8 hex digits of their SHA-1 (joined by
      newlines), or the build stops, so a part cannot drift away from the
      code it is about: when a lesson changes, the build says where the
      lines went, or the new sha1 to set once the text about them has
      been read again (filters/code.lua)
  ```{.c include="lessons/06-send-recv/server.c" function="echo"}
  ```
      a part: the definition of the function echo(), from its first line
      (at the left margin) to the "}" that ends it at the left margin
  ```{.c .quiet include="lessons/11-dual-stack/server.c" lines="79-93" ...}
  ```
      a part without the lesson's narration: each stretch of say() and
      heading() statements in it is left out, marked ("lines 84-87
      (narration) not shown"), so that a Part II excerpt shows the code
      as a student's own program has it; a part with none stops the build
  ```{.python include="docs/python/05_connect.py"}
  ```
      a Python equivalent (tests/python.bats runs it against the lessons)

  In a C listing, each line that makes a call the lessons teach (one
  that lessons/common/ss_macros.h names: the calls sockstep.h narrates)
  is marked, outside comments and strings: on paper a shade behind it
  and a bar in the margin (preamble.tex), on screen the same by CSS
  (handout.css), and the call's name in bold. The marks are drawn, not
  text: a copy of the listing is the code alone.
  The lines of a say() or heading() statement (the lesson's own
  sentences) are grey, their highlighting too: \SSnarr on paper, the
  class "narration" on screen.

Transcripts (docs/runs.sh writes build/runs/NAME.txt):

  ```{.output run="04-accept" title="terminal 1: the server"}
  ```
      the whole transcript, titled "Transcript 4.1: terminal 1: ..."
  ```{.output run="04-accept" from="^listen%(" to="^getsockname"}
  ```
      an excerpt: from the first line that matches the Lua pattern `from`
      to the first later line that matches `to` (or the `from` line
      alone), each with the indented lines of narration that follow it;
      a `from` that matches a note (an indented line) starts the excerpt
      at the call line the note belongs to

  Each transcript is numbered within its chapter and can be referred to
  as [](#run-04-accept) (the block's own {#id} if it has one; dots in the
  name become "-"). A line of a run shown twice stops the build: refer to
  the first showing instead.

  Each line is styled as the narrator colours it in a terminal, told
  apart by the shapes the narrator prints (filters/transcripts.lua): a
  call line and a == title == bold, a kernel: line grey, the program's
  own output italic, a note plain. Only styles: a copy is the text alone.

Numbering (level-1 headings):

  # Introduction {#introduction .unnumbered}    front matter: no number
  # Part I: the calls {#part-1 .part}          a part's opening page
  # Lesson 06: send() and recv() {#lesson-06}   lesson N is chapter N
  # Pitfalls {#pitfalls .appendix}              back matter: A, B, C ...

  On paper a section whose code blocks are all {.folded} ("The same in
  Python") loses its heading and ends its chapter as one paragraph that
  names the files (filters/parts.lua); on screen it stays a section,
  unnumbered, moved to the same place.

  Sections are N.1, N.2 ... within a numbered chapter. A chapter that is
  none of these stops the build.

Cross-references: a link to "#id" keeps its text and gains the target's
number, and on paper its page: [SIGPIPE](#pitfall-sigpipe) becomes
"SIGPIPE (section A.4, page 97)"; an empty text, [](#run-05-connect),
becomes "transcript 5.1 (page 31)". A link to an id that does not exist
stops the build.

Diagrams: ![caption](tcp-sequence.dot) is the diagram rendered by the build
(PDF for LaTeX, SVG otherwise), numbered "Figure 1" and so on.
![caption](picture:04){#pic-04} is the picture `make pictures` drew of
a real run (build/pictures/04.*), numbered with them, its alt text the
chart in words (04.txt); {paper-height=0.6} prints it no taller than
that fraction of the page (filters/diagrams.lua).

Each numbered chapter gets a short contents under its title: its
sections, as links (on paper with their pages).

Other blocks:
  ::: small          a group set in a smaller font on paper
  ::: {.box title="How to read a listing"}   a framed box with a title
  ::: clone          replaced by how to get the repository: its address
                     (metadata repo-url: REPO_URL, else the origin
                     remote) when it is a network address, or, with
                     none, the address in words (the lecturer's)
  ::: keep           on paper, kept on one page (short groups only)
  ::: {.screen paper="TEXT"}   on screen only; on paper TEXT (markdown,
                     no links) stands in its place: for reference
                     material a command also prints

Metadata (set by mk/handout.mk): runs-dir (default build/runs),
diagram-dir (default build/handout), picture-dir (default
build/pictures), repo-url (may be empty), and for
the EPUB raw-blocks, the file its listings' and transcripts' HTML goes
to (filters/common.lua: docs/epub-finish.py puts it back).
A missing file, line, function, transcript, diagram or target stops the
build with a message naming it. A C code block that is not an include
stops it too: no C is pasted into docs/.
]]

-- The filter's parts, by concern, in docs/filters/ next to this file
-- (loaded with require, so that they share one copy of each):
--   common.lua       settings, failing the build, output format, escaping
--   code.lua         lesson code and Python versions (include=)
--   numbers.lua      chapters, sections, targets; links to them
--   transcripts.lua  runs (run=)
--   diagrams.lua     the .dot diagrams as numbered figures
--   divs.lua         ::: clone, box, rows, small, keep
--   layout.lua       paper (inline code, page breaks) and screen (back links)
--   parts.lua        Part I and II's opening pages; each chapter's contents
--   index.lua        the index: calls, options, errno names, glossary terms
-- This file reads the metadata and runs them, in the passes below.
package.path = (PANDOC_SCRIPT_FILE:match("^(.*/)") or "./") .. "?.lua;" .. package.path
local common = require("filters.common")
local code = require("filters.code")
local numbers = require("filters.numbers")
local transcripts = require("filters.transcripts")
local diagrams = require("filters.diagrams")
local divs = require("filters.divs")
local layout = require("filters.layout")
local parts = require("filters.parts")
local index = require("filters.index")

local code_blocks = 0

return {
  {
    Meta = function(meta)
      if meta["runs-dir"] then
        common.settings.runs_dir = pandoc.utils.stringify(meta["runs-dir"])
      end
      if meta["diagram-dir"] then
        common.settings.diagram_dir = pandoc.utils.stringify(meta["diagram-dir"])
      end
      if meta["picture-dir"] then
        common.settings.picture_dir = pandoc.utils.stringify(meta["picture-dir"])
      end
      if meta["repo-url"] then
        common.settings.repo_url = pandoc.utils.stringify(meta["repo-url"])
      end
      if meta["raw-blocks"] then
        common.settings.raw_blocks = pandoc.utils.stringify(meta["raw-blocks"])
      end
      if meta["book"] then
        common.settings.book = pandoc.utils.stringify(meta["book"])
      end
      if meta["other-book"] then
        common.settings.other_book = pandoc.utils.stringify(meta["other-book"])
      end
      if meta["other-html"] then
        common.settings.other_html = pandoc.utils.stringify(meta["other-html"])
      end
      if meta["other-sources"] then
        for f in pandoc.utils.stringify(meta["other-sources"]):gmatch("%S+") do
          table.insert(common.settings.other_sources, f)
        end
      end
      if meta["other-absent"] then
        common.settings.other_absent = true
      end
      if meta["code-cache"] then
        common.settings.code_cache = pandoc.utils.stringify(meta["code-cache"])
      end
    end,
  },
  -- Sections that only name a file go to their chapter's end (on paper
  -- as a paragraph, on screen as a section), before they are numbered.
  {
    Pandoc = function(doc)
      doc.blocks = parts.fold_file_sections(doc.blocks, not common.latex())
      code.gather_parts(doc.blocks)
      return doc
    end,
  },
  -- Pass 1, in document order: numbers, includes, transcripts, figures.
  {
    traverse = "topdown",
    Header = function(h)
      h = numbers.number_header(h)
      if h.level == 1 and numbers.chapter().first_appendix then
        h.attributes["first-appendix"] = "1"
      end
      return h
    end,
    CodeBlock = function(el)
      -- false: what replaces the block is not walked again (its C
      -- blocks are the included code).
      if el.attributes["include"] then
        return code.include_code(el), false
      end
      if el.attributes["lines"] or el.attributes["function"] then
        common.fail("lines= or function= without include=")
      end
      if el.attributes["run"] then
        return transcripts.include_run(el), false
      end
      if code.is_c_block(el) then
        local first = el.text:match("^[^\n]*") or ""
        common.fail("a C code block without include= (no C is pasted into docs/; " ..
          "include it from lessons/): " .. first)
      end
      return nil
    end,
    Span = function(el)
      -- []{.slide figure=ID} and []{.slide include=...} in the lecture
      -- notes name what docs/slides.lua puts on a point's slides: nothing
      -- in the manual (check-code-blocks.lua checks the lines all the same)
      if el.classes:includes("slide") then
        return {}
      end
      -- [words]{.screen}: words on screen only, where a sentence points
      -- at what only the screen prints (Part II's lesson programs,
      -- appendix D); on paper they are left out, a paragraph of them
      -- with them (below), rather than point at a table.
      if el.classes:includes("screen") then
        if common.latex() then
          return {}
        end
        return el.content
      end
      if el.attributes["include"] then
        return code.lines_ref(el)
      end
      return nil
    end,
    Para = function(el)
      -- (a paragraph that was all [...]{.screen}, on paper)
      local said = false
      for _, il in ipairs(el.content) do
        if il.t ~= "Space" and il.t ~= "SoftBreak" then
          said = true
          break
        end
      end
      if not said then
        return {}
      end
      return diagrams.figure(el) or diagrams.picture(el)
    end,
    Div = function(el)
      if el.classes:includes("clone") then
        return divs.clone_blocks(), false
      end
      if el.classes:includes("source") then
        return divs.source_blocks(), false
      end
      if el.classes:includes("adds") then
        parts.check_adds(el)
      end
      return nil
    end,
  },
  -- The index, before pass 2 turns inline code into LaTeX.
  {
    Pandoc = function(doc)
      doc.blocks = index.blocks(doc.blocks)
      return doc
    end,
  },
  -- Links inside parentheses, marked for pass 2; and "10 000", "65 507":
  -- a number's groups of digits stay on one line. (One walk over every
  -- list of inlines for both: each walk costs about as much as what it
  -- does.)
  {
    Inlines = function(inlines)
      numbers.mark_links_in_parens(inlines)
      for i = #inlines - 2, 1, -1 do
        local a, sp, b = inlines[i], inlines[i + 1], inlines[i + 2]
        if a.t == "Str" and sp.t == "Space" and b.t == "Str" and
          a.text:match("%d$") and b.text:match("^%d%d%d") and
          not b.text:match("^%d%d%d%d") then
          inlines[i] = pandoc.Str(a.text .. "\u{00A0}" .. b.text)
          inlines:remove(i + 2)
          inlines:remove(i + 1)
        end
      end
      return inlines
    end,
    -- (After Inlines: pandoc walks a list of inlines before its block.)
    Para = function(p)
      if numbers.mark_paragraph_start(p.content) then
        return p
      end
    end,
  },
  -- Pass 2: links (their targets are all known now), boxes, paper and
  -- screen details.
  {
    Link = numbers.link,
    Str = layout.keys,
    -- [lines 1–65]{.nobr}: words kept on one line, on paper as on screen
    -- (handout.css), where a break after the dash would cut a range.
    Span = function(el)
      if el.classes:includes("nobr") and common.latex() then
        local out = pandoc.List({ pandoc.RawInline("latex", "\\mbox{") })
        out:extend(el.content)
        out:insert(pandoc.RawInline("latex", "}"))
        return out
      end
      return nil
    end,
    Code = function(el)
      if common.latex() then
        return layout.code_latex(el)
      end
      return layout.code_html(el)
    end,
    Div = function(el)
      if el.classes:includes("box") then
        return divs.box(el)
      end
      if el.classes:includes("screen") then
        return divs.screen(el)
      end
      if el.classes:includes("paper") then
        return divs.paper(el)
      end
      if el.classes:includes("rows") then
        return divs.rows(el)
      end
      if common.latex() and el.classes:includes("small") then
        return divs.wrap_latex(el, "smallgroup")
      end
      if common.latex() and el.classes:includes("keep") then
        return divs.wrap_latex(el, "keepgroup")
      end
      return nil
    end,
  },
  -- (On paper a code block in a list stays pandoc's: the LaTeX of a raw
  -- block in a list item is indented, code lines and all.)
  {
    traverse = "topdown",
    BulletList = function(el)
      if common.latex() then
        return el, false
      end
    end,
    OrderedList = function(el)
      if common.latex() then
        return el, false
      end
    end,
    -- On screen, code blocks as HTML whose options and paths never break
    -- at a hyphen; on paper, with the marks of where a page may not break.
    CodeBlock = function(el)
      if common.latex() then
        return code.paper_code_block(el)
      end
      if not (FORMAT:match("html") or FORMAT:match("epub")) then
        return nil
      end
      code_blocks = code_blocks + 1
      local html = layout.code_block_html(el, code_blocks)
      return common.epub_raw(html) or html
    end,
    -- In an EPUB, the transcripts' HTML waits outside pandoc
    -- (common.epub_raw).
    RawBlock = common.epub_raw,
  },
  {
    Pandoc = function(doc)
      if common.latex() then
        doc.blocks = parts.drop_screen_only(doc.blocks)
      end
      doc.blocks = parts.blocks(doc.blocks)
      doc.blocks:extend(index.index_blocks())
      if common.latex() then
        doc.blocks = layout.paper_blocks(doc.blocks)
        -- Tables written as LaTeX by the filter still need the packages
        -- pandoc's template loads for the tables it writes itself.
        if layout.raw_tables then
          doc.meta.tables = true
        end
      elseif common.html() then
        doc.blocks = layout.screen_blocks(doc.blocks)
        if FORMAT:match("html") and not FORMAT:match("epub") then
          doc.blocks:insert(1, layout.screen_toc(doc.blocks))
          -- The contents a tap away from anywhere in the one long page.
          doc.blocks:insert(1, pandoc.RawBlock("html",
            '<a class="to-contents" href="#TOC">contents</a>'))
        end
      end
      -- The attribute was only for paper_blocks.
      for _, b in ipairs(doc.blocks) do
        if b.t == "Header" then
          b.attributes["first-appendix"] = nil
          -- On screen, as on paper, a lesson's title says its number:
          -- pandoc puts no chapter number before it, in the text or in
          -- the contents (its sections keep theirs, 6.1 ...).
          if not common.latex() and numbers.is_lesson(b) then
            b.attributes["number"] = nil
            b.classes:insert("unnumbered")
          end
        end
      end
      common.write_raw()
      layout.write_code_cache()
      return doc
    end,
  },
}

