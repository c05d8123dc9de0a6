/*
 * ss_conn.h - the wrappers for making and ending connections:
 * socket, bind, listen, accept, connect, shutdown, close, dup,
 * getsockname, getpeername.
 *
 * Needs: ss_text.h ss_state.h ss_narrate.h ss_errors.h ss_proc.h ss_kernel.h
 *        ss_repeat.h ss_call.h ss_kinds.h
 * Part of sockstep.h; include that, not this.
 */
#ifndef SS_CONN_H
#define SS_CONN_H
#ifndef SOCKSTEP_PLAIN

static inline int ss_socket(int domain, int type, int protocol)
{
    struct ss_call c = {.fd = -1};
    int fd, err;

    ss_args(&c, "%s, %s, %d", ss_family_name(domain).s,
            ss_socktype_name(type).s, protocol);
    /* for the advice: the kind asked for (there is no fd yet) */
    snprintf(c.kind, sizeof c.kind, "%s",
             ss_kind_tag_is(ss_kind_is(domain, type & 0xf, protocol), domain));
    ss_pre(&c, "socket");
    fd = SS_REAL(socket)(domain, type, protocol);
    err = errno;
    ss_post(&c, fd, err);
    if (fd >= 0) {
#ifdef SOCK_NONBLOCK
        struct ss_sock *s =
            ss_sock_new(fd, type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC));
#else
        struct ss_sock *s = ss_sock_new(fd, type);
#endif
        if (s != NULL) {
            s->family = domain;
            s->proto = ss_proto_default(domain, s->type, protocol);
        }
        ss_tell(SS_K_SOCKET,
                "a new socket: fd %d, the lowest descriptor "
                "number not in use. It has no address and no peer yet",
                fd);
        ss_kernel(fd);
    }
    errno = err;
    return fd;
}

/* bind()'s EADDRINUSE: who holds the port (ss_holder()), and whether
   this socket set SO_REUSEADDR, as the wrappers saw it; only for a socket
   they never saw does getsockopt() ask, a call the program did not make. */
static inline void ss_bind_inuse(int fd, const struct sockaddr *addr)
{
#ifdef __linux__
    struct ss_holders h;
    struct sockaddr_storage a;
    const struct ss_sock *s = ss_sock_find(fd);
    char text[800];
    int type = 0, reuse = 0;
    socklen_t tl = sizeof type, rl = sizeof reuse;

    if (addr->sa_family != AF_INET && addr->sa_family != AF_INET6)
        return;
    if (s != NULL && s->type != 0) {
        type = s->type;
        reuse = s->reuseaddr;
    } else if (SS_REAL(getsockopt)(fd, SOL_SOCKET, SO_TYPE, &type, &tl) ||
               SS_REAL(getsockopt)(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, &rl))
        return;
    memset(&a, 0, sizeof a);
    memcpy(&a, addr,
           addr->sa_family == AF_INET ? sizeof(struct sockaddr_in)
                                      : sizeof(struct sockaddr_in6));
    memset(&h, 0, sizeof h);
    h.port = ss_port_of(&a);
    if (ss_proc_walk(type == SOCK_DGRAM ? "udp" : "tcp", ss_holder, &h) < 0)
        return;
    if (h.n == 0)
        snprintf(text, sizeof text,
                 "port %u is in no entry of /proc/net/%s now: the socket "
                 "that has it is bound only (not listening, not connected), "
                 "or it let the port go since",
                 h.port, type == SOCK_DGRAM ? "udp" : "tcp");
    else
        snprintf(text, sizeof text,
                 "port %u is held by %s%s (from /proc/net/%s)", h.port, h.text,
                 h.n > 4 ? "; and more" : "",
                 type == SOCK_DGRAM ? "udp" : "tcp");
    ss_kernel_line(text);
    if (type != SOCK_STREAM)
        return;
    snprintf(text, sizeof text,
             reuse ? "fd %d set SO_REUSEADDR before bind(): a port held by a "
                     "listener, or by a connection whose socket did not set "
                     "it, is still refused"
                   : "fd %d did not set SO_REUSEADDR before bind(): on Linux "
                     "a port that only closed connections hold (TIME_WAIT, "
                     "FIN_WAIT2) can be bound again when both their socket "
                     "and this one set it; a listener's port cannot",
             fd);
    ss_wrap(4, 4, "", text, "");
#else
    (void)fd; /* no socket table to read */
    (void)addr;
#endif
}

