#!/usr/bin/env bats
# Part of the student corpus, checked with scripts/check
# --spec (tests/students.bats says how; its files run side by side,
# since the checks mostly wait). This one: echo-client, a server that
# fails assignment 4, and the calculator that passes (the calculator's
# other tests are in students-calculator.bats).

# The longest wait inside a test here is 150 s: bats' own per-test
# limit must be longer, or that wait could never say what it waited
# for (tests/timeouts checks it).
: "${BATS_TEST_TIMEOUT:=$((180 * ${SOCKSTEP_TEST_SCALE:-1}))}"
load test_helper
load lib/students

# ---- echo client (assignment 2) ----------------------------------------------------------

@test "students: echo-client: a client that reads whole lines passes" {
    spec echo-client echo-client-good.py 127.0.0.1
    passes_all
    assert_line "10 checks: 10 passed, 0 failed"
}

@test "students: echo-client: a client that loops on recv() == 0 hangs" {
    # Under tests/low-priority, as the other spinning samples: it spins
    # for the check's 5 s, and takes at most a tenth of a core for them.
    # Those 5 s start once the program holds its socket
    # (Program.wait_started()), which --wait allows it to open: a Python
    # slow to start at that priority still gets to connect, and to be
    # judged on its loop.
    student echo-client-hang.py
    run bare timeout "$((150 * SCALE))" "$PYTHON" "$CHECK" --only closes-early \
        --wait "$LOW_WAIT" --spec "$SPECS/echo-client.spec" -- \
        "$LOW" "${PROG[@]}" 127.0.0.1 '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL closes-early .*: hangs'
    says "The checker's server closed its end of the connection (shutdown(SHUT_WR)) as soon as it came"
    says "A client must stop when recv() returns 0"
}

@test "students: echo-client: one recv() per line and no error handling" {
    spec echo-client --only pieces,refused,not-utf8 echo-client-broken.py \
        127.0.0.1
    assert_failure 1
    assert_line --regexp '^FAIL pieces .*: did not print /hello, sockstep/'
    says "so a recv() got only part of a line"
    assert_line --regexp '^FAIL refused .*: Python traceback \(ConnectionRefusedError\)'
    assert_line --regexp '^FAIL not-utf8 .*: Python traceback \(UnicodeDecodeError\)'
    says "decode with errors=\"replace\""
}

# ---- the handout's assignments, with specs -------------------------------------------------
# (the solutions' own runs against echo.spec, echo-many.spec and
# echo-client.spec are in assignments-specs.bats)

@test "students: assignment 4: a server of one client at a time fails together" {
    spec echo-many --only together echo-good.c
    assert_failure 1
    assert_line --regexp '^FAIL together .*: served 1 of 5 at once'
    says "a process per client (lesson 12), or poll() (lesson 13)"
}

# ---- calculator: the correct one -------------------------------------------------

@test "students: calculator: a server that refuses what it cannot compute passes" {
    spec calculator calc-good.py
    passes_all
    assert_line --regexp '^PASS out-of-range '
}
