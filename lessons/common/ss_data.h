/*
 * ss_data.h - the wrappers that move data: send, recv, sendto,
 * recvfrom, socketpair, sendmsg, recvmsg; on Linux, sendfile.
 *
 * Needs: ss_text.h ss_state.h ss_narrate.h ss_errors.h ss_proc.h ss_kernel.h
 *        ss_repeat.h ss_call.h
 * Part of sockstep.h; include that, not this.
 */
#ifndef SS_DATA_H
#define SS_DATA_H
#ifndef SOCKSTEP_PLAIN

/* The socket's type (SOCK_DGRAM ...), or 0: from the narrator's table,
   or, for a socket it never saw made (inherited, received), asked. */
static inline int ss_kind(int fd)
{
    int type = ss_type_of(fd);
    socklen_t tl = sizeof type;

    if (type == 0 &&
        SS_REAL(getsockopt)(fd, SOL_SOCKET, SO_TYPE, &type, &tl) != 0)
        type = 0;
    return type;
}

/* What name() (send, or write on a socket) returning n of len means. */
static inline void ss_sent_said(int fd, ssize_t n, size_t len, int flags,
                                const char *name)
{
    char text[120];

    if (n < 0)
        return;
    if (ss_is_unix(fd))
        ss_tell(SS_K_SEND_UNIX,
                "%s() put %ld byte%s straight into "
                "the receiving socket's queue: a Unix socket needs no "
                "network, so no segments and no acknowledgements; the "
                "peer has them as soon as its recv() takes them",
                name, (long)n, n == 1 ? "" : "s");
    else if (ss_kind(fd) == SOCK_DGRAM)
        ss_tell(SS_K_SEND_DGRAM,
                "%s() handed one datagram of %ld byte%s to the kernel for "
                "the connected peer. UDP never says that it arrived",
                name, (long)n, n == 1 ? "" : "s");
    else
        ss_tell(SS_K_SEND,
                "%s() copied %ld byte%s into the kernel's "
                "send buffer and returned; TCP delivers %s later. A "
                "return says nothing about whether the peer has %s",
                name, (long)n, n == 1 ? "" : "s", n == 1 ? "it" : "them",
                n == 1 ? "it" : "them");
#ifdef MSG_NOSIGNAL
    if (flags & MSG_NOSIGNAL) {
        struct sigaction now;
        int ignored = SS_REAL(sigaction)(SIGPIPE, NULL, &now) == 0 &&
                      now.sa_handler == SIG_IGN;
        ss_tell(SS_K_NOSIGNAL,
                "MSG_NOSIGNAL: if a send fails with EPIPE, the kernel does "
                "not also send SIGPIPE, which by default ends the program%s",
                ignored ? ". This process ignores SIGPIPE already, so "
                          "here it changes nothing"
                        : "");
    }
#endif
    if ((size_t)n < len) {
        snprintf(text, sizeof text,
                 "a short send: only part of the buffer was taken; the "
                 "rest must be sent with another %s()",
                 name);
        ss_wrap(4, 0, "", text, "");
    }
}

static inline ssize_t ss_send(int fd, const void *buf, size_t len, int flags)
{
    struct ss_call c = {.fd = fd, .flags = flags};
    ssize_t n;
    int err;

    if (ss_nar.muted)
        return SS_REAL(send)(fd, buf, len, flags);
    ss_args(&c, "%d, %s, %zu, %s", fd, ss_bytes(buf, (long)len).s, len,
            ss_flags_of(ss_msgflags, SS_COUNT(ss_msgflags), flags).s);
    ss_pre(&c, "send");
    n = SS_REAL(send)(fd, buf, len, flags);
    err = errno;
    ss_post(&c, (long)n, err);
    ss_sent_said(fd, n, len, flags, "send");
    errno = err;
    return n;
}

/*
 * A datagram received by name() (recv or recvfrom) into len bytes, n
 * returned. The kernel hands over one datagram per call and keeps no part
 * of it: one that filled the buffer may have been longer, and its rest is
 * then lost, unless MSG_PEEK left it queued. MSG_TRUNC makes the call
 * return the real length, so then n says.
 */
