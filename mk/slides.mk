# make slides    build/slides.pdf: the lecture slides, 16:9, one section
#                per week, made from the week-by-week notes of the
#                lecturer's manual (docs/manual-weeks.md) by the filter
#                docs/slides.lua, through pandoc's beamer writer: a title
#                frame with the week's aim, its outcomes, a frame for each
#                point of its lecture notes (more when it is long) with
#                the commands of its Show step as code (then one for
#                each figure of the book, or lines of a lesson or of a
#                run, the point names), and its quiz's questions; the lecturer's directions and the Show
#                step's prose are in each frame's \note{}, not shown.
#                make handout builds them too.
# make slides-notes  build/slides-notes.pdf: the lecturer's copy, each
#                frame with its notes beside it (only when asked).
#
# A frame that runs over its foot (an overfull \vbox in the LaTeX log)
# fails the build, as a line past the margin fails the handout's
# (docs/pdflatex-until-stable.sh): the filter splits a long point over
# two frames, and its estimate of a frame's room is to be made smaller
# when one still runs over, never the type. The title frame says when
# and from which commit they were built, as the manual's title page does
# (mk/handout.mk's stamp).
#
# Needs: pandoc, pdflatex and beamer (texlive-latex-recommended).

SLIDES_DIR := $(BUILD)/slides

.PHONY: slides slides-notes

ifneq ($(HANDOUT_MANUAL),)
slides: $(BUILD)/slides.pdf
slides-notes: $(BUILD)/slides-notes.pdf
handout: $(BUILD)/slides.pdf
else
slides slides-notes:
	@echo "make $@: the lecturer's manual's sources are not in this copy: no slides" >&2
	@exit 1
endif

$(SLIDES_DIR):
	mkdir -p $@

# A point's []{.slide figure=ID} is the book's figure as make handout
# draws it for paper (a diagram's PDF, a run's picture's excerpt), its
# caption read from the book's Markdown; a []{.slide include=...} is lines
# of a lesson file; a []{.slide run=...} lines of a run's transcript
# (docs/runs.sh, as the book's): the slides wait for those.
SLIDES_FIGURES := $(HANDOUT_PDF_FIGS) $(HANDOUT_PICTURE_EXCERPTS)

# A picture of a run is taller than a frame: its part the book shows (the
# same excerpt) is cut in pieces of SLIDES_PIECE px at most, titles
# included (docs/picture-columns.py --pieces), a frame each, so that its
# labels are drawn some 7.5 pt high, not 4 (NAME.pieces: their names,
# and each one's first and last label). The frame's room under a title
# of one line is 196 by 283 pt (the piece's column), 312 px of a chart
# 450 px wide at 7.5 pt; a piece is drawn to the room's full height, so
# 335 px keep its labels 7 pt high at least: two even pieces of a chart
# of 609 px (lesson 07's, 321 px each) fill two frames, where pieces of
# 310 px at most made three of 233, a third of each frame empty. A chart
# of 385 px or less (lesson 06's, 372) is drawn whole, on a frame without
# a title (226 pt high): at 310 it was two pieces of 203 px, each half a
# frame. The second number is that. The first was 335 until a CI run
# drew lesson 04's picture 645 px tall: two pieces of 329 and 316 px,
# whose labels tests/peers/slides-check.py measured 6.46 pt high, under
# its 6.5 (as measured, a piece of 327 px is the most that keeps them
# there). At 320 the same chart is three pieces of 221 to 233 px.
SLIDES_PIECE := 320,385
SLIDES_PIECES := $(HANDOUT_PICTURES:%=$(SLIDES_DIR)/pictures/%.pieces)
SLIDES_FIGURES += $(SLIDES_PIECES)

