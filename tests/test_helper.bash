# Shared by every sockstep bats file: load with `load test_helper`.
#
# Conventions: no fixed ports (servers get --port 0 and
# we read the port from their ready line), background servers start with
# fd 3 closed and are killed and reaped in teardown, every wait is bounded.

# BATS_TEST_DIRNAME is absolute: no process is started to find the tree.
ROOT="${BATS_TEST_DIRNAME%/*}"
# The binaries under test: build/ by default; the sanitizer run points
# SOCKSTEP_BIN at build/sanitize.
BIN="${SOCKSTEP_BIN:-$ROOT/build}"
export NO_COLOR=1
# The test run's scheduling group (its session's, where the kernel groups
# by session): tests/low-priority lowers any other group, never this one.
if [[ -z "${SS_AUTOGROUP:-}" && -r /proc/self/autogroup ]]; then
    read -r SS_AUTOGROUP _ </proc/self/autogroup || SS_AUTOGROUP=
    export SS_AUTOGROUP
fi
# Programs that spin on purpose run under this (see the file).
LOW="$ROOT/tests/low-priority"
# The Python peers the tests start: "$PYTHON" "$PEERS/NAME.py" ARGS (each
# file says at its top what it does and what it takes).
PEERS="$ROOT/tests/peers"

# PYTHON: the one Python interpreter every test starts, as an absolute
# path (scripts/lib/python.bash says which, and why). tests/run finds it
# once per run and exports it; a bats run started by hand finds it in the
# first test and keeps it in BATS_RUN_TMPDIR for the rest. The same
# directory holds a python3 link to it, first on PATH, for the scripts that
# start Python by their #! line (scripts/check, tests/strace-match) and for
# the command lines that scripts/check runs.
if [[ -z "${PYTHON:-}" ]]; then
    if [[ -s "$BATS_RUN_TMPDIR/python" ]]; then
        PYTHON=$(<"$BATS_RUN_TMPDIR/python")
    else
        # shellcheck source=scripts/lib/python.bash
        . "$ROOT/scripts/lib/python.bash"
        ss_find_python || PYTHON=python3
        printf '%s\n' "$PYTHON" >"$BATS_RUN_TMPDIR/python.$$"
        mv "$BATS_RUN_TMPDIR/python.$$" "$BATS_RUN_TMPDIR/python"
    fi
