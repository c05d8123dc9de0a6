#!/usr/bin/env bats
# Lesson 19: how fast a socket goes. Correctness only: every byte arrives
# (a hash of them on both sides), the calls are counted truly, the options
# do what they say. Speed is measured by `make bench`, never here.

# PORT, BG_PID and EXIT_STATUS are set by test_helper.
# shellcheck disable=SC2153
load test_helper

# fnv FILE: the FNV-1a 64-bit hash of FILE, as the lesson prints it.
fnv() {
    "$PYTHON" -c '
import sys
h = 0xcbf29ce484222325
for b in open(sys.argv[1], "rb").read():
    h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
print("%016x" % h)' "$1"
}

# receiver OUTFILE ARGS...: lesson 19 receiving on a kernel-chosen port.
receiver() {
    local out="$1"
    shift
    start_server "$out" 19-throughput --receive --timeout 10 "$@"
}

# hash_in OUTFILE: the fnv1a64 line's value in a transcript.
hash_in() {
    sed -n 's/^  fnv1a64 \([0-9a-f]\{16\}\)$/\1/p' "$1"
}

@test "19-throughput: every byte arrives: the receiver's count and hash are the sender's" {
    local size
    # 3000001: not a whole number of buffers, so the last send() is short
    for size in 1K 1M; do
        receiver "$BATS_TEST_TMPDIR/recv$size" --verify --buffer "$size"
        run_lesson "$BIN/19-throughput" --send --port "$PORT" --verify \
            --bytes 3000001 --buffer "$size" --timeout 10
        assert_success
        assert_line --regexp '^sent 3000001 bytes in [0-9.]+ s: [0-9.]+ MB/s \([0-9.]+ Gbit/s\)$'
        wait_exit "$BG_PID"
        [ "$EXIT_STATUS" -eq 0 ]
        assert_line "  fnv1a64 $(hash_in "$BATS_TEST_TMPDIR/recv$size")"
        run cat "$BATS_TEST_TMPDIR/recv$size"
        assert_line --regexp '^received 3000001 bytes in [0-9.]+ s: [0-9.]+ MB/s'
    done
    # recv(1024) returns at most 1024 bytes: at least 2930 calls for them
    receiver "$BATS_TEST_TMPDIR/recv" --buffer 1K
    run_lesson "$BIN/19-throughput" --send --port "$PORT" --bytes 3000001 \
        --buffer 1K --timeout 10
    assert_success
    # 3000001 / 1024 rounded up: the sender's calls are exactly that many
    assert_line "  system calls: 2930 send()"
    wait_exit "$BG_PID"
    run cat "$BATS_TEST_TMPDIR/recv"
    local calls
    calls=$(sed -n 's/^  system calls: \([0-9]*\) recv()$/\1/p' "$BATS_TEST_TMPDIR/recv")
    ((calls >= 2931)) # 2930 with data, one more that returned 0
    assert_line --regexp '^  CPU time: [0-9.]+ s user, [0-9.]+ s system \([0-9]+% of the elapsed time\)$'
}

@test "19-throughput: the setup calls narrate and match strace; the timed calls do not narrate" {
    plain && skip "the plain build narrates nothing"
    need_strace
    untraceable_leaks
    start_bg "$BATS_TEST_TMPDIR/recv" "${TRACE[@]}" "$BATS_TEST_TMPDIR/rtrace" \
        "$BIN/19-throughput" --receive --port 0 --timeout 10
    wait_ready "$BATS_TEST_TMPDIR/recv"
    run_lesson "${TRACE[@]}" "$BATS_TEST_TMPDIR/strace" \
        "$BIN/19-throughput" --send --port "$PORT" --bytes 1M --timeout 10
    assert_success
    echo "$output" >"$BATS_TEST_TMPDIR/send"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    # --subset: the transfer's own calls are in the trace, not narrated
    strace_matches "$BATS_TEST_TMPDIR/send" "$BATS_TEST_TMPDIR/strace" --subset
    strace_matches "$BATS_TEST_TMPDIR/recv" "$BATS_TEST_TMPDIR/rtrace" --subset
    run cat "$BATS_TEST_TMPDIR/send"
    assert_line --regexp '^connect\(3, 127\.0\.0\.1:[0-9]+, 16\) = 0$'
    assert_line "getsockopt(3, SOL_SOCKET, SO_SNDBUF, [16384], [4]) = 0"
    assert_line "== sending 1048576 bytes with send() =="
    refute_line --regexp '^send\('
    run cat "$BATS_TEST_TMPDIR/recv"
    assert_line --regexp '^accept\(3, 127\.0\.0\.1:[0-9]+, 16\) = 4$'
    assert_line "== receiving, up to 131072 bytes per recv() =="
    refute_line --regexp '^recv\('
    assert_line "close(4) = 0"
    # and in the trace, the calls that were not narrated: 8 sends of 128K
    run grep -c -E '^([0-9]+ +)?sendto\(3[<,].*, 131072, MSG_NOSIGNAL, NULL, 0\) = 131072$' \
        "$BATS_TEST_TMPDIR/strace"
    assert_output 8
}

