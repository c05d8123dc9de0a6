/*
 * ss_wait.h - the wrappers that wait: poll, fgets, getchar and getline on the
 * keyboard; on Linux, epoll_create1, epoll_ctl, epoll_wait.
 *
 * Needs: ss_text.h ss_state.h ss_narrate.h ss_errors.h ss_proc.h ss_repeat.h
 *        ss_call.h
 * Part of sockstep.h; include that, not this.
 */
#ifndef SS_WAIT_H
#define SS_WAIT_H
#ifndef SOCKSTEP_PLAIN

/*
 * What a wait (poll, epoll_wait; under scripts/narrate also select,
 * pselect, ppoll, epoll_pwait) waits for, in words, and what came back.
 * A lesson's own code shows its descriptors and its timeout; outside a
 * lesson the narration says them: "waits for: fd 0 or 5 to read, fd 5
 * to write; no time limit".
 */
enum { SS_WAIT_MAX = 64 };
struct ss_waitset {
    int fd[3][SS_WAIT_MAX]; /* to read, to write, other (urgent data) */
    int n[3];
};

static inline void ss_waitset_add(struct ss_waitset *w, int which, int fd)
{
    if (w->n[which] < SS_WAIT_MAX)
        w->fd[which][w->n[which]] = fd;
    w->n[which]++;
}

/* "fd 5", "fd 0 or 5", "fd 0, 4 or 5": the first 6 of a list. */
static inline void ss_fd_words(struct ss_text *t, size_t *o, const int *fds,
                               int n, const char *join)
{
    int i, shown = n < 6 ? n : 6;

    ss_tcat(t, o, "fd ");
    for (i = 0; i < shown; i++)
        ss_tcat(t, o, "%s%d",
                i == 0                 ? ""
                : i == n - 1 && n <= 6 ? join
                                       : ", ",
                fds[i]);
    if (n > 6)
        ss_tcat(t, o, " ... (%d in all)", n);
}

/* "fd 0 or 5 to read, fd 5 to write": join "or" for what a call waits
   for, "and" for what was ready. */
static inline struct ss_text ss_waitset_text(const struct ss_waitset *w,
                                             const char *join)
{
    static const char *const what[] = {"to read", "to write",
                                       "with urgent data"};
    struct ss_text t;
    size_t o = 0;
    int k, any = 0;

    t.s[0] = '\0';
    for (k = 0; k < 3; k++) {
        if (w->n[k] == 0)
            continue;
        ss_tcat(&t, &o, "%s", any++ ? ", " : "");
        ss_fd_words(&t, &o, w->fd[k], w->n[k], join);
        ss_tcat(&t, &o, " %s", what[k]);
    }
    if (!any)
        ss_tcat(&t, &o, "no descriptor to read or write");
    return t;
}

/* A timeout in milliseconds as given, in words; negative: none. */
static inline struct ss_text ss_ms_text(long ms)
{
    struct ss_text t;

    if (ms < 0)
        snprintf(t.s, sizeof t.s, "no time limit");
    else if (ms == 0)
        snprintf(t.s, sizeof t.s,
                 "timeout 0: it only looks, it does not "
                 "wait");
    else if (ms % 1000 == 0)
        snprintf(t.s, sizeof t.s, "at most %ld s", ms / 1000);
    else
        snprintf(t.s, sizeof t.s, "at most %ld ms", ms);
    return t;
}

/* Outside a lesson: what the call waited for ("in" says where the list
   is kept, or is ""), and for how long. */
static inline void ss_wait_for(const struct ss_waitset *w, const char *in,
                               const char *limit)
{
    char line[400];

    if (ss_nar.lesson)
        return;
    snprintf(line, sizeof line, "%s%s; %s", ss_waitset_text(w, " or ").s, in,
             limit);
    ss_wrap(4, 4, "waits for: ", line, "");
}

/* A wait that returned 0: nothing ready. zero: its timeout was 0. */
static inline void ss_wait_none(int zero)
{
    ss_wrap(4, 4, "",
            zero ? "nothing was ready, and a timeout of 0 does not wait"
                 : "nothing was ready before the timeout",
            "");
}

