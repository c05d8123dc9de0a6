#!/usr/bin/env bash
# runs.sh - run every lesson over loopback and keep what it printed, for the
# handout's "A real run" sections (docs/include.lua: ```{.output run=NAME}```).
#
#   docs/runs.sh BIN_DIR OUT_DIR        (mk/handout.mk: build build/runs)
#
# Each transcript OUT_DIR/NAME.txt starts with the command line, as typed in
# a terminal, and goes on with the program's output (stdout and stderr) as it
# came: ports, file descriptors and inodes are whatever this run got. Servers
# get --port 0 and their clients the port read from the ready line; every
# program gets --no-color, a small --timeout, and an outer `timeout`. Nothing
# binds or sends anywhere but 127.0.0.1.
#
# A run whose exit status is not the one expected stops the script (exit 1)
# with the transcript on stderr, so a broken lesson cannot slip into print.
# The transcripts are written to a temporary directory and moved into
# OUT_DIR only when every run has succeeded.

set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: $0 BIN_DIR OUT_DIR" >&2
    exit 2
fi
BIN_DIR=$1
OUT_DIR=$2
LIMIT=20 # seconds any one program may take, at most
export NO_COLOR=1
unset SOCKSTEP_TIMESTAMPS

# The numbers socket() and accept() return are part of what a transcript
# shows, so every lesson starts with only 0, 1 and 2 open, whoever runs
# this script (bats keeps fds 3 and 4 open; make may pass a jobserver
# pipe). Bash keeps this script on fd 255, close-on-exec: left alone.
for fd in "/proc/$$/fd"/*; do
    fd=${fd##*/}
    if [[ "$fd" =~ ^[0-9]+$ ]] && ((fd > 2 && fd != 255)); then
        exec {fd}>&-
    fi
done

for bin in 01-socket 02-bind 03-listen 04-accept 05-connect \
    06-send-recv-server 06-send-recv-client 07-close 08-udp-receiver \
    09-udp-sender 10-getaddrinfo 11-dual-stack-server \
    14-nonblocking-connect; do
    if [[ ! -x "$BIN_DIR/$bin" ]]; then
        echo "runs.sh: $BIN_DIR/$bin is missing: build the lessons first" >&2
        exit 1
    fi
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sockstep-runs.XXXXXX")
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

die() {
    echo "runs.sh: $*" >&2
    exit 1
}

# words ARGS...: the arguments as they would be typed in a shell, quoted
# only where they need it.
words() {
    local out="" arg
    for arg in "$@"; do
        if [[ "$arg" =~ ^[A-Za-z0-9_./:=+-]+$ ]]; then
            out+=" $arg"
        else
            out+=" '${arg//\'/\'\\\'\'}'"
        fi
    done
    printf '%s' "$out"
}

# show NAME: the transcript, for an error message.
show() {
    sed 's/^/    | /' "$WORK/$1.txt" >&2
}

# start NAME EXPECTED_STATUS BIN ARGS...: like run, in the background; the
# status is checked by finish NAME. Sets PID.
declare -A EXPECT BG
start() {
    local name=$1 want=$2 bin=$3
    shift 3
    printf '$ build/%s%s\n' "$bin" "$(words "$@")" >"$WORK/$name.txt"
    timeout "$LIMIT" "$BIN_DIR/$bin" "$@" </dev/null >>"$WORK/$name.txt" 2>&1 &
    PID=$!
    PIDS+=("$PID")
    EXPECT[$name]=$want
    BG[$name]=$PID
}

# finish NAME: wait for a program started with start, check its status.
finish() {
    local name=$1 status=0
    wait "${BG[$name]}" || status=$?
    if [[ "$status" != "${EXPECT[$name]}" ]]; then
        show "$name"
        die "$name: exit status $status, expected ${EXPECT[$name]}"
    fi
}

