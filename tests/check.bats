#!/usr/bin/env bats
# scripts/check, the checker for students' own programs: run against
# sockstep's own programs (every check passes), its command line and
# output formats, and the cases that once went wrong. The sample
# programs in tests/check/ that must fail are in check-samples.bats (two
# files, so that each runs beside the other).
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

@test "check: lesson 06's server passes every echo-server check" {
    need_bin 06-send-recv-server
    check echo-server -- "$BIN/06-send-recv-server" --port '{port}'
    assert_success
    assert_line --regexp '^PASS half-close '
    assert_line --regexp '^PASS descriptors '
    assert_line --regexp '^PASS sigpipe '
    assert_line "19 checks: 19 passed, 0 failed"
    refute_line --regexp '^FAIL'
}

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
    check --only half-close echo-server -- \
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

@test "check: --source reads the files: a dropped result and its line; ours give a note at most" {
    cat >"$BATS_TEST_TMPDIR/srv.c" <<'EOF'
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
int main(void)
{
    struct sockaddr_in a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_port = 8080;
    bind(fd, (struct sockaddr *)&a, sizeof a);
    return 0;
}
EOF
    check --source "$BATS_TEST_TMPDIR/srv.c" --only source echo-server \
        -- true '{port}'
    assert_failure 1
    assert_line --index 1 --regexp '^FAIL source +what reading its source files shows: 3 findings \('
    says "srv.c:7: fd holds what socket() returned and is never compared with -1"
    says "srv.c:9: sin_port is set to 8080, not to htons() of a port"
    says "srv.c:10: the result of bind() is dropped: when bind() fails"
    assert_line "1 check: 0 passed, 1 failed"
    # sockstep's own files: every result is looked at; the plain server
    # (one client, no option yet) gets the SO_REUSEADDR note
    cd "$ROOT"
    check --source lessons/06-send-recv/server.c \
        --source lessons/06-send-recv/client.c \
        --source lessons/13-poll-chat/chat.c \
        --source lessons/plain/client.c --source lessons/plain/server.c \
        --only source echo-server -- true '{port}'
    assert_success
    assert_line --index 1 --regexp '^NOTE source +what reading its source files shows: no SO_REUSEADDR \('
    says "Read 5 files: one thing worth knowing."
    # the line of the plain server's bind(), wherever it is
    says "server.c:$(grep -n 'if (bind(fd' lessons/plain/server.c | cut -d: -f1): a TCP server that never sets SO_REUSEADDR"
}

@test "check: --help and --list name the kinds, the checks and the run file" {
    check --help
    assert_success
    says "usage: scripts/check [options] KIND -- COMMAND"
    says "its file named run holds '-- COMMAND'"
    says "each checked in a sandbox (bwrap)"
    check --list
    assert_success
    local kind
    for kind in echo-server echo-client udp-receiver udp-sender; do
        assert_line "$kind"
    done
    assert_line --regexp '^  half-close +the client half-closes$'
}

@test "check: --format json parses, and tap has a plan line and one result per check" {
    check --format json --only one-line,half-close echo-server -- \
        "$LOW" "$PYTHON" "$SAMPLES/spin-server.py" '{port}'
    assert_failure 1
    printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out.json"
    run "$PYTHON" -m json.tool "$BATS_TEST_TMPDIR/out.json"
    assert_success
    run "$PYTHON" -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(r["kind"], r["passed"], r["failed"])
for c in r["checks"]:
    print(c["name"], c["result"], c["reason"])
' "$BATS_TEST_TMPDIR/out.json"
    assert_success
    assert_line "echo-server 1 1"
    assert_line "one-line PASS "
    assert_line --regexp "^half-close FAIL spins after the client's shutdown"

    need_bin 06-send-recv-server
    check --format tap --only one-line,split-line echo-server -- \
        "$BIN/06-send-recv-server" --port '{port}'
    assert_success
    assert_line --index 0 "1..2"
    assert_line "ok 1 - one-line: one line echoed"
    assert_line "ok 2 - split-line: a line split across several segments"
}

