#!/usr/bin/env bats
# scripts/check --batch against a hostile class: submissions that grade
# themselves, fork daemons, signal or stop their checker, write into
# other students' folders, and put escape codes and formulas in their
# names and output; run files in UTF-16, as FIFOs, links to /dev/zero;
# a lecturer's spec whose pattern backtracks. Each submission runs in a
# bubblewrap sandbox: the rows must be right, no process may outlive
# the batch, and no file of the class may change.
#
# Every process a submission starts carries MARK in its command line,
# so that what is left after the batch can be found with pgrep.

# The longest wait inside a test here is 150 s: bats' own per-test
# limit must be longer, or that wait could never say what it waited
# for (tests/timeouts checks it).
: "${BATS_TEST_TIMEOUT:=$((180 * ${SOCKSTEP_TEST_SCALE:-1}))}"
load test_helper

CHECK="$ROOT/scripts/check"
SAMPLES="$ROOT/tests/check"
CLASS=
MARK=

setup() {
    MARK="sockstep-class-$$-$BATS_TEST_NUMBER"
    need_sandbox
    CLASS="$BATS_TEST_TMPDIR/class"
    mkdir -p "$CLASS"
}

teardown() {
    # Never with an empty pattern, which every process matches: setup may
    # have skipped before it set MARK.
    [[ -z "$MARK" ]] || pkill -KILL -f -- "$MARK" 2>/dev/null || true
    kill_all_bg
    # (a results file a test kept in the tree, outside /tmp)
    [[ -z "${KEPT_CSV:-}" ]] || rm -f -- "$KEPT_CSV"
    # (a file a test planted outside /tmp for a submission to look for)
    [[ -z "${SECRET:-}" ]] || rm -f -- "$SECRET"
}

# honest NAME [PREFIX]: submission NAME, a Python echo server run as
# 'python3 server.py {port} MARK'; PREFIX (Python lines) runs first.
honest() {
    local dir="$CLASS/$1"
    mkdir -p "$dir"
    {
        printf '%s\n' "${2:-}"
        cat "$SAMPLES/echo-server.py"
    } >"$dir/server.py"
    printf -- '-- %s server.py {port} %s\n' "$PYTHON" "$MARK" >"$dir/run"
}

# class_sums: a checksum of every file of the class, and its list.
class_sums() {
    (cd "$CLASS" && find . -type f -print0 | sort -z |
        xargs -0 sha256sum)
}

# lines_at_least FILE N: FILE has N lines or more.
lines_at_least() {
    (($(wc -l <"$1" 2>/dev/null || echo 0) >= $2))
}

# no_leftovers: within a bounded wait, no process carries MARK.
no_leftovers() {
    wait_until 5 not pgrep -f -- "$MARK" >/dev/null && return 0
    echo "left running:" >&2
    pgrep -af -- "$MARK" >&2
    return 1
}

# rows CSV CHECK...: each row as "submission passed failed RESULT... |
# notes".
rows() {
    local file="$1"
    shift
    run "$PYTHON" -c '
import csv, sys
for r in csv.DictReader(open(sys.argv[1], newline="")):
    print(r["submission"], r["passed"], r["failed"],
          *[r[c] for c in sys.argv[2:]], "|", r["notes"])
' "$file" "$@"
    assert_success
}

