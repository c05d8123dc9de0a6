#!/usr/bin/env bats
# Lesson 05: connect

# PORT, BG_PID and EXIT_STATUS are set by test_helper (wait_ready, wait_exit).
# shellcheck disable=SC2153
# The longest wait inside a test here is 60 s: bats' own per-test
# limit must be longer, or that wait could never say what it waited
# for (tests/timeouts checks it).
: "${BATS_TEST_TIMEOUT:=$((90 * ${SOCKSTEP_TEST_SCALE:-1}))}"
load test_helper
load hostile/common

# wait_listening PORT: poll /proc/net/tcp until 127.0.0.1:PORT is LISTEN.
wait_listening() {
    local entry
    entry=$(printf '0100007F:%04X 00000000:0000 0A' "$1")
    wait_until 10 grep -q "$entry" /proc/net/tcp && return 0
    echo "nothing listens on 127.0.0.1:$1 after $((10 * SCALE)) s" >&2
    return 1
}

@test "05-connect: connects to 04-accept; its ephemeral port is the one the server saw" {
    start_server "$BATS_TEST_TMPDIR/server" 04-accept --count 1
    run_lesson timeout "$WAIT_LOOPBACK" "$BIN/05-connect" --port "$PORT"
    assert_success
    assert_line --regexp "^connected to 127\.0\.0\.1:$PORT from 127\.0\.0\.1:[0-9]+$"
    local line cport lo hi
    line=$(grep -E '^connected to ' <<<"$output")
    cport=${line##*:}
    # a real ephemeral port, inside the kernel's range
    read -r lo hi </proc/sys/net/ipv4/ip_local_port_range
    ((cport >= lo && cport <= hi))
    # the greeting, escaped: its newline shows as \n
    local greeting="hello 127.0.0.1:$cport, you are client 1"
    assert_line "$greeting\\n"
    assert_line "the server closed the connection: $((${#greeting} + 1)) bytes in all"
    printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/client"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/server"
    plain && return 0
    assert_line "accept(3, 127.0.0.1:$cport, 16) = 4"
    run cat "$BATS_TEST_TMPDIR/client"
    assert_line "socket(AF_INET, SOCK_STREAM, 0) = 3"
    assert_line "setsockopt(3, SOL_SOCKET, SO_SNDTIMEO, {30 s}, 16) = 0"
    assert_line "setsockopt(3, SOL_SOCKET, SO_RCVTIMEO, {30 s}, 16) = 0"
    assert_line "connect(3, 127.0.0.1:$PORT, 16) = 0"
    assert_line "getsockname(3, 127.0.0.1:$cport, 16) = 0"
    assert_said "we never called bind(): connect() bound the socket to port $cport"
    assert_line "recv(3, \"${greeting:0:32}\"..., 4096, 0) = $((${#greeting} + 1))"
    assert_line 'recv(3, "", 4096, 0) = 0'
    assert_line "close(3) = 0"
}

@test "05-connect: each narrated call matches strace, connected and refused" {
    plain && skip "the plain build narrates nothing"
    need_strace
    # LeakSanitizer cannot work under ptrace (the sanitize build's run)
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
    start_bg "$BATS_TEST_TMPDIR/py" "$PYTHON" "$PEERS/send-once-server.py" 'b"traced\n"'
    wait_ready "$BATS_TEST_TMPDIR/py"
    start_bg "$BATS_TEST_TMPDIR/client" "${TRACE[@]}" "$BATS_TEST_TMPDIR/trace" \
        "$BIN/05-connect" --port "$PORT" --timeout 5
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run grep -c '^connect(3, .*) = 0$' "$BATS_TEST_TMPDIR/client"
    assert_output 1
    strace_matches "$BATS_TEST_TMPDIR/client" "$BATS_TEST_TMPDIR/trace"

    # ECONNREFUSED: strace sees the same failed connect() and the close.
    local port
    port=$(free_port)
    start_bg "$BATS_TEST_TMPDIR/refused" "${TRACE[@]}" "$BATS_TEST_TMPDIR/trace2" \
        "$BIN/05-connect" --port "$port" --timeout 5
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 1 ]
    run grep -c '^connect(3, .*) = -1 ECONNREFUSED ' "$BATS_TEST_TMPDIR/refused"
    assert_output 1
    run grep -c 'ECONNREFUSED' "$BATS_TEST_TMPDIR/trace2"
    assert_output 1
    strace_matches "$BATS_TEST_TMPDIR/refused" "$BATS_TEST_TMPDIR/trace2"
}