@test "check: --format gradescope writes a results.json whose scores add up" {
    # The shape Gradescope documents for results.json ("Autograder
    # Specifications", Output format): each key it names, of its type;
    # a score at the top or on every test. The checker writes plain
    # text, and says so for the top-level output too (its default,
    # simple_format, would render a "<" in a command as HTML).
    local json="$BATS_TEST_TMPDIR/results.json" validate='
import json, numbers, sys
r = json.load(open(sys.argv[1]))
num = lambda v: isinstance(v, numbers.Number) and not isinstance(v, bool)
text = lambda v: isinstance(v, str)
fmt = lambda v: v in ("text", "html", "simple_format", "md", "ansi")
vis = lambda v: v in ("hidden", "after_due_date", "after_published",
                      "visible")
top = {"score": num, "execution_time": num, "output": text,
       "output_format": fmt, "test_output_format": fmt,
       "test_name_format": fmt, "visibility": vis, "stdout_visibility": vis,
       "extra_data": lambda v: isinstance(v, dict),
       "tests": lambda v: isinstance(v, list),
       "leaderboard": lambda v: isinstance(v, list)}
each = {"score": num, "max_score": num,
        "status": lambda v: v in ("passed", "failed"), "name": text,
        "name_format": fmt, "number": text, "output": text,
        "output_format": fmt,
        "tags": lambda v: isinstance(v, list) and all(map(text, v)),
        "visibility": vis, "extra_data": lambda v: isinstance(v, dict)}
for key, value in r.items():
    assert key in top and top[key](value), (key, value)
tests = r["tests"]
assert "score" in r or all("score" in t for t in tests)
for t in tests:
    for key, value in t.items():
        assert key in each and each[key](value), (key, value)
    # what the checker gives each test
    assert set(t) == {"name", "score", "max_score", "status", "output"}, t
    assert t["max_score"] == 1 and t["score"] == (t["status"] == "passed")
assert isinstance(r["execution_time"], int)
assert r["output_format"] == r["test_output_format"] == "text"
print("score %d of %d" % (sum(t["score"] for t in tests),
                          sum(t["max_score"] for t in tests)))
print(r["output"].splitlines()[-1])
for t in tests:
    print(t["name"].split(":")[0], t["status"], t["output"].splitlines()[0])
'
    need_bin 06-send-recv-server
    check --format gradescope --only one-line,half-close,descriptors \
        echo-server -- "$BIN/06-send-recv-server" --port '{port}'
    assert_success
    printf '%s\n' "$output" >"$json"
    run "$PYTHON" -c "$validate" "$json"
    assert_success
    assert_line "score 3 of 3"
    assert_line "3 checks: 3 passed, 0 failed"
    assert_line --regexp '^half-close passed A client played the exchange \(.*\), then shut down its sending side \(shutdown\(SHUT_WR\)\)\. The program closed the connection'

    # a program that never starts: its check fails, the rest are not run,
    # and each keeps its point in max_score
    check --format gradescope echo-server -- \
        "$PYTHON" "$SAMPLES/escape-server.py" '{port}'
    assert_failure 1
    printf '%s\n' "$output" >"$json"
    run "$PYTHON" -c "$validate" "$json"
    assert_success
    assert_line "score 0 of 19"
    assert_line "19 checks: 0 passed, 1 failed, 18 not run"
    assert_line "loopback failed FAIL: ended before it listened on the port"
    assert_line "one-line failed NOT RUN"
    # the escape code and the NUL it printed, written out
    run "$PYTHON" -c '
import json, sys
print(json.load(open(sys.argv[1]))["tests"][0]["output"])' "$json"
    assert_success
    says 'Its last words: ValueError: bad byte \x1b[0m\x00 in the configuration.'
}

@test "check: --format junit writes XML that parses, whatever the program printed" {
    local xml="$BATS_TEST_TMPDIR/results.xml" validate='
import sys, xml.etree.ElementTree as E
suite = E.parse(sys.argv[1]).getroot()
cases = suite.findall("testcase")
assert suite.tag == "testsuite"
assert int(suite.get("tests")) == len(cases)
assert int(suite.get("failures")) == len(suite.findall("testcase/failure"))
assert int(suite.get("skipped")) == len(suite.findall("testcase/skipped"))
print(suite.get("name"), suite.get("tests"), suite.get("failures"),
      suite.get("skipped"))
for c in cases:
    bad = c.find("failure")
    print(c.get("name").split(":")[0],
          "FAIL " + bad.get("message") if bad is not None
          else "SKIP" if c.find("skipped") is not None else "PASS")
for bad in suite.findall("testcase/failure"):
    print(bad.text)
'
    # it prints an escape code and a NUL; the checker quotes them
    check --format junit echo-server -- \
        "$PYTHON" "$SAMPLES/escape-server.py" '{port}'
    assert_failure 1
    printf '%s\n' "$output" >"$xml"
    run "$PYTHON" -c 'import xml.etree.ElementTree as E, sys; E.parse(sys.argv[1])' "$xml"
    assert_success
    run "$PYTHON" -c "$validate" "$xml"
    assert_success
    assert_line "echo-server 19 1 18"
    assert_line "loopback FAIL ended before it listened on the port"
    assert_line "one-line SKIP"
    says 'Its last words: ValueError: bad byte \x1b[0m\x00 in the configuration.'
    # nothing but printable ASCII, tabs and newlines in the file
    run grep -c -P '[^\t\n\x20-\x7e]' "$xml"
    assert_output 0

    need_bin 06-send-recv-server
    check --format junit --only bind,exchange --spec \
        "$ROOT/scripts/sockcheck/specs/echo.spec" -- \
        "$BIN/06-send-recv-server" --port '{port}'
    assert_success
    printf '%s\n' "$output" >"$xml"
    run "$PYTHON" -c "$validate" "$xml"
    assert_success
    assert_line --index 0 "echo.spec 2 0 0"
}