static inline void ss_dgram_said(const char *name, ssize_t n, size_t len,
                                 int flags)
{
    char text[300];
    int peek = 0, trunc = 0;

#ifdef MSG_PEEK
    peek = (flags & MSG_PEEK) != 0;
#endif
#ifdef MSG_TRUNC
    trunc = (flags & MSG_TRUNC) != 0;
#endif
    if ((size_t)n > len) {
        snprintf(text, sizeof text,
                 "the datagram was longer than the buffer (%ld bytes): "
                 "only the first %zu were kept%s (MSG_TRUNC made %s() "
                 "return the real length)",
                 (long)n, len,
                 peek ? ", and MSG_PEEK left it queued whole"
                      : " and the rest is lost",
                 name);
        ss_wrap(4, 0, "", text, "");
    } else if ((size_t)n == len && len > 0 && !trunc) {
        snprintf(text, sizeof text,
                 "the datagram filled the buffer, %zu bytes: it may have "
                 "been longer, and %s. MSG_TRUNC in the flags makes %s() "
                 "return its real length (on Linux)",
                 len,
                 peek ? "MSG_PEEK left it queued whole"
                      : "if it was, its rest is lost: the kernel keeps no "
                        "part of a datagram for a later call",
                 name);
        ss_wrap(4, 0, "", text, "");
    } else if (strcmp(name, "recvfrom") == 0) {
        ss_tell(SS_K_RECVFROM,
                "one recvfrom() returns one whole datagram "
                "(here %ld byte%s) and says who sent it: UDP keeps the "
                "boundaries of what was sent",
                (long)n, n == 1 ? "" : "s");
    } else {
        ss_tell(SS_K_RECV_DGRAM,
                "one %s() on a datagram socket returns one whole datagram "
                "(here %ld byte%s): UDP keeps the boundaries of what was "
                "sent",
                name, (long)n, n == 1 ? "" : "s");
    }
}

/* What name() (recv, or read on a socket) returning n of len means. */
static inline void ss_received_said(int fd, ssize_t n, size_t len, int flags,
                                    const char *name)
{
    char text[600];
    int st;

    if (n >= 0 && ss_kind(fd) == SOCK_DGRAM)
        ss_dgram_said(name, n, len, flags);
    else if (n > 0 && ss_is_unix(fd))
        ss_tell(SS_K_RECV_UNIX,
                "%s() returns whatever has arrived, up "
                "to %zu byte%s: a stream socket keeps no boundaries between "
                "the peer's send()s",
                name, len, len == 1 ? "" : "s");
    else if (n > 0)
        ss_tell(SS_K_RECV,
                "%s() returns whatever has arrived, up to "
                "%zu byte%s: TCP is a stream of bytes, and how the peer "
                "split it into send()s is not kept",
                name, len, len == 1 ? "" : "s");
    if (n != 0 || len == 0 || ss_kind(fd) != SOCK_STREAM)
        return;
    if (ss_is_unix(fd))
        snprintf(text, sizeof text,
                 "%s() returned 0: the end of the stream. The peer has "
                 "closed its end or shut down its sending side, or this "
                 "side shut down its receiving side. No more bytes will "
                 "come, and every later %s() returns 0 at once: a loop "
                 "must stop here",
                 name, name);
    else if (ss_fin_came(st = ss_tcp_state_of(fd)))
        snprintf(text, sizeof text,
                 "%s() returned 0: the end of the stream. The peer's FIN "
                 "has come (the kernel lists the connection as %s): it "
                 "closed its socket or shut down its sending side, and no "
                 "more bytes will come. A loop must stop here",
                 name, ss_tcp_state(st));
    else
        snprintf(text, sizeof text,
                 "%s() returned 0: the end of the stream. Most often the "
                 "peer has closed its socket or shut down its sending side "
                 "(its FIN arrived), and no more bytes will come: a loop "
                 "must stop here. (0 comes too after a reset that an "
                 "earlier call reported, and, on Linux, after this side's "
                 "shutdown(SHUT_RD) while no byte waits.)",
                 name);
    ss_wrap(4, 0, "", text, "");
    ss_kernel(fd);
}

