# Shared by the hardening tests (bad-input, valgrind, hostile, signals).
# Load after test_helper:  load test_helper; load hostile/common

HOSTILE="$ROOT/tests/hostile"
# The python peers (servers and clients that are not ours).
PEER="$HOSTILE/peer.py"

# Every lesson binary, from the Makefile's LESSONS (one list, not two).
# Asked of make once per run (it reads every mk/ file, and runs git) and
# kept in BATS_RUN_TMPDIR.
all_lessons() {
    local f="$BATS_RUN_TMPDIR/lessons" list
    if [[ ! -s "$f" ]]; then
        # shellcheck disable=SC2016 # $(LESSONS) is for make, not the shell
        list=$(make -s --no-print-directory -C "$ROOT" \
            --eval 'ss-print-lessons: ; @echo $(LESSONS)' ss-print-lessons) ||
            return 1
        printf '%s\n' "$list" >"$f.$$"
        mv "$f.$$" "$f"
    fi
    cat "$f"
}

# need_bin NAME...: fail (not skip) naming any lesson binary that is missing.
need_bin() {
    local b missing=()
    for b in "$@"; do
        [[ -x "$BIN/$b" ]] || missing+=("$BIN/$b")
    done
    if ((${#missing[@]} > 0)); then
        echo "not built: ${missing[*]} (make, or make sanitize)" >&2
        return 1
    fi
}

# takes_option NAME OPTION: does lesson NAME list OPTION in its --help?
# (A line of the help that starts with spaces, OPTION and a space.) The
# help is asked once per test file and kept in BATS_FILE_TMPDIR: the sweeps
# ask it hundreds of times.
takes_option() {
    local f="$BATS_FILE_TMPDIR/help.$1" help="" re
    if [[ ! -e "$f" ]]; then
        "$HOSTILE/run-clean" timeout "$((10 * SCALE))" "$BIN/$1" --help </dev/null \
            >"$f.$$" 2>/dev/null
        mv "$f.$$" "$f"
    fi
    IFS= read -r -d '' help <"$f" || true
    re=$'\n'" +$2 "
    [[ $'\n'"$help" =~ $re ]]
}

# wait_blocked PID [SECONDS]: poll until PID sleeps in the kernel (state S),
# i.e. it has reached the blocking call the test is about. SECONDS is
# scaled as test_helper's wait_for's.
wait_blocked() {
    local pid="$1" limit=$((${2:-10} * ${SCALE:-1})) i state="" stat
    for ((i = 0; i < limit * 20; i++)); do
        # The third field; the second, (comm), may hold spaces.
        stat=""
        IFS= read -r stat <"/proc/$pid/stat" 2>/dev/null || true
        stat=${stat##*) }
        state=${stat%% *}
        [[ "$state" == S ]] && return 0
        sleep 0.05
    done
    echo "process $pid never blocked (state '$state') after ${limit}s" >&2
    return 1
}