/* poll()'s descriptors, by what each waits for. */
static inline void ss_poll_set(struct ss_waitset *w, const struct pollfd *fds,
                               nfds_t n)
{
    nfds_t i;

    memset(w, 0, sizeof *w);
    for (i = 0; i < n; i++) {
        if (fds[i].fd < 0)
            continue; /* poll() passes over a negative fd */
        if (fds[i].events & (POLLIN | POLLRDNORM))
            ss_waitset_add(w, 0, fds[i].fd);
        if (fds[i].events & (POLLOUT | POLLWRNORM))
            ss_waitset_add(w, 1, fds[i].fd);
        if (fds[i].events & POLLPRI)
            ss_waitset_add(w, 2, fds[i].fd);
    }
}

/* "[{fd=3, events=POLLIN}, ...]": poll()'s list, as strace shows it. */
static inline void ss_pollfds_put(char *list, size_t cap,
                                  const struct pollfd *fds, nfds_t n)
{
    size_t o = 0, i;

    o += (size_t)snprintf(list, cap, "[");
    for (i = 0; i < n && o < cap - 40; i++) {
        if (i == 4) {
            o += (size_t)snprintf(list + o, cap - o, ", ...");
            break;
        }
        o += (size_t)snprintf(
            list + o, cap - o, "%s{fd=%d, events=%s}", i ? ", " : "", fds[i].fd,
            ss_flags_of(ss_pollbits, SS_COUNT(ss_pollbits), fds[i].events).s);
    }
    if (o < cap)
        snprintf(list + o, cap - o, "]");
}

/* What POLLHUP means on a TCP socket. */
#define SS_POLLHUP_TCP                                                         \
    ": on Linux, a reset, a failed connect(), both sides shut down, or a "     \
    "socket never connected at all (the peer's FIN alone shows as POLLIN, "    \
    "and recv() returns 0)"

/* What poll() (or ppoll()) returned: the ready descriptors, or none. */
static inline void ss_poll_said(const struct pollfd *fds, nfds_t n, int rc,
                                int zero)
{
    char line[400];
    int shown = 0, tcp = 0, local = 0;
    size_t o = 0, i;

    if (rc == 0)
        ss_wait_none(zero);
    if (rc <= 0)
        return;
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
            ss_flags_of(ss_pollbits, SS_COUNT(ss_pollbits), fds[i].revents).s);
    }
    ss_wrap(4, 4, "ready: ", line, "");
    /* What POLLHUP means depends on what the descriptor is: said for
       the kinds in this set (asked of the kernel), each once a run. */
    for (i = 0; i < n; i++) {
        int k = fds[i].fd >= 0 ? ss_kind_of(fds[i].fd) : SS_KIND_NONE;
        tcp |= k == SS_KIND_TCP;
        local |=
            (fds[i].revents & POLLHUP) &&
            (k == SS_KIND_USTREAM || k == SS_KIND_USEQ || k == SS_KIND_PIPE);
    }
    if (ss_once(SS_K_POLL)) {
        snprintf(line, sizeof line,
                 "poll() returns how many descriptors have "
                 "something to report (revents): POLLIN means a recv(), "
                 "accept() or read() will not wait, POLLOUT a send(), "
                 "POLLERR an error to read with SO_ERROR, and POLLHUP a "
                 "hang-up%s",
                 tcp ? SS_POLLHUP_TCP : "");
        ss_wrap(4, 0, "", line, "");
        if (tcp)
            ss_once(SS_K_POLLHUP_TCP); /* said just now */
    } else if (tcp) {
        ss_tell(SS_K_POLLHUP_TCP, "POLLHUP on a TCP socket" SS_POLLHUP_TCP);
    }
    if (local)
        ss_tell(SS_K_POLLHUP_LOCAL,
                "POLLHUP on a Unix socket or a pipe: the other end has "
                "closed. The peer's close alone gives it, with POLLIN: a "
                "read returns what is left, then 0");
}