@test "05-connect: talks to a Python server that is not ours" {
    start_bg "$BATS_TEST_TMPDIR/py" "$PYTHON" "$PEERS/send-once-server.py" \
        'b"greetings from python\nsecond line\n"'
    wait_ready "$BATS_TEST_TMPDIR/py"
    run_lesson timeout "$WAIT_LOOPBACK" "$BIN/05-connect" --port "$PORT" --timeout 5
    assert_success
    assert_line 'greetings from python\nsecond line\n'
    assert_line "the server closed the connection: 34 bytes in all"
    local connected
    connected=$(grep -E '^connected to ' <<<"$output")
    wait_for "$BATS_TEST_TMPDIR/py" '^peer port [0-9]+$'
    run cat "$BATS_TEST_TMPDIR/py"
    local peer="${lines[1]#peer port }"
    [ "$connected" = "connected to 127.0.0.1:$PORT from 127.0.0.1:$peer" ]
}

@test "05-connect: what the server sends is printed escaped, never raw" {
    start_bg "$BATS_TEST_TMPDIR/py" "$PYTHON" "$PEERS/send-once-server.py" \
        'b"\x1b]0;PWNED\x07\x1b[2J\r\x9b31m hi\xff\n"'
    wait_ready "$BATS_TEST_TMPDIR/py"
    bare timeout "$WAIT_LOOPBACK" "$BIN/05-connect" --port "$PORT" --timeout 5 \
        >"$BATS_TEST_TMPDIR/out" 2>&1
    # not one of the bytes that could act on a terminal, anywhere
    run "$PYTHON" -c '
import sys
data = open(sys.argv[1], "rb").read()
bad = [hex(b) for b in b"\x1b\x07\r\x9b\xff" if bytes([b]) in data]
print("raw bytes:", " ".join(bad) if bad else "none")
' "$BATS_TEST_TMPDIR/out"
    assert_output "raw bytes: none"
    run od -An -c "$BATS_TEST_TMPDIR/out"
    refute_output --partial '033'
    refute_output --partial '\a'
    refute_output --partial '\r'
    refute_output --partial '233' # 0x9b
    refute_output --partial '377' # 0xff
    run cat "$BATS_TEST_TMPDIR/out"
    assert_line '\x1b]0;PWNED\x07\x1b[2J\r\x9b31m hi\xff\n'
    assert_line "the server closed the connection: 24 bytes in all"
}

@test "05-connect: talks to nc -l" {
    local port
    port=$(free_port)
    printf 'hello from nc\n' >"$BATS_TEST_TMPDIR/in"
    timeout "$WAIT_LOOPBACK" nc -N -l 127.0.0.1 "$port" \
        <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/nc" 2>&1 3>&- 4>&- &
    SS_PIDS+=("$!")
    wait_listening "$port"
    run_lesson timeout "$WAIT_LOOPBACK" "$BIN/05-connect" --port "$port" --timeout 5
    assert_success
    assert_line --regexp "^connected to 127\.0\.0\.1:$port from 127\.0\.0\.1:[0-9]+$"
    assert_line 'hello from nc\n'
    assert_line "the server closed the connection: 14 bytes in all"
    plain && return 0
    assert_line "connect(3, 127.0.0.1:$port, 16) = 0"
    assert_line 'recv(3, "hello from nc\n", 4096, 0) = 14'
    assert_line 'recv(3, "", 4096, 0) = 0'
}

@test "05-connect: nothing listening: ECONNREFUSED at once, exit 1" {
    local port
    port=$(free_port)
    run_lesson timeout "$WAIT_LONG" "$BIN/05-connect" --port "$port" --timeout 30
    assert_failure 1
    # A refusal, not the 30 s --timeout running out (which would fail with
    # ETIMEDOUT or EINPROGRESS): no clock needed, which a busy machine
    # could break.
    assert_line "connect: Connection refused"
    refute_line --partial "connected to"
    plain && return 0
    assert_line "connect(3, 127.0.0.1:$port, 16) = -1 ECONNREFUSED (Connection refused)"
    assert_said "likely cause: nothing is listening on 127.0.0.1:$port"
    assert_output --partial "try: "
    assert_said "a refusal is an answer: connect() returned as soon as the RST came"
    assert_line "close(3) = 0"
    refute_line --regexp '^recv\('
}

