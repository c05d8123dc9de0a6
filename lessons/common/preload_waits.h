/*
 * preload_waits.h - the calls that wait on many descriptors at once, for
 * preload.c alone: included there once, after ss_enter() and
 * ss_is_socket(). Not a room of sockstep.h: the lessons wait with poll()
 * and epoll_wait() (ss_wait.h), but socat and nc wait in select(),
 * CPython's select module in select() and poll(), and other programs in
 * pselect(), ppoll(), epoll_pwait() and epoll_pwait2().
 *
 * A wait is told when a socket is among what it waits on, and then names
 * every descriptor it waits on (a select() on stdin and a socket names
 * both); a wait over pipes, terminals and timers alone stays silent.
 * Each is told as strace shows it, then in words what it waited for
 * (which descriptors, to read or to write, and the timeout as given, or
 * no time limit), then what came back: the ready descriptors, or that
 * the time ran out; a failure as every call's is.
 */
#ifndef SOCKSTEP_PRELOAD_WAITS_H
#define SOCKSTEP_PRELOAD_WAITS_H

#include <sys/select.h>

/* Not declared without _GNU_SOURCE (see the top of preload.c). */
int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts,
          const sigset_t *mask);
/* NOLINTBEGIN(bugprone-reserved-identifier): the C library's own names,
   which this library must define to stand in for them. */
int __poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t size);
int __ppoll_chk(struct pollfd *fds, nfds_t n, const struct timespec *ts,
                const sigset_t *mask, size_t size);
/* NOLINTEND(bugprone-reserved-identifier) */

/* The descriptors of a set that select() looks at: below nfds, and
   below FD_SETSIZE, the most a set holds. */
static int ss_set_top(int nfds)
{
    return nfds < 0 ? 0 : nfds > FD_SETSIZE ? FD_SETSIZE : nfds;
}

/* "[0 5]", as strace shows a set; "NULL" for none. */
static struct ss_text ss_fdset_text(const fd_set *s, int nfds)
{
    struct ss_text t;
    size_t o = 0;
    int fd, any = 0;

    t.s[0] = '\0';
    if (s == NULL) {
        ss_tcat(&t, &o, "NULL");
        return t;
    }
    ss_tcat(&t, &o, "[");
    for (fd = 0; fd < ss_set_top(nfds); fd++)
        if (FD_ISSET(fd, s))
            ss_tcat(&t, &o, "%s%d", any++ ? " " : "", fd);
    ss_tcat(&t, &o, "]");
    return t;
}

/* select()'s three sets, as a list of what each descriptor waits for. */
static void ss_select_set(struct ss_waitset *w, int nfds, const fd_set *r,
                          const fd_set *wr, const fd_set *e)
{
    const fd_set *sets[3] = {r, wr, e};
    int k, fd;

    memset(w, 0, sizeof *w);
    for (k = 0; k < 3; k++)
        for (fd = 0; sets[k] != NULL && fd < ss_set_top(nfds); fd++)
            if (FD_ISSET(fd, sets[k]))
                ss_waitset_add(w, k, fd);
}

/* Is a socket among the descriptors of select()'s sets? */
static int ss_select_socks(int nfds, const fd_set *r, const fd_set *wr,
                           const fd_set *e)
{
    struct ss_waitset w;
    int k, i;

    ss_select_set(&w, nfds, r, wr, e);
    for (k = 0; k < 3; k++)
        for (i = 0; i < w.n[k] && i < SS_WAIT_MAX; i++)
            if (ss_is_socket(w.fd[k][i]))
                return 1;
    return 0;
}

/* A timespec as strace shows it, and in words as a limit. */
static struct ss_text ss_ts_args(const struct timespec *ts)
{
    struct ss_text t;

    if (ts == NULL)
        snprintf(t.s, sizeof t.s, "NULL");
    else
        snprintf(t.s, sizeof t.s, "{tv_sec=%ld, tv_nsec=%ld}", (long)ts->tv_sec,
                 (long)ts->tv_nsec);
    return t;
}

static struct ss_text ss_ts_limit(const struct timespec *ts)
{
    struct ss_text t;
    struct timeval tv;

