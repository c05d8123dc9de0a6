#!/usr/bin/env bats
# scripts/check against the sample programs in tests/check/: each fails
# the check it must, and says why in words a student can act on (the
# rest of the checker's tests are in check.bats, check-cli.bats,
# check-restart.bats and check-crashes.bats). The
# samples are in two files that run side by side, since the checks mostly
# wait: this one and check-samples-clients.bats.
#
# The checker starts and kills the programs itself (each in a session of
# its own, on ports it chose), so no test here has a background process;
# every run is bounded by timeout(1), below bats' own per-test limit, and
# goes through bare (only fds 0, 1 and 2 open: nothing holds bats' fd 3).
# The samples that spin or compute on purpose run under
# tests/low-priority (as root: a tenth of a CPU each): they do not burn
# a core for seconds, and the checker must still see that they spin or
# compute (ready to run at each look, however little CPU they get),
# which is how such a program looks on a loaded machine.

load test_helper
load hostile/common
load lib/students

# queued_at_reset_over N: the sigpipe check's words in $output say that
# more than N bytes of its requests still waited in the program's
# receive queue when it reset the connection (more than two of the
# samples' recv(4096): the second send() after the reset raises SIGPIPE).
queued_at_reset_over() {
    assert_regex "$(printf '%s' "$output" | tr '\n' ' ' | tr -s ' ')" \
        '\(([0-9]+) bytes of ours were still waiting in the program.s receive queue\)'
    (( BASH_REMATCH[1] > $1 )) ||
        fail "${BASH_REMATCH[1]} bytes queued at the reset, not more than $1"
}

# ---- the sample programs fail where they must ---------------------------------

@test "check: the seeds' server (no exit at recv() == 0) fails half-close and the spin is named" {
    check --only one-line,half-close,twenty-clients --wait "$LOW_WAIT" \
        echo-server -- "$LOW" "$PYTHON" "$SAMPLES/spin-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^PASS one-line '
    assert_line --regexp "^FAIL half-close .*: spins after the client's shutdown: [0-9.]+ s of CPU in [0-9.]+ s"
    says "it spins, calling recv() again and again"
    says "see lesson 06: recv() == 0"
    # it serves one client only: twenty-clients says it spins, not that
    # accept() needs a loop (it is still in client 1's loop)
    assert_line --regexp '^FAIL twenty-clients .*: served 1 of 20 clients'
    says "it spins; a further client's connection waited in its listening socket's queue, taken by no accept()"
    says "Probably it is still in its loop for an earlier client"
    refute_output --partial "served only the first client"
    # its own output, as evidence
    says "| Data received:"
    # and, without --narrate, none of its calls (narrate.bats shows them
    # with it, for a server that spins the same way)
    refute_output --partial "its last socket calls"
    refute_output --partial "scripts/narrate"
}

@test "check: twenty-clients gives the accept() loop hint only to a server that sleeps or ended with status 0" {
    check --only twenty-clients echo-server -- \
        "$PYTHON" "$SAMPLES/one-client-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL twenty-clients .*: served 1 of 20 clients'
    says "The program still ran, asleep ("
    says "and a further client's connection waited in its listening socket's queue, taken by no accept(). It served only the first client: a server calls accept() again, in a loop"
    check --only twenty-clients echo-server -- \
        "$PYTHON" "$SAMPLES/one-shot-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL twenty-clients .*: served 1 of 20 clients'
    says "The program had ended: it exited with status 0."
    says "It ended by itself, with status 0, after one client: probably there is no loop around accept()"
}

@test "check: one-megabyte guesses a single recv(), not a short send, for a server that reads once per client" {
    check --only one-megabyte echo-server -- \
        "$PYTHON" "$SAMPLES/once-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL one-megabyte .*: [0-9]+ of 1048576 bytes came back'
    says "all the same as the start of what was sent; then the program"
    says "The program, still running, ended the connection before all had come"
    says "probably it calls recv() once (or a fixed number of times) per client"
    refute_output --partial "stuck in a send()"
    refute_output --partial "A short send"
}