@test "05-connect: a server that says nothing: recv times out, the message names the server and --timeout, exit 1" {
    start_bg "$BATS_TEST_TMPDIR/py" "$PYTHON" "$PEER" silent-server 10
    wait_ready "$BATS_TEST_TMPDIR/py"
    run_lesson timeout "$WAIT_LOOPBACK" "$BIN/05-connect" --port "$PORT" --timeout 1
    assert_failure 1
    assert_line --regexp "^connected to 127\.0\.0\.1:$PORT from "
    assert_line "the server sent nothing more and did not close within --timeout 1 s"
    plain && return 0
    assert_line "recv(3, buf, 4096, 0) = -1 EAGAIN (Resource temporarily unavailable)"
    assert_line "close(3) = 0"
}

@test "05-connect: a full accept queue: connect gives up after --timeout, the message names the server and --timeout, exit 1" {
    start_bg "$BATS_TEST_TMPDIR/py" "$PYTHON" "$PEER" full-server 10
    wait_ready "$BATS_TEST_TMPDIR/py"
    local t0 took
    t0=$(now_ms)
    run_lesson timeout "$WAIT_LOOPBACK" "$BIN/05-connect" --port "$PORT" --timeout 1
    took=$(($(now_ms) - t0))
    assert_failure 1
    # Not before its second; that it gave up by itself at all is the exit
    # status 1 (a lesson that waited on would be killed by timeout: 124).
    ((took >= 1000)) || { echo "took $took ms"; false; } # a lower bound
    assert_line "the server did not answer within --timeout 1 s (raise it with --timeout)"
    refute_line --partial "connected to"
    plain && return 0
    assert_line "setsockopt(3, SOL_SOCKET, SO_SNDTIMEO, {1 s}, 16) = 0"
    assert_line "connect(3, 127.0.0.1:$PORT, 16) = -1 EINPROGRESS (Operation now in progress)"
    assert_line "close(3) = 0"
}

@test "05-connect: SIGSTOP+SIGCONT again and again in connect(): it still gives up within --timeout" {
    start_bg "$BATS_TEST_TMPDIR/py" "$PYTHON" "$PEER" full-server 20
    wait_ready "$BATS_TEST_TMPDIR/py"
    local out="$BATS_TEST_TMPDIR/client" t0 took i client stops=0
    t0=$(now_ms)
    start_bg "$out" "$BIN/05-connect" --port "$PORT" --timeout 2
    client=$BG_PID
    # Stop and continue it every 0.2 s, 40 times: at least 8 s. Each time,
    # connect() fails with EINTR; a lesson that waited a whole --timeout
    # again after each would still be waiting when this loop ends. (No upper
    # bound in seconds: on a busy machine the lesson may get the CPU late.)
    for ((i = 0; i < 40; i++)); do
        kill -STOP "$client" 2>/dev/null || break
        sleep 0.1
        kill -CONT "$client" 2>/dev/null || break
        stops=$((stops + 1))
        sleep 0.1
    done
    ((i < 40)) || { echo "still running after 40 stops"; false; }
    wait_exit "$client" 5
    took=$(($(now_ms) - t0))
    ((stops >= 2)) || { echo "only $stops stops"; false; }
    ((took >= 2000)) || { echo "gave up after $took ms, before its --timeout"; false; } # lower bound
    [ "$EXIT_STATUS" -eq 1 ]
    run cat "$out"
    assert_line "the server did not answer within --timeout 2 s (raise it with --timeout)"
    plain && return 0
    # Each retry waited only for what was left of the 2 s.
    local n
    n=$(grep -c '^connect(3, .*) = -1 EINTR ' "$out")
    ((n >= 2)) || { echo "only $n EINTR"; false; }
    assert_line --regexp '^setsockopt\(3, SOL_SOCKET, SO_SNDTIMEO, \{[01]\.[0-9]{6} s\}, 16\) = 0$'
    refute_line --regexp '^setsockopt\(3, SOL_SOCKET, SO_SNDTIMEO, \{[2-9]\.'
    assert_line --regexp '^connect\(3, .*\) = -1 (EALREADY|EINTR|EINPROGRESS) '
    assert_output --partial "on BSD and macOS that fails"
}

