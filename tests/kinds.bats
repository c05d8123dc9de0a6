#!/usr/bin/env bats
# scripts/narrate tells a socket by what it is, asked of the kernel
# (SO_DOMAIN, SO_TYPE, SO_PROTOCOL, its addresses), not by what the
# narrator saw the program make: a descriptor inherited across exec,
# passed with SCM_RIGHTS or put on fd 3 by a launcher gets the sentences
# of its own kind. The programs are Python's socket module, cat and
# ping (tests/peers/socket-kinds.py), none written for the narrator.

bats_require_minimum_version 1.5.0

: "${BATS_TEST_TIMEOUT:=$((90 * ${SOCKSTEP_TEST_SCALE:-1}))}"
load test_helper

NARRATE="$ROOT/scripts/narrate"

setup() {
    [[ -f "$ROOT/build/libsockstep.so" ]] ||
        fail "build/libsockstep.so is not built (make)"
    NAR="$BATS_TEST_TMPDIR/narration"
    export SOCKSTEP_NOWRAP=1 # each sentence on one line, for the patterns
}

# kinds MODE ARGS...: socket-kinds.py MODE narrated into $NAR; then
# $output is the narration, $said what the program printed.
kinds() {
    run timeout "$WAIT_LONG" "$NARRATE" --out "$NAR" -- \
        "$PYTHON" "$PEERS/socket-kinds.py" "$@"
    assert_success
    said="$output"
    run cat "$NAR"
}

# others: the lines of the processes narrate did not start itself (cat).
others() {
    grep '^\[pid [0-9]*\] ' "$NAR" || true
}

@test "kinds: cat reads and writes a Unix socketpair it inherited across exec: Unix stream words, no TCP, no FIN" {
    kinds exec-cat stream
    run others
    assert_line --regexp '^\[pid [0-9]+\] read\(0, "ping\\n", [0-9]+\) = 5$'
    assert_line --regexp '^\[pid [0-9]+\] write\(1, "ping\\n", 5\) = 5$'
    assert_said "read() returns whatever has arrived, up to"
    assert_said "a stream socket keeps no boundaries"
    assert_said "write() put 5 bytes straight into the receiving socket's queue"
    assert_said "read() returned 0: the end of the stream. The peer has closed its end or shut down its sending side"
    assert_line --regexp 'kernel: unix stream CONNECTED'
    refute_output --partial "TCP"
    refute_output --partial "FIN"
}

@test "kinds: cat on an inherited SOCK_SEQPACKET pair: one read() is one record, and 0 may be an empty record" {
    kinds exec-cat seqpacket
    run others
    assert_said "one read() on a SOCK_SEQPACKET socket returns one whole record (here 5 bytes)"
    assert_said "write() put one record of 5 bytes straight into the receiving socket's queue"
    assert_said "read() returned 0: an empty record, or the end"
    refute_output --partial "keeps no boundaries"
    refute_output --partial "TCP"
    refute_output --partial "FIN"
}

@test "kinds: a SOCK_SEQPACKET end received with SCM_RIGHTS: its recv()s return records, as the kernel says it is" {
    kinds scm-rights
    assert_line --regexp '^recvmsg\([0-9]+, \{msg_iov=\[\{"fd", 10\}\], msg_control=\[\{SCM_RIGHTS, \[[0-9]+\]\}\]\}, '
    assert_line --regexp 'kernel: unix seqpacket CONNECTED'
    assert_said "one recv() on a SOCK_SEQPACKET socket returns one whole record (here 3 bytes): a SOCK_SEQPACKET socket keeps the boundaries of what was sent"
    # (the message came on a stream socketpair: recvmsg() is told so)
    refute_output --partial "recv() returns whatever has arrived"
    refute_output --partial "TCP"
    refute_output --partial "UDP"
}

@test "kinds: a systemd-style AF_UNIX listener on fd 3: its client's bytes and end told as Unix, not TCP" {
    local sock="$BATS_TEST_TMPDIR/s.sock"
    run timeout "$WAIT_LONG" "$PYTHON" "$PEERS/socket-kinds.py" fd3-launch \
        "$sock" "$NARRATE" --out "$NAR" -- "$PYTHON" "$PEERS/socket-kinds.py"
    assert_success
    assert_output "echo: b'hello'"
    run cat "$NAR"
    assert_line --regexp '^accept4\(3, \(unnamed\), 2, SOCK_CLOEXEC\) = 4$'
    assert_line 'recv(4, "hello", 100, 0) = 5'
    assert_said "recv() returns whatever has arrived, up to 100 bytes: a stream socket keeps no boundaries"
    assert_said "send() put 5 bytes straight into the receiving socket's queue: a Unix socket needs no network"
    assert_said "recv() returned 0: the end of the stream. The peer has closed its end"
    assert_said "the listening socket is gone: a client's connect() to its file now fails with ECONNREFUSED"
    refute_output --partial "TCP"
    refute_output --partial "FIN"
}

