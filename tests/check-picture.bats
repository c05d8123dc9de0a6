#!/usr/bin/env bats
# shellcheck disable=SC2153 # ROOT comes from test_helper
# scripts/check --picture DIR: the exchange of each failed check drawn
# into DIR (CHECK.svg, CHECK.txt); its arrows are the packets tcpdump saw
# and its boxes the narrated calls (tests/picture-check, on what the chart
# was drawn from: SOCKSTEP_PICTURE_KEEP=1 keeps it in DIR); no picture
# for a check that passed.

# The longest wait inside a test here is 150 s: bats' own per-test
# limit must be longer (tests/timeouts checks it).
: "${BATS_TEST_TIMEOUT:=$((180 * ${SOCKSTEP_TEST_SCALE:-1}))}"
load test_helper

SCRIPT="$ROOT/scripts/check"
CHART_CHECK="$ROOT/tests/picture-check"
SAMPLE="$ROOT/tests/students/hello-broken.py"

setup_file() {
    make -s -C "$ROOT" build/libsockstep.so >&2
}

teardown() {
    # The directory the test as nobody made outside its own (see there).
    if [[ -n "${NOBODY_DIR:-}" && -d "$NOBODY_DIR" ]]; then
        rm -rf "$NOBODY_DIR"
    fi
    kill_all_bg
}

need_tools() {
    local t
    for t in tcpdump mscgen rsvg-convert; do
        command -v "$t" >/dev/null || skip "$t is not installed"
    done
    if [[ $EUID -ne 0 ]]; then
        unshare --user --net --map-user="$(id -u)" --keep-caps true \
            2>/dev/null || skip "neither root nor user namespaces here"
    fi
}

# chart_check NAME [CHART]: tests/picture-check on DIR's NAME.msc (or
# CHART) against NAME.packets and NAME.narration; the port is the one
# the server bound, read from its narration.
chart_check() {
    local d="$BATS_TEST_TMPDIR/pics" port
    port=$(grep -o -E 'bind\([0-9]+, 127\.0\.0\.1:[0-9]+' \
        "$d/$1.narration" | head -n 1 | grep -o -E '[0-9]+$')
    [[ -n "$port" ]]
    run "$PYTHON" "$CHART_CHECK" "$port" "${2:-$d/$1.msc}" \
        "$d/$1.packets" server="$d/$1.narration"
}

@test "check --picture: a server that dies at a reset gets reset.svg, drawn from the real packets; a passing check none" {
    need_tools
    local d="$BATS_TEST_TMPDIR/pics"
    # hello-broken.py passes the spec's exchange and dies at the reset
    # (tests/students/EXPECTED).
    run bare env SOCKSTEP_PICTURE_KEEP=1 timeout "$((150 * SCALE))" \
        "$PYTHON" "$SCRIPT" --picture "$d" --only exchange,reset \
        --spec "$ROOT/scripts/sockcheck/specs/hello.spec" -- \
        "$PYTHON" "$SAMPLE" '{port}'
    assert_failure 1
    assert_line --regexp '^PASS exchange '
    assert_line --regexp '^FAIL reset '
    assert_output --partial "$d/reset.svg"
    # The failed check's picture, and none for the one that passed.
    [ -e "$d/reset.svg" ]
    [ ! -e "$d/exchange.svg" ]
    [ ! -e "$d/exchange.txt" ]
    run grep -c '<svg' "$d/reset.svg"
    assert_output 1
    run rsvg-convert -o "$d/reset.png" "$d/reset.svg"
    assert_success
    # The chart in words has the checker's reset, from its client to the
    # server, after the line the client sent.
    run cat "$d/reset.txt"
    assert_output --regexp 'PSH-ACK, 4 bytes from scripts/check \(its clients\) to server \(python3? hello-broken\.py\); .*RST(-ACK)? from scripts/check \(its clients\) to server'
    grep -q 'Flags \[R' "$d/reset.packets"
    # Every arrow is a packet tcpdump saw, every box a narrated call.
    chart_check reset
    assert_success
    assert_output --regexp 'packets, [0-9]+ arrows: ok$'
    # The check fails when the chart leaves out its RST.
    grep -q -E ' -> .*label="RST' "$d/reset.msc"
    grep -v -E ' -> .*label="RST' "$d/reset.msc" >"$d/no-rst.msc"
    chart_check reset "$d/no-rst.msc"
    assert_failure 1
    assert_output --regexp 'arrows, but tcpdump saw [0-9]+ packets'
}

