# tests/bats/watchdog.bash - bats' per-test watchdog, replaced: sourced by
# tests/test_helper.bash, which says why. In a directory of its own so that
# bats' stack traces can leave it out, as they leave out bats' own files.
# shellcheck shell=bash
if [[ "${BATS_VERSION:-}" =~ ^1\.(8|9|10|11)\. ]] &&
    declare -F bats_start_timeout_countdown >/dev/null &&
    declare -F bats_abort_timeout_countdown >/dev/null; then
    # Leave this file out of bats' stack traces, as bats leaves out its
    # own: else, with bats 1.11, a failing teardown is reported at the
    # line below that ends the watchdog, not at its own. bats sets its
    # list of such paths afresh for each test (bats_setup_tracing), after
    # this file is read, so the path is added each time after it.
    if declare -F bats_setup_tracing >/dev/null &&
        declare -F bats_add_debug_exclude_path >/dev/null; then
        SS_WATCHDOG_DIR=${BASH_SOURCE[0]%/*}
        eval "ss_bats_setup_tracing() $(declare -f bats_setup_tracing | sed 1d)"
        bats_setup_tracing() {
            ss_bats_setup_tracing "$@"
            bats_add_debug_exclude_path "$SS_WATCHDOG_DIR"
        }
    fi
    bats_start_timeout_countdown() {
        local -ri timeout=$1
        local -ri target_pid=$$
        # shellcheck disable=SC2064 # the pid is fixed now, on purpose
        trap "bats_timeout_trap $target_pid" ABRT
        (
            sleep "$timeout"
            if kill -ABRT "$target_pid"; then
                bats_kill_childprocesses_of "$target_pid"
            fi
        ) </dev/null >/dev/null 2>&1 3>&- 4>&- &
    }
    bats_abort_timeout_countdown() {
        kill "$1" 2>/dev/null || true
    }
fi