static inline ssize_t ss_recv(int fd, void *buf, size_t len, int flags)
{
    struct ss_call c = {.fd = fd, .flags = flags};
    ssize_t n;
    int err;

    if (ss_nar.muted)
        return SS_REAL(recv)(fd, buf, len, flags);
    ss_args(&c, "%d, buf, %zu, %s", fd, len,
            ss_flags_of(ss_msgflags, SS_COUNT(ss_msgflags), flags).s);
    ss_pre(&c, "recv");
    n = SS_REAL(recv)(fd, buf, len, flags);
    err = errno;
    if (n >= 0)
        ss_args(&c, "%d, %s, %zu, %s", fd,
                ss_bytes(buf, n > (ssize_t)len ? (long)len : (long)n).s, len,
                ss_flags_of(ss_msgflags, SS_COUNT(ss_msgflags), flags).s);
    ss_post(&c, (long)n, err);
    ss_received_said(fd, n, len, flags, "recv");
    errno = err;
    return n;
}

static inline ssize_t ss_sendto(int fd, const void *buf, size_t len, int flags,
                                const struct sockaddr *to, socklen_t tolen)
{
    struct ss_call c = {.fd = fd, .flags = flags};
    struct ss_sock *s = ss_sock_find(fd);
    int unbound = s != NULL && s->llen == 0, err;
    ssize_t n;

    ss_args(&c, "%d, %s, %zu, %s, %s, %u", fd, ss_bytes(buf, (long)len).s, len,
            ss_flags_of(ss_msgflags, SS_COUNT(ss_msgflags), flags).s,
            ss_addr_len(to, tolen).s, (unsigned)tolen);
    ss_ctx(&c, to, tolen);
    ss_pre(&c, "sendto");
    n = SS_REAL(sendto)(fd, buf, len, flags, to, tolen);
    err = errno;
    ss_post(&c, (long)n, err);
    if (n >= 0) {
        ss_tell(SS_K_SENDTO,
                "one datagram of %ld byte%s handed to the "
                "kernel for %s. UDP never says that it arrived (a "
                "connected UDP socket may hear of a refusal later, as "
                "ECONNREFUSED)",
                (long)n, n == 1 ? "" : "s", c.addr);
        if (unbound) {
            s->llen = 1; /* bound now, by the kernel */
            ss_tell(SS_K_SENDTO_BIND, "the socket had no address, so the "
                                      "kernel bound it to a free port first");
            ss_kernel(fd);
        }
    }
    errno = err;
    return n;
}

static inline ssize_t ss_recvfrom(int fd, void *buf, size_t len, int flags,
                                  struct sockaddr *from, socklen_t *fromlen)
{
    struct ss_call c = {.fd = fd, .flags = flags};
    ssize_t n;
    int err;

    ss_args(&c, "%d, buf, %zu, %s, %s, %s", fd, len,
            ss_flags_of(ss_msgflags, SS_COUNT(ss_msgflags), flags).s,
            from ? "&from" : "NULL", fromlen ? "&fromlen" : "NULL");
    ss_pre(&c, "recvfrom");
    n = SS_REAL(recvfrom)(fd, buf, len, flags, from, fromlen);
    err = errno;
    if (n >= 0)
        ss_args(&c, "%d, %s, %zu, %s, %s, %u", fd,
                ss_bytes(buf, n > (ssize_t)len ? (long)len : (long)n).s, len,
                ss_flags_of(ss_msgflags, SS_COUNT(ss_msgflags), flags).s,
                from && fromlen ? ss_addr_len(from, *fromlen).s : "NULL",
                fromlen ? (unsigned)*fromlen : 0U);
    ss_post(&c, (long)n, err);
    if (n >= 0 && ss_kind(fd) == SOCK_DGRAM)
        ss_dgram_said("recvfrom", n, len, flags);
    errno = err;
    return n;
}

