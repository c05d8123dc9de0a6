#!/usr/bin/env bats
# shellcheck disable=SC2153,SC2154 # ROOT, PORT (test_helper) and stderr (run)
# scripts/demo: the lecturer's side-by-side demo (tmux, or printed commands)

load test_helper

DEMO="$ROOT/scripts/demo"

setup_file() {
    local root
    root="$(cd "$(dirname "$BATS_TEST_FILENAME")/.." && pwd)"
    make -s -C "$root" build/04-accept build/05-connect \
        build/06-send-recv-server build/06-send-recv-client \
        build/08-udp-receiver build/09-udp-sender >&2
}

setup() {
    # A private tmux server in this test's directory: a user's own tmux
    # sessions are never seen or touched.
    export TMUX_TMPDIR="$BATS_TEST_TMPDIR"
    export SOCKSTEP_TMUX_SOCKET="sockstep-test-$$"
    unset TMUX
}

teardown() {
    tmux -L "$SOCKSTEP_TMUX_SOCKET" kill-server 2>/dev/null || true
    kill_all_bg
}

bats_require_minimum_version 1.5.0

# free_port tcp|udp: a port the kernel says is free now, so that the demo
# (which takes a fixed port, like a lecturer would) never meets another
# test's server on 8888.
free_port() {
    python3 -c '
import socket, sys
kind = socket.SOCK_DGRAM if sys.argv[1] == "udp" else socket.SOCK_STREAM
s = socket.socket(socket.AF_INET, kind)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])' "$1"
}

# The commands `scripts/demo --print PAIR` prints (comment lines dropped):
# CMDS[0] the server, CMDS[1] the client, CMDS[2] the ss view.
print_commands() {
    # --timeout 20: whatever happens, no lesson outlives the test long.
    run --separate-stderr "$DEMO" --print --timeout 20 "$@"
    assert_success
    mapfile -t CMDS < <(grep -v '^#' <<<"$output")
    [ "${#CMDS[@]}" -eq 3 ]
}

@test "demo: scripts/demo passes shellcheck" {
    command -v shellcheck >/dev/null || skip "shellcheck is not installed"
    run shellcheck "$DEMO"
    assert_success
    assert_output ""
}

@test "demo: --list names the three pairs; --help exits 0" {
    run "$DEMO" --list
    assert_success
    assert_line --regexp "^04 +04-accept .*05-connect"
    assert_line --regexp "^06 +06-send-recv-server .*06-send-recv-client"
    assert_line --regexp "^08 +08-udp-receiver .*09-udp-sender"
    run "$DEMO" --help
    assert_success
    assert_output --partial "usage: scripts/demo"
}

@test "demo: an unknown pair or option exits 2 with one line naming it" {
    run "$DEMO" 03
    assert_failure 2
    assert_output --partial "'03' is not one of the pairs"
    run "$DEMO" --frobnicate 04
    assert_failure 2
    assert_output "scripts/demo: --frobnicate: unknown option (see --help)"
    run "$DEMO" --port 70000 04
    assert_failure 2
    assert_output --partial -- "--port"
}

@test "demo: 04 printed commands, run as printed, exchange the greeting" {
    print_commands --port "$(free_port tcp)" 04
    assert_line --regexp -- "--step$"
    start_bg "$BATS_TEST_TMPDIR/server" bash -c "exec ${CMDS[0]}"
    wait_ready "$BATS_TEST_TMPDIR/server"
    # The client's --port is the one the server listens on.
    [[ "${CMDS[1]}" == *"--port $PORT "* ]]
    run timeout 20 bash -c "${CMDS[1]}" </dev/null
    assert_success
    assert_line --regexp '^hello 127\.0\.0\.1:[0-9]+, you are client 1$'
    refute_output --partial ">>> next:" # stdin is no tty: no pausing
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    assert_line --regexp '^accept\(3, 127\.0\.0\.1:[0-9]+, 16\) = [0-9]+$'
}

@test "demo: 06 printed commands, run as printed, echo two lines" {
    print_commands --port "$(free_port tcp)" 06
    start_bg "$BATS_TEST_TMPDIR/server" bash -c "exec ${CMDS[0]}"
    wait_ready "$BATS_TEST_TMPDIR/server"
    run timeout 20 bash -c "${CMDS[1]}" < <(printf 'first\nsecond\n')
    assert_success
    assert_line "echo: first"
    assert_line "echo: second"
}

@test "demo: 08 printed commands, run as printed, carry two datagrams" {
    print_commands --port "$(free_port udp)" 08
    [[ "${CMDS[2]}" == *"ss -uan"* ]]
    start_bg "$BATS_TEST_TMPDIR/receiver" bash -c "exec ${CMDS[0]}"
    wait_ready "$BATS_TEST_TMPDIR/receiver"
    run timeout 20 bash -c "${CMDS[1]}" < <(printf 'first\nsecond\n')
    assert_success
    local i
    for ((i = 0; i < 100; i++)); do
        grep -q ': second$' "$BATS_TEST_TMPDIR/receiver" && break
        sleep 0.05
    done
    run cat "$BATS_TEST_TMPDIR/receiver"
    assert_line --regexp '^datagram 1 from 127\.0\.0\.1:[0-9]+: first$'
    assert_line --regexp '^datagram 2 from 127\.0\.0\.1:[0-9]+: second$'
}

