#!/usr/bin/env bats
# shellcheck disable=SC2153 # ROOT comes from test_helper
# scripts/lab: two network namespaces joined by a veth pair, with loss

load test_helper

LAB="$ROOT/scripts/lab"
# The lab says its command lines again with the path quoted (printf %q);
# the patterns below read them word by word, so a tree whose path needs
# quoting ("My Courses") runs the lab by its name from the top of the tree.
if [[ ! "$LAB" =~ ^[A-Za-z0-9_./-]+$ ]]; then
    cd "$ROOT" || exit 1
    LAB=scripts/lab
fi
# TCP over a lossy link backs off exponentially: --loss may take minutes.
export BATS_TEST_TIMEOUT=$((400 * ${SOCKSTEP_TEST_SCALE:-1}))

setup_file() {
    local root
    # The tests' own namespaces, one name for the whole file (setup_file
    # exports reach every test and teardown_file): a lecturer's ss-lab is
    # never touched.
    export SOCKSTEP_LAB="sslt$$"
    root="$(cd "$(dirname "$BATS_TEST_FILENAME")/.." && pwd)"
    make -s -C "$root" build/04-accept build/05-connect \
        build/06-send-recv-server build/06-send-recv-client \
        build/08-udp-receiver build/09-udp-sender >&2
}

teardown_file() {
    local root
    root="$(cd "$(dirname "$BATS_TEST_FILENAME")/.." && pwd)"
    if [[ $EUID -eq 0 ]]; then
        "$root/scripts/lab" down >/dev/null 2>&1 || true
    fi
}

need_root() {
    # Never the lecturer's lab: only the name setup_file chose.
    [[ "${SOCKSTEP_LAB:-}" =~ ^sslt[0-9]+$ ]] || fail "SOCKSTEP_LAB not set"
    [[ $EUID -eq 0 ]] || skip "network namespaces need root"
    command -v ip >/dev/null || skip "ip (iproute2) is not installed"
    # Whether ip netns can make one here and run a command in it (not
    # inside a chroot, nor in a container that forbids it), asked once for
    # the file: a namespace of the file's own name, removed at once.
    local file="$BATS_FILE_TMPDIR/netns-why" why="" probe="${SOCKSTEP_LAB}probe"
    if [[ ! -e "$file" ]]; then
        if ip netns add "$probe" 2>"$file.tmp" &&
            ip netns exec "$probe" true 2>"$file.tmp"; then
            : >"$file.tmp"
        fi
        ip netns del "$probe" 2>/dev/null || true
        mv -f "$file.tmp" "$file"
    fi
    { IFS= read -r why <"$file"; } 2>/dev/null || why=
    [[ -z "$why" ]] && return 0
    skip_namespaces "ip netns cannot make a namespace here: $why"
}

# ns_busy NAME: a process runs in the network namespace NAME.
ns_busy() {
    [[ -n "$(ip netns pids "$1")" ]]
}

@test "lab: the tests' lab has its own name" {
    [[ "$SOCKSTEP_LAB" =~ ^sslt[0-9]+$ ]]
}

@test "lab: bad usage exits 2 naming the problem" {
    run "$LAB" --loss 101
    assert_failure 2
    assert_output --partial "--loss: expected a percentage from 0 to 99"
    run "$LAB" shell c
    assert_failure 2
    assert_output --partial "shell: expected a or b, got 'c'"
    run "$LAB" sideways
    assert_failure 2
}

@test "lab: --loss 100 is refused at once, and the help gives the range nft takes" {
    # nftables' "numgen random mod 100 < P" takes P from 0 to 99 only.
    run "$LAB" --loss 100
    assert_failure 2
    assert_output "scripts/lab: --loss: expected a percentage from 0 to 99, got '100' (see --help)"
    run "$LAB" --help
    assert_success
    assert_output --partial "(0..99)"
    if [[ $EUID -eq 0 ]] && command -v ip >/dev/null; then
        run ip netns list
        refute_output --partial "$SOCKSTEP_LAB-"
    fi
}

