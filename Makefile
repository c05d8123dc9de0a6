# sockstep: build every lesson into build/, run the tests, make the handout.
#   make              every lesson, warning-free (-Werror), and
#                     build/libsockstep.so for scripts/narrate
#   make CC=clang     the same with clang
#   make build-optimized  every lesson, narrated and plain, and the
#                     other C (tests/*.c, bench/load.c) at -O2, by gcc into
#                     build/O2/ and by clang into build/clang/
#   make 04-accept    one lesson's program
#   make 06-send-recv every program of one lesson (server and client)
#   make plain        every lesson without narration (-DSOCKSTEP_PLAIN)
#                     into build/plain/, and lessons/plain/*.c into
#                     build/plain/programs/
#   make plain-portable  every lessons/plain/*.c strictly POSIX by gcc,
#                     clang and musl-gcc (mk/portable.mk)
#   make test         the bats suite, but for the proofs slow by nature
#   make test-all     all of it: make test and those (CI runs it)
#   make test-busy    the same, one busy loop per core running beside it
#   make test-slow    the same on half a core (tests/slow: a cgroup's CPU
#                     quota, as root): a machine some times slower
#   make test-small-buffers  the same with every TCP socket's buffers
#                     at most 16 KiB (as root, tests/in-netns): a
#                     machine short of memory
#   make test-plain   the lessons' tests against build/plain/
#   make test-volume  06's client echoes 100 MB of base64 lines (minutes)
#   make handout      build/handout.pdf, build/handout.html and .epub
#   make slides       build/slides.pdf, the lecture slides, from the
#                     manual's week pages (mk/slides.mk)
#   make slides-notes build/slides-notes.pdf, the same with the
#                     lecturer's notes beside each slide
#   make lint         cppcheck, clang-tidy, clang-format, own includes,
#                     shellcheck, pyflakes
#   make sanitize     every lesson by clang with ASan and UBSan
#                     (test-sanitize)
#   make bench        lesson 19 beside iperf3, the echo servers of 06, 12,
#                     13 and 20 under load
#   make bench-batch  grading a class of 30 with --jobs 4 against --jobs 1
#   make bench-suite  what a process, a Python, an empty bats test and a
#                     test file in a namespace of its own cost
#   make autograder   build/autograder.zip for Gradescope (mk/autograder.mk)
#   make clean        remove build/

