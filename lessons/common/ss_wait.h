/*
 * ss_wait.h - the wrappers that wait: poll, fgets on the keyboard;
 * on Linux, epoll_create1, epoll_ctl, epoll_wait.
 *
 * Needs: ss_text.h ss_state.h ss_narrate.h ss_errors.h ss_proc.h ss_repeat.h
 *        ss_call.h
 * Part of sockstep.h; include that, not this.
 */
#ifndef SS_WAIT_H
#define SS_WAIT_H
#ifndef SOCKSTEP_PLAIN

static inline int ss_poll(struct pollfd *fds, nfds_t n, int timeout)
{
    struct ss_call c = {0};
    char list[300];
    size_t o = 0, i, typed = n;
    int rc, err;

    list[0] = '\0';
    for (i = 0; i < n && o < sizeof list - 40; i++) {
        if (i == 4) {
            snprintf(list + o, sizeof list - o, ", ...");
            break;
        }
        o += (size_t)snprintf(
            list + o, sizeof list - o, "%s{fd=%d, events=%s}", i ? ", " : "",
            fds[i].fd,
            ss_flags_of(ss_pollbits, SS_COUNT(ss_pollbits), fds[i].events).s);
    }
    ss_args(&c, "[%s], %lu, %d", list, (unsigned long)n, timeout);
    ss_pre(&c, "poll");
    /* A line typed at a --step prompt (this one too) is stdin's next
       input (ss_fgets): fd 0 is ready without waiting for the keyboard. */
    for (i = 0; i < n && (ss_nar.npending > 0 || ss_nar.stdin_eof); i++)
        if (fds[i].fd == STDIN_FILENO && (fds[i].events & POLLIN))
            typed = i;
    if (typed < n) {
        timeout = 0;
        ss_args(&c, "[%s], %lu, %d", list, (unsigned long)n, timeout);
    }
    rc = SS_REAL(poll)(fds, n, timeout);
    err = errno;
    ss_post(&c, rc, err);
    if (typed < n && rc >= 0) {
        rc += fds[typed].revents == 0;
        fds[typed].revents |= POLLIN;
        ss_wrap(4, 0, "",
                "fd 0 counts as ready: a line typed at a --step "
                "prompt waits for the program, and fgets() reads it first",
                "");
    }
    if (rc > 0) {
        char line[400];
        int shown = 0;
        o = 0;
        line[0] = '\0';
        for (i = 0; i < n && o < sizeof line - 50; i++) {
            if (fds[i].revents == 0)
                continue;
            if (shown++ == 6) {
                snprintf(line + o, sizeof line - o, " ...");
                break;
            }
            o += (size_t)snprintf(
                line + o, sizeof line - o, "%s{fd=%d, revents=%s}",
                shown > 1 ? ", " : "", fds[i].fd,
                ss_flags_of(ss_pollbits, SS_COUNT(ss_pollbits), fds[i].revents)
                    .s);
        }
        ss_wrap(4, 4, "ready: ", line, "");
        ss_tell(SS_K_POLL,
                "poll() returns how many descriptors have "
                "something to report (revents): POLLIN means a recv(), "
                "accept() or read() will not wait, POLLOUT a send(), POLLERR "
                "an error to read with SO_ERROR, and POLLHUP a hang-up: on "
                "Linux, a reset, a failed connect(), both sides shut down, "
                "or a socket never connected at all (the peer's FIN alone "
                "shows as POLLIN, and recv() returns 0)");
    } else if (rc == 0) {
        ss_wrap(4, 4, "", "nothing was ready before the timeout", "");
    }
    errno = err;
    return rc;
}

/*
 * fgets() on stdin hands out first what was typed at a --step prompt (a
 * pasted line, say), so that nothing typed for the program is lost.
 */
static inline char *ss_fgets(char *buf, int size, FILE *f)
{
    size_t n, i;

    if (f == stdin && ss_nar.npending == 0 && ss_nar.stdin_eof)
        return NULL; /* Ctrl-D was typed at a --step prompt */
    if (f != stdin || ss_nar.npending == 0 || size < 2)
        return SS_REAL(fgets)(buf, size, f);
    for (i = 0; i < ss_nar.npending && ss_nar.pending[i] != '\n'; i++)
        ;
    n = i < ss_nar.npending ? i + 1 : ss_nar.npending;
    if (n > (size_t)size - 1)
        n = (size_t)size - 1;
    memcpy(buf, ss_nar.pending, n);
    buf[n] = '\0';
    memmove(ss_nar.pending, ss_nar.pending + n, ss_nar.npending - n);
    ss_nar.npending -= n;
    return buf;
}

#ifdef __linux__
#include <sys/epoll.h>