static inline int ss_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
    struct ss_call c = {.fd = fd};
    struct ss_sock *s = ss_sock_find(fd);
    int rc, err;

    ss_args(&c, "%d, %s, %u", fd, ss_addr_len(addr, len).s, (unsigned)len);
    ss_ctx(&c, addr, len);
    ss_pre(&c, "bind");
    rc = SS_REAL(bind)(fd, addr, len);
    err = errno;
    ss_post(&c, rc, err);
    if (rc == -1 && err == EADDRINUSE && addr != NULL)
        ss_bind_inuse(fd, addr);
    if (rc == 0) {
        if (s != NULL && len <= sizeof s->local) {
            memcpy(&s->local, addr, len);
            s->llen = len;
            s->bound = 1;
        }
        if (ss_ctx_unix_named(&c) &&
            ((const struct sockaddr_un *)&c.sa)->sun_path[0] != '\0')
            ss_tell(SS_K_BIND_UNIX,
                    "bind() made the file %s, of type "
                    "socket (an s in ls -l). It is only a name: the data "
                    "never goes through the disk. The file stays when the "
                    "socket is closed, until unlink() removes it, and its "
                    "permissions decide who may connect (on Linux, write "
                    "permission)",
                    c.addr);
        else if ((ss_kind_of(fd) == SS_KIND_TCP ||
                  ss_kind_of(fd) == SS_KIND_UDP) &&
                 ss_port_of(&c.sa) == 0)
            ss_tell(SS_K_BIND0, "port 0 asks the kernel to choose a free "
                                "port; getsockname() tells which it chose");
        else if (s != NULL && s->type == SOCK_STREAM)
            ss_tell(SS_K_BIND,
                    "fd %d now has the address %s. It takes no "
                    "connections until it listens: till then a client's "
                    "connect() to it is refused",
                    fd, c.addr);
        else if (s != NULL && (ss_kind_of(fd) == SS_KIND_UDP ||
                               ss_kind_of(fd) == SS_KIND_UDGRAM))
            ss_tell(SS_K_BIND,
                    "fd %d now has the address %s: datagrams "
                    "sent to it come to this socket",
                    fd, c.addr);
        else
            ss_tell(SS_K_BIND, "fd %d now has the address %s", fd, c.addr);
        ss_kernel(fd);
    }
    errno = err;
    return rc;
}

/* net.core.somaxconn: the cap on any backlog (Linux), or -1. */
static inline long ss_somaxconn(void)
{
    long v = -1;
#ifdef __linux__
    FILE *f = fopen("/proc/sys/net/core/somaxconn", "r");
    if (f != NULL) {
        if (fscanf(f, "%ld", &v) != 1)
            v = -1;
        fclose(f);
    }
#endif
    return v;
}