@test "kinds: Unix seqpacket, datagram and shutdown(): records, no UDP, no port, no FIN; a bound client keeps its name" {
    kinds unix-kinds
    assert_said "send() put one record of 3 bytes straight into the receiving socket's queue"
    assert_said "one recv() on a SOCK_SEQPACKET socket returns one whole record (here 3 bytes)"
    # an unbound Unix datagram sender: no port, and the receiver sees nobody
    assert_line --regexp '^recvfrom\([0-9]+, "hi", 10, 0, \{family 0, 0 bytes\}, 0\) = 2$'
    assert_said "one datagram of 2 bytes put straight into the queue of the socket at"
    assert_said "this socket has no name (it is not bound), and sending gave it none: the receiver sees no sender and cannot answer it"
    assert_said "Its sender has no name (an unbound Unix socket), so this side cannot answer it"
    refute_output --partial "free port"
    refute_output --partial "UDP"
    # shutdown() of a Unix pair, then the peer's send() fails at once
    assert_said "SHUT_RDWR on a Unix socket sends no packet (there is no network, and no FIN)"
    assert_line --regexp '^send\([0-9]+, "after", 5, 0\) = -1 EPIPE '
    assert_said "likely cause: this side cannot send any more: the peer closed its socket or shut down its reading side (shutdown() with SHUT_RD or SHUT_RDWR)"
    refute_output --partial "sends a FIN"
    refute_output --partial "reset the connection"
    # a client bound to cli.sock before connect(): not "unnamed"
    assert_line --regexp 'This end keeps the name bind\(\) gave it, /.*/cli\.sock: the server.s accept\(\) returns it'
    assert_line --regexp "^accept4\\([0-9]+, /.*/cli\\.sock, [0-9]+, SOCK_CLOEXEC\\) = [0-9]+$"
    refute_output --partial "(unnamed): none is needed"
    refute_output --partial "TCP"
}