#ifdef __linux__
#include <sys/sendfile.h>

static inline ssize_t ss_sendfile(int out, int in, off_t *offset, size_t count)
{
    struct ss_call c = {.fd = out};
    char before[40] = "NULL";
    ssize_t n;
    int err;

    if (ss_nar.muted)
        return SS_REAL(sendfile)(out, in, offset, count);
    if (offset != NULL)
        snprintf(before, sizeof before, "[%lld]", (long long)*offset);
    ss_args(&c, "%d, %d, %s, %zu", out, in, before, count);
    ss_pre(&c, "sendfile");
    n = SS_REAL(sendfile)(out, in, offset, count);
    err = errno;
    if (n >= 0 && offset != NULL)
        ss_args(&c, "%d, %d, %s => [%lld], %zu", out, in, before,
                (long long)*offset, count);
    ss_post(&c, (long)n, err);
    if (n >= 0)
        ss_tell(SS_K_SENDFILE,
                "sendfile() had the kernel copy %ld bytes "
                "from fd %d (a file) into fd %d's send buffer: they never "
                "passed through the program's memory, and no read() was "
                "needed",
                (long)n, in, out);
    errno = err;
    return n;
}
#endif /* __linux__ */

static inline int ss_socketpair(int domain, int type, int protocol, int sv[2])
{
    struct ss_call c = {.fd = -1};
    int rc, err;

    ss_args(&c, "%s, %s, %d, sv", ss_family_name(domain).s,
            ss_socktype_name(type).s, protocol);
    ss_pre(&c, "socketpair");
    rc = SS_REAL(socketpair)(domain, type, protocol, sv);
    err = errno;
    if (rc == 0)
        ss_args(&c, "%s, %s, %d, [%d, %d]", ss_family_name(domain).s,
                ss_socktype_name(type).s, protocol, sv[0], sv[1]);
    ss_post(&c, rc, err);
    if (rc == 0) {
        int i;
        for (i = 0; i < 2; i++) {
#ifdef SOCK_NONBLOCK
            struct ss_sock *s =
                ss_sock_new(sv[i], type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC));
#else
            struct ss_sock *s = ss_sock_new(sv[i], type);
#endif
            if (s != NULL) {
                s->connected = 1;
                s->family = domain;
            }
        }
        ss_tell(SS_K_SOCKETPAIR,
                "socketpair() made two sockets already "
                "connected to each other, fd %d and fd %d: what is sent on "
                "one is received on the other. They have no address, so no "
                "other process can connect to them; one end reaches another "
                "process through fork() or in a message (SCM_RIGHTS)",
                sv[0], sv[1]);
        ss_kernel(sv[0]);
        ss_kernel(sv[1]);
    }
    errno = err;
    return rc;
}

/* A message as text: its first buffer's bytes (len of them, or all when
   len < 0) and the descriptors its control data carries. */
static inline struct ss_text ss_msg_text(const struct msghdr *m, long len)
{
    struct ss_text t;
    size_t o = 0, iov0 = m->msg_iovlen > 0 ? m->msg_iov[0].iov_len : 0;
    long shown = len < 0 || (size_t)len > iov0 ? (long)iov0 : len;

    t.s[0] = '\0';
    ss_tcat(&t, &o, "{msg_iov=[{%s, %zu}%s]",
            m->msg_iovlen > 0 ? ss_bytes(m->msg_iov[0].iov_base, shown).s
                              : "NULL",
            iov0, m->msg_iovlen > 1 ? ", ..." : "");
    if (m->msg_controllen > 0 && m->msg_control != NULL) {
        /* CMSG_NXTHDR() takes a struct msghdr that is not const: a copy
           of the header walks the same control bytes. */
        struct msghdr walk = *m;
        struct cmsghdr *cm;
        ss_tcat(&t, &o, ", msg_control=[");
        for (cm = CMSG_FIRSTHDR(&walk); cm != NULL;
             cm = CMSG_NXTHDR(&walk, cm)) {
            if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
                size_t k, n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                ss_tcat(&t, &o, "{SCM_RIGHTS, [");
                for (k = 0; k < n; k++) {
                    int fd;
                    memcpy(&fd, CMSG_DATA(cm) + k * sizeof fd, sizeof fd);
                    ss_tcat(&t, &o, "%s%d", k ? ", " : "", fd);
                }
                ss_tcat(&t, &o, "]}");
            } else {
                ss_tcat(&t, &o, "{level %d, type %d}", cm->cmsg_level,
                        cm->cmsg_type);
            }
        }
        ss_tcat(&t, &o, "]");
    }
    ss_tcat(&t, &o, "}");
    return t;
}