@test "lab: without root it says so and exits 1" {
    if [[ $EUID -ne 0 ]]; then
        run "$LAB"
    else
        command -v setpriv >/dev/null || skip "setpriv is not installed"
        need_nobody_runs "$LAB"
        run setpriv --reuid=65534 --regid=65534 --clear-groups "$LAB"
    fi
    assert_failure 1
    assert_output --partial "needs root"
}

@test "lab: where ip netns cannot make a namespace, up says so, and where to run the lab" {
    [[ $EUID -eq 0 ]] || skip "lab up needs root before it makes anything"
    # an ip that runs nothing in a namespace, as inside a chroot, and is
    # the real one for everything else
    local fake="$BATS_TEST_TMPDIR/bin" real
    real=$(command -v ip) || skip "ip (iproute2) is not installed"
    mkdir -p "$fake"
    cat >"$fake/ip" <<EOF
#!/bin/sh
if [ "\$1 \$2" = "netns exec" ]; then
    echo '"mount --make-rslave /" failed: Invalid argument' >&2
    exit 255
fi
exec $real "\$@"
EOF
    chmod 755 "$fake/ip"
    run env PATH="$fake:$PATH" "$LAB" up
    assert_failure 1
    assert_line '"mount --make-rslave /" failed: Invalid argument'
    assert_line "scripts/lab: could not make the network namespace $SOCKSTEP_LAB-a, or run a command in it (ip's message is above): a chroot or a container may forbid it; run the lab on the machine itself, or in a virtual machine"
    # (nothing made: run's lines would be empty, so grep)
    if ip netns list | grep -E "^$SOCKSTEP_LAB-[ab]( |$)"; then
        fail "a namespace of the lab was made"
    fi
}

@test "lab: up makes two namespaces on one link; a datagram crosses it" {
    need_root
    local before
    before="$(nft list ruleset 2>/dev/null | sha1sum)"
    run "$LAB" up
    assert_success
    assert_output --partial "$SOCKSTEP_LAB-a (10.10.0.1) and $SOCKSTEP_LAB-b (10.10.0.2)"
    run ip netns list
    assert_line --regexp "^$SOCKSTEP_LAB-a( |$)"
    assert_line --regexp "^$SOCKSTEP_LAB-b( |$)"
    run ip -n "$SOCKSTEP_LAB-a" -4 -br addr show dev veth-a
    assert_output --regexp "10\.10\.0\.1/24"
    # The host sees no new interface, and its ruleset is as it was.
    run ip -br link
    refute_output --partial "veth-a"
    refute_output --partial "veth-b"
    [ "$(nft list ruleset 2>/dev/null | sha1sum)" = "$before" ]

    # Up again is harmless; then one datagram from a to b.
    run "$LAB" up
    assert_success
    assert_output --partial "already up"
    start_bg "$BATS_TEST_TMPDIR/receiver" ip netns exec "$SOCKSTEP_LAB-b" \
        "$BIN/08-udp-receiver" --host 10.10.0.2 --port 0 --count 1 \
        --timeout 10
    wait_ready "$BATS_TEST_TMPDIR/receiver"
    [ "$(grep -c '^receiving on 10\.10\.0\.2:' "$BATS_TEST_TMPDIR/receiver")" -eq 1 ]
    run timeout "$WAIT_RUN" ip netns exec "$SOCKSTEP_LAB-a" "$BIN/09-udp-sender" \
        --host 10.10.0.2 --port "$PORT" --message "across the link"
    assert_success
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/receiver"
    assert_line --regexp '^datagram 1 from 10\.10\.0\.1:[0-9]+: across the link$'
}