@test "19-throughput: a Python receiver gets the sender's bytes (foreign peer)" {
    start_bg "$BATS_TEST_TMPDIR/py" "$PYTHON" "$PEERS/tcp-sink.py" \
        "$BATS_TEST_TMPDIR/data"
    wait_ready "$BATS_TEST_TMPDIR/py"
    run_lesson "$BIN/19-throughput" --send --port "$PORT" --bytes 200001 \
        --verify --timeout 10
    assert_success
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    assert_line "  fnv1a64 $(fnv "$BATS_TEST_TMPDIR/data")"
    run cat "$BATS_TEST_TMPDIR/py"
    assert_line "got 200001"
}

@test "19-throughput: a Python sender's random bytes arrive intact (foreign peer)" {
    head -c 300007 /dev/urandom >"$BATS_TEST_TMPDIR/data"
    receiver "$BATS_TEST_TMPDIR/recv" --verify --buffer 4K
    run timeout "$WAIT_LOOPBACK" "$PYTHON" "$PEERS/send-file.py" "$PORT" "$BATS_TEST_TMPDIR/data"
    assert_success
    assert_output "closed"
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/recv"
    assert_line --regexp '^received 300007 bytes in '
    assert_line "  fnv1a64 $(fnv "$BATS_TEST_TMPDIR/data")"
    assert_line --regexp '^sender 127\.0\.0\.1:[0-9]+$'
}

@test "19-throughput: --sendfile sends the file itself, in few calls" {
    head -c 2500003 /dev/urandom >"$BATS_TEST_TMPDIR/file"
    receiver "$BATS_TEST_TMPDIR/recv" --verify
    run_lesson "$BIN/19-throughput" --send --port "$PORT" --verify \
        --sendfile "$BATS_TEST_TMPDIR/file" --timeout 10
    assert_success
    plain || assert_line "== sending 2500003 bytes with sendfile() =="
    assert_line --regexp '^sent 2500003 bytes in '
    assert_line --regexp '^  system calls: [0-9] sendfile\(\)$'
    # sendfile()'s bytes never pass through the sender: it has no hash
    refute_line --partial "fnv1a64"
    local want
    want=$(fnv "$BATS_TEST_TMPDIR/file")
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/recv"
    assert_line "  fnv1a64 $want"
    # a file that is not there: the error names it, and nothing is sent
    receiver "$BATS_TEST_TMPDIR/recv2"
    run_lesson "$BIN/19-throughput" --send --port "$PORT" \
        --sendfile "$BATS_TEST_TMPDIR/none" --timeout 10
    assert_failure 1
    assert_line "$BATS_TEST_TMPDIR/none: No such file or directory"
}

@test "19-throughput: --sendfile refuses a directory, a device, a /proc file and a FIFO before it connects" {
    local path want
    mkfifo "$BATS_TEST_TMPDIR/fifo"
    # A receiver is there: a sender that got as far as connect() would
    # connect, print more than the one line, and block on the FIFO.
    receiver "$BATS_TEST_TMPDIR/recv"
    for path in "$BATS_TEST_TMPDIR" /dev/zero /proc/self/status \
        "$BATS_TEST_TMPDIR/fifo"; do
        case $path in
        /dev/*) want="a regular file, not a device" ;;
        /proc/*) want="a file whose size is its length (a /proc file says 0)" ;;
        */fifo) want="a regular file, not a FIFO" ;;
        *) want="a regular file, not a directory" ;;
        esac
        run_lesson timeout "$WAIT_LOOPBACK" "$BIN/19-throughput" --send --port "$PORT" \
            --sendfile "$path" --timeout 5
        assert_failure 2
        assert_output "19-throughput: --sendfile: expected $want, got '$path' (see --help)"
    done
    # Nothing connected: the receiver is still waiting for its first sender.
    ss_running "$BG_PID"
    run grep -c '^sender ' "$BATS_TEST_TMPDIR/recv"
    assert_output 0
}

