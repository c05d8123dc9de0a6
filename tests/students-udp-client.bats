#!/usr/bin/env bats
# Part of the student corpus, checked with scripts/check
# --spec (tests/students.bats says how; the files run side by side, since
# the checks mostly wait). This one: the UDP client (udp-echo-client.spec),
# where the checker is the client's server on a UDP socket.

# The longest wait inside a test here is 150 s: bats' own per-test
# limit must be longer, or that wait could never say what it waited
# for (tests/timeouts checks it).
: "${BATS_TEST_TIMEOUT:=$((180 * ${SOCKSTEP_TEST_SCALE:-1}))}"
load test_helper
load lib/students

# udp_spec TEXT: a spec file in the test's directory, the example's
# exchange with TEXT after it; its path in UDP_SPEC.
udp_spec() {
    UDP_SPEC="$BATS_TEST_TMPDIR/udp-client.spec"
    {
        grep -v '^give-up:' "$SPECS/udp-echo-client.spec"
        printf '%s\n' "$1"
    } >"$UDP_SPEC"
}

@test "students: udp-echo-client: a connect()ed client with a timeout passes" {
    spec udp-echo-client udp-echo-client-good.c 127.0.0.1
    passes_all
    assert_line "6 checks: 6 passed, 0 failed"
    # the silent server: it gave up by itself, and said so
    assert_line --regexp '^PASS no-reply '
    says 'The program exited with status 1'
    says 'saying "no reply within 3 s"'
    # the stranger's datagram never reached it (the kernel dropped it)
    says 'came to the program from 127.0.0.1:'
    says 'The program did not print it; it printed what the spec asks'
    # its buffer holds the whole 60000 bytes: a pass, no note
    assert_line --regexp '^PASS long-line '
}

@test "students: udp-echo-client: a client that prints each reply as it came passes" {
    # It sends each line with its newline and prints the reply with no
    # newline of its own (as Stevens' dg_cli): the checker's server
    # answers an echo with the datagram as it came, newline included.
    check --spec "$SPECS/udp-echo-client.spec" --only exchange -- \
        "$PYTHON" "$SAMPLES/raw-udp-echo-client.py" '{port}'
    assert_success
    assert_line --regexp '^PASS exchange '
    says 'the program sent "hello, sockstep\n", the checker sent "hello, sockstep\n"'
}

@test "students: udp-echo-client: no timeout, any sender, a small buffer" {
    spec udp-echo-client --only no-reply,stranger,long-line \
        udp-echo-client-broken.py 127.0.0.1
    assert_failure 1
    assert_line --regexp '^FAIL no-reply .*: still running after 10.5 s \('
    says 'The checker'"'"'s server received 1 datagram from the program (the first: "hello, sockstep") and never answered.'
    says 'The program was still running 10.5 s after its start.'
    assert_line --regexp "^FAIL stranger .*: printed a stranger's datagram"
    says 'The program printed it as a reply.'
    says 'or connect() the UDP socket to the server'
    assert_line --regexp '^NOTE long-line .*: cut to 1024 of 60000 bytes'
    assert_line "3 checks: 1 passed (1 of them with a note), 2 failed"
}

@test "students: udp-echo-client: give-up: in the spec is the bound of no-reply" {
    # the correct client waits 3 s for a reply: more than this spec allows
    udp_spec "give-up: 1"
    student udp-echo-client-good.c
    run bare timeout "$((150 * SCALE))" "$PYTHON" "$CHECK" --only no-reply \
        --spec "$UDP_SPEC" -- "${PROG[@]}" 127.0.0.1 '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL no-reply .*: still running after 1.50 s \('
    says 'The program was still running 1.50 s after its start.'
    # and with room for its 3 s, the same client passes
    udp_spec "give-up: 5"
    run bare timeout "$((150 * SCALE))" "$PYTHON" "$CHECK" --only no-reply \
        --spec "$UDP_SPEC" -- "${PROG[@]}" 127.0.0.1 '{port}'
    assert_success
    assert_line "1 check: 1 passed, 0 failed"
}

@test "students: udp-echo-client: a client that sends to another port" {
    # {port} + 1, on loopback: what the checker's server sees is nothing
    cat >"$BATS_TEST_TMPDIR/elsewhere.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"hello, sockstep", (sys.argv[1], int(sys.argv[2]) + 1))
sys.exit(1)
EOF
    run bare timeout "$((150 * SCALE))" "$PYTHON" "$CHECK" --only exchange \
        --spec "$SPECS/udp-echo-client.spec" -- \
        "$PYTHON" "$BATS_TEST_TMPDIR/elsewhere.py" 127.0.0.1 '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL exchange .*: no datagram came \('
    says "No datagram from the program reached the checker's server on 127.0.0.1:"
    # the program run again under scripts/narrate: where it really sent
    says ", and the program exited with status 1. Run again under scripts/narrate, it sent its first datagram to 127.0.0.1:"
    says "(its sendto()), not to 127.0.0.1:"
    says "send to the address and port its command line gives ({port} is "
}

@test "students: udp-echo-client: a UDP server cannot speak first in a spec" {
    printf 'proto: udp\nprogram: client\nsend: hi\nexpect: hi\n' \
        >"$BATS_TEST_TMPDIR/first.spec"
    run bare "$PYTHON" "$CHECK" --spec "$BATS_TEST_TMPDIR/first.spec" -- \
        "$PYTHON" -c pass
    assert_failure 2
    assert_output --partial "first.spec line 3: a UDP server cannot speak first: the first line must be 'expect:', what the client sends"
}

@test "students: sanitizers: udp-echo-client-good.c passes udp-echo-client.spec" {
    cc_strict -g \
        -fsanitize=address,undefined "$STUDENTS/udp-echo-client-good.c" \
        -o "$BATS_TEST_TMPDIR/good" 2>/dev/null ||
        skip "cc cannot build with -fsanitize=address,undefined here"
    run bare timeout "$((150 * SCALE))" "$PYTHON" "$CHECK" \
        --spec "$SPECS/udp-echo-client.spec" -- \
        "$BATS_TEST_TMPDIR/good" 127.0.0.1 '{port}'
    passes_all
    refute_output --partial "Sanitizer"
    refute_output --partial "runtime error"
}
