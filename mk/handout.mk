# make handout               build/handout.pdf (A4), build/handout.html and
#                            build/handout.epub
# make handout PAPER=letter  the PDF on US letter
#
# Generated from the lessons: docs/include.lua puts the lesson code (whole
# files, with their real line numbers), the Python equivalents in
# docs/python/ and the transcripts of real runs (docs/runs.sh, into
# build/runs/) into the Markdown of docs/, and numbers the chapters so
# that lesson N is chapter N; docs/*.dot diagrams are rendered here, PDF
# for LaTeX and SVG for HTML and EPUB. Every lesson source, binary and doc
# file is a prerequisite, so changing one line of a lesson changes the
# handout on the next `make handout`.
#
# Needs: pandoc, pdflatex (texlive-latex-recommended, texlive-latex-extra,
# texlive-fonts-recommended, lmodern), graphviz; poppler-utils, epubcheck
# and chromium for the tests.

PAPER         ?= a4
HANDOUT_RUNS  ?= 4
HANDOUT_DIR   := $(BUILD)/handout
RUNS_DIR      := $(BUILD)/runs

# The chapters, in order: front matter (unnumbered), one chapter per
# lesson (lesson N is chapter N, whichever lessons exist), back matter
# (appendices A, B, ...).
HANDOUT_FRONT := docs/introduction.md docs/getting-started.md docs/call-sequence.md
HANDOUT_BACK  := docs/pitfalls.md docs/troubleshooting.md $(wildcard docs/check.md) \
                 docs/reference-card.md docs/glossary.md docs/further-reading.md \
                 docs/hints.md docs/lecturers.md
