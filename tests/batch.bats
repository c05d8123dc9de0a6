#!/usr/bin/env bats
# scripts/check --batch DIR for a class: a Python 2 submission named as
# such, a fixed port (waited for between submissions without the
# sandbox), a build, and the summary per check that follows the CSV on
# standard error. tests/class.bats grades a hostile class.
#
# The samples are written here, into the test's directory: a Python 3
# echo server (on {port}, or on a fixed port that free_port chose), and
# a small Python 2 server and client. The Python 2 ones are not files of
# the tree, where make lint-python would read them as Python 3.

# The longest wait inside a test here is 150 s: bats' own per-test
# limit must be longer, or that wait could never say what it waited
# for (tests/timeouts checks it).
: "${BATS_TEST_TIMEOUT:=$((180 * ${SOCKSTEP_TEST_SCALE:-1}))}"
load test_helper

CHECK="$ROOT/scripts/check"
CLASS=

setup() {
    CLASS="$BATS_TEST_TMPDIR/class"
    mkdir -p "$CLASS"
}

# echo_server NAME [PORT]: submission NAME, a Python 3 echo server that
# sets SO_REUSEADDR; on port PORT always (a fixed port, in its run file
# as --port PORT), or on the {port} the checker gives it.
echo_server() {
    local dir="$CLASS/$1" port="${2:-}"
    mkdir -p "$dir"
    cp "$ROOT/tests/check/echo-server.py" "$dir/server.py"
    if [[ -n "$port" ]]; then
        printf -- '--port %s echo-server -- %s server.py %s\n' \
            "$port" "$PYTHON" "$port" >"$dir/run"
    else
        printf -- 'echo-server -- %s server.py {port}\n' "$PYTHON" \
            >"$dir/run"
    fi
}

# python2_server NAME: submission NAME, the same server in Python 2 (a
# print statement), run with python3 as a student would.
python2_server() {
    mkdir -p "$CLASS/$1"
    cat >"$CLASS/$1/server.py" <<'EOF'
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
print "echo server on port", sys.argv[1]
while True:
    c, _ = s.accept()
    c.sendall(c.recv(4096))
    c.close()
EOF
    printf -- 'echo-server -- %s server.py {port}\n' "$PYTHON" \
        >"$CLASS/$1/run"
}

# rows CSV [CHECK...]: each row of CSV as "submission kind passed failed
# RESULT... | notes", a RESULT for each CHECK (one-line if none is named).
rows() {
    local file="$1"
    shift
    run "$PYTHON" -c '
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    print(r["submission"], r["kind"], r["passed"], r["failed"],
          *[r[c] for c in sys.argv[2:] or ["one-line"]], "|", r["notes"])
' "$file" "$@"
    assert_success
}

# holder PORT: a program of the test's own that listens on PORT until it
# is killed (teardown kills it); sets HOLDER to its pid.
holder() {
    start_bg "$BATS_TEST_TMPDIR/holder.out" "$PYTHON" -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(1)
print("listening on 127.0.0.1:%d" % s.getsockname()[1], flush=True)
time.sleep(600)
' "$1"
    HOLDER=$BG_PID
    wait_ready "$BATS_TEST_TMPDIR/holder.out"
}

# wait_said FILE TEXT: wait (bounded) until FILE has a line with TEXT.
wait_said() {
    wait_until 30 grep -qF -- "$2" "$1" && return 0
    echo "never said: $2" >&2
    cat "$1" >&2
    return 1
}

# ---- Python 2 ------------------------------------------------------------------

