# make handout               the student's book, build/handout.pdf (A4),
#                            build/handout.html and build/handout.epub, and
#                            the lecturer's manual, build/lecturers.pdf,
#                            .html and .epub
# make handout PAPER=letter  the PDF on US letter
#
# Generated from the lessons: the filter docs/include.lua (its parts in
# docs/filters/) puts the lesson code (whole files, with their real line
# numbers), the Python equivalents in docs/python/ and the transcripts of
# real runs (docs/runs.sh, into build/runs/) into the Markdown of docs/,
# and numbers the chapters so that lesson N is chapter N; docs/*.dot
# diagrams are rendered here, PDF for LaTeX and SVG for HTML and EPUB;
# the pictures of real runs the chapters show are drawn first (make
# pictures, mk/pictures.mk).
# Every lesson source, binary, doc file and filter file is a prerequisite,
# so changing one line of a lesson changes the handout on the next
# `make handout`.
#
# Needs: pandoc, pdflatex (texlive-latex-recommended, texlive-latex-extra,
# texlive-fonts-recommended, lmodern), graphviz, and what make pictures
# needs (tcpdump, mscgen, librsvg2-bin, nft); poppler-utils, epubcheck
# and chromium for the tests.

PAPER         ?= a4
HANDOUT_RUNS  ?= 4
HANDOUT_DIR   := $(BUILD)/handout
RUNS_DIR      := $(BUILD)/runs

# The chapters, in order: front matter (unnumbered), one chapter per
# lesson (lesson N is chapter N, whichever lessons exist), back matter
# (appendices A, B, ...; the reference card last, on pages of its own,
# where a reader finds it).
HANDOUT_FRONT := docs/introduction.md docs/getting-started.md docs/call-sequence.md
HANDOUT_BACK  := docs/pitfalls.md docs/troubleshooting.md docs/tools.md docs/programs-2.md \
                 docs/glossary.md docs/further-reading.md docs/hints.md \
                 docs/on-linux.md docs/reference-card.md
