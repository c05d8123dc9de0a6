#!/usr/bin/env bats
# Bad command lines, for every lesson binary: each must exit 2 with exactly
# one line on stderr naming the option (and what it accepts), nothing on
# stdout, and no socket made. Each test runs one case over every lesson and
# names the lesson and the case that failed.

# A test here runs one case over all 25 lessons: under the sanitizers,
# on a loaded machine, one took longer than test_helper's 120 s. This
# limit only keeps a test from hanging.
: "${BATS_TEST_TIMEOUT:=$((300 * ${SOCKSTEP_TEST_SCALE:-1}))}"
load test_helper
load hostile/common

setup() {
    read -r -a LESSON_LIST <<<"$(all_lessons)"
    need_bin "${LESSON_LIST[@]}"
    FAILS=()
}

# bad OPT ACCEPTS LESSON ARGS...: a case for report: LESSON run with ARGS
# must exit 2, print nothing on stdout and one line on stderr that names
# OPT and matches the extended regex ACCEPTS (what OPT takes). The cases
# are written down here and all run by one process (tests/hostile/bad-sweep)
# when report is called: a thousand cases a file, a process pipeline each,
# was a fifth of the suite's processes. bad itself is one command: a test
# writes hundreds of cases, and under bats each command runs its DEBUG trap.
bad() {
    printf '%s\0' "$1" "$2" "$3" $(($# - 3)) "${@:4}" >>"$BATS_TEST_TMPDIR/cases"
}

# Run the cases bad wrote down; print every failure (theirs and those in
# FAILS) and fail the test if there was one.
report() {
    local f status=0 out=""
    if [[ -e "$BATS_TEST_TMPDIR/cases" ]]; then
        out=$("$PYTHON" "$HOSTILE/bad-sweep" "$BIN" \
            "$BATS_TEST_TMPDIR/cases") || status=$?
        [[ -z "$out" ]] || printf '%s\n' "$out" >&2
        ((status == 0 || status == 1)) || return 1
    fi
    for f in "${FAILS[@]}"; do
        echo "FAIL $f" >&2
    done
    ((${#FAILS[@]} == 0 && status == 0))
}

PORT_OK='0 (to|\.\.) 65535'
HOST_OK='IPv4'
TIMEOUT_OK='second'
COUNT_OK='[0-9]+ (to|\.\.) [0-9]+|number'

# takes_names LESSON: --host takes names (Part II), not only IPv4 literals.
takes_names() {
    takes_option "$1" '--host NAME'
}

@test "bad input: --port -1 / 70000 / abc / '' / 65536 / huge (or unknown where not taken), every lesson" {
    local l n=0
    for l in "${LESSON_LIST[@]}"; do
        if ! takes_option "$l" --port; then
            bad --port 'unknown' "$l" --port 0
            continue
        fi
        n=$((n + 1))
        bad --port "$PORT_OK" "$l" --port -1
        bad --port "$PORT_OK" "$l" --port 70000
        bad --port "$PORT_OK" "$l" --port 65536
        bad --port "$PORT_OK" "$l" --port 99999999999999999999999
        bad --port "$PORT_OK" "$l" --port 0x
        bad --port "$PORT_OK" "$l" --port=
        bad --port "$PORT_OK" "$l" --port ''
        takes_names "$l" || bad --port "$PORT_OK" "$l" --port abc
    done
    report
    ((n >= 8)) # every lesson but 01 takes a port
}

@test "bad input: leading whitespace or a sign in a number is refused like any bad value" {
    local l v
    for l in "${LESSON_LIST[@]}"; do
        if takes_option "$l" --port; then
            for v in ' 80' $'\t80' $'\n80' $'\r80' '-0' '+80' '80 '; do
                bad --port "$PORT_OK" "$l" --port "$v"
            done
        fi
        if takes_option "$l" --timeout; then
            for v in $'\t1' ' 1' '+1' '-0'; do
                bad --timeout "$TIMEOUT_OK" "$l" --timeout "$v"
            done
        fi
        if takes_option "$l" --count; then
            bad --count "$COUNT_OK" "$l" --count ' 1'
            bad --count "$COUNT_OK" "$l" --count '+1'
        fi
    done
    report
}

@test "bad input: --host 300.1.2.3 / localhost.invalid / '' (names lessons: 'bad host!'), every lesson" {
    local l
    for l in "${LESSON_LIST[@]}"; do
        takes_option "$l" --host || continue
        if takes_names "$l"; then
            bad --host "$HOST_OK" "$l" --host 'bad host!'
            bad --host "$HOST_OK" "$l" --host ''
            bad --host "$HOST_OK" "$l" --host -x
            continue
        fi
        bad --host "$HOST_OK" "$l" --host 300.1.2.3
        bad --host "$HOST_OK" "$l" --host localhost.invalid
        bad --host "$HOST_OK" "$l" --host 1.2.3
        bad --host "$HOST_OK" "$l" --host ''
        bad --host "$HOST_OK" "$l" --host ' 127.0.0.1'
    done
    report
}

@test "bad input: --timeout 0 / -5 / x, every lesson that takes it" {
    local l
    for l in "${LESSON_LIST[@]}"; do
        takes_option "$l" --timeout || continue
        bad --timeout "$TIMEOUT_OK" "$l" --timeout 0
        bad --timeout "$TIMEOUT_OK" "$l" --timeout -5
        bad --timeout "$TIMEOUT_OK" "$l" --timeout x
        bad --timeout "$TIMEOUT_OK" "$l" --timeout 1.5
    done
    report
}

@test "bad input: --count 0 (where 0, no limit, is not the default) / x / -1 (and --count, --message where not taken), every lesson" {
    local l n=0 zero=0
    for l in "${LESSON_LIST[@]}"; do
        if takes_option "$l" --count; then
            n=$((n + 1))
            if grep -q 'default 0: no limit)' "$BATS_FILE_TMPDIR/help.$l"; then
                # 0 is what the lesson does unless told: it takes it too
                # (--help after it: parsed, then nothing is run)
                zero=$((zero + 1))
                "$BIN/$l" --count 0 --help </dev/null >/dev/null 2>&1 ||
                    FAILS+=("$l --count 0: refused, though its --help says 0 (no limit) is the default")
            else
                bad --count "$COUNT_OK" "$l" --count 0
            fi
            bad --count "$COUNT_OK" "$l" --count x
            bad --count "$COUNT_OK" "$l" --count -1
        else
            # A lesson without --count must refuse it as unknown.
            bad --count 'unknown' "$l" --count 1
            bad --count 'unknown' "$l" --count=1
        fi
        if ! takes_option "$l" --message; then
            bad --message 'unknown' "$l" --message hi
            bad --message 'unknown' "$l" --message=hi
        fi
    done
    report
    # the servers and the UDP receiver take it: a test that finds none
    # has tested nothing; 06, 12, 13 and others serve with no limit unless
    # told, and say so
    ((n >= 3 && zero >= 3))
}

@test "bad input: an unknown option, a stray word, a value on a flag, a bad --color, every lesson" {
    local l
    for l in "${LESSON_LIST[@]}"; do
        bad --bogus 'unknown' "$l" --bogus
        bad -x 'unknown' "$l" -x
        bad stray 'unknown' "$l" stray
        bad --step 'no value' "$l" --step=yes
        bad --no-color 'no value' "$l" --no-color=1
        bad --color 'auto, always or never' "$l" --color=sometimes
        bad --color 'auto, always or never' "$l" --color
    done
    report
}

@test "bad input: a missing value (--port, --host, --timeout last), every lesson" {
    local l
    for l in "${LESSON_LIST[@]}"; do
        if takes_option "$l" --port; then
            bad --port "$PORT_OK" "$l" --port
            bad --port "$PORT_OK" "$l" --no-color --port
        fi
        if takes_option "$l" --host; then
            bad --host "$HOST_OK" "$l" --host
        fi
        if takes_option "$l" --timeout; then
            bad --timeout "$TIMEOUT_OK" "$l" --timeout
        fi
        if takes_option "$l" --count; then
            bad --count "$COUNT_OK" "$l" --count
        fi
    done
    report
}

@test "bad input: the first bad option wins, and a good one before it does not run anything" {
    local l
    for l in "${LESSON_LIST[@]}"; do
        takes_option "$l" --port || continue
        bad --port "$PORT_OK" "$l" --no-color --port 70000
        bad --port "$PORT_OK" "$l" --port 70000 --bogus
        if takes_option "$l" --timeout; then
            bad --port "$PORT_OK" "$l" --timeout 1 --port 70000
            bad --timeout "$TIMEOUT_OK" "$l" --timeout 0 --port 70000
        fi
    done
    report
}

@test "bad input: 09 --message longer than one UDP datagram can carry" {
    local long
    long=$(head -c 65508 /dev/zero | tr '\0' a)
    bad --message '65507' 09-udp-sender --message "$long"
    report
}

@test "bad input: 16 --root that does not exist, or is a file, not a directory" {
    bad --root 'a directory' 16-http-server --port 0 --root /nonexistent
    bad --root 'a directory' 16-http-server --port 0 --root "$ROOT/README.md"
    report
}

@test "bad input: 17 --path too long for sun_path, --mode not octal" {
    local long
    long="/tmp/$(head -c 120 /dev/zero | tr '\0' x)"
    bad --path 'at most 107 bytes' 17-unix-server --path "$long"
    bad --path 'at most 107 bytes' 17-unix-client --path "$long"
    bad --mode 'octal' 17-unix-server --mode 9
    bad --mode 'octal' 17-unix-server --mode 1000
    report
}

@test "bad input: every lesson's --help: exit 0, its usage, options in their columns, defaults whole, roles told apart" {
    # tests/help-layout says what it checks. All the lessons, one process.
    ((${#LESSON_LIST[@]} >= 25))
    run "$PYTHON" "$ROOT/tests/help-layout" "$BIN" "${LESSON_LIST[@]}"
    assert_output ""
    [ "$status" -eq 0 ]
    # It must be able to fail: a --help that fails, and one laid out
    # badly (a name past its column, a split default, a sender that
    # names a server, two parentheticals in a row, example lines that
    # are not commands to paste, a note of its own).
    local fake="$BATS_TEST_TMPDIR/bin"
    mkdir -p "$fake"
    printf '#!/bin/sh\nexit 3\n' >"$fake/00-fails"
    printf '#!/bin/sh\ncat <<EOF\n00-sender: x\n\nusage: %s [options]\n\noptions:\n  --quiet-after N text\n  --port N       the server%ss port (default\n                 8888)\n  --count N      all (then wait) (default 1)\n\nexample:\n  build/00-sender, in two terminals\n  then: seq 3 | build/00-sender (three)\n  (a note, not a command)\nEOF\n' \
        "$fake/00-sender" "'" >"$fake/00-sender"
    chmod +x "$fake/00-fails" "$fake/00-sender"
    run "$PYTHON" "$ROOT/tests/help-layout" "$fake" 00-fails 00-sender
    [ "$status" -eq 1 ]
    assert_line "00-fails: --help exited with status 3"
    assert_line "00-sender: an option line out of its columns:   --quiet-after N text"
    assert_line "00-sender: --port N: '(default ...)' split across lines"
    assert_line "00-sender: a sender's --help names a server"
    assert_line "00-sender: --count N: two parentheticals in a row: all (then wait) (default 1)"
    assert_line "00-sender: an example line that is not a command to paste: build/00-sender, in two terminals"
    assert_line "00-sender: an example line that is not a command to paste: then: seq 3 | build/00-sender (three)"
    assert_line "00-sender: an example line that is not a command to paste: (a note, not a command)"
}