@test "lab: shell a runs commands inside namespace a" {
    need_root
    "$LAB" up >/dev/null
    run timeout "$WAIT_RUN" "$LAB" shell a < <(printf 'ip -4 -br addr show dev veth-a\nexit\n')
    assert_success
    assert_output --partial "a shell in $SOCKSTEP_LAB-a: this machine is 10.10.0.1"
    assert_output --regexp "veth-a@[a-z0-9]+ +UP +10\.10\.0\.1/24"
}

@test "lab: the shell offers ping, ./install-deps installs it, and it crosses the link" {
    run "$ROOT/install-deps" --list
    assert_success
    assert_line iputils-ping
    need_root
    command -v ping >/dev/null ||
        skip "ping is not installed (./install-deps installs iputils-ping)"
    "$LAB" up >/dev/null
    # Five tries, so that a loss left on the link cannot fail the test.
    run timeout "$WAIT_SHORT" "$LAB" shell a < <(printf 'ping -c 5 -i 0.2 -W 2 10.10.0.2\nexit\n')
    assert_success
    assert_output --partial "lab: the link: ping -c 5 10.10.0.2"
    assert_output --regexp "5 packets transmitted, [1-5] received"
}

@test "lab: --loss 10: UDP datagrams go missing, every TCP line arrives" {
    need_root
    # 10%, not the 20% a lecturer shows: both ways are dropped, so a
    # retransmission fails about 1 time in 3 at 20% (the segment or its
    # answer lost: 1 - 0.8 * 0.8), and its timer doubles each time. Of
    # 13 runs of --loss 20 here, 12 took 12 to 32 s and one stalled on
    # a segment past the client's 100 s wait. At 10% a retransmission
    # fails about 1 time in 5 (0.19), and eight failures in a row, a
    # stall of that length, are (0.19 / 0.36)^8: some 150 times rarer.
    run timeout "$((380 * SCALE))" "$LAB" --loss 10 --timeout 100
    assert_success
    # Which way the loss was made is said out loud.
    assert_output --regexp "lab: loss: (tc netem drops 10%|this kernel has no tc netem, so nftables drops 10%)"
    local n=${#lines[@]}
    [[ "${lines[n - 2]}" =~ ^udp:\ ([0-9]+)\ of\ 100\ datagrams\ arrived$ ]]
    local udp="${BASH_REMATCH[1]}"
    [ "$udp" -lt 100 ] # P(no loss of 100 at 10%) = 0.9^100, about 3e-5
    [ "$udp" -gt 0 ]
    [ "${lines[n - 1]}" = "tcp: 100 of 100 lines arrived in order" ]
    # The numbers reported are what the lessons printed: as many missing
    # numbers as the count says.
    local missing
    missing="$(awk '/^lab:   missing: / { f = 1; sub(/^lab:   missing: /, "")
                                          print; next }
        f && /^lab:   [0-9]/ { sub(/^lab:   /, ""); print; next }
        { f = 0 }' <<<"$output" | tr ' ' '\n' |
        awk -F- 'NF == 2 { n += $2 - $1 + 1 } NF == 1 && $1 != "" { n++ }
            END { print n + 0 }')"
    [ "$missing" -eq $((100 - udp)) ]
}

@test "lab: --loss 0 removes the loss: all 100 datagrams arrive" {
    need_root
    run timeout "$((120 * SCALE))" "$LAB" --loss 0 --timeout 20
    assert_success
    assert_output --partial "lab: loss: none"
    assert_line "udp: 100 of 100 datagrams arrived"
    assert_line "tcp: 100 of 100 lines arrived in order"
    run "$LAB" status
    assert_line "lab: loss: none"
}