@test "05-connect: bad options exit 2 with one line naming the option" {
    run "$BIN/05-connect" --port 70000
    assert_failure 2
    assert_output --partial "--port"
    run "$BIN/05-connect" --host example.org
    assert_failure 2
    assert_output --partial "--host"
    run "$BIN/05-connect" --timeout 0
    assert_failure 2
    assert_output --partial "--timeout"
    run "$BIN/05-connect" --bogus
    assert_failure 2
    assert_output "05-connect: --bogus: unknown option (see --help)"
}

@test "05-connect: --count is not an option of a client: exit 2" {
    run "$BIN/05-connect" --count 3
    assert_failure 2
    assert_output "05-connect: --count: unknown option (see --help)"
}

@test "05-connect: --help says --host and --port are the server's, and what --timeout bounds" {
    run_lesson "$BIN/05-connect" --help
    assert_success
    assert_line "usage: $BIN/05-connect [options]"
    assert_line --regexp "^  --host ADDR +the server's address \(default 127\.0\.0\.1\)$"
    assert_line --regexp "^  --port N +the server's port \(default 8888\)$"
    # (--help wraps each option's text at 78 columns)
    [[ "$(tr -s ' \n' ' ' <<<"$output")" == *"--timeout S seconds connect() and each recv() wait for the server (default 30)"* ]]
    refute_output --partial "the kernel"
    refute_output --partial "--count"
    refute_output --partial "--message"
}

@test "05-connect: time_left() is one text in every lesson that retypes it" {
    # Lessons 10, 15, 16, 17 and 19 retry connect() after EINTR as 05
    # does, each with its own copy (a lesson compiles alone): the copies
    # must not drift. From the function's first line to its closing brace
    # (the comment above it names lesson 05 in the later copies).
    local f want="" n=0
    for f in "$ROOT"/lessons/*/*.c; do
        grep -q '^static int time_left(' "$f" || continue
        run sed -n '/^static int time_left(/,/^}$/p' "$f"
        [[ "$output" == "static int time_left("*"}" ]]
        if [[ -z "$want" ]]; then want=$output; else assert_output "$want"; fi
        n=$((n + 1))
    done
    [ "$n" -eq 6 ] # 05, 10, 15 (client), 16 (client), 17 (client), 19
}

# connect_loop FILE: the loop that calls connect() again after EINTR, on
# one line, without its comments, with the names that differ from lesson
# to lesson made one (the address, the clock, the time left, the label).
connect_loop() {
    awk '/^ *for \(;;\) \{$/ {
             getline next_line
             if (next_line ~ /= connect\(/) {
                 end = $0; sub(/for.*/, "}", end); inside = 1
                 print "for (;;) {"; print next_line; next
             }
         }
         inside { print; if ($0 == end) inside = 0 }' "$1" |
        sed -E 's/^ +//; /^\/\*.*\*\/$/d; /^\/\*/,/\*\/$/d' | tr '\n' ' ' |
        sed -E 's/connect\(fd, [^;]*\);/connect(fd, ADDR);/
            s/rc = setsockopt\(([^;]*)\); if \(rc == -1\) \{/if (setsockopt(\1) == -1) {/
            s/&(t0|start),/\&START,/; s/opt(\.|->)timeout/TIMEOUT/
            s/&(wait|left)/\&LEFT/g; s/sizeof (wait|left)/sizeof LEFT/
            s/goto (next|fail);/goto FAIL;/; s/ cut = 1; / /'
}

@test "05-connect: the connect() retry after EINTR is one text in every lesson" {
    # The same lessons retype 05's loop round connect(): after EINTR it
    # connects again only for what is left of --timeout, and sets that as
    # SO_SNDTIMEO first. Names differ (a lesson's own variables, its
    # label); the steps must not. (15, 16 and 19 also note that the wait
    # was cut short: "cut = 1".)
    local f want n=0
    want='for (;;) { rc = connect(fd, ADDR); if (rc == 0 || errno != EINTR) break;'
    want+=' if (!time_left(&START, TIMEOUT, &LEFT)) break;'
    want+=' if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &LEFT, sizeof LEFT) == -1)'
    want+=' { perror("setsockopt"); goto FAIL; } } '
    for f in "$ROOT"/lessons/*/*.c; do
        grep -q '^static int time_left(' "$f" || continue
        run connect_loop "$f"
        [[ "$output" == "$want" ]] || fail "${f#"$ROOT"/}: $output"
        n=$((n + 1))
    done
    [ "$n" -eq 6 ]
}
