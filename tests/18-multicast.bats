#!/usr/bin/env bats
# Lesson 18: multicast and broadcast. Every test runs in a user and network
# namespace of its own (unshare -rn), whose interfaces are lo and, for one
# test, a veth pair made there: never the machine's real interfaces.

# SC2016: the scripts given to in_netns are expanded by the bash inside it.
# shellcheck disable=SC2016
# The longest wait inside a test here is 60 s: bats' own per-test
# limit must be longer, or that wait could never say what it waited
# for (tests/timeouts checks it).
: "${BATS_TEST_TIMEOUT:=$((90 * ${SOCKSTEP_TEST_SCALE:-1}))}"
load test_helper

setup() {
    need_unshare -rn
}

# What every script in the namespace starts with: lo up, the lesson
# binaries in $B, the test's directory in $T, the peers in $PEERS, and
#   ready FILE: wait until FILE has its "receiving on" line (printed
#   after the join); sets PORT; on none, says so and returns 1 (each
#   script then exits 1: the test fails there, with the message)
#   wait_word FILE WORD: wait until FILE holds WORD (a Python peer's
#   "joined" or "ready"); on none within 5 s, says so and exits 1
PRELUDE='
set -u
pids=()
for fd in /proc/$$/fd/*; do # the lessons start with fds 0, 1 and 2 only
    fd=${fd##*/}
    if ((fd > 2 && fd != 255)); then
        eval "exec $fd>&-"
    fi
done
ip link set lo up
. "$ROOT/tests/lib/mcast-ready.bash" # ready FILE: the receiver has joined
wait_word() {
    local i
    for ((i = 0; i < 100 * SCALE; i++)); do
        grep -q "$2" "$1" && return 0
        sleep 0.05
    done
    echo "no $2 in $1 after $((5 * SCALE)) s; it holds:" >&2
    cat "$1" >&2
    exit 1
}
'

# in_netns SCRIPT: bats' run of bash SCRIPT in a new user and network
# namespace, after PRELUDE.
in_netns() {
    run timeout "$WAIT_LONG" unshare -rn env B="$BIN" T="$BATS_TEST_TMPDIR" PEERS="$PEERS" \
        ROOT="$ROOT" SCALE="$SCALE" bash -c "$PRELUDE
$1"
}

