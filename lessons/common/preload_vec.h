/*
 * preload_vec.h - readv(), writev(), sendmmsg() and recvmmsg() on a
 * socket, for preload.c alone: included there once, after ss_enter()
 * and ss_socket_told(). Not a room of sockstep.h: no lesson makes these
 * calls, but programs move a socket's bytes from several buffers at once
 * (writev: a header and a body) and many datagrams per call (recvmmsg,
 * sendmmsg: Linux). Each is told as read() and write() are (the bytes,
 * escaped), with the number of buffers or messages and their sizes; on
 * anything but a socket they stay silent.
 */
#ifndef SOCKSTEP_PRELOAD_VEC_H
#define SOCKSTEP_PRELOAD_VEC_H

#include <sys/uio.h>

/* struct mmsghdr and its calls are declared only with _GNU_SOURCE (see
   the top of preload.c): the same layout, under a name of our own. */
struct ss_mmsghdr {
    struct msghdr msg_hdr;
    unsigned int msg_len;
};
int sendmmsg(int fd, struct ss_mmsghdr *v, unsigned int n, int flags);
int recvmmsg(int fd, struct ss_mmsghdr *v, unsigned int n, int flags,
             struct timespec *ts);

enum { SS_VEC_SHOWN = 3 }; /* buffers or messages shown in a call line */

/* "[{"hello", 5}, {" world", 6}]": the buffers as strace shows them,
   the first len bytes of them in all (len < 0: before the call, no
   bytes); the first SS_VEC_SHOWN, then "...". */
static void ss_iov_put(char *out, size_t cap, const struct iovec *v, int n,
                       long len)
{
    size_t o = 0;
    int i;

    o += (size_t)snprintf(out, cap, "[");
    for (i = 0; i < n && o < cap - 60; i++) {
        long k = len < 0                      ? -1
                 : (size_t)len < v[i].iov_len ? len
                                              : (long)v[i].iov_len;
        if (i == SS_VEC_SHOWN) {
            o += (size_t)snprintf(out + o, cap - o, ", ...");
            break;
        }
        o += (size_t)snprintf(out + o, cap - o, "%s{%s, %zu}", i ? ", " : "",
                              k < 0 ? "buf" : ss_bytes(v[i].iov_base, k).s,
                              v[i].iov_len);
        if (len > 0)
            len -= k;
    }
    if (o < cap)
        snprintf(out + o, cap - o, "]");
}

/* The room of all the buffers. */
static size_t ss_iov_total(const struct iovec *v, int n)
{
    size_t total = 0;
    int i;

    for (i = 0; v != NULL && i < n; i++)
        total += v[i].iov_len;
    return total;
}

/* readv() of a socket: its bytes, and what read() would say. */
static ssize_t ss_readv_sock(int fd, const struct iovec *v, int n)
{
    struct ss_call c = {.fd = fd};
    char list[300], line[200];
    size_t total = ss_iov_total(v, n);
    ssize_t r;
    int err;

    ss_iov_put(list, sizeof list, v, n, -1);
    ss_args(&c, "%d, %s, %d", fd, list, n);
    ss_pre(&c, "readv");
    r = SS_REAL(readv)(fd, v, n);
    err = errno;
    if (r >= 0) {
        ss_iov_put(list, sizeof list, v, n, (long)r);
        ss_args(&c, "%d, %s, %d", fd, list, n);
    }
    ss_post(&c, (long)r, err);
    if (r >= 0) {
        snprintf(line, sizeof line,
                 "%zd byte%s read into %d buffer%s, %zu bytes of room in all",
                 r, r == 1 ? "" : "s", n, n == 1 ? "" : "s", total);
        ss_wrap(4, 4, "", line, "");
        ss_tell(SS_K_READV,
                "readv() is one read() into several buffers: the bytes "
                "fill the first, then the next, in order");
    }
    ss_received_said(fd, r, total, 0, "readv");
    errno = err;
    return r;
}