@test "check: a server that never closes its client sockets fails the descriptor check" {
    check --only one-line,descriptors echo-server -- \
        "$PYTHON" "$SAMPLES/leak-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^PASS one-line '
    assert_line --regexp '^FAIL descriptors .*: (19|20|21) more descriptors after 20 clients'
    says "about one left open per client"
    says "close() it when that client is done"
}

@test "check: a server that dies of SIGPIPE is caught, with the fix" {
    check --only one-line,sigpipe echo-server -- \
        "$PYTHON" "$SAMPLES/sigpipe-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^PASS one-line '
    assert_line --regexp '^FAIL sigpipe .*: killed by SIGPIPE'
    # the reset came while the sample still had our bytes to read: more
    # than two of its recv(4096) take (the check waits for 32 KiB where
    # the sample's buffer holds so much; the next test is where it cannot)
    queued_at_reset_over 8192
    says "The program was killed by SIGPIPE"
    says "MSG_NOSIGNAL"
}

@test "check: a server that dies of SIGPIPE is caught where its receive buffer is too small for the queue the check wants" {
    # At most 16 KiB of buffer, the sample's queue never reaches the
    # 32 KiB the check waits for; after its fifth turn it must still
    # reset with the queue full, not just after reading replies, when the
    # sample has emptied it (that passed this sample once). Two of the
    # sample's recv(4096) must find bytes after the reset.
    small_buffers "$PYTHON" "$CHECK" --only sigpipe echo-server -- \
        "$PYTHON" "$SAMPLES/sigpipe-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL sigpipe .*: killed by SIGPIPE'
    queued_at_reset_over 8192
}

@test "check: a server that dies of SIGPIPE is caught when the flood's time ends in a read" {
    # On a busy machine the check's 5 s ran out while it read replies;
    # the next turn skipped its flood, the sample emptied its queue, and
    # the reset found nothing waiting: the sample passed (CI, once). Here
    # the time is 0.75 s, which ends during the first read wherever the
    # first flood ends in its half-second stall: the last turn must
    # still flood. (Where the machine is so slow that the first flood
    # outlasts 0.75 s, no read comes at all, and this is the test above.)
    local run="import sys; sys.path.insert(0, sys.argv[1]); \
from sockcheck import main, spec_peers; spec_peers.FLOOD_LIMIT = 0.75; \
sys.exit(main(sys.argv[1:]))"
    small_buffers "$PYTHON" -c "$run" "$ROOT/scripts" --only sigpipe \
        echo-server -- "$PYTHON" "$SAMPLES/sigpipe-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL sigpipe .*: killed by SIGPIPE'
    queued_at_reset_over 8192
}

@test "check: a UDP receiver with a 1024-byte buffer fails truncated, and the check explains" {
    # (the kind's whole pass is the model receiver's, assignments.bats)
    check --only truncated udp-receiver -- \
        "$PYTHON" "$SAMPLES/small-buffer-receiver.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL truncated .*: cut to 1024 of 2000 bytes'
    says "printed only the first 1024 of them, so its buffer is probably 1024 bytes"
    says "use a buffer of 65536 bytes"
    assert_line "1 check: 0 passed, 1 failed"
}

@test "check: a UDP receiver with a 16-byte buffer is not told it stopped at an empty datagram" {
    # It goes on after the empty datagram, and prints the first 16 bytes
    # of the next: its buffer is the matter, as truncated says.
    check --only empty,truncated udp-receiver -- \
        "$PYTHON" "$SAMPLES/tiny-buffer-receiver.py" '{port}'
    assert_failure 1
    assert_line --regexp '^NOT RUN empty .*: second datagram cut to 16 bytes$'
    says 'it printed only the first 16 bytes ("after the empty "), so its buffer seems to be 16 bytes'
    refute_output --partial "stopped at an empty datagram"
    assert_line --regexp '^FAIL truncated .*: cut to 16 of 2000 bytes'
}