@test "kinds: a TCP client that bound itself keeps its address: connect() does not say the kernel chose its port" {
    kinds bound-tcp
    local port=${said#bound to }
    [[ "$port" =~ ^[0-9]+$ ]]
    assert_said "the three-way handshake is done (SYN, SYN-ACK, ACK): fd"
    assert_said "is connected, from the address it was bound to, 127.0.0.1:$port"
    refute_output --partial "the kernel gave it a local port of its own"
}

@test "kinds: ping in a network namespace: its raw socket, then its ICMP socket, each told as what it is and found in /proc/net" {
    command -v ping >/dev/null || skip "no ping here"
    need_unshare -rn
    # In a namespace of its own: lo only, nothing sent anywhere else. By
    # default no group may make ICMP sockets (ping_group_range "1 0"):
    # ping falls back to a raw one, which root of the namespace may make.
    # shellcheck disable=SC2016 # expanded by the inner bash, from env
    run timeout "$WAIT_LONG" unshare -rn env NAR="$NAR" NARRATE="$NARRATE" \
        bash -c 'ip link set lo up || exit 1
        "$NARRATE" --out "$NAR.raw" -- ping -c 1 -W 5 127.0.0.1 || exit 1
        echo "0 0" >/proc/sys/net/ipv4/ping_group_range || exit 3
        "$NARRATE" --out "$NAR.icmp" -- ping -c 1 -W 5 127.0.0.1'
    [[ "$status" -ne 3 ]] || skip "ping_group_range cannot be set here"
    assert_success
    run cat "$NAR.raw"
    # the ICMP socket it tried first: refused by ping_group_range
    assert_line 'socket(AF_INET, SOCK_DGRAM, 1) = -1 EACCES (Permission denied)'
    assert_said "likely cause: this user may not make an ICMP socket (SOCK_DGRAM with IPPROTO_ICMP): on Linux only the groups in net.ipv4.ping_group_range may"
    refute_output --partial "firewall rule"
    assert_line --regexp '^socket\(AF_INET, SOCK_RAW, 1\) = [0-9]+$'
    assert_line --regexp 'kernel: raw socket on 0\.0\.0\.0, IP protocol 1 \(from /proc/net/raw\)'
    assert_said "sendto() handed one packet of 64 bytes, IP protocol 1 (ICMP), to the kernel"
    assert_said "A raw socket has no port"
    refute_output --partial "UDP never says"
    refute_output --partial "free port"
    refute_output --partial "a UDP socket once it has an address"
    # its timestamps are named, not told as descriptors
    assert_line --regexp '^recvmsg\([0-9]+, \{msg_iov=\[.*\], msg_control=\[\{SCM_TIMESTAMP, 16 bytes\}\]\}, 0\) = 84$'
    assert_said "a raw socket receives whole IP packets: on IPv4 the bytes begin with the IP header"
    # its SO_SNDBUF of 324: more than doubled, to the kernel's minimum
    assert_line --regexp '^    on Linux the kernel keeps [0-9]+ bytes for the 324 asked: its minimum for sending\.'
    refute_output --partial "then doubles it for its own bookkeeping"
    refute_output --partial "descriptors in msg_control"
    run cat "$NAR.icmp"
    assert_line --regexp '^socket\(AF_INET, SOCK_DGRAM, 1\) = [0-9]+$'
    assert_said "sendto() handed one ICMP message of 64 bytes to the kernel"
    assert_said "the socket had no identifier, so the kernel gave it a free one first"
    assert_line --regexp 'kernel: icmp socket on 0\.0\.0\.0, identifier [0-9]+ \(from /proc/net/icmp\)'
    assert_line --regexp '^recvmsg\([0-9]+, \{msg_iov=\[.*\], msg_control=\[\{SCM_TIMESTAMP, 16 bytes\}, \{IP_TTL, 4 bytes\}\]\}, 0\) = 64$'
    assert_said "IP_TTL: the packet's TTL as it arrived"
    refute_output --partial "descriptors in msg_control"
    refute_output --partial "UDP never says"
    refute_output --partial "bound it to a free port"
}

@test "kinds: control messages by level and type: a timestamp, IP_PKTINFO, credentials, one not known by name; MSG_TRUNC and MSG_CTRUNC from msg_flags" {
    kinds cmsgs
    assert_equal "$said" "b'hello' 2 True
b'again'
b'who'
b'two' True"
    assert_line --regexp '^recvmsg\([0-9]+, \{msg_iov=\[\{"hello", 5\}\], msg_control=\[\{SCM_TIMESTAMP, 16 bytes\}, \{IP_PKTINFO, 12 bytes\}\]\}, 0\) = 5$'
    assert_said "SCM_TIMESTAMP: the time the kernel received the packet"
    assert_said "IP_PKTINFO: the address the packet was sent to and the interface it came in on"
    assert_said "MSG_TRUNC in msg_flags: the datagram was longer than the buffers (5 bytes): the rest is lost"
    # one the table does not know is named by its numbers, no more
    assert_line --regexp '^recvmsg\([0-9]+, \{msg_iov=\[\{"again", 100\}\], msg_control=\[\{level 0, type 20, 16 bytes\}\]\}, 0\) = 5$'
    assert_said "SCM_CREDENTIALS: the sender's process id, user id and group id"
    # two descriptors sent, the room for one taken by the credentials
    assert_line --regexp '^sendmsg\([0-9]+, \{msg_iov=\[\{"two", 3\}\], msg_control=\[\{SCM_RIGHTS, \[[0-9]+, [0-9]+\]\}\]\}, 0\) = 3$'
    assert_said "MSG_CTRUNC in msg_flags: the control data did not fit in msg_control and was cut"
    # descriptors only where SCM_RIGHTS came: none was received here
    refute_output --partial "the descriptors in msg_control are new"
    refute_output --regexp 'msg_control=\[\{level 1, type (2|29)'
}

@test "kinds: recv(MSG_PEEK) on TCP leaves the bytes queued; EPOLL_CTL_DEL's event is ignored, not shown" {
    kinds peek-del
    assert_line --regexp '^recv\([0-9]+, "peeked", 100, MSG_PEEK\) = 6$'
    assert_said "MSG_PEEK: recv() copied 6 bytes and left them queued: the next call that receives returns them again"
    assert_line --regexp '^recv\([0-9]+, "peeked", 100, 0\) = 6$'
    assert_line --regexp '^epoll_ctl\([0-9]+, EPOLL_CTL_DEL, [0-9]+, \(ignored\)\) = 0$'
    refute_line --regexp 'EPOLL_CTL_DEL.*events='
}

@test "kinds: six empty UDP datagrams: each is a datagram, sent and received; no 'the peer closed', no loop going round" {
    kinds empty-dgrams
    assert_equal "$said" "six empty datagrams"
    assert_said "recv() returned 0: an empty datagram, with no data. On a UDP socket 0 is not an end"
    [[ $(grep -c '^recv([0-9]*, "", 100, 0) = 0$' "$NAR") -eq 6 ]]
    [[ $(grep -c '^sendto([0-9]*, "", 0, 0, 127\.0\.0\.1:[0-9]*, 16) = 0$' "$NAR") -eq 6 ]]
    refute_output --partial "the peer closed"
    refute_output --partial "the end of the stream"
    refute_output --partial "more times"
}

@test "kinds: a few non-blocking checks between waits (socat's shape) are not called a spin" {
    kinds checks
    assert_equal "$said" "checked"
    run grep -c 'recv() returned -1 EAGAIN on fd [0-9]*, 2 more times in all: calls that did not wait (a timeout of 0, O_NONBLOCK or MSG_DONTWAIT): the program checks without waiting, too few times to call it a spin' "$NAR"
    assert_output 3
    run cat "$NAR"
    refute_output --partial "spin instead"
    refute_output --partial "spins"
}

@test "kinds: epoll_wait() ended by a stop and a continue, in a program with no handler: EINTR is not said to be a handler's" {
    cat >"$BATS_TEST_TMPDIR/stopwait.c" <<'C'
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/socket.h>

int main(void)
{
    int sv[2], ep, rc;
    struct epoll_event ev = {.events = EPOLLIN}, got;

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        return 1;
    ep = epoll_create1(0);
    ev.data.fd = sv[0];
    epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev);
    rc = epoll_wait(ep, &got, 1, 20000);
    printf("epoll_wait: %d\n", rc);
    return 0;
}
C
    cc -o "$BATS_TEST_TMPDIR/stopwait" "$BATS_TEST_TMPDIR/stopwait.c"
    start_bg "$BATS_TEST_TMPDIR/out" "$NARRATE" --out "$NAR" -- \
        "$BATS_TEST_TMPDIR/stopwait"
    local pid=$BG_PID
    # stopped only once it waits in epoll_wait(), as the kernel says
    wait_until 20 grep -q 'ep_poll\|epoll_wait' "/proc/$pid/wchan"
    kill -STOP "$pid"
    wait_until 20 grep -q '^State:[[:space:]]*T' "/proc/$pid/status"
    kill -CONT "$pid"
    wait_exit "$pid" 30
    run cat "$BATS_TEST_TMPDIR/out"
    assert_output "epoll_wait: -1"
    run cat "$NAR"
    assert_line --regexp '^epoll_wait\([0-9]+, events, 1, 20000\) = -1 EINTR '
    assert_said "no handler ran: this process has none installed. It was stopped and continued (Ctrl-Z and fg, or SIGSTOP and SIGCONT)"
    refute_output --partial "and a handler ran"
}