/* writev() to a socket: its bytes, and what write() would say. */
static ssize_t ss_writev_sock(int fd, const struct iovec *v, int n)
{
    struct ss_call c = {.fd = fd};
    char list[300], line[200];
    size_t total = ss_iov_total(v, n);
    ssize_t r;
    int err;

    ss_iov_put(list, sizeof list, v, n, (long)total);
    ss_args(&c, "%d, %s, %d", fd, list, n);
    ss_pre(&c, "writev");
    r = SS_REAL(writev)(fd, v, n);
    err = errno;
    ss_post(&c, (long)r, err);
    if (r >= 0) {
        snprintf(line, sizeof line,
                 "%zd byte%s written from %d buffer%s, %zu in all", r,
                 r == 1 ? "" : "s", n, n == 1 ? "" : "s", total);
        ss_wrap(4, 4, "", line, "");
        ss_tell(SS_K_WRITEV,
                "writev() is one write() of several buffers, taken in "
                "order, as if they were one: on a stream socket the peer "
                "sees one run of bytes, not %d pieces",
                n);
    }
    ss_sent_said(fd, r, total, 0, "writev");
    errno = err;
    return r;
}

/* The first "shown" messages of sendmmsg() (before the call: each
   message's bytes and size) or recvmmsg() (after: what each received),
   as {bytes, size} or {bytes, size, address}. */
static void ss_mmsg_put(char *out, size_t cap, const struct ss_mmsghdr *v,
                        unsigned int shown, int after)
{
    size_t o = 0;
    unsigned int i;

    o += (size_t)snprintf(out, cap, "[");
    for (i = 0; i < shown && o < cap - 100; i++) {
        const struct msghdr *m = &v[i].msg_hdr;
        size_t len =
            after ? v[i].msg_len : ss_iov_total(m->msg_iov, (int)m->msg_iovlen);
        size_t first = m->msg_iovlen > 0 ? m->msg_iov[0].iov_len : 0;
        if (i == SS_VEC_SHOWN) {
            o += (size_t)snprintf(out + o, cap - o, ", ...");
            break;
        }
        o += (size_t)snprintf(out + o, cap - o, "%s{%s, %zu", i ? ", " : "",
                              m->msg_iovlen == 0
                                  ? "NULL"
                                  : ss_bytes(m->msg_iov[0].iov_base,
                                             (long)(len < first ? len : first))
                                        .s,
                              len);
        if (m->msg_name != NULL && m->msg_namelen > 0)
            o += (size_t)snprintf(out + o, cap - o, ", %s",
                                  ss_addr_len(m->msg_name, m->msg_namelen).s);
        o += (size_t)snprintf(out + o, cap - o, "}");
    }
    if (o < cap)
        snprintf(out + o, cap - o, "]");
}

/* "2 of 2 messages sent, of 3 and 4 bytes": the first ones' sizes. */
static void ss_mmsg_said(const struct ss_mmsghdr *v, int k, unsigned int n,
                         const char *what)
{
    char line[300];
    size_t o;
    int i;

    o = (size_t)snprintf(line, sizeof line, "%d of %u message%s %s%s", k, n,
                         n == 1 ? "" : "s", what, k > 0 ? ", of " : "");
    for (i = 0; i < k && i < 8 && o < sizeof line - 40; i++)
        o += (size_t)snprintf(line + o, sizeof line - o, "%s%u",
                              i == 0                 ? ""
                              : i == k - 1 && k <= 8 ? " and "
                                                     : ", ",
                              v[i].msg_len);
    if (k > 8 && o < sizeof line - 20)
        o += (size_t)snprintf(line + o, sizeof line - o, " ...");
    if (k > 0 && o < sizeof line - 20)
        snprintf(line + o, sizeof line - o, " bytes");
    ss_wrap(4, 4, "", line, "");
}

