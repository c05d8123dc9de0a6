/*
 * ss_errors.h - what an errno means in a socket program: its name, its
 * likely cause and what to try, keyed by the call that returned it.
 *
 * The texts may hold {port}, {addr} and {timeout}: the narrator fills in
 * the real values of the call that failed. Every sentence here is said by
 * every lesson alike, so a lesson never explains an errno itself.
 *
 * Needs: ss_text.h ss_state.h
 * Part of sockstep.h; include that, not this.
 */
#ifndef SS_ERRORS_H
#define SS_ERRORS_H

struct ss_errinfo {
    int num;
    const char *call;  /* only for this call, or NULL for any */
    const char *name;  /* "EADDRINUSE" */
    const char *cause; /* likely cause */
    const char *fix;   /* what to try */
};

/* clang-format off */
/* The causes the two tables below both give, written once. */
#define SS_CAUSE_UNIX_TAKEN \
    "a file named {addr} exists: a server is running there, or one ended " \
    "without unlink() and left its socket file behind"
#define SS_CAUSE_UNIX_NODIR "a directory on the path {addr} does not exist"
#define SS_CAUSE_UNIX_NOFILE \
    "no file {addr}: the server is not running, or uses another path"
#define SS_CAUSE_UNIX_STALE \
    "no socket listens on {addr}: the file there is a socket whose " \
    "server has ended (or has not called listen() yet), or not a socket"
#define SS_CAUSE_INUSE \
    "another socket already has {addr}: a program still running (an " \
    "earlier run of this one?), or a connection on this port that closed " \
    "less than 60 s ago and waits in TIME_WAIT (on Linux that one blocks " \
    "bind() unless both its socket and this one set SO_REUSEADDR)"
#define SS_CAUSE_LOW_PORT \
    "ports below 1024 are reserved for privileged programs (on Linux, " \
    "see net.ipv4.ip_unprivileged_port_start), or the path's directory " \
    "may not be written"
#define SS_CAUSE_REFUSED \
    "nothing is listening on {addr}: its kernel answered the SYN with a " \
    "RST"
#define SS_CAUSE_REFUSED_LATER \
    "nothing listens where this socket sends: the refusal of something " \
    "earlier is reported on this later call (over UDP, an ICMP 'port " \
    "unreachable' for an earlier datagram; over TCP, a non-blocking " \
    "connect() that the server's kernel answered with a RST)"
#define SS_CAUSE_REFUSED_UDP \
    "nothing listens where this socket sends: an ICMP 'port " \
    "unreachable' came back for an earlier datagram, and this connected " \
    "UDP socket reports it on this later call"
#define SS_FIX_REFUSED_LATER \
    "start the receiver first, and check the address and port"
#define SS_CAUSE_NETUNREACH "no route to that network from this machine"
#define SS_CAUSE_HOSTUNREACH "the host cannot be reached"
#define SS_CAUSE_EINTR "a signal interrupted the call before it finished"
#define SS_FIX_EPIPE \
    "stop sending on this socket and close it; MSG_NOSIGNAL (or ignoring " \
    "SIGPIPE) keeps the SIGPIPE that comes with EPIPE from killing the " \
    "program"
#define SS_FIX_WAIT_EINTR \
    "nothing is wrong: wait again (with the time that is left, if the " \
    "wait has a limit). A program that takes EINTR for a failure stops " \
    "here early"
#define SS_FIX_TIMEDOUT "check the address and that the peer is reachable"
#define SS_CAUSE_TOOBIG "the datagram is too large to send in one piece"
#define SS_CAUSE_RAW_PERM \
    "this user may not make a raw socket: on Linux that needs " \
    "CAP_NET_RAW (root, or a file capability)"
#define SS_FIX_RAW_PERM \
    "use an ICMP socket (SOCK_DGRAM, IPPROTO_ICMP) where " \
    "net.ipv4.ping_group_range allows it, or run with CAP_NET_RAW"

/* One entry: the errno's name is written once, and made a string here. */
#define SS_E(num, call, cause, fix) {num, call, #num, cause, fix}

