#!/usr/bin/env bats
# The suite itself: no wait inside a test outlasts bats' own per-test
# limit (tests/timeouts says how it checks).

load test_helper

@test "suite: no test's timeout is at or above its file's per-test limit, and each scales" {
    run "$PYTHON" "$ROOT/tests/timeouts"
    assert_output ""
    assert_success
}

@test "suite: a timeout that bats' limit would end first is found, and one that does not scale" {
    # The check must be able to fail: a file with the default limit
    # (120 s) and a wait of 120 s; one that sets its limit above such a
    # wait; one whose wait is a bare number, the same at any scale. (The
    # command's name is passed in, so that this file's own text holds
    # none of these waits.)
    local t=timeout d="$BATS_TEST_TMPDIR"
    # shellcheck disable=SC2016 # a file's text, not an expansion
    printf 'load test_helper\n@test "x" {\n    run %s "$((120 * SCALE))" sleep 1\n}\n' \
        "$t" >"$d/short.bats"
    # shellcheck disable=SC2016 # a file's text, not an expansion
    printf ': "${BATS_TEST_TIMEOUT:=$((150 * ${SOCKSTEP_TEST_SCALE:-1}))}"\nload test_helper\n@test "x" {\n    run %s "$((120 * SCALE))" sleep 1 --timeout 600\n}\n' \
        "$t" >"$d/long.bats"
    printf 'load test_helper\n@test "x" {\n    run %s 5 sleep 1\n}\n' "$t" >"$d/bare.bats"
    run "$PYTHON" "$ROOT/tests/timeouts" "$d/short.bats" "$d/long.bats" "$d/bare.bats"
    assert_failure 1
    assert_line --index 0 "$d/short.bats:3: $t 120, limit 120"
    assert_line --index 1 "$d/bare.bats:3: $t 5 does not scale with SOCKSTEP_TEST_SCALE: write $t \"\$((5 * SCALE))\""
    [ "${#lines[@]}" -eq 2 ]
}

@test "suite: SOCKSTEP_TEST_SCALE=N makes each named wait, and bats' limit, N times longer" {
    # A file of one test that writes what it was given, run by bats
    # itself, without this run's settings.
    # shellcheck disable=SC2016 # a file's text, not an expansion
    printf 'load %q\n@test "x" {\n    echo "$WAIT_LOOPBACK $WAIT_RUN $WAIT_LONG $BATS_TEST_TIMEOUT" >%q\n}\n' \
        "$ROOT/tests/test_helper" "$BATS_TEST_TMPDIR/got" >"$BATS_TEST_TMPDIR/scale.bats"
    run bare env -u BATS_TEST_TIMEOUT SOCKSTEP_TEST_SCALE=3 \
        timeout "$WAIT_LONG" bats "$BATS_TEST_TMPDIR/scale.bats"
    assert_success
    assert_equal "$(<"$BATS_TEST_TMPDIR/got")" "30 60 180 360"
    run bare env -u BATS_TEST_TIMEOUT -u SOCKSTEP_TEST_SCALE \
        timeout "$WAIT_LONG" bats "$BATS_TEST_TMPDIR/scale.bats"
    assert_success
    assert_equal "$(<"$BATS_TEST_TMPDIR/got")" "10 20 60 120"
}

@test "suite: SOCKSTEP_TEST_SCALE=N makes wait_exit's limit N times longer too" {
    # A file of one test that gives a sleeping process one second, run by
    # bats itself at scale 2: the wait must give it two. (It loads the
    # helper from this tree, which has the libraries it loads.)
    # shellcheck disable=SC2016 # a file's text, not an expansion
    printf 'BATS_TEST_DIRNAME=%q\nload test_helper\n@test "x" {\n    start_bg "$BATS_TEST_TMPDIR/o" /bin/sleep 30\n    wait_exit "$BG_PID" 1\n}\n' \
        "$ROOT/tests" >"$BATS_TEST_TMPDIR/exit.bats"
    run bare env -u BATS_TEST_TIMEOUT SOCKSTEP_TEST_SCALE=2 \
        timeout "$WAIT_LONG" bats "$BATS_TEST_TMPDIR/exit.bats"
    assert_failure
    assert_output --regexp "process [0-9]+ still running after 2s"
}

