# make build-clang  every lesson built for real by clang at -O2, every
#                   warning an error (the Makefile's STRICT, and CFLAGS
#                   with its -O level replaced by -O2):
#                   narrated into build/clang/, plain (-DSOCKSTEP_PLAIN)
#                   into build/clang/plain/, and the C that is not a
#                   lesson, the test programs (tests/*.c) into
#                   build/clang/tests/ and the bench's load generator
#                   into build/clang/bench/.
# make build-gcc-O2 the same with gcc, into build/O2/.
# make build-optimized  both; .ci/run runs it.
# make test-clang   the lessons' own tests (the Makefile's PLAIN_TESTS)
#                   against build/clang/: clang's code, at -O2, run for
#                   real. .ci/run runs it.
#
# The default build is -O0 (see the Makefile), and tests/builds.bats
# compiles each lesson with gcc and clang -fsyntax-only: the warnings that
# need the optimizer (format truncation, maybe-uninitialized), and clang's
# own code generation, show only in these builds. The rest of the suite
# runs the default build (make CC=clang test runs all of it on clang's).

OPT_FLAGS        := $(strip $(STRICT) $(filter-out -O%,$(CFLAGS)) -O2)
CLANG            ?= clang
CLANG_BUILD      := $(BUILD)/clang
CLANG_BINS       := $(addprefix $(CLANG_BUILD)/,$(LESSONS))
CLANG_PLAIN_BINS := $(addprefix $(CLANG_BUILD)/plain/,$(LESSONS))
CLANG_TESTS      := $(patsubst tests/%.c,$(CLANG_BUILD)/tests/%, \
                      $(wildcard tests/*.c))
CLANG_LOAD       := $(CLANG_BUILD)/bench/load

.PHONY: build-clang build-gcc-O2 build-optimized test-clang

build-clang: $(CLANG_BINS) $(CLANG_PLAIN_BINS) $(CLANG_TESTS) $(CLANG_LOAD)

test-clang:
	@$(MAKE) $(BUILD_JOBS) all $(CLANG_BINS)
	SOCKSTEP_BIN=$(CURDIR)/$(CLANG_BUILD) tests/run $(PLAIN_TESTS)

# Static pattern rules: explicit, so the Makefile's $(BUILD)/% rule never
# claims build/clang/NAME. Each depends on build/.flags (the Makefile), so
# that make CFLAGS=... builds these again too.
$(CLANG_BINS): $(CLANG_BUILD)/%: $$(SRC_%) $(LESSON_HEADER) $(BUILD)/.flags
	@mkdir -p $(@D)
	$(CLANG) $(OPT_FLAGS) $(REPRO) $(SRC_$*) -o $@

$(CLANG_PLAIN_BINS): $(CLANG_BUILD)/plain/%: $$(SRC_%) $(LESSON_HEADER) $(BUILD)/.flags
	@mkdir -p $(@D)
	$(CLANG) $(OPT_FLAGS) $(REPRO) -DSOCKSTEP_PLAIN $(SRC_$*) -o $@

$(CLANG_TESTS): $(CLANG_BUILD)/tests/%: tests/%.c $(LESSON_HEADER) $(BUILD)/.flags
	@mkdir -p $(@D)
	$(CLANG) $(OPT_FLAGS) $(REPRO) $< -o $@

$(CLANG_LOAD): bench/load.c $(BUILD)/.flags
	@mkdir -p $(@D)
	$(CLANG) $(OPT_FLAGS) $(REPRO) $< -o $@

# The same with gcc at -O2 (the default compiler, $(CC)).
O2_BUILD      := $(BUILD)/O2
O2_BINS       := $(addprefix $(O2_BUILD)/,$(LESSONS))
O2_PLAIN_BINS := $(addprefix $(O2_BUILD)/plain/,$(LESSONS))
O2_TESTS      := $(patsubst tests/%.c,$(O2_BUILD)/tests/%,$(wildcard tests/*.c))
O2_LOAD       := $(O2_BUILD)/bench/load

build-gcc-O2: $(O2_BINS) $(O2_PLAIN_BINS) $(O2_TESTS) $(O2_LOAD)

build-optimized: build-clang build-gcc-O2

$(O2_BINS): $(O2_BUILD)/%: $$(SRC_%) $(LESSON_HEADER) $(BUILD)/.flags
	@mkdir -p $(@D)
	$(CC) $(OPT_FLAGS) $(REPRO) $(SRC_$*) -o $@

$(O2_PLAIN_BINS): $(O2_BUILD)/plain/%: $$(SRC_%) $(LESSON_HEADER) $(BUILD)/.flags
	@mkdir -p $(@D)
	$(CC) $(OPT_FLAGS) $(REPRO) -DSOCKSTEP_PLAIN $(SRC_$*) -o $@

$(O2_TESTS): $(O2_BUILD)/tests/%: tests/%.c $(LESSON_HEADER) $(BUILD)/.flags
	@mkdir -p $(@D)
	$(CC) $(OPT_FLAGS) $(REPRO) $< -o $@

$(O2_LOAD): bench/load.c $(BUILD)/.flags
	@mkdir -p $(@D)
	$(CC) $(OPT_FLAGS) $(REPRO) $< -o $@