@test "batch: a Python 2 program is named in one sentence, its checks not run" {
    python2_server ann
    cd "$CLASS/ann"
    run bare timeout "$WAIT_LONG" "$PYTHON" "$CHECK" echo-server -- \
        "$PYTHON" server.py '{port}'
    assert_failure 1
    assert_line --regexp '^FAIL loopback .*: Python 2 program '
    assert_said "This is a Python 2 program (Python 3 stopped at line 5 of server.py before running anything: SyntaxError: Missing parentheses in call to 'print'), and Python 2 is not supported here (Debian has no python2): port it to Python 3, where print \"x\" becomes print(\"x\")"
    assert_said "Not run: Python 2 code stopped the program in check loopback (see there): one-line,"
    # one failure, and the rest said once
    [[ $(grep -c '^FAIL' <<<"$output") -eq 1 ]]
    assert_line "20 checks: 0 passed, 1 failed, 19 not run"
}

@test "batch: a client whose first line asks for python2 is named too" {
    need_sandbox
    if command -v python2 >/dev/null && python2 -c pass 2>/dev/null; then
        skip "python2 runs here"
    fi
    mkdir -p "$CLASS/bob"
    cat >"$CLASS/bob/client" <<'EOF'
#!/usr/bin/env python2
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
for line in sys.stdin:
    s.sendall(line)
    print s.recv(4096),
EOF
    chmod +x "$CLASS/bob/client"
    printf -- 'echo-client -- ./client {port}\n' >"$CLASS/bob/run"
    run bare timeout "$WAIT_LONG" "$PYTHON" "$CHECK" --batch "$CLASS" echo-client \
        --csv "$BATS_TEST_TMPDIR/out.csv"
    assert_failure 1
    rows "$BATS_TEST_TMPDIR/out.csv" one-line closes-early pieces refused
    assert_output "bob echo-client 0 1 FAIL NOT RUN NOT RUN NOT RUN | one-line: Python 2 program"
}

# ---- a fixed port --------------------------------------------------------------

@test "batch: two submissions on the same fixed port are both checked" {
    need_sandbox
    local port
    port=$(free_port tcp)
    echo_server ann "$port"
    echo_server bob "$port"
    # each in a sandbox with a loopback of its own
    run bare timeout "$((100 * SCALE))" "$PYTHON" "$CHECK" --batch "$CLASS" echo-server \
        --only one-line,half-close,silent-client --jobs 2 \
        --csv "$BATS_TEST_TMPDIR/out.csv"
    assert_success
    rows "$BATS_TEST_TMPDIR/out.csv"
    assert_line --index 0 "ann echo-server 3 0 PASS | "
    assert_line --index 1 "bob echo-server 3 0 PASS | "
}

@test "batch: a fixed port held by another program is waited for" {
    local port out="$BATS_TEST_TMPDIR/batch.out"
    port=$(free_port tcp)
    echo_server ann "$port"
    holder "$port"
    # the batch's clock starts once the port is held: it waits at most
    # --wait seconds from its first look
    start_bg "$out" "$PYTHON" "$CHECK" --batch "$CLASS" echo-server \
        --no-sandbox --only one-line \
        --wait 60 --csv "$BATS_TEST_TMPDIR/out.csv"
    local batch_pid=$BG_PID
    wait_said "$out" "scripts/check: ann: port $port is held by a listening socket of pid $HOLDER ("
    kill "$HOLDER"
    wait_exit "$batch_pid" 90
    [[ $EXIT_STATUS -eq 0 ]] || { cat "$out" >&2; return 1; }
    run grep -E "^scripts/check: ann: port $port came free after [0-9.]+ s$" "$out"
    assert_success
    rows "$BATS_TEST_TMPDIR/out.csv"
    assert_output "ann echo-server 1 0 PASS | "
}

@test "batch: a fixed port that never comes free is said in the row's notes" {
    local port
    port=$(free_port tcp)
    echo_server ann "$port"
    echo_server bob
    holder "$port"
    run bare timeout "$WAIT_LONG" "$PYTHON" "$CHECK" --batch "$CLASS" echo-server \
        --no-sandbox --only one-line --wait 1 --csv "$BATS_TEST_TMPDIR/out.csv"
    assert_failure 1
    assert_line --regexp "^scripts/check: ann: port $port: still held after [0-9.]+ s, by a listening socket of pid $HOLDER \(python3[.0-9]*\): not checked \(check this submission again on its own\)$"
    rows "$BATS_TEST_TMPDIR/out.csv"
    assert_line --index 0 --regexp "^ann echo-server 0 1 NOT RUN \| port $port: still held after"
    # the next one, on a port of its own, is checked as usual
    assert_line --index 1 "bob echo-server 1 0 PASS | "
}

