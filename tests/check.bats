#!/usr/bin/env bats
# scripts/check, the checker for students' own programs: run against
# sockstep's own programs (every check passes), its command line and
# output formats, and the cases that once went wrong. The sample
# programs in tests/check/ that must fail are in check-samples.bats and
# check-samples-clients.bats.
#
# Most of a check's time is waiting (for a program to start, a peer to
# time out), so these tests are in four files that run side by side: this
# one, sockstep's own programs and how a program is ended; check-cli.bats,
# the command line and the output formats; check-restart.bats and
# check-crashes.bats, the cases that once went wrong.
#
# The checker starts and kills the programs itself (each in a session of
# its own, on ports it chose), so no test here has a background process;
# every run is bounded by timeout(1), below bats' own per-test limit, and
# goes through bare (only fds 0, 1 and 2 open: nothing holds bats' fd 3).
# The sample that spins runs under tests/low-priority: beside the other
# test files it yields the CPU it would burn for seconds, and the checker
# must still see that it spins (it is ready to run at each look, however
# little CPU it gets), which is how a spinning program looks on a loaded
# machine.

load test_helper
load hostile/common
load lib/students

# ---- sockstep's own programs pass -------------------------------------------

@test "check: lesson 06's client passes every echo-client check" {
    need_bin 06-send-recv-client
    check echo-client -- "$BIN/06-send-recv-client" --port '{port}'
    assert_success
    assert_line "10 checks: 10 passed, 0 failed"
    # a line of 10000 bytes goes in pieces; a NUL in the input is sent
    # as any other byte
    says 'then the spec'"'"'s input: lines; the checker'"'"'s server sent back every byte as it came, and got 10017 bytes'
    says 'and got 26 bytes ("caf\xe9 \x00 \xff\xfe\nhello, sockstep\n")'
    # What it said when the server closed early is quoted. Which of the
    # two it is depends on a race the checker does not control: a line the
    # client sent just before the close was never read, so the server's
    # kernel may answer with a RST that arrives before the client's recv()
    # sees the FIN.
    if ! says 'said "the server closed its side: 0 of ' 2>/dev/null; then
        says 'said "recv: Connection reset by peer"'
    fi
}

@test "check: lesson 09's sender and a receiver with room for any datagram pass" {
    need_bin 09-udp-sender
    check udp-sender -- "$BIN/09-udp-sender" --port '{port}'
    assert_success
    assert_line "3 checks: 3 passed, 0 failed"
    check udp-receiver -- "$PYTHON" "$SAMPLES/good-receiver.py" '{port}'
    assert_success
    assert_line "8 checks: 8 passed, 0 failed"
}

# ---- the program is always ended ----------------------------------------------

