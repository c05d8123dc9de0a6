/*
 * ss_data.h - the wrappers that move data: send, recv, sendto,
 * recvfrom, socketpair, sendmsg, recvmsg; on Linux, sendfile.
 *
 * Needs: ss_text.h ss_state.h ss_narrate.h ss_errors.h ss_proc.h ss_kernel.h
 *        ss_repeat.h ss_call.h ss_kinds.h
 * Part of sockstep.h; include that, not this.
 */
#ifndef SS_DATA_H
#define SS_DATA_H
#ifndef SOCKSTEP_PLAIN

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
    int unbound = s != NULL && s->llen == 0, err, kind = ss_kind_of(fd);
    ssize_t n;

    ss_args(&c, "%d, %s, %zu, %s, %s, %u", fd, ss_bytes(buf, (long)len).s, len,
            ss_flags_of(ss_msgflags, SS_COUNT(ss_msgflags), flags).s,
            ss_addr_len(to, tolen).s, (unsigned)tolen);
    ss_ctx(&c, to, tolen);
    ss_pre(&c, "sendto");
    n = SS_REAL(sendto)(fd, buf, len, flags, to, tolen);
    err = errno;
    ss_post(&c, (long)n, err);
    if (n >= 0 && !ss_kind_records(kind)) {
        ss_sent_said(fd, n, len, flags, "sendto");
    } else if (n >= 0) {
        if (kind == SS_KIND_UDP)
            ss_tell(SS_K_SENDTO,
                    "one datagram of %ld byte%s handed to the "
                    "kernel for %s. UDP never says that it arrived (a "
                    "connected UDP socket may hear of a refusal later, as "
                    "ECONNREFUSED)",
                    (long)n, n == 1 ? "" : "s", c.addr);
        else if (kind == SS_KIND_UDGRAM || kind == SS_KIND_USEQ)
            ss_tell(SS_K_SENDTO_UNIX,
                    "one %s of %ld byte%s put straight into the queue of "
                    "the socket at %s: no network, and nothing lost; "
                    "with no socket there, sendto() fails at once",
                    ss_unit_name(kind), (long)n, n == 1 ? "" : "s", c.addr);
        else
            ss_sent_said(fd, n, len, flags, "sendto");
        if (unbound) {
            /* Did the kernel give it an address? Read, not assumed. */
            char a[200];
            int named = ss_local_text(fd, kind, a, sizeof a);
            if (named && s != NULL)
                s->llen = 1; /* bound now, by the kernel */
            if (named && kind == SS_KIND_UDP)
                ss_tell(SS_K_SENDTO_BIND,
                        "the socket had no address, so the kernel bound it "
                        "to a free port first");
            else if (named && kind == SS_KIND_ICMP)
                ss_tell(SS_K_SENDTO_BIND,
                        "the socket had no identifier, so the kernel gave "
                        "it a free one first (/proc/net/icmp shows it "
                        "where a port would be)");
            else if (named)
                ss_tell(SS_K_SENDTO_BIND,
                        "the socket had no address, so the kernel gave it "
                        "one first, %s",
                        a);
            else if (ss_kind_unix(kind))
                ss_tell(SS_K_SENDTO_UNNAMED,
                        "this socket has no name (it is not bound), and "
                        "sending gave it none: the receiver sees no sender "
                        "and cannot answer it");
            if (named || ss_kind_unix(kind))
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
    int err, kind = ss_kind_of(fd);

    ss_args(&c, "%d, buf, %zu, %s, %s, %s", fd, len,
            ss_flags_of(ss_msgflags, SS_COUNT(ss_msgflags), flags).s,
            from ? "&from" : "NULL", fromlen ? "&len" : "NULL");
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
    if (n >= 0 && ss_kind_records(kind))
        ss_dgram_said(kind, "recvfrom", n, len, flags,
                      from == NULL || fromlen == NULL ? -1
                      : *fromlen > sizeof(sa_family_t) &&
                              from->sa_family != AF_UNSPEC
                          ? 1
                          : 0);
    else if (n >= 0)
        ss_received_said(fd, n, len, flags, "recvfrom");
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
                s->proto = protocol;
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

/*
 * The control messages the narrator knows by level and type: each one's
 * name and what it carries. Any other is shown as "level L, type T, N
 * bytes": never as descriptors, which only SCM_RIGHTS carries.
 */
struct ss_cmsg_name {
    int level, type;
    const char *name, *what; /* what: after recvmsg(); NULL: nothing */
};
static const struct ss_cmsg_name ss_cmsgs[] = {
    {SOL_SOCKET, SCM_RIGHTS, "SCM_RIGHTS", NULL},
#if defined(SCM_CREDENTIALS) || defined(__linux__)
#ifndef SCM_CREDENTIALS
#define SCM_CREDENTIALS 2 /* Linux's; declared only with _GNU_SOURCE */
#endif
    {SOL_SOCKET, SCM_CREDENTIALS, "SCM_CREDENTIALS",
     "the sender's process id, user id and group id, as the kernel "
     "checked them (a process may give only its own, unless privileged)"},
#endif
#ifdef SO_TIMESTAMP
    {SOL_SOCKET, SO_TIMESTAMP, "SCM_TIMESTAMP",
     "the time the kernel received the packet, a struct timeval "
     "(SO_TIMESTAMP asked for it)"},
#endif
#ifdef SO_TIMESTAMPNS
    {SOL_SOCKET, SO_TIMESTAMPNS, "SCM_TIMESTAMPNS",
     "the time the kernel received the packet, a struct timespec "
     "(SO_TIMESTAMPNS asked for it)"},
#endif
#ifdef SO_TIMESTAMPING
    {SOL_SOCKET, SO_TIMESTAMPING, "SCM_TIMESTAMPING",
     "times the kernel (or the network card) recorded for the packet "
     "(SO_TIMESTAMPING asked for them)"},
#endif
#ifdef IP_TTL
    {IPPROTO_IP, IP_TTL, "IP_TTL",
     "the packet's TTL as it arrived (IP_RECVTTL asked for it)"},
#endif
#ifdef IP_TOS
    {IPPROTO_IP, IP_TOS, "IP_TOS",
     "the packet's TOS byte (IP_RECVTOS asked for it)"},
#endif
#ifdef IP_PKTINFO
    {IPPROTO_IP, IP_PKTINFO, "IP_PKTINFO",
     "the address the packet was sent to and the interface it came in on "
     "(IP_PKTINFO asked for them)"},
#endif
#ifdef IP_RECVERR
    {IPPROTO_IP, IP_RECVERR, "IP_RECVERR",
     "an error the kernel queued for the socket (an ICMP message that "
     "came back, say), read with MSG_ERRQUEUE"},
#endif
#ifdef IPV6_PKTINFO
    {IPPROTO_IPV6, IPV6_PKTINFO, "IPV6_PKTINFO",
     "the address the packet was sent to and the interface it came in on "
     "(IPV6_RECVPKTINFO asked for them)"},
#endif
#ifdef IPV6_HOPLIMIT
    {IPPROTO_IPV6, IPV6_HOPLIMIT, "IPV6_HOPLIMIT",
     "the packet's hop limit as it arrived (IPV6_RECVHOPLIMIT asked for "
     "it)"},
#endif
};

/* The row of the table for this control message, or -1. */
static inline int ss_cmsg_row(const struct cmsghdr *cm)
{
    size_t i;

    for (i = 0; i < SS_COUNT(ss_cmsgs); i++)
        if (ss_cmsgs[i].level == cm->cmsg_level &&
            ss_cmsgs[i].type == cm->cmsg_type)
            return (int)i;
    return -1;
}

/* A message as text: its first buffer's bytes (len of them, or all when
   len < 0) and its control messages, by name: the descriptors of
   SCM_RIGHTS, the size of the others. */
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
            size_t data = cm->cmsg_len - CMSG_LEN(0);
            int row = ss_cmsg_row(cm);
            ss_tcat(&t, &o, "%s", cm == CMSG_FIRSTHDR(&walk) ? "" : ", ");
            if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
                size_t k, n = data / sizeof(int);
                ss_tcat(&t, &o, "{SCM_RIGHTS, [");
                for (k = 0; k < n; k++) {
                    int fd;
                    memcpy(&fd, CMSG_DATA(cm) + k * sizeof fd, sizeof fd);
                    ss_tcat(&t, &o, "%s%d", k ? ", " : "", fd);
                }
                ss_tcat(&t, &o, "]}");
            } else if (row >= 0) {
                ss_tcat(&t, &o, "{%s, %zu bytes}", ss_cmsgs[row].name, data);
            } else {
                ss_tcat(&t, &o, "{level %d, type %d, %zu bytes}",
                        cm->cmsg_level, cm->cmsg_type, data);
            }
        }
        ss_tcat(&t, &o, "]");
    }
    ss_tcat(&t, &o, "}");
    return t;
}