@test "check: --format junit follows the schema CI tools read (tests/junit.xsd)" {
    command -v xmllint >/dev/null || skip "no xmllint (./install-deps installs it)"
    local xml="$BATS_TEST_TMPDIR/results.xml"
    # a failure, then checks not run
    check --format junit echo-server -- \
        "$PYTHON" "$SAMPLES/escape-server.py" '{port}'
    assert_failure 1
    printf '%s\n' "$output" >"$xml"
    run xmllint --noout --schema "$ROOT/tests/junit.xsd" "$xml"
    assert_success
    # checks that pass
    check --format junit --only one-line,eintr echo-server -- \
        "$PYTHON" "$SAMPLES/echo-server.py" '{port}'
    printf '%s\n' "$output" >"$xml"
    run grep -c '<testcase ' "$xml"
    assert_output 2
    run xmllint --noout --schema "$ROOT/tests/junit.xsd" "$xml"
    assert_success
}

@test "check: --batch writes a CSV, one row per submission, one column per check" {
    local dir="$BATS_TEST_TMPDIR/subs"
    mkdir -p "$dir/alice" "$dir/bob" "$dir/carol" "$dir/dave"
    cp "$SAMPLES/small-buffer-receiver.py" "$dir/alice/recv.py"
    printf -- '-- %s recv.py {port}\n' "$PYTHON" >"$dir/alice/run"
    cp "$SAMPLES/small-buffer-receiver.py" "$dir/bob/recv.py"
    printf 'udp-receiver -- nice -n 19 %s recv.py {port}\n' "$PYTHON" \
        >"$dir/bob/run"
    # a run file may not choose its checks: the lecturer does
    cp "$SAMPLES/small-buffer-receiver.py" "$dir/carol/recv.py"
    printf 'udp-receiver --only datagram -- %s recv.py {port}\n' \
        "$PYTHON" >"$dir/carol/run"
    echo '-- ./no-such-receiver {port}' >"$dir/dave/run"

    check --batch "$dir" udp-receiver --only datagram,truncated \
        --csv "$BATS_TEST_TMPDIR/out.csv"
    assert_failure 1
    assert_line --regexp '^scripts/check: alice: udp-receiver: 1 passed, 1 failed'
    run "$PYTHON" -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for r in rows:
    print(r["submission"], r["kind"], r["passed"], r["failed"],
          r["datagram"], r["truncated"], "|", r["notes"])
' "$BATS_TEST_TMPDIR/out.csv"
    assert_success
    assert_line --index 0 "alice udp-receiver 1 1 PASS FAIL | truncated: cut to 1024 of 2000 bytes"
    assert_line --index 1 "bob udp-receiver 1 1 PASS FAIL | truncated: cut to 1024 of 2000 bytes"
    assert_line --index 2 --regexp "^carol udp-receiver 0 1 NOT RUN NOT RUN \| refused: run file asks for --only "
    assert_line --index 3 --regexp "^dave udp-receiver 0 1 NOT RUN NOT RUN \| run file: COMMAND: './no-such-receiver' is not an executable file"
    [[ "${#lines[@]}" -eq 4 ]]
}

@test "check: --strace shows the system calls around a failure" {
    need_strace
    check --strace --only sigpipe echo-server -- \
        "$PYTHON" "$SAMPLES/sigpipe-server.py" '{port}'
    assert_failure 1
    assert_line "     last system calls (strace):"
    assert_output --regexp 'EPIPE \(Broken pipe\)'
    says "+++ killed by SIGPIPE +++"
}