    if (ts == NULL)
        return ss_ms_text(-1);
    if (ts->tv_sec == 0 && ts->tv_nsec == 0)
        return ss_ms_text(0);
    if (ts->tv_nsec % 1000 == 0) {
        tv.tv_sec = ts->tv_sec;
        tv.tv_usec = (suseconds_t)(ts->tv_nsec / 1000);
        snprintf(t.s, sizeof t.s, "at most %.40s", ss_tv_text(&tv).s);
    } else {
        snprintf(t.s, sizeof t.s, "at most %ld.%09ld s", (long)ts->tv_sec,
                 (long)ts->tv_nsec);
    }
    return t;
}

/* A time limit that lets the wait wait: none (NULL), or not zero. */
#define SS_TS_LIMITED(ts)                                                      \
    ((ts) == NULL || (ts)->tv_sec != 0 || (ts)->tv_nsec != 0)

/*
 * select() (tv, and ts NULL) or pselect() (ts, and its mask): told, made
 * through the C library's own. After the call the sets hold the ready
 * descriptors only.
 */
static int ss_select_told(int nfds, fd_set *r, fd_set *wr, fd_set *e,
                          struct timeval *tv, const struct timespec *ts,
                          const sigset_t *mask, int psel)
{
    struct ss_call c = {.fd = -1};
    struct ss_waitset w, ready;
    char limit[120], line[400];
    int rc, err, zero;

    ss_select_set(&w, nfds, r, wr, e);
    if (psel) {
        ss_args(&c, "%d, %s, %s, %s, %s, %s", nfds, ss_fdset_text(r, nfds).s,
                ss_fdset_text(wr, nfds).s, ss_fdset_text(e, nfds).s,
                ss_ts_args(ts).s, mask != NULL ? "[mask]" : "NULL");
        snprintf(limit, sizeof limit, "%.100s", ss_ts_limit(ts).s);
        zero = ts != NULL && ts->tv_sec == 0 && ts->tv_nsec == 0;
    } else {
        if (tv != NULL)
            snprintf(limit, sizeof limit, "{tv_sec=%ld, tv_usec=%ld}",
                     (long)tv->tv_sec, (long)tv->tv_usec);
        ss_args(&c, "%d, %s, %s, %s, %s", nfds, ss_fdset_text(r, nfds).s,
                ss_fdset_text(wr, nfds).s, ss_fdset_text(e, nfds).s,
                tv != NULL ? limit : "NULL");
        zero = tv != NULL && tv->tv_sec == 0 && tv->tv_usec == 0;
        if (tv == NULL || zero)
            snprintf(limit, sizeof limit, "%.100s", ss_ms_text(tv ? 0 : -1).s);
        else
            snprintf(limit, sizeof limit, "at most %.40s", ss_tv_text(tv).s);
    }
    c.nowait = zero;
    ss_pre(&c, psel ? "pselect" : "select");
    rc = psel ? SS_REAL(pselect)(nfds, r, wr, e, ts, mask)
              : SS_REAL(select)(nfds, r, wr, e, tv);
    err = errno;
    ss_wait_asked(!zero);
    ss_post(&c, rc, err);
    ss_wait_for(&w, "", limit);
    if (rc == 0)
        ss_wait_none(zero);
    if (rc > 0) {
        ss_select_set(&ready, nfds, r, wr, e);
        snprintf(line, sizeof line, "%s", ss_waitset_text(&ready, " and ").s);
        ss_wrap(4, 4, "ready: ", line, "");
        ss_tell(SS_K_SELECT,
                "%s() returns how many descriptors are ready and leaves "
                "in each set only the ready ones, so a loop fills its sets "
                "again before each call%s. A set holds descriptors below "
                "FD_SETSIZE (%d) only; poll() has no such limit",
                psel ? "pselect" : "select",
                psel ? ""
                     : "; on Linux select() also lowers the timeout by "
                       "the time it waited",
                FD_SETSIZE);
    }
    errno = err;
    return rc;
}