@test "batch: a results file a submission alters without the sandbox is written again" {
    local csv="$BATS_TEST_TMPDIR/out.csv" mode
    echo_server ann
    for mode in replace rewrite remove; do
        mkdir -p "$CLASS/$mode"
        cp "$ROOT/tests/check/csv-tamper-server.py" "$CLASS/$mode/server.py"
        printf -- '-- %s server.py {port} %s\n' "$PYTHON" "$mode" \
            >"$CLASS/$mode/run"
    done
    run bare env SOCKSTEP_TEST_CSV="$csv" timeout "$WAIT_LONG" "$PYTHON" \
        "$CHECK" --batch "$CLASS" echo-server --no-sandbox --only one-line \
        --csv "$csv"
    assert_success
    assert_line "scripts/check: $csv was replaced, removed or changed while grading (without the sandbox, a submission can write your files): written again, with its 4 rows"
    rows "$csv"
    assert_output - <<'EOF'
ann echo-server 1 0 PASS | 
remove echo-server 1 0 PASS | 
replace echo-server 1 0 PASS | 
rewrite echo-server 1 0 PASS | 
EOF
}

@test "batch: results a submission writes into its checker's output do not count" {
    # Only root may write to the checker's descriptors (the checker is not
    # dumpable): as another user, the submission cannot even try.
    [[ $EUID -eq 0 ]] || skip "needs root"
    mkdir -p "$CLASS/forger"
    cp "$ROOT/tests/check/forge-server.py" "$CLASS/forger/server.py"
    printf -- '-- %s server.py {port}\n' "$PYTHON" >"$CLASS/forger/run"
    run bare timeout "$WAIT_LONG" "$PYTHON" "$CHECK" --batch "$CLASS" \
        echo-server --no-sandbox --only one-line,split-line \
        --csv "$BATS_TEST_TMPDIR/out.csv"
    assert_failure 1
    rows "$BATS_TEST_TMPDIR/out.csv" one-line split-line
    assert_output "forger echo-server 0 2 FAIL FAIL | one-line: no echo; split-line: split line not echoed whole"
}

# ---- the summary -------------------------------------------------------------------