@test "19-throughput: --exchanges: every reply is its request, with and without --nodelay" {
    local nd
    for nd in --nodelay ""; do
        receiver "$BATS_TEST_TMPDIR/recv$nd" --exchanges 1
        # shellcheck disable=SC2086 # $nd: one option or none
        run_lesson "$BIN/19-throughput" --send --port "$PORT" \
            --exchanges 4 $nd --timeout 10
        assert_success
        assert_line --regexp '^4 exchanges in [0-9.]+ s: [0-9.]+ ms each on average$'
        assert_line "  system calls: 12 (send, send, recv each time)"
        wait_exit "$BG_PID"
        [ "$EXIT_STATUS" -eq 0 ]
        run cat "$BATS_TEST_TMPDIR/recv$nd"
        assert_line --regexp '^answered 4 requests in [0-9.]+ s$'
    done
    plain && return 0
    run cat "$BATS_TEST_TMPDIR/recv"
    assert_line "== answering requests, up to 100 bytes per recv() =="
}

@test "19-throughput: --exchanges against a Python echo server, and one that answers wrong" {
    local mode
    for mode in echo corrupt; do
        start_bg "$BATS_TEST_TMPDIR/py$mode" "$PYTHON" "$PEERS/echo-server.py" "$mode"
        wait_ready "$BATS_TEST_TMPDIR/py$mode"
        run_lesson "$BIN/19-throughput" --send --port "$PORT" \
            --exchanges 3 --nodelay --timeout 5
        if [[ $mode == echo ]]; then
            assert_success
            assert_line --regexp '^3 exchanges in '
        else
            assert_failure 1
            assert_line "reply 1: not the request sent"
        fi
        kill_all_bg
    done
}

@test "19-throughput: --sockbuf: the kernel keeps twice the size asked for, and stops growing it" {
    receiver "$BATS_TEST_TMPDIR/recv" --sockbuf 64K
    run_lesson "$BIN/19-throughput" --send --port "$PORT" --sockbuf 64K \
        --bytes 8M --timeout 10
    assert_success
    assert_line "  SO_SNDBUF: 131072 bytes at the start, 131072 at the end"
    wait_exit "$BG_PID"
    run cat "$BATS_TEST_TMPDIR/recv"
    assert_line "  SO_RCVBUF: 131072 bytes at the start, 131072 at the end"
    plain || assert_line "setsockopt(3, SOL_SOCKET, SO_RCVBUF, [65536], 4) = 0"
    plain || assert_line "getsockopt(4, SOL_SOCKET, SO_RCVBUF, [131072], [4]) = 0"
    # The narration says what the kernel kept, not a rule (truth-3, row 12).
    if ! plain; then
        [[ "$(tr -s ' \n' '  ' <<<"$output")" == *"on Linux the kernel keeps 131072 bytes for the 65536 asked"* ]]
    fi
    # Without --sockbuf, Linux grows the send buffer as the data flows.
    receiver "$BATS_TEST_TMPDIR/recv2"
    run_lesson "$BIN/19-throughput" --send --port "$PORT" --bytes 8M \
        --timeout 10
    assert_success
    local start end
    read -r start end < <(sed -n 's/^  SO_SNDBUF: \([0-9]*\) bytes at the start, \([0-9]*\) at the end$/\1 \2/p' <<<"$output")
    [ "$start" -eq "$(awk '{print $2}' /proc/sys/net/ipv4/tcp_wmem)" ]
    ((end > start))
}

@test "19-throughput: --count 2 receives two transfers, one after another" {
    receiver "$BATS_TEST_TMPDIR/recv" --count 2 --verify
    run_lesson "$BIN/19-throughput" --send --port "$PORT" --bytes 1000 --verify --timeout 5
    assert_success
    run_lesson "$BIN/19-throughput" --send --port "$PORT" --bytes 2000 --verify --timeout 5
    assert_success
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run grep -c -E '^received (1000|2000) bytes in ' "$BATS_TEST_TMPDIR/recv"
    assert_output 2
}