static const struct ss_errinfo ss_errors[] = {
    /* A socket of one kind, any call ("@unix"), or one call on it
       ("send@unix"): looked for only by that key (ss_advise: "send@unix",
       then the call's own entry, then "@unix"). */
    SS_E(EPIPE, "@unix",
     "this side cannot send any more: the peer closed its socket or shut "
     "down its reading side (shutdown() with SHUT_RD or SHUT_RDWR), or "
     "this side shut down its writing half",
     SS_FIX_EPIPE),
    SS_E(EMSGSIZE, "@unix",
     "the datagram is larger than this Unix socket takes in one piece: on "
     "Linux, about its send buffer (SO_SNDBUF, net.core.wmem_default)",
     "send less per datagram, or raise SO_SNDBUF"),
    SS_E(EMSGSIZE, "@udp6",
     SS_CAUSE_TOOBIG,
     "send at most 65527 bytes per UDP datagram over IPv6"),
    SS_E(EACCES, "socket@icmp",
     "this user may not make an ICMP socket (SOCK_DGRAM with "
     "IPPROTO_ICMP): on Linux only the groups in "
     "net.ipv4.ping_group_range may; the call has no file and no firewall "
     "to blame",
     "a program such as ping then tries a raw socket, which needs "
     "CAP_NET_RAW; or widen net.ipv4.ping_group_range (sysctl)"),
    SS_E(EPERM, "socket@raw",
     SS_CAUSE_RAW_PERM, SS_FIX_RAW_PERM),
    SS_E(EACCES, "socket@raw",
     SS_CAUSE_RAW_PERM, SS_FIX_RAW_PERM),
    /* A Unix socket's path ("bind:unix", "connect:unix"), first. */
    SS_E(EADDRINUSE, "bind:unix",
     SS_CAUSE_UNIX_TAKEN,
     "if no server is running there, remove the file (rm {addr}), or use "
     "another --path"),
    SS_E(ENOENT, "bind:unix",
     SS_CAUSE_UNIX_NODIR,
     "create the directory first, or use another --path"),
    SS_E(EACCES, "bind:unix",
     "this user may not create a file in the directory of {addr}",
     "use a directory of your own, such as one under $TMPDIR"),
    SS_E(ENOENT, "connect:unix",
     SS_CAUSE_UNIX_NOFILE,
     "start the server first, and give both the same --path"),
    SS_E(ECONNREFUSED, "connect:unix",
     SS_CAUSE_UNIX_STALE,
     "start the server (it replaces a stale file)"),
    SS_E(EACCES, "connect:unix",
     "this user may not connect: on Linux connect() needs write "
     "permission on the socket file {addr}, and search permission on "
     "every directory of its path",
     "see ls -l of the file and its directory; the server decides who may "
     "connect by their permissions"),
    SS_E(EADDRINUSE, "bind",
     SS_CAUSE_INUSE,
     "see who holds it: ss -tanp 'sport = :{port}' (ss -uanp for UDP; a "
     "TCP socket that is only bound is not listed by ss by default); or "
     "use another --port, or --port 0 to let the kernel choose"),
    SS_E(EADDRINUSE, NULL,
     "the address is taken by another socket",
     "see who holds it: ss -tanp 'sport = :{port}'"),
    SS_E(EADDRNOTAVAIL, "setsockopt",
     "no interface of this machine has the interface address given (an "
     "--iface that 'ip addr' does not list?); or, for IP_DROP_MEMBERSHIP, "
     "the socket is not a member of that group there",
     "give an address that 'ip addr' lists, such as 127.0.0.1, or leave "
     "--iface out"),
    SS_E(EADDRNOTAVAIL, "connect",
     "no local port was left for another connection to {addr}: every "
     "port of net.ipv4.ip_local_port_range is in use for connections to "
     "that same address and port (many, perhaps, in TIME_WAIT)",
     "wait for TIME_WAIT to end (up to 60 s; where net.ipv4.tcp_tw_reuse "
     "allows, on loopback by default, a new connect() takes one over "
     "after about a second), close connections sooner, or widen the "
     "range"),
    SS_E(EADDRNOTAVAIL, NULL,
     "{addr} is not an address of this machine (or no local port is left)",
     "use 127.0.0.1 or ::1, or an address that 'ip addr' lists"),
    SS_E(EACCES, "bind",
     SS_CAUSE_LOW_PORT,
     "use a port of 1024 or above, or --port 0"),
    SS_E(EACCES, "sendto",
     "sending to a broadcast address needs SO_BROADCAST first",
     "set SO_BROADCAST on the socket, or send to a single address"),
    SS_E(EACCES, NULL,
     "permission denied (a file's permissions, or a firewall rule)",
     "check the permissions of the path, or the firewall rules"),
    SS_E(ECONNREFUSED, "connect",
     SS_CAUSE_REFUSED,
     "start the server first, and check --host and --port against its "
     "'listening on' line"),
    SS_E(ECONNREFUSED, NULL,
     SS_CAUSE_REFUSED_LATER,
     "start the receiver first, and check --host and --port"),
    SS_E(EINPROGRESS, "connect",
     "on a blocking socket with SO_SNDTIMEO, the handshake did not finish "
     "within --timeout {timeout} s; on a non-blocking one it has only "
     "begun",
     "check the server is running and accepting, or raise --timeout"),
    SS_E(EALREADY, "connect",
     "a handshake for this socket is already under way (connect() was "
     "called again before it finished); on Linux a blocking connect() "
     "made again waits for it, and says EALREADY when SO_SNDTIMEO runs out",
     "wait for it: poll() for POLLOUT, then read SO_ERROR; or raise "
     "--timeout"),
    SS_E(EAGAIN, "send",
     "the send buffer stayed full for --timeout {timeout} s (SO_SNDTIMEO): "
     "the peer is not reading what it is sent; or, with MSG_DONTWAIT or on "
     "a non-blocking socket, the buffer is full now",
     "the peer must read as it is sent to; or raise --timeout"),
    SS_E(EAGAIN, "accept",
     "no client connected within --timeout {timeout} s (SO_RCVTIMEO ran "
     "out), or, on a non-blocking socket, none is waiting now",
     "start the client sooner, or raise --timeout"),
    SS_E(EAGAIN, "recv",
     "nothing arrived within --timeout {timeout} s (SO_RCVTIMEO ran out), "
     "or, on a non-blocking socket, nothing is there now",
     "make the peer send sooner, or raise --timeout"),
    SS_E(EAGAIN, "recvfrom",
     "no datagram arrived within --timeout {timeout} s (SO_RCVTIMEO)",
     "start the sender sooner, or raise --timeout"),
    SS_E(EAGAIN, NULL,
     "the call would have to wait, and may not: the socket is "
     "non-blocking, or its timeout ran out",
     "wait with poll() and call again, or raise --timeout"),
    SS_E(ETIMEDOUT, "connect",
     "the peer never answered: it is down, unreachable, or packets are "
     "dropped",
     SS_FIX_TIMEDOUT),
    SS_E(ETIMEDOUT, NULL,
     "the peer stopped answering: what was sent went unacknowledged too "
     "long (retransmissions, TCP_USER_TIMEOUT, keepalive), though it may "
     "have answered before: it is down, unreachable, or packets are "
     "dropped",
     "check that the peer is still up and that nothing between drops its "
     "packets (a firewall rule, a lost route); this connection is over: "
     "close it"),
    SS_E(ECONNRESET, NULL,
     "the peer's end was torn down while the connection was open: it was "
     "closed with data it had received still unread (by the program, or "
     "by its kernel when the program ended or crashed), or closed with "
     "SO_LINGER 0; or the connection still waited in a server's accept "
     "queue when the server closed its listening socket; or the peer's "
     "machine rebooted. On Linux, what had already arrived here is still "
     "read first, and the reset is reported once",
     "nothing to fix on this side: close this socket and go on"),
    SS_E(EPIPE, NULL,
     "this side cannot send any more: the other end is gone (the peer "
     "closed its socket; over TCP its kernel answered an earlier send with "
     "a reset), this side shut down its writing half, or, on Linux, the "
     "TCP socket was never connected (a listening socket, say)",
     SS_FIX_EPIPE),
    SS_E(ENODEV, "setsockopt",
     "no network interface of this machine has the address given for it "
     "(for a multicast group: --iface)",
     "give --iface an address that 'ip -4 addr' lists: 127.0.0.1 is "
     "always there"),
    SS_E(ENETUNREACH, NULL,
     SS_CAUSE_NETUNREACH,
     "check --host; on one machine use 127.0.0.1 or ::1"),
    SS_E(EHOSTUNREACH, NULL,
     SS_CAUSE_HOSTUNREACH,
     "check --host and that the other machine is up"),
    SS_E(EINTR, "waitpid",
     "a signal interrupted the wait before a child ended: one whose "
     "handler has no SA_RESTART, such as the SIGALRM of alarm()",
     "nothing is wrong: wait again, unless the signal says the time is "
     "up"),
    SS_E(EINTR, NULL,
     SS_CAUSE_EINTR,
     "nothing is wrong: the lesson makes the call again"),
    SS_E(EMFILE, NULL,
     "this process has as many files open as it may: sockets are not "
     "being closed, or the limit is low",
     "close every socket when done with it (ulimit -n shows the limit)"),
    SS_E(ENFILE, NULL, "the whole system has too many files open",
     "close programs, or raise the system's limit"),
    SS_E(EBADF, NULL, "the number is not an open file descriptor",
     "check the socket was created and not closed already"),
    SS_E(ENOTSOCK, NULL, "the descriptor is not a socket",
     "pass the number socket() or accept() returned"),
    SS_E(ENOTCONN, "shutdown",
     "the socket is not connected: it never was, or its connection has "
     "ended",
     "shut down only a connected socket; close() the others"),
    SS_E(ENOTCONN, NULL, "the socket is not connected",
     "use a socket that connect() connected or that accept() returned, "
     "not a listening or new one"),
    SS_E(EISCONN, NULL, "the socket is already connected",
     "connect() each socket once"),
    SS_E(EINVAL, "bind",
     "the socket already has an address (a socket is bound once; sending "
     "on a UDP socket binds it), or the address length is wrong, or an "
     "IPv4-mapped address (::ffff:a.b.c.d) was given to a socket with "
     "IPV6_V6ONLY 1",
     "bind() before any other use of the socket, once; an IPv4 address "
     "needs IPV6_V6ONLY 0, or an AF_INET socket"),
    SS_E(EINVAL, NULL,
     "an argument is not valid for this socket in its current state",
     "check the order of the calls and their arguments"),
    SS_E(EAFNOSUPPORT, NULL,
     "this address family is not supported here (IPv6 disabled?)",
     "use an address of a family the socket was made for"),
    SS_E(EPROTONOSUPPORT, NULL,
     "this protocol is not supported for this socket type",
     "pass 0 as the protocol to get the default"),
    SS_E(EMSGSIZE, NULL,
     SS_CAUSE_TOOBIG,
     "send at most 65507 bytes per UDP datagram over IPv4"),
    SS_E(ENOBUFS, NULL, "the kernel ran out of buffer space",
     "slow down, or try again"),
    SS_E(ENOMEM, NULL, "the kernel ran out of memory",
     "close something and try again"),
    SS_E(EOPNOTSUPP, NULL,
     "this operation is not supported on this kind of socket",
     "listen() and accept() are for sockets with connections only: "
     "SOCK_STREAM (and SOCK_SEQPACKET), not SOCK_DGRAM"),
    SS_E(ENOPROTOOPT, NULL,
     "this option does not exist at this level for this socket",
     "check the level (SOL_SOCKET, IPPROTO_TCP ...) and the option"),
    SS_E(EPERM, NULL, "the operation is not permitted",
     "a firewall rule may block it, or it needs privileges"),
    SS_E(ENOENT, "epoll_ctl",
     "the descriptor is not in this epoll set: EPOLL_CTL_MOD or "
     "EPOLL_CTL_DEL of one never added, or already gone (closing its "
     "last descriptor removes it)",
     "EPOLL_CTL_ADD it first; after close() there is nothing to remove"),
    SS_E(ENOENT, NULL, "no such file or directory",
     "check the path: start the server first, which creates it"),
    SS_E(ECHILD, NULL, "there is no child left to wait for",
     "nothing is wrong: every child has been reaped"),
    SS_E(EPROTOTYPE, NULL,
     "the socket's type does not fit: connect() to a Unix socket of "
     "another type (a SOCK_STREAM client and a SOCK_DGRAM server, say)",
     "give the client the server's type"),
#ifdef ESOCKTNOSUPPORT /* not in POSIX */
    SS_E(ESOCKTNOSUPPORT, NULL,
     "this address family has no sockets of that type",
     "use SOCK_STREAM or SOCK_DGRAM"),
#endif
    SS_E(EFAULT, NULL,
     "a pointer given to the call points outside the program's memory: a "
     "bug in the program, not in the network",
     "check the address and length arguments: sizeof the struct the "
     "pointer points to"),
    SS_E(ENAMETOOLONG, NULL,
     "the path {addr} is too long: a name in it is over 255 bytes, or the "
     "whole over 4,095 (on Linux; a Unix socket's path longer than "
     "sun_path, 108 bytes there, fails with EINVAL instead)",
     "use a shorter path, such as one directly under /tmp"),
    SS_E(ENOTDIR, NULL,
     "a part of the path {addr} that should be a directory is not one",
     "check each directory of the path with ls -ld"),
    SS_E(ELOOP, NULL,
     "too many symbolic links on the path {addr}; or, from epoll_ctl(), "
     "the epoll set would end up watching itself",
     "check the path with ls -l; add only sockets to an epoll set"),
    SS_E(EROFS, NULL,
     "the directory of {addr} is on a read-only file system",
     "use a directory on a writable file system, such as /tmp"),
    SS_E(ECONNABORTED, NULL,
     "a connection was aborted before accept() could return it (on BSD "
     "systems, a client that reset while it waited in the queue; Linux "
     "returns such a connection: its recv() returns what the client had "
     "sent, then fails with ECONNRESET)",
     "nothing is wrong with the server: call accept() again for the next "
     "client"),
    SS_E(EPROTO, NULL,
     "a protocol error on the connection accept() was about to return",
     "call accept() again: the next client is not affected"),
    SS_E(EDESTADDRREQ, NULL,
     "send() on a datagram socket that has no destination: it was never "
     "connect()ed",
     "use sendto() with the address, or connect() the socket first"),
#ifdef ETOOMANYREFS /* not in POSIX */
    SS_E(ETOOMANYREFS, NULL,
     "too many descriptors are already on their way in messages "
     "(SCM_RIGHTS) that nobody has received yet",
     "let the receiver take the messages (recvmsg()) before sending more"),
#endif
    SS_E(EDOM, NULL,
     "the time given is out of range: a struct timeval's tv_usec must be "
     "below 1000000",
     "give whole seconds in tv_sec and the rest in tv_usec"),
    SS_E(EEXIST, NULL,
     "the descriptor is already in this epoll set (EPOLL_CTL_ADD twice)",
     "use EPOLL_CTL_MOD to change what it is watched for"),
    SS_E(ENOSPC, NULL,
     "this user watches as many descriptors with epoll as the kernel "
     "allows (/proc/sys/fs/epoll/max_user_watches)",
     "close the sockets that are done with, or raise the limit"),
    SS_E(ENOLCK, NULL,
     "the kernel had no room for another lock",
     "try again; close files the program no longer needs"),
};

