#!/usr/bin/env bats
# shellcheck disable=SC2153 # ROOT comes from test_helper
# scripts/capture: a lesson pair's calls and its packets on one timeline

# The longest wait inside a test here is 60 s: bats' own per-test
# limit must be longer, or that wait could never say what it waited
# for (tests/timeouts checks it).
: "${BATS_TEST_TIMEOUT:=$((90 * ${SOCKSTEP_TEST_SCALE:-1}))}"
load test_helper

CAPTURE="$ROOT/scripts/capture"

setup_file() {
    build_pair_lessons
}

need_capture() {
    [[ $EUID -eq 0 ]] || skip "capturing packets needs root (tcpdump -i lo)"
    command -v tcpdump >/dev/null || skip "tcpdump is not installed"
}

# line_of REGEX [FROM]: index of the first line of $output (after FROM)
# matching REGEX; fails if there is none.
line_of() {
    local i
    for ((i = ${2:--1} + 1; i < ${#lines[@]}; i++)); do
        if [[ "${lines[$i]}" =~ $1 ]]; then
            echo "$i"
            return 0
        fi
    done
    echo "no line matches /$1/ after line ${2:--1}" >&2
    return 1
}

@test "capture: 04: handshake before accept returns, FIN after close" {
    need_capture
    run timeout "$WAIT_LONG" "$CAPTURE" 04
    assert_success
    [[ "$output" =~ tcp\ port\ ([0-9]+) ]]
    local port="${BASH_REMATCH[1]}"

    local syn synack ack accepted
    syn=$(line_of '^ +[0-9.]+ +client -> server  SYN$')
    synack=$(line_of '^ +[0-9.]+ +server -> client  SYN-ACK$' "$syn")
    ack=$(line_of '^ +[0-9.]+ +client -> server  ACK$' "$synack")
    accepted=$(line_of '^ +[0-9.]+  server    accept returned [0-9]+$')
    local conn="${lines[$accepted]##* }" # the connection's fd
    [ "$ack" -lt "$accepted" ]
    # The handshake happens inside connect(), between its two lines.
    local connect connected
    connect=$(line_of '^ +[0-9.]+  client    connect\(3, 127\.0\.0\.1:'"$port"', 16\) called$')
    connected=$(line_of '^ +[0-9.]+  client    connect returned 0$')
    [ "$connect" -lt "$syn" ]
    [ "$ack" -lt "$connected" ]

    # The greeting is a data segment; the server's close sends its FIN.
    line_of '^ +[0-9.]+ +server -> client  PSH-ACK, 40 bytes of data$'
    local close fin
    close=$(line_of '^ +[0-9.]+  server    close\('"$conn"'\)( = 0| called)$')
    fin=$(line_of '^ +[0-9.]+ +server -> client  FIN-ACK$')
    [ "$close" -lt "$fin" ]
    # And the client's close sends the client's FIN.
    close=$(line_of '^ +[0-9.]+  client    close\(3\)( = 0| called)$')
    fin=$(line_of '^ +[0-9.]+ +client -> server  FIN-ACK$')
    [ "$close" -lt "$fin" ]

    # Nothing wider than 80 columns; tcpdump and the server are gone.
    local line
    for line in "${lines[@]}"; do
        [ "${#line}" -le 80 ]
    done
    run pgrep -f "tcpdump .*tcp port $port\$"
    assert_failure
}

@test "capture: 06: each line is a data segment under its send()" {
    need_capture
    run timeout "$WAIT_LONG" "$CAPTURE" 06
    assert_success
    local send seg
    send=$(line_of '^ +[0-9.]+  client    send\(3, "hello\\n", 6, MSG_NOSIGNAL[|A-Z_]*\)')
    seg=$(line_of '^ +[0-9.]+ +client -> server  PSH-ACK, 6 bytes of data$' "$send")
    send=$(line_of '^ +[0-9.]+  client    send\(3, "world\\n", 6, MSG_NOSIGNAL[|A-Z_]*\)' "$seg")
    line_of '^ +[0-9.]+ +client -> server  PSH-ACK, 6 bytes of data$' "$send"
    # shutdown(SHUT_WR) sends the client's FIN.
    local shut fin
    shut=$(line_of '^ +[0-9.]+  client    shutdown\(3, SHUT_WR\)')
    fin=$(line_of '^ +[0-9.]+ +client -> server  FIN-ACK$')
    [ "$shut" -lt "$fin" ]
}

@test "capture: 08: only datagrams, one under each sendto()" {
    need_capture
    run timeout "$WAIT_LONG" "$CAPTURE" 08
    assert_success
    local send dgram
    send=$(line_of '^ +[0-9.]+  sender    sendto\(3, "one", 3, 0, ')
    dgram=$(line_of '^ +[0-9.]+ +sender -> receiver  datagram, 3 bytes$' "$send")
    send=$(line_of '^ +[0-9.]+  sender    sendto\(3, "two", 3, 0, ' "$dgram")
    line_of '^ +[0-9.]+ +sender -> receiver  datagram, 3 bytes$' "$send"
    assert_output --partial "2 packets"
    refute_output --partial "SYN"
    refute_output --partial "ACK"
}

@test "capture: without root it says so and exits 1" {
    [[ $EUID -eq 0 ]] || {
        run "$CAPTURE" 04
        assert_failure 1
        assert_output --partial "needs root"
        return
    }
    command -v setpriv >/dev/null || skip "setpriv is not installed"
    need_nobody_runs "$CAPTURE"
    run setpriv --reuid=65534 --regid=65534 --clear-groups "$CAPTURE" 04
    assert_failure 1
    assert_output --partial "capturing packets needs root"
}

@test "capture: an unknown lesson or option exits 2" {
    run "$CAPTURE" 01
    assert_failure 2
    assert_output --partial "'01' is not one of 04, 06, 07, 08"
    run "$CAPTURE" --nope 04
    assert_failure 2
    assert_output "scripts/capture: --nope: unknown option (see --help)"
}

@test "capture: --keep at a file or a directory with files in it is refused before anything runs" {
    local d="$BATS_TEST_TMPDIR/kept"
    echo mine >"$BATS_TEST_TMPDIR/file"
    mkdir "$d"
    echo mine >"$d/server.txt"
    run "$CAPTURE" --keep "$BATS_TEST_TMPDIR/file" 04
    assert_failure 2
    assert_output "scripts/capture: --keep: expected a new or empty directory, got '$BATS_TEST_TMPDIR/file', which is not a directory (see --help)"
    run "$CAPTURE" --keep "$d" 04
    assert_failure 2
    assert_output "scripts/capture: --keep: expected a new or empty directory, got '$d', which has files in it already (see --help)"
    # Neither was written to.
    run cat "$BATS_TEST_TMPDIR/file" "$d/server.txt"
    assert_output $'mine\nmine'
    run ls "$d"
    assert_output "server.txt"
}

@test "capture: --keep DIR, new or empty, keeps every output file there" {
    need_capture
    local new="$BATS_TEST_TMPDIR/new/kept" empty="$BATS_TEST_TMPDIR/empty" d
    mkdir "$empty"
    for d in "$new" "$empty"; do
        run "$CAPTURE" --keep "$d" --timeout 5 04
        assert_success
        run ls "$d"
        assert_output $'client.txt\nevents.txt\npackets.txt\nserver.txt\ntcpdump.txt\ntimeline.txt'
        run grep -c '^listening on ' "$d/server.txt"
        assert_output 1
    done
}

# in_order PAIR TEXT: TEXT, the output of scripts/capture PAIR, shows no
# result before it existed (tests/capture-order says what that means).
in_order() {
    printf '%s\n' "$2" >"$BATS_TEST_TMPDIR/timeline"
    run "$PYTHON" "$ROOT/tests/capture-order" "$1" "$BATS_TEST_TMPDIR/timeline"
    assert_success
    assert_output --regexp 'calls checked: ok$'
}

@test "capture: every result is after its call started and after the peer's action it needs" {
    need_capture
    local pair
    for pair in 04 06 08; do
        run timeout "$WAIT_LONG" "$CAPTURE" "$pair"
        assert_success
        # (On an 80-column terminal, every line fits.)
        local line
        for line in "${lines[@]}"; do
            ((${#line} <= 79)) || fail "$pair: wider than 79 columns: $line"
        done
        in_order "$pair" "$output"
    done
}

@test "capture: the order check finds a result shown before its cause" {
    # The timeline as it was before the fix: accept() and recv() printed
    # whole at the time they were called, results and all.
    cat >"$BATS_TEST_TMPDIR/accept" <<'TIMELINE'
    0.000  server    socket(AF_INET, SOCK_STREAM, 0) = 3
    0.471  server    accept(3, 127.0.0.1:44588, 16) = 4
  114.292  client    socket(AF_INET, SOCK_STREAM, 0) = 3
  114.400  client    connect(3, 127.0.0.1:8888, 16) called
  114.500              client -> server  SYN
  114.510              server -> client  SYN-ACK
  114.520              client -> server  ACK
  114.600  client    connect returned 0
  115.000  client    close(3) = 0
  116.000  server    close(4) = 0
TIMELINE
    run "$PYTHON" "$ROOT/tests/capture-order" 04 "$BATS_TEST_TMPDIR/accept"
    assert_failure 1
    assert_output --partial "accept() returned at"
    assert_output --partial "before the client's connect() started"
    cat >"$BATS_TEST_TMPDIR/recv" <<'TIMELINE'
    0.100  server    accept(3, &addr, &len) called
    1.000  client    connect(3, 127.0.0.1:8888, 16) called
    1.100  client    connect returned 0
    1.200  server    accept returned 4
    1.300  server    recv(4, "hello\n", 4096, 0) = 6
    2.000  client    send(3, "hello\n", 6, MSG_NOSIGNAL) called
    2.050              client -> server  PSH-ACK, 6 bytes of data
    2.100  client    send returned 6
TIMELINE
    run "$PYTHON" "$ROOT/tests/capture-order" 06 "$BATS_TEST_TMPDIR/recv"
    assert_failure 1
    assert_output --partial "6 bytes received in all by"
    # And a call whose result comes after another line of the same program.
    cat >"$BATS_TEST_TMPDIR/interleaved" <<'TIMELINE'
    0.100  sender    sendto(3, "one", 3, 0, 127.0.0.1:9999, 16) called
    0.200  sender    close(3) = 0
    0.300  sender    sendto returned 3
TIMELINE
    run "$PYTHON" "$ROOT/tests/capture-order" 08 "$BATS_TEST_TMPDIR/interleaved"
    assert_failure 1
    assert_output --partial "sender: sendto() was called"
}

@test "capture: a line too long for 79 columns goes on below it, and nothing is cut" {
    local long x63
    long='recvfrom(3, "an eighty-character line of text sent in one datagram, to see it wrap", 512, MSG_TRUNC, 127.0.0.1:40000, 16) = 70'
    x63=$(printf 'x%.0s' {1..63})
    {
        printf 'call\t1.000\t1.500\tsender\t%s = 63\t%s\n' \
            "sendto(3, \"$x63\", 63, 0, 127.0.0.1:40000, 16)" \
            "sendto(3, \"$x63\", 63, 0, 127.0.0.1:40000, 16)"
        printf 'packet\t1.100\t1.100\tpacket\t%s\t\n' \
            "sender -> receiver  datagram, 63 bytes"
        printf 'call\t2.000\t2.001\treceiver\t%s\t\n' "$long"
    } >"$BATS_TEST_TMPDIR/events"
    run bash -c "awk -F '\t' -f '$ROOT/scripts/lib/timeline.awk' \
        '$BATS_TEST_TMPDIR/events' | sort -t \"\$(printf '\t')\" -k1,1n -k2,2n |
        cut -f3- | tr '\001' '\n'"
    assert_success
    local line i=0 r=-1
    for line in "${lines[@]}"; do
        ((${#line} <= 79)) || fail "wider than 79 columns: $line"
        [[ "$line" == *"  receiver  "* ]] && r=$i
        i=$((i + 1))
    done
    refute_output --partial "..."
    # The sender's call, with the packet sent inside it, then its result.
    assert_line --index 0 --regexp '^ +0\.000  sender    sendto\(3, "x+$'
    assert_line --regexp '^ +100\.000 +sender -> receiver  datagram, 63 bytes$'
    assert_line --regexp '^ +500\.000  sender    sendto returned 63$'
    # The receiver's line in pieces; put together, they are the whole line.
    [[ "${lines[$r]}" =~ ^\ +1000\.000\ \ receiver\ \ (.*)$ ]]
    local joined=${BASH_REMATCH[1]}
    i=$((r + 1))
    while ((i < ${#lines[@]})) && [[ "${lines[$i]}" =~ ^\ {23}([^ ].*)$ ]]; do
        joined+=${BASH_REMATCH[1]}
        i=$((i + 1))
    done
    ((i >= r + 2))
    [ "$joined" = "$long" ]
    # And the order check reads the pieces as one line.
    printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/timeline"
    run "$PYTHON" "$ROOT/tests/capture-order" 08 "$BATS_TEST_TMPDIR/timeline"
    assert_success
    assert_output --regexp '^4 lines, 2 calls checked: ok$'
}

@test "capture: finds nft in /usr/sbin, which an ordinary user's PATH lacks" {
    [[ -x /usr/sbin/nft ]] || skip "no /usr/sbin/nft (./install-deps installs nftables)"
    # Debian's PATH for a user without root: no /usr/sbin. Programs that
    # do not exist: capture gets past its check for nft, and no further.
    PATH=/usr/local/bin:/usr/bin:/bin run timeout "$WAIT_SHORT" "$CAPTURE" \
        --drop-datagram three -- /nonexistent/server '{port}' \
        -- /nonexistent/client '{port}'
    assert_failure 1
    refute_output --partial "nft is not installed"
    assert_output --partial "/nonexistent/server: no such file"
}