@test "19-throughput: a sender that sends requests and never reads a reply is dropped after --timeout" {
    noread_before "$BATS_TEST_TMPDIR/recv" "$BATS_TEST_TMPDIR/peer"
    start_server "$BATS_TEST_TMPDIR/recv" 19-throughput --receive \
        --exchanges 1 --count 1 --timeout 2
    local server=$BG_PID
    noread_dropped
    wait_exit "$server" 20
    [ "$EXIT_STATUS" -eq 1 ]
    run cat "$BATS_TEST_TMPDIR/recv"
    assert_line "the sender read no reply for 2 s (--timeout)"
}

@test "19-throughput: no sender within --timeout: says so and exits 1" {
    run_lesson timeout "$WAIT_LOOPBACK" "$BIN/19-throughput" --receive --port 0 --timeout 1
    assert_failure 1
    assert_line "no sender connected within --timeout 1 s"
}

@test "19-throughput: a sender with no receiver fails with ECONNREFUSED" {
    local port
    port=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    run_lesson "$BIN/19-throughput" --send --port "$port" --bytes 1K --timeout 5
    assert_failure 1
    assert_line "connect: Connection refused"
    plain && return 0
    assert_line "connect(3, 127.0.0.1:$port, 16) = -1 ECONNREFUSED (Connection refused)"
}

@test "19-throughput: bad sides and sizes are refused with exit 2, naming the option" {
    run_lesson "$BIN/19-throughput" --send --receive
    assert_failure 2
    assert_output "19-throughput: --send and --receive: expected one of them, not both (see --help)"
    # neither: the line names what is missing, not an option never given
    run_lesson "$BIN/19-throughput" --port 0
    assert_failure 2
    assert_output "19-throughput: --send or --receive: expected one of them (see --help)"
    local bad
    for bad in "--buffer 512" "--buffer 2M" "--buffer 1X" "--bytes 0" \
        "--bytes 1KB" "--bytes -5" "--bytes 2000G" "--sockbuf abc" \
        "--bytes 99999999999999999999"; do
        # shellcheck disable=SC2086 # an option and its value
        run_lesson "$BIN/19-throughput" --send $bad
        assert_failure 2
        assert_output --regexp "^19-throughput: ${bad% *}: expected a size from .*, got '${bad#* }' \(see --help\)$"
    done
    run_lesson "$BIN/19-throughput" --send --exchanges 0
    assert_failure 2
}

@test "19-throughput: --help lists its own options and says what --timeout bounds" {
    run_lesson "$BIN/19-throughput" --help
    assert_success
    local o
    for o in --send --receive "--bytes N" "--buffer N" "--sockbuf N" \
        --nodelay "--exchanges N" "--sendfile PATH" --verify "--count N"; do
        assert_line --regexp "^  $o( |$)"
    done
    assert_output --partial "seconds the receiver waits for a sender"
    refute_output --partial "--message"
}

@test "19-throughput: the Python version talks to the C lesson, both ways" {
    local py="$ROOT/docs/python/19_throughput.py"
    receiver "$BATS_TEST_TMPDIR/recv" --verify
    run timeout "$WAIT_RUN" "$PYTHON" "$py" --send --port "$PORT" --bytes 100003 \
        --buffer 1K --verify
    assert_success
    assert_line --regexp '^sent 100003 bytes in '
    assert_line --regexp '^  system calls: [0-9]+ send\(\)$'
    local h
    h=$(sed -n 's/^  fnv1a64 //p' <<<"$output")
    wait_exit "$BG_PID"
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/recv"
    assert_line "  fnv1a64 $h"

    start_bg "$BATS_TEST_TMPDIR/py" "$PYTHON" "$py" --receive --port 0 --verify \
        --timeout 10
    wait_ready "$BATS_TEST_TMPDIR/py"
    run_lesson "$BIN/19-throughput" --send --port "$PORT" --bytes 100003 \
        --verify --timeout 10
    assert_success
    h=$(sed -n 's/^  fnv1a64 //p' <<<"$output")
    wait_exit "$BG_PID" 20
    [ "$EXIT_STATUS" -eq 0 ]
    run cat "$BATS_TEST_TMPDIR/py"
    assert_line --regexp '^received 100003 bytes in '
    assert_line "  fnv1a64 $h"
}