static int ss_sendmmsg_sock(int fd, struct ss_mmsghdr *v, unsigned int n,
                            int flags)
{
    struct ss_call c = {.fd = fd, .flags = flags};
    char list[400];
    int r, err;

    ss_mmsg_put(list, sizeof list, v, n, 0);
    ss_args(&c, "%d, %s, %u, %s", fd, list, n,
            ss_flags_of(ss_msgflags, SS_COUNT(ss_msgflags), flags).s);
    ss_pre(&c, "sendmmsg");
    r = SS_REAL(sendmmsg)(fd, v, n, flags);
    err = errno;
    ss_post(&c, r, err);
    if (r >= 0) {
        ss_mmsg_said(v, r, n, "sent");
        ss_tell(SS_K_SENDMMSG,
                "sendmmsg() is one sendmsg() per message, made in one "
                "call (on Linux): on a datagram socket each message is "
                "a datagram of its own. It returns how many messages it "
                "sent; fewer than asked for means the rest must be sent "
                "with another call");
    }
    errno = err;
    return r;
}

static int ss_recvmmsg_sock(int fd, struct ss_mmsghdr *v, unsigned int n,
                            int flags, struct timespec *ts)
{
    struct ss_call c = {.fd = fd, .flags = flags};
    char list[400], when[80];
    int r, err, i;

    if (ts != NULL)
        snprintf(when, sizeof when, "{tv_sec=%ld, tv_nsec=%ld}",
                 (long)ts->tv_sec, (long)ts->tv_nsec);
    else
        snprintf(when, sizeof when, "NULL");
    ss_args(&c, "%d, msgs, %u, %s, %s", fd, n,
            ss_flags_of(ss_msgflags, SS_COUNT(ss_msgflags), flags).s, when);
    ss_pre(&c, "recvmmsg");
    r = SS_REAL(recvmmsg)(fd, v, n, flags, ts);
    err = errno;
    if (r >= 0) {
        ss_mmsg_put(list, sizeof list, v, (unsigned int)r, 1);
        ss_args(&c, "%d, %s, %u, %s, %s", fd, list, n,
                ss_flags_of(ss_msgflags, SS_COUNT(ss_msgflags), flags).s, when);
    }
    ss_post(&c, r, err);
    if (r >= 0) {
        ss_mmsg_said(v, r, n, "received");
        for (i = 0; i < r; i++)
            if (v[i].msg_hdr.msg_flags & MSG_TRUNC) {
                char line[200];
                snprintf(line, sizeof line,
                         "message %d was longer than its buffers (MSG_TRUNC "
                         "in its msg_flags): only %u bytes were kept, and "
                         "the rest is lost",
                         i + 1, v[i].msg_len);
                ss_wrap(4, 4, "", line, "");
            }
        ss_tell(SS_K_RECVMMSG,
                "recvmmsg() is one recvmsg() per message, made in one call "
                "(on Linux), and sets each message's msg_len. On a socket "
                "that blocks it waits until all %u have come, unless "
                "MSG_WAITFORONE (wait for the first only) or MSG_DONTWAIT "
                "is given; its timeout is looked at only after each "
                "message arrives, so it may wait longer (man recvmmsg, "
                "BUGS)",
                n);
    }
    errno = err;
    return r;
}

/* The C library's functions, narrated: see preload.c. */

ssize_t(readv)(int fd, const struct iovec *v, int n)
{
    if (!ss_socket_told(fd))
        return SS_REAL(readv)(fd, v, n);
    ss_fault_pass(fd);
    SS_TOLD(ss_readv_sock(fd, v, n), SS_REAL(readv)(fd, v, n));
}

ssize_t(writev)(int fd, const struct iovec *v, int n)
{
    if (!ss_socket_told(fd))
        return SS_REAL(writev)(fd, v, n);
    ss_fault_pass(fd);
    SS_TOLD_SEND(0, ss_writev_sock(fd, v, n), SS_REAL(writev)(fd, v, n));
}

int(sendmmsg)(int fd, struct ss_mmsghdr *v, unsigned int n, int flags)
{
    ss_fault_pass(fd);
    SS_TOLD_SEND(flags, ss_sendmmsg_sock(fd, v, n, flags),
                 SS_REAL(sendmmsg)(fd, v, n, flags));
}

int(recvmmsg)(int fd, struct ss_mmsghdr *v, unsigned int n, int flags,
              struct timespec *ts)
{
    ss_fault_pass(fd);
    SS_TOLD(ss_recvmmsg_sock(fd, v, n, flags, ts),
            SS_REAL(recvmmsg)(fd, v, n, flags, ts));
}

#endif