static inline int ss_listen(int fd, int backlog)
{
    struct ss_call c = {.fd = fd};
    int rc, err;

    ss_args(&c, "%d, %d", fd, backlog);
    ss_pre(&c, "listen");
    rc = SS_REAL(listen)(fd, backlog);
    err = errno;
    if (rc != 0) {
        /* The advice names the port the socket is bound to. */
        struct sockaddr_storage a;
        socklen_t alen = sizeof a;
        if (SS_REAL(getsockname)(fd, (struct sockaddr *)&a, &alen) == 0)
            ss_ctx(&c, &a, alen);
    }
    ss_post(&c, rc, err);
    if (rc == 0) {
        int saved = errno;
        struct ss_sock *s = ss_sock_find(fd);
        long cap;
        if (s != NULL)
            s->listening = 1;
        cap = ss_somaxconn();
        errno = saved;
        if (ss_is_unix(fd))
            ss_tell(SS_K_LISTEN,
                    "fd %d now listens: the kernel queues "
                    "each client's connection until accept() takes it. The "
                    "backlog, %d, limits that queue; while it is full, a "
                    "Unix socket client's connect() waits (a non-blocking "
                    "one fails with EAGAIN)",
                    fd, backlog);
        else if (cap > 0 && backlog >= 0 && backlog <= cap)
            ss_tell(SS_K_LISTEN,
                    "fd %d now listens: the kernel completes "
                    "each client's handshake by itself and queues the "
                    "connection until accept() takes it. With a backlog of "
                    "%d, %ld may wait on Linux; past that, new clients' "
                    "handshakes are not answered and they retry",
                    fd, backlog, (long)backlog + 1);
        else if (cap > 0) /* Linux takes the backlog as unsigned */
            ss_tell(SS_K_LISTEN,
                    "fd %d now listens: the kernel completes "
                    "each client's handshake by itself and queues the "
                    "connection until accept() takes it. The backlog, %d, "
                    "is more than net.core.somaxconn, %ld here: Linux caps "
                    "it there and lets %ld wait; past that, new clients' "
                    "handshakes are not answered and they retry",
                    fd, backlog, cap, cap + 1);
        else
            ss_tell(SS_K_LISTEN,
                    "fd %d now listens: the kernel completes "
                    "each client's handshake and queues the connection "
                    "until accept() takes it; the backlog, %d, limits that "
                    "queue",
                    fd, backlog);
        ss_kernel(fd);
    }
    errno = err;
    return rc;
}

/* ------------------------------------------------------------------ */
/* Connections.                                                        */
/* ------------------------------------------------------------------ */

/* accept(), and with flags >= 0 Linux's accept4(), for a build that
   declares it and defines SS_ACCEPT4 (the preload: Python's accept()
   makes accept4(), with SOCK_CLOEXEC). */
static inline int ss_accept_as(int fd, struct sockaddr *addr, socklen_t *len,
                               int flags)
{
    struct ss_call c = {.fd = fd};
    struct ss_sock *l = ss_sock_find(fd), *s;
    char fl[64] = "";
    int conn, err;

#ifdef SOCK_NONBLOCK
    if (flags > 0 && (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) == 0)
        snprintf(fl, sizeof fl, ", %s%s%s",
                 flags & SOCK_NONBLOCK ? "SOCK_NONBLOCK" : "",
                 flags == (SOCK_NONBLOCK | SOCK_CLOEXEC) ? "|" : "",
                 flags & SOCK_CLOEXEC ? "SOCK_CLOEXEC" : "");
    else
#endif
        if (flags >= 0)
        snprintf(fl, sizeof fl, ", %d", flags);
    ss_args(&c, "%d, %s, %s%s", fd, addr ? "&addr" : "NULL",
            len ? "&len" : "NULL", fl);
    ss_pre(&c, flags >= 0 ? "accept4" : "accept");
#ifdef SS_ACCEPT4
    if (flags >= 0)
        conn = SS_REAL(accept4)(fd, addr, len, flags);
    else
#endif
        conn = SS_REAL(accept)(fd, addr, len);
    err = errno;
    if (conn >= 0 && addr != NULL && len != NULL)
        ss_args(&c, "%d, %s, %u%s", fd, ss_addr_len(addr, *len).s,
                (unsigned)*len, fl);
    ss_post(&c, conn, err);
    if (conn >= 0) {
        /* the listening socket's family, type and protocol (asked of
           the kernel if it was not seen made), and its address */
        s = ss_sock_new(conn, l != NULL ? l->type : SOCK_STREAM);
        if (s != NULL && l != NULL) {
            s->local = l->local;
            s->llen = l->llen;
            s->family = l->family;
            s->proto = l->proto;
        }
        if (s != NULL)
            s->connected = 1;
        if (s != NULL && addr != NULL && len != NULL &&
            *len <= sizeof s->peer) {
            memcpy(&s->peer, addr, *len);
            s->plen = *len;
        }
        ss_tell(SS_K_ACCEPT,
                "accept() took the first connection off fd "
                "%d's queue and returned a new socket, fd %d, for this "
                "client only; fd %d goes on listening",
                fd, conn, fd);
        ss_kernel(conn);
    }
    errno = err;
    return conn;
}