@test "check: a fixed-port server that closes first leaves no TIME_WAIT to the next check; restart fails" {
    # a daytime server on a fixed port, without SO_REUSEADDR: it closes
    # first, and the checker resets each connection once it has seen the
    # close, so no TIME_WAIT is left on its port but in restart
    local port
    port=$(free_port tcp)
    cat >"$BATS_TEST_TMPDIR/day.py" <<'PY'
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
while True:
    c, _ = s.accept()
    c.sendall(time.strftime("%H:%M:%S\n").encode())
    c.close()
PY
    check --spec "$ROOT/scripts/sockcheck/specs/daytime.spec" --port "$port" \
        --only exchange,in-turn,restart -- \
        "$PYTHON" "$BATS_TEST_TMPDIR/day.py" "$port"
    assert_failure 1
    assert_line --regexp '^PASS exchange '
    assert_line --regexp '^PASS in-turn +clients one after another '
    # the last line of results: restart, which shows the missing option
    assert_line --regexp '^FAIL restart +a restart on the same port: port in use after a restart \(EADDRINUSE\)'
    says "SO_REUSEADDR"
}

@test "check: on a fixed port, a silent client leaves when it says, and a one-at-a-time server passes" {
    # hello-good.c serves one client at a time: the second client is
    # served once the silent one has gone. On a fixed port each close
    # looks for the program's end first; that look once waited out the
    # socket's 3 s timeout, the silent client left 3 s late, and the
    # second client's reply was not there in time.
    local port
    port=$(free_port tcp)
    student hello-good.c
    check --spec "$ROOT/scripts/sockcheck/specs/hello.spec" --port "$port" \
        --only silent-client -- "${PROG[@]}" "$port"
    assert_success
    assert_line --regexp '^PASS silent-client '
    says "then closed; a second client connected 0.5 s after it. It was served"
}

@test "check: a reply padded with NUL bytes is no match, and the whole buffer sent is named" {
    # send(fd, buf, sizeof buf): the text, then NUL bytes; over TCP with
    # the line, over TCP after it and before the close, and over UDP
    printf 'send: hello\nexpect: hello\nclose: yes\n' >"$BATS_TEST_TMPDIR/t.spec"
    printf 'proto: udp\nsend: hello\nexpect: hello\n' >"$BATS_TEST_TMPDIR/u.spec"
    # late: the NULs come after the line (a busy machine may read them
    # with it: then the words are those of the tcp run below)
    check --spec "$BATS_TEST_TMPDIR/t.spec" --only exchange -- \
        "$PYTHON" "$SAMPLES/padded-server.py" '{port}' late
    assert_failure 1
    assert_line --regexp '^FAIL exchange .*: bytes the spec does not describe'
    says "58 "
    says "The program probably sends its whole buffer (sizeof"
    # the checks after exchange drop the NUL bytes: they are run, and
    # judge what they are about
    check --spec "$BATS_TEST_TMPDIR/t.spec" --only exchange,in-turn -- \
        "$PYTHON" "$SAMPLES/padded-server.py" '{port}' tcp
    assert_failure 1
    says "58 NUL bytes (\\0) came right after its newline"
    assert_line --regexp '^PASS in-turn +clients one after another '
    check --spec "$BATS_TEST_TMPDIR/u.spec" --only exchange -- \
        "$PYTHON" "$SAMPLES/padded-server.py" '{port}' udp
    assert_failure 1
    assert_line --regexp '^FAIL exchange .*: reply did not match'
    says "Up to its first NUL byte it would match, and 59 more bytes follow (all NUL)."
}

@test "check: restart makes its own TIME_WAIT: it waits for a late reader to read the last line" {
    # a server that closes first, without SO_REUSEADDR, and reads each
    # next line a second after its reply: ended at once after "QUIT", it
    # would reset the connection (that line unread) and leave no TIME_WAIT,
    # and its restart would pass
    local port
    port=$(free_port tcp)
    cc -std=c11 -Wall -Wextra -Werror -pedantic \
        "$SAMPLES/late-reader-server.c" -o "$BATS_TEST_TMPDIR/late"
    printf 'send: hello\nexpect: HELLO\nsend: QUIT\nclose: yes\ntimeout: 30\n' \
        >"$BATS_TEST_TMPDIR/late.spec"
    check --spec "$BATS_TEST_TMPDIR/late.spec" --port "$port" \
        --only exchange,restart -- "$BATS_TEST_TMPDIR/late" "$port"
    assert_failure 1
    assert_line --regexp '^PASS exchange '
    assert_line --regexp '^FAIL restart +a restart on the same port: port in use after a restart \(EADDRINUSE\)'
    says "SO_REUSEADDR"
}

