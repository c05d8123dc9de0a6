#!/usr/bin/env bats
# shellcheck disable=SC2153 # ROOT comes from test_helper
# scripts/capture --picture: each chart's arrows are the packets tcpdump
# saw and its boxes the narrated calls (tests/picture-check), and the
# check fails when one is left out.

# The longest wait inside a test here is 60 s: bats' own per-test
# limit must be longer (tests/timeouts checks it), and room for a busy
# machine besides (the tmux demo's test took 47 s on a loaded CI run).
: "${BATS_TEST_TIMEOUT:=$((180 * ${SOCKSTEP_TEST_SCALE:-1}))}"
load test_helper

CAPTURE="$ROOT/scripts/capture"
CHECK="$ROOT/tests/picture-check"

teardown() {
    # The directory the test as nobody made outside its own (see there).
    if [[ -n "${NOBODY_DIR:-}" && -d "$NOBODY_DIR" ]]; then
        rm -rf "$NOBODY_DIR"
    fi
    # The demo's private tmux server, if a test left it running.
    tmux -L "sockstep-picture-$$" kill-server 2>/dev/null || true
    kill_all_bg
}

setup_file() {
    build_pair_lessons
    make -s -C "$ROOT" build/07-close build/libsockstep.so >&2
}

need_mscgen() {
    command -v mscgen >/dev/null || skip "mscgen is not installed"
    command -v rsvg-convert >/dev/null || skip "rsvg-convert is not installed"
    command -v tcpdump >/dev/null || skip "tcpdump is not installed"
}

need_root() {
    [[ $EUID -eq 0 ]] || skip "capturing a pair's packets needs root"
}

# A network namespace of one's own: as root, or in a user namespace.
need_netns() {
    if [[ $EUID -eq 0 ]]; then
        need_unshare -n
    else
        unshare --user --net --map-user="$(id -u)" --keep-caps true \
            2>/dev/null || skip "user namespaces are not allowed here"
    fi
}

# picture RUN ARGS...: scripts/capture --keep $D/RUN --picture
# $D/RUN.svg --picture $D/RUN.pdf ARGS; sets PORT, the server's port.
picture() {
    local name="$1"
    shift
    D="$BATS_TEST_TMPDIR"
    run timeout "$WAIT_LONG" "$CAPTURE" --keep "$D/$name" \
        --picture "$D/$name.svg" --picture "$D/$name.pdf" \
        --picture "$D/$name.txt" "$@"
    assert_success
    CAPTURED=$output
    [[ "$output" =~ port\ ([0-9]+) ]]
    PORT=${BASH_REMATCH[1]}
    # A real SVG and a real PDF, and the chart's text kept.
    run head -c 5 "$D/$name.pdf"
    assert_output "%PDF-"
    run grep -c '<svg' "$D/$name.svg"
    assert_output 1
    [ -s "$D/$name/picture.msc" ]
    # The chart in words tells each arrow.
    local arrows
    arrows=$(grep -c -E ' (->|-x) ' "$D/$name/picture.msc")
    run cat "$D/$name.txt"
    assert_output --regexp "^A sequence chart of a real run, one lane for each of: .*\. $arrows packets?, in order: "
    # The chart with each label on one line: a box's label is broken
    # after a space, which the break leaves out; put back here.
    sed 's/\\n/ /g' "$D/$name/picture.msc" >"$D/$name.flat"
}

# check RUN NAME=FILE...: tests/picture-check on RUN's kept files; FILE is
# a file of the kept directory.
check() {
    local k="$D/$1" a args=()
    shift
    for a in "$@"; do
        args+=("${a%%=*}=$k/${a#*=}")
    done
    run "$PYTHON" "$CHECK" "$PORT" "${CHART:-$k/picture.msc}" \
        "$k/packets.txt" "${args[@]}"
}

# leave_out RUN KIND N: RUN's chart with its Nth arrow (KIND " (->|-x) ",
# a regular expression) or box (KIND " box ") left out, as
# $D/left-out.msc.
leave_out() {
    awk -v kind="$2" -v n="$3" '$0 ~ kind && ++seen == n { next } 1' \
        "$D/$1/picture.msc" >"$D/left-out.msc"
    run diff "$D/$1/picture.msc" "$D/left-out.msc"
    assert_failure 1
    assert_line --regexp "^< "
}