@test "demo: the printed ss command runs and shows a listening server" {
    print_commands --port "$(free_port tcp)" 04
    start_bg "$BATS_TEST_TMPDIR/server" bash -c "exec ${CMDS[0]}"
    wait_ready "$BATS_TEST_TMPDIR/server"
    # watch needs a terminal; run the ss command inside it once.
    local ss_cmd="${CMDS[2]#watch -n 0.5 }"
    run bash -c "eval $ss_cmd"
    assert_success
    assert_line --regexp "^LISTEN .* 127\.0\.0\.1:$PORT "
}

@test "demo: --port N that is taken is refused, naming the port" {
    start_bg "$BATS_TEST_TMPDIR/server" "$BIN/04-accept" --port 0 \
        --timeout 20
    wait_ready "$BATS_TEST_TMPDIR/server"
    run "$DEMO" --print --port "$PORT" 04
    assert_failure 1
    assert_output --partial "port $PORT is in use"
}

@test "demo: when the default port is taken it picks the next free one" {
    # Hold 8888 (if someone else holds it already, that does as well).
    start_bg "$BATS_TEST_TMPDIR/holder" "$BIN/04-accept" --port 8888 \
        --timeout 20
    local i
    for ((i = 0; i < 100; i++)); do
        ss -Htln 'sport = :8888' | grep -q . && break
        sleep 0.05
    done
    print_commands 04
    [[ "$stderr" == *"port 8888 is in use (tcp), using"* ]]
    refute_line --regexp -- "--port 8888 "
    [[ "${CMDS[0]}" =~ --port\ ([0-9]+)\  ]]
    [ "${BASH_REMATCH[1]}" -gt 8888 ]
}

@test "demo: without tmux on PATH it prints the commands instead" {
    # A PATH with everything in /usr/bin except tmux.
    local bin="$BATS_TEST_TMPDIR/bin" f
    mkdir "$bin"
    for f in /usr/bin/* /usr/sbin/*; do
        [[ "${f##*/}" == tmux ]] || ln -sf "$f" "$bin/${f##*/}"
    done
    PATH="$bin" run "$DEMO" 04
    assert_success
    assert_output --partial "tmux is not installed"
    assert_line --regexp "04-accept --port [0-9]+ --timeout 300 --step$"
    assert_line --regexp "05-connect --port [0-9]+ --timeout 300 --step$"
}

# capture_pane PANE: the pane's text, wrapped lines joined.
capture_pane() {
    tmux -L "$SOCKSTEP_TMUX_SOCKET" capture-pane -p -J -t "sockstep-04:0.$1"
}

# wait_pane PANE REGEX: poll (at most 10 s) until the pane shows REGEX.
wait_pane() {
    local i
    for ((i = 0; i < 200; i++)); do
        capture_pane "$1" | grep -Eq -- "$2" && return 0
        sleep 0.05
    done
    echo "pane $1 never showed /$2/; it shows:" >&2
    capture_pane "$1" >&2
    return 1
}

@test "demo: under tmux, 3 panes; Enter in a pane runs one step" {
    run "$DEMO" --detach --timeout 20 --port "$(free_port tcp)" 04
    assert_success
    assert_output --partial "tmux session sockstep-04"
    [[ "$output" =~ on\ tcp\ port\ ([0-9]+) ]]
    local port="${BASH_REMATCH[1]}"

    run tmux -L "$SOCKSTEP_TMUX_SOCKET" list-panes -t sockstep-04 \
        -F '#{pane_index} #{pane_title}'
    assert_success
    [ "${#lines[@]}" -eq 3 ]
    assert_line --regexp "^0 server: .*04-accept --port $port "
    assert_line --regexp "^1 client: .*05-connect --port $port "
    assert_line "2 kernel: ss, port $port"

    # Both lessons wait at their first step; nothing has run yet.
    wait_pane 0 '^>>> next: socket\(AF_INET, SOCK_STREAM, 0\)'
    wait_pane 1 '^>>> next: socket\(AF_INET, SOCK_STREAM, 0\)'
    run capture_pane 0
    refute_output --partial "= 3"
    refute_output --partial "SO_REUSEADDR"

    # One Enter: socket() runs, and the next call is announced.
    tmux -L "$SOCKSTEP_TMUX_SOCKET" send-keys -t sockstep-04:0.0 Enter
    wait_pane 0 '^socket\(AF_INET, SOCK_STREAM, 0\) = 3$'
    wait_pane 0 '^>>> next: setsockopt\(3, SOL_SOCKET, SO_REUSEADDR'
    run capture_pane 0
    refute_output --partial "SO_RCVTIMEO" # only one step was taken
    run capture_pane 1
    refute_output --partial "= 3" # the client did not move

    # Five more Enters, one at a time, reach listen(): the ss pane then
    # shows the listening socket, live.
    local steps=(
        '^setsockopt\(3, SOL_SOCKET, SO_REUSEADDR, .*\) = 0$'
        '^setsockopt\(3, SOL_SOCKET, SO_RCVTIMEO, .*\) = 0$'
        "^bind\\(3, 127\\.0\\.0\\.1:$port, 16\\) = 0$"
        '^listen\(3, 5\) = 0$'
        "^getsockname\\(3, 127\\.0\\.0\\.1:$port, 16\\) = 0$"
    )
    local step
    for step in "${steps[@]}"; do
        tmux -L "$SOCKSTEP_TMUX_SOCKET" send-keys -t sockstep-04:0.0 Enter
        wait_pane 0 "$step"
    done
    wait_pane 0 "^listening on 127\.0\.0\.1:$port$"
    wait_pane 2 "^LISTEN .* 127\.0\.0\.1:$port "
}
