#!/usr/bin/env bats
# The spec language's keys for the rest of real assignments:
# a server whose replies come from its operator's keyboard (input: on its
# stdin), a client of a protocol without line ends (newline: no), binary
# fields (send-u32: and expect-u32:), a chat's relay between two clients
# (relay:, specs/chat.spec), what a server prints (print:), a client fed
# long and bad input lines, and advice that says only what was seen. The
# samples are in tests/check/ (with their specs) and tests/students/. The
# checker starts and ends the programs itself, on ports it chose, loopback
# only; --only keeps each run to the checks the test reads.

# The longest wait inside a test here is 60 s: bats' own per-test
# limit must be longer, or that wait could never say what it waited
# for (tests/timeouts checks it).
: "${BATS_TEST_TIMEOUT:=$((90 * ${SOCKSTEP_TEST_SCALE:-1}))}"
load test_helper
load lib/students

# sample SPEC CHECKS ARGS...: bats' run of the checker on a program of
# tests/check/ with its spec there, the checks CHECKS only.
sample() {
    local spec="$SAMPLES/$1.spec" only="$2"
    shift 2
    run bare timeout "$WAIT_LONG" "$PYTHON" "$CHECK" --only "$only" --spec "$spec" \
        -- "$@"
}

@test "spec-keys: input: the operator's lines are typed on a server's stdin, in turn" {
    sample operator exchange,reset,long-line \
        "$PYTHON" "$SAMPLES/operator-chat.py" '{port}'
    passes_all
    assert_line "3 checks: 3 passed, 0 failed"
    says 'sent "hello, is anyone there?\n", typed "yes, I am here\n", got "yes, I am here\n", sent "how are you?\n", typed "fine, thanks\n", got "fine, thanks\n"'
    # the operator answers a client that reset only after the RST came,
    # so the reply never races it: a server that catches errors only where
    # it sends (this one) passes however fast each side runs
    says 'then reset the connection (close() with SO_LINGER 0 sends a RST), and only then did its operator type "yes, I am here\n". The program stayed up'
    # the operator answers the long line too, and the next client is served
    says 'it answered "yes, I am here\n". The program stayed up'
}

@test "spec-keys: input: zombies are counted with no operator, or not run if the program ends" {
    sample operator zombies "$PYTHON" "$SAMPLES/operator-fork-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL zombies .*: ([2-9]|10) zombies after 10 clients'
    says 'each played the exchange up to its first input: line (sent "hello, is anyone there?\n"), with the program'"'"'s standard input at its end (no operator answered), and left'
    # a server that ends when its operator has gone
    sample operator zombies "$PYTHON" "$SAMPLES/operator-chat.py" '{port}'
    assert_success
    assert_line --regexp '^NOT RUN zombies .*: ended with no operator$'
    says 'with no operator (its standard input at its end), the program exited with status 0, and zombies are counted only while it runs'
}

@test "spec-keys: input: a next client accepted and left unanswered is not told to accept() again" {
    # the line typed for the next client goes to the one that had left
    sample stale-select in-turn,not-utf8 \
        "$PYTHON" "$SAMPLES/stale-select-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL in-turn .*: served 1 of 5 clients'
    assert_line --regexp '^FAIL not-utf8 .*: next client not served after bytes that are not UTF-8'
    says 'The program had accepted that client (no connection was left waiting in its accept queue), but sent it nothing: probably it was still busy with the client before, which had left'
    refute_output --partial "calls accept() again"
    refute_output --partial "stuck on the bad request"
}

@test "spec-keys: newline: no: a client's request without a line end is judged on the bytes that came" {
    sample add-noline exchange,long-line,long-input,bad-input \
        "$PYTHON" "$SAMPLES/add-client-noline.py" '{port}'
    assert_failure 1
    assert_line --regexp '^PASS exchange '
    says 'The checker'"'"'s server played the spec: the program sent "ADD 3 4", the checker sent "7".'
    assert_line --regexp '^PASS long-line '
    # it splits its input line unchecked: a traceback, not a hang
    assert_line --regexp '^FAIL long-input .*: Python traceback \(ValueError\) on a line of 10000 bytes'
    assert_line --regexp '^FAIL bad-input .*: Python traceback \(ValueError\) on a line with a NUL'
    says 'The program'"'"'s input was a line of 10000 bytes ("AAAAAAAAAAAAAAAAAAAAAAAA"...), then the spec'"'"'s input: lines'
}