@test "class: a hostile class gets the right row for each student, leaves no process, changes no file" {
    local esc=$'\e'
    honest ann
    # a run file that grades itself with one easy check
    honest bob
    printf -- '--only loopback echo-server -- %s server.py {port} %s\n' \
        "$PYTHON" "$MARK" >"$CLASS/bob/run"
    # signals its parent, and every process it may, then serves
    honest cat "import os, signal
for sig in (signal.SIGTERM, signal.SIGSTOP, signal.SIGKILL):
    os.kill(os.getppid(), sig)
try:
    os.kill(-1, signal.SIGKILL)
except OSError:
    pass"
    # a run file as Notepad saves it: UTF-16 with a BOM, CRLF
    honest dan
    printf -- '-- %s server.py {port} %s\r\n' "$PYTHON" "$MARK" |
        iconv -t UTF-16 >"$CLASS/dan/run"
    # a daemon of daemons: forks, leaves its session, keeps forking
    honest eve "import os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        while True:
            if os.fork() == 0:
                os.setsid()
                time.sleep(600)
                os._exit(0)
            time.sleep(0.1)
    os._exit(0)"
    # a vandal: writes into every folder beside its own, and into the
    # class by its real path
    honest fay "import os, glob
for f in glob.glob('../*/server.py') + glob.glob('$CLASS/*/server.py'):
    try:
        open(f, 'w').write('vandalised')
    except OSError:
        pass"
    # escape codes in its name and in its last words; a formula name
    honest "gus${esc}[31m"
    printf 'import sys\nprint("\\033]0;owned\\007\\033[2J")\nraise SystemExit("\\033[2Jbye")\n' \
        >"$CLASS/gus${esc}[31m/server.py"
    honest '=HYPERLINK("x")'
    # a build that leaves a process of its own behind
    honest hal
    printf 'build: %s -c "import os, time; os.fork() or (os.setsid(), time.sleep(600))" %s &\n' \
        "$PYTHON" "$MARK" >>"$CLASS/hal/run"
    local before
    before=$(class_sums)

    run bare timeout "$((150 * SCALE))" "$PYTHON" "$CHECK" --batch "$CLASS" echo-server \
        --only loopback,one-line,half-close --jobs 3 \
        --csv "$BATS_TEST_TMPDIR/out.csv"
    echo "$output" >"$BATS_TEST_TMPDIR/batch.out"
    assert_failure 1
    # nothing the submissions printed or were named reached the terminal
    [[ "$output" != *"$esc"* ]]
    assert_line --regexp '^scripts/check: gus\\x1b\[31m: echo-server: 0 passed, 1 failed'
    rows "$BATS_TEST_TMPDIR/out.csv" loopback one-line half-close
    assert_line --index 0 "'=HYPERLINK(\"x\") 3 0 PASS PASS PASS | "
    assert_line --index 1 "ann 3 0 PASS PASS PASS | "
    assert_line --index 2 --regexp "^bob 0 1 NOT RUN NOT RUN NOT RUN \| refused: run file asks for --only "
    assert_line --index 3 "cat 3 0 PASS PASS PASS | "
    assert_line --index 4 "dan 3 0 PASS PASS PASS | "
    assert_line --index 5 "eve 3 0 PASS PASS PASS | "
    # the vandal spoilt only its own copy (the second check starts it
    # from its vandalised server.py)
    assert_line --index 6 --regexp "^fay 1 1 PASS FAIL NOT RUN \| one-line: "
    assert_line --index 7 --regexp '^gus\\x1b\[31m 0 1 FAIL NOT RUN NOT RUN \| loopback: '
    assert_line --index 8 "hal 3 0 PASS PASS PASS | "
    [[ ${#lines[@]} -eq 9 ]]
    run grep -c $'\e' "$BATS_TEST_TMPDIR/out.csv"
    assert_output 0
    no_leftovers
    [[ "$(class_sums)" == "$before" ]]
}

@test "class: a submission that uses up its processes leaves its checker room for its peers" {
    # It forks until the sandbox's limit on processes says no; then it
    # serves. The checker's peers are threads of the checker, which
    # count against the same limit: they must still start. The zombies
    # check runs ten of them at once. Its children cannot become zombies
    # (SIGCHLD ignored: the kernel reaps them), so that check's verdict
    # is about its ten clients alone, even if a child is killed from
    # outside while it runs. Its forks are what it does before it
    # listens: the lecturer's --wait 60 gives it time, so that a machine
    # slow to fork is not a verdict here. (A run file's --wait can only
    # lower the lecturer's: a run file that said --wait 60 under the
    # default 10 s still got 10, and a CI run saw "never listened".)
    honest bomb "import os, signal, time
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
try:
    while True:
        if os.fork() == 0:
            time.sleep(600)
            os._exit(0)
except OSError:
    pass"
    run bare timeout "$((150 * SCALE))" "$PYTHON" "$CHECK" --batch "$CLASS" echo-server \
        --only one-megabyte,zombies --wait 60 --csv "$BATS_TEST_TMPDIR/out.csv"
    local rc="$status"
    # what the batch said, shown if anything below fails
    echo "$output" >&2
    rows "$BATS_TEST_TMPDIR/out.csv" one-megabyte zombies
    assert_output "bomb 2 0 PASS PASS | "
    [[ "$rc" -eq 0 ]]
    no_leftovers
}

# passes_loopback NAME CSV [PYTHON]: grade the class (the one
# submission, NAME) on its loopback check alone, into CSV, with the
# checker run by PYTHON (the suite's by default): its one row passes.
# (peek, below, gives up and fails when it could read what it must not.)
passes_loopback() {
    run bare timeout "$((150 * SCALE))" "${3:-$PYTHON}" "$CHECK" --batch "$CLASS" \
        echo-server --only loopback --csv "$2"
    assert_success
    rows "$2" loopback
    assert_output "$1 1 0 PASS | "
    no_leftovers
}

@test "class: a submission cannot read the results of the class, where they are or in the checker's tree" {
    # The lecturer keeps the CSV in the sockstep tree (here build/):
    # outside the sandbox's private /tmp, and inside the tree the
    # sandbox shows the checker at /tmp/.sockstep. A submission that can
    # read any byte of it, at either place, gives up and fails.
    local name="class-$$-$BATS_TEST_NUMBER.csv"
    KEPT_CSV="$ROOT/build/$name"
    mkdir -p "$ROOT/build"
    honest peek "for f in ('$KEPT_CSV', '/tmp/.sockstep/build/$name'):
    try:
        if open(f, 'rb').read(1):
            raise SystemExit('read the results at ' + f)
    except OSError:
        pass"
    passes_loopback peek "$KEPT_CSV"
}

@test "class: a submission sees the system's directories, not the machine's other files" {
    # A file any user may read, outside /tmp and outside the system's
    # directories (here /var/tmp, as a lecturer's home or a class's
    # shared folder would be): a submission that can read a byte of it,
    # or list the machine's homes, gives up and fails. It can still run
    # what the system has (ls from /usr/bin).
    SECRET=$(mktemp /var/tmp/sockstep-secret.XXXXXX)
    echo secret >"$SECRET"
    chmod 644 "$SECRET"
    honest peek "import os, subprocess
subprocess.run(['ls', '/usr/bin/ls'], check=True, stdout=subprocess.DEVNULL)
for f in ('$SECRET', '/home', '/root', '/var'):
    try:
        if os.path.isdir(f) and os.listdir(f) or open(f, 'rb').read(1):
            raise SystemExit('read ' + f)
    except OSError:
        pass"
    passes_loopback peek "$BATS_TEST_TMPDIR/rows.csv"
}

@test "class: a checker on a Python the sandbox's user cannot reach still grades" {
    # A lecturer's scripts/check may run on a Python where the sandbox's
    # own user cannot reach (a version manager's, in /root). The sandbox
    # must not ask to show that directory: the batch once failed every
    # submission there ("bwrap: Can't find source path"). Here: a copy
    # of the system's Python in a directory only its owner may enter.
    local py="$BATS_TEST_TMPDIR/private/python3"
    mkdir -m 700 "$BATS_TEST_TMPDIR/private"
    cp "$(readlink -f "$PYTHON")" "$py"
    honest good
    passes_loopback good "$BATS_TEST_TMPDIR/rows.csv" "$py"
}

@test "class: Ctrl-C keeps every finished row; the same command again checks the rest" {
    local out="$BATS_TEST_TMPDIR/batch.out" csv="$BATS_TEST_TMPDIR/out.csv"
    honest ann
    honest bob
    honest cat
    start_bg "$out" "$PYTHON" "$CHECK" --batch "$CLASS" echo-server \
        --only one-line,silent-client --csv "$csv"
    local pid=$BG_PID
    # once ann's row is written (the clock starts there), interrupt
    wait_until 60 lines_at_least "$csv" 2
    kill -INT "$pid"
    wait_exit "$pid" 60
    [[ $EXIT_STATUS -eq 130 ]] || { cat "$out" >&2; return 1; }
    run grep -E '^scripts/check: stopped by SIGINT: [0-9]+ rows? kept; the same command again checks the rest$' "$out"
    assert_success
    rows "$csv" one-line silent-client
    assert_line --index 0 "ann 2 0 PASS PASS | "
    local kept=${#lines[@]}
    no_leftovers

    run bare timeout "$((100 * SCALE))" "$PYTHON" "$CHECK" --batch "$CLASS" echo-server \
        --only one-line,silent-client --csv "$csv"
    assert_success
    assert_line --regexp "^scripts/check: .*out.csv holds $kept rows? already: $((3 - kept)) submissions? left to check"
    rows "$csv" one-line silent-client
    assert_output "ann 2 0 PASS PASS | 
bob 2 0 PASS PASS | 
cat 2 0 PASS PASS | "
}

@test "class: run files that are FIFOs, links out, binary or too long are one row each" {
    local f
    for f in fifo zero binary latin long bom; do honest "$f"; done
    rm "$CLASS/fifo/run" "$CLASS/zero/run"
    mkfifo "$CLASS/fifo/run"
    ln -s /dev/zero "$CLASS/zero/run"
    head -c 300 /dev/urandom >"$CLASS/binary/run"
    printf -- '-- %s server.py {port} %s # caf\xe9\n' "$PYTHON" "$MARK" \
        >"$CLASS/latin/run"
    printf '#%.0s' {1..5000} >>"$CLASS/long/run"
    printf '\xef\xbb\xbf-- %s server.py {port} %s\n' "$PYTHON" "$MARK" \
        >"$CLASS/bom/run"
    # a submission that is a link to a folder elsewhere
    honest elsewhere
    mv "$CLASS/elsewhere" "$BATS_TEST_TMPDIR/elsewhere"
    ln -s "$BATS_TEST_TMPDIR/elsewhere" "$CLASS/link"
    run bare timeout "$((100 * SCALE))" "$PYTHON" "$CHECK" --batch "$CLASS" echo-server \
        --only one-line --csv "$BATS_TEST_TMPDIR/out.csv"
    assert_failure 1
    refute_output --partial Traceback
    rows "$BATS_TEST_TMPDIR/out.csv" one-line
    assert_line --index 0 --regexp '^binary 0 1 NOT RUN \| refused: '
    assert_line --index 1 "bom 1 0 PASS | "
    assert_line --index 2 "fifo 0 1 NOT RUN | refused: the run file is not a regular file (a FIFO, a device or a directory)"
    assert_line --index 3 "latin 1 0 PASS | "
    assert_line --index 4 "link 0 1 NOT RUN | refused: the submission's folder is a link (copy the folder itself in)"
    assert_line --index 5 "long 0 1 NOT RUN | refused: the run file is longer than 4096 bytes"
    assert_line --index 6 "zero 0 1 NOT RUN | refused: the run file is a link that leads out of the folder"
}

@test "class: a spec pattern that backtracks fails its check in words; the others go on" {
    local spec="$BATS_TEST_TMPDIR/slow.spec"
    printf '%s\n' 'name: as' 'send: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' \
        'expect: (a|a)+b' >"$spec"
    honest ann
    run bare timeout "$((100 * SCALE))" "$PYTHON" "$CHECK" --batch "$CLASS" --spec "$spec" \
        --only exchange,bind --csv "$BATS_TEST_TMPDIR/out.csv"
    assert_failure 1
    rows "$BATS_TEST_TMPDIR/out.csv" exchange bind
    assert_output "ann 1 1 FAIL PASS | exchange: pattern too slow"
    # and alone, the verdict says why
    cd "$CLASS/ann"
    run bare timeout "$WAIT_LONG" "$PYTHON" "$CHECK" --spec "$spec" --only exchange \
        -- "$PYTHON" server.py '{port}' "$MARK"
    assert_failure 1
    assert_said "The spec's pattern /(a|a)+b/ took more than 1 s to match 40 characters, and was stopped"
}

@test "class: a bad spec, a bad --csv or a missing kind: one line, exit 2, nothing run" {
    honest ann
    printf 'import os\nopen(os.path.join(os.environ["HOME"], "ran"), "w")\n' \
        >"$CLASS/ann/server.py"
    printf 'send: x\nexpect: (\n' >"$BATS_TEST_TMPDIR/bad.spec"
    run bare timeout "$WAIT_SHORT" "$PYTHON" "$CHECK" --batch "$CLASS" \
        --spec "$BATS_TEST_TMPDIR/bad.spec"
    assert_failure 2
    assert_output --regexp "^scripts/check: --spec: .*bad.spec line 2: expect: not a Python regular expression"
    run bare timeout "$WAIT_SHORT" "$PYTHON" "$CHECK" --batch "$CLASS" echo-server \
        --csv "$BATS_TEST_TMPDIR/no/such/dir/out.csv"
    assert_failure 2
    assert_output --regexp "^scripts/check: --csv: cannot write '.*/no/such/dir/out.csv': No such file or directory$"
    # a pipe (here bats' own) cannot be read back to resume a batch
    run bare timeout "$WAIT_SHORT" "$PYTHON" "$CHECK" --batch "$CLASS" echo-server \
        --csv /dev/stdout
    assert_failure 2
    assert_output "scripts/check: --csv: /dev/stdout: not a regular file (without --csv, the CSV goes to standard output)"
    run bare timeout "$WAIT_SHORT" "$PYTHON" "$CHECK" --batch "$CLASS"
    assert_failure 2
    assert_output "scripts/check: --batch: name what is checked, KIND or --spec FILE, on the command line (see --help)"
    run bare timeout "$WAIT_SHORT" "$PYTHON" "$CHECK" --batch "$CLASS" --spec /dev/zero
    assert_failure 2
    assert_output "scripts/check: --spec: /dev/zero: not a regular file"
}

@test "class: without bwrap the batch refuses in one line; --no-sandbox grades" {
    local bin="$BATS_TEST_TMPDIR/bin" t
    mkdir -p "$bin"
    for t in python3 sh env nice timeout; do
        ln -s "$(command -v "$t")" "$bin/$t" 2>/dev/null || true
    done
    ln -sf "$PYTHON" "$bin/python3"
    honest ann
    run bare env PATH="$bin" "$PYTHON" "$CHECK" --batch "$CLASS" echo-server \
        --only one-line
    assert_failure 3
    assert_output "scripts/check: --batch runs each submission in a sandbox, and bubblewrap (bwrap) is not installed (Debian: bubblewrap): install it, or give --no-sandbox to grade unprotected"
    run bare env PATH="$bin" timeout "$WAIT_LONG" "$PYTHON" "$CHECK" --batch "$CLASS" \
        echo-server --only one-line --no-sandbox
    assert_success
    # unprotected, and said so before the first row
    local who=root
    [[ "$(id -u)" -eq 0 ]] || who="uid $(id -u)"
    assert_line --index 0 "scripts/check: warning: --no-sandbox: each submission runs with your rights ($who), on a copy of its folder: it can read and change your files, signal the checker and use the network; of its limits only its time holds (900 s)"
    assert_line --index 2 "ann,echo-server,1,0,0,PASS,"
    run bare "$PYTHON" "$CHECK" --batch "$CLASS" echo-server --jobs 2 \
        --no-sandbox
    assert_failure 2
    assert_output --partial "scripts/check: --jobs: needs the sandbox"
}

@test "class: where bwrap cannot make namespaces, the batch says what would let it" {
    # bwrap is installed, but the kernel (or a container) refuses an
    # ordinary user's namespaces, or root's (in a chroot): installing it
    # again would not help
    local fake="$BATS_TEST_TMPDIR/nons"
    mkdir -p "$fake"
    printf '#!/bin/sh\necho "bwrap: No permissions to create new namespace" >&2\nexit 1\n' \
        >"$fake/bwrap"
    chmod 755 "$fake/bwrap"
    honest ann
    run bare env PATH="$fake:$PATH" timeout "$WAIT_SHORT" "$PYTHON" "$CHECK" \
        --batch "$CLASS" echo-server --only one-line
    assert_failure 3
    if ((EUID == 0)); then # root makes a user namespace for the sandbox too
        assert_output "scripts/check: --batch runs each submission in a sandbox, and bwrap cannot make a sandbox here (bwrap: No permissions to create new namespace): the kernel refused it the namespaces it needs, to root too, as inside a chroot or a container that forbids them; grade on the machine itself, or give --no-sandbox to grade unprotected"
    else
        assert_output "scripts/check: --batch runs each submission in a sandbox, and bwrap cannot make a sandbox here (bwrap: No permissions to create new namespace): the kernel or a container refused it the namespaces it needs; grade as root, or where this user may make user namespaces, or give --no-sandbox to grade unprotected"
    fi
}

@test "class: as the machine's root in a user namespace, the batch says its process limit cannot hold" {
    # Under unshare -r the only uid is 0, and the sandbox runs as that
    # uid; started by the machine's root, that is root itself, whose
    # processes the kernel does not count against RLIMIT_NPROC. Started
    # by another user, the limit holds and nothing is said.
    need_unshare -r
    honest ann
    run bare timeout "$WAIT_LONG" unshare -r "$PYTHON" "$CHECK" --batch "$CLASS" \
        echo-server --only one-line
    assert_success
    assert_line "ann,echo-server,1,0,0,PASS,"
    local warning="scripts/check: warning: this user (uid 0 here) is, outside its user namespace, the machine's root (as under unshare -r started by root), so the limit of 256 processes per submission cannot hold: a fork bomb can fill the machine. Grade as an ordinary user, or as root outside the namespace"
    if [[ "$(id -u)" -eq 0 ]]; then
        assert_line --index 0 "$warning"
    else
        refute_output --partial "warning:"
    fi
    # The same when root maps itself to another uid (unshare
    # --map-user=1000): that uid is root outside. (bwrap may refuse to
    # nest a sandbox there; the check that decides is asked alone.)
    need_unshare --map-user=1000
    run bare unshare --map-user=1000 "$PYTHON" -c 'import sys
sys.path.insert(0, sys.argv[1])
from sockcheck import sandbox
print(sandbox.root_unbounded())' "$ROOT/scripts"
    assert_success
    if [[ "$(id -u)" -eq 0 ]]; then
        assert_output True
    else
        assert_output False
    fi
}
