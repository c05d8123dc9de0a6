# make pictures    build/pictures/: sequence charts of real runs, for the
#                  handout: NAME.svg (HTML, EPUB), NAME.pdf (LaTeX),
#                  NAME.txt (the chart in words, for alt text), NAME.msc
#                  (the chart's text) and NAME.png (to look at)
#
# Each is drawn by scripts/capture --picture from a run made here and now
# (nothing is kept from an earlier run), in a network namespace of its
# own: as root, or as anyone where user namespaces are allowed. The pairs
# run as programs after -- (the lessons narrate themselves), so no root is
# needed for them either:
#   04  04-accept with 05-connect: the handshake inside accept(), the
#       greeting, the server's close first
#   06  06-send-recv server and client, two lines echoed, the half-close
#   07  07-close: the client closes first, the server first, the RST of a
#       close() with data unread, the restart's EADDRINUSE; and each of
#       those parts on a chart of its own, 07-1 to 07-5
#   08  08-udp-receiver with 09-udp-sender: two datagrams, no handshake
#   08-loss  the same with six datagrams, the namespace's firewall dropping
#       the third, "three" (--drop-datagram three): the same loss in every
#       build, as the text says (--loss's random drops would show none in
#       about one build of eight)
#   plain-04, plain-06, plain-07, plain-09-loss  the same runs of the
#       plain programs Part I's chapters print (lessons/plain/), narrated
#       by scripts/narrate: accept.c with connect.c; the echo server.c
#       with client.c; server.c with close.c; udp-receiver.c with
#       udp-sender.c, the third datagram of six dropped. These are the
#       ones the book shows: a student sees the calls, data and
#       descriptors of the program printed beside them, not the lessons'
#       own (their timeouts, SO_REUSEADDR, a longer greeting)
# Needs tcpdump, mscgen, rsvg-convert, and nft for 08-loss (./install-deps).

PICTURES_DIR := $(BUILD)/pictures
PICTURES     := 04 06 07 08 08-loss plain-04 plain-06 plain-07 plain-09-loss
PICTURE_KINDS := svg pdf txt msc png
PICTURE_07_PARTS := 1 2 3 4 5

# What each is run as.
PICTURE_RUN_04 := -- ./$(BUILD)/04-accept --port {port} --count 1 \
                  -- ./$(BUILD)/05-connect --port {port}
PICTURE_RUN_06 := --input $$'hello\nworld\n' \
                  -- ./$(BUILD)/06-send-recv-server --port {port} --count 1 \
                  -- ./$(BUILD)/06-send-recv-client --port {port}
PICTURE_RUN_07 := 07
PICTURE_RUN_08 := --input $$'one\ntwo\n' \
                  -- ./$(BUILD)/08-udp-receiver --port {port} --count 2 \
                  -- ./$(BUILD)/09-udp-sender --port {port}
# (--input's $'...' is bash's: the recipe runs under bash.)
PICTURE_RUN_08-loss := --drop-datagram three --input $$'one\ntwo\nthree\nfour\nfive\nsix\n' \
                  -- ./$(BUILD)/08-udp-receiver --port {port} --timeout 5 \
                  -- ./$(BUILD)/09-udp-sender --port {port}
PICTURE_BINS_08-loss := 08-udp-receiver 09-udp-sender
PICTURE_BINS_04 := 04-accept 05-connect
PICTURE_BINS_06 := 06-send-recv-server 06-send-recv-client
PICTURE_BINS_07 := 07-close
PICTURE_BINS_08 := 08-udp-receiver 09-udp-sender
# The plain programs, as a student builds them (the book's commands:
# cc -Wall lessons/plain/accept.c -o accept): the server's arguments the
# address and port, the client's too, then its message (the one the
# chapter's own run sends; 09's the six datagrams of 08-loss).
PLAIN_BIN := ./$(BUILD)/plain/programs
PICTURE_RUN_plain-04 := -- $(PLAIN_BIN)/accept 127.0.0.1 {port} \
                  -- $(PLAIN_BIN)/connect 127.0.0.1 {port}
