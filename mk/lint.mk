# make lint             cppcheck, clang-tidy and shellcheck; all three run,
#                       and any finding fails the target
# make lint-cppcheck    one of them
# make lint-clang-tidy
# make lint-shellcheck
#
# The lessons are the Makefile's LESSONS and SRC_* (the header comes in
# through them). Checks that fire only on noise are switched off below, each
# with its reason; everything else is an error.

LINT_SRCS := $(sort $(foreach l,$(LESSONS),$(SRC_$(l))))

# missingIncludeSystem: cppcheck does not read the system headers (it
# would need a whole libc model); every other finding fails.
CPPCHECK       ?= cppcheck
CPPCHECK_FLAGS := --enable=warning,style,performance,portability \
                  --error-exitcode=1 --inline-suppr --std=c11 --quiet \
                  --suppress=missingIncludeSystem

# Left out, as noise for these programs:
#  - clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling:
#    asks for C11 Annex K (memset_s, snprintf_s), which glibc does not have.
#  - bugprone-easily-swappable-parameters: fires on every f(int, int).
#  - cert-err33-c: wants every printf/fputs/putchar result checked; a
#    narrating program cannot do anything useful when stdout fails.
#  - cert-err34-c: fscanf("%ld") of a file the kernel writes (/proc) cannot
#    hold a number that does not convert.
#  - cert-dcl37-c, cert-dcl51-cpp: the same as bugprone-reserved-identifier.
# Options: _POSIX_C_SOURCE is a feature-test macro the lessons must
# define, not a stolen reserved name; integer-to-double (elapsed seconds)
# is not a narrowing that loses anything here.
CLANG_TIDY        ?= clang-tidy
CLANG_TIDY_CHECKS := -*,clang-analyzer-*,bugprone-*,performance-*,portability-*,misc-*,cert-*,-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling,-bugprone-easily-swappable-parameters,-cert-err33-c,-cert-err34-c,-cert-dcl37-c,-cert-dcl51-cpp
CLANG_TIDY_CONFIG := {CheckOptions: [{key: bugprone-reserved-identifier.AllowedIdentifiers, value: _POSIX_C_SOURCE}, {key: bugprone-narrowing-conversions.WarnOnIntegerToFloatingPointNarrowingConversion, value: false}]}

# Shell: the scripts, the test helpers and the CI and install scripts.
# Libraries that tests source (tests/*.bash) set variables for their
# callers (PORT, BG_PID, EXIT_STATUS), which shellcheck cannot see being
# used: SC2034 is off for them alone.
SHELLCHECK     ?= shellcheck
SH_SCRIPTS     := $(filter-out %.md,$(wildcard scripts/* docs/*.sh tests/run install-deps \
                    .ci/run tests/hostile/run-clean))
SH_LIBS        := $(wildcard tests/*.bash tests/hostile/*.bash)
SH_BATS        := $(wildcard tests/*.bats)

.PHONY: lint lint-cppcheck lint-clang-tidy lint-shellcheck

lint:
	@status=0; \
	for t in lint-cppcheck lint-clang-tidy lint-shellcheck; do \
	    $(MAKE) --no-print-directory $$t || { status=1; failed="$$failed $$t"; }; \
	done; \
	if [ $$status -ne 0 ]; then echo "make lint: failed:$$failed"; \
	else echo "make lint: cppcheck, clang-tidy and shellcheck are clean"; fi; \
	exit $$status

lint-cppcheck: $(LINT_SRCS) $(HEADER)
	$(CPPCHECK) $(CPPCHECK_FLAGS) $(LINT_SRCS)

lint-clang-tidy: $(LINT_SRCS) $(HEADER)
	$(CLANG_TIDY) --quiet -checks='$(CLANG_TIDY_CHECKS)' \
	    -config='$(CLANG_TIDY_CONFIG)' -warnings-as-errors='*' \
	    $(LINT_SRCS) -- -std=c11

lint-shellcheck:
	$(SHELLCHECK) -x $(SH_SCRIPTS)
	$(SHELLCHECK) -x -e SC2034 $(SH_LIBS)
	$(SHELLCHECK) -x $(SH_BATS)