/*
 * Outside a lesson (a program that never called ss_start(): a student's
 * own with the include, or any program under scripts/narrate) there is
 * no --port, --timeout or --path to advise, and no lesson that makes a
 * call again: these entries come first there. EAGAIN and the other
 * "would have to wait" errors are told from the socket itself instead
 * (ss_advise_wait() in ss_call.h).
 */
static const struct ss_errinfo ss_errors_own[] = {
    SS_E(EADDRINUSE, "bind:unix",
     SS_CAUSE_UNIX_TAKEN,
     "if no server is running there, remove the file (rm {addr}), or bind "
     "another path"),
    SS_E(ENOENT, "bind:unix",
     SS_CAUSE_UNIX_NODIR,
     "create the directory first, or bind another path"),
    SS_E(ENOENT, "connect:unix",
     SS_CAUSE_UNIX_NOFILE,
     "start the server first, and give the client the path it binds"),
    SS_E(ECONNREFUSED, "connect:unix",
     SS_CAUSE_UNIX_STALE,
     "start the server (a server removes a stale file before it binds)"),
    SS_E(EADDRINUSE, "bind",
     SS_CAUSE_INUSE,
     "see who holds it: ss -tanp 'sport = :{port}' (ss -uanp for UDP); "
     "or bind another port, or port 0 to let the kernel choose"),
    SS_E(EADDRNOTAVAIL, "setsockopt",
     "no interface of this machine has the interface address given; or, "
     "for IP_DROP_MEMBERSHIP, the socket is not a member of that group "
     "there",
     "give an address that 'ip addr' lists, such as 127.0.0.1"),
    SS_E(EACCES, "bind",
     SS_CAUSE_LOW_PORT,
     "use a port of 1024 or above, or port 0"),
    SS_E(ECONNREFUSED, "connect",
     SS_CAUSE_REFUSED,
     "start the server first, and check the address and port it listens "
     "on (ss -tlnp shows them)"),
    /* A refusal told by the socket's kind: TCP's or UDP's cause only. */
    SS_E(ECONNREFUSED, "@tcp",
     "the connection was refused: nothing listened where connect() went, "
     "and its kernel answered the SYN with a RST (a non-blocking "
     "connect() says so on a later call)",
     "start the server first, and check the address and port"),
    SS_E(ECONNREFUSED, "@udp",
     SS_CAUSE_REFUSED_UDP,
     SS_FIX_REFUSED_LATER),
    SS_E(ECONNREFUSED, "@udp6",
     SS_CAUSE_REFUSED_UDP,
     SS_FIX_REFUSED_LATER),
    SS_E(ECONNREFUSED, NULL,
     SS_CAUSE_REFUSED_LATER,
     SS_FIX_REFUSED_LATER),
    SS_E(EALREADY, "connect",
     "a handshake for this socket is already under way: connect() was "
     "called again before it finished",
     "wait for it: poll() for POLLOUT, then read SO_ERROR"),
    SS_E(ENODEV, "setsockopt",
     "no network interface of this machine has the address given for it",
     "give an address that 'ip -4 addr' lists: 127.0.0.1 is always there"),
    SS_E(ENETUNREACH, NULL,
     SS_CAUSE_NETUNREACH,
     "check the address; on one machine use 127.0.0.1 or ::1"),
    SS_E(EHOSTUNREACH, NULL,
     SS_CAUSE_HOSTUNREACH,
     "check the address and that the other machine is up"),
    SS_E(EINTR, "wait:stopped",
     "no handler ran: this process has none installed. It was stopped "
     "and continued (Ctrl-Z and fg, or SIGSTOP and SIGCONT), and on Linux "
     "that ends epoll_wait() with EINTR even without a handler (select() "
     "and poll() go on waiting)",
     SS_FIX_WAIT_EINTR),
    SS_E(EINTR, "wait",
     "a signal came while the call waited: a handler ran (on Linux "
     "select(), poll(), epoll_wait() and their p versions are never made "
     "again after a handler, even one installed with SA_RESTART), or, for "
     "epoll_wait() on Linux, the process was stopped and continued (Ctrl-Z "
     "and fg), which ends it with EINTR even without a handler",
     SS_FIX_WAIT_EINTR),
    SS_E(EINTR, NULL,
     SS_CAUSE_EINTR,
     "nothing is wrong: call it again. A program that takes EINTR for a "
     "failure stops here early"),
};
/* clang-format on */