@test "check: a UDP receiver that prints no datagram is not told its buffer was cut" {
    # It prints "Client @ 127.0.0.1 joined.": the "12" there is not the
    # first two bytes of the long datagram.
    check --only truncated udp-receiver -- "$PYTHON" "$SAMPLES/join-receiver.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL truncated .*: 2000-byte datagram not printed'
    refute_output --partial "its buffer is probably"
}

# check_on_device ARGS...: the checker's run as check does it, in a
# network namespace of its own (unshare -rn) with loopback up and one
# more interface, sockstep0 (a bridge or, where the kernel has none, a
# veth pair), for a sample to bind its socket to; skipped where no such
# interface can be made.
DEVICE_MAKE='ip link add sockstep0 type bridge 2>/dev/null ||
    ip link add sockstep0 type veth peer name sockstep1'
check_on_device() {
    local made
    made=$(unshare -rn sh -c "$DEVICE_MAKE" 2>&1) ||
        skip_namespaces "no network interface can be made in a namespace here: $made"
    run bare timeout "$((110 * SCALE))" unshare -rn sh -c \
        "ip link set lo up && { $DEVICE_MAKE; } && exec \"\$@\"" \
        sh "$PYTHON" "$CHECK" "$@"
}

# fails_unprinted CHECK WHY: the one datagram check CHECK of a receiver
# failed, none of its datagrams printed after it was sent: WHY, as what
# the program printed before the datagram came (then it is not printed
# after it) or, when the program printed so late that the checker had
# sent already (its wait for a quiet program ends after 2 s: on a loaded
# machine the program may not have run by then), as printed while the
# datagram waited unread.
# The four datagram checks (datagram, empty, truncated, burst) tell these
# receivers apart alike: each test runs one or two of them, and together
# they run each check at least once. (Each check that finds nothing
# printed waits 2 s for it.)
fails_unprinted() {
    assert_failure 1
    assert_line --regexp "^FAIL $1 .*: ($2|printed without receiving it)"
    assert_line "1 check: 0 passed, 1 failed"
}

@test "check: a UDP receiver that prints the checks' lines before any came fails them" {
    # It prints, as it starts, every line the checks send, and never
    # calls recvfrom(): only what it prints after a datagram was sent
    # can be that datagram.
    check --only datagram udp-receiver -- \
        "$PYTHON" "$SAMPLES/prescient-receiver.py" '{port}'
    fails_unprinted datagram "datagram not printed"
}

@test "check: a UDP receiver that computes before it prints the lines fails them all the same" {
    # It prints them half a second after it bound its port, computing
    # until then, as a program waiting for a CPU on a loaded machine:
    # the checks send only once it waits, so what it printed first is
    # still before their datagrams.
    check --only burst udp-receiver -- \
        "$LOW" "$PYTHON" "$SAMPLES/prescient-receiver.py" '{port}' 0.5 spin
    fails_unprinted burst "printed 0 of 100 datagrams"
}

@test "check: a UDP receiver that prints the lines while their datagrams wait unread fails" {
    # It prints the lines as soon as a datagram has come, but never
    # reads one: they are still in its socket.
    # (one datagram and two: the words for each)
    check --only datagram,empty udp-receiver -- \
        "$PYTHON" "$SAMPLES/prescient-receiver.py" '{port}' wait
    assert_failure 1
    assert_line --regexp '^FAIL datagram .*: printed without receiving it'
    assert_line --regexp '^FAIL empty .*: printed without receiving it'
    says "the datagram still waited, unread, in the receive queue of its socket"
    says "the datagrams still waited, unread, in the receive queue of its socket"
    assert_line "2 checks: 0 passed, 2 failed"
}

@test "check: a UDP receiver whose socket takes no datagram of the checker's fails" {
    # Its socket is bound to another network interface than loopback
    # (SO_BINDTODEVICE), so the checker's datagrams find no socket, and the
    # kernel says so; it prints once the kernel has refused one, which it
    # sees in the Udp NoPorts counter of a network namespace of its own.
    # (one datagram and two: the words for each)
    need_unshare -rn
    check_on_device --only datagram,truncated udp-receiver -- \
        "$PYTHON" "$SAMPLES/prescient-receiver.py" '{port}' on sockstep0
    assert_failure 1
    assert_line --regexp '^FAIL datagram .*: printed without receiving it'
    assert_line --regexp '^FAIL truncated .*: printed without receiving it'
    says "the program printed it, but the kernel answered that no socket on port"
    says "would take the second (ICMP port unreachable)"
    says "the program had closed its socket, connect()ed it to another address or bound it to another network interface"
    assert_line "2 checks: 0 passed, 2 failed"
}