static inline int ss_poll(struct pollfd *fds, nfds_t n, int timeout)
{
    struct ss_call c = {.fd = -1};
    struct ss_waitset w;
    char list[300];
    size_t i, typed = n;
    int rc, err;

    ss_poll_set(&w, fds, n);
    ss_pollfds_put(list, sizeof list, fds, n);
    ss_args(&c, "%s, %lu, %d", list, (unsigned long)n, timeout);
    c.nowait = timeout == 0;
    ss_pre(&c, "poll");
    /* A line typed at a --step prompt (this one too) is stdin's next
       input (ss_fgets, ss_getchar, ss_getline): fd 0 is ready without
       waiting for the keyboard. */
    for (i = 0; i < n && (ss_nar.npending > 0 || ss_nar.stdin_eof); i++)
        if (fds[i].fd == STDIN_FILENO && (fds[i].events & POLLIN))
            typed = i;
    if (typed < n) {
        timeout = 0;
        ss_args(&c, "%s, %lu, %d", list, (unsigned long)n, timeout);
    }
    rc = SS_REAL(poll)(fds, n, timeout);
    err = errno;
    ss_wait_asked(timeout != 0);
    ss_post(&c, rc, err);
    ss_wait_for(&w, "", ss_ms_text(timeout).s);
    if (typed < n && rc >= 0) {
        rc += fds[typed].revents == 0;
        fds[typed].revents |= POLLIN;
        ss_wrap(4, 0, "",
                "fd 0 counts as ready: a line typed at a --step "
                "prompt waits for the program, and its next read of stdin "
                "gets it first",
                "");
    }
    ss_poll_said(fds, n, rc, timeout == 0);
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

/* getchar() the same way: what was typed at a --step prompt comes first,
   a byte at a time. */
static inline int ss_getchar(void)
{
    unsigned char c;

    if (ss_nar.npending == 0)
        return ss_nar.stdin_eof ? EOF : SS_REAL(getchar)();
    c = (unsigned char)ss_nar.pending[0];
    memmove(ss_nar.pending, ss_nar.pending + 1, --ss_nar.npending);
    return c;
}

/* getline() the same way: what was typed at a --step prompt comes first,
   a line at a time, in a buffer grown as getline() grows its own. */
static inline ssize_t ss_getline(char **line, size_t *cap, FILE *f)
{
    size_t n, i;
    char *grown;

    if (f == stdin && ss_nar.npending == 0 && ss_nar.stdin_eof)
        return -1; /* Ctrl-D was typed at a --step prompt */
    if (f != stdin || ss_nar.npending == 0 || line == NULL || cap == NULL)
        return SS_REAL(getline)(line, cap, f);
    for (i = 0; i < ss_nar.npending && ss_nar.pending[i] != '\n'; i++)
        ;
    n = i < ss_nar.npending ? i + 1 : ss_nar.npending;
    if (*line == NULL || *cap < n + 1) {
        grown = realloc(*line, n + 1);
        if (grown == NULL) {
            errno = ENOMEM;
            return -1;
        }
        *line = grown;
        *cap = n + 1;
    }
    memcpy(*line, ss_nar.pending, n);
    (*line)[n] = '\0';
    memmove(ss_nar.pending, ss_nar.pending + n, ss_nar.npending - n);
    ss_nar.npending -= n;
    return (ssize_t)n;
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
    struct ss_call c = {.fd = -1};
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
                "epoll_wait() returns the ready ones only, so a wait's "
                "cost grows with the ready descriptors, not with all it "
                "watches (poll() passes and checks the whole list each "
                "time)",
                fd);
    errno = err;
    return fd;
}

