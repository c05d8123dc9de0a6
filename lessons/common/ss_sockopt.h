/*
 * ss_sockopt.h - the wrappers for a socket's options: setsockopt,
 * getsockopt, and fcntl (O_NONBLOCK).
 *
 * Needs: ss_text.h ss_state.h ss_narrate.h ss_errors.h ss_proc.h ss_kernel.h
 *        ss_repeat.h ss_call.h
 * Part of sockstep.h; include that, not this.
 */
#ifndef SS_SOCKOPT_H
#define SS_SOCKOPT_H
#ifndef SOCKSTEP_PLAIN

/* An option's value as text: [1], {30 s}, {l_onoff=1, l_linger=0} ... */
static inline struct ss_text ss_optval(int level, int name, const void *v,
                                       socklen_t len)
{
    struct ss_text t;
    int i;

    if (v == NULL) {
        snprintf(t.s, sizeof t.s, "NULL");
    } else if (level == SOL_SOCKET &&
               (name == SO_RCVTIMEO || name == SO_SNDTIMEO) &&
               len >= sizeof(struct timeval)) {
        struct timeval tv;
        memcpy(&tv, v, sizeof tv);
        if (tv.tv_usec == 0)
            snprintf(t.s, sizeof t.s, "{%ld s}", (long)tv.tv_sec);
        else
            snprintf(t.s, sizeof t.s, "{%ld.%06ld s}", (long)tv.tv_sec,
                     (long)tv.tv_usec);
    } else if (level == SOL_SOCKET && name == SO_LINGER &&
               len >= sizeof(struct linger)) {
        struct linger lg;
        memcpy(&lg, v, sizeof lg);
        snprintf(t.s, sizeof t.s, "{l_onoff=%d, l_linger=%d}", lg.l_onoff,
                 lg.l_linger);
#ifdef SO_PEERCRED
    } else if (level == SOL_SOCKET && name == SO_PEERCRED &&
               len >= 3 * sizeof(int)) {
        int cred[3]; /* struct ucred: pid, uid, gid (Linux) */
        memcpy(cred, v, sizeof cred);
        snprintf(t.s, sizeof t.s, "{pid=%d, uid=%u, gid=%u}", cred[0],
                 (unsigned)cred[1], (unsigned)cred[2]);
#endif
    } else if (level == IPPROTO_IP &&
               (name == IP_ADD_MEMBERSHIP || name == IP_DROP_MEMBERSHIP) &&
               len >= 2 * sizeof(struct in_addr)) {
        struct in_addr a[2]; /* struct ip_mreq: the group, the interface */
        char g[INET_ADDRSTRLEN], f[INET_ADDRSTRLEN];
        memcpy(a, v, sizeof a);
        inet_ntop(AF_INET, &a[0], g, sizeof g);
        inet_ntop(AF_INET, &a[1], f, sizeof f);
        snprintf(t.s, sizeof t.s, "{imr_multiaddr=%s, imr_interface=%s}", g, f);
    } else if (level == IPPROTO_IP && name == IP_MULTICAST_IF &&
               len == sizeof(struct in_addr)) {
        char ip[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, v, ip, sizeof ip);
        snprintf(t.s, sizeof t.s, "[%s]", ip);
    } else if (len == sizeof(int)) {
        memcpy(&i, v, sizeof i);
        if (level == SOL_SOCKET && name == SO_TYPE)
            snprintf(t.s, sizeof t.s, "[%.60s]", ss_socktype_name(i).s);
#ifdef SO_DOMAIN
        else if (level == SOL_SOCKET && name == SO_DOMAIN)
            snprintf(t.s, sizeof t.s, "[%.60s]", ss_family_name(i).s);
#endif
        else if (level == SOL_SOCKET && name == SO_ERROR && i != 0)
            snprintf(t.s, sizeof t.s, "[%.60s]", ss_errname(i).s);
        else
            snprintf(t.s, sizeof t.s, "[%d]", i);
    } else if (len == sizeof(unsigned char)) {
        snprintf(t.s, sizeof t.s, "[%u]", *(const unsigned char *)v);
    } else {
        snprintf(t.s, sizeof t.s, "<%u bytes>", (unsigned)len);
    }
    return t;
}

