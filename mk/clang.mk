# make build-clang  every lesson built for real by clang at -O2, every
#                   warning an error (the Makefile's STRICT, and CFLAGS
#                   with its -O level replaced by -O2):
#                   narrated into build/clang/, plain (-DSOCKSTEP_PLAIN)
#                   into build/clang/plain/, and the C that is not a
#                   lesson, the test programs (tests/*.c) into
#                   build/clang/tests/ and the bench's load generator
#                   into build/clang/bench/.
# make build-gcc-O2 the same with gcc, into build/O2/.
# make build-optimized  both.
# make build-gcc-O2-cover  build-gcc-O2 but for most narrated lessons:
#                   only those that together call every header function
#                   any lesson calls and build/libsockstep.so does not
#                   (mk/narrated-cover, as lint's analyzer chooses them).
#                   .ci/run runs it: see below.
# make build-clang-others  build-clang but for the narrated lessons.
# make check-clang-O2  all that build-clang builds, read by clang at -O2
#                   with -fsyntax-only, every warning an error: .ci/run
#                   runs it and build-gcc-O2-cover (below says why).
# make test-clang   the lessons' own tests (the Makefile's PLAIN_TESTS)
#                   against build/clang/: clang's code, at -O2, run for
#                   real. (.ci/run runs them, and the rest of the files
#                   that start a lesson, against the sanitizer build:
#                   clang's code, at -O0.)
#
# The default build is -O0 (see the Makefile), and tests/builds.bats
# compiles each lesson with gcc and clang -fsyntax-only: the warnings that
# need the optimizer (format truncation, maybe-uninitialized), and clang's
# own code generation, show only in these builds. The rest of the suite
# runs the default build (make CC=clang test runs all of it on clang's).

# Without -g: these builds prove what the compiler says and run the
# tests, and nobody steps through them in a debugger (the default build
# is for that). Debug information was a sixth of their CPU: lesson 13
# narrated by gcc at -O2, 1.26 s of user CPU with -g, 1.04 s without.
OPT_FLAGS        := $(strip $(STRICT) $(filter-out -O% -g,$(CFLAGS)) -O2)
CLANG            ?= clang
CLANG_BUILD      := $(BUILD)/clang
O2_BUILD         := $(BUILD)/O2

