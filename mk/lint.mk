# make lint             every check below, each run whatever the others
#                       find; any finding fails the target. It prints the
#                       findings only (no command lines, no clang-tidy
#                       "N warnings generated." counts), then one line
#                       saying what it checked and whether it is clean
# make lint-cppcheck    the lessons, the other C (LINT_C) and the preload
#                       library (LINT_GNU_C) with cppcheck, but for the
#                       test programs tests/*.c (CPPCHECK_SKIP)
# make lint-clang-tidy  all of it with clang-tidy; its static analyzer
#                       only on the code we ship, not tests/ or bench/
#                       (CLANG_TIDY_NO_ANALYZER); most lessons read as
#                       plain C only (mk/narrated-cover), and once the
#                       header's ss_start() alone (CLANG_TIDY_START)
# make lint-shellcheck  every shell file (SH_*) with shellcheck
# make lint-python      every Python file (PY_FILES) with pyflakes3
# make lint-includes    each lesson includes the system headers it uses
#                       itself (tests/own-includes), not through sockstep.h
# make lint-format      all that C and the header as clang-format lays
#                       them out (.clang-format); `clang-format -i FILE`
#                       fixes one
# make lint-timing      no test asserts a time or a CPU amount
#                       (tests/no-timing says what it looks for)
#
# The lessons are the Makefile's LESSONS and SRC_* (the header comes in
# through them); the other C is the test programs and the bench's load
# generator (LINT_OTHER_C). The shell and Python files are found by what
# they are, not by where they are (see LINT_FILES). Checks that fire only
# on noise are switched off below, each with its reason; everything else
# is an error.