static inline int ss_setsockopt(int fd, int level, int name, const void *v,
                                socklen_t len)
{
    struct ss_call c = {.fd = fd};
    struct ss_sock *s = ss_sock_find(fd);
    int rc, err, on = 0;

    ss_args(&c, "%d, %s, %s, %s, %u", fd,
            ss_name_of(ss_levels, SS_COUNT(ss_levels), level).s,
            ss_optname(level, name).s, ss_optval(level, name, v, len).s,
            (unsigned)len);
    ss_pre(&c, "setsockopt");
    rc = SS_REAL(setsockopt)(fd, level, name, v, len);
    err = errno;
    ss_post(&c, rc, err);
    if (rc == 0 && v != NULL && len == sizeof(int))
        memcpy(&on, v, sizeof on);
    if (rc == 0 && level == SOL_SOCKET && name == SO_REUSEADDR) {
        if (s != NULL)
            s->reuseaddr = on;
        if (!on)
            ss_tell(SS_K_REUSE, "SO_REUSEADDR 0: bind() takes only an "
                                "address no other socket holds (the default)");
        else if (s != NULL && s->type == SOCK_DGRAM)
            ss_tell(SS_K_REUSE,
                    "SO_REUSEADDR on a UDP socket: on Linux "
                    "other sockets that set it too may bind the same port "
                    "(several receivers of a group, lesson 18). Each gets "
                    "a copy of what is sent to a group or a broadcast "
                    "address; a datagram to one address reaches one only");
        else
            ss_tell(SS_K_REUSE,
                    "SO_REUSEADDR: on Linux bind() may take "
                    "this address while sockets that do not listen still "
                    "hold it, if they set it too: connections in "
                    "TIME_WAIT (lesson 07), or open in a child (lesson "
                    "12). It never lets two sockets listen on one port "
                    "(SO_REUSEPORT, set on both, does)");
#ifdef SO_REUSEPORT
    } else if (rc == 0 && level == SOL_SOCKET && name == SO_REUSEPORT) {
        ss_tell(SS_K_REUSEPORT, "SO_REUSEPORT %d: %s", on,
                on ? "on Linux sockets of one user that all set it before "
                     "bind() may bind the same address and port, even two "
                     "listeners: the kernel then spreads new connections "
                     "(or datagrams) between them"
                   : "bind() takes no address another socket holds with "
                     "SO_REUSEPORT (the default)");
#endif
    } else if (rc == 0 && level == SOL_SOCKET &&
               (name == SO_RCVTIMEO || name == SO_SNDTIMEO) &&
               len >= sizeof(struct timeval) &&
               ((const struct timeval *)v)->tv_sec == 0 &&
               ((const struct timeval *)v)->tv_usec == 0) {
        ss_tell(name == SO_RCVTIMEO ? SS_K_RCVTIMEO : SS_K_SNDTIMEO,
                "%s 0: no time limit: a %s on fd %d waits as long as it "
                "takes (the default)",
                name == SO_RCVTIMEO ? "SO_RCVTIMEO" : "SO_SNDTIMEO",
                name == SO_RCVTIMEO ? "recv()" : "send()", fd);
    } else if (rc == 0 && level == SOL_SOCKET &&
               (name == SO_RCVTIMEO || name == SO_SNDTIMEO)) {
        if (name == SO_RCVTIMEO)
            ss_tell(SS_K_RCVTIMEO,
                    "SO_RCVTIMEO: a recv() on fd %d (on "
                    "Linux, an accept() too) that waits longer than this "
                    "fails with EAGAIN",
                    fd);
        else
            ss_tell(SS_K_SNDTIMEO,
                    "SO_SNDTIMEO: a send() on fd %d that "
                    "waits longer than this fails with EAGAIN, or returns "
                    "the bytes it did send if there were some; on Linux "
                    "connect() is bounded too, and fails with %s",
                    fd,
                    ss_is_unix(fd) ? "EAGAIN (a Unix socket's waits "
                                     "while the server's queue is full)"
                                   : "EINPROGRESS");
    } else if (rc == 0 && level == IPPROTO_TCP && name == TCP_NODELAY) {
        ss_tell(SS_K_NODELAY, "TCP_NODELAY %s: %s", on ? "on" : "off",
                on ? "small writes go out at once, without waiting for "
                     "the peer to acknowledge earlier ones (Nagle's "
                     "algorithm is off)"
                   : "Nagle's algorithm holds small writes back while "
                     "earlier data is unacknowledged");
    } else if (rc == 0 && level == IPPROTO_IPV6 && name == IPV6_V6ONLY) {
        ss_tell(SS_K_V6ONLY, "IPV6_V6ONLY %d: %s", on,
                on ? "this socket takes IPv6 only"
                   : "this IPv6 socket also takes IPv4, which it sees as "
                     "::ffff:a.b.c.d");
    } else if (rc == 0 && level == SOL_SOCKET && name == SO_LINGER &&
               len >= sizeof(struct linger)) {
        struct linger lg;
        memcpy(&lg, v, sizeof lg);
        if (s != NULL)
            s->linger0 = lg.l_onoff && lg.l_linger == 0;
        if (!lg.l_onoff)
            ss_tell(SS_K_LINGER,
                    "SO_LINGER with l_onoff=0: close() "
                    "returns at once, and the kernel still sends what is "
                    "left, then the FIN (the default); unless received "
                    "bytes are still unread: then, on Linux, a RST");
        else if (lg.l_linger == 0)
            ss_tell(SS_K_LINGER,
                    "SO_LINGER with l_onoff=1 and "
                    "l_linger=0: close() will reset the connection (RST) "
                    "at once, with no FIN and no TIME_WAIT");
        else
            ss_tell(SS_K_LINGER,
                    "SO_LINGER with l_onoff=1 and "
                    "l_linger=%d: close() sends the FIN as usual, then "
                    "waits up to %d s for the other side to acknowledge "
                    "everything (on Linux)",
                    lg.l_linger, lg.l_linger);
    } else if (rc == 0 && level == SOL_SOCKET &&
               (name == SO_SNDBUF || name == SO_RCVBUF)) {
        int kept = 0;
        socklen_t klen = sizeof kept;
        if (SS_REAL(getsockopt)(fd, level, name, &kept, &klen) == 0 &&
            on >= 0 && kept > 2 * on)
            ss_tell(SS_K_BUF,
                    "on Linux the kernel keeps %d bytes for the %d asked: "
                    "its minimum for %s. It doubles what is asked for its "
                    "own bookkeeping (net.core.%cmem_max at most), and "
                    "raises what is still below the minimum to it",
                    kept, on, name == SO_SNDBUF ? "sending" : "receiving",
                    name == SO_SNDBUF ? 'w' : 'r');
        else if (klen == sizeof kept)
            ss_tell(SS_K_BUF,
                    "on Linux the kernel keeps %d bytes for the "
                    "%d asked: it first holds the size within its limits "
                    "(net.core.%cmem_max at most), then doubles it for its "
                    "own bookkeeping",
                    kept, on, name == SO_SNDBUF ? 'w' : 'r');
    } else if (rc == 0 && level == SOL_SOCKET && name == SO_BROADCAST) {
        ss_tell(SS_K_BROADCAST, "SO_BROADCAST: sendto() may now use a "
                                "broadcast address (without it: EACCES)");
    } else if (rc == 0 && level == IPPROTO_IP &&
               (name == IP_ADD_MEMBERSHIP || name == IP_DROP_MEMBERSHIP) &&
               len >= 2 * sizeof(struct in_addr)) {
        struct in_addr joined;
        memcpy(&joined, v, sizeof joined);
        if (name == IP_ADD_MEMBERSHIP)
            ss_tell(SS_K_MCAST_JOIN,
                    "the socket joined the group on the "
                    "interface with that address: the kernel takes in "
                    "datagrams sent to the group there and, on a network, "
                    "tells its routers so (IGMP). The membership lasts "
                    "until IP_DROP_MEMBERSHIP or close()");
        ss_kernel_igmp(joined);
    } else if (rc == 0 && level == IPPROTO_IP && name == IP_MULTICAST_TTL) {
        ss_tell(SS_K_MCAST_TTL,
                "IP_MULTICAST_TTL: the TTL of the "
                "datagrams this socket sends to a group. Each router that "
                "forwards one lowers it by 1, and drops it at 0: 1, the "
                "default, keeps them on the local network");
    } else if (rc == 0 && level == IPPROTO_IP && name == IP_MULTICAST_LOOP) {
        ss_tell(SS_K_MCAST_LOOP,
                "IP_MULTICAST_LOOP: 1 (the default) "
                "delivers a copy of each datagram this socket sends to a "
                "group to the members on this machine too; 0 sends it "
                "only out of the interface (out of lo, that is back in)");
    } else if (rc == 0 && level == IPPROTO_IP && name == IP_MULTICAST_IF) {
        ss_tell(SS_K_MCAST_IF,
                "IP_MULTICAST_IF: datagrams this socket "
                "sends to a group leave by the interface that has this "
                "address, not by the one the routing table would choose");
#ifdef IP_MULTICAST_ALL
    } else if (rc == 0 && level == IPPROTO_IP && name == IP_MULTICAST_ALL) {
        ss_tell(SS_K_MCAST_ALL,
                "IP_MULTICAST_ALL (Linux): 1, the default, "
                "gives a socket bound to 0.0.0.0 the datagrams of every "
                "group that any socket of this machine has joined, if "
                "their port is its port; 0 gives it only those of the "
                "groups it joined itself");
#endif
    }
    errno = err;
    return rc;
}