static inline ssize_t ss_sendmsg(int fd, const struct msghdr *m, int flags)
{
    struct ss_call c = {.fd = fd, .flags = flags};
    ssize_t n;
    int err;

    ss_args(&c, "%d, %s, %s", fd, ss_msg_text(m, -1).s,
            ss_flags_of(ss_msgflags, SS_COUNT(ss_msgflags), flags).s);
    ss_pre(&c, "sendmsg");
    n = SS_REAL(sendmsg)(fd, m, flags);
    err = errno;
    ss_post(&c, (long)n, err);
    if (n >= 0 && m->msg_controllen > 0)
        ss_tell(SS_K_SENDMSG,
                "sendmsg() sent the bytes and, as control "
                "data, descriptors (SCM_RIGHTS): the kernel passes the open "
                "files themselves, not their numbers. Until the "
                "receiver's recvmsg() takes the message, the message "
                "holds them open; then the receiver has descriptors of "
                "its own for them, numbered in its own table");
    errno = err;
    return n;
}

static inline ssize_t ss_recvmsg(int fd, struct msghdr *m, int flags)
{
    struct ss_call c = {.fd = fd, .flags = flags};
    ssize_t n;
    int err;

    ss_args(&c, "%d, msg, %s", fd,
            ss_flags_of(ss_msgflags, SS_COUNT(ss_msgflags), flags).s);
    ss_pre(&c, "recvmsg");
    n = SS_REAL(recvmsg)(fd, m, flags);
    err = errno;
    if (n >= 0)
        ss_args(&c, "%d, %s, %s", fd, ss_msg_text(m, (long)n).s,
                ss_flags_of(ss_msgflags, SS_COUNT(ss_msgflags), flags).s);
    ss_post(&c, (long)n, err);
    if (n >= 0 && m->msg_controllen > 0) {
        struct cmsghdr *cm;
        ss_tell(SS_K_RECVMSG,
                "the descriptors in msg_control are new in "
                "this process, each the lowest number free here: they refer "
                "to the files the sender had open, whatever numbers the "
                "sender used");
        /* A Unix socket among them: the narrator's table learns of it. */
        for (cm = CMSG_FIRSTHDR(m); cm != NULL; cm = CMSG_NXTHDR(m, cm)) {
            size_t k, nfd = cm->cmsg_level == SOL_SOCKET &&
                                    cm->cmsg_type == SCM_RIGHTS
                                ? (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int)
                                : 0;
            for (k = 0; k < nfd; k++) {
                int got, type, connected = 0;
                struct ss_sock *s;
                memcpy(&got, CMSG_DATA(cm) + k * sizeof got, sizeof got);
                type = ss_unix_kind(ss_inode_of(got), &connected);
                s = type != 0 ? ss_sock_new(got, type) : NULL;
                if (s != NULL) {
                    s->family = AF_UNIX;
                    s->connected = connected;
                    ss_kernel(got);
                }
            }
        }
    }
    if (n >= 0 && (m->msg_flags & MSG_CTRUNC))
        ss_wrap(4, 0, "",
                "MSG_CTRUNC: the control data did not fit in "
                "msg_control; descriptors that did not fit were closed by "
                "the kernel",
                "");
    errno = err;
    return n;
}

#endif /* SOCKSTEP_PLAIN */
#endif /* SS_DATA_H */