$(SLIDES_DIR)/pictures/%.pieces: $(PICTURES_DIR)/%.svg docs/picture-columns.py $(HANDOUT_MD) \
    mk/slides.mk
	@mkdir -p $(SLIDES_DIR)/pictures
	rm -f $(SLIDES_DIR)/pictures/$*-[0-9]*.svg $(SLIDES_DIR)/pictures/$*-[0-9]*.pdf
	$(HANDOUT_PYTHON) docs/picture-columns.py --excerpt $* $< \
	    $(SLIDES_DIR)/pictures/$*.svg $(HANDOUT_MD)
	$(HANDOUT_PYTHON) docs/picture-columns.py --pieces $(SLIDES_PIECE) \
	    $(SLIDES_DIR)/pictures/$*.svg $(SLIDES_DIR)/pictures/$* >$@.tmp
	while read -r f _; do rsvg-convert -f pdf -o "$${f%.svg}.pdf" "$$f" || exit 1; done <$@.tmp
	mv $@.tmp $@

$(SLIDES_DIR)/slides.tex: docs/manual-weeks.md docs/slides.lua docs/slides-preamble.tex \
                          docs/listing.lua $(HANDOUT_MD) $(HANDOUT_LESSON_SRC) \
                          $(SLIDES_FIGURES) $(RUNS_DIR)/.done mk/slides.mk \
                          $(HANDOUT_STAMP) | $(SLIDES_DIR)
	pandoc docs/manual-weeks.md --from markdown --lua-filter docs/slides.lua \
	    -M figure-dir=$(HANDOUT_DIR) -M book-sources="$(HANDOUT_MD)" -M runs-dir=$(RUNS_DIR) \
	    -M slide-pictures=$(SLIDES_DIR)/pictures \
	    --to beamer --standalone --slide-level=2 \
	    -M title="Teaching sockets in C with sockstep" \
	    -M subtitle="Lecture slides, weeks 1 to 12, from the lecturer's manual" \
	    $(if $(HANDOUT_DATE),-M date="built $(HANDOUT_DAY)" -M subject="built $(HANDOUT_DATE)") \
	    -V aspectratio=169 -V fontsize=14pt -V classoption=t \
	    -M section-titles=false \
	    --include-in-header docs/slides-preamble.tex -o $@.new
	mv $@.new $@

# pdflatex until the frame total ("12 / 95") is the one the last run
# counted: two runs from nothing.
$(BUILD)/slides.pdf: $(SLIDES_DIR)/slides.tex $(SLIDES_FIGURES) docs/pdflatex-until-stable.sh
	@docs/pdflatex-until-stable.sh $(SLIDES_DIR)/slides.tex 3
	@if grep -E '^Overfull \\vbox' $(SLIDES_DIR)/slides.log >&2; then \
	  echo "$(SLIDES_DIR)/slides.pdf: a frame runs over its foot (see $(SLIDES_DIR)/slides.log)" >&2; \
	  exit 1; fi
	cp $(SLIDES_DIR)/slides.pdf $@

# The lecturer's copy, on asking only (make handout does not build it):
# the same slides.tex, read with \sockstepnotes defined, which
# docs/slides-preamble.tex turns into beamer's "show notes on second
# screen=right". Its own job name, so its .aux is not the projection's.
$(SLIDES_DIR)/slides-notes.tex: | $(SLIDES_DIR)
	printf '%s\n' '\def\sockstepnotes{}' '\input{slides.tex}' >$@

$(BUILD)/slides-notes.pdf: $(SLIDES_DIR)/slides-notes.tex $(SLIDES_DIR)/slides.tex \
                           docs/pdflatex-until-stable.sh
	@docs/pdflatex-until-stable.sh $(SLIDES_DIR)/slides-notes.tex 3
	@if grep -E '^Overfull \\vbox' $(SLIDES_DIR)/slides-notes.log >&2; then \
	  echo "$(SLIDES_DIR)/slides-notes.pdf: a frame or its notes run over (see $(SLIDES_DIR)/slides-notes.log)" >&2; \
	  exit 1; fi
	cp $(SLIDES_DIR)/slides-notes.pdf $@