@test "check: restart is NOT RUN when the program never reads the last line (no TIME_WAIT)" {
    # ended with "QUIT" unread, the program resets the connection: no
    # TIME_WAIT is left, and a restart would show nothing
    local port
    port=$(free_port tcp)
    cat >"$BATS_TEST_TMPDIR/deaf.py" <<'PY'
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
while True:
    c, _ = s.accept()
    c.recv(100)
    c.sendall(b"HELLO\n")
    time.sleep(3600)  # never reads again
PY
    printf 'send: hello\nexpect: HELLO\nsend: QUIT\nclose: yes\n' \
        >"$BATS_TEST_TMPDIR/deaf.spec"
    check --spec "$BATS_TEST_TMPDIR/deaf.spec" --port "$port" \
        --only restart -- "$PYTHON" "$BATS_TEST_TMPDIR/deaf.py" "$port"
    assert_line --regexp '^NOT RUN restart +a restart on the same port: no TIME_WAIT to restart against'
    says "the program had not read all the client sent within 3.00 s"
    refute_line --regexp '^PASS restart'
}

@test "check: a restart that ends with its own bind error, its port in TIME_WAIT, is told to set SO_REUSEADDR" {
    # as real course servers do: "[-] Bind Error", no errno, status 15
    local port
    port=$(free_port tcp)
    cat >"$BATS_TEST_TMPDIR/own.py" <<'PY'
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    print("[-] Bind Error")
    sys.exit(15)
s.listen(5)
while True:
    c, _ = s.accept()
    c.sendall(c.recv(100))
    c.close()
PY
    check --spec "$ROOT/scripts/sockcheck/specs/echo.spec" --port "$port" \
        --only restart -- "$PYTHON" "$BATS_TEST_TMPDIR/own.py" "$port"
    assert_failure 1
    assert_line --regexp '^FAIL restart +a restart on the same port: ended, its port in TIME_WAIT '
    says "while the connection of its first run was in TIME_WAIT on port $port: a socket without SO_REUSEADDR cannot bind a port in that state. Set SO_REUSEADDR"
    assert_output --partial "| [-] Bind Error"
}

@test "check: a one-client server that drops send()'s count fails short-send; its one client is the measure" {
    # serves one client, then ends: the next client fails with or without
    # the fault, so short-send judges the first client alone
    cat >"$BATS_TEST_TMPDIR/once.py" <<'PY'
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(1)
c, _ = s.accept()
while True:
    data = c.recv(512)
    if not data:
        break
    c.send(data)
PY
    check --only short-send echo-server -- "$PYTHON" "$BATS_TEST_TMPDIR/once.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL short-send +send\(\) taking half of a reply: failed under send=half '
    says "The program probably ignores what send() returns"
    refute_output --partial "fails without the fault"
}

@test "check: a padded reply on a connection never closed: the close first, the NUL bytes also" {
    printf 'send: hello\nexpect: hello\nclose: yes\n' >"$BATS_TEST_TMPDIR/t.spec"
    check --spec "$BATS_TEST_TMPDIR/t.spec" --only exchange,in-turn -- \
        "$PYTHON" "$SAMPLES/padded-server.py" '{port}' open
    assert_failure 1
    assert_line --regexp '^FAIL exchange .*: connection still open after the last reply'
    says "Also: reply 1 matched /hello/ (spec line 2), but 58 NUL bytes"
    # a failed exchange stops the checks after it, as before
    assert_line --regexp '^Not run: the spec.s exchange failed in check exchange'
}

@test "check: a buffer sent whole is named by short-send and by the echo-server kind's one-line, in one text" {
    printf 'send: hello\nexpect: hello\nclose: yes\n' >"$BATS_TEST_TMPDIR/t.spec"
    # one send(), its count unread: under short-send, the NUL bytes cut
    # after the line are missed
    check --spec "$BATS_TEST_TMPDIR/t.spec" --only short-send -- \
        "$PYTHON" "$SAMPLES/padded-server.py" '{port}' send
    assert_failure 1
    assert_line --regexp '^FAIL short-send .*: reply cut short under send=half'
    says "But 32 bytes came in all, and 64 when the checker ran the program again without the fault"
    # the echo-server kind's one-line says it too
    check --only one-line echo-server -- \
        "$PYTHON" "$SAMPLES/padded-server.py" '{port}' tcp
    assert_failure 1
    assert_line --regexp '^FAIL one-line +one line echoed: bytes never sent came back'
    says "The line came back, then 48 bytes more that were never sent, starting with a NUL byte"
    # in the words a spec's checks use
    says "The program probably sends its whole buffer (sizeof, or a fixed count) where it should send the length of the text in it (strlen(), or what recv() returned)."
}

