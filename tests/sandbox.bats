#!/usr/bin/env bats
# scripts/check --batch's sandbox against a hostile class, one attack a
# test (each of the breaks B1-B13 of a hostile reading): what the sandbox
# shows (not the lecturer's environment, the checker's tree, the batch's
# temporary folder, the directories on the lecturer's PATH), what it
# limits (its disk, memory and time, a run file's --wait), how the CSV
# keeps its rows apart and whole (names that look alike, a full disk),
# what reaches the lecturer's terminal, and NOT RUN counted as its own;
# then what a submission's folder or build may not do (a hard link to
# another user's file, a source rewritten or its readers ended by the
# build, a user namespace of its own); last, check --sandbox, one
# program in that same sandbox.
#
# A submission that sees what it must not gives up (SystemExit) before
# it listens: its row then fails, and the test with it.

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
    MARK="sockstep-sandbox-$$-$BATS_TEST_NUMBER"
    need_sandbox
    CLASS="$BATS_TEST_TMPDIR/class"
    mkdir -p "$CLASS"
}

teardown() {
    # Never with an empty pattern, which every process matches: setup may
    # have skipped before it set MARK.
    [[ -z "$MARK" ]] || pkill -KILL -f -- "$MARK" 2>/dev/null || true
    kill_all_bg
    # what a test planted outside /tmp, for a submission to look for
    [[ -z "${PLANTED:-}" ]] || rm -rf -- "$PLANTED"
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

# rows CSV CHECK...: each row as "submission passed failed not-run
# RESULT... | notes".
rows() {
    local file="$1"
    shift
    run "$PYTHON" -c '
import csv, sys
for r in csv.DictReader(open(sys.argv[1], newline="")):
    print(r["submission"], r["passed"], r["failed"], r.get("not run", "-"),
          *[r[c] for c in sys.argv[2:]], "|", r["notes"])
' "$file" "$@"
    assert_success
}

# grade CSV ARGS...: the batch on the class, into CSV.
grade() {
    local csv="$1"
    shift
    run bare timeout "$((150 * SCALE))" "$PYTHON" "$CHECK" --batch "$CLASS" \
        "$@" --csv "$csv"
}

# peeks PATH...: Python lines that give up when any PATH can be read or
# listed from inside.
peeks() {
    local p list=""
    for p in "$@"; do
        list+="'$p', "
    done
    printf '%s\n' "import os
for f in ($list):
    try:
        if os.path.isdir(f) and os.listdir(f) or open(f, 'rb').read(1):
            raise SystemExit('read ' + f)
    except OSError:
        pass"
}

# ---- B3-B6: what the sandbox shows ------------------------------------------

@test "sandbox B3: the lecturer's environment stays out; a failing build line carries none of it into the CSV" {
    honest leak
    # shellcheck disable=SC2016 # expanded by the build's own shell
    printf '%s\n' 'build: echo "key=$SOCKSTEP_TEST_SECRET home=$HOME path=$PATH lang=$LANG"; exit 1' \
        >>"$CLASS/leak/run"
    SOCKSTEP_TEST_SECRET="lecturer-secret-$MARK" grade "$BATS_TEST_TMPDIR/out.csv" \
        echo-server --only loopback
    assert_failure 1
    refute_output --partial lecturer-secret
    run grep -c lecturer-secret "$BATS_TEST_TMPDIR/out.csv"
    assert_output 0
    rows "$BATS_TEST_TMPDIR/out.csv" loopback
    assert_output --partial "exited with status 1: key= home=/tmp/submission path=/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin lang=C.UTF-8"
}

@test "sandbox B4: the checker's tree is not shown, only the files the checker needs" {
    # an old CSV of another class, kept in the tree's build/, and the
    # tree's own files (its Makefile, lessons/, its git link)
    local old="$ROOT/build/other-class-$MARK.csv"
    PLANTED="$old"
    echo "alice,PASS" >"$old"
    honest peek "$(peeks "$old" "/tmp/.sockstep/build/${old##*/}" \
        "$ROOT/Makefile" /tmp/.sockstep/Makefile /tmp/.sockstep/lessons \
        "$ROOT/.git" /tmp/.sockstep/.git)"
    grade "$BATS_TEST_TMPDIR/out.csv" echo-server --only loopback
    assert_success
    rows "$BATS_TEST_TMPDIR/out.csv" loopback
    assert_output "peek 1 0 0 PASS | "
}

@test "sandbox B5: the batch's own folder, even inside the checker's tree, is out of sight" {
    # TMPDIR in the tree, as a lecturer may set it: the batch's folder
    # holds every slot's copy
    local tmp="$ROOT/build/tmp-$MARK"
    PLANTED="$tmp"
    mkdir -p "$tmp"
    honest spy "$(peeks "$tmp" "/tmp/.sockstep/build/${tmp##*/}")"
    honest victim
    TMPDIR="$tmp" grade "$BATS_TEST_TMPDIR/out.csv" echo-server \
        --only loopback --jobs 2
    assert_success
    rows "$BATS_TEST_TMPDIR/out.csv" loopback
    assert_line --index 0 "spy 1 0 0 PASS | "
    assert_line --index 1 "victim 1 0 0 PASS | "
}

@test "sandbox B6: a directory on the lecturer's PATH is not shown" {
    # a home's bin on PATH (outside /tmp, which the sandbox never showed)
    local home
    home=$(mktemp -d /var/tmp/sockstep-home.XXXXXX)
    PLANTED="$home"
    chmod 755 "$home"
    echo "token=lecturer" >"$home/deploy.conf"
    chmod 644 "$home/deploy.conf"
    honest peek "$(peeks "$home/deploy.conf" "$home")"
    PATH="$home:$PATH" grade "$BATS_TEST_TMPDIR/out.csv" echo-server \
        --only loopback
    assert_success
    rows "$BATS_TEST_TMPDIR/out.csv" loopback
    assert_output "peek 1 0 0 PASS | "
}

# ---- B11: time --------------------------------------------------------------

@test "sandbox B11: a run file's --wait may lower the lecturer's, never raise it" {
    # it listens after 6 s; its run file asks for 600 s, the lecturer
    # gives 2
    honest slow "import time
time.sleep(6)"
    printf -- '--wait 600 -- %s server.py {port} %s\n' "$PYTHON" "$MARK" \
        >"$CLASS/slow/run"
    grade "$BATS_TEST_TMPDIR/out.csv" echo-server --only loopback --wait 2
    assert_failure 1
    rows "$BATS_TEST_TMPDIR/out.csv" loopback
    assert_output --regexp '^slow 0 1 0 FAIL \| loopback: '
}

@test "sandbox B11: a submission that outlasts --limit time is ended, and its row says so" {
    honest sleeper
    printf 'build: sleep 300 # %s\n' "$MARK" >>"$CLASS/sleeper/run"
    grade "$BATS_TEST_TMPDIR/out.csv" echo-server --only loopback \
        --limit time=20
    assert_failure 1
    rows "$BATS_TEST_TMPDIR/out.csv" loopback
    # (on a slow machine, its sandbox may still be starting)
    assert_output --regexp '^sleeper 0 1 1 NOT RUN \| in (its build|the start), it had taken the 20 s a submission may take \(--limit time\), and was ended$'
    # a wrong limit: one line, exit 2
    run bare "$PYTHON" "$CHECK" --batch "$CLASS" echo-server --limit memory=1
    assert_failure 2
    assert_output "scripts/check: --limit: memory: expected a number 64..1048576, got '1'"
    run bare "$PYTHON" "$CHECK" --batch "$CLASS" echo-server --limit swap=1
    assert_failure 2
    assert_output "scripts/check: --limit: no limit 'swap' (memory, procs, file, cpu, time, disk)"
}

# ---- B1, B2, B10: disk and memory -------------------------------------------

@test "sandbox B1: a submission that fills its disk fills its own tmpfs, and another's build goes on" {
    # --jobs 2: the filler writes 8 MB files into its copy until it
    # cannot (its /tmp holds 32 MB); the other builds a C server meanwhile
    honest filler "import os
n = 0
try:
    while True:
        with open('fill%d' % n, 'wb') as f:
            f.write(b'x' * (8 << 20))
        n += 1
except OSError:
    pass
if n * 8 > 32:
    raise SystemExit('wrote %d MB' % (n * 8))"
    mkdir -p "$CLASS/cbuild"
    cp "$SAMPLES/planted-echo-server.c" "$CLASS/cbuild/server.c"
    printf 'build: cc -o server server.c\n-- ./server {port}\n' \
        >"$CLASS/cbuild/run"
    # a build that fills the disk and fails: its row says the disk was
    # full (its own output, kept in that /tmp, may be lost)
    honest full
    # shellcheck disable=SC2016 # expanded by the build's own shell
    printf 'build: for i in 1 2 3 4 5; do head -c 10000000 /dev/zero >f$i; done; exit 1\n' \
        >>"$CLASS/full/run"
    grade "$BATS_TEST_TMPDIR/out.csv" echo-server --only loopback --jobs 2 \
        --limit disk=32
    rows "$BATS_TEST_TMPDIR/out.csv" loopback
    assert_line --index 0 "cbuild 1 0 0 PASS | "
    assert_line --index 1 "filler 1 0 0 PASS | "
    assert_line --index 2 --regexp "^full 0 1 1 NOT RUN \| build failed: .* exited with status 1(: .*)?; its /tmp was full \(32 MiB, --limit disk\), its copy in it$"
}

@test "sandbox B2: /dev/shm is a small tmpfs of its own, / and /dev are read only" {
    honest hog "import os
def fill(d):
    n = 0
    try:
        while n < 8:
            with open(os.path.join(d, 'hog%d' % n), 'wb') as f:
                f.write(b'x' * (4 << 20))
            n += 1
    except OSError:
        pass
    return n * 4
if fill('/dev/shm') > 8:
    raise SystemExit('/dev/shm took more than 8 MB')
for d in ('/', '/dev', '/etc'):
    if fill(d):
        raise SystemExit('wrote into ' + d)"
    grade "$BATS_TEST_TMPDIR/out.csv" echo-server --only loopback \
        --limit disk=32
    assert_success
    rows "$BATS_TEST_TMPDIR/out.csv" loopback
    assert_output "hog 1 0 0 PASS | "
}

@test "sandbox: a submission makes no user namespace, where it would mount a tmpfs past --limit disk" {
    bwrap --help 2>&1 | grep -q -- --disable-userns ||
        skip "this bwrap (before 0.8.0) cannot disable user namespaces"
    # in a user namespace of its own, root there, it mounts a tmpfs of
    # no set size and writes 48 MB in it, with --limit disk=16
    honest userns "import subprocess
if subprocess.run(['unshare', '-rm', 'sh', '-c', 'mkdir -p m && mount -t tmpfs none m && head -c 48M /dev/zero >m/f'], stderr=subprocess.DEVNULL).returncode == 0:
    raise SystemExit('wrote 48 MB past --limit disk')"
    grade "$BATS_TEST_TMPDIR/out.csv" echo-server --only loopback \
        --limit disk=16
    assert_success
    rows "$BATS_TEST_TMPDIR/out.csv" loopback
    assert_output "userns 1 0 0 PASS | "
}

@test "sandbox B2: a submission out of memory is named, and the batch grades the next" {
    # the sandbox makes a memory cgroup for itself only as root, where
    # the machine has one: asked of the module itself
    run "$PYTHON" -c 'import os, sys
sys.path.insert(0, sys.argv[1])
from sockcheck import sandbox
p = sandbox.make_cgroup("sockstep-probe-%d" % os.getpid(), sandbox.LIMITS)
print(p is not None)
if p:
    sandbox.drop_cgroup(p)' "$ROOT/scripts"
    [[ "$output" == True ]] || skip "no memory cgroup for the sandbox here"
    # 4 files of 60 MB in its /tmp (a tmpfs of 512 MB): more than the
    # 200 MB of memory its sandbox may use. It never listens: --wait
    # gives it time to fill them first, since under half a core the
    # writing outlasted the checker's usual 10 s and it was "never
    # listened" instead (make test-slow)
    honest a-hog "for n in range(4):
    with open('/tmp/hog%d' % n, 'wb') as f:
        f.write(b'x' * (60 << 20))"
    honest b-good
    grade "$BATS_TEST_TMPDIR/out.csv" echo-server --only loopback \
        --limit memory=200,disk=512 --wait "$WAIT_LONG"
    assert_failure 1
    rows "$BATS_TEST_TMPDIR/out.csv" loopback
    assert_line --index 0 --regexp "^a-hog 0 1 .*its sandbox ran out of memory \(200 MiB, --limit memory\)"
    assert_line --index 1 "b-good 1 0 0 PASS | "
}

@test "sandbox B10: a folder over the copy limit (sparse files in full) or too deep is one line, not copied" {
    honest sparse
    truncate -s 1G "$CLASS/sparse/core"
    honest deep
    local d="$CLASS/deep" i
    for i in $(seq 70); do d+="/d"; done
    mkdir -p "$d"
    honest small
    grade "$BATS_TEST_TMPDIR/out.csv" echo-server --only loopback \
        --limit disk=64
    assert_failure 1
    refute_output --partial Traceback
    rows "$BATS_TEST_TMPDIR/out.csv" loopback
    assert_line --index 0 "deep 0 1 1 NOT RUN | its folder could not be copied: folders more than 64 deep"
    assert_line --index 1 "small 1 0 0 PASS | "
    assert_line --index 2 "sparse 0 1 1 NOT RUN | its folder could not be copied: its folder holds more than 32 MiB (every byte of a sparse file counts): not copied"
}

@test "sandbox: a hard link to another user's file is not copied in (the copy is made as root)" {
    [[ $EUID -eq 0 ]] || skip "only root's copy can read another user's file"
    # a file only its owner reads, and a submission that holds a hard
    # link to it: made by a student on the grading machine (where
    # fs.protected_hardlinks is 0) or by an archive's hard link
    local secret="$BATS_TEST_TMPDIR/secret"
    echo "secret-of-another-$MARK" >"$secret"
    chown 43210:43210 "$secret"
    chmod 600 "$secret"
    honest spy "$(peeks notes.txt)"
    ln "$secret" "$CLASS/spy/notes.txt" ||
        skip "no hard link to another user's file here"
    # a hard link between its own files is copied, as any file
    honest good
    ln "$CLASS/good/server.py" "$CLASS/good/linked.py"
    grade "$BATS_TEST_TMPDIR/out.csv" echo-server --only loopback
    assert_failure 1
    refute_output --partial "secret-of-another"
    rows "$BATS_TEST_TMPDIR/out.csv" loopback
    assert_line --index 0 "good 1 0 0 PASS | "
    assert_line --index 1 "spy 0 1 1 NOT RUN | its folder could not be copied: notes.txt: a hard link to a file of another user (uid 43210): not copied"
}

# ---- B7-B9: the CSV and the terminal ----------------------------------------

@test "sandbox B7: '=x and =x are two rows; a batch started again grades the one it lacks" {
    honest "'=x"
    grade "$BATS_TEST_TMPDIR/out.csv" echo-server --only loopback
    assert_success
    # a second submission, broken (no run file), whose cell once was the
    # first one's; and names that differ by a backslash or an ESC
    mkdir -p "$CLASS/=x" "$CLASS/a\\x1b" "$CLASS/a"$'\e'
    grade "$BATS_TEST_TMPDIR/out.csv" echo-server --only loopback
    assert_failure 1
    assert_line --regexp "out.csv holds 1 row already: 3 submissions left to check"
    rows "$BATS_TEST_TMPDIR/out.csv" loopback
    assert_line --index 0 "''=x 1 0 0 PASS | "
    assert_line --index 1 --regexp "^'=x 0 1 1 NOT RUN \| refused: no run file"
    assert_line --index 2 --regexp '^a\\x1b 0 1 1 NOT RUN \| refused: no run file'
    assert_line --index 3 --regexp '^a\\\\x1b 0 1 1 NOT RUN \| refused: no run file'
    [[ ${#lines[@]} -eq 4 ]]
}

@test "sandbox B8: a full disk under the CSV is one line; the rows so far are kept whole" {
    [[ "$(id -u)" == 0 ]] || skip "mounting a small tmpfs needs root"
    need_unshare -m
    local i disk="$BATS_TEST_TMPDIR/disk"
    mkdir -p "$disk"
    # a build that fails with a 200-character last line: each row
    # about 280 bytes, 30 of them more than the 4 KB the disk holds
    for i in $(seq -w 30); do
        honest "s$i"
        printf 'build: printf "%%0200d\\n" 0; exit 1\n' >>"$CLASS/s$i/run"
    done
    # shellcheck disable=SC2016 # the inner shell's own $1, $0, $@
    run bare timeout "$((150 * SCALE))" unshare -m --propagation private \
        sh -c 'mount -t tmpfs -o size=4k tmpfs "$1" && shift && "$@"; rc=$?; cp "$0"/out.csv "$0"/../kept.csv; ls -a "$0" >"$0"/../listing; exit $rc' \
        "$disk" "$disk" "$PYTHON" "$CHECK" --batch "$CLASS" echo-server \
        --only loopback --jobs 2 --csv "$disk/out.csv"
    assert_failure 3
    refute_output --partial Traceback
    refute_output --partial "changed while grading"
    assert_line --regexp "^scripts/check: .*out.csv: cannot write a row: No space left on device. [0-9]+ rows kept; once there is room, the same command again checks the rest$"
    # what it kept: whole rows, in order, as many as it said
    local kept
    kept=$(sed -n 's/.*device\. \([0-9]*\) rows kept.*/\1/p' <<<"$output")
    run "$PYTHON" -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
assert open(sys.argv[1]).read().endswith("\n")
assert all(len(r) == len(rows[0]) for r in rows), rows
print(len(rows) - 1, rows[-1][0])
' "$BATS_TEST_TMPDIR/kept.csv"
    assert_success
    assert_output --regexp "^$kept s[0-9]+$"
    ((kept > 0 && kept < 30))
    # and no stray file beside it
    run cat "$BATS_TEST_TMPDIR/listing"
    assert_output ".
..
out.csv"
}

@test "sandbox B9: a run file's text reaches the lecturer's terminal escaped" {
    local esc=$'\e' bel=$'\a'
    honest build
    printf 'build: exit 3 # %s[1A%s[2K%s[32m fake row %s]0;PWNED%s\n' \
        "$esc" "$esc" "$esc" "$esc" "$bel" >>"$CLASS/build/run"
    honest option
    printf -- '--%s]0;TITLE%s x -- %s server.py {port}\n' "$esc" "$bel" \
        "$PYTHON" >"$CLASS/option/run"
    honest port
    printf -- '--port 1%s[2J -- %s server.py {port}\n' "$esc" "$PYTHON" \
        >"$CLASS/port/run"
    grade "$BATS_TEST_TMPDIR/out.csv" echo-server --only loopback
    assert_failure 1
    [[ "$output" != *"$esc"* && "$output" != *"$bel"* ]]
    assert_line "scripts/check: build: build failed: 'exit 3 # \\x1b[1A\\x1b[2K\\x1b[32m fake row \\x1b]0;PWNED\\x07' exited with status 3"
    assert_line --regexp '^scripts/check: option: refused: run file asks for --\\x1b\]0;TITLE\\x07 '
    assert_line --regexp "^scripts/check: port: refused: --port: expected a port 1..65535, got '1\\\\x1b\[2J'"
}

# ---- B12, B13: programs the fault checks cannot reach -----------------------

# shortsend NAME CCFLAGS...: submission NAME, tests/students/
# hello-shortsend.c (it ignores a short send) built with CCFLAGS.
shortsend() {
    local name=$1
    shift
    mkdir -p "$CLASS/$name"
    cc "$@" -o "$CLASS/$name/hello" "$ROOT/tests/students/hello-shortsend.c" \
        2>/dev/null || skip "cannot build with $*"
    printf -- '-- ./hello {port}\n' >"$CLASS/$name/run"
}

@test "sandbox B12: NOT RUN is its own count in the row, the summary and the exit; --require-faults fails it" {
    shortsend dyn
    shortsend static -static
    local spec="$ROOT/scripts/sockcheck/specs/hello.spec"
    grade "$BATS_TEST_TMPDIR/out.csv" --spec "$spec" --only exchange,short-send
    assert_failure 1
    assert_line "scripts/check: 2 submissions: 0 passed every check, 1 failed, 1 failed none but had checks not run, 0 not checked"
    rows "$BATS_TEST_TMPDIR/out.csv" exchange short-send
    assert_line --index 0 --regexp '^dyn 1 1 0 PASS FAIL \| short-send: '
    assert_line --index 1 "static 1 0 1 PASS NOT RUN | "
    # the lecturer who wants the fault checks made asks for them
    grade "$BATS_TEST_TMPDIR/req.csv" --spec "$spec" --only exchange,short-send \
        --require-faults
    assert_failure 1
    rows "$BATS_TEST_TMPDIR/req.csv" exchange short-send
    assert_line --index 1 --regexp '^static 1 1 0 PASS FAIL \| short-send: the fault checks cannot reach it'
    # alone, each format counts it apart
    cd "$CLASS/static"
    run bare timeout "$((100 * SCALE))" "$PYTHON" "$CHECK" --spec "$spec" \
        --only exchange,short-send --format json -- ./hello '{port}'
    assert_success
    assert_output --partial '"not_run": 1,'
    run bare timeout "$((100 * SCALE))" "$PYTHON" "$CHECK" --spec "$spec" \
        --only exchange,short-send --format tap -- ./hello '{port}'
    assert_line "# 1 passed, 0 failed, 1 not run"
    assert_line --regexp '^ok 2 - short-send: .* # SKIP not run: cannot preload the fault library$'
    run bare timeout "$((100 * SCALE))" "$PYTHON" "$CHECK" --spec "$spec" \
        --only exchange,short-send --format junit -- ./hello '{port}'
    assert_output --partial 'skipped="1"'
    run bare timeout "$((100 * SCALE))" "$PYTHON" "$CHECK" --spec "$spec" \
        --only exchange,short-send --format gradescope -- ./hello '{port}'
    assert_output --partial '2 checks: 1 passed, 0 failed, 1 not run'
    refute_output --regexp '"status": "passed",[^}]*NOT RUN'
}

@test "sandbox B13: a set-user-ID program: narrate and the fault checks say the loader ignores LD_PRELOAD" {
    [[ "$(id -u)" == 0 ]] || skip "a set-user-ID program of another user needs root"
    shortsend suid
    local prog="$CLASS/suid/hello"
    chown 65534 "$prog"
    chmod u+s "$prog"
    run bare timeout "$WAIT_SHORT" "$ROOT/scripts/narrate" -- "$prog" 0
    assert_failure 1
    assert_line --index 0 "scripts/narrate: $prog is set-user-ID (it runs as its owner, nobody)."
    assert_line --index 1 "For such a program the loader ignores LD_PRELOAD, so there is nothing to"
    cd "$CLASS/suid"
    run bare timeout "$((100 * SCALE))" "$PYTHON" "$CHECK" \
        --spec "$ROOT/scripts/sockcheck/specs/hello.spec" --only short-send \
        -- ./hello '{port}'
    assert_success
    assert_said "./hello is set-user-ID (it runs as uid 65534): for such a program the loader ignores LD_PRELOAD"
}

# dropped NAME: a C file in submission NAME whose send() result is
# dropped (a finding of --source), and a Makefile that compiles it, then
# writes a clean server.c over it, as a build may.
dropped() {
    local dir="$CLASS/$1"
    mkdir -p "$dir"
    printf '%s\n' '#include <sys/socket.h>' 'int main(void)' '{' \
        '    char buf[8] = "hello";' '    send(3, buf, 5, 0);' \
        '    return 0;' '}' >"$dir/server.c"
    printf '%s\n' 'all:' '	cc -c -o server.o server.c' \
        '	printf "int main(void) { return 0; }\n" >server.c' \
        >"$dir/Makefile"
}

@test "sandbox: --source reads each file as submitted, not as its build left it" {
    command -v clang-tidy >/dev/null || skip "clang-tidy is not installed"
    honest plain
    dropped plain
    honest rewrites
    dropped rewrites
    echo "build: make" >>"$CLASS/rewrites/run"
    grade "$BATS_TEST_TMPDIR/out.csv" echo-server --only source,loopback \
        --source server.c
    assert_failure 1
    rows "$BATS_TEST_TMPDIR/out.csv" source loopback
    assert_line --index 0 "plain 1 1 0 FAIL PASS | source: 1 finding"
    assert_line --index 1 "rewrites 1 1 0 FAIL PASS | source: 1 finding"
    # check --sandbox --build: the same
    cd "$CLASS/rewrites"
    run bare timeout "$((150 * SCALE))" "$PYTHON" "$CHECK" --sandbox \
        --build make --source server.c --only source,loopback \
        echo-server -- "$PYTHON" server.py '{port}'
    assert_failure 1
    assert_line --regexp "^FAIL source +.*: 1 finding"
    assert_output --partial "server.c:5: the result of send() is dropped"
}

@test "sandbox: what a build leaves running is ended before the checks (it cannot end the source check's tools)" {
    command -v clang-tidy >/dev/null || skip "clang-tidy is not installed"
    honest killer
    dropped killer
    # a build that leaves a process of its own session, which ends the
    # tools that read the source as they start
    printf '%s\n' 'all:' \
        "	setsid sh -c 'while :; do pkill -9 -x clang-tidy; pkill -9 -x cc1; sleep 0.005; done # $MARK' </dev/null >/dev/null 2>&1 &" \
        >"$CLASS/killer/Makefile"
    echo "build: make" >>"$CLASS/killer/run"
    grade "$BATS_TEST_TMPDIR/out.csv" echo-server --only source,loopback \
        --source server.c
    assert_failure 1
    rows "$BATS_TEST_TMPDIR/out.csv" source loopback
    assert_output "killer 1 1 0 FAIL PASS | source: 1 finding"
    # check --sandbox --build: the same
    cd "$CLASS/killer"
    run bare timeout "$((150 * SCALE))" "$PYTHON" "$CHECK" --sandbox \
        --build make --source server.c --only source,loopback \
        echo-server -- "$PYTHON" server.py '{port}'
    assert_failure 1
    assert_output --partial "server.c:5: the result of send() is dropped"
}

@test "sandbox: a bwrap older than the options the sandbox needs (no --size) is one line that names it and what to install" {
    # as Ubuntu 22.04's bwrap 0.6.1 answers: its --help has no --size,
    # and a sandbox asked for with it fails
    local fake="$BATS_TEST_TMPDIR/oldbwrap"
    mkdir -p "$fake"
    cat >"$fake/bwrap" <<'EOF'
#!/bin/sh
case "$1" in
--version) echo "bubblewrap 0.6.1" ;;
--help) printf '%s\n' "usage: bwrap [OPTIONS...] [--] COMMAND [ARGS...]" \
    "    --unshare-all                Unshare every namespace we support by default" \
    "    --die-with-parent            Kills with SIGKILL child process (COMMAND) when bwrap or bwrap's parent dies." \
    "    --as-pid-1                   Do not install a reaper process with PID=1" \
    "    --new-session                Create a new terminal session" \
    "    --cap-drop CAP               Drop cap CAP when running as privileged user" \
    "    --perms OCTAL                Set permissions of next argument (--bind-data, --file, etc.)" ;;
*) echo "bwrap: Unknown option --size" >&2; exit 1 ;;
esac
EOF
    chmod 755 "$fake/bwrap"
    honest good
    PATH="$fake:$PATH" run bare "$PYTHON" "$CHECK" --batch "$CLASS" \
        echo-server --only loopback
    assert_failure 3
    assert_output "scripts/check: --batch runs each submission in a sandbox, and this bwrap (bubblewrap 0.6.1) has no --size (a /tmp of a fixed size for each sandbox), which the sandbox needs: bubblewrap 0.7.0 or later has it (Debian 12 and Ubuntu 24.04 have one): install it, or give --no-sandbox to grade unprotected"
    cd "$CLASS/good"
    PATH="$fake:$PATH" run bare "$PYTHON" "$CHECK" --sandbox echo-server \
        --only loopback -- "$PYTHON" server.py '{port}'
    assert_failure 3
    assert_output "scripts/check: --sandbox checks the program in a sandbox, and this bwrap (bubblewrap 0.6.1) has no --size (a /tmp of a fixed size for each sandbox), which the sandbox needs: bubblewrap 0.7.0 or later has it (Debian 12 and Ubuntu 24.04 have one): install it, or check without --sandbox (unprotected)"
}

# ---- check --sandbox: one program, in the same sandbox -----------------------

@test "sandbox: check --sandbox runs one program in the batch's sandbox: its environment, its copy limit, --limit time" {
    local dir="$BATS_TEST_TMPDIR/prog" spec
    spec="$ROOT/scripts/sockcheck/specs/hello.spec"
    mkdir -p "$dir"
    cp "$SAMPLES/echo-server.py" "$dir/server.py"
    cd "$dir"
    # the build sees the sandbox's environment, none of the caller's
    # shellcheck disable=SC2016 # expanded by the build's own shell
    SOCKSTEP_TEST_SECRET="lecturer-secret-$MARK" run bare \
        timeout "$((150 * SCALE))" "$PYTHON" "$CHECK" --sandbox \
        --build 'echo "key=$SOCKSTEP_TEST_SECRET home=$HOME path=$PATH lang=$LANG pwd=$PWD"; exit 1' \
        --spec "$spec" --format gradescope --output "$BATS_TEST_TMPDIR/r.json" \
        -- "$PYTHON" server.py '{port}'
    assert_failure 1
    run "$PYTHON" -c '
import json, sys
print(json.load(open(sys.argv[1]))["tests"][0]["output"])' \
        "$BATS_TEST_TMPDIR/r.json"
    assert_success
    assert_line "| key= home=/tmp/submission path=/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin lang=C.UTF-8 pwd=/tmp/submission"
    refute_output --partial lecturer-secret
    # a folder over half of --limit disk (a sparse file in full) is not
    # copied: status 3, one line, no report
    truncate -s 3M "$dir/big"
    run bare timeout "$((150 * SCALE))" "$PYTHON" "$CHECK" --sandbox \
        --limit disk=4 --spec "$spec" -- "$PYTHON" server.py '{port}'
    assert_failure 3
    assert_output "scripts/check: --sandbox: the current directory could not be copied: its folder holds more than 2 MiB (every byte of a sparse file counts): not copied"
    rm "$dir/big"
    # a run over --limit time is ended in its build: the report is
    # written all the same, every check NOT RUN, the first saying why
    run bare timeout "$((150 * SCALE))" "$PYTHON" "$CHECK" --sandbox \
        --limit time=20 --build "sleep 300 # $MARK" --spec "$spec" \
        --format gradescope --output "$BATS_TEST_TMPDIR/late.json" \
        -- "$PYTHON" server.py '{port}'
    assert_failure 1
    assert_output "scripts/check: the checker in the sandbox was in the start and the build when it had taken the 20 s it may take (--limit time), and was ended"
    run "$PYTHON" -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(r["output"].splitlines()[-1])
print(r["tests"][0]["output"].replace("\n", " "))
print(sum(t["score"] for t in r["tests"]), len(r["tests"]))' \
        "$BATS_TEST_TMPDIR/late.json"
    assert_success
    assert_line --index 0 "18 checks: 0 passed, 0 failed, 18 not run"
    assert_line --index 1 "NOT RUN: ended by a limit: the whole run had taken the 20 s it may take (--limit time)  Not run: the whole run had taken the 20 s it may take (--limit time), and the checker in the sandbox was ended before the first check began, in the start or the build."
    assert_line --index 2 "0 18"
    # --limit is the sandbox's: refused without one
    run bare "$PYTHON" "$CHECK" --limit time=20 --spec "$spec" \
        -- "$PYTHON" server.py '{port}'
    assert_failure 2
    assert_output "scripts/check: --limit: only with --batch or --sandbox (the sandbox's limits)"
}

@test "sandbox: check --sandbox ended by --limit time mid-check still writes its report: the checks so far, that one FAIL, the rest NOT RUN" {
    local dir="$BATS_TEST_TMPDIR/prog"
    mkdir -p "$dir"
    # it serves its first check, then never listens again: it spins, and
    # the second check waits for it (--wait 600) until --limit time
    cp "$SAMPLES/stall-later-server.py" "$dir/server.py"
    cd "$dir"
    run bare timeout "$((150 * SCALE))" "$PYTHON" "$CHECK" --sandbox \
        --limit time=25 --wait 600 echo-server \
        --only loopback,one-line,split-line,reset --format gradescope \
        --output "$BATS_TEST_TMPDIR/r.json" \
        -- "$PYTHON" server.py '{port}' "$MARK"
    assert_failure 1
    assert_output "scripts/check: the checker in the sandbox was in check one-line when it had taken the 25 s it may take (--limit time), and was ended"
    # written by the checker outside, whole: nothing else beside it
    run ls -A "$BATS_TEST_TMPDIR"
    assert_output --partial "r.json"
    refute_output --partial ".r.json."
    run "$PYTHON" -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(r["output"].splitlines()[-1])
for t in r["tests"]:
    print(t["name"].split(":")[0], t["score"],
          t["output"].splitlines()[0] if t["score"] == 0 else "")' \
        "$BATS_TEST_TMPDIR/r.json"
    assert_success
    assert_line --index 0 "4 checks: 1 passed, 1 failed, 2 not run"
    assert_line --index 1 "loopback 1 "
    assert_line --index 2 "one-line 0 FAIL: ended by a limit: the whole run had taken the 25 s it may take (--limit time)"
    assert_line --index 3 "split-line 0 NOT RUN"
    assert_line --index 4 "reset 0 NOT RUN"
    # the same in text, on standard output as it comes: the report goes
    # on from where the checker inside was ended
    run bare timeout "$((150 * SCALE))" "$PYTHON" "$CHECK" --sandbox \
        --limit time=25 --wait 600 echo-server --only loopback,one-line,reset \
        -- "$PYTHON" server.py '{port}' "$MARK"
    assert_failure 1
    assert_line --index 0 "checking echo-server: $PYTHON server.py {port} $MARK"
    assert_line --regexp "^PASS loopback "
    assert_line --regexp "^FAIL one-line +one line echoed: ended by a limit: the whole run had taken the 25 s it may take \(--limit time\) \([0-9.]+ s\)$"
    assert_line "3 checks: 1 passed, 1 failed, 1 not run"
}