static inline int ss_epoll_ctl(int ep, int op, int fd, struct epoll_event *e)
{
    struct ss_call c = {.fd = ep};
    int rc, err;

    /* EPOLL_CTL_DEL: the kernel reads no event, whatever is there */
    ss_args(&c, "%d, %s, %d, %s", ep,
            ss_name_of(ss_epollops, SS_COUNT(ss_epollops), op).s, fd,
            op == EPOLL_CTL_DEL ? (e == NULL ? "NULL" : "(ignored)")
                                : ss_epoll_event_text(e).s);
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

/* Each list of w in increasing order. */
static inline void ss_waitset_sort(struct ss_waitset *w)
{
    int k, i, j;

    for (k = 0; k < 3; k++)
        for (i = 1; i < w->n[k] && i < SS_WAIT_MAX; i++)
            for (j = i; j > 0 && w->fd[k][j - 1] > w->fd[k][j]; j--) {
                int t = w->fd[k][j];
                w->fd[k][j] = w->fd[k][j - 1];
                w->fd[k][j - 1] = t;
            }
}

/*
 * The descriptors an epoll set watches, by what each waits for, into w:
 * from /proc/self/fdinfo/EP (Linux), whose "tfd:" lines give each
 * entry's number and events as epoll_ctl() added them, in the order of
 * the kernel's tree (not the program's): sorted by number here. Returns
 * how many of them are sockets now, or -1 if the file cannot be read.
 */
static inline int ss_epoll_set(int ep, struct ss_waitset *w)
{
    char path[48], line[256];
    struct stat st;
    FILE *f;
    int sockets = 0, saved = errno;

    memset(w, 0, sizeof *w);
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", ep);
    f = fopen(path, "r");
    if (f == NULL) {
        errno = saved;
        return -1;
    }
    while (SS_REAL(fgets)(line, sizeof line, f) != NULL) {
        char *p = line, *end;
        long fd;
        unsigned long ev;
        if (!SS_STARTS(p, "tfd:"))
            continue;
        fd = strtol(p + 4, &end, 10);
        if (end == p + 4 || fd < 0 || fd > INT_MAX ||
            (p = strstr(end, "events:")) == NULL)
            continue;
        ev = strtoul(p + 7, &end, 16);
        if (ev & (EPOLLIN | EPOLLRDNORM))
            ss_waitset_add(w, 0, (int)fd);
        if (ev & (EPOLLOUT | EPOLLWRNORM))
            ss_waitset_add(w, 1, (int)fd);
        if (ev & EPOLLPRI)
            ss_waitset_add(w, 2, (int)fd);
        sockets += fstat((int)fd, &st) == 0 && S_ISSOCK(st.st_mode);
    }
    fclose(f);
    ss_waitset_sort(w);
    errno = saved;
    return sockets;
}

/* What epoll_wait() (or epoll_pwait()) returned: the ready entries. */
static inline void ss_epoll_said(const struct epoll_event *ev, int rc, int zero)
{
    char line[400];
    size_t o = 0;
    int i;

    if (rc == 0)
        ss_wait_none(zero);
    if (rc <= 0)
        return;
    line[0] = '\0';
    for (i = 0; i < rc && o < sizeof line - 60; i++) {
        if (i == 6) {
            snprintf(line + o, sizeof line - o, " ...");
            break;
        }
        o += (size_t)snprintf(line + o, sizeof line - o, "%s{fd=%d, events=%s}",
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
            "failed, EPOLLHUP a hang-up: on a TCP socket a reset, a "
            "failed connect(), both directions shut down, or a socket "
            "never connected (the peer's FIN alone shows as EPOLLIN); on "
            "a Unix socket or a pipe, the peer's close");
}

/* Outside a lesson: what an epoll set's wait waits for. */
static inline void ss_epoll_for(int ep, long ms)
{
    struct ss_waitset w;
    char in[48];

    if (ss_nar.lesson || ss_epoll_set(ep, &w) < 0)
        return;
    snprintf(in, sizeof in, " (the entries of epoll set %d)", ep);
    ss_wait_for(&w, in, ss_ms_text(ms).s);
}

static inline int ss_epoll_wait(int ep, struct epoll_event *ev, int max,
                                int timeout)
{
    struct ss_call c = {.fd = ep};
    int rc, err;

    ss_args(&c, "%d, events, %d, %d", ep, max, timeout);
    c.nowait = timeout == 0;
    ss_pre(&c, "epoll_wait");
    rc = SS_REAL(epoll_wait)(ep, ev, max, timeout);
    err = errno;
    ss_wait_asked(timeout != 0);
    ss_post(&c, rc, err);
    ss_epoll_for(ep, timeout);
    ss_epoll_said(ev, rc, timeout == 0);
    errno = err;
    return rc;
}
#endif /* __linux__ */

#endif /* SOCKSTEP_PLAIN */
#endif /* SS_WAIT_H */
