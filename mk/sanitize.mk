# make sanitize       every lesson built by clang at -O0 with
#                     AddressSanitizer and UndefinedBehaviorSanitizer into
#                     build/sanitize/ (same binary names as build/)
# make test-sanitize  the bats files whose tests exercise a lesson
#                     (SAN_TESTS, below), against those builds
#
# Uses the Makefile's LESSONS, SRC_*, STRICT and CFLAGS (see SAN_CFLAGS);
# only the sanitizer flags are added here. A sanitizer report makes the
# program exit with its own status (86 ASan, 87 UBSan, 88 LeakSanitizer),
# so a test that expects the lesson's exit status 1 cannot mistake a
# sanitizer error for it.

SAN_BUILD  := $(BUILD)/sanitize
# Built by clang at the Makefile's level, -O0 (CFLAGS given to make, on
# its command line or in the environment, still decide it; SAN_CC the
# compiler: make SAN_CC=gcc test-sanitize uses gcc's sanitizers). At -O2
# this build took 110 CPU-seconds of .ci/run, at -O0 30, and the tests
# run here 10 more (137.6 against 127.5: each file in a cgroup of its
# own, cpuacct.usage). What -O0 gives up, and where it is found instead:
#  - UBSan's object-size check needs the optimizer. What it finds, a load
#    past the end of an object through a pointer to a bigger type (a
#    sockaddr_in read as a sockaddr_in6), ASan finds at -O0: it reported
#    both the stack and the heap case as a buffer overflow, where at -O2
#    UBSan did first.
#  - clang's code at -O2, run: make test-clang runs the lessons' tests
#    against it; CI runs gcc's -O2 plain build (make test-plain).
#  - clang's warnings at -O2: -Wall and -Wextra's come from its front
#    end, which -fsyntax-only runs; make check-clang-O2 reads every
#    lesson so at -O2 (the headers see __OPTIMIZE__ as in a real -O2
#    build).
SAN_CC     ?= $(CLANG)
SAN_CFLAGS := $(CFLAGS)
SAN_FLAGS  := -fsanitize=address,undefined -fno-sanitize-recover=all \
              -fno-omit-frame-pointer -g
SAN_BINS   := $(addprefix $(SAN_BUILD)/,$(LESSONS))
SAN_ENV    := ASAN_OPTIONS=exitcode=86:detect_leaks=1:strict_string_checks=1 \
              UBSAN_OPTIONS=exitcode=87:print_stacktrace=1:halt_on_error=1 \
              LSAN_OPTIONS=exitcode=88

# The files whose tests start a lesson: a sanitizer looks only inside the
# programs built here, so the others (the checker on its own samples, the
# students' programs, the book) would only repeat make test. A file
# starts a lesson by naming $$BIN or through the helpers that start one
# from it (start_server in test_helper.bash; greeted,
# full_queue_gives_up and silent_server_times_out in tests/lib/).
# run_lesson, traced_client and need_world run whatever they are given:
# the plain programs' files (plain-*.bats) hand them programs they build
# themselves, which no sanitizer build holds, and were 37 tests run here
# for nothing. (A call, not a word: "greeted" in a test's name is not one.)
# TESTS=... on make's command line chooses the files instead.
SAN_STARTS := \$$BIN|\$$\{BIN|(start_server|greeted|full_queue_gives_up|silent_server_times_out)( |$$)
# Of those, the files where a lesson is only the means, whose lines of
# lesson code the lesson files and hostile, signals, bad-input, width and
# truth run here already, with hostile peers: the checker's own files
# (check*.bats, spec-keys.bats: a lesson server is what the checker
# checks, its verdicts are the proof), the lecturer's kit (demo.bats: a
# lesson holds a port; lab.bats: 08 and 09 in the lab's namespaces), the
# manual's answers, narrate.bats (scripts/narrate on other programs; the
# one test that starts 04 builds its own sanitized copy, in make test
# too) and plain-portable.bats (programs it builds itself, strictly
# POSIX). make test-all runs every one of them against the normal build.
# Never here either: the book (built from build/, it skips) and valgrind
# (which cannot run a sanitizer build, it skips).
SAN_MEANS  := tests/check%.bats tests/spec-keys.bats tests/demo.bats \
              tests/lab.bats tests/manual-answers.bats tests/narrate.bats \
              tests/plain-portable.bats
SAN_TESTS ?= $(filter-out tests/handout%.bats tests/valgrind.bats,$(if \
    $(filter command line,$(origin TESTS)),$(TESTS),$(filter-out \
    $(SAN_MEANS),$(shell grep -lE '$(SAN_STARTS)' tests/*.bats))))

.PHONY: sanitize test-sanitize

sanitize: $(SAN_BINS)

# A static pattern rule: explicit, so the Makefile's $(BUILD)/% rule never
# claims build/sanitize/NAME; built again when the flags change
# (build/.flags, the Makefile, and build/sanitize/.flags: the compiler
# and level here).
SAN_FLAGS_NOW := $(SAN_CC) $(SAN_CFLAGS)
$(eval $(call update_file,$(SAN_BUILD)/.flags,SAN_FLAGS_NOW))
$(SAN_BUILD)/.flags: ;
$(SAN_BINS): $(SAN_BUILD)/%: $$(SRC_%) $(LESSON_HEADER) $(BUILD)/.flags \
    $(SAN_BUILD)/.flags | $(SAN_BUILD)
	$(SAN_CC) $(STRICT) $(SAN_CFLAGS) $(SAN_FLAGS) $(SRC_$*) -o $@

$(SAN_BUILD):
	mkdir -p $@

test-sanitize:
	@$(MAKE) $(BUILD_JOBS) sanitize
	$(SAN_ENV) SOCKSTEP_BIN=$(CURDIR)/$(SAN_BUILD) tests/run $(SAN_TESTS)
