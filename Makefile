# sockstep: build every lesson into build/, run the tests, make the handout.
#   make              every lesson, warning-free (-Werror)
#   make CC=clang     the same with clang
#   make 04-accept    one lesson
#   make plain        every lesson without narration (-DSOCKSTEP_PLAIN)
#                     into build/plain/
#   make test         the whole bats suite
#   make handout      build/handout.pdf and build/handout.html
#   make clean        remove build/

CC      ?= cc
CFLAGS  ?= -std=c11 -Wall -Wextra -Werror -pedantic -O2 -g
BUILD   := build
HEADER  := $(wildcard lessons/common/*.h)

# binary name = source file
LESSONS := 01-socket 02-bind 03-listen 04-accept 05-connect \
           06-send-recv-server 06-send-recv-client 07-close \
           08-udp-receiver 09-udp-sender

SRC_01-socket           := lessons/01-socket/socket.c
SRC_02-bind             := lessons/02-bind/bind.c
SRC_03-listen           := lessons/03-listen/listen.c
SRC_04-accept           := lessons/04-accept/accept.c
SRC_05-connect          := lessons/05-connect/connect.c
SRC_06-send-recv-server := lessons/06-send-recv/server.c
SRC_06-send-recv-client := lessons/06-send-recv/client.c
SRC_07-close            := lessons/07-close/close.c
SRC_08-udp-receiver     := lessons/08-udp-receiver/receiver.c
SRC_09-udp-sender       := lessons/09-udp-sender/sender.c

BINS := $(addprefix $(BUILD)/,$(LESSONS))

.PHONY: all plain clean test $(LESSONS) 06-send-recv

all: $(BINS)

$(LESSONS): %: $(BUILD)/%
06-send-recv: $(BUILD)/06-send-recv-server $(BUILD)/06-send-recv-client

.SECONDEXPANSION:
$(BUILD)/%: $$(SRC_%) $(HEADER) | $(BUILD)
	$(CC) $(CFLAGS) $(SRC_$*) -o $@

$(BUILD):
	mkdir -p $@

# The same programs with the narration compiled out: same options, same
# ready lines and results, one perror() line per failed call.
PLAIN_BINS := $(addprefix $(BUILD)/plain/,$(LESSONS))
plain: $(PLAIN_BINS)
$(PLAIN_BINS): $(BUILD)/plain/%: $$(SRC_%) $(HEADER)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -DSOCKSTEP_PLAIN $(SRC_$*) -o $@

# make test TESTS=tests/04-accept.bats runs one file.
test: all
	tests/run $(TESTS)

clean:
	rm -rf $(BUILD)

# More targets (handout, sanitize, lint, ...) live in mk/, one file each.
-include $(wildcard mk/*.mk)