@test "lab: down leaves no namespace, no veth and no rule behind" {
    need_root
    "$LAB" up >/dev/null
    # Something still running inside is ended with the lab.
    start_bg "$BATS_TEST_TMPDIR/sleeper" ip netns exec "$SOCKSTEP_LAB-b" \
        sleep 60
    wait_until 5 ns_busy "$SOCKSTEP_LAB-b"
    run "$LAB" down
    assert_success
    assert_output --partial "removed $SOCKSTEP_LAB-a and $SOCKSTEP_LAB-b"
    run ip netns list
    refute_output --partial "$SOCKSTEP_LAB"
    run ip -br link
    refute_output --partial "veth-a"
    refute_output --partial "veth-b"
    wait_exit "$BG_PID"
    run "$LAB" down
    assert_success
    assert_output --partial "nothing to remove"
}

# parses COMMANDLINE: a command line scripts/lab suggested, run as typed
# (sudo and env left out) with --help added: it exits 0 only if the
# script's parser took every word before --help (an unknown command such as
# "loss", or "shell" with no namespace, exits 2).
parses() {
    local cmd="$1"
    cmd="${cmd#sudo }"
    cmd="${cmd#env }"
    [[ "$cmd" =~ ^(SOCKSTEP_LAB=[A-Za-z0-9_-]+\ )?[^\ ]*scripts/lab(\ |$) ]] || {
        echo "not a scripts/lab command line: $1" >&2
        return 1
    }
    local out rc=0
    out="$(bash -c "$cmd --help" 2>&1)" || rc=$?
    if ((rc != 0)) || [[ "$out" != "usage: scripts/lab"* ]]; then
        echo "suggested, but does not parse (exit status $rc): $1" >&2
        printf '%s\n' "$out" >&2
        return 1
    fi
}

@test "lab: as a normal user, the sudo command it suggests is the one given, and parses" {
    command -v setpriv >/dev/null || [[ $EUID -ne 0 ]] ||
        skip "setpriv is not installed"
    local args suggested as_user=()
    [[ $EUID -ne 0 ]] || need_nobody_runs "$LAB"
    [[ $EUID -ne 0 ]] ||
        as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    for args in "" "up" "--loss 20" "--loss 20 --timeout 50" "shell a" \
        "shell b" "status" "down"; do
        # shellcheck disable=SC2086 # the words of $args, split on purpose
        run "${as_user[@]}" "$LAB" $args
        assert_failure 1
        [[ "$output" =~ try:\ (.*)$ ]]
        suggested="${BASH_REMATCH[1]}"
        # sudo, the lab's own name (sudo would not pass it on), the script
        # as it was run, and the same arguments.
        [ "$suggested" = "sudo env SOCKSTEP_LAB=$SOCKSTEP_LAB $LAB${args:+ $args}" ]
        parses "$suggested"
    done
}

@test "lab: every scripts/lab command that up suggests parses" {
    need_root
    run "$LAB" up
    assert_success
    local cmds=() line
    mapfile -t cmds < <(grep -oE "(SOCKSTEP_LAB=[^ ]+ )?[^ ]*scripts/lab( +(shell [ab]|--loss [0-9]+|up|down|status|[a-z-]+))*" <<<"$output")
    [ "${#cmds[@]}" -ge 4 ]
    for line in "${cmds[@]}"; do
        # The tests' lab, not the lecturer's: each names SOCKSTEP_LAB.
        [[ "$line" == "SOCKSTEP_LAB=$SOCKSTEP_LAB "* ]]
        parses "$line"
    done
    # The lesson commands name namespaces and programs that exist.
    local ns prog n=0
    while read -r line; do
        [[ "$line" =~ ^ip\ netns\ exec\ ([^\ ]+)\ ([^\ ]+) ]] || continue
        ns="${BASH_REMATCH[1]}" prog="${BASH_REMATCH[2]}"
        ip netns list | grep -q "^$ns\( \|$\)"
        if [[ "$prog" == */* ]]; then
            [[ "$prog" == /* ]] || prog="$PWD/$prog"
            [ -x "$prog" ]
        else
            command -v "$prog" >/dev/null
        fi
        n=$((n + 1))
    done < <(sed 's/^ *//; s/^[A-Z][a-z ]*: *//' <<<"$output")
    [ "$n" -ge 3 ]
}
