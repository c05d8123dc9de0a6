# make bench          build what the bench needs, then run bench/run: one
#                     table of throughput (lesson 19's modes beside iperf3)
#                     and of echo servers under 1 to 1,000 clients (lessons
#                     06, 12, 13, 20, measured with build/bench/load)
# make bench-build    only build: the load generator and the plain builds
# make bench-batch    bench/batch: a class of 30 graded by scripts/check
#                     --batch with --jobs 4 and with --jobs 1, both times
#                     and their ratio, and whether the rows are the same
# make bench-grading  bench/grading: the appendix's class, a class of
#                     echo servers and one of echo clients (TCP and UDP)
#                     graded quiet, beside a busy loop per
#                     core (--jobs at twice the cores) and under half a
#                     core's CPU quota; the rows that differ (must be
#                     none) and the times
#
# Speed is measured here and only here: the tests check correctness, never
# a speed. The servers and the sender are the plain builds (no narration):
# the bench measures sockets, not a terminal. A lesson whose source does not
# exist yet, or does not build, is reported missing in the table.
#
# Needs: iperf3 for the reference rate (without it the table says so);
# gnuplot for build/bench/*.svg (optional).

BENCH_DIR  := $(BUILD)/bench
BENCH_LOAD := $(BENCH_DIR)/load
BENCH_BINS := 19-throughput 20-epoll-server 06-send-recv-server \
              12-fork-server 13-poll-chat

.PHONY: bench bench-build bench-batch bench-suite bench-grading

# An explicit rule: the Makefile's $(BUILD)/% pattern must not claim it.
$(BENCH_LOAD): bench/load.c
	@mkdir -p $(@D)
	$(CC) $(STRICT) $(CFLAGS) bench/load.c -o $@

# Each lesson binary is built if it can be; one that cannot is left out
# (bench/run says which), so one lesson being rewritten stops nothing.
bench-build: $(BENCH_LOAD)
	@for b in $(BENCH_BINS); do \
	  $(MAKE) --no-print-directory -s $(BUILD)/plain/$$b >/dev/null 2>&1 || \
	  echo "make bench: $(BUILD)/plain/$$b cannot be built now: left out"; \
	done

bench: bench-build
	bench/run $(BUILD)

# Grading a class of 30 with --jobs 4 against --jobs 1 (a few minutes).
bench-batch:
	bench/batch 30 4

# Do grades move with the load? (a quarter of an hour and more)
bench-grading:
	bench/grading

# What a process start, a Python start and an empty bats test cost here
# (as root, also a network namespace and a file of tests in one): make
# test's time follows them (milliseconds).
bench-suite:
	bench/suite-costs
