# mcast-ready.bash: sourced by the scripts that 18-multicast.bats and
# valgrind.bats run inside a network namespace of their own (not by bats),
# with ROOT set to the tree.
#
# ready FILE [SECONDS]: wait for lesson 18's receiver to print its ready
# line in FILE (it prints "receiving on 0.0.0.0:PORT" once it has joined),
# at most SECONDS (unless given, 10 times SCALE, the scale of the test
# library, when the script was given it); sets PORT. The wait is
# scripts/lib/ready.bash's. On no such line, says so with FILE's contents,
# and returns 1.
# shellcheck source=scripts/lib/ready.bash
. "$ROOT/scripts/lib/ready.bash"
ready() {
    if ss_wait_ready "$1" "${2:-$((10 * ${SCALE:-1}))}"; then
        PORT=$SS_PORT
        return 0
    fi
    echo "no ready line in $1:" >&2
    cat "$1" >&2
    return 1
}