static inline int ss_accept(int fd, struct sockaddr *addr, socklen_t *len)
{
    return ss_accept_as(fd, addr, len, -1);
}

static inline int ss_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    struct ss_call c = {.fd = fd};
    struct ss_sock *s = ss_sock_find(fd);
    int rc, err, kind = ss_kind_of(fd), bound = s != NULL && s->bound;
    char me[200] = "";

    ss_args(&c, "%d, %s, %u", fd, ss_addr_len(addr, len).s, (unsigned)len);
    ss_ctx(&c, addr, len);
    ss_pre(&c, "connect");
    rc = SS_REAL(connect)(fd, addr, len);
    err = errno;
    ss_post(&c, rc, err);
    if (rc == 0 && bound) {
        /* The address it had before, as the kernel lists it now. */
        char a[200];
        if (ss_local_text(fd, kind, a, sizeof a))
            snprintf(me, sizeof me,
                     kind == SS_KIND_TCP
                         ? "from the address it was bound to, %s"
                         : "This end keeps the name bind() gave it, %s: "
                           "the server's accept() returns it",
                     a);
    }
    /* A refused or timed-out connect() leaves no peer (and no FIN). */
    if (s != NULL && len <= sizeof s->peer &&
        (rc == 0 || err == EINPROGRESS || err == EINTR || err == EALREADY)) {
        memcpy(&s->peer, addr, len);
        s->plen = len;
    }
    if (s != NULL)
        s->connected = rc == 0;
    if (rc == 0 && (kind == SS_KIND_UDP || kind == SS_KIND_UDGRAM))
        ss_tell(SS_K_CONNECT_UDP,
                "connect() on a %s socket sends "
                "nothing: it fixes the peer, so send() needs no address "
                "and only that peer's datagrams are received",
                kind == SS_KIND_UDP ? "UDP" : "Unix datagram");
    else if (rc == 0 && ss_kind_records(kind))
        ss_tell(SS_K_CONNECT_DGRAM,
                "connect() on %s socket sends nothing: it fixes the "
                "peer, so send() needs no address",
                kind == SS_KIND_RAW ? "a raw" : "an ICMP");
    else if (rc == 0 && ss_kind_unix(kind))
        ss_tell(SS_K_CONNECT_UNIX,
                "fd %d is connected: the kernel joined "
                "it to a new socket in the server's accept() queue, with no "
                "packet and no handshake. %s",
                fd,
                me[0] != '\0'
                    ? me
                    : "This end has no name of its own (unnamed): none is "
                      "needed");
    else if (rc == 0 && kind == SS_KIND_TCP)
        ss_tell(SS_K_CONNECT,
                "the three-way handshake is done (SYN, "
                "SYN-ACK, ACK): fd %d is connected, %s",
                fd,
                me[0] != '\0'
                    ? me
                    : "and the kernel gave it a local port of its own");
    else if (err == EINTR)
        ss_tell(SS_K_CONNECT_EINTR,
                "the handshake goes on in the kernel. "
                "On Linux, calling connect() again waits for it; on BSD and "
                "macOS that fails at once with EALREADY, so portable code "
                "polls for POLLOUT and reads SO_ERROR (lesson 14)");
    if (rc == 0 || err == EINPROGRESS)
        ss_kernel(fd);
    errno = err;
    return rc;
}