@test "kinds: ECONNREFUSED on a later call is given the cause of the socket's own kind: UDP's ICMP, TCP's RST, not both" {
    kinds refused
    assert_equal "$said" "udp refused
tcp refused"
    assert_said "likely cause: nothing listens where this socket sends: an ICMP 'port unreachable' came back for an earlier datagram, and this connected UDP socket reports it on this later call"
    assert_said "likely cause: the connection was refused: nothing listened where connect() went, and its kernel answered the SYN with a RST"
    refute_output --partial "over UDP"
    refute_output --partial "over TCP"
}

@test "kinds: SO_REUSEPORT told; a send buffer below the minimum; EMSGSIZE on a Unix datagram socket; EPOLLHUP of a socket never connected" {
    need_ipv6
    kinds options
    assert_equal "$said" "two listeners
EMSGSIZE
EMSGSIZE6
[16]"
    assert_said "SO_REUSEPORT 1: on Linux sockets of one user that all set it before bind() may bind the same address and port, even two listeners"
    assert_line --regexp '^    on Linux the kernel keeps [0-9]+ bytes for the 100 asked: its minimum for sending\.'
    assert_said "likely cause: the datagram is larger than this Unix socket takes in one piece"
    # over IPv6 UDP's own limit, not IPv4's
    assert_said "send at most 65527 bytes per UDP datagram over IPv6"
    refute_output --partial "65507"
    assert_said "EPOLLHUP a hang-up: on a TCP socket a reset, a failed connect(), both directions shut down, or a socket never connected"
    refute_output --partial "closed both ways"
}