static const struct ss_name ss_epollbits[] = {
    SS_N(EPOLLIN),  SS_N(EPOLLOUT), SS_N(EPOLLRDHUP), SS_N(EPOLLPRI),
    SS_N(EPOLLERR), SS_N(EPOLLHUP), SS_N(EPOLLET),    SS_N(EPOLLONESHOT)};
static const struct ss_name ss_epollops[] = {
    SS_N(EPOLL_CTL_ADD), SS_N(EPOLL_CTL_MOD), SS_N(EPOLL_CTL_DEL)};

/* "{events=EPOLLIN|EPOLLET, data.fd=5}": a program keeps the fd in data. */
static inline struct ss_text ss_epoll_event_text(const struct epoll_event *e)
{
    struct ss_text t;

    if (e == NULL)
        snprintf(t.s, sizeof t.s, "NULL");
    else
        snprintf(
            t.s, sizeof t.s, "{events=%.100s, data.fd=%d}",
            ss_flags_of(ss_epollbits, SS_COUNT(ss_epollbits), (long)e->events)
                .s,
            e->data.fd);
    return t;
}

static inline int ss_epoll_create1(int flags)
{
    struct ss_call c = {0};
    int fd, err;

    ss_args(&c, "%s",
            flags == EPOLL_CLOEXEC ? "EPOLL_CLOEXEC"
            : flags == 0           ? "0"
                                   : "?");
    ss_pre(&c, "epoll_create1");
    fd = SS_REAL(epoll_create1)(flags);
    err = errno;
    ss_post(&c, fd, err);
    if (fd >= 0)
        ss_tell(SS_K_EPOLL,
                "fd %d is an epoll instance: a list of "
                "descriptors that the kernel keeps and watches for the "
                "program. epoll_ctl() adds, changes and removes entries; "
                "epoll_wait() returns the ready ones only, so a wait costs "
                "the same with 10 descriptors or 10,000 (poll() passes and "
                "checks the whole list each time)",
                fd);
    errno = err;
    return fd;
}

static inline int ss_epoll_ctl(int ep, int op, int fd, struct epoll_event *e)
{
    struct ss_call c = {0};
    int rc, err;

    ss_args(&c, "%d, %s, %d, %s", ep,
            ss_name_of(ss_epollops, SS_COUNT(ss_epollops), op).s, fd,
            ss_epoll_event_text(e).s);
    ss_pre(&c, "epoll_ctl");
    rc = SS_REAL(epoll_ctl)(ep, op, fd, e);
    err = errno;
    ss_post(&c, rc, err);
    if (rc == 0 && e != NULL && (e->events & EPOLLET))
        ss_tell(SS_K_EPOLL_ET,
                "EPOLLET, edge-triggered: epoll_wait() "
                "reports fd %d when something new happens to it (data or a "
                "connection arrives, room appears in the send buffer), not "
                "as long as its state lasts. What is left unread is not "
                "reported again until something new arrives, so on each "
                "event the program reads (or accepts, or sends) until the "
                "call fails with EAGAIN",
                fd);
    errno = err;
    return rc;
}

static inline int ss_epoll_wait(int ep, struct epoll_event *ev, int max,
                                int timeout)
{
    struct ss_call c = {0};
    int rc, err, i;

    ss_args(&c, "%d, events, %d, %d", ep, max, timeout);
    ss_pre(&c, "epoll_wait");
    rc = SS_REAL(epoll_wait)(ep, ev, max, timeout);
    err = errno;
    ss_post(&c, rc, err);
    if (rc > 0) {
        char line[400];
        size_t o = 0;
        line[0] = '\0';
        for (i = 0; i < rc && o < sizeof line - 60; i++) {
            if (i == 6) {
                o += (size_t)snprintf(line + o, sizeof line - o, " ...");
                break;
            }
            o += (size_t)snprintf(
                line + o, sizeof line - o, "%s{fd=%d, events=%s}",
                i ? ", " : "", ev[i].data.fd,
                ss_flags_of(ss_epollbits, SS_COUNT(ss_epollbits),
                            (long)ev[i].events)
                    .s);
        }
        ss_wrap(4, 4, "ready: ", line, "");
        ss_tell(SS_K_EPOLL_WAIT,
                "epoll_wait() returns how many "
                "descriptors are ready and puts each one's events at the "
                "start of the array, with the data the program gave "
                "epoll_ctl() for it: EPOLLIN means a recv() or accept() "
                "will not wait, EPOLLOUT a send(), EPOLLERR that it has "
                "failed, EPOLLHUP that it is closed both ways (the peer's "
                "FIN alone shows as EPOLLIN)");
    } else if (rc == 0) {
        ss_wrap(4, 4, "", "nothing was ready before the timeout", "");
    }
    errno = err;
    return rc;
}
#endif /* __linux__ */

#endif /* SOCKSTEP_PLAIN */
#endif /* SS_WAIT_H */