static inline int ss_shutdown(int fd, int how)
{
    struct ss_call c = {.fd = fd};
    int rc, err, kind;

    if (ss_nar.muted)
        return SS_REAL(shutdown)(fd, how);
    kind = ss_kind_of(fd);
    ss_args(&c, "%d, %s", fd, ss_name_of(ss_hows, SS_COUNT(ss_hows), how).s);
    ss_pre(&c, "shutdown");
    rc = SS_REAL(shutdown)(fd, how);
    err = errno;
    ss_post(&c, rc, err);
    if (rc == 0)
        ss_shutdown_said(fd, how, kind);
    errno = err;
    return rc;
}

static inline int ss_close(int fd)
{
    struct ss_call c = {.fd = fd};
    struct ss_sock was, *s = ss_sock_find(fd);
    int rc, err, unread = -1, listening = 0, reset = 0;
    unsigned long inode = 0;

    memset(&was, 0, sizeof was);
    if (s != NULL) {
        was = *s;
        inode = ss_inode_of(fd);
#ifdef FIONREAD
        if (was.type == SOCK_STREAM && was.plen > 0 &&
            ioctl(fd, FIONREAD, &unread) == -1)
            unread = -1;
#endif
        listening = was.listening;
        /* On Linux, closing the last descriptor of a TCP connection with
         * received bytes unread resets it. Said only when known: no other
         * descriptor (a forked child's) refers to the socket, so nobody
         * else can read the bytes; then they are counted again, since
         * another holder may have read them and closed before the look;
         * and the connection is still listed, so not already reset. */
        /* cppcheck sees no system header, so no FIONREAD: */
        /* cppcheck-suppress knownConditionTrueFalse */
        if (unread > 0 && was.family != AF_UNIX &&
            ss_held_elsewhere(fd, inode) == 0) {
#ifdef FIONREAD
            if (ioctl(fd, FIONREAD, &unread) == -1)
                unread = -1;
#endif
            reset = unread > 0 && ss_pair_listed(&was) == 1;
        }
    }
    ss_args(&c, "%d", fd);
    ss_pre(&c, "close");
    rc = SS_REAL(close)(fd);
    err = errno;
    ss_post(&c, rc, err);
    if (rc == 0 && s != NULL) {
        int shared = (listening || was.plen > 0) && ss_still_open(inode);
        ss_sock_drop(fd);
        if (listening && shared)
            ss_wrap(4, 0, "",
                    "another descriptor still refers to this listening "
                    "socket (dup() or fork() made it): it goes on "
                    "listening",
                    "");
        else if (listening && was.family == AF_UNIX)
            ss_wrap(4, 0, "",
                    "the listening socket is gone: a client's connect() to "
                    "its file now fails with ECONNREFUSED, and the file "
                    "stays until unlink() removes it",
                    "");
        else if (listening)
            ss_wrap(4, 0, "",
                    "the listening socket is gone: new clients are refused "
                    "(RST), and connections still in its queue are reset",
                    "");
        else if (was.type == SOCK_STREAM && was.connected &&
                 was.family == AF_UNIX) {
            ss_tell(SS_K_CLOSE_UNIX,
                    "close() gives up this descriptor. "
                    "The connection ends when no descriptor refers to the "
                    "socket any more (fork(), dup() and SCM_RIGHTS make "
                    "more than one): then the peer's recv() returns 0");
            /* cppcheck sees no system header, so no FIONREAD: */
            /* cppcheck-suppress knownConditionTrueFalse */
            if (unread > 0) {
                char text[200];
                snprintf(text, sizeof text,
                         "close() found %d received byte%s nobody had "
                         "read: the peer still reads what it was sent, "
                         "then its next recv() fails with ECONNRESET, and "
                         "a send() with EPIPE",
                         unread, unread == 1 ? "" : "s");
                ss_wrap(4, 0, "", text, "");
            }
        } else if (was.type == SOCK_STREAM && was.connected && was.linger0 &&
                   !shared) {
            ss_wrap(4, 0, "",
                    "SO_LINGER is on with a time of 0, and this was the "
                    "last descriptor: the kernel ended the connection with "
                    "RST, not FIN, and threw away what was not sent yet. "
                    "On Linux the peer's recv() returns what had arrived, "
                    "then fails with ECONNRESET",
                    "");
        } else if (was.type == SOCK_STREAM && was.connected) {
            ss_tell(SS_K_CLOSE,
                    "close() gives up this descriptor. Only "
                    "when no descriptor refers to the socket any more "
                    "(fork() and dup() make more than one) does the kernel "
                    "end the connection: with a FIN, unless shutdown() or "
                    "a reset has ended it already");
            if (shared)
                ss_wrap(4, 0, "",
                        "another descriptor still refers to this socket "
                        "(dup() or fork() made it), so this close() sent "
                        "nothing: the connection goes on",
                        "");
            else if (reset) {
                char text[200];
                snprintf(text, sizeof text,
                         "close() found %d received byte%s nobody had "
                         "read, and this was the last descriptor: on "
                         "Linux the kernel ends the connection with RST, "
                         "not FIN",
                         /* cppcheck sees no FIONREAD (no system header) */
                         /* cppcheck-suppress knownConditionTrueFalse */
                         unread, unread == 1 ? "" : "s");
                ss_wrap(4, 0, "", text, "");
            }
            ss_kernel_after_close(&was);
        }
    }
    errno = err;
    return rc;
}