@test "18-multicast: two receivers in the group both get each datagram; one not in it gets none" {
    in_netns '
        "$B/18-multicast-receiver" --port 0 --count 3 --timeout 30 >"$T/r1" 2>&1 &
        pids+=($!)
        ready "$T/r1" || exit 1
        "$B/18-multicast-receiver" --port "$PORT" --count 3 --timeout 30 >"$T/r2" 2>&1 &
        pids+=($!)
        "$B/18-multicast-receiver" --port "$PORT" --no-join --timeout 2 >"$T/r3" 2>&1 &
        pids+=($!)
        ready "$T/r2" || exit 1
        ready "$T/r3" || exit 1
        grep -E "^\s+0100FFEF" /proc/net/igmp
        printf "one\ntwo\nthree\n" | "$B/18-multicast-sender" --port "$PORT" >"$T/s" 2>&1
        echo "sender $?"
        wait "${pids[0]}"; echo "r1 $?"
        wait "${pids[1]}"; echo "r2 $?"
        wait "${pids[2]}"; echo "r3 $?"'
    assert_success
    # /proc/net/igmp: lo is in the group for two sockets
    assert_line --regexp '^\s+0100FFEF\s+2\s'
    assert_line "sender 0"
    assert_line "r1 0"
    assert_line "r2 0"
    assert_line "r3 1"
    local r
    for r in r1 r2; do
        run cat "$BATS_TEST_TMPDIR/$r"
        assert_line "member of 239.255.0.1 on the interface with address 127.0.0.1"
        assert_line --regexp '^from 127\.0\.0\.1:[0-9]+: one$'
        assert_line --regexp '^from 127\.0\.0\.1:[0-9]+: two$'
        assert_line --regexp '^from 127\.0\.0\.1:[0-9]+: three$'
    done
    run cat "$BATS_TEST_TMPDIR/r3"
    assert_line "a member of no group (--no-join)"
    assert_line "no datagram within --timeout 2 s"
    refute_line --regexp '^from '
    run cat "$BATS_TEST_TMPDIR/s"
    assert_line --regexp '^sending to 239\.255\.0\.1:[0-9]+$'
    plain && return 0
    run cat "$BATS_TEST_TMPDIR/r1"
    assert_line "setsockopt(3, IPPROTO_IP, IP_MULTICAST_ALL, [0], 4) = 0"
    # a call line too long for 78 columns breaks between its arguments,
    # the next line under the first one
    assert_line "setsockopt(3, IPPROTO_IP, IP_ADD_MEMBERSHIP,"
    assert_line "           {imr_multiaddr=239.255.0.1, imr_interface=127.0.0.1}, 8) = 0"
    assert_output --partial "kernel: lo is in group 239.255.0.1, for 1 socket (from /proc/net/igmp)"
    assert_line "setsockopt(3, IPPROTO_IP, IP_DROP_MEMBERSHIP,"
    run cat "$BATS_TEST_TMPDIR/s"
    assert_line "setsockopt(3, IPPROTO_IP, IP_MULTICAST_IF, [127.0.0.1], 4) = 0"
    assert_line "setsockopt(3, IPPROTO_IP, IP_MULTICAST_TTL, [1], 1) = 0"
    assert_line "setsockopt(3, IPPROTO_IP, IP_MULTICAST_LOOP, [1], 1) = 0"
    assert_line --regexp '^sendto\(3, "one", 3, 0, 239\.255\.0\.1:[0-9]+, 16\) = 3$'
}

@test "18-multicast: a receiver that leaves while another remains is told the group stays; the last one is told none is left" {
    plain && skip "the plain build narrates nothing"
    # Chapter 18's run: the first receiver leaves while the second is
    # still a member. The order comes from events: r1 takes one datagram
    # and has left (it exited) before the second is sent, which r2 waits
    # for. The leave's narration reads /proc/net/igmp after the call.
    in_netns '
        "$B/18-multicast-receiver" --port 0 --count 1 --timeout 30 >"$T/r1" 2>&1 &
        pids+=($!)
        ready "$T/r1" || exit 1
        "$B/18-multicast-receiver" --port "$PORT" --count 2 --timeout 30 >"$T/r2" 2>&1 &
        pids+=($!)
        ready "$T/r2" || exit 1
        "$B/18-multicast-sender" --port "$PORT" --message one >"$T/s1" 2>&1
        echo "sender $?"
        wait "${pids[0]}"; echo "r1 $?"
        grep -E "^\s+0100FFEF" /proc/net/igmp
        "$B/18-multicast-sender" --port "$PORT" --message two >"$T/s2" 2>&1
        echo "sender $?"
        wait "${pids[1]}"; echo "r2 $?"
        echo "igmp lines $(grep -c 0100FFEF /proc/net/igmp)"'
    assert_success
    refute_line "sender 1"
    assert_line "r1 0"
    assert_line "r2 0"
    # between the two leaves, lo was in the group for r2's socket alone
    assert_line --regexp '^\s+0100FFEF\s+1\s'
    assert_line "igmp lines 0" # after both, no interface is in the group
    # each leave's call, its argument line and the note under it
    run grep -A 2 '^setsockopt(3, IPPROTO_IP, IP_DROP_MEMBERSHIP,$' \
        "$BATS_TEST_TMPDIR/r1"
    assert_line --index 2 --partial \
        "    kernel: lo is in group 239.255.0.1, for 1 socket ("
    run grep -A 2 '^setsockopt(3, IPPROTO_IP, IP_DROP_MEMBERSHIP,$' \
        "$BATS_TEST_TMPDIR/r2"
    assert_line --index 2 --partial \
        "    kernel: no interface of this machine is in group 239.255.0.1 ("
}