CC      ?= cc
# -O0 -g: no optimizer. A student who steps through a lesson in gdb sees
# every variable (at -O2 many are "<optimized out>"), and a build from
# nothing takes about half the CPU of one at -Og (make test starts with
# one), while the tests' runs of the lessons take about the same CPU
# either way: the lessons wait on the network and the kernel, not on
# their own code. The optimizer's own warnings (format truncation,
# maybe-uninitialized) are checked at -O2 by make build-optimized (gcc
# and clang; CI runs gcc's, and clang's in its sanitizer build).
CFLAGS  ?= -O0 -g
# The language and the warnings are not CFLAGS: every build of C here has
# them first, whatever CFLAGS says (CFLAGS=-O2 make, or make CFLAGS=-O1,
# changes the optimizer and the debug information, not the warnings).
# -Wmissing-prototypes: a function that is not static must have been
# declared first, so a helper that should be static, or one whose
# declaration went astray, shows (a lesson's functions are all static).
STRICT  := -std=c11 -Wall -Wextra -Werror -pedantic -Wmissing-prototypes
BUILD   := build
# Debug information names the source files relative to the tree, so a
# lesson builds to the same bytes wherever the tree is (the handout keeps
# its transcripts while the binaries stay the same, byte for byte). gdb,
# started at the top of the tree, still finds the sources.
# (quoted for the shell: a clone may sit in a folder with a space in it)
HERE    := '$(subst ','\'',$(CURDIR))'
REPRO   := -ffile-prefix-map=$(HERE)=.
HEADER  := $(wildcard lessons/common/*.h)
# What a lesson includes: sockstep.h and its rooms. The preload_*.h files
# are the narrator library's alone, so editing one rebuilds that library,
# not the 25 lessons.
LESSON_HEADER := $(filter-out lessons/common/preload%,$(HEADER))

# The lessons are the tree, so there is no list to keep: every
# lessons/NN-dir/file.c is one program, build/NN-dir when the directory's
# name ends in -file (01-socket/socket.c, 13-poll-chat/chat.c), else
# build/NN-dir-file (06-send-recv/client.c, 14-nonblocking/connect.c).
# LESSONS holds the names and SRC_name each one's source (mk/ uses both;
# tests/hostile/common.bash asks make for LESSONS). A lesson directory without a .c file
# stops make here: a lesson that disappears fails the build, it does not
# drop out of the build and the tests unseen.
LESSON_DIRS := $(patsubst %/,%,$(sort $(wildcard lessons/[0-9]*/)))
LESSON_SRCS := $(sort $(wildcard lessons/[0-9]*/*.c))
$(foreach d,$(LESSON_DIRS),$(if $(wildcard $(d)/*.c),,$(error $(d) has no \
    .c file: a lesson directory holds at least one program)))
# lesson_name lessons/NN-dir/file.c: NN-dir or NN-dir-file, as above.
lesson_dir  = $(notdir $(patsubst %/,%,$(dir $(1))))
lesson_file = $(basename $(notdir $(1)))
lesson_name = $(call lesson_dir,$(1))$(if $(filter %-$(call \
    lesson_file,$(1)),$(call lesson_dir,$(1))),,-$(call lesson_file,$(1)))
LESSONS := $(foreach s,$(LESSON_SRCS),$(call lesson_name,$(s)))
$(foreach s,$(LESSON_SRCS),$(eval SRC_$(call lesson_name,$(s)) := $(s)))
LESSON_TWICE := $(strip $(foreach n,$(sort $(LESSONS)),$(if $(word 2,$(filter \
    $(n),$(LESSONS))),$(n))))
$(if $(LESSON_TWICE),$(error two lesson sources give one binary name: \
    $(LESSON_TWICE)))

BINS := $(addprefix $(BUILD)/,$(LESSONS))

# `make` alone builds everything (all, below); without this line the
# first rule made by the $(eval) below would be the default.
.DEFAULT_GOAL := all

# make 06-send-recv: every program of a lesson directory whose name is
# not itself a program's.
LESSON_GROUPS := $(filter-out $(LESSONS),$(notdir $(LESSON_DIRS)))
$(foreach d,$(LESSON_GROUPS),$(eval $(d): $(addprefix $(BUILD)/,$(foreach \
    s,$(filter lessons/$(d)/%,$(LESSON_SRCS)),$(call lesson_name,$(s))))))

.PHONY: test-volume all plain clean test test-busy test-slow test-plain \
        test-small-buffers \
        test-all $(LESSONS) $(LESSON_GROUPS)

# scripts/narrate's preload library: the same header's wrappers, built
# to take the place of the C library's socket calls in any program
# (lessons/common/preload.c says how). GNU C: it needs typeof. Its
# warnings are fixed, as STRICT's are for the lessons; PRELOAD_CFLAGS
# (make PRELOAD_CFLAGS=-O0) changes only the rest.
PRELOAD := $(BUILD)/libsockstep.so
PRELOAD_STRICT := -std=gnu11 -Wall -Wextra -Werror -Wmissing-prototypes
PRELOAD_CFLAGS ?= -O2 -g

# The compiler and flags that build/ was made with: when they change
# (make CC=clang, make CFLAGS=...), build/.flags changes with them, and
# every program that depends on it is built again.
# It is written when make reads this file (update_file), only when the
# flags differ. REPRO is left out: it names where the tree is, and the
# programs are the same bytes wherever that is.
FLAGS_NOW := $(CC) $(STRICT) $(CFLAGS) $(PRELOAD_STRICT) $(PRELOAD_CFLAGS)

# $(eval $(call update_file,FILE,VAR)): write the value of the variable
# VAR into FILE as make reads the makefiles, when it differs from what
# FILE holds, so that FILE's time changes only then and whatever depends
# on it is made again; never under make -n or -q, which must change
# nothing. (VAR by name: a value with a comma would split call's
# arguments.)
define update_file
ifeq ($$(findstring n,$$(firstword -$$(MAKEFLAGS)))$$(findstring \
    q,$$(firstword -$$(MAKEFLAGS))),)
ifneq ($$($(2)),$$(file <$(1)))
$$(shell mkdir -p $$(dir $(1)))
$$(file >$(1),$$($(2)))
endif
endif
endef
$(eval $(call update_file,$(BUILD)/.flags,FLAGS_NOW))
$(BUILD)/.flags: ;

# (the library first: its one -O2 build is the longest, so with -j it
# runs beside the lessons' short ones instead of after them)
all: $(PRELOAD) $(BINS)

$(PRELOAD): lessons/common/preload.c $(HEADER) $(BUILD)/.flags | $(BUILD)
	$(CC) $(PRELOAD_STRICT) $(PRELOAD_CFLAGS) -fPIC -shared $(REPRO) $< \
	    -o $@ -ldl -pthread

$(LESSONS): %: $(BUILD)/%

.SECONDEXPANSION:
$(BUILD)/%: $$(SRC_%) $(LESSON_HEADER) $(BUILD)/.flags | $(BUILD)
	$(CC) $(STRICT) $(CFLAGS) $(REPRO) $(SRC_$*) -o $@

$(BUILD):
	mkdir -p $@

# The same programs with the narration compiled out: same options, same
# ready lines and results, one perror() line per failed call.
PLAIN_BINS := $(addprefix $(BUILD)/plain/,$(LESSONS))
plain: $(PLAIN_BINS)
$(PLAIN_BINS): $(BUILD)/plain/%: $$(SRC_%) $(LESSON_HEADER) $(BUILD)/.flags
	@mkdir -p $(@D)
	$(CC) $(STRICT) $(CFLAGS) $(REPRO) -DSOCKSTEP_PLAIN $(SRC_$*) -o $@

# And the plain programs of lessons/plain/, which have no header, built
# with only POSIX asked for: into build/plain/programs/.
PLAIN_PROGRAMS := $(patsubst lessons/plain/%.c,$(BUILD)/plain/programs/%,\
                    $(wildcard lessons/plain/*.c))
plain: $(PLAIN_PROGRAMS)
$(PLAIN_PROGRAMS): $(BUILD)/plain/programs/%: lessons/plain/%.c $(BUILD)/.flags
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror \
	    -pedantic $(CFLAGS) $(REPRO) $< -o $@

# make test TESTS=tests/04-accept.bats runs one file.
# The test targets build what they test on every core (unless make was
# given -j itself), a compiler's messages kept together per file.
NPROC      := $(shell nproc 2>/dev/null || echo 1)
BUILD_JOBS  = $(if $(filter -j% --jobserver%,$(MAKEFLAGS)),,-j$(NPROC)) \
              --output-sync=target --no-print-directory

# The proofs slow by nature are make test-all's, which CI runs (README.md,
# Tests, says which): the whole book (the handout's files: every real
# run, pandoc, LaTeX, Chromium, epubcheck; the manual's quiz answers;
# the lecture slides),
# every program by every compiler (builds.bats, plain-portable.bats),
# valgrind over every lesson,
# and the checker's whole passes: every check over each student sample
# (students*.bats), each lesson server (check-lessons.bats) and whole
# classes graded in their sandboxes (class, batch, autograder), and the
# pictures drawn from real captures. make test keeps each check's own
# tests, the sandbox's B1-B13 (sandbox.bats) and every lesson's; inside
# other files, the parts that ask SOCKSTEP_TEST_ALL (all_only) wait too.
TESTS_ALL_ONLY := tests/valgrind.bats $(wildcard tests/handout*.bats) \
                  tests/manual-answers.bats tests/slides.bats \
                  tests/builds.bats $(wildcard tests/plain-portable.bats) \
                  $(wildcard tests/students*.bats) tests/check-lessons.bats \
                  tests/class.bats tests/batch.bats tests/autograder.bats \
                  tests/picture.bats tests/check-picture.bats
TESTS ?= $(filter-out $(TESTS_ALL_ONLY),$(wildcard tests/*.bats))

test:
	@$(MAKE) $(BUILD_JOBS) all
	tests/run $(TESTS)

# TESTS_ALL_SKIP: files make test-all leaves out (none unless given).
# .ci/run leaves out those make test-sanitize runs next (SAN_TESTS).
TESTS_ALL_SKIP ?=
test-all:
	@$(MAKE) $(BUILD_JOBS) all
	SOCKSTEP_TEST_ALL=1 tests/run $(if $(strip $(TESTS_ALL_SKIP)),$(filter-out \
	    $(TESTS_ALL_SKIP),$(wildcard tests/*.bats)))

# The same suite with one busy-loop process per core beside it the whole
# time (tests/busy): it must pass so too.
test-busy:
	@$(MAKE) $(BUILD_JOBS) all
	tests/busy tests/run $(TESTS)

# The same suite, build included, with half of one CPU for all of it
# (tests/slow, as root; TESTS= as for make test): what a slower machine
# does to a test shows on this one.
test-slow:
	tests/slow $(MAKE) --no-print-directory test TESTS='$(TESTS)'

# The same suite with every TCP socket's buffers at most 16 KiB, as they
# shrink on a machine short of memory (tests/in-netns, as root): a test
# or a check must not count on what fits in them.
test-small-buffers:
	@$(MAKE) $(BUILD_JOBS) all
	SOCKSTEP_TCP_BUFFERS='4096 8192 16384' tests/run $(TESTS)

# The lessons' own tests and the hostile, signal, bad-input and Python ones,
# against the plain build: narration never changes what a lesson does.
# (Tests that check narration itself skip there.)
# PLAIN_DIR=build/O2/plain runs them against gcc's -O2 plain build
# instead (mk/clang.mk's build-gcc-O2), as .ci/run does: it makes that
# build anyway, so it runs the plain programs it has, and builds no
# plain lessons at -O0 besides.
PLAIN_TESTS ?= $(wildcard tests/[0-9]*.bats) tests/bad-input.bats \
               tests/hostile.bats tests/signals.bats tests/python.bats
PLAIN_DIR   ?= $(BUILD)/plain
test-plain:
	@$(MAKE) $(BUILD_JOBS) all $(if $(filter $(BUILD)/plain,$(PLAIN_DIR)),plain,$(addprefix \
	    $(PLAIN_DIR)/,$(LESSONS)))
	SOCKSTEP_BIN=$(HERE)/$(PLAIN_DIR) tests/run $(PLAIN_TESTS)

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
