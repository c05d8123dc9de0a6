# sockstep: build every lesson into build/, run the tests, make the handout.
#   make              every lesson, warning-free (-Werror)
#   make CC=clang     the same with clang
#   make 04-accept    one lesson
#   make plain        every lesson without narration (-DSOCKSTEP_PLAIN)
#                     into build/plain/
#   make test         the whole bats suite
#   make test-busy    the same, one busy loop per core running beside it
#   make test-plain   the lessons' tests against build/plain/
#   make test-volume  06's client echoes 100 MB of base64 lines (minutes)
#   make handout      build/handout.pdf, build/handout.html and .epub
#   make lint         cppcheck, clang-tidy, clang-format, shellcheck
#   make sanitize     every lesson with ASan and UBSan (test-sanitize)
#   make bench        the servers of 06, 12 and 20 under load
#   make clean        remove build/

CC      ?= cc
CFLAGS  ?= -std=c11 -Wall -Wextra -Werror -pedantic -O2 -g
BUILD   := build
# Debug information names the source files relative to the tree, so a
# lesson builds to the same bytes wherever the tree is (the handout keeps
# its transcripts while the binaries stay the same, byte for byte). gdb,
# started at the top of the tree, still finds the sources.
REPRO   := -ffile-prefix-map=$(CURDIR)=.
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

# Part II: a lesson joins LESSONS once its source file exists.
PART2 := 10-getaddrinfo 11-dual-stack-server 12-fork-server 13-poll-chat \
         14-nonblocking-connect 15-framing-server 15-framing-client \
         16-http-client 16-http-server 17-unix-server 17-unix-client \
         18-multicast-sender 18-multicast-receiver 19-throughput \
         20-epoll-server
SRC_10-getaddrinfo          := lessons/10-getaddrinfo/getaddrinfo.c
SRC_11-dual-stack-server    := lessons/11-dual-stack/server.c
SRC_12-fork-server          := lessons/12-fork-server/server.c
SRC_13-poll-chat            := lessons/13-poll-chat/chat.c
SRC_14-nonblocking-connect  := lessons/14-nonblocking/connect.c
SRC_15-framing-server       := lessons/15-framing/server.c
SRC_15-framing-client       := lessons/15-framing/client.c
SRC_16-http-client          := lessons/16-http/client.c
SRC_16-http-server          := lessons/16-http/server.c
SRC_17-unix-server          := lessons/17-unix/server.c
SRC_17-unix-client          := lessons/17-unix/client.c
SRC_18-multicast-sender     := lessons/18-multicast/sender.c
SRC_18-multicast-receiver   := lessons/18-multicast/receiver.c
SRC_19-throughput           := lessons/19-throughput/throughput.c
SRC_20-epoll-server         := lessons/20-epoll/server.c
LESSONS += $(foreach l,$(PART2),$(if $(wildcard $(SRC_$(l))),$(l)))

BINS := $(addprefix $(BUILD)/,$(LESSONS))

.PHONY: test-volume all plain clean test test-busy test-plain $(LESSONS) 06-send-recv

all: $(BINS)

$(LESSONS): %: $(BUILD)/%
06-send-recv: $(BUILD)/06-send-recv-server $(BUILD)/06-send-recv-client

.SECONDEXPANSION:
$(BUILD)/%: $$(SRC_%) $(HEADER) | $(BUILD)
	$(CC) $(CFLAGS) $(REPRO) $(SRC_$*) -o $@

$(BUILD):
	mkdir -p $@

# The same programs with the narration compiled out: same options, same
# ready lines and results, one perror() line per failed call.
PLAIN_BINS := $(addprefix $(BUILD)/plain/,$(LESSONS))
plain: $(PLAIN_BINS)
$(PLAIN_BINS): $(BUILD)/plain/%: $$(SRC_%) $(HEADER)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(REPRO) -DSOCKSTEP_PLAIN $(SRC_$*) -o $@

# make test TESTS=tests/04-accept.bats runs one file.
# The test targets build what they test on every core (unless make was
# given -j itself), a compiler's messages kept together per file.
NPROC      := $(shell nproc 2>/dev/null || echo 1)
BUILD_JOBS  = $(if $(filter -j% --jobserver%,$(MAKEFLAGS)),,-j$(NPROC)) \
              --output-sync=target --no-print-directory

test:
	@$(MAKE) $(BUILD_JOBS) all
	tests/run $(TESTS)

# The same suite with one busy-loop process per core beside it the whole
# time (tests/busy): it must pass so too.
test-busy:
	@$(MAKE) $(BUILD_JOBS) all
	tests/busy tests/run $(TESTS)

# The lessons' own tests and the hostile, signal and bad-input ones, against
# the plain build: narration never changes what a lesson does. (Tests that
# check narration itself skip there.)
PLAIN_TESTS ?= $(wildcard tests/[0-9]*.bats) tests/bad-input.bats \
               tests/hostile.bats tests/signals.bats tests/python.bats
test-plain:
	@$(MAKE) $(BUILD_JOBS) all plain
	SOCKSTEP_BIN=$(CURDIR)/$(BUILD)/plain tests/run $(PLAIN_TESTS)

# 06's client with 100 MB of base64 text (1.8 million lines, each sent
# and echoed before the next) through the 06 server and through socat:
# minutes, not seconds, so not part of make test (which sends 1 MB).
test-volume:
	@$(MAKE) $(BUILD_JOBS) all
	SOCKSTEP_ECHO_MB=100 BATS_TEST_TIMEOUT=3600 \
	    tests/run tests/06-send-recv.bats -f 'base64 lines'

clean:
	rm -rf $(BUILD)

# More targets (handout, sanitize, lint, ...) live in mk/, one file each.
-include $(wildcard mk/*.mk)