@test "kinds: recvfrom() into 0 bytes takes the next datagram and throws it away, and asks no address" {
    cat >"$BATS_TEST_TMPDIR/zero.c" <<'C'
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>

int main(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET};
    socklen_t len = sizeof a;
    char buf[16];
    int r = socket(AF_INET, SOCK_DGRAM, 0), s = socket(AF_INET, SOCK_DGRAM, 0);
    long n;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(r, (struct sockaddr *)&a, sizeof a);
    getsockname(r, (struct sockaddr *)&a, &len);
    sendto(s, "hello", 5, 0, (struct sockaddr *)&a, sizeof a);
    sendto(s, "world", 5, 0, (struct sockaddr *)&a, sizeof a);
    recvfrom(r, buf, 0, 0, NULL, 0);
    n = recvfrom(r, buf, sizeof buf, 0, NULL, 0);
    printf("%.*s\n", (int)n, buf);
    return 0;
}
C
    cc -o "$BATS_TEST_TMPDIR/zero" "$BATS_TEST_TMPDIR/zero.c"
    run timeout "$WAIT_LONG" "$NARRATE" --out "$NAR" -- "$BATS_TEST_TMPDIR/zero"
    assert_success
    assert_output "world"
    run cat "$NAR"
    assert_line --regexp '^recvfrom\([0-9]+, "", 0, 0, NULL, 0\) = 0$'
    assert_said "a buffer of 0 bytes: recvfrom() took the next datagram and threw all of it away"
    assert_said "one recvfrom() on a datagram socket returns one whole datagram (here 5 bytes)"
    refute_output --partial "says who sent it"
    refute_output --partial "here 0 bytes"
}

@test "kinds: socat TCP-LISTEN with SYSTEM:cat: cat's reads and writes on socat's socketpair, and socat's shutdown() of it, get no TCP word; no spin" {
    command -v socat >/dev/null || skip "no socat"
    local port
    port=$(free_port)
    start_bg "$BATS_TEST_TMPDIR/socat" "$NARRATE" --out "$NAR" -- \
        socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr" SYSTEM:cat
    local server=$BG_PID
    wait_until 30 listening "$port"
    # -t: how long the client waits for the echo after its own input
    # ended; the server's close ends it sooner
    run timeout "$WAIT_LONG" socat -t "$WAIT_LONG" - "TCP:127.0.0.1:$port" <<<"ping"
    assert_success
    assert_output "ping"
    wait_exit "$server" 30
    run others
    assert_line --regexp '^\[pid [0-9]+\] read\(0, "ping\\n", [0-9]+\) = 5$'
    assert_said "a stream socket keeps no boundaries"
    assert_said "write() put 5 bytes straight into the receiving socket's queue"
    refute_output --partial "TCP"
    refute_output --partial "FIN"
    run cat "$NAR"
    # socat's own side: TCP for its TCP socket, Unix for its socketpair
    assert_said "TCP is a stream of bytes"
    assert_said "SHUT_WR on a Unix socket sends no packet"
    refute_output --regexp 'spins|spin instead'
}

@test "kinds: the asyncio echo server and client: TCP words for TCP, the DEL event ignored, no spin" {
    kinds asyncio
    assert_equal "$said" "b'hello asyncio'"
    assert_line --regexp '^socketpair\(AF_UNIX, SOCK_STREAM\|SOCK_CLOEXEC, 0, \[[0-9]+, [0-9]+\]\) = 0$'
    assert_said "send() copied 13 bytes into the kernel's send buffer and returned; TCP delivers them later"
    assert_said "recv() returned 0: the end of the stream. The peer's FIN has come"
    assert_line --regexp '^epoll_ctl\([0-9]+, EPOLL_CTL_DEL, [0-9]+, \(ignored\)\) = 0$'
    refute_line --regexp 'EPOLL_CTL_DEL.*events='
    refute_output --regexp 'spins|spin instead'
}

