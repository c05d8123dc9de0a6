/*
 * preload_rw.h - read(), write() and ioctl() on a socket, told as the
 * header tells recv() and send(), for preload.c alone: included there
 * once, after sockstep.h. Not a room of sockstep.h: a lesson calls
 * recv() and send(), but nc, socat and many programs move a socket's
 * bytes with read() and write(), and Python makes a socket non-blocking
 * with ioctl(FIONBIO).
 */
#ifndef SOCKSTEP_PRELOAD_RW_H
#define SOCKSTEP_PRELOAD_RW_H

#include <sys/ioctl.h>

/* read() of a socket: its bytes escaped, and what recv() would say. */
static ssize_t ss_read_sock(int fd, void *buf, size_t n)
{
    struct ss_call c = {.fd = fd};
    ssize_t r;
    int err;

    if (ss_nar.muted)
        return SS_REAL(read)(fd, buf, n);
    ss_args(&c, "%d, buf, %zu", fd, n);
    ss_pre(&c, "read");
    r = SS_REAL(read)(fd, buf, n);
    err = errno;
    if (r >= 0)
        ss_args(&c, "%d, %s, %zu", fd,
                ss_bytes(buf, r > (ssize_t)n ? (long)n : (long)r).s, n);
    ss_post(&c, (long)r, err);
    ss_received_said(fd, r, n, 0, "read");
    errno = err;
    return r;
}

/* write() to a socket: its bytes escaped, and what send() would say. */
static ssize_t ss_write_sock(int fd, const void *buf, size_t n)
{
    struct ss_call c = {.fd = fd};
    ssize_t r;
    int err;

    if (ss_nar.muted)
        return SS_REAL(write)(fd, buf, n);
    ss_args(&c, "%d, %s, %zu", fd, ss_bytes(buf, (long)n).s, n);
    ss_pre(&c, "write");
    r = SS_REAL(write)(fd, buf, n);
    err = errno;
    ss_post(&c, (long)r, err);
    ss_sent_said(fd, r, n, 0, "write");
    errno = err;
    return r;
}

/* ioctl(FIONBIO) and ioctl(FIONREAD) on a socket. */
static int ss_ioctl_sock(int fd, unsigned long req, void *arg)
{
    struct ss_call c = {.fd = fd};
    const char *name = req == FIONBIO ? "FIONBIO" : "FIONREAD";
    char text[300];
    int rc, err, v = 0;

    if (req == FIONBIO && arg != NULL)
        memcpy(&v, arg, sizeof v);
    if (req == FIONBIO)
        ss_args(&c, "%d, FIONBIO, [%d]", fd, v);
    else
        ss_args(&c, "%d, FIONREAD, &n", fd);
    ss_pre(&c, "ioctl");
    rc = SS_REAL(ioctl)(fd, req, arg);
    err = errno;
    if (rc == 0 && req == FIONREAD && arg != NULL) {
        memcpy(&v, arg, sizeof v);
        ss_args(&c, "%d, %s, [%d]", fd, name, v);
    }
    ss_post(&c, rc, err);
    if (rc == 0 && req == FIONBIO)
        snprintf(text, sizeof text,
                 v ? "FIONBIO 1: fd %d is now non-blocking (O_NONBLOCK, the "
                     "flag fcntl(F_SETFL) sets): a call that would have to "
                     "wait fails with EAGAIN instead"
                   : "FIONBIO 0: fd %d blocks again (no O_NONBLOCK): a "
                     "call waits until it can be made",
                 fd);
    else if (rc == 0 && ss_kind_records(ss_kind_of(fd)))
        snprintf(text, sizeof text,
                 "FIONREAD: on Linux, the size of the next %s "
                 "waiting on fd %d, %d byte%s (0: none, or an empty one)",
                 ss_unit_name(ss_kind_of(fd)), fd, v, v == 1 ? "" : "s");
    else if (rc == 0)
        snprintf(text, sizeof text,
                 "FIONREAD: %d byte%s received on fd %d wait%s to be read", v,
                 v == 1 ? "" : "s", fd, v == 1 ? "s" : "");
    if (rc == 0)
        ss_wrap(4, 0, "", text, "");
    errno = err;
    return rc;
}

#endif