static inline int ss_getsockopt(int fd, int level, int name, void *v,
                                socklen_t *len)
{
    struct ss_call c = {.fd = fd};
    int rc, err;

    ss_args(&c, "%d, %s, %s, &val, &len", fd,
            ss_name_of(ss_levels, SS_COUNT(ss_levels), level).s,
            ss_optname(level, name).s);
    ss_pre(&c, "getsockopt");
    rc = SS_REAL(getsockopt)(fd, level, name, v, len);
    err = errno;
    if (rc == 0)
        ss_args(&c, "%d, %s, %s, %s, [%u]", fd,
                ss_name_of(ss_levels, SS_COUNT(ss_levels), level).s,
                ss_optname(level, name).s, ss_optval(level, name, v, *len).s,
                (unsigned)*len);
    ss_post(&c, rc, err);
#ifdef SO_PEERCRED
    if (rc == 0 && level == SOL_SOCKET && name == SO_PEERCRED)
        ss_tell(SS_K_PEERCRED,
                "SO_PEERCRED (Linux): who is at the other "
                "end of a Unix socket: the peer's process id, user id and "
                "group id, as the kernel recorded them, a client's at its "
                "connect(), a server's at its listen() (or at "
                "socketpair()). The peer cannot forge them; a server can "
                "decide by them what a client may do");
#endif
    if (rc == 0 && level == SOL_SOCKET && name == SO_ERROR &&
        *len == sizeof(int)) {
        struct ss_sock *s = ss_sock_find(fd);
        int pending;
        memcpy(&pending, v, sizeof pending);
        if (ss_type_of(fd) == SOCK_DGRAM && (s == NULL || s->plen == 0) &&
            pending == 0)
            ss_tell(SS_K_SOERROR_UDP,
                    "SO_ERROR: the socket's pending "
                    "error, cleared by reading it. None, even if nobody "
                    "received: Linux does not report an ICMP \"port "
                    "unreachable\" to an unconnected UDP socket (a "
                    "connected one gets ECONNREFUSED)");
        else
            ss_tell(SS_K_SOERROR,
                    "SO_ERROR: the socket's pending error, "
                    "cleared by reading it. Once a non-blocking connect() "
                    "has ended (poll() said POLLOUT), 0 means the handshake "
                    "succeeded, and anything else is why it failed");
        if (pending != 0 && s != NULL && s->plen > 0) {
            struct ss_call was = {0}; /* the connect() that failed */
            was.name = "connect";
            ss_ctx(&was, &s->peer, s->plen);
            ss_advise(&was, pending);
            s->plen = 0; /* it never had a peer */
        } else if (pending == 0 && s != NULL && s->plen > 0) {
            s->connected = 1; /* the handshake connect() began is done */
            ss_kernel(fd);
        }
    }
    errno = err;
    return rc;
}