@test "check: the program and its children are killed after each check" {
    local copy="$BATS_TEST_TMPDIR/spin-server.py"
    cp "$SAMPLES/spin-server.py" "$copy"
    # A wrapper shell whose child holds the port: the whole session goes.
    # shellcheck disable=SC2016 # $1 and $2 are the inner shell's
    check --only half-close --wait "$LOW_WAIT" echo-server -- \
        "$LOW" sh -c '"$1" "$2" "$3" & wait' sh "$PYTHON" "$copy" '{port}'
    assert_failure 1
    says "it spins"
    local pid left=()
    for pid in /proc/[0-9]*; do
        if tr '\0' ' ' <"$pid/cmdline" 2>/dev/null | grep -qF "$copy"; then
            left+=("${pid#/proc/}")
        fi
    done
    if ((${#left[@]} > 0)); then
        echo "still running: ${left[*]}" >&2
        return 1
    fi
}

@test "check: a program that spins on purpose gets only the CPU the run leaves" {
    # tests/low-priority, under which the spinning samples run: in a
    # session of its own (as scripts/check starts a program), that
    # session's scheduling group is lowered; in the test run's session,
    # only the process is
    [[ -n "${SS_AUTOGROUP:-}" ]] || skip "no scheduling group per session here"
    run setsid -w "$LOW" sh -c 'cat /proc/self/autogroup; nice'
    assert_success
    assert_line --index 0 --regexp '^/autogroup-[0-9]+ nice 10$'
    assert_line --index 1 19
    run "$LOW" sh -c 'cat /proc/self/autogroup; nice'
    assert_line --index 0 "$SS_AUTOGROUP nice 0"
    assert_line --index 1 19
    run cat /proc/self/autogroup
    assert_output "$SS_AUTOGROUP nice 0"
}

@test "check: as root, each program that spins on purpose has a tenth of a CPU of its own" {
    # tests/run makes a cgroup for the run as root; tests/low-priority
    # gives each program it starts a group of its own in it, with a CPU
    # quota of 10 ms in 100 ms: two started at once are in two groups
    [[ -n "${SOCKSTEP_LOW_CGROUP:-}" ]] ||
        skip "no cgroup for the spinning samples here (tests/run makes one as root)"
    local mnt mine
    mnt=$(awk '$3 == "cgroup" && ("," $4 ",") ~ /,cpu,/ { print $2; exit }' /proc/mounts)
    mine=$(awk -F: '("," $2 ",") ~ /,cpu,/ { print $3; exit }' /proc/self/cgroup)
    [[ "$mnt$mine" != "$SOCKSTEP_LOW_CGROUP"* ]]
    # the probe prints its own cpu group, that group's quota and period
    cat >"$BATS_TEST_TMPDIR/probe" <<'EOF'
g=$(awk -F: '("," $2 ",") ~ /,cpu,/ { print $3; exit }' /proc/self/cgroup)
echo "$g"
cat "$1$g/cpu.cfs_quota_us" "$1$g/cpu.cfs_period_us"
sleep 1
EOF
    local a b
    "$LOW" sh "$BATS_TEST_TMPDIR/probe" "$mnt" >"$BATS_TEST_TMPDIR/a" 3>&- &
    a=$!
    "$LOW" sh "$BATS_TEST_TMPDIR/probe" "$mnt" >"$BATS_TEST_TMPDIR/b" 3>&- &
    b=$!
    wait "$a" "$b"
    run cat "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
    assert_line --index 0 --regexp "^${SOCKSTEP_LOW_CGROUP#"$mnt"}/sample\.[0-9]+\$"
    assert_line --index 1 10000
    assert_line --index 2 100000
    assert_line --index 3 --regexp "^${SOCKSTEP_LOW_CGROUP#"$mnt"}/sample\.[0-9]+\$"
    [[ "${lines[0]}" != "${lines[3]}" ]]
}

# ---- the command line ---------------------------------------------------------------

@test "check: bad usage exits 2 with one line naming the option" {
    local args
    while IFS= read -r args; do
        # shellcheck disable=SC2086 # each line is split into words on purpose
        check $args
        assert_failure 2
        [[ "${#lines[@]}" -eq 1 ]] || {
            echo "more than one line for '$args': $output" >&2
            return 1
        }
        assert_output --regexp "^scripts/check: "
    done <<'EOF'
--format xml echo-server -- true {port}
--port 0 echo-server -- true
--port 70000 echo-server -- true
--wait x echo-server -- true {port}
--only nope echo-server -- true {port}
--bogus echo-server -- true {port}
frob -- true {port}
echo-server
echo-server -- true
echo-server -- ./no-such-program {port}
--csv out.csv echo-server -- true {port}
--batch /nonexistent-dir
--source README.md echo-server -- true {port}
--source no-such-file.c echo-server -- true {port}
--batch /nonexistent-dir --source a.c echo-server
echo-server --source
EOF
    check --format xml echo-server -- true '{port}'
    assert_output "scripts/check: --format: expected text, json, tap, gradescope or junit, got 'xml'"
    check echo-server -- true
    says "no {port} in it, and no --port N"
}