fi
export PYTHON
if [[ "$PYTHON" == /* && ! -e "$BATS_RUN_TMPDIR/pybin/python3" ]]; then
    mkdir -p "$BATS_RUN_TMPDIR/pybin"
    ln -sf "$PYTHON" "$BATS_RUN_TMPDIR/pybin/python3"
fi
case ":$PATH:" in
*":$BATS_RUN_TMPDIR/pybin:"*) ;;
*) PATH="$BATS_RUN_TMPDIR/pybin:$PATH" ;;
esac
# The waits that only keep a test from hanging, never what it measures,
# each named once here (as CPython's test.support names its timeouts); a
# wait whose running out is the point of a test stays a number there. On
# a machine slower than this suite expects, SOCKSTEP_TEST_SCALE=N (a
# whole number) makes each N times longer, and bats' own per-test limit
# too where a file does not set its own (scripts/lib/scale.bash).
# (Found beside this file: a test may load it from a file elsewhere.)
# shellcheck source=scripts/lib/scale.bash
. "${BASH_SOURCE[0]%/*}/../scripts/lib/scale.bash"
# shellcheck disable=SC2119 # no name before the message: bats names the file
ss_scale || exit 2
WAIT_LOOPBACK=$((10 * SCALE)) # a client and a server on loopback
WAIT_RUN=$((20 * SCALE))      # a program's whole run, a few checks
WAIT_SHORT=$((30 * SCALE))    # a run that waits on timeouts of its own
WAIT_LONG=$((60 * SCALE))     # a build, many clients, a long check
# (exported: the scripts a test hands to bash -c, world and the checker
# use them too)
export WAIT_LOOPBACK WAIT_RUN WAIT_SHORT WAIT_LONG
# The checker's --wait for a program under $LOW: at the lowest priority,
# beside a busy run, a Python sample can take more than the checker's
# usual 10 s just to start and listen (it did once, in a quiet run beside
# a handout build).
LOW_WAIT=$WAIT_LONG
: "${BATS_TEST_TIMEOUT:=$((120 * SCALE))}"
export BATS_TEST_TIMEOUT

# bats-support and bats-assert: their src/*.bash files, sourced here. Their
# load.bash starts a dirname process per file it sources, 16 a test, and
# every test loads this file afresh.
ss_load_library() {
    local dir f paths
    IFS=: read -r -a paths <<<"${BATS_LIB_PATH:-/usr/lib/bats}"
    for dir in "${paths[@]}"; do
        [[ -d "$dir/$1/src" ]] || continue
        for f in "$dir/$1"/src/*.bash; do
            # shellcheck disable=SC1090
            source "$f"
        done
        return 0
    done
    bats_load_library "$1"
}
ss_load_library bats-support
ss_load_library bats-assert

# sleep without starting a process: the tests wait in steps of 50 ms,
# thousands of times a run, and each /bin/sleep was a fork of this shell.
# Debian's bash-builtins has sleep as a loadable builtin (./install-deps
# installs it); without it, /bin/sleep as before.
enable -f /usr/lib/bash/sleep sleep 2>/dev/null || :

# The ready line and the wait for it (ss_wait_ready, ss_first_line), as
# the scripts wait for it.
# shellcheck source=scripts/lib/ready.bash
. "$ROOT/scripts/lib/ready.bash"

# Helpers that a few files share, kept apart by subject in tests/lib/.
# shellcheck source=tests/lib/world.bash
. "$ROOT/tests/lib/world.bash"
# shellcheck source=tests/lib/udp.bash
. "$ROOT/tests/lib/udp.bash"
# shellcheck source=tests/lib/clients.bash
. "$ROOT/tests/lib/clients.bash"

# Only the test's own lines run bats' DEBUG trap. bats runs a test under
# set -T, so its DEBUG trap (bats_debug_trap) runs before every command of
# the test and of every function the test calls: bats-assert's loops over
# the output, the waits here, bats' own work after the test. Each call
# costs a fraction of a millisecond, even in bats' own files, which it
# excludes; an assert_line over a long narration made thousands. The trap
# only notes where the test is, to name the failing line. So once setup
# has run, set +T: bash then suspends the trap inside every function the
# test calls (a function inherits it only under set -T), and still runs it
# before each command of the test itself. A failure inside a helper is
# then reported at the test line that called it. bats_test_begin is what
# bats 1.8 starts each test with (it runs setup); this is its body, with
# set +T after setup. Any other bats keeps its own, and the trap.
if [[ "${BATS_VERSION:-}" == 1.8.* && -n "${BATS_TEST_NAME:-}" ]] &&
    declare -F bats_test_begin teardown bats_teardown_trap \
        bats_check_status_from_trap >/dev/null; then
    bats_test_begin() {
        BATS_TEST_DESCRIPTION="$1"
        if [[ -n "$BATS_EXTENDED_SYNTAX" ]]; then
            printf 'begin %d %s\n' "$BATS_SUITE_TEST_NUMBER" \
                "${BATS_TEST_NAME_PREFIX:-}$BATS_TEST_DESCRIPTION" >&3
        fi
        setup
        set +T
    }
    # teardown, and the bats function that calls it, keep the trap (the
    # trace attribute: a function's later definition keeps it), so that a
    # failing teardown is named too. So does the bats function that ends
    # the trap once the test has failed (trap - DEBUG): in a function that
    # runs with the trap suspended, bash sets it again on return.
    declare -ft teardown bats_teardown_trap bats_check_status_from_trap
fi
# The same in the process that runs a file's setup_file and starts each
# of its tests (bats-exec-file; there BATS_TEST_NAME is empty): the trap
# ran there too, about twenty times a test, in bats' own functions. There
# set +T now, and setup_file and teardown_file (already defined there,
# and a file's own definition keeps it) get the trace attribute: they
# still run the trap, the functions they call do not. So does the bats
# function that calls teardown_file: a function without it would suspend
# the trap for all it calls.
if [[ "${BATS_VERSION:-}" == 1.8.* && -z "${BATS_TEST_NAME:-}" ]] &&
    declare -F setup_file teardown_file bats_run_teardown_file >/dev/null; then
    declare -ft setup_file teardown_file bats_run_teardown_file
    set +T
fi

# bats' clock for a test's time (bats 1.8 reads it twice a test, each time
# with a date process): bash's own, as in now_ms below.
if [[ "${BATS_VERSION:-}" == 1.8.* && -n "${EPOCHREALTIME:-}" ]] &&
    declare -F get_mills_since_epoch >/dev/null; then
    get_mills_since_epoch() {
        printf '%d\n' "$((${EPOCHREALTIME/[.,]/} / 1000))"
    }
fi

# bats' per-test limit (BATS_TEST_TIMEOUT, above), kept by a watchdog that
# cannot outlive the test holding its output open. The watchdog of bats
# 1.8 to 1.11 is a subshell that starts a sleep, then sets a trap for the
# SIGABRT the test sends it when it ends. On a busy machine the test can
# end before the subshell has set that trap, and such watchdogs were seen
# to stay, with their sleep, for the whole limit. They hold the test's
# output, so bats, and the whole run, waited up to 120 s more after the
# last test. With bats 1.11 (Debian 13) a test that ends at once, such as
# a failing one, left its process waiting for that sleep: 5 runs in 12 of
# a file of three failing tests took the whole limit.
# Here the watchdog is one process with its output elsewhere: it sleeps
# (the builtin, loaded below, where there is one), then does what bats'
# does (SIGABRT to the test, which bats reports as timed out, and a kill
# of the test's children). The test ends it with SIGTERM, whose default action needs
# no trap, so there is no moment in which it could miss the signal.
# The functions are in a file of their own, which bats' stack traces
# leave out as they leave out bats' own (bats_add_debug_exclude_path, bats
# 1.11): else a failing teardown was reported at the line where the
# watchdog is ended, not at its own.
# shellcheck source=tests/bats/watchdog.bash
. "${BASH_SOURCE[0]%/*}/bats/watchdog.bash"

# PIDs of background processes this test started.
SS_PIDS=()

# bare CMD ARGS...: run CMD with only fds 0, 1 and 2 open, as in a
# terminal: bats keeps 3 and 4 open (and a harness may pass more), and a
# lesson's first socket should be fd 3, with no background process holding
# bats' fd 3. A subshell closes them all (ss_close_fds) and execs CMD, as
# tests/hostile/run-clean does for the scripts; a script would be one more
# bash to start, for each lesson a test runs.
bare() {
    (
        ss_close_fds
        exec "$@"
    )
}

# ss_close_fds: close every fd above 2 of this (sub)shell, as listed in
# /proc/BASHPID/fd (Linux, like the rest of the suite).
ss_close_fds() {
    local path fd
    for path in "/proc/$BASHPID/fd"/*; do
        fd=${path##*/}
        if [[ "$fd" =~ ^[0-9]+$ ]] && ((fd > 2)); then
            eval "exec $fd>&-"
        fi
    done
}