static inline int ss_fcntl(int fd, int cmd, ...)
{
    struct ss_call c = {.fd = fd};
    int rc, err, arg = 0,
                 has_arg = cmd == F_SETFL || cmd == F_SETFD || cmd == F_DUPFD;

    if (has_arg) {
        va_list ap;
        va_start(ap, cmd);
        arg = va_arg(ap, int);
        va_end(ap);
    }
    if (cmd == F_SETFL)
        ss_args(&c, "%d, F_SETFL, %s", fd,
                ss_flags_of(ss_oflags, SS_COUNT(ss_oflags), arg).s);
    else if (has_arg)
        ss_args(&c, "%d, %s, %d", fd,
                ss_name_of(ss_fcntlcmds, SS_COUNT(ss_fcntlcmds), cmd).s, arg);
    else
        ss_args(&c, "%d, %s", fd,
                ss_name_of(ss_fcntlcmds, SS_COUNT(ss_fcntlcmds), cmd).s);
    ss_pre(&c, "fcntl");
    rc = has_arg ? SS_REAL(fcntl)(fd, cmd, arg) : SS_REAL(fcntl)(fd, cmd);
    err = errno;
    if (cmd == F_GETFL && rc >= 0) {
        char line[500];
        ss_step_done();
        snprintf(line, sizeof line, "fcntl(%.300s) = %#x (%.100s)", c.args,
                 (unsigned)rc,
                 ss_flags_of(ss_oflags, SS_COUNT(ss_oflags), rc).s);
        ss_wrap(0, 4, "", line, SS_BOLD);
    } else {
        ss_post(&c, rc, err);
    }
    if (cmd == F_SETFL && rc == 0 && (arg & O_NONBLOCK))
        ss_tell(SS_K_NONBLOCK,
                "O_NONBLOCK: from now on no call on fd %d "
                "waits; one that would have to fails with EAGAIN (connect: "
                "EINPROGRESS) and the program waits in poll() (or "
                "epoll_wait()) instead",
                fd);
    errno = err;
    return rc;
}

#endif /* SOCKSTEP_PLAIN */
#endif /* SS_SOCKOPT_H */