@test "check: a bad answer the checker never sent is not judged; a silent client's last line is 'nothing'" {
    # a client that connects and leaves without a word: the checker's
    # server never sends the answer that is not UTF-8
    printf 'import socket, sys\nsocket.create_connection(("127.0.0.1", int(sys.argv[1]))).close()\n' \
        >"$BATS_TEST_TMPDIR/quiet.py"
    check --spec "$ROOT/scripts/sockcheck/specs/echo-client.spec" \
        --only exchange,not-utf8 -- "$PYTHON" "$BATS_TEST_TMPDIR/quiet.py" '{port}'
    assert_failure 1
    assert_line --regexp '^NOT RUN not-utf8 +an answer that is not UTF-8: answer never sent$'
    says "the checker's server never sent bytes that are not UTF-8, because the program did not send its request first"
    says "exited with status 0 (it printed nothing)"
    refute_output --partial "None"
}

@test "check: a UDP client whose request did not match has no stranger check, not a failed one" {
    printf 'proto: udp\nprogram: client\nexpect: hello\nsend: hi\nprint: hi\n' \
        >"$BATS_TEST_TMPDIR/u.spec"
    check --spec "$BATS_TEST_TMPDIR/u.spec" --only stranger -- \
        "$PYTHON" "$SAMPLES/wrong-udp-client.py" '{port}'
    assert_success
    assert_line --regexp '^NOT RUN stranger +a datagram from another port: answer never sent$'
    says 'datagram 1 was "hullo", which does not match /hello/'
}

@test "check: a server that greets first and dies of the silent client's reset is told of the reset" {
    printf 'expect: hello\nsend: one\nexpect: one\nclose: yes\n' >"$BATS_TEST_TMPDIR/g.spec"
    check --spec "$BATS_TEST_TMPDIR/g.spec" --only silent-client -- \
        "$PYTHON" "$SAMPLES/greet-reset-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL silent-client .*: traceback after a silent client'
    says "The silent client closed with the program's first reply unread"
    says "catch the error, close that socket and go on to the next client"
    refute_output --partial "makes recv() return 0"
}