# cc_strict ARGS...: the C compiler make uses (CC, else cc) with the
# warnings every lesson is held to, for the C programs tests write or
# build themselves.
cc_strict() {
    "${CC:-cc}" -std=c11 -Wall -Wextra -Werror -pedantic "$@"
}

# run_lesson CMD ARGS...: bats' run, through bare.
run_lesson() {
    run bare "$@"
}

# start_bg OUTFILE CMD ARGS...: run CMD in the background as bare does,
# stdin from /dev/null, stdout+stderr to OUTFILE. Sets BG_PID: the
# background subshell execs CMD, so BG_PID is CMD itself and teardown's
# kill reaches it.
start_bg() {
    local out="$1"
    shift
    # Emptied here, before the background job starts: its own redirection
    # happens later, and until then wait_ready could read the ready line an
    # earlier server left in the same file (and take that server's port).
    : >"$out"
    {
        ss_close_fds
        exec "$@"
    } </dev/null >"$out" 2>&1 3>&- 4>&- &
    BG_PID=$!
    SS_PIDS+=("$BG_PID")
}

# wait_ready OUTFILE [SECONDS]: wait until OUTFILE has a ready line
# (scripts/lib/ready.bash: "listening on ADDR:PORT" or "receiving on
# ADDR:PORT"); sets PORT. On failure it names the pattern and shows what
# OUTFILE holds. SECONDS (10 if not given) is scaled as wait_exit's.
wait_ready() {
    local out="$1" limit=$((${2:-10} * SCALE))
    if ss_wait_ready "$out" "$limit"; then
        PORT=$SS_PORT
        return 0
    fi
    echo "no ready line in $out after ${limit}s: no line matched" \
        "/$SS_READY_RE/; it holds:" >&2
    cat "$out" >&2
    return 1
}

