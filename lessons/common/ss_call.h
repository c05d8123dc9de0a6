/*
 * ss_call.h - the call machinery every wrapper uses.
 * For every call there is a function ss_NAME() that
 *   1. in --step mode shows the call and waits for Enter,
 *   2. makes the real call, SS_REAL(NAME)(...), the C library's
 *      whatever macros are defined,
 *   3. prints it in strace's style: "bind(3, 127.0.0.1:8888, 16) = 0", with
 *      output arguments (accept's peer address) filled in after the call,
 *      and for a failure the errno's name and message, its likely cause
 *      and what to try,
 *   4. says once per run what the result means, and shows the kernel's
 *      view after a call that changes a socket's state,
 *   5. returns what the call returned, with errno as the call left it.
 * This room holds what steps 1 to 4 share: the call being narrated,
 * before and after it (ss_pre, ss_post), the advice for an errno, the
 * once-per-run explanations (ss_tell) and the calls a signal handler
 * made (told later); a loop's repeated calls are counted in
 * ss_repeat.h. The wrappers are in ss_conn.h, ss_names.h, ss_data.h,
 * ss_sockopt.h, ss_wait.h and ss_process.h; ss_macros.h, last, makes
 * the lesson's own calls theirs. With -DSOCKSTEP_PLAIN none of this
 * exists.
 *
 * Needs: ss_text.h ss_state.h ss_narrate.h ss_errors.h ss_proc.h
 *        ss_repeat.h
 * Part of sockstep.h; include that, not this.
 */
#ifndef SS_CALL_H
#define SS_CALL_H
#ifndef SOCKSTEP_PLAIN

/* The call being narrated. */
struct ss_call {
    const char *name;
    char args[400];           /* as printed: never read back for a value */
    int fd;                   /* the descriptor the call is on; -1: none */
    int flags;                /* its MSG_ flags, for the calls that take them */
    char addr[160], port[16]; /* for {addr} and {port} in the advice */
    struct sockaddr_storage sa; /* the address itself, zero-padded */
    socklen_t len;              /* its length, as given */
    int family;                 /* its sa_family; 0: none, or too short */
    int nowait;   /* a wait with a time limit of 0: it only looks */
    char kind[8]; /* the socket's kind, for advice: "unix", "udp6" ... */
    struct timespec t0;
};

static inline void ss_args(struct ss_call *c, const char *fmt, ...)
    SS_PRINTF(2, 3);
static inline void ss_args(struct ss_call *c, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(c->args, sizeof c->args, fmt, ap);
    va_end(ap);
}

/* Remember the address a call is about, for {addr} and {port}. */
static inline void ss_ctx(struct ss_call *c, const void *sa, socklen_t len)
{
    snprintf(c->addr, sizeof c->addr, "%s", ss_addr_len(sa, len).s);
    memset(&c->sa, 0, sizeof c->sa);
    if (sa != NULL)
        memcpy(&c->sa, sa, len < sizeof c->sa ? len : sizeof c->sa);
    snprintf(c->port, sizeof c->port, "%u", ss_port_of(&c->sa));
    c->len = len;
    c->family =
        sa != NULL && len >= sizeof c->sa.ss_family ? c->sa.ss_family : 0;
}

/* The call's address is a Unix socket's with a name: a path (absolute or
   relative) or an abstract name, not an unnamed one. */
static inline int ss_ctx_unix_named(const struct ss_call *c)
{
    return c->family == AF_UNIX &&
           c->len > offsetof(struct sockaddr_un, sun_path);
}

/*
 * Signal handlers. sigaction() installs a lesson's handler inside the
 * header's trampoline, which marks the time the handler runs. A handler
 * may call only async-signal-safe functions, and narration uses stdio, so
 * a call made there (waitpid() in a SIGCHLD handler) is made and kept,
 * not printed; it is told before the next call the program narrates (so
 * after a call it interrupted, EINTR), or at exit, marked with the
 * signal: "[SIGCHLD handler] waitpid(...)".
 */

static void ss_trampoline(int sig)
{
    int saved = errno;
    sig_atomic_t outer = ss_in_handler;

    ss_in_handler = sig;
    if (sig > 0 && sig < SS_NSIG && ss_handler[sig] != NULL)
        ss_handler[sig](sig);
    ss_in_handler = outer;
    errno = saved;
}

