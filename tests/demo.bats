#!/usr/bin/env bats
# shellcheck disable=SC2153,SC2154 # ROOT, PORT (test_helper) and stderr (run)
# scripts/demo: the lecturer's side-by-side demo (tmux, or printed commands)

load test_helper

DEMO="$ROOT/scripts/demo"

setup_file() {
    build_pair_lessons
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

# The commands `scripts/demo --print PAIR` prints (comment lines dropped):
# CMDS[0] the server, CMDS[1] the client, CMDS[2] the ss view.
print_commands() {
    # --timeout 20: whatever happens, no lesson outlives the test long.
    run --separate-stderr "$DEMO" --print --timeout 20 "$@"
    assert_success
    mapfile -t CMDS < <(grep -v '^#' <<<"$output")
    [ "${#CMDS[@]}" -eq 3 ]
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
    run timeout "$WAIT_RUN" bash -c "${CMDS[1]}" </dev/null
    assert_success
    # The greeting as the client prints it: escaped, its newline as \n.
    assert_line --regexp '^hello 127\.0\.0\.1:[0-9]+, you are client 1\\n$'
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
    run timeout "$WAIT_RUN" bash -c "${CMDS[1]}" < <(printf 'first\nsecond\n')
    assert_success
    assert_line 'echo: first\n'
    assert_line 'echo: second\n'
}

@test "demo: 08 printed commands, run as printed, carry two datagrams" {
    print_commands --port "$(free_port udp)" 08
    [[ "${CMDS[2]}" == *"ss -uan"* ]]
    start_bg "$BATS_TEST_TMPDIR/receiver" bash -c "exec ${CMDS[0]}"
    wait_ready "$BATS_TEST_TMPDIR/receiver"
    run timeout "$WAIT_RUN" bash -c "${CMDS[1]}" < <(printf 'first\nsecond\n')
    assert_success
    wait_for "$BATS_TEST_TMPDIR/receiver" ': second$' 5
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

@test "demo: --port N held by a connected client, with no listener, is refused" {
    # A client socket bound to a port keeps a server's bind() there from
    # working, SO_REUSEADDR or not: ss -l does not show it.
    start_bg "$BATS_TEST_TMPDIR/client" "$PYTHON" -c '
import socket, sys, time
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen()
c = socket.socket()
c.connect(l.getsockname())
print("client port %d" % c.getsockname()[1], flush=True)
time.sleep(20)
'
    SS_LINE=""
    wait_until 10 ss_first_line "$BATS_TEST_TMPDIR/client" '^client port [0-9]+$' || :
    [[ "$SS_LINE" =~ ^client\ port\ ([0-9]+)$ ]] ||
        fail "the client never said its port: $(cat "$BATS_TEST_TMPDIR/client")"
    run "$DEMO" --print --port "${BASH_REMATCH[1]}" 04
    assert_failure 1
    assert_output --partial "port ${BASH_REMATCH[1]} is in use"
    assert_output --partial "ESTAB"
}

@test "demo: when the default port is taken it picks the next free one" {
    # Hold 8888 (if someone else holds it already, that does as well).
    start_bg "$BATS_TEST_TMPDIR/holder" "$BIN/04-accept" --port 8888 \
        --timeout 20
    wait_until 5 listening 8888
    print_commands 04
    [[ "$stderr" == *"port 8888 is in use (tcp), using"* ]]
    refute_line --regexp -- "--port 8888 "
    [[ "${CMDS[0]}" =~ --port\ ([0-9]+)\  ]]
    [ "${BASH_REMATCH[1]}" -gt 8888 ]
}

@test "demo: without tmux on PATH it prints the commands instead" {
    # A PATH with everything in /usr/bin except tmux.
    # An ln for each directory, not for each file (1,800 processes).
    local bin="$BATS_TEST_TMPDIR/bin"
    mkdir "$bin"
    ln -s /usr/sbin/* "$bin/"
    ln -sf /usr/bin/* "$bin/"
    rm -f "$bin/tmux"
    [[ ! -e "$bin/tmux" && -e "$bin/bash" ]]
    PATH="$bin" run "$DEMO" 04
    assert_success
    assert_output --partial "tmux is not installed"
    assert_line --regexp "04-accept --port [0-9]+ --timeout 300 --step$"
    assert_line --regexp "05-connect --port [0-9]+ --timeout 300 --step$"
}

# tmux numbers a window's panes by position: the client's (on the left,
# or on top when stacked) is 0, the server's 1, the kernel pane below 2.
CLIENT_PANE=0 SERVER_PANE=1 KERNEL_PANE=2

# capture_pane PANE: the pane's text, wrapped lines joined.
capture_pane() {
    tmux -L "$SOCKSTEP_TMUX_SOCKET" capture-pane -p -J -t "sockstep-04:0.$1"
}

# pane_shows PANE REGEX: the pane shows a line matching REGEX.
pane_shows() {
    capture_pane "$1" | grep -Eq -- "$2"
}

# wait_pane PANE REGEX: poll (at most 10 s) until the pane shows REGEX.
wait_pane() {
    wait_until 10 pane_shows "$1" "$2" && return 0
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
    assert_line --regexp "^$CLIENT_PANE client: .*05-connect --port $port "
    assert_line --regexp "^$SERVER_PANE server: .*04-accept --port $port "
    assert_line "$KERNEL_PANE kernel: ss, port $port"
    # The server's pane is the one selected: its steps come first.
    run tmux -L "$SOCKSTEP_TMUX_SOCKET" display-message -p -t sockstep-04 \
        '#{pane_index}'
    assert_output "$SERVER_PANE"

    # Both lessons wait at their first step; nothing has run yet.
    local s=$SERVER_PANE
    wait_pane $s '^>>> next: socket\(AF_INET, SOCK_STREAM, 0\)'
    wait_pane $CLIENT_PANE '^>>> next: socket\(AF_INET, SOCK_STREAM, 0\)'
    run capture_pane $s
    refute_output --partial "= 3"
    refute_output --partial "SO_REUSEADDR"

    # One Enter: socket() runs, and the next call is announced.
    tmux -L "$SOCKSTEP_TMUX_SOCKET" send-keys -t sockstep-04:0.$s Enter
    wait_pane $s '^socket\(AF_INET, SOCK_STREAM, 0\) = 3$'
    wait_pane $s '^>>> next: setsockopt\(3, SOL_SOCKET, SO_REUSEADDR'
    run capture_pane $s
    refute_output --partial "SO_RCVTIMEO" # only one step was taken
    run capture_pane $CLIENT_PANE
    refute_output --partial "= 3" # the client did not move

    # Five more Enters, one at a time, reach listen(): the ss pane then
    # shows the listening socket, live.
    local steps=(
        '^setsockopt\(3, SOL_SOCKET, SO_REUSEADDR, .*\) = 0$'
        '^setsockopt\(3, SOL_SOCKET, SO_RCVTIMEO, .*\) = 0$'
        "^bind\\(3, 127\\.0\\.0\\.1:$port, 16\\) = 0$"
        '^listen\(3, [0-9]+\) = 0$'
        "^getsockname\\(3, 127\\.0\\.0\\.1:$port, 16\\) = 0$"
    )
    local step
    for step in "${steps[@]}"; do
        tmux -L "$SOCKSTEP_TMUX_SOCKET" send-keys -t sockstep-04:0.$s Enter
        wait_pane $s "$step"
    done
    wait_pane $s "^listening on 127\.0\.0\.1:$port$"
    wait_pane $KERNEL_PANE "^LISTEN .* 127\.0\.0\.1:$port "

    # accept() is next; after Enter it blocks (no client yet), and the
    # prompt line says so: "... running: accept(...)" until it returns.
    wait_pane $s '^>>> next: accept\(3, .*\[Enter runs it\]'
    tmux -L "$SOCKSTEP_TMUX_SOCKET" send-keys -t sockstep-04:0.$s Enter
    wait_pane $s '^\.\.\. running: accept\(3, '
    run capture_pane $s
    refute_output --partial ">>> next: accept"
}

@test "demo: --no-step, the client starts once the server listens, and is greeted" {
    run "$DEMO" --detach --no-step --timeout 20 --port "$(free_port tcp)" 04
    assert_success
    [[ "$output" =~ on\ tcp\ port\ ([0-9]+) ]]
    local port="${BASH_REMATCH[1]}"
    # Nothing waits for Enter: both run through, the client's connect()
    # after the server's listen(), never refused.
    wait_pane $CLIENT_PANE '^\[05-connect ended: exit status [0-9]+\]$'
    run capture_pane $CLIENT_PANE
    refute_output --partial "ECONNREFUSED"
    assert_line "connect(3, 127.0.0.1:$port, 16) = 0"
    assert_line --regexp '^hello 127\.0\.0\.1:[0-9]+, you are client 1\\n$'
    assert_line "[05-connect ended: exit status 0]"
}

# tm ARGS...: tmux on the tests' private server.
tm() {
    tmux -L "$SOCKSTEP_TMUX_SOCKET" "$@"
}

# lecture_session COLS ROWS: a session "lecture" on the private server, of
# COLS x ROWS, in which the lecturer "works" (a pane running sleep).
lecture_session() {
    tm new-session -d -s lecture -x "$1" -y "$2" "sleep 120"
}

# demo_in_pane ARGS...: run scripts/demo ARGS from inside tmux, in a new
# window of the session "lecture" (TMUX and TMUX_PANE set, as for a
# lecturer who types it in a tmux pane). Waits for it to end (at most
# 30 s); sets output (what it printed, stdout and stderr) and status.
demo_in_pane() {
    local out="$BATS_TEST_TMPDIR/demo.out" rc="$BATS_TEST_TMPDIR/demo.rc"
    rm -f "$rc"
    tm new-window -d -t lecture: \
        "$(printf '%q ' "$DEMO" "$@") >$(printf '%q' "$out") 2>&1; \
echo \$? >$(printf '%q' "$rc.tmp"); mv $(printf '%q' "$rc.tmp") \
$(printf '%q' "$rc"); sleep 60"
    wait_until 30 test -f "$rc" || {
        echo "scripts/demo did not end within $((30 * SCALE)) s; it printed:" >&2
        cat "$out" >&2
        return 1
    }
    output="$(cat "$out")"
    mapfile -t lines <"$out"
    status="$(cat "$rc")"
    printf '%s\n' "$output" >&2 # shown if the test fails
}

# pane_geometry SESSION: "INDEX LEFT TOP WIDTH HEIGHT TITLE" for each pane.
pane_geometry() {
    tm list-panes -t "=$1:" -F \
        '#{pane_index} #{pane_left} #{pane_top} #{pane_width} #{pane_height} #{pane_title}'
}

# read_geometry: the lines of `run pane_geometry` into L T W H (left, top,
# width, height) and WHO (the title's first word: client, server, kernel)
# by pane index; CLIENT, SERVER and KERNEL are the indexes found by title.
read_geometry() {
    local line idx left top width height title
    L=() T=() W=() H=() WHO=() CLIENT="" SERVER="" KERNEL=""
    for line in "${lines[@]}"; do
        read -r idx left top width height title <<<"$line"
        L[idx]=$left T[idx]=$top W[idx]=$width H[idx]=$height
        WHO[idx]=${title%%:*}
        case "${WHO[idx]}" in
        client) CLIENT=$idx ;;
        server) SERVER=$idx ;;
        kernel) KERNEL=$idx ;;
        esac
    done
    [[ -n "$CLIENT" && -n "$SERVER" && -n "$KERNEL" ]]
}

@test "demo: inside tmux with no terminal attached: session made, switch-client hint, exit 0" {
    lecture_session 100 30
    demo_in_pane --timeout 20 --port "$(free_port tcp)" 04
    [ "$status" -eq 0 ]
    refute_output --partial "no current client"
    assert_output --partial "tmux session sockstep-04"
    assert_line "scripts/demo: no terminal is attached to this tmux session, so nothing was switched"
    # The hint inside tmux is switch-client: attach would be refused there
    # as nested. (attach is offered for a terminal outside tmux only.)
    assert_line "scripts/demo: show it with: tmux -L $SOCKSTEP_TMUX_SOCKET switch-client -t sockstep-04"
    assert_line --regexp "^scripts/demo: \(or, from a terminal outside tmux: tmux -L $SOCKSTEP_TMUX_SOCKET attach -t sockstep-04\)$"
    run tm list-panes -t =sockstep-04: -F '#{pane_title}'
    [ "${#lines[@]}" -eq 3 ]
}

# attached SESSION: the tmux server lists a client attached to SESSION.
attached() {
    [[ -n "$(tm list-clients -t "=$1" 2>/dev/null)" ]]
}

# attach_terminal SESSION COLS ROWS: attach a client to SESSION from a
# pseudo-terminal of COLS x ROWS (script gives tmux one), as a lecturer's
# terminal would be; waits until the server lists it.
attach_terminal() {
    command -v script >/dev/null || skip "script (util-linux) is not installed"
    start_bg "$BATS_TEST_TMPDIR/terminal" script -qfec \
        "stty cols $2 rows $3; TERM=xterm exec tmux -L $SOCKSTEP_TMUX_SOCKET attach -t $1" \
        /dev/null
    wait_until 10 attached "$1" && return 0
    echo "no client attached to $1 after $((10 * SCALE)) s:" >&2
    cat "$BATS_TEST_TMPDIR/terminal" >&2
    return 1
}

# client_session: the session the (one) attached terminal shows.
client_session() {
    tm list-clients -F '#{client_session}'
}

@test "demo: inside tmux with a terminal attached, that terminal is switched to the demo" {
    lecture_session 100 30
    attach_terminal lecture 130 40
    [ "$(client_session)" = lecture ]
    demo_in_pane --timeout 20 --port "$(free_port tcp)" 04
    [ "$status" -eq 0 ]
    refute_output --partial "no current client"
    refute_output --partial "nested"
    [ "$(client_session)" = sockstep-04 ]
    # Made for that terminal's 130 columns: server and client side by side.
    run pane_geometry sockstep-04
    [[ "${lines[0]}" =~ ^0\ 0\ ([0-9]+)\  ]]
    [[ "${lines[1]}" =~ ^1\ ([0-9]+)\ ${BASH_REMATCH[1]}\  ]]
    [ "${BASH_REMATCH[1]}" -gt 60 ]
}

@test "demo: inside tmux, --detach prints switch-client; typed in a pane there, it shows the demo" {
    lecture_session 100 30
    attach_terminal lecture 100 30
    demo_in_pane --detach --timeout 20 --port "$(free_port tcp)" 04
    [ "$status" -eq 0 ]
    [ "$(client_session)" = lecture ] # --detach: not switched
    local hint
    hint="$(sed -n 's/^scripts\/demo: show it with: //p' <<<"$output")"
    [[ "$hint" == "tmux -L $SOCKSTEP_TMUX_SOCKET switch-client -t sockstep-04" ]]
    # The hint, typed in a pane of the session the terminal shows.
    tm new-window -t lecture: "$hint; sleep 60"
    wait_until 10 client_in sockstep-04
}

# client_in SESSION: the terminal's client shows SESSION.
client_in() {
    [ "$(client_session)" = "$1" ]
}

@test "demo: at 120x35, client left and server right, the kernel pane below" {
    lecture_session 120 35
    demo_in_pane --timeout 20 --port "$(free_port tcp)" 04
    [ "$status" -eq 0 ]
    assert_output --partial "start in the server pane, on the right"
    run pane_geometry sockstep-04
    [ "${#lines[@]}" -eq 3 ]
    local -a L T W H WHO
    local CLIENT SERVER KERNEL
    read_geometry
    # The client's pane on the left and the server's on the right, as in
    # the book's pictures; found by their titles, so a server put back on
    # the left fails here whatever tmux numbers it.
    [ "${L[CLIENT]}" -eq 0 ]
    [ "${L[SERVER]}" -eq $((W[CLIENT] + 1)) ]
    # They share a top row, side by side, each about half of the 120
    # columns.
    [ "${T[CLIENT]}" -eq "${T[SERVER]}" ]
    [ "${W[CLIENT]}" -ge 59 ]
    [ "${W[SERVER]}" -ge 59 ]
    # The kernel pane under both, the whole width.
    [ "${T[KERNEL]}" -gt $((T[CLIENT] + H[CLIENT])) ]
    [ "${L[KERNEL]}" -eq 0 ]
    [ "${W[KERNEL]}" -eq 120 ]
    # The indexes the other tests step the panes by.
    [ "$CLIENT" -eq "$CLIENT_PANE" ]
    [ "$SERVER" -eq "$SERVER_PANE" ]

    # The narration wraps at each pane's own width (one of them is 59
    # columns), so tmux never wraps a line: the server up to accept(), the
    # client through connect().
    step_until "$SERVER" '^listening on 127\.0\.0\.1:'
    step_until "$CLIENT" '^connect\(3, .*\) = 0$'
    local p longest
    for p in "$CLIENT" "$SERVER"; do
        longest=$(capture_pane "$p" | sed 's/ *$//' | awk '
            length($0) > n { n = length($0) } END { print n + 0 }')
        echo "pane $p: ${W[$p]} columns, longest line $longest" >&2
        ((longest <= ${W[$p]})) || {
            capture_pane "$p" | awk -v w="${W[$p]}" 'length($0) > w' >&2
            false
        }
        ((longest >= ${W[$p]} - 12)) # it did fill the pane
    done
}

# step_until PANE REGEX: press Enter in the pane (at most 12 times) until
# it shows REGEX.
step_until() {
    local k
    for ((k = 0; k < 12; k++)); do
        capture_pane "$1" | grep -Eq -- "$2" && return 0
        tm send-keys -t "sockstep-04:0.$1" Enter
        wait_pane "$1" '(\[Enter runs it\] *$)|'"$2"
    done
    wait_pane "$1" "$2"
}

@test "demo: a pane's command line too long for the pane breaks between words, and pastes as one command" {
    # The pane runner, as a 34-column pane would run it (no tmux needed:
    # the width comes from tput, which reads COLUMNS without a terminal).
    local -a cmd=(printf '[%s]' build/06-send-recv-client --port 0
        --timeout 300 --step 'two words')
    run env COLUMNS=34 "$DEMO" --run-in-pane "${cmd[@]}" </dev/null
    assert_success
    # The command's own output is the line after the shown command.
    local -a shown=()
    local l
    for l in "${lines[@]}"; do
        shown+=("$l")
        [[ "$l" == *" \\" ]] || break
    done
    echo "shown as: ${shown[*]}" >&2
    ((${#shown[@]} > 1))
    [[ "${shown[0]}" == '$ printf '* ]]
    for l in "${shown[@]}"; do
        ((${#l} <= 34))
    done
    # Pasted into a shell (without the prompt), the lines are the command.
    local pasted
    pasted=$(printf '%s\n' "${shown[@]}")
    run bash -c "${pasted#\$ }"
    assert_success
    assert_output "$(printf '[%s]' "${cmd[@]:2}")"
}

@test "demo: below 120 columns the three panes are stacked, the client on top" {
    lecture_session 100 40
    demo_in_pane --timeout 20 --port "$(free_port tcp)" 04
    [ "$status" -eq 0 ]
    assert_output --partial "start in the server pane, in the middle"
    run pane_geometry sockstep-04
    [ "${#lines[@]}" -eq 3 ]
    local line
    for line in "${lines[@]}"; do
        [[ "$line" =~ ^[0-2]\ 0\ [0-9]+\ 100\  ]]
    done
    local -a L T W H WHO
    local CLIENT SERVER KERNEL
    read_geometry
    # Client, server, kernel, from the top down, by their titles.
    [ "${T[CLIENT]}" -lt "${T[SERVER]}" ]
    [ "${T[SERVER]}" -lt "${T[KERNEL]}" ]
}

@test "demo: run in its own session it refuses, naming the session" {
    tm new-session -d -s sockstep-04 -x 100 -y 30 "sleep 120"
    tm new-window -d -t sockstep-04: \
        "$(printf '%q ' "$DEMO") --port $(free_port tcp) 04 >$BATS_TEST_TMPDIR/out 2>&1; echo \$? >$BATS_TEST_TMPDIR/rc.tmp; mv $BATS_TEST_TMPDIR/rc.tmp $BATS_TEST_TMPDIR/rc"
    wait_until 10 test -f "$BATS_TEST_TMPDIR/rc"
    [ "$(cat "$BATS_TEST_TMPDIR/rc")" -eq 1 ]
    run cat "$BATS_TEST_TMPDIR/out"
    assert_output --partial "inside sockstep-04"
    # It is still there: nothing was replaced.
    run tm has-session -t =sockstep-04
    assert_success
}
