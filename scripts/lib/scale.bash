# shellcheck shell=bash
# scale.bash: SOCKSTEP_TEST_SCALE, read the same way by the tests
# (tests/run, tests/test_helper.bash) and the handout's runs
# (docs/runs.sh). Their waits only keep a run from hanging; on a machine
# slower than they expect, SOCKSTEP_TEST_SCALE=N makes each N times
# longer, and bats' own per-test limits too.
#
# ss_scale [WHO]: sets SCALE to SOCKSTEP_TEST_SCALE, 1 when it is unset
# or empty. Anything but a whole number from 1 (0, 1.5, a word) would
# make limits of 0 s, or an arithmetic error, in whatever computes one:
# it is refused in one line on stderr ("WHO: " first when given), and
# ss_scale returns 1.
ss_scale() {
    SCALE=${SOCKSTEP_TEST_SCALE:-1}
    if [[ ! "$SCALE" =~ ^[1-9][0-9]*$ ]]; then
        echo "${1:+$1: }SOCKSTEP_TEST_SCALE must be a whole number, 1 or more, not '$SCALE'" >&2
        return 1
    fi
}