# before_server SERVER_OUT OUTFILE PROGRAM ARGS...: start a peer now, in
# the background (output in OUTFILE), that waits for the ready line of the
# server the test starts next with SERVER_OUT as its output file, and only
# then runs PROGRAM ARGS with {port} replaced by the server's port (see
# tests/after-ready: PROGRAM is -c CODE, a .py file, or a command). It
# returns once the peer has started and waits (after-ready then creates
# SERVER_OUT.waiting), so a short --timeout in the server never races the
# peer's start. Sets PEER_PID.
before_server() {
    local server_out="$1" out="$2" i
    shift 2
    # a ready line left there is not the next server's
    rm -f "$server_out" "$server_out.waiting"
    start_bg "$out" "$PYTHON" "$ROOT/tests/after-ready" "$server_out" "$@"
    PEER_PID=$BG_PID
    # Bounded, as wait_ready; a peer that died is left to the test's own
    # checks of it.
    for ((i = 0; i < 60 * SCALE * 50; i++)); do
        [[ -e "$server_out.waiting" ]] && return 0
        ss_running "$PEER_PID" || return 0
        sleep 0.02
    done
    echo "the peer never got ready to wait ($server_out.waiting)" >&2
    return 1
}

# start_server OUTFILE BINARY ARGS...: start a lesson server on --port 0
# and wait for its ready line; sets PORT and BG_PID.
start_server() {
    local out="$1" bin="$2"
    shift 2
    start_bg "$out" "$BIN/$bin" --port 0 "$@"
    wait_ready "$out"
}

# wait_until SECONDS CMD [ARGS...]: run CMD every 50 ms until it
# succeeds, for at most SECONDS times SOCKSTEP_TEST_SCALE, as the named
# waits above; fails if it never does (the caller says what was missing).
wait_until() {
    local limit=$(($1 * SCALE)) i
    shift
    for ((i = 0; i < limit * 20; i++)); do
        "$@" && return 0
        sleep 0.05
    done
    return 1
}

# not CMD [ARGS...]: CMD failed (for wait_until: until it fails).
not() {
    ! "$@"
}

# listening PORT: something listens on TCP port PORT (ss says so).
listening() {
    [[ -n "$(ss -Htln "sport = :$1")" ]]
}

# wait_for OUTFILE REGEX [SECONDS]: wait until a line of OUTFILE matches
# REGEX (10 s if not given, scaled); if none does, says what it holds.
wait_for() {
    wait_until "${3:-10}" ss_first_line "$1" "$2" && return 0
    echo "no line matching '$2' in $1 after $((${3:-10} * SCALE))s:" >&2
    cat "$1" >&2
    return 1
}

# wait_exit PID [SECONDS]: wait for a background process to end, bounded;
# sets EXIT_STATUS. Fails if it is still running after SECONDS (10 if not
# given), times SOCKSTEP_TEST_SCALE, as the named waits above.
wait_exit() {
    local pid="$1" limit=$((${2:-10} * SCALE)) i
    for ((i = 0; i < limit * 20; i++)); do
        if ! ss_running "$pid"; then
            EXIT_STATUS=0
            wait "$pid" || EXIT_STATUS=$?
            return 0
        fi
        sleep 0.05
    done
    echo "process $pid still running after ${limit}s" >&2
    describe_pid "$pid" >&2
    return 1
}

# describe_pid PID: what PID is doing, for whoever reads a failure: its
# command, its state (R running, S sleeping, T stopped, Z ended but not
# reaped) and, when asleep, the kernel function it waits in (wchan, on
# Linux); then its TCP sockets with what waits in their queues (a
# connection the peer closed, data nobody read). A "?" for what could not
# be read: the process may end while this runs. No read may end the
# shell: a failed $(<file) does, under errexit, and bats then blames the
# line before the call.
describe_pid() {
    local pid="$1" cmd state wchan=
    cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || cmd=
    state=$(grep -m 1 '^State:' "/proc/$pid/status" 2>/dev/null) || state=
    { read -r wchan <"/proc/$pid/wchan"; } 2>/dev/null || true
    echo "  command: ${cmd:-?}; ${state:-State: ?}; waiting in: ${wchan:-?}"
    if command -v ss >/dev/null; then
        ss -tanp 2>/dev/null | grep -F "pid=$pid," || true
    fi
}

