# make build-clang  every lesson built for real by clang, with the
#                   Makefile's CFLAGS (-O2, every warning an error):
#                   narrated into build/clang/, plain (-DSOCKSTEP_PLAIN)
#                   into build/clang/plain/, and the C that is not a
#                   lesson, the test programs (tests/*.c) into
#                   build/clang/tests/ and the bench's load generator
#                   into build/clang/bench/. .ci/run runs it.
#
# tests/builds.bats compiles each lesson with clang too, but -fsyntax-only:
# the warnings that need the optimizer, and clang's own code generation,
# show only in a real build. Nothing runs these binaries: the suite runs
# the default compiler's build (make CC=clang test runs it on clang's).

CLANG            ?= clang
CLANG_BUILD      := $(BUILD)/clang
CLANG_BINS       := $(addprefix $(CLANG_BUILD)/,$(LESSONS))
CLANG_PLAIN_BINS := $(addprefix $(CLANG_BUILD)/plain/,$(LESSONS))
CLANG_TESTS      := $(patsubst tests/%.c,$(CLANG_BUILD)/tests/%, \
                      $(wildcard tests/*.c))
CLANG_LOAD       := $(CLANG_BUILD)/bench/load

.PHONY: build-clang

build-clang: $(CLANG_BINS) $(CLANG_PLAIN_BINS) $(CLANG_TESTS) $(CLANG_LOAD)

# Static pattern rules: explicit, so the Makefile's $(BUILD)/% rule never
# claims build/clang/NAME.
$(CLANG_BINS): $(CLANG_BUILD)/%: $$(SRC_%) $(HEADER)
	@mkdir -p $(@D)
	$(CLANG) $(CFLAGS) $(REPRO) $(SRC_$*) -o $@

$(CLANG_PLAIN_BINS): $(CLANG_BUILD)/plain/%: $$(SRC_%) $(HEADER)
	@mkdir -p $(@D)
	$(CLANG) $(CFLAGS) $(REPRO) -DSOCKSTEP_PLAIN $(SRC_$*) -o $@

$(CLANG_TESTS): $(CLANG_BUILD)/tests/%: tests/%.c $(HEADER)
	@mkdir -p $(@D)
	$(CLANG) $(CFLAGS) $(REPRO) $< -o $@

$(CLANG_LOAD): bench/load.c
	@mkdir -p $(@D)
	$(CLANG) $(CFLAGS) $(REPRO) $< -o $@