@test "suite: a SOCKSTEP_TEST_SCALE that is not a whole number from 1 is refused in one line" {
    local bad
    for bad in 0 1.5 two -1; do
        run bare env SOCKSTEP_TEST_SCALE="$bad" "$ROOT/tests/run" --order \
            "$ROOT/tests/01-socket.bats"
        assert_failure 2
        assert_output "tests/run: SOCKSTEP_TEST_SCALE must be a whole number, 1 or more, not '$bad'"
    done
    # (and a file run by bats itself stops at test_helper, saying why)
    # shellcheck disable=SC2016 # a file's text, not an expansion
    printf 'load %q\n@test "x" {\n    true\n}\n' "$ROOT/tests/test_helper" \
        >"$BATS_TEST_TMPDIR/scale.bats"
    run bare env SOCKSTEP_TEST_SCALE=0 timeout "$WAIT_LONG" bats "$BATS_TEST_TMPDIR/scale.bats"
    assert_failure
    assert_output --partial "SOCKSTEP_TEST_SCALE must be a whole number, 1 or more, not '0'"
    run bare env SOCKSTEP_TEST_SCALE=3 "$ROOT/tests/run" --order "$ROOT/tests/01-socket.bats"
    assert_success
}

@test "suite: ss_first_line finds the first line that matches, whatever the quick check before its loop skips" {
    local f="$BATS_TEST_TMPDIR/out"
    printf 'socket() = 3\n  listening on 1.2.3.4:5\nlistening on 127.0.0.1:41\nlistening on 127.0.0.1:42\n' >"$f"
    ss_first_line "$f" "$SS_READY_RE"
    assert_equal "$SS_LINE" "listening on 127.0.0.1:41"
    # anchors hold on each line, not on the file
    printf 'ab\nb c\n' >"$f"
    run ss_first_line "$f" '^b$'
    assert_failure 1
    printf 'ab\nb c\nb\n' >"$f"
    ss_first_line "$f" '^b$'
    assert_equal "$SS_LINE" "b"
    # a . or [^x] spans lines in one match over the file, never in a line
    printf 'a\nb\n' >"$f"
    run ss_first_line "$f" '^a.b$'
    assert_failure 1
    run ss_first_line "$f" 'a[^c]b'
    assert_failure 1
    # an anchor inside the regex, a last line without its newline
    printf 'a\nb' >"$f"
    ss_first_line "$f" '(^b|zz)'
    assert_equal "$SS_LINE" "b"
    # a NUL byte before the line; a literal $ at the end of the regex
    printf 'a\0b\nready\ncost 5$\n' >"$f"
    ss_first_line "$f" '^ready$'
    ss_first_line "$f" 'cost [0-9]\$'
    assert_equal "$SS_LINE" 'cost 5$'
    run ss_first_line "$BATS_TEST_TMPDIR/none" 'a'
    assert_failure 1
}

@test "suite: wait_exit names what a process it gave up on was doing" {
    # A failure that says only "still running" leaves the reader to guess
    # whether the process was stuck in a wait, spinning or stopped.
    start_bg "$BATS_TEST_TMPDIR/out" /bin/sleep 30
    run wait_exit "$BG_PID" 1
    assert_failure
    assert_line --index 0 "process $BG_PID still running after 1s"
    assert_line --index 1 --regexp '^  command: /bin/sleep 30 ; State:.S \(sleeping\); waiting in: [a-z_.0-9]+$'
}

