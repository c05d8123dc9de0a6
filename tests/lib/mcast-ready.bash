# mcast-ready.bash: sourced by the scripts that 18-multicast.bats and
# valgrind.bats run inside a network namespace of their own (not by bats).
#
# ready FILE [TRIES]: wait for lesson 18's receiver to print "receiving on
# 0.0.0.0:PORT" in FILE (it prints that once it has joined), looking every
# 0.05 s, TRIES times (200 unless given); sets PORT. On no such line, says
# so with FILE's contents, and returns 1.
ready() {
    local i tries=${2:-200}
    for ((i = 0; i < tries; i++)); do
        PORT=$(sed -n "s/^receiving on 0\.0\.0\.0://p" "$1" 2>/dev/null)
        [ -n "$PORT" ] && return 0
        sleep 0.05
    done
    echo "no ready line in $1:" >&2
    cat "$1" >&2
    return 1
}