@test "spec-keys: u32: a binary answer in network order passes, one in host order fails with its number" {
    sample next-u32 exchange "$PYTHON" "$SAMPLES/next-u32.py" '{port}'
    assert_success
    says 'sent "\x00\x00\x00*", got "\x00\x00\x00+", sent "\xff\xff\xff\xff", got "\x00\x00\x00\x00"'
    sample next-u32 exchange "$PYTHON" "$SAMPLES/next-u32.py" --host-order '{port}'
    assert_failure 1
    if [[ "$(printf '\1\0' | od -An -tu2 | tr -d ' ')" == 1 ]]; then
        says 'reply 1 was "+\x00\x00\x00", 721420288, where the spec wants a 4-byte integer 43 in network order (spec line 4'
    fi
}

@test "spec-keys: chat.spec: lesson 13 relays a line to the other client; a chat that sends it back to its sender fails" {
    run bare timeout "$WAIT_LONG" "$PYTHON" "$CHECK" --only exchange,in-turn \
        --spec "$SPECS/chat.spec" -- "$BIN/13-poll-chat" --port '{port}'
    assert_success
    says 'the other client got "client 2: hello, everyone\n"'
    spec chat --only exchange chat-sender.py
    assert_failure 1
    assert_line --regexp '^FAIL exchange .*: sent back to its sender only, not relayed'
    says 'the other client, connected before this one, got nothing within 3.00 s'
    says 'The line came back to its sender instead ("hello, everyone\n")'
}

@test "spec-keys: a wrong answer to the next client after a huge number is not called stuck" {
    spec calculator --only out-of-range calc-stale.c
    assert_failure 1
    assert_line --regexp '^FAIL out-of-range .*: next client answered wrongly after its first line'
    says 'reply 1 was "1000002\n", which does not match'
    says "The program answered the next client, but not as the spec says"
    refute_output --partial "stuck on the bad request"
}

@test "spec-keys: print: a TCP server must print what it got; one that prints nothing fails" {
    printf '%s\n' 'send: hello there' 'expect: hello there' \
        'print: .*hello there.*' >"$BATS_TEST_TMPDIR/p.spec"
    # lesson 06's server narrates each recv(), bytes and all
    run bare timeout "$WAIT_LONG" "$PYTHON" "$CHECK" --only exchange \
        --spec "$BATS_TEST_TMPDIR/p.spec" -- \
        "$BIN/06-send-recv-server" --port '{port}'
    assert_success
    says 'the program printed a line that matches /.*hello there.*/'
    run bare timeout "$WAIT_LONG" "$PYTHON" "$CHECK" --only exchange \
        --spec "$BATS_TEST_TMPDIR/p.spec" -- \
        "$PYTHON" "$SAMPLES/echo-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL exchange .*: did not print what it got'
    says 'the program printed no line that matches /.*hello there.*/'
}

@test "spec-keys: the manual's table of keys is every key the checker takes, no more" {
    has_manual
    # The rows of the table under "The keys of a spec" in
    # docs/manual-grading.md, "| `KEY:` | ...", against spec.py's KEYS.
    local manual checker
    manual=$(awk '/^## The keys of a spec/ {on = 1; next} on && /^## / {exit}
        on && /^\| `[a-z0-9-]+:` \|/ {sub(/^\| `/, ""); sub(/:`.*/, ""); print}' \
        "$ROOT/docs/manual-grading.md" | sort)
    checker=$(cd "$ROOT/scripts" && "$PYTHON" -c \
        'from sockcheck.spec import KEYS; print("\n".join(KEYS))' | sort)
    [[ -n "$manual" && -n "$checker" ]] || fail "no keys read: manual '$manual', checker '$checker'"
    diff <(echo "$manual") <(echo "$checker") ||
        fail "docs/manual-grading.md's keys (<) are not spec.py's KEYS (>)"
}