@test "check: a server killed by SIGPIPE after a client left is told so, not to loop on accept() or to check its input" {
    printf 'send: one\nexpect: one\n' >"$BATS_TEST_TMPDIR/o.spec"
    check --spec "$BATS_TEST_TMPDIR/o.spec" --only in-turn,not-utf8 -- \
        "$PYTHON" "$SAMPLES/eof-reply-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL in-turn +clients one after another: served 1 of 5 clients'
    refute_output --partial "calls accept() again, in a loop"
    # it answered the odd line; its answer to the client that had left
    # ended it: that is said, and the input is not blamed
    assert_line --regexp '^FAIL not-utf8 +input that is not UTF-8: killed by SIGPIPE after a client left'
    refute_output --partial "Check what a client sends"
    local flat
    flat=$(tr '\n' ' ' <<<"$output" | tr -s ' ')
    [ "$(grep -o "It sent to a client's socket after that client had closed it. When recv() returns 0 the client has left" <<<"$flat" | wc -l)" -eq 2 ]
    # the echo-server kind's twenty-clients says it in the same words
    check --only twenty-clients echo-server -- \
        "$PYTHON" "$SAMPLES/eof-reply-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL twenty-clients +20 clients one after another: served 1 of 20 clients'
    says "It sent to a client's socket after that client had closed it. When recv() returns 0 the client has left"
    refute_output --partial "no loop around accept()"
}

@test "check: zombies and a missing SO_REUSEADDR are found although the exchange fails" {
    printf 'send: one\nexpect: ONE\nsend: two\nexpect: TWO\n' >"$BATS_TEST_TMPDIR/o.spec"
    check --spec "$BATS_TEST_TMPDIR/o.spec" --only exchange,zombies,restart -- \
        "$PYTHON" "$SAMPLES/upper-fork-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL exchange .*: (closed|reset) before replying'
    # each client got "ONE\n", its child closed and ended unreaped
    assert_line --regexp '^FAIL zombies .*: ([2-9]|10) zombies after 10 clients'
    says 'and 0 were served. Client'
    says 'Each was accepted all the same, and has left; 1 s after the last had left'
    # its first client's connection was gone: one that sent nothing
    # was open when it was ended
    assert_line --regexp '^FAIL restart .*: port in use after a restart \(EADDRINUSE\)'
    says 'a second client that sent nothing was connected too'
}

@test "check: a kind's generic checks are not run when its spec's plain exchange fails too" {
    # it echoes one recv() per client: echo.spec's second line never
    # comes back, with or without odd input
    check --only one-line,not-utf8 echo-server -- \
        "$PYTHON" "$SAMPLES/one-line-server.py" '{port}'
    assert_success
    assert_line --regexp '^PASS one-line '
    assert_line --regexp "^NOT RUN not-utf8 +input that is not UTF-8: the kind's spec's exchange fails$"
    says "this check plays the exchange of the spec that the kind echo-server plays (echo.spec), and without anything odd that exchange fails too: A client:"
    says 'where reply 2 ("a second line") was due'
    [[ "$(printf '%s' "$output" | tr '\n' ' ')" != *"spec line"* ]]
    refute_output --partial "stuck on the bad request"
}

@test "check: a traceback's escape codes reach the terminal written out, never raw" {
    check --only loopback echo-server -- \
        "$PYTHON" "$SAMPLES/escape-server.py" '{port}'
    assert_failure 1
    says 'ValueError: bad byte \x1b[0m\x00 in the configuration'
    [[ "$output" != *$'\e'* ]]
}

@test "check: a reply of bytes that are not text does not match .+ (an unfilled buffer)" {
    # a server whose reply comes from a buffer it never filled: one NUL
    cat >"$BATS_TEST_TMPDIR/nul.py" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
while True:
    c, _ = s.accept()
    while c.recv(4096):
        c.sendall(b"\x00\n")
    c.close()
PY
    printf '%s\n' 'send: hi' 'expect: .+' >"$BATS_TEST_TMPDIR/any.spec"
    check --spec "$BATS_TEST_TMPDIR/any.spec" --only exchange -- \
        "$PYTHON" "$BATS_TEST_TMPDIR/nul.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL exchange '
    says 'reply 1 was "\x00\n", which does not match /.+/'
    says "the reply holds bytes that the pattern does not name"
}

@test "check: a fork server whose parent keeps the client's socket fails half-close, kind and spec alike" {
    # the parent forgets close() after fork(): when the child ends, the
    # client still sees no end of the connection
    cat >"$BATS_TEST_TMPDIR/parent-open.py" <<'PY'
import os, signal, socket, sys
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
kept = []
while True:
    c, _ = s.accept()
    if os.fork() == 0:
        s.close()
        data = c.recv(4096)
        while data:
            c.sendall(data)
            data = c.recv(4096)
        c.close()
        os._exit(0)
    kept.append(c)
PY
    check --spec "$ROOT/scripts/sockcheck/specs/echo.spec" \
        --only exchange,half-close,long-line -- \
        "$PYTHON" "$BATS_TEST_TMPDIR/parent-open.py" '{port}'
    assert_failure 1
    assert_line --regexp '^PASS exchange '
    assert_line --regexp '^PASS long-line '
    assert_line --regexp "^FAIL half-close +the client half-closes: no close after the client's shutdown"
    says "must also close the client's socket in the parent after fork()"
    # the echo-server kind's own half-close says the same
    check --only half-close echo-server -- \
        "$PYTHON" "$BATS_TEST_TMPDIR/parent-open.py" '{port}'
    assert_failure 1
    assert_line --regexp "^FAIL half-close +the client half-closes: no close after the client's shutdown"
    says "A server that forks must also close the client's socket in the parent after fork(), or the connection stays open when the child ends (lesson 12)."
}

@test "check: the lecturers' run_autograder writes a results.json, built or not" {
    local ag="$BATS_TEST_TMPDIR/autograder"
    mkdir -p "$ag/source" "$ag/results" "$ag/submission"
    # the lecturers' appendix's script, with its /autograder here
    local extract='
import re, sys
text = open(sys.argv[1]).read()
block = [b for b in re.findall(r"\x60{3}sh\n(.*?)\x60{3}", text, re.S)
         if "# run_autograder" in b]
assert len(block) == 1, block
sys.stdout.write(block[0].replace("/autograder", sys.argv[2]))
'
    "$PYTHON" -c "$extract" "$ROOT/docs/lecturers.md" "$ag" >"$ag/run_autograder"
    ln -s "$ROOT" "$ag/source/sockstep"
    printf 'send: Ada\nexpect: Hello, Ada!?\nclients: 1\n' >"$ag/source/hello.spec"
    printf 'server: hello.c\n\tcc -o server hello.c\n' >"$ag/submission/Makefile"
    local json="$ag/results/results.json" read='
import json, sys
r = json.load(open(sys.argv[1]))
print(r.get("score"), r.get("stdout_visibility"), len(r.get("tests", [])))
for t in r.get("tests", []):
    print(t["name"].split(":")[0], t["status"])
'
    # a submission that does not build: a score of 0, make's messages shown
    run bash "$ag/run_autograder"
    assert_success
    run "$PYTHON" -c "$read" "$json"
    assert_success
    assert_output "0 visible 0"

    cp "$ROOT/tests/students/hello-good.c" "$ag/submission/hello.c"
    run bash "$ag/run_autograder"
    run "$PYTHON" -c "$read" "$json"
    assert_success
    assert_line --index 0 --regexp '^None None [0-9]+$'
    assert_line "exchange passed"
    assert_line "restart passed"
}

@test "check: a server that crashes when a silent client leaves is told so, by the kind as by the spec" {
    local how
    for how in "echo-server" "--spec $ROOT/scripts/sockcheck/specs/echo.spec"; do
        # shellcheck disable=SC2086 # a kind, or --spec and its file
        check --only silent-client $how -- \
            "$PYTHON" "$SAMPLES/eof-crash-server.py" '{port}'
        assert_failure 1
        assert_line --regexp '^FAIL silent-client +a silent client, then a new client: traceback after a silent client'
        says "A client that leaves without a word makes recv() return 0 (no bytes): that is the end of that client, not a request to use."
        refute_output --partial "must not wait for ever"
    done
}

@test "check: a server a reset ends is told of the reset by sigpipe, the spec's as the kind's" {
    local how
    for how in "echo-server" "--spec $ROOT/scripts/sockcheck/specs/echo.spec"; do
        # shellcheck disable=SC2086 # a kind, or --spec and its file
        check --only sigpipe $how -- \
            "$PYTHON" "$SAMPLES/reset-crash-server.py" '{port}'
        assert_failure 1
        assert_line --regexp '^FAIL sigpipe +no death by SIGPIPE: ended after a client left without reading'
        says "(ConnectionResetError"
        says "A failed send() ends that one client, not the server"
        refute_output --partial "glued together"
    done
}

@test "check: a server that crashes after its first client is not told to loop on accept(), kind and spec alike" {
    # it takes the first client's leaving for a request and dies of it:
    # its loop around accept() is there
    check --only in-turn --spec "$ROOT/scripts/sockcheck/specs/echo.spec" -- \
        "$PYTHON" "$SAMPLES/eof-crash-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL in-turn +clients one after another: served 1 of 20 clients'
    says "after a Python traceback (IndexError: index out of range)."
    refute_output --partial "accept() again"
    check --only twenty-clients echo-server -- \
        "$PYTHON" "$SAMPLES/eof-crash-server.py" '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL twenty-clients +20 clients one after another: served 1 of 20 clients'
    says "after a Python traceback (IndexError: index out of range)."
    refute_output --partial "accept() again"
}

@test "check: a server that prints a client's bytes raw gets a note on not-utf8; lesson 06's does not" {
    check --spec "$ROOT/scripts/sockcheck/specs/echo.spec" \
        --only exchange,not-utf8 -- \
        "$PYTHON" "$SAMPLES/raw-print-server.py" '{port}'
    assert_success
    assert_line --regexp "^NOTE not-utf8 +input that is not UTF-8: a client's bytes printed raw"
    says "the program printed the client's bytes as they came: \\xff and \\xfe reached its terminal raw"
    assert_line "2 checks: 2 passed (1 of them with a note), 0 failed"
    # the lessons print what a peer sends escaped: no note
    need_bin 06-send-recv-server
    check --spec "$ROOT/scripts/sockcheck/specs/echo.spec" \
        --only not-utf8 -- "$ROOT/build/06-send-recv-server" --port '{port}'
    assert_success
    assert_line --regexp '^PASS not-utf8 '
}

@test "check: a UDP echo that cuts a long datagram to its buffer gets a note on long-line" {
    check --spec "$ROOT/scripts/sockcheck/specs/udp-echo.spec" \
        --only exchange,long-line -- \
        "$PYTHON" "$SAMPLES/cut-udp-echo.py" '{port}'
    assert_success
    assert_line --regexp "^NOTE long-line +a very long line: a datagram cut to 1024 bytes"
    says "Its answer was the first 1024 of the 60000 bytes"
    # one whose buffer holds any datagram: no note
    student udp-echo-good.py
    check --spec "$ROOT/scripts/sockcheck/specs/udp-echo.spec" \
        --only long-line -- "${PROG[@]}" '{port}'
    assert_success
    assert_line --regexp '^PASS long-line '
}
