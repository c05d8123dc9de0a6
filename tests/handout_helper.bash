# What handout.bats and handout-rebuild.bats share: the time a build may
# take, the one build of the real tree (under a lock, since both files may
# run at once), and text matching that ignores how the PDF wrapped a line.
# Load it instead of test_helper: it loads test_helper after raising the
# per-test limit.

# A whole handout build (lessons, runs, pdflatex passes) in one test.
: "${BATS_TEST_TIMEOUT:=$((300 * ${SOCKSTEP_TEST_SCALE:-1}))}"
export BATS_TEST_TIMEOUT

load test_helper

# The longest one build may take, in seconds.
BUILD_LIMIT=600

# with_handout_lock CMD...: run CMD (a command or a function) holding the
# lock on the real tree's handout build, which three files may want at
# once. with_runs_lock: the same for the stage before it, the lessons and
# their transcripts (build/runs), which the rebuild's copy starts from.
with_handout_lock() {
    mkdir -p "$ROOT/build"
    {
        flock 9 || return 1
        "$@"
    } 9>"$ROOT/build/.handout.lock"
}
with_runs_lock() {
    mkdir -p "$ROOT/build"
    {
        flock 8 || return 1
        "$@"
    } 8>"$ROOT/build/.runs.lock"
}

# HANDOUT_FIRST: the command prefix for the handout's builds, the longest
# chain of the run (the real build; the rebuild and the screen checks wait
# for it): ahead of the other tests' processes where the machine allows
# it (as root), so that the run does not end with one core idle waiting
# for it. Only the order changes, not what runs.
if nice -n -5 true 2>/dev/null; then
    HANDOUT_FIRST=(nice -n -5)
else
    HANDOUT_FIRST=()
fi

# build_real_runs LOG: make the real tree's lessons and transcripts
# (build/runs), one build at a time; another file may be making them: then
# this waits, and finds them up to date. On failure, says so with the end
# of LOG, and returns 1.
build_real_runs() {
    local log="$1"
    if ! with_runs_lock "${HANDOUT_FIRST[@]}" timeout "$BUILD_LIMIT" \
        make -j"$(nproc)" -C "$ROOT" build/runs/.done >"$log" 2>&1; then
        echo "make build/runs/.done failed:" >&2
        tail -n 40 "$log" >&2
        return 1
    fi
}

# build_real_handout LOG: then the handout itself (on every core: the
# check of the docs and the diagrams, then the PDF, HTML and EPUB at once),
# one build at a time, as above. The runs are made first, under their own
# lock, so that the rebuild's copy can start from them while this builds:
# this stage writes nothing the copy takes (build/handout* aside).
build_real_handout() {
    local log="$1"
    build_real_runs "$log" || return 1
    if ! with_handout_lock "${HANDOUT_FIRST[@]}" timeout "$BUILD_LIMIT" \
        make -j"$(nproc)" -C "$ROOT" handout >>"$log" 2>&1; then
        echo "make handout failed:" >&2
        tail -n 40 "$log" >&2
        return 1
    fi
}

# squash FILE: the text with all white space (and fvextra's wrap arrow)
# removed, so that a line wrapped in the PDF still matches.
squash() {
    sed 's/↪//g' "$1" | tr -d '[:space:]'
}

# contains HAYSTACK_FILE NEEDLE: the squashed file contains the squashed
# needle. The squashed file is kept beside it (HAYSTACK_FILE.squashed) and
# made again only when the file is newer: a test may ask hundreds of times.
contains() {
    local needle
    if [[ ! -e "$1.squashed" || "$1" -nt "$1.squashed" ]]; then
        squash "$1" >"$1.squashed.tmp" && mv "$1.squashed.tmp" "$1.squashed"
    fi
    needle="${2//[[:space:]]/}"
    [[ -n "$needle" ]] || return 1
    grep -qF -- "$needle" "$1.squashed"
}