HANDOUT_MD := $(HANDOUT_FRONT) $(sort $(wildcard docs/lessons/*.md)) $(HANDOUT_BACK)

HANDOUT_DOT := $(wildcard docs/*.dot)
HANDOUT_PDF_FIGS := $(patsubst docs/%.dot,$(HANDOUT_DIR)/%.pdf,$(HANDOUT_DOT))
HANDOUT_SVG_FIGS := $(patsubst docs/%.dot,$(HANDOUT_DIR)/%.svg,$(HANDOUT_DOT))

# Every lesson file the handout may include, whatever its name.
HANDOUT_LESSON_SRC := $(wildcard lessons/*/*.c lessons/*/*.h)

# No C pasted into the docs, no part that drifted: checked once per change
# (a stamp), not once for each of the three formats. The formats wait for
# the check (order-only), but a change the check reads and the handout
# does not (docs/README.md) rebuilds none of them.
CODE_BLOCKS_OK := $(HANDOUT_DIR)/code-blocks.ok

HANDOUT_COMMON := $(HANDOUT_MD) docs/metadata.yaml docs/include.lua \
                  docs/listing.lua \
                  $(HANDOUT_LESSON_SRC) $(wildcard docs/python/*.py) \
                  $(RUNS_DIR)/.done mk/handout.mk

# The title page says when, and from which commit, it was built.
HANDOUT_COMMA := ,
HANDOUT_COMMIT := $(shell git describe --always --dirty 2>/dev/null)
HANDOUT_DAY    := $(shell date +%Y-%m-%d)
HANDOUT_DATE   := $(HANDOUT_DAY)$(if $(HANDOUT_COMMIT),$(HANDOUT_COMMA) commit $(HANDOUT_COMMIT))

# Where the reader clones the lessons from: this checkout's origin, if it
# has one (a user name or password in it is dropped by include.lua);
# without one the getting-started chapter says it is a local checkout.
# The address a reader clones (getting-started.md): REPO_URL when given
# (make handout REPO_URL=https://...), else the origin remote's. Only a
# network address is printed (include.lua): a path on this machine is no
# use to a reader holding the PDF.
REPO_URL ?= $(shell git remote get-url origin 2>/dev/null)
HANDOUT_REPO := $(REPO_URL)

HANDOUT_PANDOC := pandoc $(HANDOUT_MD) docs/metadata.yaml \
    --from markdown --lua-filter docs/include.lua \
    -M runs-dir=$(RUNS_DIR) -M diagram-dir=$(HANDOUT_DIR) \
    -M repo-url='$(subst ','"'"',$(HANDOUT_REPO))' \
    --top-level-division=chapter --number-sections \
    --toc --toc-depth=2 --highlight-style=tango

.PHONY: handout

handout: $(BUILD)/handout.pdf $(BUILD)/handout.html $(BUILD)/handout.epub

$(HANDOUT_DIR):
	mkdir -p $@

# The transcripts: rerun whenever the script, the peer it uses or a lesson
# binary changes in content. A binary rebuilt byte for byte the same (after
# a change to a comment, say) keeps them: they are the output of that very
# program. $(RUNS_SUMS) holds the checksums of the last run's inputs.
RUNS_INPUTS := docs/runs.sh tests/hostile/peer.py $(BINS)
RUNS_SUMS   := $(BUILD)/runs.sha256
$(RUNS_DIR)/.done: $(RUNS_INPUTS)
	@sha256sum $(RUNS_INPUTS) >$(RUNS_SUMS).new
	@if [ -e $@ ] && cmp -s $(RUNS_SUMS).new $(RUNS_SUMS); then \
	  echo "$(RUNS_DIR): the runs' programs are the same, byte for byte: transcripts kept"; \
	else \
	  echo "docs/runs.sh $(BUILD) $(RUNS_DIR)"; \
	  docs/runs.sh $(BUILD) $(RUNS_DIR) || { rm -f $(RUNS_SUMS).new; exit 1; }; \
	fi
	@mv $(RUNS_SUMS).new $(RUNS_SUMS)
	touch $@

# Every Markdown file under docs/ (what the check reads), the check itself
# and what the docs include.
$(CODE_BLOCKS_OK): $(shell find docs -name '*.md') docs/check-code-blocks.sh \
                   docs/check-code-blocks.lua $(HANDOUT_LESSON_SRC) \
                   $(wildcard docs/python/*.py) | $(HANDOUT_DIR)
	docs/check-code-blocks.sh docs
	touch $@

$(HANDOUT_DIR)/%.pdf: docs/%.dot | $(HANDOUT_DIR)
	dot -Tpdf $< -o $@

# The SVG without graphviz's DOCTYPE: an EPUB may not name an external DTD.
$(HANDOUT_DIR)/%.svg: docs/%.dot | $(HANDOUT_DIR)
	dot -Tsvg $< | sed -e '/^<!DOCTYPE/,/dtd">$$/d' >$@.tmp
	mv $@.tmp $@

# The paper size the PDF was last built for: a stamp named after it.
$(HANDOUT_DIR)/paper.$(PAPER): | $(HANDOUT_DIR)
	@case "$(PAPER)" in a4|letter) ;; \
	  *) echo "PAPER must be a4 or letter, not '$(PAPER)'" >&2; exit 2;; esac
	rm -f $(HANDOUT_DIR)/paper.*
	touch $@

# pdflatex runs until the table of contents and "page N of M" settle: until
# a run leaves handout.aux and handout.toc as it found them and its log asks
# for no rerun (at most HANDOUT_RUNS runs, 4 unless set: HANDOUT_RUNS=1
# makes a draft whose contents and page references may be out of date,
# enough to look at a change). The total of physical pages LaTeX notes
# in handout.aux (\@abspage@last) is left out of the comparison: nothing in
# the handout prints it, and the first run, with no contents yet, counts
# fewer pages (the preamble numbers the contents apart, so no other page
# number moves and a build from nothing takes two runs, not three). The last build's .aux and .toc are kept,
# so a small change needs one or two runs, not three; if the first run
# fails with them, they are removed and the runs start again without them.
# A line that would run past the margin (an overfull box of more than 1pt)
# fails the build, naming the line of handout.tex.
$(BUILD)/handout.pdf: $(HANDOUT_COMMON) $(HANDOUT_PDF_FIGS) \
                      docs/preamble.tex $(HANDOUT_DIR)/paper.$(PAPER) \
                      | $(CODE_BLOCKS_OK)
	@case "$(HANDOUT_RUNS)" in [1-9]|[1-9][0-9]) ;; *) echo "HANDOUT_RUNS must be a number of pdflatex runs, 1 or more, not '$(HANDOUT_RUNS)'" >&2; exit 2;; esac
	$(HANDOUT_PANDOC) -M date="built $(HANDOUT_DATE)" --standalone --to latex \
	    --include-in-header docs/preamble.tex \
	    -V documentclass=report -V classoption=oneside -V fontsize=11pt \
	    -V papersize=$(PAPER) \
	    -V geometry=top=25mm,bottom=25mm,left=25mm,right=25mm,headheight=14pt \
	    -o $(HANDOUT_DIR)/handout.tex
	@set -e; cd $(HANDOUT_DIR); kept=$$([ -e handout.aux ] && echo yes || true); \
	run=0; while [ $$run -lt $(HANDOUT_RUNS) ]; do \
	  run=$$((run + 1)); \
	  grep -v '@abspage@last' handout.aux >handout.aux.before 2>/dev/null || :; \
	  cp handout.toc handout.toc.before 2>/dev/null || : >handout.toc.before; \
	  echo "pdflatex $(HANDOUT_DIR)/handout.tex (run $$run)"; \
	  if ! TEXINPUTS="$(CURDIR):" max_print_line=200 pdflatex \
	      -interaction=nonstopmode -halt-on-error -file-line-error \
	      handout.tex >handout.out 2>&1; then \
	    if [ "$$kept" = yes ]; then \
	      echo "pdflatex failed with the last build's handout.aux: again without it"; \
	      rm -f handout.aux handout.toc; kept=; run=0; continue; \
	    fi; \
	    grep -A 8 -E '^(!|.*:[0-9]+:)' handout.log >&2 || tail -n 30 handout.out >&2; \
	    echo "pdflatex failed: see $(HANDOUT_DIR)/handout.log" >&2; exit 1; \
	  fi; \
	  kept=; \
	  grep -v '@abspage@last' handout.aux >handout.aux.after || :; \
	  if cmp -s handout.aux.after handout.aux.before && \
	     cmp -s handout.toc handout.toc.before && \
	     ! grep -q -E 'Rerun to get|Label\(s\) may have changed|undefined references' \
	       handout.log; then break; fi; \
	done; \
	rm -f handout.aux.before handout.aux.after handout.toc.before; \
	if grep -E '^Overfull \\hbox \(([1-9]|[0-9]{2,})[0-9.]*pt too wide\)' \
	    handout.log >&2; then \
	  echo "handout.pdf: text runs past the margin (see $(HANDOUT_DIR)/handout.log)" >&2; \
	  exit 1; \
	fi
	cp $(HANDOUT_DIR)/handout.pdf $@

# One self-contained file: the stylesheet in a <style> element, the
# highlighting's own, and the SVG diagrams as data: URLs (include.lua).
# Nothing is left for pandoc's --self-contained to fetch, and that pass
# over the whole page took half the time of this build.
$(HANDOUT_DIR)/style.html: docs/handout.css | $(HANDOUT_DIR)
	{ echo '<style>'; cat docs/handout.css; echo '</style>'; } >$@.tmp
	mv $@.tmp $@

$(BUILD)/handout.html: $(HANDOUT_COMMON) $(HANDOUT_SVG_FIGS) \
                       $(HANDOUT_DIR)/style.html | $(CODE_BLOCKS_OK)
	$(HANDOUT_PANDOC) -M date="built $(HANDOUT_DATE)" --standalone --to html5 \
	    --include-in-header $(HANDOUT_DIR)/style.html --section-divs -o $@.tmp
	mv $@.tmp $@

# The EPUB: one XHTML file per chapter, the SVG diagrams inside, the same
# stylesheet as the HTML.
$(BUILD)/handout.epub: $(HANDOUT_COMMON) $(HANDOUT_SVG_FIGS) docs/handout.css \
                       | $(CODE_BLOCKS_OK)
	$(HANDOUT_PANDOC) -M date=$(HANDOUT_DAY) -M description="built $(HANDOUT_DATE)" \
	    --to epub3 --epub-chapter-level=1 --css docs/handout.css -o $@.tmp
	mv $@.tmp $@