# opt_build NAME,DIR,COMPILER: the lessons narrated and plain, the test
# programs (tests/*.c) and the load generator, built by COMPILER with
# OPT_FLAGS into DIR; NAME_BINS, NAME_PLAIN_BINS, NAME_TESTS and
# NAME_LOAD list them. Static pattern rules: explicit, so the Makefile's
# $(BUILD)/% rule never claims build/clang/NAME. Each depends on
# build/.flags (the Makefile), so that make CFLAGS=... builds these again
# too.
define opt_build
$(1)_BINS       := $$(addprefix $(2)/,$$(LESSONS))
$(1)_PLAIN_BINS := $$(addprefix $(2)/plain/,$$(LESSONS))
$(1)_TESTS      := $$(patsubst tests/%.c,$(2)/tests/%,$$(wildcard tests/*.c))
$(1)_LOAD       := $(2)/bench/load

$$($(1)_BINS): $(2)/%: $$$$(SRC_%) $$(LESSON_HEADER) $$(BUILD)/.flags
	@mkdir -p $$(@D)
	$(3) $$(OPT_FLAGS) $$(REPRO) $$(SRC_$$*) -o $$@

$$($(1)_PLAIN_BINS): $(2)/plain/%: $$$$(SRC_%) $$(LESSON_HEADER) $$(BUILD)/.flags
	@mkdir -p $$(@D)
	$(3) $$(OPT_FLAGS) $$(REPRO) -DSOCKSTEP_PLAIN $$(SRC_$$*) -o $$@

$$($(1)_TESTS): $(2)/tests/%: tests/%.c $$(LESSON_HEADER) $$(BUILD)/.flags
	@mkdir -p $$(@D)
	$(3) $$(OPT_FLAGS) $$(REPRO) $$< -o $$@

$$($(1)_LOAD): bench/load.c $$(BUILD)/.flags
	@mkdir -p $$(@D)
	$(3) $$(OPT_FLAGS) $$(REPRO) $$< -o $$@
endef

# clang, and the same with gcc at -O2 (the default compiler, $(CC)).
$(eval $(call opt_build,CLANG,$(CLANG_BUILD),$$(CLANG)))
$(eval $(call opt_build,O2,$(O2_BUILD),$$(CC)))

.PHONY: build-clang build-clang-others build-gcc-O2 build-optimized \
        build-gcc-O2-cover test-clang check-clang-O2

build-clang: $(CLANG_BINS) build-clang-others

build-clang-others: $(CLANG_PLAIN_BINS) $(CLANG_TESTS) $(CLANG_LOAD)

# Each program of build-clang through clang's front end at -O2 (the
# headers see __OPTIMIZE__ as in a real -O2 build): -Wall and -Wextra's
# warnings are the front end's, so they are a real build's, at a tenth
# of its CPU or less (lesson 06's server: 0.2 s, against 2.1 s built at
# -O2 and 4.6 s built so with the sanitizers). Its code generation is
# left to the builds that run: the sanitizer build (clang, -O0) and
# make test-clang (clang, -O2); CI runs gcc's -O2 plain build. A stamp
# file each, so that make reads again only what changed.
SYNTAX_DIR          := $(CLANG_BUILD)/syntax
CLANG_SYNTAX_BINS   := $(addprefix $(SYNTAX_DIR)/,$(LESSONS))
CLANG_SYNTAX_PLAIN  := $(addprefix $(SYNTAX_DIR)/plain/,$(LESSONS))
CLANG_SYNTAX_TESTS  := $(patsubst tests/%.c,$(SYNTAX_DIR)/tests/%,$(wildcard tests/*.c))
CLANG_SYNTAX        := $(CLANG_SYNTAX_BINS) $(CLANG_SYNTAX_PLAIN) \
                       $(CLANG_SYNTAX_TESTS) $(SYNTAX_DIR)/bench/load
$(CLANG_SYNTAX_BINS): $(SYNTAX_DIR)/%: $$(SRC_%) $(LESSON_HEADER) $(BUILD)/.flags
	@mkdir -p $(@D)
	$(CLANG) $(OPT_FLAGS) -fsyntax-only $(SRC_$*) && touch $@
$(CLANG_SYNTAX_PLAIN): $(SYNTAX_DIR)/plain/%: $$(SRC_%) $(LESSON_HEADER) $(BUILD)/.flags
	@mkdir -p $(@D)
	$(CLANG) $(OPT_FLAGS) -DSOCKSTEP_PLAIN -fsyntax-only $(SRC_$*) && touch $@
$(CLANG_SYNTAX_TESTS): $(SYNTAX_DIR)/tests/%: tests/%.c $(LESSON_HEADER) $(BUILD)/.flags
	@mkdir -p $(@D)
	$(CLANG) $(OPT_FLAGS) -fsyntax-only $< && touch $@
$(SYNTAX_DIR)/bench/load: bench/load.c $(BUILD)/.flags
	@mkdir -p $(@D)
	$(CLANG) $(OPT_FLAGS) -fsyntax-only $< && touch $@

check-clang-O2: $(CLANG_SYNTAX)

build-gcc-O2: $(O2_BINS) $(O2_PLAIN_BINS) $(O2_TESTS) $(O2_LOAD)

build-optimized: build-clang build-gcc-O2

# A narrated lesson is its own lines and the header's functions it calls.
# Its own lines are the plain build's, bar the calls the macros wrap; the
# header's functions are built by gcc at -O2, warnings as errors, in the
# preload library (the Makefile's build/libsockstep.so: every wrapper it
# interposes) and in the few lessons mk/narrated-cover picks for the rest
# (7 of 25 now; a lesson that starts calling one more brings itself in).
# What this leaves out: a warning that gcc gives on a header function
# only as inlined into one particular lesson. The gcc -O2 build of all
# 25 narrated lessons took 29.6 s of user CPU of the 42.9 s that .ci/run
# spent on its -O2 builds (make -j2, quiet machine); every narrated
# lesson is still built by gcc at -O0 (make all) and by clang at -O0
# (the sanitizer build), and read by clang at -O2 (check-clang-O2), with
# warnings as errors.
build-gcc-O2-cover: $(O2_PLAIN_BINS) $(O2_TESTS) $(O2_LOAD) mk/narrated-cover
	@cover=$$(mk/narrated-cover '$(CC)' $(LINT_GNU_C) $(LINT_SRCS)) && \
	    [ -n "$$cover" ] || { echo "mk/narrated-cover failed" >&2; exit 1; }; \
	bins=""; \
	for pair in $(foreach l,$(LESSONS),$(l)=$(SRC_$(l))); do \
	    printf '%s\n' "$$cover" | grep -qxF "$${pair#*=}" && \
	        bins="$$bins $(O2_BUILD)/$${pair%%=*}"; \
	done; \
	$(MAKE) --no-print-directory $$bins

test-clang:
	@$(MAKE) $(BUILD_JOBS) all $(CLANG_BINS)
	SOCKSTEP_BIN=$(CURDIR)/$(CLANG_BUILD) tests/run $(PLAIN_TESTS)