# the_check_catches RUN NAME=FILE...: the check passes on RUN's chart,
# and fails on it with its second arrow, its last arrow, or its fourth
# box left out, and with two arrows swapped.
the_check_catches() {
    local r="$1" last
    shift
    CHART="" check "$r" "$@"
    assert_success
    assert_output --regexp ': ok$'
    last=$(grep -c -E ' (->|-x) ' "$D/$r/picture.msc")
    ((last >= 2))
    leave_out "$r" " (->|-x) " 2
    CHART="$D/left-out.msc" check "$r" "$@"
    assert_failure 1
    assert_output --partial "$((last - 1)) arrows, but tcpdump saw $last packets"
    leave_out "$r" " (->|-x) " "$last"
    CHART="$D/left-out.msc" check "$r" "$@"
    assert_failure 1
    assert_output --partial "arrows, but tcpdump saw $last packets"
    leave_out "$r" " box " 4
    CHART="$D/left-out.msc" check "$r" "$@"
    assert_failure 1
    assert_output --regexp 'calls drawn, but [0-9]+ narrated'
    # The first arrow drawn the other way.
    sed -E '0,/ (->|-x) / s/^  ([cs][0-9]+) (->|-x) ([cs][0-9]+) /  \3 \2 \1 /' \
        "$D/$r/picture.msc" >"$D/turned.msc"
    run diff "$D/$r/picture.msc" "$D/turned.msc"
    assert_failure 1
    CHART="$D/turned.msc" check "$r" "$@"
    assert_failure 1
    assert_output --regexp '(^|
)arrow 1 is '
}

@test "picture: 04: arrows are tcpdump's packets, boxes the calls; a packet or a call left out is caught" {
    need_mscgen
    need_root
    picture 04 04
    # accept() waits through the handshake: called before the SYN, its
    # result after the ACK; the server's end listens before.
    run grep -E -e 'label="(SYN|SYN-ACK|ACK|LISTEN)"|label="accept\(' \
        "$D/04.flat"
    assert_line --index 0 --regexp '^  s[0-9]+ abox s[0-9]+ \[label="LISTEN"'
    assert_line --index 1 --regexp '^  s[0-9]+ box s[0-9]+ \[label="accept\(3, &addr, &len\) called"'
    assert_line --index 2 --regexp '^  c[0-9]+ -> s[0-9]+ \[label="SYN"'
    assert_line --index 3 --regexp '^  s[0-9]+ -> c[0-9]+ \[label="SYN-ACK"'
    assert_line --index 4 --regexp '^  c[0-9]+ -> s[0-9]+ \[label="ACK"'
    assert_line --index 5 --regexp '^  s[0-9]+ box s[0-9]+ \[label="accept\(3, (127\.0\.0\.1:[0-9]+, )?\.\.\.\) = 4"'
    the_check_catches 04 server=server.txt client=client.txt
}

@test "picture: 06: each line's segment, and the client's FIN after shutdown()" {
    need_mscgen
    need_root
    picture 06 06
    run grep -c -E 'c[0-9]+ -> s[0-9]+ \[label="PSH-ACK, 6 bytes"' \
        "$D/06.flat"
    assert_output 2
    run grep -n -E 'shutdown\(3, SHUT_WR\)|c[0-9]+ -> s[0-9]+ \[label="FIN-ACK"' \
        "$D/06.flat"
    assert_line --index 0 --partial 'shutdown(3, SHUT_WR)'
    assert_line --index 1 --partial 'FIN-ACK'
    the_check_catches 06 server=server.txt client=client.txt
}

@test "picture: 08: two datagrams, sender to receiver, and no state" {
    need_mscgen
    need_root
    picture 08 08
    run grep -c -E 'c[0-9]+ -> s[0-9]+ \[label="datagram, 3 bytes"' \
        "$D/08.flat"
    assert_output 2
    run grep -c 'abox' "$D/08.flat"
    assert_output 0
    the_check_catches 08 receiver=server.txt sender=client.txt
}