LINT_SRCS := $(sort $(foreach l,$(LESSONS),$(SRC_$(l))))
# The C that is not a lesson but is compiled all the same: the test
# programs built against the header (tests/*.c: tests/truth.bats builds
# them), the bench's load generator (make bench, tests/20-epoll.bats), the
# plain skeleton of Part I, which includes no header (lessons/plain/), the
# handout's own program built with the header (docs/own/, with -I to
# lessons/common as the handout builds it), the handout's wrap of its
# transcripts (docs/filters/paper-wrap.c, mk/handout.mk) and the model
# answers of the assignments (tests/solutions/, tests/assignments.bats)
# and the checker's sample with its mistakes behind macros
# (tests/check/*.c, clean without them), and the autograder's correct
# submission (tests/autograder/*.c, tests/autograder.bats). Not the
# students' programs of tests/students/: they are broken on purpose, for
# the checker to find.
LINT_OTHER_C := $(sort $(wildcard tests/*.c)) bench/load.c \
                $(sort $(wildcard lessons/plain/*.c)) \
                $(sort $(wildcard docs/own/*.c)) \
                $(sort $(wildcard docs/filters/*.c)) \
                $(sort $(wildcard tests/solutions/*.c)) \
                $(sort $(wildcard tests/check/*.c)) \
                $(sort $(wildcard tests/autograder/*.c))
LINT_C       := $(LINT_SRCS) $(LINT_OTHER_C)
# The preload library of scripts/narrate: GNU C (statement expressions,
# __typeof__, the C library's __*_chk names), so checked with -std=gnu11,
# as the Makefile builds it.
LINT_GNU_C   := lessons/common/preload.c

# missingIncludeSystem: cppcheck does not read the system headers (it
# would need a whole libc model). variableScope: a lesson declares its
# variables at the top of the function, as the teaching code it is
# modelled on does, so a reader sees them all before the calls.
# Every other finding fails.
CPPCHECK       ?= cppcheck
# toomanyconfigs: an "information" note that cppcheck checked only 12 of
# the #ifdef combinations, not a finding. -j: one file per processor
# (what it turns off, unusedFunction, is not enabled here).
CPPCHECK_FLAGS := --enable=warning,style,performance,portability \
                  --error-exitcode=1 --inline-suppr --std=c11 --quiet \
                  -j $(NPROC) \
                  --suppress=missingIncludeSystem --suppress=variableScope --suppress=toomanyconfigs

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
CLANG_TIDY_CONFIG := {CheckOptions: [{key: bugprone-reserved-identifier.AllowedIdentifiers, value: "_POSIX_C_SOURCE;_XOPEN_SOURCE;_DEFAULT_SOURCE;_GNU_SOURCE"}, {key: bugprone-narrowing-conversions.WarnOnIntegerToFloatingPointNarrowingConversion, value: false}]}

# The files lint looks at: those git knows (tracked, or new and not
# ignored), or, outside a git checkout, every file but .git/ and build/.
# A file's first line says what it is: a "#!" line that runs sh or bash
# makes a shell script, one that runs python a Python file; a .py name
# makes a Python file too. Recursive (=) variables: make reads this file on
# every run, and only the lint targets need the files.
LINT_FILES = $(wildcard $(shell git ls-files --cached --others \
    --exclude-standard 2>/dev/null || find . -path ./.git -prune -o \
    -path ./$(BUILD) -prune -o -type f -print | sed 's,^\./,,'))
SH_FIRST_LINE := ^\#!.*[\/ ](ba)?sh( |$$)
PY_FIRST_LINE := ^\#!.*python
# lint_first_line REGEX: those of LINT_FILES whose first line matches the
# awk REGEX.
lint_first_line = $(if $(LINT_FILES),$(shell awk 'FNR == 1 { if (/$(1)/) \
    print FILENAME; nextfile }' $(LINT_FILES)))

# Shell: the scripts (the tools, the test runner and helpers, the CI and
# install scripts), the libraries that scripts source (*.bash) and the bats
# files. The libraries set variables for their callers (PORT, BG_PID,
# EXIT_STATUS), which shellcheck cannot see being used: SC2034 is off for
# them alone.
SHELLCHECK     ?= shellcheck
SH_SCRIPTS      = $(filter-out %.bash %.bats,$(call \
                    lint_first_line,$(SH_FIRST_LINE)))
SH_LIBS         = $(filter %.bash,$(LINT_FILES))
SH_BATS         = $(filter %.bats,$(LINT_FILES))

# Python: the peers and tools of the tests, the Python versions of the
# lessons (docs/python/), scripts/check, the bench's driver.
PYFLAKES       ?= pyflakes3
PY_FILES        = $(sort $(filter %.py,$(LINT_FILES)) $(call \
                    lint_first_line,$(PY_FIRST_LINE)))

# What make lint checked, for its last line.
LINT_WHAT = cppcheck, clang-tidy, clang-format and own includes on $(words $(LINT_SRCS)) \
            lesson sources (with lessons/common/*.h), clang-tidy and \
            clang-format on $(words $(LINT_OTHER_C) $(LINT_GNU_C)) other C files \
            (cppcheck on $(words $(filter-out $(CPPCHECK_SKIP),$(LINT_OTHER_C) \
            $(LINT_GNU_C))), the analyzer on $(words $(filter-out \
            $(CLANG_TIDY_NO_ANALYZER),$(LINT_OTHER_C) $(LINT_GNU_C)))), shellcheck on \
            $(words $(SH_SCRIPTS) $(SH_LIBS) $(SH_BATS)) shell files, pyflakes \
            on $(words $(PY_FILES)) Python files, no timing asserted in tests/

# clang-tidy's counts of the warnings it did not show (system headers):
# noise, one line per file. Its findings and its exit status are kept.
CLANG_TIDY_NOISE := ^[0-9]+ warnings?( and [0-9]+ errors?)? generated\.$$

.PHONY: lint lint-cppcheck lint-clang-tidy lint-shellcheck lint-includes \
        lint-format lint-python lint-timing

# Each check runs in a sub-make whose own "make[1]: *** ... Error 1" line is
# dropped: the last line says which checks had findings.
lint:
	@status=0; failed=""; \
	for t in cppcheck clang-tidy shellcheck python includes format timing; do \
	    out=$$($(MAKE) -s --no-print-directory lint-$$t 2>&1) || \
	        { status=1; failed="$$failed $$t"; }; \
	    if [ -n "$$out" ]; then \
	        printf '%s\n' "$$out" | grep -v '^make\[[0-9]*\]: \*\*\* '; \
	    fi; \
	done; \
	if [ $$status -ne 0 ]; then \
	    echo "make lint: findings from$$failed; checked $(LINT_WHAT)"; \
	else echo "make lint: clean: $(LINT_WHAT)"; fi; \
	exit $$status

# The lessons as a student writes them (-DSOCKSTEP_PLAIN: their own
# code), and the narrated header through the other C that
# includes it (tests/*.c, docs/own/) and one narrated lesson, the one that
# calls the most wrappers (CPPCHECK_NARRATED): cppcheck checks every
# function the header defines in each file that includes it, so the 25
# lessons narrated checked the same 9,000 lines 25 times, two thirds of
# this target's CPU. A defect planted in a lesson, and one in a narrated
# wrapper no test program calls (ss_sendfile), each still failed it.
# The lessons as a student writes them are read without the header
# (-DSOCKSTEP_H, its include guard): its code is the same with
# SOCKSTEP_PLAIN but for the macros, the narrated pass reads it whole, and
# reading it again in each of 25 lessons took 21 of this target's 29 s
# of CPU. A lesson's own defects are found the same: an index out of
# bounds, an uninitialized variable, a NULL dereference and a leak
# planted in lesson 13 gave the same five findings either way.
CPPCHECK_NARRATED := lessons/20-epoll/server.c
# Not the test programs of tests/*.c: each is 50 to 200 lines of test
# code around the narrated header, and each took cppcheck two seconds,
# nearly all over the header's 9,000 lines again, which
# CPPCHECK_NARRATED and the preload library check already. Their own
# lines are still read by clang-tidy (all its checks but the
# analyzer's, below), clang-format and both compilers' -Werror builds.
CPPCHECK_SKIP     := $(wildcard tests/*.c)
# The handout's own program and its wrap filter include the narrated
# header too: each took cppcheck 6.5 s, the header's lines again. They
# are read without it (-DSOCKSTEP_H), as the lessons are, 0.15 s for
# both; a NULL dereference planted in the one's main and an index out
# of bounds in the other's each still failed this target.
CPPCHECK_OWN_ONLY := $(wildcard docs/own/*.c docs/filters/*.c)
lint-cppcheck: $(LINT_C) $(LINT_GNU_C) $(HEADER)
	@status=0; \
	$(CPPCHECK) $(CPPCHECK_FLAGS) -I lessons/common -DSOCKSTEP_PLAIN \
	    -DSOCKSTEP_H $(LINT_SRCS) || status=1; \
	$(CPPCHECK) $(CPPCHECK_FLAGS) -I lessons/common -DSOCKSTEP_H \
	    $(CPPCHECK_OWN_ONLY) || status=1; \
	$(CPPCHECK) $(CPPCHECK_FLAGS) -I lessons/common $(CPPCHECK_NARRATED) \
	    $(filter-out $(CPPCHECK_SKIP) $(CPPCHECK_OWN_ONLY),$(LINT_OTHER_C)) \
	    $(LINT_GNU_C) || status=1; \
	exit $$status

# One clang-tidy per file (LINT_C as C11, LINT_GNU_C as GNU C), as many
# at a time as there are processors. Findings in the headers of
# lessons/common count as well (-header-filter), not those in the system
# headers. Each file's findings go to a file of their own, printed whole
# and in order at the end; a finding in any file fails.
CLANG_TIDY_HEADERS := lessons/common/.*
# The static analyzer (clang-analyzer-*) walks every path of a function,
# into each header function it calls: through the narrated header, a
# second or more a file, nine tenths of this target's CPU. It reads the
# code we ship: the lessons with their header, the preload library, the
# plain programs, the handout's own program and its filter. Not the C
# that only tests or measures (tests/, bench/): the test programs
# (tests/*.c, whose header it analyzes in every lesson already), the
# model answers, the checker's samples (their mistakes are behind
# macros) and the autograder's submission, and the bench's load
# generator get every other check.
CLANG_TIDY_NO_ANALYZER := $(filter tests/% bench/%,$(LINT_C))
# Where the analyzer's time went (-analyzer-display-progress; user CPU
# per file, 88 s in all): it walks, path by path, only the functions of
# the file itself (a lesson's main and its own functions; a header's
# functions get the syntax checks alone unless inlined), inlining into
# each every function it calls, up to its budget of nodes a function.
# The 25 lessons narrated took 55.6 s, 1 to 5.7 s each, main most of
# it, of which lesson 02 plain takes 1 s too (the header's functions it
# inlines); the preload library 22.5 s, each of its 40 interposed calls
# 0.1 to 2.6 s, the wrapper it calls inlined; the 42 other files 10.3 s.
# So a header function is now walked in a real caller, not in all 25:
#  - the preload library, as before: the wrappers it calls (ss_socket()
#    and nearly all the others) are walked there, inlined in the call
#    that interposes them;
#  - a few lessons narrated, as before: those that together call every
#    header function that any lesson calls and the library does not
#    (ss_start(), ss_waitpid(), ss_fgets(), ...). mk/narrated-cover
#    finds them from the sources at each run (7 of 25 now), so a lesson
#    that starts calling one more brings itself in if it must;
#  - each other lesson once, as a student writes it (-DSOCKSTEP_PLAIN),
#    with every check, the analyzer inlining only functions of at most
#    50 blocks (the default is 100). Its own code is walked as before: a
#    function of its own too large to inline is walked on its own, being
#    in the file; the code after a call to a header function not inlined
#    sees what it wrote as unknown, as after a call into the C library.
#    (It was read narrated as well, with every check but the
#    analyzer's: 18 runs of a second each, over the header's functions
#    that the cover lessons and the library read already, and the
#    lesson's own lines, which are the plain ones but for the calls the
#    macros wrap. A redundant comparison planted in lesson 04's main
#    fails the plain run: misc-redundant-expression. This target took
#    118.8 CPU-seconds so, 128.4 before, make -j2.)
# Planted one at a time: an uninitialized variable in lesson 13's
# flush(), a NULL dereference in ss_sendfile() and one in preload.c's
# __read_chk() each failed this target before and after (the one in
# ss_sendfile() is found in preload.c's sendfile(): lesson 20, the one
# lesson that calls sendfile(), did not report it before either). A
# NULL dereference at the end of lesson 02's main failed it after only:
# narrated, its main did not get that far.
# ss_start(), the option parsing every lesson calls, is too large to
# inline (over 100 blocks) and, in a header, no lesson walks it on its
# own: a NULL dereference planted in it, before its option loop or in
# it, passed. So one more run walks it alone, top-level, in the first
# lesson (CLANG_TIDY_START): headers analyzed, but only the function
# ss_start (-analyze-function), with no inlining (ipa=none: what it
# calls is unknown, as a call into the C library; ss_bad() and the
# other exits are still known to end it). It takes 1.0 s of user CPU
# (three runs), where analyzing the whole header in lesson 01 took
# 11.3 s; this target took 62 to 70 s, before and after (two runs
# each, beside other builds: the spread is more than the change).
# Inlining ss_start() instead (split into small functions) would cost
# each lesson about a second (lesson 02 plain: 0.07 s, 1.1 s with it
# inlined) and spend main's budget on the options. With inlining, this
# run missed a NULL dereference in the --flag branch (a lesson's own
# option with no value); without, it finds one planted before the
# loop, at --step, --message, --flag and after the loop. Planted one
# at a time, those before the loop, at --step and at --flag each fail
# this target, as does the one at the end of lesson 02's main; the
# --step one passed it before. The functions only ss_start() calls
# (ss_usage(), ss_wants(), ...) are still walked nowhere.
# Each function the analyzer walks at the top gets a budget of 75,000
# nodes of its graph (max-nodes), clang's "shallow" mode's figure, not
# the deep mode's 225,000 (its inlining stays deep). In the preload
# library nearly every interposed call used the whole deep budget, 3 s
# each: 81 of this target's 236 s of CPU, on a machine three times
# slower than the one above (2026-11-30, each job timed). With the
# budget the preload library takes 35 s, and this target 131 s of CPU,
# 85 s wall on two cores (163 s before). Planted again, four together
# in one run: NULL dereferences in ss_sendfile() after its real call,
# in preload.c's __read_chk() and at the end of lesson 02's main, and
# an uninitialized variable in lesson 13's flush(); each failed it
# with the budget (the first two without it too, in preload.c alone).
# In ss_start()'s run, one in its --step branch and one after its loop
# are found with the budget and without. A budget only ends a walk
# early: where the deep one ran out, this one runs out sooner.
CLANG_TIDY_BUDGET := -Xclang -analyzer-config -Xclang max-nodes=75000
# The analyzer's checks alone, with those left out above.
lint_comma := ,
CLANG_TIDY_ANALYZER_CHECKS := $(subst $() ,$(lint_comma),-* clang-analyzer-* \
    $(filter -clang-analyzer-%,$(subst $(lint_comma), ,$(CLANG_TIDY_CHECKS))))
CLANG_TIDY_PLAIN_ANALYZER := -Xclang -analyzer-config \
                             -Xclang max-inlinable-size=50
CLANG_TIDY_START          := $(firstword $(LINT_SRCS))
CLANG_TIDY_START_ANALYZER := -Xclang -analyzer-opt-analyze-headers \
                             -Xclang -analyze-function=ss_start \
                             -Xclang -analyzer-config -Xclang ipa=none
lint-clang-tidy: $(LINT_C) $(LINT_GNU_C) $(HEADER) mk/narrated-cover
	@dir=$$(mktemp -d) || exit 1; status=0; \
	cover=$$(mk/narrated-cover '$(CC)' $(LINT_GNU_C) $(LINT_SRCS)) && \
	    [ -n "$$cover" ] || { echo "mk/narrated-cover failed" >&2; exit 1; }; \
	{ for f in $(filter-out $(CLANG_TIDY_NO_ANALYZER) $(LINT_SRCS),$(LINT_C)) \
	      $$cover; do printf 'c11 %s +\n' "$$f"; done; \
	  for f in $(LINT_SRCS); do \
	      printf '%s\n' "$$cover" | grep -qxF "$$f" && continue; \
	      printf 'c11 %s p\n' "$$f"; done; \
	  printf 'c11 %s s\n' '$(CLANG_TIDY_START)'; \
	  for f in $(CLANG_TIDY_NO_ANALYZER); do printf 'c11 %s -\n' "$$f"; done; \
	  for f in $(LINT_GNU_C); do printf 'gnu11 %s +\n' "$$f"; done; } | \
	CT='$(CLANG_TIDY)' CT_CHECKS='$(CLANG_TIDY_CHECKS)' \
	CT_CONFIG='$(CLANG_TIDY_CONFIG)' CT_HEADERS='$(CLANG_TIDY_HEADERS)' \
	CT_PLAIN='$(CLANG_TIDY_PLAIN_ANALYZER)' CT_BUDGET='$(CLANG_TIDY_BUDGET)' \
	CT_START='$(CLANG_TIDY_START_ANALYZER)' \
	CT_ANALYZER='$(CLANG_TIDY_ANALYZER_CHECKS)' \
	CT_DIR="$$dir" xargs -P "$$(nproc)" -n 3 sh -c \
	    'out="$$CT_DIR/$$(printf %s "$$1" | tr / _).$$2"; \
	     checks="$$CT_CHECKS"; extra=""; \
	     case $$2 in \
	     -|n) checks="$$checks,-clang-analyzer-*" ;; \
	     p) extra="-DSOCKSTEP_PLAIN $$CT_PLAIN" ;; \
	     s) checks="$$CT_ANALYZER"; extra="$$CT_START" ;; \
	     esac; \
	     $$CT --quiet -checks="$$checks" -config="$$CT_CONFIG" \
	         -header-filter="$$CT_HEADERS" -warnings-as-errors="*" \
	         "$$1" -- -std="$$0" -I lessons/common $$CT_BUDGET $$extra \
         >"$$out" 2>&1' \
	    || status=1; \
	for f in $(LINT_C) $(LINT_GNU_C); do \
	    for o in "$$dir/$$(printf %s "$$f" | tr / _)".*; do \
	        [ -f "$$o" ] && grep -Ev '$(CLANG_TIDY_NOISE)' "$$o"; \
	    done; \
	done; \
	rm -rf "$$dir"; \
	exit $$status

lint-shellcheck:
	@status=0; \
	$(SHELLCHECK) -x $(SH_SCRIPTS) || status=1; \
	$(SHELLCHECK) -x -e SC2034 $(SH_LIBS) || status=1; \
	$(SHELLCHECK) -x $(SH_BATS) || status=1; \
	exit $$status

# (With no file, pyflakes would read its standard input.)
lint-python:
	@$(if $(PY_FILES),$(PYFLAKES) $(PY_FILES))

# A lesson that uses waitpid() without <sys/wait.h> compiles only because
# sockstep.h includes it: tests/own-includes names each such use.
lint-includes: $(LINT_SRCS) $(HEADER) tests/own-includes
	@tests/own-includes $(LINT_SRCS)

CLANG_FORMAT ?= clang-format
lint-format: $(LINT_C) $(LINT_GNU_C) $(HEADER)
	@$(CLANG_FORMAT) --dry-run --Werror $(LINT_C) $(LINT_GNU_C) $(HEADER)

# A test that judges how long something took, or how much CPU, passes on
# one machine and fails on a slower one: tests/no-timing names each.
lint-timing:
	@tests/no-timing