static const struct ss_name ss_signals[] = {
    SS_N(SIGCHLD), SS_N(SIGINT),  SS_N(SIGTERM), SS_N(SIGHUP),
    SS_N(SIGPIPE), SS_N(SIGALRM), SS_N(SIGUSR1), SS_N(SIGUSR2)};

/* "SIGCHLD", or "signal 3" for one the table does not know. */
static inline struct ss_text ss_signame(int sig)
{
    struct ss_text t;
    size_t i;

    for (i = 0; i < SS_COUNT(ss_signals); i++)
        if (ss_signals[i].value == sig) {
            snprintf(t.s, sizeof t.s, "%s", ss_signals[i].name);
            return t;
        }
    snprintf(t.s, sizeof t.s, "signal %d", sig);
    return t;
}

/* "-1, [exited 0], WNOHANG": waitpid()'s arguments as strace shows them. */
static inline void ss_wait_args(char *out, size_t size, long pid,
                                int has_status, int status, int options,
                                long rc)
{
    char st[64];

    if (!has_status)
        snprintf(st, sizeof st, "NULL");
    else if (rc <= 0)
        snprintf(st, sizeof st, "&status");
    else if (WIFEXITED(status))
        snprintf(st, sizeof st, "[exited %d]", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(st, sizeof st, "[killed by signal %d]", WTERMSIG(status));
    else
        snprintf(st, sizeof st, "[%#x]", (unsigned)status);
    snprintf(out, size, "%ld, %s, %s", pid, st,
             options == WNOHANG ? "WNOHANG"
             : options == 0     ? "0"
                                : "?");
}

static void ss_late_flush(void);

/* Before the call: in --step mode show it and wait. */
static inline void ss_pre(struct ss_call *c, const char *name)
{
    int saved = errno;

    int held = ss_nar.hush; /* the last call's lines were held back */

    ss_nar.hush = 0;
    ss_nar.known_fd = 0; /* what a descriptor is: checked again */
    ss_late_flush();
    c->name = name;
    /* --time: a call that may wait is told as it starts, with "..." */
    if (ss_nar.clock && !ss_nar.stamps && !held &&
        ss_may_block(name, c->fd, c->flags, c->nowait)) {
        char line[500];
        snprintf(line, sizeof line, "%s(%s) ...\n", name, c->args);
        ss_emit(line);
    }
    if (ss_nar.step) {
        char shown[420];
        snprintf(shown, sizeof shown, "%s(%s)", name, c->args);
        ss_step_wait(shown);
    }
    clock_gettime(CLOCK_REALTIME, &c->t0);
    if (ss_nar.stamps) {
        /* With SOCKSTEP_TIMESTAMPS (scripts/capture), the call as it is
           made, with only what is known before it: "[T -] accept(3, ...)".
           Its result line follows when it returns: "[T T1] ... = 4". */
        char line[500];
        snprintf(line, sizeof line, "[%ld.%06ld -] %s(%s)\n",
                 (long)c->t0.tv_sec, c->t0.tv_nsec / 1000, name, c->args);
        ss_emit(line);
    }
    if (ss_nar.call_hook != NULL)
        ss_nar.call_hook(1);
    errno = saved;
}

/*
 * A call on a non-blocking socket (the kernel's O_NONBLOCK flag, asked
 * with F_GETFL), or made with MSG_DONTWAIT, that would have had to wait
 * fails with EAGAIN, and a connect() with EINPROGRESS: that is how it
 * says "not now", and a program that asked for it expects it. Says so
 * and returns 1.
 */
static inline int ss_not_now(const struct ss_call *c, int err)
{
    char text[300];
    int fl, dontwait = 0;

    if (c->fd < 0)
        return 0;
    if (err == EINPROGRESS ? strcmp(c->name, "connect") != 0
                           : err != EAGAIN && err != EWOULDBLOCK)
        return 0;
#ifdef MSG_DONTWAIT
    dontwait = err != EINPROGRESS && (c->flags & MSG_DONTWAIT);
#endif
    fl = SS_REAL(fcntl)(c->fd, F_GETFL);
    if (!dontwait && (fl == -1 || !(fl & O_NONBLOCK)))
        return 0;
    if (err == EINPROGRESS)
        snprintf(text, sizeof text,
                 "expected: fd %d is non-blocking "
                 "(O_NONBLOCK), so connect() only began the handshake; "
                 "poll() for POLLOUT says when it has ended, and SO_ERROR "
                 "whether it succeeded",
                 c->fd);
    else
        snprintf(text, sizeof text,
                 "expected: %s%d%s, so %s() returned at once instead of "
                 "waiting; poll() (or epoll_wait()) says when to call it "
                 "again",
                 dontwait ? "MSG_DONTWAIT asked it not to wait on fd " : "fd ",
                 c->fd, dontwait ? "" : " is non-blocking (O_NONBLOCK)",
                 c->name);
    ss_wrap(4, 4, "", text, "");
    return 1;
}

/* A timeout as people say it: "1 s", "250 ms", "1.500 s". */
static inline struct ss_text ss_tv_text(const struct timeval *tv)
{
    struct ss_text t;

    if (tv->tv_usec == 0)
        snprintf(t.s, sizeof t.s, "%ld s", (long)tv->tv_sec);
    else if (tv->tv_sec == 0 && tv->tv_usec % 1000 == 0)
        snprintf(t.s, sizeof t.s, "%ld ms", (long)tv->tv_usec / 1000);
    else
        snprintf(t.s, sizeof t.s, "%ld.%06ld s", (long)tv->tv_sec,
                 (long)tv->tv_usec);
    return t;
}

/*
 * Outside a lesson, a call that would have had to wait (EAGAIN, and a
 * connect()'s EINPROGRESS or EALREADY) is told from what the socket says
 * now: the timeout the program set (SO_RCVTIMEO for the calls that
 * receive or accept, SO_SNDTIMEO for those that send or connect), read
 * back. Non-blocking sockets and MSG_DONTWAIT are ss_not_now()'s.
 */
static inline int ss_advise_wait(const struct ss_call *c, int err)
{
    char cause[300], fix[200];
    int in = SS_STARTS(c->name, "recv") || SS_STARTS(c->name, "accept");
    struct timeval tv = {0, 0};
    socklen_t len = sizeof tv;

    if (ss_nar.lesson || c->fd < 0 ||
        (err != EAGAIN && err != EWOULDBLOCK && err != EINPROGRESS &&
         err != EALREADY))
        return 0;
    if (SS_REAL(getsockopt)(c->fd, SOL_SOCKET, in ? SO_RCVTIMEO : SO_SNDTIMEO,
                            &tv, &len) != 0 ||
        (tv.tv_sec == 0 && tv.tv_usec == 0)) {
        if (err == EALREADY)
            return 0; /* a handshake under way: ss_errors_own says so */
        snprintf(cause, sizeof cause,
                 "the call would have had to wait, and did not (fd %d has "
                 "no O_NONBLOCK and no %s now)",
                 c->fd, in ? "SO_RCVTIMEO" : "SO_SNDTIMEO");
        ss_wrap(4, 4, "likely cause: ", cause, "");
        ss_wrap(4, 4, "try: ",
                "wait with poll() until the socket is ready, then call "
                "again",
                "");
        return 1;
    }
    snprintf(cause, sizeof cause, "fd %d has %s %s: %s", c->fd,
             in ? "SO_RCVTIMEO" : "SO_SNDTIMEO", ss_tv_text(&tv).s,
             SS_STARTS(c->name, "accept")
                 ? "no client connected within that time"
             : in ? "nothing arrived within that time"
             : strcmp(c->name, "connect") == 0
                 ? "the handshake did not finish within that time"
                 : "the send buffer stayed full that long: the peer is not "
                   "reading");
    snprintf(fix, sizeof fix, "%s, or give %s a longer time (0: no limit)",
             in ? "make the peer send sooner" : "check the peer",
             in ? "SO_RCVTIMEO" : "SO_SNDTIMEO");
    ss_wrap(4, 4, "likely cause: ", cause, "");
    ss_wrap(4, 4, "try: ", fix, "");
    return 1;
}

/*
 * getpeername() is also how a program asks whether a descriptor is a
 * connected socket: Python asks it of a socket each time it shows one
 * (its repr(), also in a warning about a socket left open), bash of its
 * standard input when it starts. ENOTCONN and ENOTSOCK are then the
 * answer, not a fault: told in one note, once a run, with no cause and
 * no "try:".
 */
static inline int ss_probe(const struct ss_call *c, int err)
{
    char text[300];

    if (strcmp(c->name, "getpeername") != 0 ||
        (err != ENOTCONN && err != ENOTSOCK))
        return 0;
    if (!ss_once(err == ENOTCONN ? SS_K_PROBE_NOTCONN : SS_K_PROBE_NOTSOCK))
        return 1;
    if (err == ENOTCONN)
        snprintf(text, sizeof text,
                 "fd %d has no peer: it is not connected, or no longer is. "
                 "Programs ask this to find out (Python does to show a "
                 "socket): an answer, not a fault",
                 c->fd);
    else
        snprintf(text, sizeof text,
                 "fd %d is not a socket. Programs ask this to find out "
                 "(bash asks it of its standard input as it starts): an "
                 "answer, not a fault",
                 c->fd);
    ss_wrap(4, 0, "", text, "");
    return 1;
}

/*
 * EINVAL from bind(), connect() or sendto() given an address length too
 * short for its family: the generic EINVAL causes do not apply, and the
 * wrapper knows the length. Returns 1 when it said so.
 */
static inline int ss_advise_short(const struct ss_call *c, int err)
{
    const char *type =
        c->family == AF_INET ? "struct sockaddr_in" : "struct sockaddr_in6";
    size_t need = c->family == AF_INET ? sizeof(struct sockaddr_in)
                                       : sizeof(struct sockaddr_in6);
    size_t least = need;
    char text[300];

#ifdef __linux__
    if (c->family == AF_INET6)
        least = 24; /* Linux takes one without sin6_scope_id too */
#endif
    if (err != EINVAL || (c->family != AF_INET && c->family != AF_INET6) ||
        (strcmp(c->name, "bind") != 0 && strcmp(c->name, "connect") != 0 &&
         strcmp(c->name, "sendto") != 0) ||
        c->len >= least)
        return 0;
    snprintf(text, sizeof text,
             "the address length, %u, is too short for %s: a %s is %zu "
             "bytes",
             (unsigned)c->len, c->family == AF_INET ? "AF_INET" : "AF_INET6",
             type, need);
    ss_wrap(4, 4, "likely cause: ", text, "");
    snprintf(text, sizeof text,
             "pass the size of the address's struct: sizeof(%s), or sizeof "
             "the variable that holds the address",
             type);
    ss_wrap(4, 4, "try: ", text, "");
    return 1;
}

/* The cause and advice for a failure, with the call's real values. */
static inline void ss_advise(const struct ss_call *c, int err)
{
    const struct ss_errinfo *e;
    char text[600] = ""; /* zeroed: clang-analyzer cannot see ss_fill end it */
    char key[32], tag[8];

    if (ss_not_now(c, err) || ss_advise_wait(c, err) || ss_probe(c, err) ||
        ss_advise_short(c, err) || ss_advise_no_ipv6(c->name, &c->sa, err))
        return;

    /* A Unix socket's path has causes of its own: "bind:unix"; the
       waits on many descriptors share theirs: "wait". */
    snprintf(key, sizeof key, "%s%s", ss_is_wait(c->name) ? "wait" : c->name,
             ss_ctx_unix_named(c) ? ":unix"
             : err == EINTR && ss_is_wait(c->name) && !ss_any_handler()
                 ? ":stopped"
                 : "");
    /* A socket of one kind has causes of its own: "send@unix", then
       "@unix", for any call on it. */
    e = NULL;
    if (c->kind[0] != '\0')
        snprintf(tag, sizeof tag, "%s", c->kind);
    else
        ss_kind_tag(tag, sizeof tag, c->fd);
    if (tag[0] != '\0') {
        /* "send@unix", the call's own entry ("connect"), then "@unix" */
        char k2[48];
        snprintf(k2, sizeof k2, "%s@%s", c->name, tag);
        e = ss_errinfo_exact(err, k2);
        if (e == NULL)
            e = ss_errinfo_exact(err, key);
        snprintf(k2, sizeof k2, "@%s", tag);
        if (e == NULL)
            e = ss_errinfo_exact(err, k2);
    }
    if (e == NULL)
        e = ss_errinfo(err, key);
    if (e == NULL)
        return;
    ss_fill(text, sizeof text, e->cause, c->addr, c->port);
    if (ss_nar.expect == err) {
        /* One text, so that the long prefix wraps too (80 columns). */
        char both[700];
        snprintf(both, sizeof both,
                 "expected: this program meets it on "
                 "purpose; the usual cause: %s",
                 text);
        ss_wrap(4, 4, "", both, "");
        return;
    }
    ss_wrap(4, 4, "likely cause: ", text, "");
    ss_fill(text, sizeof text, e->fix, c->addr, c->port);
    ss_wrap(4, 4, "try: ", text, "");
}

/*
 * After the call: "name(args) = ret", or "= -1 ENAME (message)" and the
 * advice. Leaves errno as err.
 */
static inline void ss_post(const struct ss_call *c, long ret, int err)
{
    char line[700], stamp[64] = "";
    struct ss_seen seen = {.fd = c->fd, .ret = ret, .err = err};
    struct timespec t1;

    ss_step_done();
    snprintf(seen.name, sizeof seen.name, "%s", c->name);
    if (ret != -1)
        snprintf(seen.result, sizeof seen.result, "%ld", ret);
    else
        snprintf(seen.result, sizeof seen.result, "-1 %.30s",
                 ss_errname(err).s);
    snprintf(seen.key, sizeof seen.key, "%.20s(%.400s) = %s", c->name, c->args,
             seen.result);
    if (ss_repeat(&seen)) {
        ss_nar.expect = 0;
        ss_nar.restarted = 0;
        ss_nar.fault_asked = 0;
        errno = err;
        return;
    }
    if (ss_nar.stamps) {
        clock_gettime(CLOCK_REALTIME, &t1);
        snprintf(stamp, sizeof stamp, "[%ld.%06ld %ld.%06ld] ",
                 (long)c->t0.tv_sec, c->t0.tv_nsec / 1000, (long)t1.tv_sec,
                 t1.tv_nsec / 1000);
    }
    if (ret != -1) {
        snprintf(line, sizeof line, "%s%s(%s)%c=%c%ld", stamp, c->name, c->args,
                 SS_NBSP, SS_NBSP, ret);
        ss_wrap(0, 4, "", line, SS_BOLD);
    } else {
        char tail[100];
        size_t k;
        /* "= -1 EAGAIN (Resource temporarily unavailable)" stays whole */
        snprintf(tail, sizeof tail, "= -1 %.20s (%.60s)", ss_errname(err).s,
                 strerror(err));
        for (k = 0; tail[k] != '\0'; k++)
            if (tail[k] == ' ')
                tail[k] = SS_NBSP;
        snprintf(line, sizeof line, "%s%s(%s)%c%s", stamp, c->name, c->args,
                 SS_NBSP, tail);
        ss_wrap(0, 4, "", line, SS_RED);
    }
    if (ss_nar.restarted != 0) {
        snprintf(line, sizeof line,
                 "restarted: %s came while this call waited; its handler "
                 "ran, and because it was installed with SA_RESTART the "
                 "kernel made the call again instead of returning EINTR",
                 ss_signame(ss_nar.restarted).s);
        ss_nar.restarted = 0;
        ss_wrap(4, 4, "", line, "");
    }
    if (ss_nar.fault_asked != 0) {
        snprintf(line, sizeof line,
                 ss_nar.fault_sending
                     ? "the program gave %zu bytes to send; the fault handed "
                       "the kernel %zu of them"
                     : "the program's buffer holds %zu bytes; the fault asked "
                       "the kernel for %zu",
                 ss_nar.fault_asked, ss_nar.fault_given);
        ss_nar.fault_asked = 0;
        ss_wrap(4, 4, "fault: ", line, SS_CYAN);
    }
    if (ret == -1)
        ss_advise(c, err);
    ss_nar.expect = 0;
    errno = err;
}

/* A generic explanation, once per run (key k). */
static inline void ss_tell(unsigned k, const char *fmt, ...) SS_PRINTF(2, 3);
static inline void ss_tell(unsigned k, const char *fmt, ...)
{
    char text[600];
    va_list ap;

    if (!ss_once(k))
        return;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    ss_wrap(4, 0, "", text, "");
}

/* A socket a call just made (socket, accept, dup, ...), remembered in the
   table, or, when the table is full, a note under that call that says so
   (once). */
static inline struct ss_sock *ss_sock_new(int fd, int type)
{
    struct ss_sock *s = ss_sock_add(fd, type);

    if (s == NULL)
        ss_tell(SS_K_FULL,
                "more than %d sockets are open at once, more than the "
                "narrator keeps track of: calls on the others are still "
                "told, but what was done to them before (an option such "
                "as SO_LINGER, a shutdown()) is not remembered there",
                SS_MAX_FDS);
    return s;
}

/* Tell the calls a signal handler made since the last narrated call. */
static void ss_late_flush(void)
{
    struct ss_late_call *told = ss_late_told;
    sigset_t all, old;
    int i, n, lost;
    char line[500], args[120];

    if (ss_nlate == 0 && ss_late_lost == 0)
        return;
    ss_nar.hush = 0; /* a repeat held back is over: these are told */
    /* A copy taken with signals blocked, since a handler may add to the
       list; one that runs while the copy is told writes from the start of
       ss_late again. */
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    n = ss_nlate;
    lost = ss_late_lost;
    if (n > SS_MAX_LATE)
        n = SS_MAX_LATE;
    memcpy(told, ss_late, (size_t)n * sizeof told[0]);
    ss_nlate = 0;
    ss_late_lost = 0;
    sigprocmask(SIG_SETMASK, &old, NULL);
    for (i = 0; i < n; i++) {
        ss_wait_args(args, sizeof args, told[i].pid, told[i].has_status,
                     told[i].status, told[i].options, told[i].rc);
        if (told[i].rc == -1)
            snprintf(line, sizeof line,
                     "[%s handler] waitpid(%s)%c=%c-1 %.40s (%.60s)",
                     ss_signame(told[i].sig).s, args, SS_NBSP, SS_NBSP,
                     ss_errname(told[i].err).s, strerror(told[i].err));
        else
            snprintf(line, sizeof line, "[%s handler] waitpid(%s)%c=%c%ld",
                     ss_signame(told[i].sig).s, args, SS_NBSP, SS_NBSP,
                     told[i].rc);
        ss_wrap(0, 4, "", line, SS_BOLD);
        ss_tell(SS_K_LATE,
                "a signal handler runs when its signal comes, "
                "between two steps of the program or while a call waits. "
                "It may use only async-signal-safe functions (waitpid() is "
                "one, printf() is not), so its calls are told here, after "
                "it returned");
        if (told[i].rc > 0)
            ss_tell(SS_K_LATE_REAP, "a child's exit status collected: it "
                                    "is gone from the process table, where "
                                    "it stayed as a zombie once it had "
                                    "ended");
        else if (told[i].rc == 0)
            ss_tell(SS_K_LATE_NONE, "0: children are left, but none has "
                                    "ended (WNOHANG: do not wait)");
        else if (told[i].err == ECHILD)
            ss_tell(SS_K_LATE_ECHILD, "ECHILD: no child is left");
    }
    if (lost > 0) {
        snprintf(line, sizeof line,
                 "(and %d more calls in a signal handler, "
                 "not kept)",
                 lost);
        ss_wrap(0, 4, "", line, "");
    }
}

/* A socket's type (SOCK_STREAM ...), as the kernel says it; 0: none. */
static inline int ss_type_of(int fd)
{
    struct ss_sock *s = ss_sock_find(fd);
    return s != NULL ? s->type : 0;
}

/* Is fd a Unix domain socket (no network: no handshake, no FIN)? */
static inline int ss_is_unix(int fd)
{
    return ss_kind_unix(ss_kind_of(fd));
}

#endif /* SOCKSTEP_PLAIN */
#endif /* SS_CALL_H */
