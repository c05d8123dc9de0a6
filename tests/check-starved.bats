#!/usr/bin/env bats
# scripts/check on a program that does not get the CPU: its limits count
# the program's own time (scripts/sockcheck/clock.py), so an honest
# program starved by a CPU quota gets the verdict it gets on a quiet
# machine, and a program that never answers still fails. The program
# alone runs under tests/slow (a cgroup's CPU quota of 1% of one CPU);
# the checker runs as usual. Needs root and a cgroup CPU controller.

load test_helper
load lib/students

SAMPLES="$ROOT/tests/check"

setup() {
    "$ROOT/tests/slow" --quota 0.01 true 2>/dev/null ||
        skip "tests/slow cannot run here (root and a cgroup CPU controller)"
}

@test "check-starved: an echo server that needs 40 ms of CPU a client, under 1% of a CPU, is echoed in time" {
    # costly-echo-server.py spends 40 ms of CPU time on each client: 4 s
    # and more of wall time under this quota, more than one-line's 3 s; a
    # wall clock failed it ("no echo")
    check --only one-line,silent-client echo-server -- \
        "$ROOT/tests/slow" --quota 0.01 \
        "$PYTHON" "$SAMPLES/costly-echo-server.py" '{port}'
    assert_success
    assert_line --regexp '^PASS one-line '
    assert_line --regexp '^PASS silent-client '
}

@test "check-starved: a server that never answers still fails, starved or not" {
    cat >"$BATS_TEST_TMPDIR/mute.py" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
held = []
while True:
    held.append(s.accept()[0])  # read nothing, answer nothing
PY
    check --only one-line echo-server -- \
        "$ROOT/tests/slow" --quota 0.01 "$PYTHON" "$BATS_TEST_TMPDIR/mute.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL one-line +one line echoed: no echo'
    check --only one-line echo-server -- \
        "$PYTHON" "$BATS_TEST_TMPDIR/mute.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL one-line +one line echoed: no echo'
}