@test "picture: 07: both ends of one program, its three connections, the RST" {
    need_mscgen
    need_netns
    picture 07 07
    # Two lanes, the client end on the left; three connections.
    run grep -E '^  c[0-9]+ \[label=' "$D/07.flat"
    assert_output --regexp 'c[0-9]+ \[label="07-close client end"\], s[0-9]+ \[label="07-close server end"\]'
    run grep -c 'label="SYN"' "$D/07.flat"
    assert_output 3
    run grep -c -E '^  --- \[label="connection [123]:' "$D/07.flat"
    assert_output 3
    # close() with data unread sends the RST, in red, and the client's
    # recv() fails with ECONNRESET. close() never waits (no SO_LINGER
    # here): one box, with its result, above the RST it sends.
    run grep -A 3 -B 1 'label="RST-ACK"' "$D/07.flat"
    assert_line --index 0 --regexp '^  s[0-9]+ box s[0-9]+ \[label="close\(5\) = 0"'
    assert_line --index 1 --regexp '^  s[0-9]+ -> c[0-9]+ \[label="RST-ACK".*linecolour="red"'
    # (a box keeps the arguments that teach: recv(4, buf, 64, 0) is
    # "recv(4, ...)" there, the transcript has the rest)
    assert_output --partial 'recv(4, ...) = -1 ECONNRESET'
    # States from the narration's kernel: lines, where they change. The
    # end that closed first is in FIN_WAIT1 until the peer's ACK comes,
    # FIN_WAIT2 after: which one the narration saw right after close()
    # depends on how busy the machine is (FIN_WAIT2 seen on a loaded run).
    run grep -o -E 'abox [cs][0-9]+ \[label="[A-Z_0-9]+"' "$D/07.flat"
    assert_output --regexp 'FIN_WAIT[12]'
    assert_output --partial 'CLOSE_WAIT'
    assert_output --partial 'TIME_WAIT'
    the_check_catches 07 07-close=server.txt
    # Its fourth part alone (connection 3), as the book takes it: one
    # handshake, the RST, and no other part's heading.
    run "$PYTHON" "$ROOT/scripts/lib/picture.py" --section 4 --port "$PORT" \
        --out "$D/07-4.msc" 07-close="$D/07/server.txt" "$D/07/packets.txt"
    assert_success
    run grep -E '^  --- |label="(SYN|RST-ACK)"' "$D/07-4.msc"
    assert_line --index 0 --partial '--- [label="connection 3: '
    assert_line --index 1 --partial 'label="SYN"'
    assert_line --index 2 --partial 'label="RST-ACK"'
    assert_equal "${#lines[@]}" 3
    run "$PYTHON" "$ROOT/scripts/lib/picture.py" --section 6 --port "$PORT" \
        07-close="$D/07/server.txt" "$D/07/packets.txt"
    assert_failure
    assert_output "picture.py: --section 6: the run has 5 headings"
}

@test "picture: a segment seen twice is marked retransmitted, and still matches its packet" {
    local d="$BATS_TEST_TMPDIR"
    cat >"$d/server.txt" <<'EOF'
[1000.000000 -] accept(3, &addr, &len)
[1000.000000 1000.100000] accept(3, 127.0.0.1:5000, 16) = 4
[1000.200000 -] recv(4, buf, 64, 0)
[1000.200000 1000.500000] recv(4, "hi\n", 64, 0) = 3
EOF
    cat >"$d/client.txt" <<'EOF'
[1000.110000 -] send(3, "hi\n", 3, MSG_NOSIGNAL)
[1000.110000 1000.110100] send(3, "hi\n", 3, MSG_NOSIGNAL) = 3
EOF
    cat >"$d/packets.txt" <<'EOF'
1000.120000 IP 127.0.0.1.5000 > 127.0.0.1.8888: Flags [P.], seq 1:4, ack 1, win 512, length 3
1000.320000 IP 127.0.0.1.5000 > 127.0.0.1.8888: Flags [P.], seq 1:4, ack 1, win 512, length 3
1000.320100 IP 127.0.0.1.8888 > 127.0.0.1.5000: Flags [.], ack 4, win 512, length 0
EOF
    run "$PYTHON" "$ROOT/scripts/lib/picture.py" --port 8888 \
        --out "$d/chart.msc" server="$d/server.txt" client="$d/client.txt" \
        "$d/packets.txt"
    assert_success
    run grep -E -e ' -> ' "$d/chart.msc"
    assert_line --index 0 --regexp '^  c[0-9]+ -> s[0-9]+ \[label="PSH-ACK, 3 bytes", id="[0-9.]+ ms"\];$'
    assert_line --index 1 --regexp '^  c[0-9]+ -> s[0-9]+ \[label="PSH-ACK, 3 bytes \(retransmitted\)".*linecolour="red"'
    assert_line --index 2 --regexp '^  s[0-9]+ -> c[0-9]+ \[label="ACK"'
    # recv() waited while the packets came: as called, and as returned.
    run grep -c 'recv(4, buf, 64, 0) called' "$d/chart.msc"
    assert_output 1
    run "$PYTHON" "$CHECK" 8888 "$d/chart.msc" "$d/packets.txt" \
        server="$d/server.txt" client="$d/client.txt"
    assert_success
    assert_output --partial "3 packets, 3 arrows: ok"
}