/* The entry for exactly this key ("send@unix"), or NULL: no entry for
   any call stands in for it. */
static inline const struct ss_errinfo *ss_errinfo_exact(int err,
                                                        const char *key)
{
    size_t i;

    for (i = 0; !ss_nar.lesson && i < SS_COUNT(ss_errors_own); i++)
        if (ss_errors_own[i].num == err && ss_errors_own[i].call != NULL &&
            strcmp(ss_errors_own[i].call, key) == 0)
            return &ss_errors_own[i];
    for (i = 0; i < SS_COUNT(ss_errors); i++)
        if (ss_errors[i].num == err && ss_errors[i].call != NULL &&
            strcmp(ss_errors[i].call, key) == 0)
            return &ss_errors[i];
    return NULL;
}

/* The entry for this errno and call (a call's own entry comes first;
   outside a lesson, ss_errors_own's first). */
static inline const struct ss_errinfo *ss_errinfo(int err, const char *call)
{
    size_t i;

    for (i = 0; !ss_nar.lesson && i < SS_COUNT(ss_errors_own); i++) {
        const struct ss_errinfo *e = &ss_errors_own[i];
        if (e->num == err && (e->call == NULL || strcmp(e->call, call) == 0))
            return e;
    }
    for (i = 0; i < SS_COUNT(ss_errors); i++) {
        const struct ss_errinfo *e = &ss_errors[i];
        if (e->num == err && (e->call == NULL || strcmp(e->call, call) == 0))
            return e;
    }
    return NULL;
}