# run NAME EXPECTED_STATUS [INPUT] -- BIN ARGS...: run a program in the
# foreground (stdin INPUT, or nothing) and keep its transcript.
run() {
    local name=$1 want=$2 input="" status=0
    shift 2
    if [[ $1 != "--" ]]; then
        input=$1
        shift
    fi
    shift # --
    local bin=$1
    shift
    if [[ -n "$input" ]]; then
        # Shown as the shell line that would feed the same input.
        printf "\$ printf '%s' | build/%s%s\n" "$input" "$bin" \
            "$(words "$@")" >"$WORK/$name.txt"
    else
        printf '$ build/%s%s\n' "$bin" "$(words "$@")" >"$WORK/$name.txt"
    fi
    printf '%b' "$input" |
        timeout "$LIMIT" "$BIN_DIR/$bin" "$@" >>"$WORK/$name.txt" 2>&1 ||
        status=$?
    if [[ "$status" != "$want" ]]; then
        show "$name"
        die "$name: exit status $status, expected $want"
    fi
}

# ready NAME: wait (at most 10 s) for the ready line; sets PORT.
ready() {
    local name=$1 i line
    for ((i = 0; i < 200; i++)); do
        line=$(grep -m 1 -E \
            '^(listening|receiving) on ([0-9.]+|\[[0-9a-f:.]+\]):[0-9]+$' \
            "$WORK/$name.txt" || true)
        if [[ -n "$line" ]]; then
            PORT=${line##*:}
            return 0
        fi
        if ! kill -0 "${BG[$name]}" 2>/dev/null; then
            break
        fi
        sleep 0.05
    done
    show "$name"
    die "$name: no 'listening on' / 'receiving on' line"
}

# waiting NAME PATTERN: wait (at most 10 s) until a line of the transcript
# matches PATTERN.
waiting() {
    local name=$1 want=$2 i
    for ((i = 0; i < 200; i++)); do
        if grep -q -E "$want" "$WORK/$name.txt"; then
            return 0
        fi
        sleep 0.05
    done
    show "$name"
    die "$name: never printed a line matching $want"
}

T=(--no-color --timeout 5)

# Lesson 01 and 02 run alone.
run 01-socket 0 -- 01-socket "${T[@]}"
run 02-bind 0 -- 02-bind --port 0 "${T[@]}"

# Lesson 03: a listening socket that never accepts; two 05-connect clients
# wait in its backlog until it closes, which resets them.
start 03-listen 0 03-listen --port 0 --count 2 "${T[@]}"
ready 03-listen
start 03-listen.client 1 05-connect --port "$PORT" "${T[@]}"
waiting 03-listen.client '^connect\('
start 03-listen.client2 1 05-connect --port "$PORT" "${T[@]}"
finish 03-listen
finish 03-listen.client
finish 03-listen.client2
rm "$WORK/03-listen.client2.txt" # the same story twice: one is printed

# Lessons 04 and 05: one server, one client; the chapter on 05 shows the
# same pair from the client's side, and then a connect() that is refused:
# the server has gone and nothing listens on its port any more.
start 04-accept 0 04-accept --port 0 --count 1 "${T[@]}"
ready 04-accept
run 05-connect 0 -- 05-connect --port "$PORT" "${T[@]}"
finish 04-accept
run 05-connect.refused 1 -- 05-connect --port "$PORT" "${T[@]}"

# Lesson 06: the echo server and its client, two lines of input.
start 06-send-recv-server 0 06-send-recv-server --port 0 --count 1 "${T[@]}"
ready 06-send-recv-server
run 06-send-recv-client 0 'hello\nsocket world\n' -- \
    06-send-recv-client --port "$PORT" "${T[@]}"
finish 06-send-recv-server

# Lesson 07 is its own server and client.
run 07-close 0 -- 07-close --port 0 "${T[@]}"

# Lessons 08 and 09: a receiver that takes three datagrams, a sender that
# sends three lines; then a datagram sent where nobody receives any more.
start 08-udp-receiver 0 08-udp-receiver --port 0 --count 3 "${T[@]}"
ready 08-udp-receiver
run 09-udp-sender 0 'hello\n\nthree datagrams\n' -- \
    09-udp-sender --port "$PORT" "${T[@]}"
finish 08-udp-receiver
run 09-udp-sender.nobody 0 -- \
    09-udp-sender --port "$PORT" --message "anyone there?" "${T[@]}"

# Part II
# Lesson 10: the client looks up localhost (one address or two, as this
# machine's /etc/hosts says) and tries each in turn; the server, lesson 04,
# listens on 127.0.0.1 only.
start 10-getaddrinfo.server 0 04-accept --port 0 --count 1 "${T[@]}"
ready 10-getaddrinfo.server
run 10-getaddrinfo 0 -- 10-getaddrinfo --port "$PORT" "${T[@]}"
finish 10-getaddrinfo.server
rm "$WORK/10-getaddrinfo.server.txt" # lesson 04's chapter shows it

# Lesson 11: the server on its default ::1 and lesson 10 as an IPv6
# client; then the server on 127.0.0.1, which becomes ::ffff:127.0.0.1,
# and lesson 10 as an IPv4 client (its own transcript is lesson 10's again).
start 11-dual-stack-server 0 11-dual-stack-server --port 0 --count 1 "${T[@]}"
ready 11-dual-stack-server
run 11-dual-stack.client 0 -- 10-getaddrinfo --host ::1 --port "$PORT" "${T[@]}"
finish 11-dual-stack-server
start 11-dual-stack-server.mapped 0 11-dual-stack-server --host 127.0.0.1 \
    --port 0 --count 1 "${T[@]}"
ready 11-dual-stack-server.mapped
run 11-dual-stack.client4 0 -- \
    10-getaddrinfo --host 127.0.0.1 --port "$PORT" "${T[@]}"
finish 11-dual-stack-server.mapped
rm "$WORK/11-dual-stack.client4.txt"

# Lesson 14: a non-blocking connect() to a server that sends its line only
# when told to (the tests' Python peer, late-server), so that the first
# recv() finds nothing and poll() waits; then a connect() that is refused:
# that server has gone, and nothing listens on its port any more.
FLAG="$WORK/late.flag"
: >"$WORK/late.txt"
python3 "$(dirname "${BASH_SOURCE[0]}")/../tests/hostile/peer.py" \
    late-server "$FLAG" </dev/null >"$WORK/late.txt" 2>&1 &
BG[late]=$!
PIDS+=("${BG[late]}")
ready late
start 14-nonblocking-connect 0 14-nonblocking-connect --host 127.0.0.1 \
    --port "$PORT" "${T[@]}"
waiting 14-nonblocking-connect '= -1 EAGAIN'
touch "$FLAG"
finish 14-nonblocking-connect
wait "${BG[late]}" || die "the late server failed: $(cat "$WORK/late.txt")"
rm "$WORK/late.txt" "$FLAG"
run 14-nonblocking-connect.refused 1 -- 14-nonblocking-connect \
    --host 127.0.0.1 --port "$PORT" "${T[@]}"

# Part II: 15 to 18
# Lesson 15: the framing server takes two clients: one sends its two lines
# a byte at a time (the second line is empty), one sends both its messages
# in one send().
start 15-framing-server 0 15-framing-server --port 0 --count 2 "${T[@]}"
ready 15-framing-server
run 15-framing-client 0 'hi\n\n' -- \
    15-framing-client --port "$PORT" --bytewise "${T[@]}"
run 15-framing-client.together 0 'one\ntwo\n' -- \
    15-framing-client --port "$PORT" --together "${T[@]}"
finish 15-framing-server

mkdir -p "$OUT_DIR"
rm -f "$OUT_DIR"/*.txt
mv "$WORK"/*.txt "$OUT_DIR"/