@test "batch: a summary per check follows the CSV on standard error" {
    need_sandbox
    echo_server ann
    python2_server bob
    mkdir -p "$CLASS/cat" # no run file
    run bare timeout "$WAIT_LONG" "$PYTHON" "$CHECK" --batch "$CLASS" echo-server \
        --only one-line,half-close --csv "$BATS_TEST_TMPDIR/out.csv"
    assert_failure 1
    # the last lines, after each submission's
    [[ "${lines[3]}" == "scripts/check: 3 submissions: 1 passed every check, 1 failed, 0 failed none but had checks not run, 1 not checked" ]]
    [[ "${lines[4]}" == "check       passed  failed  noted  not run" ]]
    # a submission not checked (no run file) has each check NOT RUN
    [[ "${lines[5]}" == "one-line         1       1      0        1" ]]
    [[ "${lines[6]}" == "half-close       1       0      0        2" ]]
    [[ ${#lines[@]} -eq 7 ]]
    # standard output is the CSV's alone, even without --csv
    run bare timeout "$WAIT_LONG" sh -c '"$@" 2>/dev/null' sh \
        "$PYTHON" "$CHECK" --batch "$CLASS" echo-server \
        --only one-line,half-close
    assert_failure 1
    [[ ${#lines[@]} -eq 4 && "${lines[0]}" == submission,* ]]
}

# ---- a build command -----------------------------------------------------------

@test "batch: a run file's build: line builds the program first; a failed build is said" {
    need_sandbox
    local dir="$CLASS/ann"
    mkdir -p "$dir" "$CLASS/bob"
    cp "$ROOT/tests/students/echo-good.c" "$dir/server.c"
    printf '%s\n' '# built in its own directory, before the checks' \
        'build: cc -std=c11 -o server server.c' \
        '-- ./server {port}' >"$dir/run"
    printf 'int main(void) { return x; }\n' >"$CLASS/bob/server.c"
    printf '%s\n' 'build: cc -o server server.c' \
        'echo-server -- ./server {port}' >"$CLASS/bob/run"
    run bare timeout "$((150 * SCALE))" "$PYTHON" "$CHECK" --batch "$CLASS" echo-server \
        --only one-line --csv "$BATS_TEST_TMPDIR/out.csv"
    assert_failure 1
    # built in the submission's copy: its folder is as it was
    [[ ! -e "$dir/server" ]]
    rows "$BATS_TEST_TMPDIR/out.csv"
    assert_line --index 0 "ann echo-server 1 0 PASS | "
    assert_line --index 1 --regexp "^bob echo-server 0 1 NOT RUN \| build failed: 'cc -o server server.c' exited with status 1: .*"
}

# ---- the source check ----------------------------------------------------------

@test "batch: --source reads each submission's own file, in its sandbox" {
    need_sandbox
    echo_server ann
    python2_server bob # Python 3 cannot parse it: one finding
    echo_server cat
    mv "$CLASS/cat/server.py" "$CLASS/cat/main.py"
    run bare timeout "$WAIT_LONG" "$PYTHON" "$CHECK" --batch "$CLASS" echo-server \
        --source server.py --only source --csv "$BATS_TEST_TMPDIR/out.csv"
    assert_failure 1
    rows "$BATS_TEST_TMPDIR/out.csv" source
    assert_line --index 0 "ann echo-server 1 0 PASS | "
    assert_line --index 1 "bob echo-server 0 1 FAIL | source: 1 finding"
    # a submission without the file: that check alone is not run
    assert_line --index 2 "cat echo-server 0 0 NOT RUN | source: no such file"
    run bare timeout "$WAIT_RUN" "$PYTHON" "$CHECK" --batch "$CLASS" echo-server \
        --source ../server.py
    assert_failure 2
    assert_output "scripts/check: --source: with --batch, a file name inside each submission, got '../server.py'"
}

@test "batch: as root, a folder on the sandbox's way closed to others is refused in one line, before any submission" {
    need_sandbox
    # each sandbox as a uid of its own: as the machine's root only
    [[ "$(tr -s ' \n' ' ' </proc/self/uid_map)" == " 0 0 4294967295 " ]] ||
        skip "as the machine's root only: otherwise the sandbox runs as its user"
    local closed="$BATS_TEST_TMPDIR/closed"
    mkdir -m 700 "$closed"
    mkdir -p "$BATS_TEST_TMPDIR/class/a"
    TMPDIR="$closed" run bare timeout "$WAIT_LONG" "$PYTHON" "$CHECK" \
        --batch "$BATS_TEST_TMPDIR/class" echo-server --only loopback
    assert_failure 3
    assert_line --index 0 --regexp '^scripts/check: --batch runs each submission in a sandbox, and as root, each sandbox runs as a user of its own, to whom (/[^ ]*) \(mode 0700\) is closed, as /root is, or a clone made under umask 077: clone where others may read, or grade as an ordinary user, or give --no-sandbox to grade unprotected$'
    # the directory named is on the way to the closed one, or it
    local named
    [[ "${lines[0]}" =~ to\ whom\ (/[^ ]*)\ \(mode ]]
    named=${BASH_REMATCH[1]}
    [[ -n "$named" && "$(realpath "$closed")/" == "$named/"* ]]
    [ "${#lines[@]}" -eq 1 ]
}