@test "18-multicast: two receivers on one port: a datagram to 127.0.0.1 reaches one of them, a group one both" {
    # As chapter 18 says: each member gets its copy of a datagram to the
    # group, but one sent to the port at 127.0.0.1 goes to one socket only.
    # Each receiver takes two datagrams: the one that gets "uni" ends after
    # "g1", the other after "g2".
    in_netns '
        "$B/18-multicast-receiver" --port 0 --count 2 --timeout 10 >"$T/r1" 2>&1 &
        pids+=($!)
        ready "$T/r1" || exit 1
        "$B/18-multicast-receiver" --port "$PORT" --count 2 --timeout 10 >"$T/r2" 2>&1 &
        pids+=($!)
        ready "$T/r2" || exit 1
        "$PYTHON" -c "
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b\"uni\", (\"127.0.0.1\", int(sys.argv[1])))" "$PORT"
        printf "g1\ng2\n" | "$B/18-multicast-sender" --port "$PORT" >"$T/s" 2>&1
        echo "sender $?"
        wait "${pids[0]}"; echo "r1 $?"
        wait "${pids[1]}"; echo "r2 $?"'
    assert_success
    assert_line "sender 0"
    assert_line "r1 0"
    assert_line "r2 0"
    run grep -l -E '^from 127\.0\.0\.1:[0-9]+: uni$' \
        "$BATS_TEST_TMPDIR/r1" "$BATS_TEST_TMPDIR/r2"
    [ "${#lines[@]}" -eq 1 ] # one receiver, not both
    run grep -l -E '^from 127\.0\.0\.1:[0-9]+: g1$' \
        "$BATS_TEST_TMPDIR/r1" "$BATS_TEST_TMPDIR/r2"
    [ "${#lines[@]}" -eq 2 ] # both
}

@test "18-multicast: Python receivers joined to the group get what the C sender sends" {
    in_netns '
        "$PYTHON" "$ROOT/docs/python/18_multicast.py" --port 0 --count 2 --timeout 30 >"$T/p1" 2>&1 &
        pids+=($!)
        ready "$T/p1" || exit 1
        "$PYTHON" "$PEERS/multicast-member.py" "$PORT" >"$T/p2" 2>&1 &
        pids+=($!)
        wait_word "$T/p2" joined
        "$B/18-multicast-sender" --port "$PORT" --message "to the group" >/dev/null
        "$B/18-multicast-sender" --port "$PORT" --message "again" >/dev/null
        wait "${pids[0]}"; echo "p1 $?"
        wait "${pids[1]}"; echo "p2 $?"'
    assert_success
    assert_line "p1 0"
    assert_line "p2 0"
    run cat "$BATS_TEST_TMPDIR/p1"
    assert_line --regexp '^from 127\.0\.0\.1:[0-9]+: to the group$'
    assert_line --regexp '^from 127\.0\.0\.1:[0-9]+: again$'
    run cat "$BATS_TEST_TMPDIR/p2"
    assert_line "to the group"
    assert_line "again"
}

@test "18-multicast: Linux gives a socket that did not join the group's datagrams anyway, unless IP_MULTICAST_ALL is 0" {
    in_netns '
        "$B/18-multicast-receiver" --port 0 --count 1 --timeout 30 >"$T/member" 2>&1 &
        pids+=($!)
        ready "$T/member" || exit 1
        "$PYTHON" "$PEERS/multicast-all.py" "$PORT" >"$T/py" 2>&1 &
        pids+=($!)
        wait_word "$T/py" ready
        "$B/18-multicast-sender" --port "$PORT" --message "hi" >/dev/null
        wait "${pids[0]}"; wait "${pids[1]}"
        cat "$T/py"'
    assert_success
    assert_line "IP_MULTICAST_ALL 1: got hi"
    assert_line "IP_MULTICAST_ALL 0: nothing"
}