# Kill and reap everything this test started in the background.
kill_all_bg() {
    local pid
    for pid in "${SS_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${SS_PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    SS_PIDS=()
}

# NOREAD_SLACK: the seconds beyond a server's --timeout 2 in which it must
# have dropped a client that sends and never reads, counted from the
# client's connect. Generous: before its send() waits, a server narrates
# every call of the megabytes it echoes while the buffers fill, and that
# takes as long as the machine makes it. A server without a send timeout
# never drops the client, so the test fails there all the same.
NOREAD_SLACK=20

# noread_before SERVER_OUT PEER_OUT [--framed]: tests/peers/noread-dropped.py
# started BEFORE the server whose output is SERVER_OUT (before_server): it
# connects once the server's ready line is there, sends up to 8 MiB and
# never reads. Started after the server, a Python still starting on a busy
# machine could outlast the server's --timeout 2 for its first client.
# NOREAD_PID is the peer; noread_dropped then checks what it said.
noread_before() {
    before_server "$1" "$2" "$PEERS/noread-dropped.py" '{port}' \
        $((2 + NOREAD_SLACK)) "${@:3}"
    NOREAD_PID=$PEER_PID
    NOREAD_OUT=$2
}

# noread_dropped: the peer of noread_before ends, and the server (started
# with --timeout 2) dropped it within 2 + NOREAD_SLACK s of its connect.
noread_dropped() {
    wait_exit "$NOREAD_PID" $((2 + NOREAD_SLACK + 30))
    run cat "$NOREAD_OUT"
    [ "$EXIT_STATUS" -eq 0 ] || fail "the peer ended with status $EXIT_STATUS: $output"
    assert_output --regexp '^dropped after [0-9.]+ s, [0-9]+ bytes sent$'
}

# no_send_after_short FILE: in the narration of a server that dropped a
# client that never reads, no send() on fd 4 comes after a short one (it
# took fewer bytes than asked, or none): the echo gives up once a send()
# has waited out --timeout, however few bytes it took, instead of
# waiting a timeout again for the rest. Each call line gives what was
# asked and what was taken, so this holds however fast the machine is,
# where a clock in the test could not tell 2 s from 6 s on a busy one.
no_send_after_short() {
    run awk '
        { line = $0; sub(/^\[child [0-9]+\] /, "", line) }
        line ~ /^send\(4, / {
            if (short) { print "a send() after a short one: " prev; exit 1 }
            asked = line; sub(/, MSG_NOSIGNAL\) = .*/, "", asked); sub(/.*, /, "", asked)
            took = line; sub(/.* = /, "", took); sub(/ .*/, "", took)
            if (took + 0 < asked + 0) short = 1
            prev = line; n++
        }
        END { if (!n) { print "no send() narrated"; exit 1 } }' "$1"
    assert_success
}

# now_ms: a monotonic-enough clock for the timing tests, in milliseconds:
# bash's EPOCHREALTIME (seconds, a point or comma, microseconds), not a
# date process.
now_ms() {
    local t=${EPOCHREALTIME/[.,]/}
    echo $((t / 1000))
}

# build_lessons NAME...: make build/NAME for each (for setup_file, in a
# file that runs only these lessons and must not wait for the rest).
build_lessons() {
    local name targets=()
    for name in "$@"; do
        targets+=("build/$name")
    done
    make -s -C "$ROOT" "${targets[@]}" >&2
}

# build_pair_lessons: the lesson pairs that scripts/capture and scripts/demo
# run (04 and 05, 06's server and client, 08 and 09).
build_pair_lessons() {
    build_lessons 04-accept 05-connect 06-send-recv-server \
        06-send-recv-client 08-udp-receiver 09-udp-sender
}

teardown() {
    kill_all_bg
}

# TRACE: strace's command line for a lesson whose calls are compared with
# its narration (tests/strace-match). Use as: start_bg OUT "${TRACE[@]}"
# "$BATS_TEST_TMPDIR/trace" "$BIN/04-accept" ...; then strace_matches OUT.
# shellcheck disable=SC2054 # the commas belong to strace's -e list
TRACE=(strace -f -yy -e trace=network,close -o)