@test "picture: a child serves the connection even when its parent's close() is told before the child's first line" {
    local d="$BATS_TEST_TMPDIR"
    # The parent's lines first, close(4) included; then the child's, which
    # uses the fd 4 it got at fork().
    cat >"$d/server.txt" <<'EOF'
[1000.000000 -] accept(3, &addr, &len)
[1000.000000 1000.100000] accept(3, 127.0.0.1:5000, 16) = 4
[1000.200000 -] fork()
[1000.200000 1000.210000] fork() = 77
[1000.220000 -] close(4)
[1000.220000 1000.230000] close(4) = 0
[child 77] [1000.205000 -] fork()
[child 77] [1000.205000 1000.205000] fork() = 0
[child 77] [1000.300000 -] send(4, "hi\n", 3, MSG_NOSIGNAL)
[child 77] [1000.300000 1000.310000] send(4, "hi\n", 3, MSG_NOSIGNAL) = 3
EOF
    echo '1000.305000 IP 127.0.0.1.8888 > 127.0.0.1.5000: Flags [P.], seq 1:4, ack 1, win 512, length 3' \
        >"$d/packets.txt"
    run "$PYTHON" "$ROOT/scripts/lib/picture.py" --port 8888 \
        --out "$d/chart.msc" server="$d/server.txt" "$d/packets.txt"
    assert_success
    run grep -E '^  [cs][0-9]+ (\[|->)' "$d/chart.msc"
    # The client was not narrated: a lane of its own says so.
    assert_line --index 0 '  c0 [label="a peer\n(not narrated)"], s1 [label="server"], s2 [label="server [pid 77]"];'
    assert_line --index 1 '  s2 -> c0 [label="PSH-ACK, 3 bytes", id="305.000 ms"];'
}

@test "picture: two states of one end keep the order they were read in" {
    local d="$BATS_TEST_TMPDIR"
    # The server reads FIN_WAIT1 after its close(4), but makes its next
    # call only after the client's close(3), whose narration reads the
    # server's end in TIME_WAIT. Drawn at the server's next call, the
    # FIN_WAIT1 once stood below the TIME_WAIT (lesson 04's picture).
    cat >"$d/server.txt" <<'EOF'
[1000.000000 -] accept(3, &addr, &len)
[1000.000000 1000.100000] accept(3, 127.0.0.1:5000, 16) = 4
[1000.200000 -] close(4)
[1000.200000 1000.210000] close(4) = 0
    kernel: tcp 127.0.0.1:8888 -> 127.0.0.1:5000 FIN_WAIT1, its FIN not yet acknowledged by the peer (from /proc/net/tcp)
[1000.900000 -] accept(3, &addr, &len)
EOF
    cat >"$d/client.txt" <<'EOF'
[1000.050000 -] connect(3, 127.0.0.1:8888, 16)
[1000.050000 1000.060000] connect(3, 127.0.0.1:8888, 16) = 0
[1000.500000 -] close(3)
[1000.500000 1000.510000] close(3) = 0
    kernel: the peer's end: tcp 127.0.0.1:8888 -> 127.0.0.1:5000 TIME_WAIT, a record no descriptor owns (from /proc/net/tcp)
EOF
    cat >"$d/packets.txt" <<'EOF'
1000.205000 IP 127.0.0.1.8888 > 127.0.0.1.5000: Flags [F.], seq 1, ack 1, win 512, length 0
1000.505000 IP 127.0.0.1.5000 > 127.0.0.1.8888: Flags [F.], seq 1, ack 2, win 512, length 0
1000.506000 IP 127.0.0.1.8888 > 127.0.0.1.5000: Flags [.], ack 2, win 512, length 0
EOF
    run "$PYTHON" "$ROOT/scripts/lib/picture.py" --port 8888 \
        --out "$d/chart.msc" server="$d/server.txt" client="$d/client.txt" "$d/packets.txt"
    assert_success
    run grep -o -E 'label="(FIN_WAIT1|TIME_WAIT|FIN-ACK)"' "$d/chart.msc"
    assert_output 'label="FIN-ACK"
label="FIN_WAIT1"
label="FIN-ACK"
label="TIME_WAIT"'
}