@test "18-multicast: --broadcast reaches every receiver on the port, member or not; --show-eacces shows EACCES" {
    in_netns '
        "$B/18-multicast-receiver" --port 0 --count 1 --timeout 30 >"$T/r1" 2>&1 &
        pids+=($!)
        ready "$T/r1" || exit 1
        "$B/18-multicast-receiver" --port "$PORT" --no-join --count 1 --timeout 30 >"$T/r2" 2>&1 &
        pids+=($!)
        ready "$T/r2" || exit 1
        "$B/18-multicast-sender" --port "$PORT" --broadcast --show-eacces \
            --message "not allowed" >"$T/s1" 2>&1
        echo "eacces $?"
        "$B/18-multicast-sender" --port "$PORT" --broadcast --message "to all" >"$T/s2" 2>&1
        echo "broadcast $?"
        wait "${pids[0]}"; echo "r1 $?"
        wait "${pids[1]}"; echo "r2 $?"'
    assert_success
    assert_line "eacces 1"
    assert_line "broadcast 0"
    assert_line "r1 0"
    assert_line "r2 0"
    run cat "$BATS_TEST_TMPDIR/r2"
    assert_line --regexp '^from 127\.0\.0\.1:[0-9]+: to all$'
    refute_output --partial "not allowed"
    run cat "$BATS_TEST_TMPDIR/s1"
    assert_line --partial "sendto: Permission denied"
    plain && return 0
    assert_said 'sendto(3, "not allowed", 11, 0, 127.255.255.255:'
    assert_said "= -1 EACCES (Permission denied) expected: this program meets it on purpose; the usual cause: sending to a broadcast address needs SO_BROADCAST first"
    run cat "$BATS_TEST_TMPDIR/s2"
    assert_line "setsockopt(3, SOL_SOCKET, SO_BROADCAST, [1], 4) = 0"
}

@test "18-multicast: IP_MULTICAST_LOOP 0 keeps this machine's members from a copy on a veth interface, not on lo" {
    in_netns '
        ip link add v0 type veth peer name v1 || exit 77
        ip addr add 10.9.9.1/24 dev v0
        ip link set v0 up
        ip link set v1 up
        "$B/18-multicast-receiver" --port 0 --iface 10.9.9.1 --count 2 --timeout 2 >"$T/r" 2>&1 &
        pids+=($!)
        ready "$T/r" || exit 1
        "$B/18-multicast-sender" --port "$PORT" --iface 10.9.9.1 --message "looped" >/dev/null
        "$B/18-multicast-sender" --port "$PORT" --iface 10.9.9.1 --no-loop --message "not looped" >/dev/null
        wait "${pids[0]}"; echo "veth receiver $?"
        "$B/18-multicast-receiver" --port "$PORT" --count 1 --timeout 2 >"$T/lo" 2>&1 &
        pids+=($!)
        ready "$T/lo" || exit 1
        "$B/18-multicast-sender" --port "$PORT" --no-loop --message "out of lo is back in" >/dev/null
        wait "${pids[1]}"; echo "lo receiver $?"'
    [ "$status" -ne 77 ] || skip "no veth in this kernel"
    assert_success
    assert_line "veth receiver 0"
    assert_line "lo receiver 0"
    run cat "$BATS_TEST_TMPDIR/r"
    assert_line "member of 239.255.0.1 on the interface with address 10.9.9.1"
    assert_line --regexp '^from 10\.9\.9\.1:[0-9]+: looped$'
    refute_output --partial "not looped"
    run cat "$BATS_TEST_TMPDIR/lo"
    assert_line --regexp '^from 127\.0\.0\.1:[0-9]+: out of lo is back in$'
}