@test "suite: describe_pid of a process that has gone says '?' and returns" {
    # The process a wait gave up on may end while it is described; the
    # reads of its /proc files then fail, and must not end the test's
    # shell (bats would then blame the line before the wait). A pid that
    # the kernel's pid_max leaves unused stands for one that has gone.
    local gone=$(($(</proc/sys/kernel/pid_max) + 1))
    run describe_pid "$gone"
    assert_success
    assert_output "  command: ?; State: ?; waiting in: ?"
}

@test "suite: a process that has ended but is not reaped (a zombie) is not running, and wait_exit says so at once" {
    # A parent that never waits: its child stays a zombie, which kill -0
    # still finds. (Python reaps nothing unless asked to.)
    start_bg "$BATS_TEST_TMPDIR/out" "$PYTHON" -c '
import os, time
pid = os.fork()
if pid == 0:
    os._exit(0)
print(pid, flush=True)
time.sleep(60)'
    local zombie
    # its first line, whole: the child's pid
    zombie_pid() {
        { IFS= read -r zombie <"$BATS_TEST_TMPDIR/out"; } 2>/dev/null &&
            [[ "$zombie" =~ ^[0-9]+$ ]]
    }
    wait_until "$WAIT_RUN" zombie_pid ||
        fail "the parent printed no pid: $(cat "$BATS_TEST_TMPDIR/out")"
    zombie_state() {
        local st=
        { read -r st <"/proc/$zombie/stat"; } 2>/dev/null || return 1
        st=${st##*) }
        [[ "$st" == Z* ]]
    }
    wait_until "$WAIT_RUN" zombie_state || fail "$zombie never became a zombie"
    kill -0 "$zombie"
    run ss_running "$zombie"
    assert_failure
    run ss_running "$BG_PID"
    assert_success
    # It is not this shell's child: wait_exit ends its wait at once, and
    # wait says 127.
    wait_exit "$zombie" 1
    [ "$EXIT_STATUS" -eq 127 ]
}

@test "suite: need_unshare skips where a namespace may not be made, and fails where they are required" {
    # An option unshare does not have stands for a namespace refused.
    local t="$BATS_TEST_TMPDIR/ns.bats"
    printf '%s\n' "BATS_TEST_DIRNAME=$(printf %q "$ROOT/tests")" 'load test_helper' \
        '@test "x" {' '    need_unshare --no-such-option' '}' >"$t"
    run bare env -u SOCKSTEP_REQUIRE_NAMESPACES timeout "$WAIT_LONG" bats --tap "$t"
    assert_success
    assert_line "ok 1 x # skip unshare --no-such-option is not allowed here"
    run bare env SOCKSTEP_REQUIRE_NAMESPACES=1 timeout "$WAIT_LONG" bats --tap "$t"
    assert_failure
    assert_line "# SOCKSTEP_REQUIRE_NAMESPACES=1, and unshare --no-such-option is not allowed here"
}

@test "suite: bats' DEBUG trap runs in a test's own lines, not in what it calls" {
    # test_helper.bash sets +T once setup has run (see there), on bats 1.8.
    [[ "$BATS_VERSION" == 1.8.* ]] || skip "bats $BATS_VERSION runs its trap everywhere"
    trap -p DEBUG >"$BATS_TEST_TMPDIR/test"
    in_function() { trap -p DEBUG >"$BATS_TEST_TMPDIR/function"; }
    in_function
    run cat "$BATS_TEST_TMPDIR/test"
    assert_output --partial bats_debug_trap
    run cat "$BATS_TEST_TMPDIR/function"
    assert_output ""
}

@test "suite: a failure names its line: the test's, a helper's caller's, teardown's" {
    local t="$BATS_TEST_TMPDIR/where.bats"
    # shellcheck disable=SC2016 # a file's text, not an expansion
    printf '%s\n' "BATS_TEST_DIRNAME=$(printf %q "$ROOT/tests")" 'load test_helper' \
        'teardown() {' '    [[ $BATS_TEST_DESCRIPTION != td ]]' '}' \
        'teardown_file() {' '    false' '}' \
        '@test "in the test" {' '    [ 1 = 2 ]' '}' \
        '@test "in a helper" {' '    : >"$BATS_TEST_TMPDIR/out"' \
        '    wait_ready "$BATS_TEST_TMPDIR/out" 0' '}' \
        '@test "td" {' '    :' '}' >"$t"
    run bats --tap "$t" 3>&-
    # (bats names a file under the working directory by its path from there)
    t=${t#"$PWD"/}
    assert_failure
    assert_line "# (in test file $t, line 10)"
    assert_line "#   \`[ 1 = 2 ]' failed"
    # (bats 1.8 prints "# (in test file T, line 14)"; 1.10 names the
    # helper first, then "#  in test file T, line 14)": both the caller's)
    assert_line --partial "in test file $t, line 14)"
    assert_line "#   \`wait_ready \"\$BATS_TEST_TMPDIR/out\" 0' failed"
    assert_line --partial "# no ready line in "
    assert_line "# (from function \`teardown' in test file $t, line 4)"
    assert_line "not ok 4 teardown_file failed"
    assert_line "# (from function \`teardown_file' in test file $t, line 7)"
}

@test "suite: bats' watchdog for this test holds none of its output" {
    # tests/bats/watchdog.bash starts it, on bats 1.8 to 1.11; bats keeps
    # its pid in BATS_killer_pid, which the test sees.
    [[ "$BATS_VERSION" =~ ^1\.(8|9|10|11)\. ]] ||
        skip "bats $BATS_VERSION starts its own"
    [ -n "${BATS_killer_pid:-}" ]
    run readlink "/proc/$BATS_killer_pid/fd/1" "/proc/$BATS_killer_pid/fd/2"
    assert_output $'/dev/null\n/dev/null'
    [ ! -e "/proc/$BATS_killer_pid/fd/3" ]
}

@test "suite: run starts the files longest first by tests/times, the ones it has no time for first of all" {
    local t="$BATS_TEST_TMPDIR/times"
    printf '# a comment\n2.5 a.bats\n10 b.bats\n0.5 d.bats\n' >"$t"
    run env SOCKSTEP_TIMES="$t" "$ROOT/tests/run" --order x/a.bats c.bats \
        b.bats -f name d.bats e.bats
    assert_success
    assert_output $'c.bats\ne.bats\nb.bats\nx/a.bats\nd.bats'
    # the committed file: comments, then "SECONDS NAME.bats [CPU]" lines,
    # each name a file of the suite
    local line n=0
    while IFS= read -r line; do
        [[ "$line" == "#"* ]] && continue
        [[ "$line" =~ ^[0-9]+(\.[0-9]+)?\ ([^ /]+\.bats)(\ [0-9]+\.[0-9])?$ ]] ||
            fail "tests/times: not a time and a file: $line"
        [[ -f "$ROOT/tests/${BASH_REMATCH[2]}" ]] ||
            fail "tests/times: no such file: ${BASH_REMATCH[2]}"
        n=$((n + 1))
    done <"$ROOT/tests/times"
    [ "$n" -ge 1 ]
}

@test "suite: run --record writes each file's time; a TMPDIR with a space and a quote in its path is no matter" {
    local d="$BATS_TEST_TMPDIR/a b'c" t="$BATS_TEST_TMPDIR/times"
    mkdir "$d"
    printf '@test "one" { true; }\n' >"$BATS_TEST_TMPDIR/one.bats"
    printf '@test "two" { true; }\n@test "three" { true; }\n' \
        >"$BATS_TEST_TMPDIR/two.bats"
    # (a time longer than any run of the two files can take, so that it
    # stays first, longest first, however slow the machine)
    printf '100000.5 other.bats\n' >"$t"
    run bare env -u PARALLEL TMPDIR="$d" SOCKSTEP_JOBS=2 SOCKSTEP_NETNS=no \
        SOCKSTEP_TIMES="$t" timeout "$WAIT_LONG" "$ROOT/tests/run" --record \
        "$BATS_TEST_TMPDIR/one.bats" "$BATS_TEST_TMPDIR/two.bats"
    assert_success
    assert_line "tests: 3 passed, 0 failed, 0 skipped"
    assert_line --regexp '^#  +[0-9]+ s  +[0-9]+ s  two\.bats$'
    # the two files' times, and the time of the file it did not run kept
    run grep -v '^#' "$t"
    assert_line --index 0 "100000.5 other.bats"
    assert_line --regexp '^[0-9]+\.[0-9] one\.bats( [0-9]+\.[0-9])?$'
    assert_line --regexp '^[0-9]+\.[0-9] two\.bats( [0-9]+\.[0-9])?$'
    [ "${#lines[@]}" -eq 3 ]
    # no link to that TMPDIR is left in /tmp
    local l
    for l in /tmp/sockstep-tmpdir.*; do
        [[ "$(readlink "$l")" != "$d" ]] || fail "$l is left"
    done
    # the times are GNU parallel's: one file after another has none
    run bare env TMPDIR="$d" SOCKSTEP_JOBS=1 "$ROOT/tests/run" --record \
        "$BATS_TEST_TMPDIR/one.bats"
    assert_failure 2
    assert_output "tests/run: --record needs GNU parallel and SOCKSTEP_JOBS above 1"
}

@test "suite: run --record as root notes each file's CPU time" {
    ((EUID == 0)) || skip "the CPU time is noted in tests/in-netns, as root"
    unshare -n true 2>/dev/null || skip "no network namespace can be made"
    local t="$BATS_TEST_TMPDIR/times"
    printf '@test "c" { true; }\n' >"$BATS_TEST_TMPDIR/one.bats"
    printf '@test "w" { true; }\n' >"$BATS_TEST_TMPDIR/two.bats"
    : >"$t"
    run bare env -u PARALLEL -u SOCKSTEP_IN_NETNS -u SOCKSTEP_NETNS \
        SOCKSTEP_JOBS=2 SOCKSTEP_TIMES="$t" timeout "$WAIT_LONG" \
        "$ROOT/tests/run" --record \
        "$BATS_TEST_TMPDIR/one.bats" "$BATS_TEST_TMPDIR/two.bats"
    assert_success
    # How much CPU each took is the machine's business (make bench-suite
    # prints what a bats file costs here); that each file got a figure,
    # in the third column, is the runner's.
    run grep -v '^#' "$t"
    assert_line --regexp '^[0-9]+\.[0-9] one\.bats [0-9]+\.[0-9]$'
    assert_line --regexp '^[0-9]+\.[0-9] two\.bats [0-9]+\.[0-9]$'
    [ "${#lines[@]}" -eq 2 ]
}

@test "suite: a file that computes starts before a longer one that waits" {
    # Planted times, not measured ones: wait.bats ran 1.5 s on next to
    # no CPU, compute.bats 0.8 s on 0.5 s of CPU. Six times its CPU (six
    # files share a core) makes compute.bats the longer of the two.
    local t="$BATS_TEST_TMPDIR/times"
    printf '1.5 wait.bats 0.1\n0.8 compute.bats 0.5\n' >"$t"
    run bare env SOCKSTEP_TIMES="$t" "$ROOT/tests/run" --order \
        x/wait.bats x/compute.bats
    assert_success
    assert_output $'x/compute.bats\nx/wait.bats'
    # Without the CPU column the file that ran longer starts first.
    printf '1.5 wait.bats\n0.8 compute.bats\n' >"$t"
    run bare env SOCKSTEP_TIMES="$t" "$ROOT/tests/run" --order \
        x/compute.bats x/wait.bats
    assert_success
    assert_output $'x/wait.bats\nx/compute.bats'
}

@test "suite: no test asserts a time or a CPU amount (make lint-timing)" {
    run "$PYTHON" "$ROOT/tests/no-timing"
    assert_output ""
    assert_success
}

@test "suite: a test that judges a time or a CPU amount is found; a lower bound is not" {
    # The check must be able to fail: planted files with one of each kind
    # of finding, and a lower bound, which holds on any machine. (The
    # clocks are spelled through variables, so that this file's own text
    # holds none of them.)
    local d="$BATS_TEST_TMPDIR" s=SECONDS p=process m=monotonic
    printf '@test "x" {\n    run %s -c "import time; print(time.%s_time())"\n    (($%s < 5))\n    time make\n}\n' \
        "$PYTHON" "$p" "$s" >"$d/x.bats"
    printf 'import time\nt0 = time.%s()\nself.assertLess(time.%s() - t0, 3)\ntook = 1\nok = took < 2\nok = took >= 1  # lower bound\n' \
        "$m" "$m" >"$d/y.py"
    run "$PYTHON" "$ROOT/tests/no-timing" "$d/x.bats" "$d/y.py"
    assert_failure 1
    assert_line --regexp "^$d/x\.bats:2: a CPU clock: "
    assert_line --regexp "^$d/x\.bats:3: a clock compared with a number: "
    assert_line --regexp "^$d/x\.bats:4: a \`time\` command: "
    assert_line --regexp "^$d/y\.py:3: a measured span asserted: "
    assert_line --regexp "^$d/y\.py:5: a measured span compared: "
    [ "${#lines[@]}" -eq 5 ]
}

@test "suite: SOCKSTEP_TCP_BUFFERS sets each file's TCP buffers (make test-small-buffers); outside a namespace, or a bad value, is refused" {
    ((EUID == 0)) || skip "the buffers are set in tests/in-netns, as root"
    unshare -n true 2>/dev/null || skip "no network namespace can be made"
    local seen="$BATS_TEST_TMPDIR/seen"
    printf '@test "b" { cat /proc/sys/net/ipv4/tcp_rmem /proc/sys/net/ipv4/tcp_wmem >"%s"; }\n' \
        "$seen" >"$BATS_TEST_TMPDIR/one.bats"
    run bare env -u PARALLEL -u SOCKSTEP_IN_NETNS -u SOCKSTEP_NETNS \
        SOCKSTEP_TCP_BUFFERS='4096 8192 16384' timeout "$WAIT_LONG" \
        "$ROOT/tests/run" "$BATS_TEST_TMPDIR/one.bats"
    assert_success
    run cat "$seen"
    assert_output $'4096\t8192\t16384\n4096\t8192\t16384'
    run bare env -u SOCKSTEP_IN_NETNS SOCKSTEP_NETNS=no \
        SOCKSTEP_TCP_BUFFERS='4096 8192 16384' "$ROOT/tests/run" \
        "$BATS_TEST_TMPDIR/one.bats"
    assert_failure 2
    assert_output "tests/run: SOCKSTEP_TCP_BUFFERS needs the run in a network namespace of its own (root, unshare and ip; not SOCKSTEP_NETNS=no): nothing run"
    run bare env -u PARALLEL -u SOCKSTEP_IN_NETNS -u SOCKSTEP_NETNS \
        SOCKSTEP_TCP_BUFFERS='small' timeout "$WAIT_LONG" \
        "$ROOT/tests/run" "$BATS_TEST_TMPDIR/one.bats"
    assert_failure 2
    assert_output "tests/in-netns: SOCKSTEP_TCP_BUFFERS: cannot set net.ipv4.tcp_rmem to 'small'"
}

@test "suite: tests/slow runs a command in a cgroup of its own with half a core, and removes the group after" {
    ((EUID == 0)) || skip "tests/slow needs root"
    # What the command sees: its group's quota (cgroup v1, or v2's
    # cpu.max), and that its status comes back.
    # shellcheck disable=SC2016 # the inner shell's expansions
    local look='g=$(awk -F: '\''$2 == "" || ("," $2 ",") ~ /,cpu,/ { print $3; exit }'\'' /proc/self/cgroup)
        echo "$g"
        for f in /sys/fs/cgroup/cpu"$g"/cpu.cfs_quota_us /sys/fs/cgroup/cpu,cpuacct"$g"/cpu.cfs_quota_us /sys/fs/cgroup"$g"/cpu.max; do
            [ -r "$f" ] && cat "$f"
        done
        exit 3'
    run bare "$ROOT/tests/slow" sh -c "$look"
    [[ "$output" != *"CMD not run"* ]] || skip "no cgroup here: $output"
    assert_failure 3
    assert_line --index 0 --regexp '^tests/slow: sh runs with 0\.5 of one CPU \(cgroup /.*/sockstep-slow\.[0-9]+\)$'
    assert_line --index 1 --regexp '/sockstep-slow\.[0-9]+$'
    assert_line --index 2 --regexp '^(50000|50000 100000)$'
    [ -n "${lines[1]}" ] && [ ! -e "/sys/fs/cgroup/cpu${lines[1]}" ] &&
        [ ! -e "/sys/fs/cgroup${lines[1]}" ]
    run bare "$ROOT/tests/slow" --quota 0.25 sh -c "$look"
    assert_line --index 2 --regexp '^(25000|25000 100000)$'
}

@test "suite: tests/slow refuses in one line: not root, a bad quota, no command" {
    local nobody
    if ((EUID == 0)); then
        command -v setpriv >/dev/null || skip "no setpriv to drop root with"
        need_nobody_runs "$ROOT/tests/slow"
        nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    fi
    run bare "${nobody[@]}" "$ROOT/tests/slow" true
    assert_failure 1
    assert_output "tests/slow: needs root, to put the run in a cgroup with a CPU quota; CMD not run"
    run bare "$ROOT/tests/slow" --quota half true
    assert_failure 2
    assert_output "tests/slow: --quota: expected a share of one CPU from 0.01 to 64, got 'half'"
    run bare "$ROOT/tests/slow"
    assert_failure 2
    assert_output "usage: tests/slow [--quota Q] CMD [ARG...]"
}

@test "suite: as root, a spinning sample a test leaves running ends with the run, and its group goes" {
    ((EUID == 0)) || skip "tests/run makes the spinning samples' cgroup as root"
    [[ -n "${SOCKSTEP_LOW_CGROUP:-}" ]] ||
        skip "no cgroup for the spinning samples here (cgroup v1's cpu controller)"
    # a test that leaves a sample running (a sleep of a length no other
    # process has), and writes down the run's group and the sample's
    local secs="9$RANDOM.$$" group="$BATS_TEST_TMPDIR/group"
    printf '%s\n' '@test "leaves" {' \
        "    ( \"$LOW\" sleep $secs 3>&- & )" \
        "    echo \"\\$SOCKSTEP_LOW_CGROUP\" >\"$group\"" \
        "    for i in \$(seq 600); do" \
        "        pgrep -f -x -- \"sleep $secs\" && break; sleep 0.05" \
        "    done" \
        "    pgrep -f -x -- \"sleep $secs\"" '}' >"$BATS_TEST_TMPDIR/leaves.bats"
    run bare env -u SOCKSTEP_LOW_CGROUP SOCKSTEP_NETNS=no \
        timeout "$WAIT_LONG" "$ROOT/tests/run" "$BATS_TEST_TMPDIR/leaves.bats"
    assert_success
    assert_line "tests: 1 passed, 0 failed, 0 skipped"
    run pgrep -f -x -- "sleep $secs"
    assert_failure 1
    run cat "$group"
    assert_output --regexp '/sockstep-low\.[0-9]+$'
    [[ "$output" != "$SOCKSTEP_LOW_CGROUP" && ! -e "$output" ]]
}