/* ppoll(): poll() with a timespec and a signal mask. */
static int ss_ppoll_told(struct pollfd *fds, nfds_t n,
                         const struct timespec *ts, const sigset_t *mask)
{
    struct ss_call c = {.fd = -1};
    struct ss_waitset w;
    char list[300];
    int rc, err;

    ss_poll_set(&w, fds, n);
    ss_pollfds_put(list, sizeof list, fds, n);
    ss_args(&c, "%s, %lu, %s, %s", list, (unsigned long)n, ss_ts_args(ts).s,
            mask != NULL ? "[mask]" : "NULL");
    c.nowait = !SS_TS_LIMITED(ts);
    ss_pre(&c, "ppoll");
    rc = SS_REAL(ppoll)(fds, n, ts, mask);
    err = errno;
    ss_wait_asked(SS_TS_LIMITED(ts));
    ss_post(&c, rc, err);
    ss_wait_for(&w, "", ss_ts_limit(ts).s);
    ss_poll_said(fds, n, rc, ts != NULL && ts->tv_sec == 0 && ts->tv_nsec == 0);
    errno = err;
    return rc;
}

#ifdef __linux__
/* epoll_pwait(): epoll_wait() with a signal mask. */
static int ss_epoll_pwait_told(int ep, struct epoll_event *ev, int max,
                               int timeout, const sigset_t *mask)
{
    struct ss_call c = {.fd = ep};
    int rc, err;

    ss_args(&c, "%d, events, %d, %d, %s", ep, max, timeout,
            mask != NULL ? "[mask]" : "NULL");
    c.nowait = timeout == 0;
    ss_pre(&c, "epoll_pwait");
    rc = SS_REAL(epoll_pwait)(ep, ev, max, timeout, mask);
    err = errno;
    ss_wait_asked(timeout != 0);
    ss_post(&c, rc, err);
    ss_epoll_for(ep, timeout);
    ss_epoll_said(ev, rc, timeout == 0);
    errno = err;
    return rc;
}

/* epoll_pwait2(): epoll_pwait() with a timeout to the nanosecond. */
int epoll_pwait2(int ep, struct epoll_event *ev, int max,
                 const struct timespec *ts, const sigset_t *mask);

static int ss_epoll_pwait2_told(int ep, struct epoll_event *ev, int max,
                                const struct timespec *ts, const sigset_t *mask)
{
    struct ss_call c = {.fd = ep};
    struct ss_waitset w;
    char in[48];
    int rc, err;

    ss_args(&c, "%d, events, %d, %s, %s", ep, max, ss_ts_args(ts).s,
            mask != NULL ? "[mask]" : "NULL");
    c.nowait = !SS_TS_LIMITED(ts);
    ss_pre(&c, "epoll_pwait2");
    rc = SS_REAL(epoll_pwait2)(ep, ev, max, ts, mask);
    err = errno;
    ss_wait_asked(SS_TS_LIMITED(ts));
    ss_post(&c, rc, err);
    if (ss_epoll_set(ep, &w) >= 0) {
        snprintf(in, sizeof in, " (the entries of epoll set %d)", ep);
        ss_wait_for(&w, in, ss_ts_limit(ts).s);
    }
    ss_epoll_said(ev, rc, ts != NULL && ts->tv_sec == 0 && ts->tv_nsec == 0);
    errno = err;
    return rc;
}

#endif

/* May a call be told at all? (Cheap: before looking at descriptors.) */
static int ss_may_tell(void)
{
    return ss_depth == 0 && __atomic_load_n(&ss_ready, __ATOMIC_ACQUIRE);
}

/* Is a socket among poll()'s descriptors? */
static int ss_poll_socks(const struct pollfd *fds, nfds_t n)
{
    nfds_t i;

    for (i = 0; i < n; i++)
        if (fds[i].fd >= 0 && ss_is_socket(fds[i].fd))
            return 1;
    return 0;
}

#ifdef __linux__
/* Does the epoll set watch a socket? (Unreadable: told, as before.) */
static int ss_epoll_socks(int ep)
{
    struct ss_waitset w;

    return ss_epoll_set(ep, &w) != 0;
}
#endif

/* A wait not told (no socket among what it waits on) is counted too,
   for the repeat watch: not under the lock, so counted atomically. */
static void ss_wait_untold(int limited)
{
    if (limited)
        __atomic_add_fetch(&ss_nar.wait_calls, 1, __ATOMIC_RELAXED);
}

/* The C library's functions, narrated: see preload.c. */