@test "picture: no text touches a line: a box of two or three lines is taller, an arrow clear of its label" {
    # mscgen sizes text by a 9 px font with nothing under the line: a
    # box of two lines is as tall as one of one, its lines on its
    # borders; an arrow runs through its label's commas, a "(dropped)"
    # under it touching it (scripts/lib/picture-svg.py).
    command -v mscgen >/dev/null || skip "mscgen is not installed"
    local d="$BATS_TEST_TMPDIR" raw_h tidy_h
    cat >"$d/c.msc" <<'MSC'
msc {
  hscale="0.75", arcgradient="0";
  c1 [label="client\n05-connect"], s1 [label="server\n04-accept"];
  --- [label="connection 1"];
  s1 box s1 [label="listen(3, 5) = 0"];
  s1 abox s1 [label="LISTEN", textbgcolour="#e8f0ff"];
  c1 box c1 [label="socket(AF_INET, SOCK_STREAM,\n...) = 3"];
  c1 -> s1 [label="SYN", id="1.000 ms"];
  s1 -> c1 [label="PSH-ACK, 40 bytes", id="2.000 ms"];
  c1 -x s1 [label="datagram, 5 bytes\n(dropped)", id="3.000 ms", linecolour="red"];
  s1 box s1 [label="recvfrom(3, ...) called,\nnot returned when the run\nended"];
  c1 box c1 [label="close(3) = 0"];
}
MSC
    mscgen -T svg -o "$d/raw.svg" "$d/c.msc"
    # As mscgen drew it, the check finds the lines on the text.
    run "$PYTHON" "$PEERS/picture-text-room.py" "$d/raw.svg"
    assert_failure 1
    assert_output --partial "'...) = 3'"
    assert_output --partial "'PSH-ACK, 40 bytes'"
    assert_output --partial "'(dropped)'"
    assert_output --partial "'ended'"
    cp "$d/raw.svg" "$d/chart.svg"
    run "$PYTHON" "$ROOT/scripts/lib/picture-svg.py" "$d/chart.svg"
    assert_success
    run "$PYTHON" "$PEERS/picture-text-room.py" "$d/chart.svg"
    assert_success
    assert_output ''
    # The same texts, in the same order; the chart taller, as wide.
    diff <(sed -n '/^<text/,/^<\/text>/{/^</!p;}' "$d/raw.svg" | grep .) \
        <(sed -n '/^<text/,/^<\/text>/{/^</!p;}' "$d/chart.svg" | grep .)
    raw_h=$(grep -o 'viewBox="0 0 450 [0-9]*"' "$d/raw.svg" | grep -o '[0-9]*"$' | tr -d '"')
    tidy_h=$(grep -o 'viewBox="0 0 450 [0-9]*"' "$d/chart.svg" | grep -o '[0-9]*"$' | tr -d '"')
    ((raw_h > 0 && tidy_h > raw_h))
    # rsvg-convert, which makes the PDF and the PNG, still reads it.
    if command -v rsvg-convert >/dev/null; then
        rsvg-convert -f pdf -o "$d/chart.pdf" "$d/chart.svg"
        [ -s "$d/chart.pdf" ]
    fi
}

@test "picture: --picture refuses a file that exists, or a name it cannot draw, before anything runs" {
    echo mine >"$BATS_TEST_TMPDIR/taken.svg"
    run "$CAPTURE" --picture "$BATS_TEST_TMPDIR/taken.svg" 04
    assert_failure 2
    assert_output "scripts/capture: --picture: '$BATS_TEST_TMPDIR/taken.svg' exists already; name a new file (see --help)"
    run cat "$BATS_TEST_TMPDIR/taken.svg"
    assert_output mine
    run "$CAPTURE" --picture "$BATS_TEST_TMPDIR/run.gif" 04
    assert_failure 2
    assert_output --partial "--picture: expected a name ending in .svg, .pdf, .png, .msc or .txt, got"
}

# A student's own pair: tests/students' echo server (C) and echo client
# (Python), narrated by scripts/narrate, in a namespace of their own.
# own_pair [DIR]: the server built in DIR (default: the test's own).
own_pair() {
    local dir=${1:-$BATS_TEST_TMPDIR}
    cc -o "$dir/echo-good" "$ROOT/tests/students/echo-good.c"
    OWN=(-- "$dir/echo-good" '{port}'
        -- "$PYTHON" "$ROOT/tests/students/echo-client-good.py" '{host}' '{port}')
}

@test "picture: a student's own server and client, each narrated, in a namespace of their own" {
    need_mscgen
    need_netns
    own_pair
    picture own --input $'hello\nworld\n' "${OWN[@]}"
    output=$CAPTURED
    assert_output --partial "echo-good and python3 echo-client-good.py over the loopback of a network namespace"
    run grep -E '^  c[0-9]+ \[label=' "$D/own.flat"
    assert_output --regexp 'c[0-9]+ \[label="client python3 echo-client-good.py"\], s[0-9]+ \[label="server echo-good"\]'
    # The two lines go and come back: four segments of 6 bytes.
    run grep -c -E '\[label="PSH-ACK, 6 bytes"' "$D/own.flat"
    assert_output 4
    # The server serves on: it was stopped waiting in accept() for the
    # next client, and the chart says so.
    run grep -c -E '^  s[0-9]+ box s[0-9]+ \[label="accept\(3, NULL, NULL\) called, not returned when the run ended"' "$D/own.flat"
    assert_output 1
    the_check_catches own server=server.txt client=client.txt
}