@test "check: a UDP receiver whose output waits in stdio's buffer is told so" {
    # It prints each datagram with fputs(), no line end: it receives
    # every one, and its terminal shows none (or a full buffer's worth).
    cc_strict \
        "$SAMPLES/unflushed-receiver.c" -o "$BATS_TEST_TMPDIR/unflushed"
    # (two of the four: the empty datagram, which it must not be told
    # ended it, and the burst of 100)
    check --only empty,burst udp-receiver -- \
        "$BATS_TEST_TMPDIR/unflushed" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL empty .*: received, not printed \('
    assert_line --regexp '^FAIL burst .*: received, not printed \('
    says "It took both from its socket (nothing waits there, nothing was dropped)"
    says "end each line with \n, or call fflush(stdout)"
    refute_output --partial "stopped at an empty datagram"
    refute_output --partial "its buffer is probably"
    # A Python program (run unbuffered) is not told about C's stdout.
    check --only datagram udp-receiver -- "$PYTHON" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
while True:
    s.recvfrom(65536)' '{port}'
    assert_line --regexp '^FAIL datagram .*: received, not printed \('
    says "but has not printed it. Print what recvfrom() gave"
    refute_output --partial "fflush"
}

@test "check: a UDP receiver that ends after any datagram is not told the empty one ended it" {
    check --only datagram,empty udp-receiver -- \
        "$PYTHON" "$SAMPLES/one-datagram-receiver.py" '{port}'
    assert_success
    assert_line --regexp '^PASS datagram '
    assert_line --regexp '^NOT RUN empty .*: ends after any datagram$'
    says "it ends after one datagram of 12 bytes as well (the checker ran it again to see)"
    refute_output --partial "recvfrom() returning 0 is an empty datagram, not an end"
    # One that ends at the empty one, and only there, is told so.
    check --only empty udp-receiver -- "$PYTHON" "$SAMPLES/empty-end-receiver.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL empty .*: ended at an empty datagram \('
    says "recvfrom() returning 0 is an empty datagram, not an end"
    # So is one that also ends by its own clock, after the next datagram.
    check --only empty udp-receiver -- "$PYTHON" "$SAMPLES/quiet-end-receiver.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL empty .*: ended at an empty datagram \('
}

@test "check: a UDP receiver whose socket filter drops every datagram fails" {
    # Its receive queue stays empty, but it received nothing: it prints
    # the lines once the kernel has dropped a datagram.
    check --only datagram,empty,truncated udp-receiver -- \
        "$PYTHON" "$SAMPLES/filter-receiver.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL datagram .*: printed without receiving it'
    assert_line --regexp '^FAIL empty .*: printed without receiving it'
    assert_line --regexp '^FAIL truncated .*: printed without receiving it'
    says "the datagram never reached it: the kernel dropped 1 datagram"
    assert_line "3 checks: 0 passed, 3 failed"
}

@test "check: a server listening on 0.0.0.0 gets a note, and is still checked over loopback" {
    # What the textbooks teach, and what a server for other
    # machines needs; the note says what it means and how to restrict it
    check --only loopback,one-line echo-server -- \
        "$PYTHON" "$SAMPLES/any-address-server.py" '{port}'
    assert_success
    assert_line --regexp '^NOTE loopback .*: bound to 0\.0\.0\.0:[0-9]+'
    says "every address of this machine, so other machines on its networks can reach it"
    says "To keep it to this machine, bind 127.0.0.1"
    refute_line --regexp '^FAIL'
    assert_line --regexp '^PASS one-line '
    assert_line "2 checks: 2 passed (1 of them with a note), 0 failed"
}