/* Does the message's control data hold SCM_RIGHTS? And say, once a run
   each, what the named others carried (after recvmsg()). */
static inline int ss_cmsgs_said(const struct msghdr *m, int received)
{
    struct msghdr walk = *m;
    struct cmsghdr *cm;
    int rights = 0;

    if (m->msg_controllen == 0 || m->msg_control == NULL)
        return 0;
    for (cm = CMSG_FIRSTHDR(&walk); cm != NULL; cm = CMSG_NXTHDR(&walk, cm)) {
        int row = ss_cmsg_row(cm);
        if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
            rights = 1;
        else if (received && row >= 0 && ss_cmsgs[row].what != NULL)
            ss_tell(SS_K_CMSG + (unsigned)row, "%s: %s", ss_cmsgs[row].name,
                    ss_cmsgs[row].what);
        else if (!received && row >= 0)
            ss_tell(SS_K_CMSG + (unsigned)row,
                    "%s in msg_control: control data for the kernel itself, "
                    "for this message only, not bytes the peer receives",
                    ss_cmsgs[row].name);
    }
    return rights;
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
    if (n >= 0 && ss_cmsgs_said(m, 0))
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

/* After recvmsg() of n bytes: what the data was, by the socket's kind,
   and what msg_flags says of it. */
static inline void ss_recvmsg_data(int fd, const struct msghdr *m, ssize_t n,
                                   int flags)
{
    char text[300];
    size_t room = 0, i;
    int kind = ss_kind_of(fd);

    for (i = 0; m->msg_iov != NULL && i < (size_t)m->msg_iovlen; i++)
        room += m->msg_iov[i].iov_len;
    if (ss_kind_records(kind) && (m->msg_flags & MSG_TRUNC)) {
        snprintf(text, sizeof text,
                 "MSG_TRUNC in msg_flags: the %s was longer than the "
                 "buffers (%zu bytes): %s",
                 ss_unit_name(kind), room,
#ifdef MSG_PEEK
                 (flags & MSG_PEEK) ? "MSG_PEEK left it queued whole" :
#endif
                                    "the rest is lost");
        ss_wrap(4, 0, "", text, "");
    } else if (ss_kind_records(kind)) {
        /* msg_flags says it was whole: no "may have been longer" */
        ss_dgram_said(kind, "recvmsg", n,
                      room == 0 || room > (size_t)n ? room : room + 1, flags,
                      m->msg_name == NULL
                          ? -1
                          : m->msg_namelen > sizeof(sa_family_t) &&
                                ((struct sockaddr *)m->msg_name)->sa_family !=
                                    AF_UNSPEC);
    } else {
        ss_received_said(fd, n, room, flags, "recvmsg");
    }
    if (m->msg_flags & MSG_CTRUNC)
        ss_wrap(4, 0, "",
                "MSG_CTRUNC in msg_flags: the control data did not fit in "
                "msg_control and was cut; descriptors (SCM_RIGHTS) among "
                "what did not fit were closed by the kernel",
                "");
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
    if (n >= 0 && ss_cmsgs_said(m, 1)) {
        struct cmsghdr *cm;
        ss_tell(SS_K_RECVMSG,
                "the descriptors in msg_control are new in "
                "this process, each the lowest number free here: they refer "
                "to the files the sender had open, whatever numbers the "
                "sender used");
        /* A socket among them: the narrator's table learns what it is. */
        for (cm = CMSG_FIRSTHDR(m); cm != NULL; cm = CMSG_NXTHDR(m, cm)) {
            size_t k, nfd = cm->cmsg_level == SOL_SOCKET &&
                                    cm->cmsg_type == SCM_RIGHTS
                                ? (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int)
                                : 0;
            for (k = 0; k < nfd; k++) {
                int got, type, connected = 0;
                struct ss_sock *s;
                memcpy(&got, CMSG_DATA(cm) + k * sizeof got, sizeof got);
                /* A Unix socket is read in /proc/net/unix; any other is
                   asked of the kernel (ss_sock_find). */
                type = ss_unix_kind(ss_inode_of(got), &connected);
                s = type != 0 ? ss_sock_new(got, type) : ss_sock_find(got);
                if (s != NULL && type != 0) {
                    s->family = AF_UNIX;
                    s->connected = connected;
                }
                if (s != NULL)
                    ss_kernel(got);
            }
        }
    }
    if (n >= 0)
        ss_recvmsg_data(fd, m, n, flags);
    errno = err;
    return n;
}

#endif /* SOCKSTEP_PLAIN */
#endif /* SS_DATA_H */