PICTURE_RUN_plain-06 := -- $(PLAIN_BIN)/server 127.0.0.1 {port} \
                  -- $(PLAIN_BIN)/client 127.0.0.1 {port} 'hello, server'
PICTURE_RUN_plain-07 := -- $(PLAIN_BIN)/server 127.0.0.1 {port} \
                  -- $(PLAIN_BIN)/close 127.0.0.1 {port} hello
PICTURE_RUN_plain-09-loss := --drop-datagram three \
                  -- $(PLAIN_BIN)/udp-receiver 127.0.0.1 {port} \
                  -- $(PLAIN_BIN)/udp-sender 127.0.0.1 {port} \
                     one two three four five six
PICTURE_BINS_plain-04 := plain/programs/accept plain/programs/connect
PICTURE_BINS_plain-06 := plain/programs/server plain/programs/client
PICTURE_BINS_plain-07 := plain/programs/server plain/programs/close
PICTURE_BINS_plain-09-loss := plain/programs/udp-receiver \
                              plain/programs/udp-sender

.PHONY: pictures
pictures: $(foreach p,$(PICTURES),$(PICTURES_DIR)/$(p).svg) \
          $(foreach n,$(PICTURE_07_PARTS),$(PICTURES_DIR)/07-$(n).svg)

# 07's chart is a long page (its three connections and the restart, some
# 2800 px): for paper, each part of the same run on a chart of its own,
# 07-N, N the part's heading (1 the server's start, 2 to 4 the three
# connections, 5 the restart), drawn from the run 07.svg kept.
$(PICTURES_DIR)/07-%.svg: $(PICTURES_DIR)/07.svg scripts/lib/picture-svg.py
	port=$$(sed -n 's/^capture: of its own, port \([0-9]*\)$$/\1/p' \
	    $(PICTURES_DIR)/07.run.txt) && \
	$(HANDOUT_PYTHON) scripts/lib/picture.py --section $* --port "$$port" \
	    --out $(PICTURES_DIR)/07-$*.msc --alt $(PICTURES_DIR)/07-$*.txt \
	    07-close=$(PICTURES_DIR)/07.kept/server.txt \
	    $(PICTURES_DIR)/07.kept/packets.txt && \
	mscgen -T svg -o $@ $(PICTURES_DIR)/07-$*.msc && \
	$(HANDOUT_PYTHON) scripts/lib/picture-svg.py $@ && \
	rsvg-convert -f pdf -o $(PICTURES_DIR)/07-$*.pdf $@ && \
	rsvg-convert -o $(PICTURES_DIR)/07-$*.png $@

# One run draws every kind of a picture; the others come with the SVG.
# A new run replaces the old files whole (scripts/capture writes only
# new files, so they are removed first).
.SECONDEXPANSION:
$(PICTURES_DIR)/%.svg: SHELL := /bin/bash
$(PICTURES_DIR)/%.svg: scripts/capture scripts/lib/picture.py scripts/lib/picture-svg.py \
        $$(addprefix $(BUILD)/,$$(PICTURE_BINS_$$*)) $(BUILD)/libsockstep.so
	@mkdir -p $(PICTURES_DIR)
	rm -f $(foreach k,$(PICTURE_KINDS),$(PICTURES_DIR)/$*.$(k))
	rm -rf $(PICTURES_DIR)/$*.kept
	scripts/capture --keep $(PICTURES_DIR)/$*.kept \
	    $(foreach k,$(PICTURE_KINDS),--picture $(PICTURES_DIR)/$*.$(k)) \
	    $(PICTURE_RUN_$*) >$(PICTURES_DIR)/$*.run.txt 2>&1 || \
	    { cat $(PICTURES_DIR)/$*.run.txt; \
	      rm -f $(foreach k,$(PICTURE_KINDS),$(PICTURES_DIR)/$*.$(k)); \
	      exit 1; }
	@echo "pictures: $@ (and .pdf .txt .msc .png; the run: $*.run.txt)"
