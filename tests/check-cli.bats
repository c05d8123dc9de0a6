#!/usr/bin/env bats
# scripts/check, part 2 of 4 (check.bats says what the four hold and
# how every run here is bounded): the command line that reads sources,
# --help and --list, the output formats (json, tap, gradescope, junit),
# --batch, --strace, and the lecturers' run_autograder.

load test_helper
load hostile/common
load lib/students

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

@test "check: a program on a file system mounted noexec is told so, not 'not executable'" {
    # (a hardened lab machine's /tmp: the program is there, with its x
    # bits, and still may not run)
    ((EUID == 0)) || skip "needs root, to mount a file system"
    need_unshare -m
    local d="$BATS_TEST_TMPDIR/noexec"
    mkdir "$d"
    # shellcheck disable=SC2016 # the inner shell's own $1 to $3
    run bare timeout "$WAIT_RUN" unshare -m sh -c \
        'mount -t tmpfs -o noexec tmpfs "$1" && cp /bin/true "$1/server" &&
         cd "$1" && exec "$2" "$3" echo-server -- ./server "{port}"' \
        _ "$d" "$PYTHON" "$CHECK"
    assert_failure 2
    assert_output "scripts/check: COMMAND: './server' is on a file system mounted noexec, where no program may run: build it in a folder of yours elsewhere, such as your home"
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
    # (a sample that fails at once: one that spins, as the seeds'
    # server does, spins at a tenth of a core for the whole check)
    check --format json --only one-line,one-megabyte \
        echo-server -- "$PYTHON" "$SAMPLES/once-server.py" '{port}'
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
    assert_line --regexp "^one-megabyte FAIL [0-9]+ of 1048576 bytes came back"

    need_bin 06-send-recv-server
    check --format tap --only one-line,split-line echo-server -- \
        "$BIN/06-send-recv-server" --port '{port}'
    assert_success
    assert_line --index 0 "1..2"
    assert_line "ok 1 - one-line: one line echoed"
    assert_line "ok 2 - split-line: a line split across several segments"
}

@test "check: a command with a newline and an escape code stays on one line in text and tap" {
    # An argument that holds a newline and then a TAP result line, and
    # an escape code that clears a terminal: the header line shows it
    # escaped, as bash's $'...' takes it back.
    local arg=$'\nok 7 - forged\n\e[2J'
    check --format tap --only one-line echo-server -- \
        "$PYTHON" "$SAMPLES/echo-server.py" '{port}' "$arg"
    assert_success
    refute_line "ok 7 - forged"
    refute_output --partial $'\e'
    assert_line --index 0 "1..1"
    assert_line --index 1 --partial "{port} \$'\\nok 7 - forged\\n\\x1b[2J'"
    assert_line --index 2 --regexp "^ok 1 - one-line: "
    check --only one-line echo-server -- \
        "$PYTHON" "$SAMPLES/echo-server.py" '{port}' "$arg"
    assert_success
    refute_output --partial $'\e'
    assert_line --index 0 --partial "{port} \$'\\nok 7 - forged\\n\\x1b[2J'"
    assert_line --index 1 --regexp "^PASS one-line "
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
    assert_line "score 0 of 20"
    assert_line "20 checks: 0 passed, 1 failed, 19 not run"
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
    assert_line "echo-server 20 1 19"
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
    need_sandbox
    local dir="$BATS_TEST_TMPDIR/subs"
    mkdir -p "$dir/alice" "$dir/bob" "$dir/carol" "$dir/dave"
    cp "$SAMPLES/small-buffer-receiver.py" "$dir/alice/recv.py"
    printf -- '-- %s recv.py {port}\n' "$PYTHON" >"$dir/alice/run"
    # a run file may name the kind the lecturer gave. (Not under nice -n
    # 19: beside the other files on a busy machine, or on half a core,
    # such a program gets next to no CPU, and it must bind within --wait
    # and print within 2 s like any other.)
    cp "$SAMPLES/small-buffer-receiver.py" "$dir/bob/recv.py"
    printf 'udp-receiver -- %s recv.py {port}\n' "$PYTHON" >"$dir/bob/run"
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

@test "check: the lecturers' run_autograder writes a results.json, built or not" {
    has_manual
    need_sandbox
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
    "$PYTHON" -c "$extract" "$ROOT/docs/manual-grading.md" "$ag" >"$ag/run_autograder"
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
    # a submission that does not build: every check NOT RUN, scoring 0,
    # the first with make's messages
    run bash "$ag/run_autograder"
    assert_success
    run "$PYTHON" -c "$read" "$json"
    assert_success
    assert_line --index 0 "None None 10"
    assert_line "bind failed"
    assert_line "restart failed"
    refute_output --partial passed
    run cat "$json"
    assert_output --partial "Not run: the build, 'make server' exited with status 2"
    assert_output --partial "What the build printed last:"

    cp "$ROOT/tests/students/hello-good.c" "$ag/submission/hello.c"
    run bash "$ag/run_autograder"
    run "$PYTHON" -c "$read" "$json"
    assert_success
    assert_line --index 0 --regexp '^None None [0-9]+$'
    assert_line "exchange passed"
    assert_line "restart passed"
}