# Part I is lessons 01 to 09, Part II the rest; each part opens with its
# own page (docs/part-1.md, docs/part-2.md) and ends with assignments
# (docs/assignments-1.md, docs/assignments-2.md). Part I's lesson
# programs, whole, are in the tools appendix (docs/tools.md), with
# scripts/narrate and scripts/check: a student reading Part I meets the
# plain programs in the flow, and turns to the lesson programs, with
# their options and narration, when an exercise needs them.
# Part II's lesson programs, their excerpts and runs, follow in their
# own appendix (docs/programs-2.md): each Part II chapter is its plain
# programs, their runs, the kernel, mistakes and exercises, and names
# the lesson program's section where it adds something.
HANDOUT_MD := $(HANDOUT_FRONT) \
              docs/part-1.md docs/plain.md $(sort $(wildcard docs/lessons/0*.md)) \
              docs/real-code.md docs/assignments-1.md \
              docs/part-2.md $(sort $(filter-out docs/lessons/0%,$(wildcard docs/lessons/*.md))) \
              docs/assignments-2.md \
              $(HANDOUT_BACK)

# The lecturer's manual: what only whoever teaches the course needs (what
# adopting it takes, the lab, the course plan, the assignments' specs and
# model solutions, grading a class with the checker; then a part of
# operations: the lab machines, the checker in full, the autograder
# recipes, how the book is built), made from the same sources with the
# same filter, out of the student's book. A link from one to the other
# names the other document (docs/filters/numbers.lua, other-sources).
LECTURERS_MD := docs/lecturers.md docs/manual-weeks.md docs/manual-exam.md \
                docs/manual-assignments.md docs/manual-class.md \
                docs/manual-operations.md docs/manual-grading.md docs/building.md
# A students' copy (git archive: .gitattributes leaves the manual's
# sources and tests/solutions/ out) has no manual to build: there, make
# handout builds the student's book alone and says so.
HANDOUT_MANUAL := $(if $(wildcard docs/lecturers.md),yes)
ifeq ($(HANDOUT_MANUAL),)
LECTURERS_MD :=
endif

HANDOUT_DOT := $(wildcard docs/*.dot)
HANDOUT_PDF_FIGS := $(patsubst docs/%.dot,$(HANDOUT_DIR)/%.pdf,$(HANDOUT_DOT))
HANDOUT_SVG_FIGS := $(patsubst docs/%.dot,$(HANDOUT_DIR)/%.svg,$(HANDOUT_DOT))
HANDOUT_NARROW_FIGS := $(patsubst docs/%.dot,$(HANDOUT_DIR)/%-narrow.svg,$(HANDOUT_DOT))

# The pictures of real runs the student's book shows, ![...](picture:NAME)
# in its Markdown (docs/filters/diagrams.lua): drawn by `make pictures`
# (mk/pictures.mk, which this file is read before) from runs made then,
# so the book waits for them. LaTeX takes NAME.pdf as drawn and NAME.txt
# as alt text; HTML and EPUB take the SVG made fit for them below.
PICTURES_DIR ?= $(BUILD)/pictures
HANDOUT_PICTURES := $(sort $(shell sed -n 's/.*](picture:\([A-Za-z0-9_-]*\)).*/\1/p' $(HANDOUT_MD)))
HANDOUT_PICTURE_RUNS := $(HANDOUT_PICTURES:%=$(PICTURES_DIR)/%.svg)
HANDOUT_PICTURE_SVGS := $(HANDOUT_PICTURES:%=$(HANDOUT_DIR)/pictures/%.svg) \
                        $(HANDOUT_PICTURES:%=$(HANDOUT_DIR)/pictures/%.narrow.svg)
HANDOUT_PICTURE_EXCERPTS := $(HANDOUT_PICTURES:%=$(HANDOUT_DIR)/pictures/%.excerpt.pdf)
# (the two halves only of a picture marked paper-columns=2)
HANDOUT_PICTURE_HALVES := $(foreach p,$(sort $(shell sed -n \
    's/.*](picture:\([A-Za-z0-9_-]*\)){[^}]*paper-columns=2.*/\1/p' $(HANDOUT_MD))), \
    $(HANDOUT_DIR)/pictures/$(p).left.pdf)

# Every lesson file the handout may include, whatever its name.
HANDOUT_LESSON_SRC := $(wildcard lessons/*/*.c lessons/*/*.h)

# No C pasted into the docs, no part that drifted: checked once per change
# (a stamp), not once for each of the three formats. The formats wait for
# the check (order-only), but a change the check reads and the handout
# does not (docs/README.md) rebuilds none of them.
CODE_BLOCKS_OK := $(HANDOUT_DIR)/code-blocks.ok

HANDOUT_COMMON := $(HANDOUT_MD) $(LECTURERS_MD) docs/metadata.yaml docs/include.lua \
                  $(wildcard docs/filters/*.lua) docs/listing.lua docs/index.txt \
                  $(HANDOUT_LESSON_SRC) $(wildcard docs/python/*.py) \
                  $(RUNS_DIR)/.done mk/handout.mk $(HANDOUT_DIR)/stamp

# The title page says when, and from which commit, it was built. Found
# (git describe, date) and kept in the stamp below only when a goal of
# this make is the handout or a file of it: make 04-accept asks nothing
# of git.
HANDOUT_STAMP := $(HANDOUT_DIR)/stamp
HANDOUT_GOALS := $(filter handout $(BUILD)/handout% $(BUILD)/lecturers% \
                   slides $(BUILD)/slides%,$(MAKECMDGOALS))
ifneq ($(HANDOUT_GOALS),)
HANDOUT_COMMA := ,
HANDOUT_COMMIT := $(shell git describe --always --dirty 2>/dev/null)
# The day: today's, or, for a build that must come out the same twice
# (reproducible-builds.org), the day SOURCE_DATE_EPOCH names, in UTC.
ifneq ($(SOURCE_DATE_EPOCH),)
HANDOUT_DAY    := $(shell date -u -d @'$(subst ','"'"',$(SOURCE_DATE_EPOCH))' +%Y-%m-%d 2>/dev/null)
ifeq ($(HANDOUT_DAY),)
$(error SOURCE_DATE_EPOCH must be a number of seconds since 1970, not '$(SOURCE_DATE_EPOCH)')
endif
else
HANDOUT_DAY    := $(shell date +%Y-%m-%d)
endif
HANDOUT_DATE   := $(HANDOUT_DAY)$(if $(HANDOUT_COMMIT),$(HANDOUT_COMMA) commit $(HANDOUT_COMMIT))
# The student's book prints its day alone: four readers in a row took
# the commit on its title page for the tooling talking. The commit is in
# its properties (the PDF's subject, the HTML's and the EPUB's
# description); the lecturer's manual prints it whole. The slides, shown
# to a class, print the day alone too (a reader saw the commit on the
# projector as tooling talk), with the commit in the PDF's subject.
# What the handout says of its build, kept in a file that changes only
# when that does (a new day, another commit, a tree made dirty), so the
# PDF, HTML and EPUB are made again then and never name a commit they
# were not built from. Written as build/.flags is (update_file, in the
# Makefile): when make reads this file, never by make -n or -q.
$(eval $(call update_file,$(HANDOUT_STAMP),HANDOUT_DATE))
endif
$(HANDOUT_STAMP): ;

# The address a reader clones (getting-started.md, ::: clone): REPO_URL
# when given (make handout REPO_URL=https://...), else the origin remote's.
# Only a network address is printed, without a user name or password in
# it (docs/filters/divs.lua): a path on this machine is no use to a reader
# holding the PDF. Without one, the chapter says to ask the lecturer.
REPO_URL ?= $(shell git remote get-url origin 2>/dev/null)
HANDOUT_REPO = $(REPO_URL)

# docs/metadata.yaml's linkcolor names the paper's colour (sockblue,
# docs/preamble.tex); pandoc's HTML writes it into its CSS as it is, which
# no browser knows: the HTML gets the same colour by its value.
HTML_LINKCOLOR := -V 'linkcolor=\#3A5A8C'
HANDOUT_PANDOC = pandoc $(HANDOUT_MD) docs/metadata.yaml \
    -M book=student -M other-book="the lecturer's manual" \
    $(if $(HANDOUT_MANUAL),-M other-html=lecturers.html,-M other-absent=true) \
    -M other-sources="$(LECTURERS_MD)" \
    $(HANDOUT_FILTER)
LECTURERS_PANDOC = pandoc $(LECTURERS_MD) docs/metadata.yaml \
    -M title="Teaching sockets in C with sockstep" \
    -M subtitle="sockstep lecturer's manual: the lab, the course, the assignments, grading a class, and how the book is built" \
    -M book=lecturers -M other-book="the student's book" \
    -M other-html=handout.html -M other-sources="$(HANDOUT_MD)" \
    $(HANDOUT_FILTER)
HANDOUT_FILTER = \
    --from markdown --lua-filter docs/include.lua \
    -M runs-dir=$(RUNS_DIR) -M diagram-dir=$(HANDOUT_DIR) -M picture-dir=$(PICTURES_DIR) \
    -M repo-url='$(subst ','"'"',$(HANDOUT_REPO))' \
    --top-level-division=chapter --number-sections \
    --toc --toc-depth=2 --highlight-style=tango

.PHONY: handout

handout: $(BUILD)/handout.pdf $(BUILD)/handout.html $(BUILD)/handout.epub \
         $(if $(HANDOUT_MANUAL),$(BUILD)/lecturers.pdf $(BUILD)/lecturers.html $(BUILD)/lecturers.epub)
ifeq ($(HANDOUT_MANUAL),)
	@echo "make handout: the student's book only: the lecturer's manual's sources are not in this copy"
endif

$(HANDOUT_DIR):
	mkdir -p $@

# The transcripts: rerun whenever the script, the peer it uses, the wait
# for a ready line (scripts/lib/ready.*) or a lesson binary changes in
# content. A binary rebuilt byte for byte the same (after a change to a
# comment, say) keeps them: they are the output of that very
# program. $(RUNS_SUMS) holds the checksums of the last run's inputs.
# The appendix on narrating your own program also builds and runs the
# programs in docs/own/, with the header and scripts/narrate's library;
# the lecturers' appendix grades three of tests/students/ with the checker
# and the calculator spec.
RUNS_GRADING := scripts/check scripts/marks $(wildcard scripts/sockcheck/*.py) \
                scripts/sockcheck/specs/calculator.spec \
                scripts/sockcheck/specs/echo-many.spec \
                $(wildcard tests/solutions/echo-server.c tests/solutions/fork-echo-server.c) \
                tests/students/calc-good.py tests/students/calc-broken.c \
                tests/students/calc-overrun.c
# docs/own/'s files, not its directories: a directory there (a
# __pycache__, say) is no input, and sha256sum cannot hash one.
RUNS_PLAIN  := $(wildcard lessons/plain/*.c)
RUNS_OWN    := $(filter-out $(patsubst %/,%,$(wildcard docs/own/*/)), \
                 $(wildcard docs/own/*))
RUNS_INPUTS := docs/runs.sh docs/drain-story.awk tests/hostile/peer.py $(BINS) \
               scripts/lib/ready.bash scripts/lib/ready.ere scripts/lib/scale.bash \
               scripts/lib/ready.py \
               $(RUNS_PLAIN) $(RUNS_OWN) $(HEADER) $(PRELOAD) scripts/narrate \
               $(RUNS_GRADING)
RUNS_SUMS   := $(BUILD)/runs.sha256
$(RUNS_DIR)/.done: $(RUNS_INPUTS)
	@sha256sum $(RUNS_INPUTS) >$(RUNS_SUMS).new
	@if [ -e $@ ] && cmp -s $(RUNS_SUMS).new $(RUNS_SUMS); then \
	  echo "$(RUNS_DIR): the runs' programs are the same, byte for byte: transcripts kept"; \
	else \
	  echo "docs/runs.sh $(BUILD) $(RUNS_DIR)"; \
	  SOCKSTEP_LESSONS="$(LESSONS)" docs/runs.sh $(BUILD) $(RUNS_DIR) || \
	    { rm -f $(RUNS_SUMS).new; exit 1; }; \
	fi
	@mv $(RUNS_SUMS).new $(RUNS_SUMS)
	touch $@

# Every Markdown file under docs/ (what the check reads), the check itself
# and what the docs include.
$(CODE_BLOCKS_OK): $$(shell find docs -name '*.md') docs/check-code-blocks.sh \
                   docs/check-code-blocks.lua docs/listing.lua \
                   $(HANDOUT_LESSON_SRC) \
                   $(wildcard docs/python/*.py) | $(HANDOUT_DIR)
	docs/check-code-blocks.sh docs
	touch $@

$(HANDOUT_DIR)/%.pdf: docs/%.dot | $(HANDOUT_DIR)
	dot -Tpdf $< -o $@

# The SVG without graphviz's DOCTYPE: an EPUB may not name an external DTD.
# NAME-narrow.svg, for the HTML on a phone: the same diagram through
# docs/narrow.sed (bigger type, the columns closer).
$(HANDOUT_DIR)/%-narrow.svg: docs/%.dot docs/narrow.sed | $(HANDOUT_DIR)
	sed -f docs/narrow.sed $< | dot -Tsvg | sed -e '/^<!DOCTYPE/,/dtd">$$/d' >$@.tmp
	mv $@.tmp $@

# A picture's SVG for HTML and EPUB, $(call picture_for_screen,SVG)
# into $@: the times beside its arrows in the labels' 12 px type, not
# mscgen's 8 px (docs/picture-columns.py --screen: on a phone it is
# drawn at its own size, every text 12 px), without mscgen's DOCTYPE
# (as above), and its font, Helvetica, followed by a generic one, for a
# reader without it.
picture_for_screen = $(HANDOUT_PYTHON) docs/picture-columns.py --screen $(1) $@.big && \
	sed -e '/^<!DOCTYPE/,/dtd">$$/d' \
	    -e 's/font-family="Helvetica"/font-family="Helvetica, Arial, sans-serif"/g' \
	    $@.big >$@.tmp && rm -f $@.big && mv $@.tmp $@
$(HANDOUT_DIR)/pictures/%.svg: $(PICTURES_DIR)/%.svg docs/picture-columns.py | $(HANDOUT_DIR)
	@mkdir -p $(HANDOUT_DIR)/pictures
	$(call picture_for_screen,$<)

# NAME.narrow.svg, for a phone: the same run drawn again in 340 px, two
# lanes closer, a box's lines shorter, the type as big
# (docs/picture-narrow.py), then as above. The HTML shows it on a
# screen under 600 px, the EPUB always (docs/filters/diagrams.lua).
$(HANDOUT_DIR)/pictures/%.narrow.svg: $(PICTURES_DIR)/%.svg docs/picture-narrow.py \
        scripts/lib/picture.py scripts/lib/picture-svg.py docs/picture-columns.py | $(HANDOUT_DIR)
	@mkdir -p $(HANDOUT_DIR)/pictures
	$(HANDOUT_PYTHON) docs/picture-narrow.py $(PICTURES_DIR) $* $@.mscgen
	$(call picture_for_screen,$@.mscgen)
	rm -f $@.mscgen

# On paper a tall picture may stand in two columns (paper-columns=2):
# NAME.left.pdf the chart down to a cut through no box, text or arrow,
# NAME.right.pdf its lanes' titles over the rest; each half holds only
# what it shows, so a copy of the page gives each label once.
$(HANDOUT_DIR)/pictures/%.left.pdf $(HANDOUT_DIR)/pictures/%.right.pdf: \
        $(PICTURES_DIR)/%.svg docs/picture-columns.py | $(HANDOUT_DIR)
	@mkdir -p $(HANDOUT_DIR)/pictures
	$(HANDOUT_PYTHON) docs/picture-columns.py $< $(HANDOUT_DIR)/pictures/$*.left.svg \
	    $(HANDOUT_DIR)/pictures/$*.right.svg
	rsvg-convert -f pdf -o $(HANDOUT_DIR)/pictures/$*.right.pdf $(HANDOUT_DIR)/pictures/$*.right.svg
	rsvg-convert -f pdf -o $(HANDOUT_DIR)/pictures/$*.left.pdf $(HANDOUT_DIR)/pictures/$*.left.svg
	rm -f $(HANDOUT_DIR)/pictures/$*.left.svg $(HANDOUT_DIR)/pictures/$*.right.svg

# On paper a picture shows a part of its chart, in one column, at a size
# that can be read: its lanes' titles over the rows from its image's
# paper-from to its paper-to (docs/picture-columns.py --excerpt, which
# reads them from the Markdown).
$(HANDOUT_DIR)/pictures/%.excerpt.pdf: $(PICTURES_DIR)/%.svg docs/picture-columns.py \
        $(HANDOUT_MD) | $(HANDOUT_DIR)
	@mkdir -p $(HANDOUT_DIR)/pictures
	$(HANDOUT_PYTHON) docs/picture-columns.py --excerpt $* $< \
	    $(HANDOUT_DIR)/pictures/$*.excerpt.svg $(HANDOUT_MD)
	rsvg-convert -f pdf -o $@ $(HANDOUT_DIR)/pictures/$*.excerpt.svg
	rm -f $(HANDOUT_DIR)/pictures/$*.excerpt.svg

$(HANDOUT_DIR)/%.svg: docs/%.dot | $(HANDOUT_DIR)
	dot -Tsvg $< | sed -e '/^<!DOCTYPE/,/dtd">$$/d' >$@.tmp
	mv $@.tmp $@

# The paper size the PDF was last built for: a stamp named after it.
$(HANDOUT_DIR)/paper.$(PAPER): | $(HANDOUT_DIR)
	@case "$(PAPER)" in a4|letter) ;; \
	  *) echo "PAPER must be a4 or letter, not '$(PAPER)'" >&2; exit 2;; esac
	rm -f $(HANDOUT_DIR)/paper.*
	touch $@

# The narrator's wrap, for the transcripts on paper: the lines
# docs/filters/transcripts.lua shows go through this program (found beside
# $(RUNS_DIR)), which wraps them with the header's own ss_wrap().
PAPER_WRAP := $(BUILD)/paper-wrap
# Linked under another name, then renamed: a test that runs it while
# another make relinks it never finds a file half written.
$(PAPER_WRAP): docs/filters/paper-wrap.c $(LESSON_HEADER) $(BUILD)/.flags | $(BUILD)
	$(CC) $(STRICT) $(CFLAGS) $(REPRO) $< -o $@.tmp.$$$$ && mv -f $@.tmp.$$$$ $@

# The LaTeX, on the paper PAPER names (pandoc writes it into the
# \documentclass line); the diagrams must be rendered before the filter
# names them.
$(HANDOUT_DIR)/handout.tex: $(HANDOUT_COMMON) $(HANDOUT_PDF_FIGS) $(HANDOUT_PICTURE_RUNS) \
                            $(HANDOUT_PICTURE_EXCERPTS) $(HANDOUT_PICTURE_HALVES) \
                            $(PAPER_WRAP) docs/preamble.tex \
                            $(HANDOUT_DIR)/highlight.tex \
                            $(HANDOUT_DIR)/paper.$(PAPER) | $(CODE_BLOCKS_OK)
	$(HANDOUT_PANDOC) -M date="built $(HANDOUT_DAY)" -M subject="built $(HANDOUT_DATE)" \
	    --standalone --to latex \
	    --toc-depth=1 \
	    --include-in-header $(HANDOUT_DIR)/highlight.tex \
	    --include-in-header docs/preamble.tex \
	    -V documentclass=report -V classoption=oneside -V fontsize=10pt \
	    -V papersize=$(PAPER) \
	    -V geometry=top=16mm,bottom=16mm,left=25mm,right=25mm,headheight=14pt \
	    -o $@.new
	mv $@.new $@

# The lecturer's manual's LaTeX: the same look, its own name in the
# running header, its sections in the contents.
$(HANDOUT_DIR)/lecturers-name.tex: mk/handout.mk | $(HANDOUT_DIR)
	printf '%s\n' "\\newcommand{\\ssbookname}{sockstep lecturer's manual}" >$@

$(HANDOUT_DIR)/lecturers.tex: $(HANDOUT_COMMON) $(PAPER_WRAP) docs/preamble.tex \
                              $(HANDOUT_DIR)/highlight.tex \
                              $(HANDOUT_DIR)/lecturers-name.tex \
                              $(HANDOUT_DIR)/paper.$(PAPER) | $(CODE_BLOCKS_OK)
	$(LECTURERS_PANDOC) -M date="built $(HANDOUT_DATE)" --standalone --to latex \
	    --toc-depth=2 \
	    --include-in-header $(HANDOUT_DIR)/highlight.tex \
	    --include-in-header $(HANDOUT_DIR)/lecturers-name.tex \
	    --include-in-header docs/preamble.tex \
	    -V documentclass=report -V classoption=oneside -V fontsize=10pt \
	    -V papersize=$(PAPER) \
	    -V geometry=top=18mm,bottom=18mm,left=25mm,right=25mm,headheight=14pt \
	    -o $@.new
	mv $@.new $@

$(BUILD)/lecturers.pdf: $(HANDOUT_DIR)/lecturers.tex docs/pdflatex-until-stable.sh
	@docs/pdflatex-until-stable.sh $(HANDOUT_DIR)/lecturers.tex $(HANDOUT_RUNS)
	cp $(HANDOUT_DIR)/lecturers.pdf $@

# pdflatex runs until the table of contents and the page references
# settle, at most HANDOUT_RUNS times (4 unless set; HANDOUT_RUNS=1 makes a
# quick draft whose contents and page references may be out of date): see
# docs/pdflatex-until-stable.sh, which also fails the build on a line that
# runs past the margin. The last build's .aux and .toc are kept in
# $(HANDOUT_DIR), so a small change needs one or two runs, not three.
$(BUILD)/handout.pdf: $(HANDOUT_DIR)/handout.tex docs/pdflatex-until-stable.sh
	@case "$(HANDOUT_RUNS)" in [1-9]|[1-9][0-9]) ;; *) echo "HANDOUT_RUNS must be a number of pdflatex runs, 1 or more, not '$(HANDOUT_RUNS)'" >&2; exit 2;; esac
	@docs/pdflatex-until-stable.sh $(HANDOUT_DIR)/handout.tex $(HANDOUT_RUNS)
	cp $(HANDOUT_DIR)/handout.pdf $@

$(BUILD)/lecturers.html: $(HANDOUT_COMMON) $(HANDOUT_DIR)/style.html | $(CODE_BLOCKS_OK)
	$(LECTURERS_PANDOC) -M date="built $(HANDOUT_DATE)" --standalone --to html5 $(HTML_LINKCOLOR) \
	    -V toc= -M code-cache=$(CODE_CACHE) \
	    --include-in-header $(HANDOUT_DIR)/style.html --section-divs -o $@.tmp
	mv $@.tmp $@

# One self-contained file: the stylesheet in a <style> element, the
# contents made by the filter (docs/filters/layout.lua: chapters, their
# sections folded under them; -V toc= keeps pandoc's own out), the
# highlighting's own, and the SVG diagrams as data: URLs
# (docs/filters/diagrams.lua).
# Nothing is left for pandoc's --self-contained to fetch, and that pass
# over the whole page took half the time of this build.
$(HANDOUT_DIR)/style.html: $(HANDOUT_DIR)/highlight.css $(HANDOUT_DIR)/handout.css | $(HANDOUT_DIR)
	{ echo '<style>'; cat $^; echo '</style>'; } >$@.tmp
	mv $@.tmp $@

# The stylesheet a reader's HTML and EPUB carry: docs/handout.css without
# its comments, which are for whoever changes it (they name the filters
# and the tests), not for a reader who opens the file.
$(HANDOUT_DIR)/handout.css: docs/handout.css | $(HANDOUT_DIR)
	$(HANDOUT_PYTHON) -c 'import re, sys; css = open(sys.argv[1]).read(); \
	    css = re.sub(r"^[ \t]*/\*.*?\*/[ \t]*\n", "", css, flags=re.S | re.M); \
	    sys.stdout.write(re.sub(r"[ \t]*/\*.*?\*/", "", css, flags=re.S))' $< >$@.tmp
	mv $@.tmp $@

# The highlighting's macros for LaTeX, for the same reason: the filter
# writes every code block's LaTeX itself (docs/filters/code.lua), with the
# marks of where a page may not break, so pandoc sees none but those in
# lists, and then writes the same macros itself: they are defined here
# only when it has not. preamble.tex, included after them, changes the
# look of Highlighting and Shaded.
$(HANDOUT_DIR)/highlight.tex: mk/handout.mk | $(HANDOUT_DIR)
	{ printf '%s\n' '\ifdefined\VerbBar\else'; \
	  printf '```c\nint x;\n```\n' | \
	    pandoc --standalone --highlight-style=tango -M title=x --to latex | \
	    sed -n '/^\\usepackage{color}/,/WarningTok/p'; \
	  printf '%s\n' '\fi'; } >$@.tmp
	grep -q 'newenvironment{Shaded}' $@.tmp
	mv $@.tmp $@

# The highlighting's stylesheet (colours, line numbers), which pandoc
# writes only into a page with code blocks of its own: the filter turns
# every code block into HTML (docs/filters/layout.lua), so it is taken
# from a page of one block.
$(HANDOUT_DIR)/highlight.css: mk/handout.mk | $(HANDOUT_DIR)
	printf '```c\nint x;\n```\n' | \
	    pandoc --standalone --highlight-style=tango -M title=x --to html5 | \
	    sed -n '/^ *pre > code\.sourceCode {/,/<\/style>/p' | \
	    grep -v -e '</style>' -e 'display\.math' >$@.tmp
	grep -q 'counter(source-line)' $@.tmp
	mv $@.tmp $@

# The code blocks' HTML, highlighted, which the HTML and the EPUB share
# (docs/filters/layout.lua): each block is highlighted by the first of
# them to be built and found by the second. When both are to be made, the
# EPUB waits for the HTML (order-only: an HTML built alone makes no EPUB
# out of date); on two cores it still ends before the PDF's pdflatex runs.
# A block that changed is not found, and is highlighted again.
CODE_CACHE := $(HANDOUT_DIR)/code-html.cache
HANDOUT_EPUB_AFTER := $(if $(filter handout $(BUILD)/handout.html,$(MAKECMDGOALS)),$(BUILD)/handout.html)

$(BUILD)/handout.html: $(HANDOUT_COMMON) $(HANDOUT_SVG_FIGS) $(HANDOUT_NARROW_FIGS) \
                       $(HANDOUT_PICTURE_SVGS) \
                       $(HANDOUT_DIR)/style.html | $(CODE_BLOCKS_OK)
	$(HANDOUT_PANDOC) -M date="built $(HANDOUT_DAY)" -M description-meta="built $(HANDOUT_DATE)" \
	    --standalone --to html5 $(HTML_LINKCOLOR) \
	    -V toc= -M code-cache=$(CODE_CACHE) \
	    --include-in-header $(HANDOUT_DIR)/style.html --section-divs -o $@.tmp
	mv $@.tmp $@

# The EPUB: one XHTML file per chapter, the SVG diagrams inside, the same
# stylesheet as the HTML (listings wrap, with a mark on each continued
# line), a cover of its own (docs/cover.tex), and each
# chapter file titled by its chapter (docs/epub-finish.py: pandoc titles
# them by file name, which some readers show).
# The listings' and transcripts' HTML waits outside pandoc, in
# epub-raw.txt, and epub-finish.py puts it back: pandoc's EPUB writer
# reads every raw HTML block with tagsoup, which took a third of this
# build (docs/filters/common.lua).
HANDOUT_PYTHON = $(shell bash -c '. scripts/lib/python.bash && ss_find_python && echo "$$PYTHON"')

# The cover: docs/cover.tex (the title and the calls of Part I), one
# pdflatex run, rendered to PNG.
$(HANDOUT_DIR)/cover.pdf: docs/cover.tex | $(HANDOUT_DIR)
	pdflatex -interaction=batchmode -halt-on-error \
	    -output-directory $(HANDOUT_DIR) docs/cover.tex >/dev/null || \
	    { cat $(HANDOUT_DIR)/cover.log >&2; exit 1; }

$(HANDOUT_DIR)/cover.png: $(HANDOUT_DIR)/cover.pdf
	pdftoppm -r 200 -png -singlefile $< $(HANDOUT_DIR)/cover

$(BUILD)/handout.epub: $(HANDOUT_COMMON) $(HANDOUT_SVG_FIGS) $(HANDOUT_NARROW_FIGS) $(HANDOUT_PICTURE_SVGS) \
                       $(HANDOUT_DIR)/handout.css \
                       $(HANDOUT_DIR)/highlight.css $(HANDOUT_DIR)/cover.png \
                       docs/epub-finish.py \
                       | $(CODE_BLOCKS_OK) $(HANDOUT_EPUB_AFTER)
	$(HANDOUT_PANDOC) -M date=$(HANDOUT_DAY) -M description="built $(HANDOUT_DATE)" \
	    -M raw-blocks=$(HANDOUT_DIR)/epub-raw.txt -M code-cache=$(CODE_CACHE) \
	    --to epub3 --epub-chapter-level=1 \
	    --css $(HANDOUT_DIR)/highlight.css --css $(HANDOUT_DIR)/handout.css \
	    --epub-cover-image=$(HANDOUT_DIR)/cover.png -o $@.tmp
	$(HANDOUT_PYTHON) docs/epub-finish.py $@.tmp $(HANDOUT_DIR)/epub-raw.txt
	mv $@.tmp $@

# The lecturer's manual as an EPUB: as the handout's, without its cover.
$(BUILD)/lecturers.epub: $(HANDOUT_COMMON) $(HANDOUT_DIR)/handout.css \
                         $(HANDOUT_DIR)/highlight.css docs/epub-finish.py \
                         | $(CODE_BLOCKS_OK) $(HANDOUT_EPUB_AFTER)
	$(LECTURERS_PANDOC) -M date=$(HANDOUT_DAY) -M description="built $(HANDOUT_DATE)" \
	    -M raw-blocks=$(HANDOUT_DIR)/lecturers-epub-raw.txt -M code-cache=$(CODE_CACHE) \
	    --to epub3 --epub-chapter-level=1 \
	    --css $(HANDOUT_DIR)/highlight.css --css $(HANDOUT_DIR)/handout.css -o $@.tmp
	$(HANDOUT_PYTHON) docs/epub-finish.py $@.tmp $(HANDOUT_DIR)/lecturers-epub-raw.txt
	mv $@.tmp $@