static inline int ss_dup(int fd)
{
    struct ss_call c = {.fd = fd};
    struct ss_sock *s = ss_sock_find(fd);
    int nfd, err;

    ss_args(&c, "%d", fd);
    ss_pre(&c, "dup");
    nfd = SS_REAL(dup)(fd);
    err = errno;
    ss_post(&c, nfd, err);
    if (nfd >= 0 && s != NULL) {
        struct ss_sock copy = *s, *d = ss_sock_new(nfd, s->type);
        if (d != NULL) {
            *d = copy;
            d->fd = nfd + 1;
        }
        ss_tell(SS_K_DUP,
                "dup() made fd %d a second descriptor for the "
                "socket of fd %d: one socket, two numbers, and it stays "
                "open until both are closed",
                nfd, fd);
    }
    errno = err;
    return nfd;
}

static inline int ss_getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
    struct ss_call c = {.fd = fd};
    struct ss_sock *s = ss_sock_find(fd);
    int rc, err;

    ss_args(&c, "%d, &addr, &len", fd);
    ss_pre(&c, "getsockname");
    rc = SS_REAL(getsockname)(fd, addr, len);
    err = errno;
    if (rc == 0) {
        ss_args(&c, "%d, %s, %u", fd, ss_addr_len(addr, *len).s,
                (unsigned)*len);
        if (s != NULL && *len <= sizeof s->local) {
            memcpy(&s->local, addr, *len);
            s->llen = *len;
        }
    }
    ss_post(&c, rc, err);
    if (rc == 0)
        ss_tell(SS_K_GETSOCKNAME,
                "getsockname() asks the kernel which "
                "address fd %d has: %s",
                fd, ss_addr_len(addr, *len).s);
    errno = err;
    return rc;
}

static inline int ss_getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
    struct ss_call c = {.fd = fd};
    int rc, err;

    ss_args(&c, "%d, &addr, &len", fd);
    ss_pre(&c, "getpeername");
    rc = SS_REAL(getpeername)(fd, addr, len);
    err = errno;
    if (rc == 0)
        ss_args(&c, "%d, %s, %u", fd, ss_addr_len(addr, *len).s,
                (unsigned)*len);
    ss_post(&c, rc, err);
    errno = err;
    return rc;
}

#endif /* SOCKSTEP_PLAIN */
#endif /* SS_CONN_H */
