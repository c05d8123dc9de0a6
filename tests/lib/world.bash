# A private world for the tests that listen on every address (--host ::) or
# look up a name (10-getaddrinfo, 11-dual-stack): user, network and mount
# namespaces of their own, lo only, an /etc/hosts of the test's. Loaded by
# test_helper.bash.

# need_world: skip where unprivileged namespaces are not allowed.
need_world() {
    command -v unshare >/dev/null || skip "no unshare"
    command -v ip >/dev/null || skip "no ip (iproute2)"
    need_unshare -rnm
}

# world BODY: run the bash code BODY in a private world: new user, network
# and mount namespaces; lo up and nothing else; /etc/hosts is
# $BATS_TEST_TMPDIR/hosts (by default "::1 localhost both" and
# "127.0.0.1 localhost both"); /etc/nsswitch.conf is "hosts: files". BODY
# sees $T (the test's tmpdir), $BIN, $ROOT, $PEERS, $TRACE_CMD and two
# functions:
#   serve OUT CMD ARGS...  start a server in the background, wait for its
#                          ready line (scripts/lib/ready.bash, sourced
#                          there); sets PORT and SERVER
#   reap                   wait for that server, print "server exit N"
# Everything is bounded by timeout; the output is bats' $output.
world() {
    local t="$BATS_TEST_TMPDIR"
    [[ -f "$t/hosts" ]] ||
        printf '::1 localhost both\n127.0.0.1 localhost both\n' >"$t/hosts"
    printf 'hosts: files\n' >"$t/nsswitch.conf"
    cat >"$t/world.sh" <<'SH'
set -u
mount --bind "$T/hosts" /etc/hosts || exit 90
mount --bind "$T/nsswitch.conf" /etc/nsswitch.conf || exit 90
ip link set lo up || exit 90
SERVER=
trap '[[ -n $SERVER ]] && kill $SERVER 2>/dev/null' EXIT
. "$ROOT/scripts/lib/ready.bash"
serve() {
    local out=$1
    shift
    "$ROOT/tests/hostile/run-clean" "$@" </dev/null >"$out" 2>&1 &
    SERVER=$!
    if ss_wait_ready "$out" 10; then
        PORT=$SS_PORT
        return 0
    fi
    echo "no ready line in $out" >&2
    return 1
}
reap() {
    local st=0
    wait "$SERVER" || st=$?
    SERVER=
    echo "server exit $st"
}
SH
    printf '%s\n' "$1" >>"$t/world.sh"
    run env T="$t" BIN="$BIN" ROOT="$ROOT" PEERS="$PEERS" \
        TRACE_CMD="${TRACE[*]}" \
        timeout "$((25 * SCALE))" unshare -rnm bash "$t/world.sh"
}