@test "picture: an ordinary user draws a pair of their own, where user namespaces are allowed" {
    need_mscgen
    [[ $EUID -eq 0 ]] || skip "this test turns root into nobody (setpriv)"
    command -v setpriv >/dev/null || skip "setpriv is not installed"
    local as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    "${as_nobody[@]}" unshare --user --net --map-user=65534 --keep-caps true \
        2>/dev/null || skip "user namespaces are not allowed here"
    # A directory nobody can reach: the test's own is root's alone. It is
    # removed in teardown.
    NOBODY_DIR=$(mktemp -d "${TMPDIR:-/tmp}/sockstep-picture.XXXXXX")
    local d=$NOBODY_DIR
    chmod 777 "$d"
    own_pair "$d"
    chmod 755 "$d/echo-good"
    run timeout "$WAIT_LONG" "${as_nobody[@]}" env HOME="$d" "$CAPTURE" \
        --keep "$d/kept" --picture "$d/own.svg" --input $'hi\n' "${OWN[@]}"
    assert_success
    run stat -c %U "$d/own.svg"
    assert_output nobody
    local port
    port=$(grep -o -E ':[0-9]+, [0-9]+\) = 0' "$d/kept/server.txt" | head -n 1 | grep -o -E '^:[0-9]+' | tr -d :)
    run "$PYTHON" "$CHECK" "$port" "$d/kept/picture.msc" \
        "$d/kept/packets.txt" server="$d/kept/server.txt" \
        client="$d/kept/client.txt"
    assert_success
    assert_output --regexp ': ok$'
    # The programs have none of the capabilities the namespace's tools
    # keep: a client that prints its own, and connects once.
    printf '%s\n' 'import socket, sys' \
        'for l in open("/proc/self/status"):' \
        '    if l.startswith(("CapEff", "CapAmb")): print(l.strip())' \
        'socket.create_connection(("127.0.0.1", int(sys.argv[1]))).close()' \
        >"$d/caps.py"
    chmod 644 "$d/caps.py"
    run timeout "$WAIT_LONG" "${as_nobody[@]}" env HOME="$d" "$CAPTURE" \
        --keep "$d/caps" "${OWN[@]:0:3}" -- "$PYTHON" "$d/caps.py" '{port}'
    assert_success
    run cat "$d/caps/client-output.txt"
    assert_line --regexp $'^CapEff:\t0+$'
    assert_line --regexp $'^CapAmb:\t0+$'
}

@test "picture: -- with no command, --input with no client, or LESSON and -- together exit 2" {
    run "$CAPTURE" --
    assert_failure 2
    assert_output "scripts/capture: --: expected a command after it (see --help)"
    run "$CAPTURE" --input hi -- ./server '{port}'
    assert_failure 2
    assert_output --partial "--input: only for a CLIENT of your own"
    run "$CAPTURE" 04 -- ./server '{port}'
    assert_failure 2
    assert_output --partial "04: a LESSON or commands after --, not both"
}