@test "check --picture: a server that never closes: its chart ends with the checker's FIN answered by an ACK alone" {
    need_tools
    local d="$BATS_TEST_TMPDIR/pics"
    cc -o "$BATS_TEST_TMPDIR/daytime-broken" \
        "$ROOT/tests/students/daytime-broken.c"
    run bare env SOCKSTEP_PICTURE_KEEP=1 timeout "$((150 * SCALE))" \
        "$PYTHON" "$SCRIPT" --picture "$d" --only exchange \
        --spec "$ROOT/scripts/sockcheck/specs/daytime.spec" -- \
        "$BATS_TEST_TMPDIR/daytime-broken" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL exchange .*connection still open'
    # The checker closes its end when the server has not (a FIN, which
    # the server's kernel ACKs), seen to the end of the check; not the
    # server's FIN that its stop after the check makes.
    run cat "$d/exchange.txt"
    assert_output --regexp 'PSH-ACK, 25 bytes from server \(daytime-broken\) to scripts/check \(its clients\); ACK from scripts/check \(its clients\) to server \(daytime-broken\); FIN-ACK from scripts/check \(its clients\) to server \(daytime-broken\); ACK from server \(daytime-broken\) to scripts/check \(its clients\)\.'
    refute_output --partial 'FIN-ACK from server'
    chart_check exchange
    assert_success
    assert_output --regexp '7 packets, 7 arrows: ok$'
}

@test "check --picture: an ordinary user gets the picture, the checker in a namespace of its own, the program without its capabilities" {
    need_tools
    [[ $EUID -eq 0 ]] || skip "this test turns root into nobody (setpriv)"
    command -v setpriv >/dev/null || skip "setpriv is not installed"
    local as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    "${as_nobody[@]}" unshare --user --net --map-user=65534 --keep-caps true \
        2>/dev/null || skip "user namespaces are not allowed here"
    # A directory nobody can reach: the test's own is root's alone. It is
    # removed in teardown.
    NOBODY_DIR=$(mktemp -d "${TMPDIR:-/tmp}/sockstep-check-picture.XXXXXX")
    local d=$NOBODY_DIR
    chmod 777 "$d"
    cp "$SAMPLE" "$d/hello-broken.py"
    # The server writes its capabilities beside itself first.
    sed -i '1i import os\nwith open(os.path.join(os.path.dirname(__file__), "caps.txt"), "a") as c:\n    c.writelines(l for l in open("/proc/self/status") if l.startswith(("CapEff", "CapAmb")))' \
        "$d/hello-broken.py"
    chmod 644 "$d/hello-broken.py"
    run bare timeout "$((150 * SCALE))" "${as_nobody[@]}" env HOME="$d" \
        "$PYTHON" "$SCRIPT" --picture "$d/pics" --only reset \
        --spec "$ROOT/scripts/sockcheck/specs/hello.spec" -- \
        "$PYTHON" "$d/hello-broken.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL reset '
    run stat -c %U "$d/pics/reset.svg"
    assert_output nobody
    run cat "$d/pics/reset.txt"
    assert_output --regexp 'RST(-ACK)? from scripts/check \(its clients\) to server'
    run cat "$d/caps.txt"
    assert_line --regexp $'^CapEff:\t0+$'
    assert_line --regexp $'^CapAmb:\t0+$'
    refute_line --regexp $'^Cap(Eff|Amb):\t0*[1-9a-f]'
}

@test "check --picture: refused in one line where it cannot work" {
    local d="$BATS_TEST_TMPDIR"
    run "$PYTHON" "$SCRIPT" --picture "$d/p" --batch "$d" echo-server
    assert_failure 2
    assert_output "scripts/check: --picture: not with --batch (yet): check one program"
    # No tcpdump, no mscgen on the PATH.
    mkdir "$d/empty"
    run env PATH="$d/empty" "$PYTHON" "$SCRIPT" --picture "$d/p" \
        echo-server -- "$PYTHON" x.py '{port}'
    assert_failure 2
    assert_output --regexp '^scripts/check: --picture: (tcpdump|mscgen) is not installed'
    [ ! -e "$d/p" ]
    run "$PYTHON" "$SCRIPT" --help
    assert_output --partial "--picture DIR"
}