@test "18-multicast: the receiver's and the sender's narrated calls match strace" {
    plain && skip "the plain build narrates nothing"
    need_strace
    untraceable_leaks
    in_netns '
        strace -f -yy -e trace=network,close -o "$T/rtrace" \
            "$B/18-multicast-receiver" --port 0 --count 1 --timeout 30 >"$T/r" 2>&1 &
        pids+=($!)
        ready "$T/r" || exit 1
        strace -f -yy -e trace=network,close -o "$T/strace" \
            "$B/18-multicast-sender" --port "$PORT" --message "traced" >"$T/s" 2>&1
        strace -f -yy -e trace=network,close -o "$T/btrace" \
            "$B/18-multicast-sender" --port "$PORT" --broadcast --show-eacces \
            --message "x" >"$T/b" 2>&1
        wait "${pids[0]}"'
    assert_success
    strace_matches "$BATS_TEST_TMPDIR/r" "$BATS_TEST_TMPDIR/rtrace"
    strace_matches "$BATS_TEST_TMPDIR/s" "$BATS_TEST_TMPDIR/strace"
    strace_matches "$BATS_TEST_TMPDIR/b" "$BATS_TEST_TMPDIR/btrace"
}

@test "18-multicast: the Python receiver (the handout's) against the C sender" {
    in_netns '
        "$PYTHON" "$ROOT/docs/python/18_multicast.py" --port 0 --count 1 --timeout 30 >"$T/p" 2>&1 &
        pids+=($!)
        ready "$T/p" || exit 1
        printf "from C\n" | "$B/18-multicast-sender" --port "$PORT" >/dev/null
        wait "${pids[0]}"; echo "python $?"
        cat "$T/p"'
    assert_success
    assert_line "python 0"
    assert_line --regexp '^from 127\.0\.0\.1:[0-9]+: from C$'
}

@test "18-multicast: bad --group or --iface exit 2; nothing within --timeout exits 1" {
    run_lesson "$BIN/18-multicast-receiver" --group 10.0.0.1
    assert_failure 2
    assert_output "18-multicast-receiver: --group: expected a multicast address, 224.0.0.0 to 239.255.255.255 (see --help)"
    run_lesson "$BIN/18-multicast-sender" --group 240.0.0.1 --message x
    assert_failure 2
    run_lesson "$BIN/18-multicast-sender" --iface nowhere --message x
    assert_failure 2
    assert_output --partial "--iface: expected an IPv4 address"
    in_netns '"$B/18-multicast-receiver" --port 0 --timeout 1; echo "status $?"'
    assert_line "no datagram within --timeout 1 s"
    assert_line "status 1"
}

@test "18-multicast: an --iface address no interface has: ENODEV from the join, explained, exit 1" {
    # In the namespace only lo exists, with 127.0.0.1: 10.1.1.1 is nobody's.
    in_netns '"$B/18-multicast-receiver" --port 0 --iface 10.1.1.1 --timeout 5
echo "status $?"'
    assert_line "status 1"
    plain && return 0
    assert_said "imr_interface=10.1.1.1}, 8) = -1 ENODEV (No such device)"
    assert_said "likely cause: no network interface of this machine has the address given for it (for a multicast group: --iface)"
    assert_said "try: give --iface an address that 'ip -4 addr' lists: 127.0.0.1 is always there"
}

@test "18-multicast: the sender with an --iface address no interface has: EADDRNOTAVAIL, explained whole, exit 1" {
    # No datagram leaves: the setsockopt() fails before any sendto().
    in_netns 'echo hi | "$B/18-multicast-sender" --port 0 --iface 10.1.1.1
echo "status $?"'
    assert_line "status 1"
    plain && return 0
    assert_said "IP_MULTICAST_IF, [10.1.1.1], 4) = -1 EADDRNOTAVAIL"
    assert_said "likely cause: no interface of this machine has the interface address given (an --iface that 'ip addr' does not list?)"
    assert_said "try: give an address that 'ip addr' lists, such as 127.0.0.1, or leave --iface out"
    refute_line --regexp '^ *likely cause: *$'
}