# need_strace: skip where strace is missing or may not trace (containers
# without ptrace); fail nowhere else.
need_strace() {
    command -v strace >/dev/null || skip "no strace"
    strace -o /dev/null true 2>/dev/null || skip "strace cannot trace here"
}

# need_nobody_runs FILE...: skip unless user 65534 (nobody), whom a test
# run as root becomes with setpriv, may run each FILE. A clone in root's
# home (/root, mode 700) is closed to that user: the test, not the
# program, would fail there.
need_nobody_runs() {
    local f
    for f; do
        setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$f" \
            2>/dev/null ||
            skip "user 65534 may not run $f (a directory above it is closed to other users, as /root is): clone where others may read to run this test"
    done
}

# skip_namespaces REASON: skip the test, since the namespaces it needs
# cannot be made here (REASON says which, and why); or, where
# SOCKSTEP_REQUIRE_NAMESPACES=1 (as .ci/run sets), fail it: there a test
# of the sandbox or a network of its own must not skip unseen.
skip_namespaces() {
    if [[ "${SOCKSTEP_REQUIRE_NAMESPACES:-}" == 1 ]]; then
        echo "SOCKSTEP_REQUIRE_NAMESPACES=1, and $1" >&2
        return 1
    fi
    skip "$1"
}

# need_unshare OPTION... [-- CMD...]: skip unless unshare OPTION... may
# make its namespaces here and run CMD in them (true if not given), as
# inside a chroot or a container it may not (skip_namespaces).
need_unshare() {
    local opts=() cmd=(true)
    while (($#)) && [[ "$1" != -- ]]; do
        opts+=("$1")
        shift
    done
    (($#)) && shift && cmd=("$@")
    unshare "${opts[@]}" "${cmd[@]}" >/dev/null 2>&1 && return 0
    local what="unshare ${opts[*]}"
    [[ "${cmd[*]}" == true ]] || what+=" with ${cmd[0]}"
    skip_namespaces "$what is not allowed here"
}

# need_ipv6: skip where the loopback has no IPv6 address (no ::1 in
# /proc/net/if_inet6: a container started without IPv6, or
# net.ipv6.conf.lo.disable_ipv6 = 1), saying so; where
# SOCKSTEP_REQUIRE_IPV6=1 (as .ci/run sets), fail instead: there a test
# of IPv6 must not skip unseen.
need_ipv6() {
    grep -qs '^00000000000000000000000000000001 ' /proc/net/if_inet6 &&
        return 0
    if [[ "${SOCKSTEP_REQUIRE_IPV6:-}" == 1 ]]; then
        echo "SOCKSTEP_REQUIRE_IPV6=1, and this machine's loopback has no ::1 (/proc/net/if_inet6)" >&2
        return 1
    fi
    skip "no IPv6 on this machine's loopback: /proc/net/if_inet6 lists no ::1"
}

# SMALL_BUFFERS: a shell command that makes every TCP socket's buffers
# at most 16 KiB (net.ipv4.tcp_rmem and tcp_wmem), as they shrink on a
# machine short of memory. In a network namespace of the test's own only.
# shellcheck disable=SC2016 # $f is the inner shell's
SMALL_BUFFERS='for f in tcp_rmem tcp_wmem; do echo "4096 8192 16384" >/proc/sys/net/ipv4/$f || exit 1; done'

# small_buffers CMD...: bats' run of CMD (through bare, at most
# WAIT_LONG) in a new user and network namespace whose lo is up and whose
# TCP buffers are small (SMALL_BUFFERS); skip where such a namespace
# cannot be made or set.
small_buffers() {
    need_unshare -rn -- sh -c "$SMALL_BUFFERS"
    run bare timeout "$WAIT_LONG" unshare -rn sh -c \
        "ip link set lo up && $SMALL_BUFFERS && exec \"\$@\"" small "$@"
}

# need_sandbox: skip where scripts/check's sandbox cannot be made (no
# bwrap, or a kernel or container that refuses its namespaces, as inside
# a chroot), with the checker's own sentence for why (skip_namespaces);
# asked once a run.
need_sandbox() {
    local why
    why=$(sandbox_why)
    [[ -z "$why" ]] && return 0
    skip_namespaces "the checker's sandbox cannot be made: $why"
}

# sandbox_why: print why the checker's sandbox cannot be made here
# (nothing where it can); asked once per run. For setup_file, where a
# skip would fail the file: each test's need_sandbox then skips it.
sandbox_why() {
    local file="$BATS_RUN_TMPDIR/sandbox-missing" why=
    if [[ ! -e "$file" ]]; then
        PYTHONPATH="$ROOT/scripts" "$PYTHON" -c '
import sys
from sockcheck.sandbox import bwrap_missing, closed_to_sandbox
print(bwrap_missing() or closed_to_sandbox(sys.argv[1]) or "")' "$ROOT" \
            >"$file.$$" 2>&1 || echo "its check failed" >>"$file.$$"
        mv -f "$file.$$" "$file"
    fi
    { IFS= read -r why <"$file"; } 2>/dev/null || why="its check left no answer"
    printf '%s' "$why"
}

# has_manual: skip the test in a students' copy, which has no lecturer's
# manual's sources (git archive leaves them out: .gitattributes).
has_manual() {
    [[ -f "$ROOT/docs/lecturers.md" ]] ||
        skip "no lecturer's manual's sources here (a students' copy, made by git archive)"
}

# strace_matches NARRATION TRACEFILE [--subset]: every narrated call is the
# call strace saw, in order, with the same fd and result.
strace_matches() {
    run "$PYTHON" "$ROOT/tests/strace-match" "$@"
    assert_success
}

# traced_client STATUS NAME CMD...: run_lesson CMD under strace; it must
# exit STATUS; then each call its narration (kept in $BATS_TEST_TMPDIR/NAME)
# names must be the one strace saw (in NAME.trace), in order; the trace
# may have calls the narration does not name (strace_matches --subset).
traced_client() {
    local want="$1" name="$BATS_TEST_TMPDIR/$2"
    shift 2
    run_lesson "${TRACE[@]}" "$name.trace" "$@"
    if ((want == 0)); then
        assert_success
    else
        assert_failure "$want"
    fi
    printf '%s\n' "$output" >"$name"
    strace_matches "$name" "$name.trace" --subset
}

# plain: true when the binaries under test are the -DSOCKSTEP_PLAIN build,
# which narrates nothing (tests of narration skip there).
plain() {
    [[ "$BIN" == */plain ]]
}

# all_only: true in make test-all (SOCKSTEP_TEST_ALL set), where the proofs
# slow by nature run; make test leaves them out (the Makefile says which).
all_only() {
    [[ -n "${SOCKSTEP_TEST_ALL:-}" ]]
}

# assert_said TEXT: the narration says TEXT (it wraps lines at 78 columns:
# runs of spaces and newlines count as one space).
assert_said() {
    local flat
    # shellcheck disable=SC2154 # output: set by bats' run
    flat=$(tr -s ' \n' '  ' <<<"$output")
    if [[ "$flat" != *"$1"* ]]; then
        echo "the output does not say: $1" >&2
        echo "$output" >&2
        return 1
    fi
}

# untraceable_leaks: LeakSanitizer cannot work under ptrace (strace): a
# sanitizer build under strace checks everything else but leaks.
untraceable_leaks() {
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
}

# free_port [tcp|udp] [ADDR]: a port of ADDR (127.0.0.1 unless given, ::1
# for IPv6) that was free a moment ago: the kernel chose it for a TCP (or
# UDP) socket, which then closed. Nothing listens or receives there,
# unless another program takes it since.
free_port() {
    "$PYTHON" "$PEERS/free-port.py" "$@"
}

# at_fd_limit LIMIT FREE SERVED CMD ARGS...: tests/peers/at-fd-limit.py
# runs server CMD with LIMIT descriptors and one client more than fit,
# then frees one (FREE: close or raise). Asserts that the waiting client
# was served, and that the server, while full, did not call accept()
# again and again: a loop that spins prints its failure thousands of
# times in the 2 s counted, one that waits a handful (fewer if slower).
at_fd_limit() {
    run_lesson timeout "$((6 * WAIT_LOOPBACK))" "$PYTHON" \
        "$PEERS/at-fd-limit.py" "$@"
    assert_success
    assert_line "b waits: True"
    assert_line "b served once a descriptor was free"
    [[ "$output" =~ accept\ failures\ in\ 2\ s:\ ([0-9]+) ]]
    ((BASH_REMATCH[1] < 50)) || {
        echo "accept() failed ${BASH_REMATCH[1]} times: it spins" >&2
        false
    }
}