@test "kinds: a TIME_WAIT entry lasts up to 60 s; tcp_tw_reuse, which would not apply to every entry, is not told" {
    # The client's entry is read at the server's close(), as its FIN
    # lands: on loopback that is done within the close() itself, but a
    # busy machine may hand it to ksoftirqd. Then it is taken again.
    local _try
    for _try in 1 2 3 4 5; do
        rm -f "$NAR"
        kinds time-wait
        grep -q 'TIME_WAIT, a record' "$NAR" && break
    done
    assert_line --regexp 'TIME_WAIT, a record no descriptor owns; it lasts up to 60 s on Linux'
    # tcp_tw_reuse lets a new connect() take over only an entry whose own
    # side connected; the entry does not say which side it was, so the
    # note leaves it out (a server's entry is taken over by a new SYN from
    # the same client port, with or without it).
    refute_output --partial "tcp_tw_reuse"
    refute_output --partial "it lasts 60 s on Linux"
}

@test "kinds: a note given once a run is given once for each kind: a record, then a datagram, each told what it is" {
    kinds two-kinds
    assert_equal "$said" "b'rec' b'dg'"
    assert_said "one recv() on a SOCK_SEQPACKET socket returns one whole record (here 3 bytes)"
    assert_said "one recv() on a datagram socket returns one whole datagram (here 2 bytes): UDP keeps the boundaries of what was sent"
}

# calls_on FD...: the narration's blocks (a call's line and the lines
# under it) of the calls whose first argument is one of the FDs.
calls_on() {
    local fds
    fds=$(IFS='|'; echo "$*")
    awk -v re="^[a-z_0-9]+\\\\(($fds)[,)]" \
        '/^[a-z_0-9]+\(/ { keep = ($0 ~ re) } keep' "$NAR"
}

@test "kinds: nc -lU, a Unix listener nobody here wrote: its accept, reads and shutdown told as Unix, no TCP, no FIN" {
    command -v nc >/dev/null || skip "no nc"
    local sock="$BATS_TEST_TMPDIR/s"
    start_bg "$BATS_TEST_TMPDIR/nc" "$NARRATE" --out "$NAR" -- nc -lU "$sock"
    local server=$BG_PID
    # listening once its listen() is told, as the kernel saw it
    wait_until 30 grep -q "unix stream LISTEN at $sock" "$NAR"
    run timeout "$WAIT_LONG" nc -N -U "$sock" <<<"hi"
    assert_success
    wait_exit "$server" 30
    run cat "$NAR"
    assert_line --regexp '^accept4?\(3, .*\) = 4$'
    assert_line --regexp '^read\(4, "hi\\n", [0-9]+\) = 3$'
    assert_said "a stream socket keeps no boundaries"
    assert_said "on a Unix socket sends no packet (there is no network, and no FIN)"
    refute_output --partial "TCP"
    refute_output --partial "its FIN arrived"
    refute_output --partial "/proc/net/tcp"
}

@test "kinds: curl's own socketpair beside its TCP socket: Unix words for the pair, TCP words for the connection only" {
    command -v curl >/dev/null || skip "no curl"
    local dir="$BATS_TEST_TMPDIR/site" port
    mkdir "$dir"
    echo hello >"$dir/index.html"
    start_bg "$BATS_TEST_TMPDIR/http" "$PYTHON" -u -m http.server 0 \
        --bind 127.0.0.1 --directory "$dir"
    wait_until 30 grep -q 'port [0-9]' "$BATS_TEST_TMPDIR/http"
    port=$(grep -o 'port [0-9]*' "$BATS_TEST_TMPDIR/http" | head -n 1)
    port=${port#port }
    run timeout "$WAIT_LONG" "$NARRATE" --out "$NAR" -- \
        curl -s "http://127.0.0.1:$port/"
    assert_success
    assert_output "hello"
    run cat "$NAR"
    assert_said "TCP is a stream of bytes"
    # curl of Debian 12 makes a socketpair to wake its own poll(); an
    # older or newer curl may not: then there is no pair to look at
    local pair
    # (grep -m 1, not a pipe into head: head's status would hide grep's,
    # and the skip never come)
    pair=$(grep -m 1 -o '^socketpair(AF_UNIX, [^)]*) = 0' "$NAR") ||
        skip "this curl makes no socketpair"
    [[ "$pair" =~ \[([0-9]+),\ ([0-9]+)\] ]] || fail "no pair in: $pair"
    run calls_on "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
    assert_line --regexp '^close\('
    refute_output --partial "TCP"
    refute_output --partial "FIN"
    refute_output --partial "/proc/net/tcp"
}