int(select)(int nfds, fd_set *r, fd_set *wr, fd_set *e, struct timeval *tv)
{
    if (!ss_may_tell() || !ss_select_socks(nfds, r, wr, e)) {
        ss_wait_untold(tv == NULL || tv->tv_sec != 0 || tv->tv_usec != 0);
        return SS_REAL(select)(nfds, r, wr, e, tv);
    }
    SS_TOLD(ss_select_told(nfds, r, wr, e, tv, NULL, NULL, 0),
            SS_REAL(select)(nfds, r, wr, e, tv));
}

int(pselect)(int nfds, fd_set *r, fd_set *wr, fd_set *e,
             const struct timespec *ts, const sigset_t *mask)
{
    if (!ss_may_tell() || !ss_select_socks(nfds, r, wr, e)) {
        ss_wait_untold(SS_TS_LIMITED(ts));
        return SS_REAL(pselect)(nfds, r, wr, e, ts, mask);
    }
    SS_TOLD(ss_select_told(nfds, r, wr, e, NULL, ts, mask, 1),
            SS_REAL(pselect)(nfds, r, wr, e, ts, mask));
}

int(poll)(struct pollfd *fds, nfds_t n, int timeout)
{
    if (!ss_may_tell() || !ss_poll_socks(fds, n)) {
        ss_wait_untold(timeout != 0);
        return SS_REAL(poll)(fds, n, timeout);
    }
    SS_TOLD(ss_poll(fds, n, timeout), SS_REAL(poll)(fds, n, timeout));
}

int(ppoll)(struct pollfd *fds, nfds_t n, const struct timespec *ts,
           const sigset_t *mask)
{
    if (!ss_may_tell() || !ss_poll_socks(fds, n)) {
        ss_wait_untold(SS_TS_LIMITED(ts));
        return SS_REAL(ppoll)(fds, n, ts, mask);
    }
    SS_TOLD(ss_ppoll_told(fds, n, ts, mask), SS_REAL(ppoll)(fds, n, ts, mask));
}

/* The checked versions a -D_FORTIFY_SOURCE build calls: the same check,
   then the call told as the plain one is. */
int(__poll_chk)(struct pollfd *fds, nfds_t n, int timeout, size_t size)
{
    if (size / sizeof *fds < n)
        return SS_REAL(__poll_chk)(fds, n, timeout, size);
    return (poll)(fds, n, timeout);
}

int(__ppoll_chk)(struct pollfd *fds, nfds_t n, const struct timespec *ts,
                 const sigset_t *mask, size_t size)
{
    if (size / sizeof *fds < n)
        return SS_REAL(__ppoll_chk)(fds, n, ts, mask, size);
    return (ppoll)(fds, n, ts, mask);
}

#ifdef __linux__
int(epoll_wait)(int ep, struct epoll_event *ev, int max, int timeout)
{
    if (!ss_may_tell() || !ss_epoll_socks(ep)) {
        ss_wait_untold(timeout != 0);
        return SS_REAL(epoll_wait)(ep, ev, max, timeout);
    }
    SS_TOLD(ss_epoll_wait(ep, ev, max, timeout),
            SS_REAL(epoll_wait)(ep, ev, max, timeout));
}

int(epoll_pwait)(int ep, struct epoll_event *ev, int max, int timeout,
                 const sigset_t *mask)
{
    if (!ss_may_tell() || !ss_epoll_socks(ep)) {
        ss_wait_untold(timeout != 0);
        return SS_REAL(epoll_pwait)(ep, ev, max, timeout, mask);
    }
    SS_TOLD(ss_epoll_pwait_told(ep, ev, max, timeout, mask),
            SS_REAL(epoll_pwait)(ep, ev, max, timeout, mask));
}

int(epoll_pwait2)(int ep, struct epoll_event *ev, int max,
                  const struct timespec *ts, const sigset_t *mask)
{
    if (!ss_may_tell() || !ss_epoll_socks(ep)) {
        ss_wait_untold(SS_TS_LIMITED(ts));
        return SS_REAL(epoll_pwait2)(ep, ev, max, ts, mask);
    }
    SS_TOLD(ss_epoll_pwait2_told(ep, ev, max, ts, mask),
            SS_REAL(epoll_pwait2)(ep, ev, max, ts, mask));
}
#endif

#endif