@test "picture: lesson 12's child gets a lane of its own, and the packets of the connection it serves" {
    need_mscgen
    need_netns
    make -s -C "$ROOT" build/12-fork-server >&2
    picture 12 --input $'hi\n' -- "$ROOT/build/12-fork-server" --port '{port}' \
        --count 1 -- "$ROOT/build/06-send-recv-client" --port '{port}'
    # The timeline shows the child's calls too, by its pid.
    output=$CAPTURED
    assert_output --regexp $'\n +[0-9.]+  \\[[0-9]+\\] +fork(\\(\\) = 0| returned 0)\n'
    # Three lanes: the client, the server, its child (named by its pid).
    run grep -E '^  c[0-9]+ \[label=' "$D/12.flat"
    assert_output --regexp '^  (c[0-9]+) \[label="client 06-send-recv-client"\], (s[0-9]+) \[label="server 12-fork-server"\], (s[0-9]+) \[label="server \[pid [0-9]+\] 12-fork-server"\];$'
    [[ "$output" =~ (s[0-9]+)\ \[label=\"server\ \[pid ]]
    local child=${BASH_REMATCH[1]}
    # The child's fork() = 0 and its echo: its send() and the data it
    # sends, from its lane; the parent's accept() before.
    run grep -E "^  $child box $child \\[label=\"fork\\(\\) = 0\"" "$D/12.flat"
    assert_success
    run grep -E "^  $child -> c[0-9]+ \\[label=\"PSH-ACK, 3 bytes\"" "$D/12.flat"
    assert_success
    the_check_catches 12 server=server.txt client=client.txt
}

@test "picture: --loss: each datagram is either received or drawn as dropped by the firewall" {
    need_mscgen
    need_netns
    command -v nft >/dev/null || skip "nft is not installed"
    local input="" i
    for ((i = 1; i <= 12; i++)); do
        input+="line $i"$'\n'
    done
    # At 60%, all 12 get through once in 60000 runs.
    picture loss --loss 60 --input "$input" -- "$ROOT/build/08-udp-receiver" \
        --port '{port}' --timeout 5 -- "$ROOT/build/09-udp-sender" --port '{port}'
    local received dropped logged
    received=$(grep -c -E '^\[[0-9.]+ [0-9.]+\] recvfrom\(3, "line' "$D/loss/server.txt")
    dropped=$(grep -c -E '^  c[0-9]+ -x s[0-9]+ \[label="datagram, [0-9]+ bytes\\n\(dropped\)\\n[0-9]+\.[0-9]{3} ms".*linecolour="red"' "$D/loss/picture.msc")
    logged=$(grep -c '^[0-9]' "$D/loss/dropped.txt")
    # All 12 were on the wire; each one the firewall logged is drawn lost;
    # and the others reached recvfrom().
    run grep -c -E ' (->|-x) ' "$D/loss/picture.msc"
    assert_output 12
    assert_equal "$dropped" "$logged"
    assert_equal "$((received + dropped))" 12
    ((dropped >= 1))
    # The timeline says so too.
    output=$CAPTURED
    assert_output --partial "--loss 60: the namespace's firewall dropped $logged of the packets"
    run grep -c 'sender -> receiver  datagram, [0-9]* bytes, dropped$' <<<"$CAPTURED"
    assert_output "$dropped"
    the_check_catches loss receiver=server.txt sender=client.txt
}

@test "picture: --drop-datagram: the datagram that begins with the text is dropped, every run, and no other" {
    need_mscgen
    need_netns
    command -v nft >/dev/null || skip "nft is not installed"
    # "three" and "threefold" begin with it; "a three" does not.
    picture drop --drop-datagram three \
        --input $'one\nthree\nfour\nthreefold\na three\n' \
        -- "$ROOT/build/08-udp-receiver" --port '{port}' --timeout 5 \
        -- "$ROOT/build/09-udp-sender" --port '{port}'
    # The receiver read the other three, in order, and only those.
    run grep -o -E '^\[[0-9.]+ [0-9.]+\] recvfrom\(3, "[^"]*"' "$D/drop/server.txt"
    assert_output --regexp '"one"'$'\n''.*"four"'$'\n''.*"a three"$'
    assert_equal "${#lines[@]}" 3
    # The chart: five datagrams, the second and the fourth (5 and 9
    # bytes) drawn dropped, in red, each with its time on a line of its
    # own under "(dropped)"; the firewall logged just those two.
    run grep -E ' (->|-x) ' "$D/drop/picture.msc"
    assert_equal "${#lines[@]}" 5
    assert_line --index 0 --regexp '^  c[0-9]+ -> s[0-9]+ \[label="datagram, 3 bytes"'
    assert_line --index 1 --regexp '^  c[0-9]+ -x s[0-9]+ \[label="datagram, 5 bytes\\n\(dropped\)\\n[0-9]+\.[0-9]{3} ms".*linecolour="red"'
    assert_line --index 2 --regexp '^  c[0-9]+ -> s[0-9]+ \[label="datagram, 4 bytes"'
    assert_line --index 3 --regexp '^  c[0-9]+ -x s[0-9]+ \[label="datagram, 9 bytes\\n\(dropped\)\\n[0-9]+\.[0-9]{3} ms".*linecolour="red"'
    assert_line --index 4 --regexp '^  c[0-9]+ -> s[0-9]+ \[label="datagram, 7 bytes"'
    run grep -c '^[0-9]' "$D/drop/dropped.txt"
    assert_output 2
    output=$CAPTURED
    assert_output --partial "capture: --drop-datagram 'three': the namespace's firewall drops each datagram that begins with it"
    assert_output --partial "capture: the namespace's firewall dropped 2 of the packets"
    the_check_catches drop receiver=server.txt sender=client.txt
}

@test "picture: --drop-datagram takes a short plain text, and a namespace of its own" {
    run "$CAPTURE" --drop-datagram three 04
    assert_failure 2
    assert_output --partial "--drop-datagram: only for 07 or commands of your own"
    run "$CAPTURE" --drop-datagram "it's" 07
    assert_failure 2
    assert_output --partial "--drop-datagram: expected 1 to 16 letters, digits, spaces or . , : - _, got 'it's'"
    run "$CAPTURE" --drop-datagram 12345678901234567 07
    assert_failure 2
    assert_output --partial "got '12345678901234567'"
    run "$CAPTURE" --help
    assert_success
    assert_output --partial "--drop-datagram TEXT"
}

@test "picture: --loss goes only with a namespace of its own, and up to 99" {
    run "$CAPTURE" --loss 10 04
    assert_failure 2
    assert_output --partial "--loss: only for 07 or commands of your own"
    run "$CAPTURE" --loss 100 07
    assert_failure 2
    assert_output --partial "--loss: expected a percentage from 0 to 99, got '100'"
}

# ----------------------------------------------------- scripts/demo --picture
# tmux on a private server in this test's directory.
tm() {
    tmux -L "sockstep-picture-$$" "$@"
}

# picture_pane_shows REGEX: the demo's third pane shows a line matching it.
picture_pane_shows() {
    tm capture-pane -p -t sockstep-04:0.2 | grep -Eq -- "$1"
}

# step PANE REGEX: Enter in PANE (0 client, 1 server: tmux numbers panes
# by position, and the client's is on the left) until the picture pane
# shows REGEX (one Enter, then a look, at most 40 times).
step() {
    local i
    for ((i = 0; i < 40; i++)); do
        picture_pane_shows "$2" && return 0
        tm send-keys -t "sockstep-04:0.$1" Enter
        wait_until 2 picture_pane_shows "$2" && return 0
    done
    echo "the picture pane never showed /$2/; it shows:" >&2
    tm capture-pane -p -t sockstep-04:0.2 >&2
    return 1
}

@test "picture: the demo's pane reader puts a call broken at the pane's width together, colours and prompts left out" {
    local d="$BATS_TEST_TMPDIR"
    # As tmux copies a pane: colours, a prompt written over (\r), a call
    # broken after a comma under its first argument, a kernel: line that
    # goes on four columns further in.
    printf '%b' '$ build/04-accept --port 8888\r\n' \
        '>>> next: socket(AF_INET, SOCK_STREAM, 0)  [Enter runs it]\r\033[K' \
        '\033[1msocket(AF_INET, SOCK_STREAM, 0) = 3\033[0m\r\n' \
        '    a new socket: fd 3\r\n' \
        '\033[1msetsockopt(3, SOL_SOCKET, SO_REUSEADDR,\r\n' \
        '           [1], 4) = 0\033[0m\r\n' \
        '    \033[36mkernel: tcp 127.0.0.1:8888 LISTEN, 0 waiting\r\n' \
        '        for accept()\033[0m\r\n' \
        '\r\n' >"$d/server.raw"
    run "$PYTHON" -c 'import sys
sys.path.insert(0, sys.argv[1])
import importlib.util
spec = importlib.util.spec_from_file_location("live", sys.argv[1] + "/picture-live.py")
live = importlib.util.module_from_spec(spec)
spec.loader.exec_module(live)
p = live.Pane(sys.argv[2] + "/server.raw", sys.argv[2] + "/server.txt")
p.poll(1000.5)
print(open(sys.argv[2] + "/server.txt").read(), end="")' "$ROOT/scripts/lib" "$d"
    assert_success
    assert_output "[1000.500000 1000.500000] socket(AF_INET, SOCK_STREAM, 0) = 3
[1000.500000 1000.500000] setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
    kernel: tcp 127.0.0.1:8888 LISTEN, 0 waiting for accept()"
}

@test "picture: demo --picture draws the exchange in its third pane as the lecturer steps" {
    command -v tmux >/dev/null || skip "tmux is not installed"
    export TMUX_TMPDIR="$BATS_TEST_TMPDIR" SOCKSTEP_TMUX_SOCKET="sockstep-picture-$$"
    unset TMUX
    local port
    port=$(free_port tcp)
    run "$ROOT/scripts/demo" --picture --detach --timeout 20 --port "$port" 04
    assert_success
    run tm list-panes -t sockstep-04 -F '#{pane_index} #{pane_title}'
    assert_line "2 picture: port $port"
    # The directory the picture pane draws from, named in its command.
    local dir
    dir=$(tm display-message -p -t sockstep-04:0.2 '#{pane_start_command}')
    [[ "$dir" =~ --picture-pane\ ([^ ]+) ]]
    dir=${BASH_REMATCH[1]}
    [ -d "$dir" ]
    # The server steps to accept(): its calls, each as it appears, and
    # its listening socket's state.
    step 1 'listen\(3, [0-9]+\) = 0'
    step 1 '\[LISTEN\]'
    run tm capture-pane -p -t sockstep-04:0.2
    refute_output --partial "connect("
    # The client steps through connect(): on its lane, on the left.
    step 0 '^ connect\(3, 127\.0\.0\.1:'"$port"', 16\) = 0'
    step 1 'accept\(3, 127\.0\.0\.1:[0-9]+, 16\) = 4'
    if [[ $EUID -eq 0 ]] && command -v tcpdump >/dev/null; then
        # As root, the handshake's packets, as arrows between the lanes.
        picture_pane_shows '\|-+ SYN -+>\|'
        picture_pane_shows '\|<-+ SYN-ACK -+\|'
        picture_pane_shows 'packets: tcpdump'
    else
        picture_pane_shows 'no packets \(tcpdump needs root\)'
    fi
    # Ended with the session, the pane leaves no directory behind.
    tm kill-server
    wait_until 10 not test -e "$dir"
}
