# scripts/lib/ready.bash - a server's ready line, and the wait for it.
# Sourced by tests/test_helper.bash (and the private worlds of
# tests/lib/world.bash), scripts/capture, scripts/lab and docs/runs.sh.
#
# A lesson server (or a peer that stands in for one) prints one line once
# a peer can reach it, and everything that starts a server on --port 0
# reads the port from that line:
#   listening on ADDR:PORT      (TCP)
#   receiving on ADDR:PORT      (UDP)
# ADDR is an IPv4 address, or an IPv6 one in brackets with its scope if
# it has one ([::1], [fe80::1%lo]). The pattern is the one line of
# scripts/lib/ready.ere, an extended regular expression that bash's =~,
# grep -E and Python's re all read alike: this file and its Python twin,
# scripts/lib/ready.py, read it from there, so there is one pattern.
#
# SS_READY_RE: that pattern, read when this file is sourced.
read -r SS_READY_RE <"${BASH_SOURCE[0]%/*}/ready.ere"

# ss_first_line FILE REGEX: the first line of FILE (a last one without its
# newline included) that matches the extended REGEX, in SS_LINE; fails if
# none does or FILE cannot be read. Read in bash: the waits call it twenty
# times a second, and a grep each time was thousands of processes a run.
ss_first_line() {
    local line text re="${2#^}" st=0
    [[ -r "$1" ]] || return 1
    # Most calls come from a wait that finds nothing yet, and in a bats
    # test every bash command runs bats' DEBUG trap: the loop below, a few
    # commands a line, made a wait on a narrated file cost half a core. So
    # first one match over the whole file, REGEX without its leading ^ and
    # trailing $: it matches wherever a line of the file matches REGEX, so
    # when it does not, no line does. Only when those are its sole anchors,
    # and the file has no NUL byte (read -d '' stops at one); status 2 is
    # a regex bash cannot read, left to the loop.
    [[ "$re" == *'$' && "$re" != *'\$' ]] && re=${re%'$'}
    if [[ "$re" != *[\$^]* ]] && ! IFS= read -r -d '' text <"$1"; then
        # shellcheck disable=SC2319 # the status of [[ ]] is the point
        [[ "$text" =~ $re ]] || st=$?
        ((st != 1)) || return 1
    fi
    while IFS= read -r line || [[ -n "$line" ]]; do
        if [[ "$line" =~ $2 ]]; then
            SS_LINE=$line
            return 0
        fi
    done <"$1"
    return 1
}

# ss_running PID: true while PID runs. kill -0 alone is not enough: it
# succeeds for a process that has ended and is not yet reaped (a zombie,
# state Z in /proc/PID/stat) until its parent waits for it, and when the
# parent is not the shell that asks, that may be never. Where /proc cannot
# be read, kill -0 alone.
ss_running() {
    local stat=
    kill -0 "$1" 2>/dev/null || return 1
    # Builtins only: the waits call it twenty times a second. The state is
    # the field after the command's name, which may hold ") ".
    { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 0
    stat=${stat##*) }
    [[ "${stat%% *}" != [ZX] ]]
}

# ss_wait_ready FILE [SECONDS [PID]]: wait until FILE has a ready line;
# sets SS_LINE to it and SS_PORT to its port. Fails after SECONDS (10 if
# not given), or, when PID is given, as soon as PID has ended without
# printing one. The caller says what went wrong, as it sees fit.
ss_wait_ready() {
    local file="$1" limit="${2:-10}" pid="${3:-}" i
    for ((i = 0; i < limit * 20; i++)); do
        if ss_first_line "$file" "$SS_READY_RE"; then
            SS_PORT=${SS_LINE##*:}
            return 0
        fi
        if [[ -n "$pid" ]] && ! ss_running "$pid"; then
            # It may have printed the line just before it ended.
            ss_first_line "$file" "$SS_READY_RE" || return 1
            SS_PORT=${SS_LINE##*:}
            return 0
        fi
        sleep 0.05
    done
    return 1
}