/* "EADDRINUSE", or "errno 123" for one the table does not know. */
static inline struct ss_text ss_errname(int err)
{
    struct ss_text t;
    size_t i;

#if EWOULDBLOCK != EAGAIN
    if (err == EWOULDBLOCK)
        err = EAGAIN;
#endif
    for (i = 0; i < SS_COUNT(ss_errors); i++) {
        if (ss_errors[i].num == err) {
            snprintf(t.s, sizeof t.s, "%s", ss_errors[i].name);
            return t;
        }
    }
    snprintf(t.s, sizeof t.s, "errno %d", err);
    return t;
}

/*
 * Copy text to out, with {port}, {addr} and {timeout} replaced by the
 * real values of the call that failed. A call with no address gives
 * "the address asked for" and "PORT" instead: a whole sentence, and a
 * command the reader completes.
 */
static inline void ss_fill(char *out, size_t cap, const char *text,
                           const char *addr, const char *port)
{
    size_t o = 0;
    char num[16];

    snprintf(num, sizeof num, "%d", ss_nar.timeout);
    while (*text != '\0' && o + 1 < cap) {
        const char *v = NULL;
        size_t skip = 0;
        if (SS_STARTS(text, "{port}")) {
            v = port != NULL && port[0] != '\0' ? port : "PORT";
            skip = sizeof "{port}" - 1;
        } else if (SS_STARTS(text, "{addr}")) {
            v = addr != NULL && addr[0] != '\0' ? addr
                                                : "the address asked for";
            skip = sizeof "{addr}" - 1;
        } else if (SS_STARTS(text, "{timeout}")) {
            v = num;
            skip = sizeof "{timeout}" - 1;
        }
        if (v != NULL) {
            int n = snprintf(out + o, cap - o, "%s", v);
            o = n >= 0 && o + (size_t)n < cap ? o + (size_t)n : cap - 1;
            text += skip;
        } else {
            out[o++] = *text++;
        }
    }
    out[o] = '\0';
}

#ifndef SOCKSTEP_PLAIN
/* Has the process a handler for any signal now? With none, a wait
   that ended with EINTR was stopped and continued: no handler ran. */
static inline int ss_any_handler(void)
{
    struct sigaction act;
    int sig, saved = errno;

    for (sig = 1; sig < SS_NSIG; sig++)
        if (SS_REAL(sigaction)(sig, NULL, &act) == 0 &&
            ((act.sa_flags & SA_SIGINFO) ||
             (act.sa_handler != SIG_DFL && act.sa_handler != SIG_IGN))) {
            errno = saved;
            return 1;
        }
    errno = saved;
    return 0;
}

#endif

#endif /* SS_ERRORS_H */
