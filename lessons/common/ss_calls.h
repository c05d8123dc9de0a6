/*
 * ss_calls.h - the wrappers: each socket call a lesson makes, narrated.
 *
 * For every call there is a function ss_NAME() that
 *   1. in --step mode shows the call and waits for Enter,
 *   2. makes the real call (the macros are defined only at the end of this
 *      file, so inside these functions NAME() is the C library's),
 *   3. prints it as strace would: "bind(3, 127.0.0.1:8888, 16) = 0", with
 *      output arguments (accept's peer address) filled in after the call,
 *      and for a failure the errno's name and message, its likely cause
 *      and what to try,
 *   4. says once per run what the result means, and shows the kernel's
 *      view after a call that changes a socket's state,
 *   5. returns what the call returned, with errno as the call left it.
 * Then "#define bind(...) ss_bind(...)" makes the lesson's own bind() line
 * narrate itself. With -DSOCKSTEP_PLAIN none of this exists.
 *
 * Part of sockstep.h; include that, not this.
 */
#ifndef SS_CALLS_H
#define SS_CALLS_H
#ifndef SOCKSTEP_PLAIN

/* The call being narrated. */
struct ss_call {
    const char *name;
    char args[400];
    char addr[160], port[16]; /* for {addr} and {port} in the advice */
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
    struct sockaddr_storage a;

    snprintf(c->addr, sizeof c->addr, "%s", ss_addr_len(sa, len).s);
    memset(&a, 0, sizeof a);
    if (sa != NULL)
        memcpy(&a, sa, len < sizeof a ? len : sizeof a);
    snprintf(c->port, sizeof c->port, "%u", ss_port_of(&a));
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
enum { SS_NSIG = 65, SS_MAX_LATE = 1024 };
static void (*ss_handler[SS_NSIG])(int);
static volatile sig_atomic_t ss_in_handler; /* the signal, or 0 */
struct ss_late_call {
    int sig, options, status, has_status, err;
    long pid, rc;
};
static struct ss_late_call ss_late[SS_MAX_LATE];
static volatile sig_atomic_t ss_nlate, ss_late_lost;

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

static inline const char *ss_signame(int sig)
{
    switch (sig) {
    case SIGCHLD:
        return "SIGCHLD";
    case SIGINT:
        return "SIGINT";
    case SIGTERM:
        return "SIGTERM";
    case SIGHUP:
        return "SIGHUP";
    case SIGPIPE:
        return "SIGPIPE";
    case SIGALRM:
        return "SIGALRM";
    case SIGUSR1:
        return "SIGUSR1";
    case SIGUSR2:
        return "SIGUSR2";
    default:
        return "a signal";
    }
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

    ss_late_flush();
    c->name = name;
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
    errno = saved;
}

/*
 * A call on a non-blocking socket (the kernel's O_NONBLOCK flag, asked
 * with F_GETFL) that would have had to wait fails with EAGAIN, and a
 * connect() with EINPROGRESS: that is how it says "not now", and a lesson
 * that made the socket non-blocking expects it. Says so and returns 1.
 */
static inline int ss_not_now(const struct ss_call *c, int err)
{
    char *end, text[300];
    long fd = strtol(c->args, &end, 10);
    int fl;

    if (end == c->args || fd < 0 || fd > INT_MAX)
        return 0;
    if (err == EINPROGRESS ? strcmp(c->name, "connect") != 0
                           : err != EAGAIN && err != EWOULDBLOCK)
        return 0;
    fl = fcntl((int)fd, F_GETFL);
    if (fl == -1 || !(fl & O_NONBLOCK))
        return 0;
    if (err == EINPROGRESS)
        snprintf(text, sizeof text,
                 "expected: fd %ld is non-blocking "
                 "(O_NONBLOCK), so connect() only began the handshake; "
                 "poll() for POLLOUT says when it has ended, and SO_ERROR "
                 "how",
                 fd);
    else
        snprintf(text, sizeof text,
                 "expected: fd %ld is non-blocking "
                 "(O_NONBLOCK), so %s() returned at once instead of "
                 "waiting; poll() (or epoll_wait()) says when to call it "
                 "again",
                 fd, c->name);
    ss_wrap(4, 4, "", text, "");
    return 1;
}

/* The cause and advice for a failure, with the call's real values. */
static inline void ss_advise(const struct ss_call *c, int err)
{
    const struct ss_errinfo *e;
    char text[600] = ""; /* zeroed: clang-analyzer cannot see ss_fill end it */
    char key[32];

    if (ss_not_now(c, err))
        return;

    /* A Unix socket's path has causes of its own: "bind:unix". */
    snprintf(key, sizeof key, "%s%s", c->name,
             c->addr[0] == '/' || c->addr[0] == '@' ? ":unix" : "");
    e = ss_errinfo(err, key);
    if (e == NULL)
        return;
    ss_fill(text, sizeof text, e->cause, c->addr, c->port);
    if (ss_nar.expect == err) {
        /* One text, so that the long prefix wraps too (80 columns). */
        char both[700];
        snprintf(both, sizeof both,
                 "expected: the lesson set out to show "
                 "this; the usual cause: %s",
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
    struct timespec t1;

    ss_step_done();
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
        ss_advise(c, err);
    }
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

/* Keys for ss_tell(): one per explanation. */
enum {
    SS_K_SOCKET = 32,
    SS_K_BIND,
    SS_K_BIND0,
    SS_K_LISTEN,
    SS_K_ACCEPT,
    SS_K_CONNECT,
    SS_K_CONNECT_UDP,
    SS_K_SEND,
    SS_K_NOSIGNAL,
    SS_K_RECV,
    SS_K_RECVFROM,
    SS_K_SENDTO,
    SS_K_SENDTO_BIND,
    SS_K_CLOSE,
    SS_K_CLOSE_L,
    SS_K_REUSE,
    SS_K_RCVTIMEO,
    SS_K_SNDTIMEO,
    SS_K_NODELAY,
    SS_K_V6ONLY,
    SS_K_LINGER,
    SS_K_BUF,
    SS_K_SHUT,
    SS_K_GAI,
    SS_K_POLL,
    SS_K_NONBLOCK,
    SS_K_FORK,
    SS_K_WAIT,
    SS_K_NOTLISTED,
    SS_K_GETSOCKNAME,
    SS_K_BROADCAST,
    SS_K_TRUNC,
    SS_K_DUP,
    SS_K_CONNECT_EINTR,
    SS_K_SOERROR,
    SS_K_RLIMIT,
    SS_K_EPOLL,
    SS_K_EPOLL_ET,
    SS_K_EPOLL_WAIT,
    SS_K_SENDFILE,
    SS_K_SOCKETPAIR,
    SS_K_SENDMSG,
    SS_K_RECVMSG,
    SS_K_PEERCRED,
    SS_K_BIND_UNIX,
    SS_K_MCAST_JOIN,
    SS_K_MCAST_TTL,
    SS_K_MCAST_LOOP,
    SS_K_MCAST_IF,
    SS_K_MCAST_ALL,
    SS_K_CONNECT_UNIX,
    SS_K_SEND_UNIX,
    SS_K_RECV_UNIX,
    SS_K_CLOSE_UNIX,
    SS_K_LATE,
    SS_K_LATE_REAP,
    SS_K_LATE_NONE,
    SS_K_LATE_ECHILD,
    SS_K_SIGACTION,
    SS_K_SOERROR_UDP
};

/* Tell the calls a signal handler made since the last narrated call. */
static void ss_late_flush(void)
{
    static struct ss_late_call told[SS_MAX_LATE];
    sigset_t all, old;
    int i, n, lost;
    char line[500], args[120];

    if (ss_nlate == 0 && ss_late_lost == 0)
        return;
    /* A copy taken with signals blocked: a handler may add to the list. */
    /* The list is copied out: a handler that runs while the copy is
       told writes from the start of ss_late again. */
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
                     ss_signame(told[i].sig), args, SS_NBSP, SS_NBSP,
                     ss_errname(told[i].err).s, strerror(told[i].err));
        else
            snprintf(line, sizeof line, "[%s handler] waitpid(%s)%c=%c%ld",
                     ss_signame(told[i].sig), args, SS_NBSP, SS_NBSP,
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
                                    "is gone from the process table");
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

/* A socket's kind, for the narrator's table. */
static inline int ss_type_of(int fd)
{
    struct ss_sock *s = ss_sock_find(fd);
    return s != NULL ? s->type : 0;
}

/* Is fd a Unix domain socket (no network: no handshake, no FIN)? */
static inline int ss_is_unix(int fd)
{
    struct ss_sock *s = ss_sock_find(fd);
    return s != NULL && s->family == AF_UNIX;
}

/* ------------------------------------------------------------------ */
/* Creating, naming and listening.                                     */
/* ------------------------------------------------------------------ */

static inline int ss_socket(int domain, int type, int protocol)
{
    struct ss_call c = {0};
    int fd, err;

    ss_args(&c, "%s, %s, %d", ss_family_name(domain).s,
            ss_socktype_name(type).s, protocol);
    ss_pre(&c, "socket");
    fd = socket(domain, type, protocol);
    err = errno;
    ss_post(&c, fd, err);
    if (fd >= 0) {
#ifdef SOCK_NONBLOCK
        struct ss_sock *s =
            ss_sock_add(fd, type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC));
#else
        struct ss_sock *s = ss_sock_add(fd, type);
#endif
        if (s != NULL)
            s->family = domain;
        ss_tell(SS_K_SOCKET,
                "a new socket: fd %d, the lowest descriptor "
                "number not in use. It has no address and no peer yet",
                fd);
        ss_kernel(fd);
    }
    errno = err;
    return fd;
}

static inline int ss_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
    struct ss_call c = {0};
    struct ss_sock *s = ss_sock_find(fd);
    int rc, err;

    ss_args(&c, "%d, %s, %u", fd, ss_addr_len(addr, len).s, (unsigned)len);
    ss_ctx(&c, addr, len);
    ss_pre(&c, "bind");
    rc = bind(fd, addr, len);
    err = errno;
    ss_post(&c, rc, err);
    if (rc == 0) {
        if (s != NULL && len <= sizeof s->local) {
            memcpy(&s->local, addr, len);
            s->llen = len;
        }
        if (addr->sa_family == AF_UNIX && c.addr[0] == '/')
            ss_tell(SS_K_BIND_UNIX,
                    "bind() made the file %s, of type "
                    "socket (an s in ls -l). It is only a name: the data "
                    "never goes through the disk. The file stays when the "
                    "socket is closed, until unlink() removes it, and its "
                    "permissions decide who may connect (on Linux, write "
                    "permission)",
                    c.addr);
        else if (strcmp(c.port, "0") == 0 && addr->sa_family != AF_UNIX)
            ss_tell(SS_K_BIND0, "port 0 asks the kernel to choose a free "
                                "port; getsockname() tells which it chose");
        else if (s != NULL && s->type == SOCK_STREAM)
            ss_tell(SS_K_BIND,
                    "fd %d now has the address %s. It takes no "
                    "connections until it listens: till then a client's "
                    "connect() to it is refused",
                    fd, c.addr);
        else if (s != NULL && s->type == SOCK_DGRAM)
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
    struct ss_call c = {0};
    int rc, err;

    ss_args(&c, "%d, %d", fd, backlog);
    ss_pre(&c, "listen");
    rc = listen(fd, backlog);
    err = errno;
    if (rc != 0) {
        /* The advice names the port the socket is bound to. */
        struct sockaddr_storage a;
        socklen_t alen = sizeof a;
        if (getsockname(fd, (struct sockaddr *)&a, &alen) == 0)
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
        else if (cap > 0)
            ss_tell(SS_K_LISTEN,
                    "fd %d now listens: the kernel completes "
                    "each client's handshake by itself and queues the "
                    "connection until accept() takes it. The backlog, %d, "
                    "limits that queue (Linux lets backlog+1 wait, and caps "
                    "the backlog at net.core.somaxconn, %ld here); past it, "
                    "new clients' handshakes are not answered and they "
                    "retry",
                    fd, backlog, cap);
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

static inline int ss_accept(int fd, struct sockaddr *addr, socklen_t *len)
{
    struct ss_call c = {0};
    struct ss_sock *l = ss_sock_find(fd), *s;
    int conn, err;

    ss_args(&c, "%d, %s, %s", fd, addr ? "&addr" : "NULL",
            len ? "&len" : "NULL");
    ss_pre(&c, "accept");
    conn = accept(fd, addr, len);
    err = errno;
    if (conn >= 0 && addr != NULL && len != NULL)
        ss_args(&c, "%d, %s, %u", fd, ss_addr_len(addr, *len).s,
                (unsigned)*len);
    ss_post(&c, conn, err);
    if (conn >= 0) {
        s = ss_sock_add(conn, SOCK_STREAM);
        if (s != NULL && l != NULL) {
            s->local = l->local;
            s->llen = l->llen;
            s->family = l->family;
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

static inline int ss_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    struct ss_call c = {0};
    struct ss_sock *s = ss_sock_find(fd);
    int rc, err;

    ss_args(&c, "%d, %s, %u", fd, ss_addr_len(addr, len).s, (unsigned)len);
    ss_ctx(&c, addr, len);
    ss_pre(&c, "connect");
    rc = connect(fd, addr, len);
    err = errno;
    ss_post(&c, rc, err);
    /* A refused or timed-out connect() leaves no peer (and no FIN). */
    if (s != NULL && len <= sizeof s->peer &&
        (rc == 0 || err == EINPROGRESS || err == EINTR || err == EALREADY)) {
        memcpy(&s->peer, addr, len);
        s->plen = len;
    }
    if (s != NULL)
        s->connected = rc == 0;
    if (rc == 0 && ss_type_of(fd) == SOCK_DGRAM)
        ss_tell(SS_K_CONNECT_UDP,
                "connect() on a UDP socket sends "
                "nothing: it fixes the peer, so send() needs no address "
                "and only that peer's datagrams are received");
    else if (rc == 0 && ss_is_unix(fd))
        ss_tell(SS_K_CONNECT_UNIX,
                "fd %d is connected: the kernel joined "
                "it to a new socket in the server's accept() queue, with no "
                "packet and no handshake. This end has no name of its own "
                "(unnamed): none is needed",
                fd);
    else if (rc == 0)
        ss_tell(SS_K_CONNECT,
                "the three-way handshake is done (SYN, "
                "SYN-ACK, ACK): fd %d is connected, and the kernel gave it "
                "a local port of its own",
                fd);
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
    struct ss_call c = {0};
    int rc, err;

    if (ss_muted)
        return shutdown(fd, how);
    ss_args(&c, "%d, %s", fd, ss_name_of(ss_hows, SS_COUNT(ss_hows), how).s);
    ss_pre(&c, "shutdown");
    rc = shutdown(fd, how);
    err = errno;
    ss_post(&c, rc, err);
    if (rc == 0 && how == SHUT_WR) {
        ss_tell(SS_K_SHUT,
                "shutdown(SHUT_WR) sends a FIN once the data "
                "already sent is out: the peer's recv() returns 0 after it "
                "has read everything. This side can still receive, and fd "
                "%d stays open. shutdown() acts on the connection, "
                "whatever other descriptors (fork(), dup()) refer to it",
                fd);
        ss_kernel(fd);
    } else if (rc == 0 && how == SHUT_RDWR) {
        ss_tell(SS_K_SHUT,
                "shutdown(SHUT_RDWR) sends a FIN once the data "
                "already sent is out, and stops receiving: what has "
                "arrived can still be read, but on Linux more data "
                "arriving makes the kernel reset the connection. fd %d "
                "stays open. shutdown() acts on the connection, whatever "
                "other descriptors (fork(), dup()) refer to it",
                fd);
        ss_kernel(fd);
    }
    errno = err;
    return rc;
}

static inline int ss_close(int fd)
{
    struct ss_call c = {0};
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
    rc = close(fd);
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
    struct ss_call c = {0};
    struct ss_sock *s = ss_sock_find(fd);
    int nfd, err;

    ss_args(&c, "%d", fd);
    ss_pre(&c, "dup");
    nfd = dup(fd);
    err = errno;
    ss_post(&c, nfd, err);
    if (nfd >= 0 && s != NULL) {
        struct ss_sock copy = *s, *d = ss_sock_add(nfd, s->type);
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
    struct ss_call c = {0};
    struct ss_sock *s = ss_sock_find(fd);
    int rc, err;

    ss_args(&c, "%d, &addr, &len", fd);
    ss_pre(&c, "getsockname");
    rc = getsockname(fd, addr, len);
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
    struct ss_call c = {0};
    int rc, err;

    ss_args(&c, "%d, &addr, &len", fd);
    ss_pre(&c, "getpeername");
    rc = getpeername(fd, addr, len);
    err = errno;
    if (rc == 0)
        ss_args(&c, "%d, %s, %u", fd, ss_addr_len(addr, *len).s,
                (unsigned)*len);
    ss_post(&c, rc, err);
    errno = err;
    return rc;
}

/* ------------------------------------------------------------------ */
/* Data.                                                               */
/* ------------------------------------------------------------------ */

static inline ssize_t ss_send(int fd, const void *buf, size_t len, int flags)
{
    struct ss_call c = {0};
    ssize_t n;
    int err;

    if (ss_muted)
        return send(fd, buf, len, flags);
    ss_args(&c, "%d, %s, %zu, %s", fd, ss_bytes(buf, (long)len).s, len,
            ss_flags_of(ss_msgflags, SS_COUNT(ss_msgflags), flags).s);
    ss_pre(&c, "send");
    n = send(fd, buf, len, flags);
    err = errno;
    ss_post(&c, (long)n, err);
    if (n >= 0) {
        if (ss_is_unix(fd))
            ss_tell(SS_K_SEND_UNIX,
                    "send() put %ld byte%s straight into "
                    "the receiving socket's queue: a Unix socket needs no "
                    "network, so no segments and no acknowledgements; the "
                    "peer has them as soon as its recv() takes them",
                    (long)n, n == 1 ? "" : "s");
        else
            ss_tell(SS_K_SEND,
                    "send() copied %ld byte%s into the kernel's "
                    "send buffer and returned; TCP delivers them later. A "
                    "return says nothing about whether the peer has them",
                    (long)n, n == 1 ? "" : "s");
#ifdef MSG_NOSIGNAL
        if (flags & MSG_NOSIGNAL)
            ss_tell(SS_K_NOSIGNAL,
                    "MSG_NOSIGNAL: if a send fails with "
                    "EPIPE, the kernel does not also send SIGPIPE, which "
                    "would end the program");
#endif
        if ((size_t)n < len)
            ss_wrap(4, 0, "",
                    "a short send: only part of the buffer was taken; the "
                    "rest must be sent with another send()",
                    "");
    }
    errno = err;
    return n;
}

static inline ssize_t ss_recv(int fd, void *buf, size_t len, int flags)
{
    struct ss_call c = {0};
    ssize_t n;
    int err;

    if (ss_muted)
        return recv(fd, buf, len, flags);
    ss_args(&c, "%d, buf, %zu, %s", fd, len,
            ss_flags_of(ss_msgflags, SS_COUNT(ss_msgflags), flags).s);
    ss_pre(&c, "recv");
    n = recv(fd, buf, len, flags);
    err = errno;
    if (n >= 0)
        ss_args(&c, "%d, %s, %zu, %s", fd,
                ss_bytes(buf, n > (ssize_t)len ? (long)len : (long)n).s, len,
                ss_flags_of(ss_msgflags, SS_COUNT(ss_msgflags), flags).s);
    ss_post(&c, (long)n, err);
    if (n > 0 && ss_type_of(fd) != SOCK_DGRAM && ss_is_unix(fd))
        ss_tell(SS_K_RECV_UNIX,
                "recv() returns whatever has arrived, up "
                "to %zu bytes: a stream socket keeps no boundaries between "
                "the peer's send()s",
                len);
    else if (n > 0 && ss_type_of(fd) != SOCK_DGRAM)
        ss_tell(SS_K_RECV,
                "recv() returns whatever has arrived, up to "
                "%zu bytes: TCP is a stream of bytes, and how the peer "
                "split it into send()s is not kept",
                len);
    if (n == 0 && len > 0 && ss_type_of(fd) != SOCK_DGRAM) {
        ss_wrap(4, 0, "",
                ss_is_unix(fd)
                    ? "recv() returned 0: the peer has closed its end, or "
                      "shut down its sending side. No more bytes will come, "
                      "and every later recv() returns 0 at once: a loop "
                      "must stop here"
                    : "recv() returned 0: the peer has closed its side (its "
                      "FIN arrived). No more bytes will come, and every "
                      "later recv() returns 0 at once: a loop must stop "
                      "here",
                "");
        ss_kernel(fd);
    }
    errno = err;
    return n;
}

static inline ssize_t ss_sendto(int fd, const void *buf, size_t len, int flags,
                                const struct sockaddr *to, socklen_t tolen)
{
    struct ss_call c = {0};
    struct ss_sock *s = ss_sock_find(fd);
    int unbound = s != NULL && s->llen == 0, err;
    ssize_t n;

    ss_args(&c, "%d, %s, %zu, %s, %s, %u", fd, ss_bytes(buf, (long)len).s, len,
            ss_flags_of(ss_msgflags, SS_COUNT(ss_msgflags), flags).s,
            ss_addr_len(to, tolen).s, (unsigned)tolen);
    ss_ctx(&c, to, tolen);
    ss_pre(&c, "sendto");
    n = sendto(fd, buf, len, flags, to, tolen);
    err = errno;
    ss_post(&c, (long)n, err);
    if (n >= 0) {
        ss_tell(SS_K_SENDTO,
                "one datagram of %ld byte%s handed to the "
                "kernel for %s. UDP never says whether it arrives",
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
    struct ss_call c = {0};
    ssize_t n;
    int err;

    ss_args(&c, "%d, buf, %zu, %s, %s, %s", fd, len,
            ss_flags_of(ss_msgflags, SS_COUNT(ss_msgflags), flags).s,
            from ? "&from" : "NULL", fromlen ? "&fromlen" : "NULL");
    ss_pre(&c, "recvfrom");
    n = recvfrom(fd, buf, len, flags, from, fromlen);
    err = errno;
    if (n >= 0)
        ss_args(&c, "%d, %s, %zu, %s, %s, %u", fd,
                ss_bytes(buf, n > (ssize_t)len ? (long)len : (long)n).s, len,
                ss_flags_of(ss_msgflags, SS_COUNT(ss_msgflags), flags).s,
                from && fromlen ? ss_addr_len(from, *fromlen).s : "NULL",
                fromlen ? (unsigned)*fromlen : 0U);
    ss_post(&c, (long)n, err);
    if (n >= 0 && ss_type_of(fd) == SOCK_DGRAM) {
        ss_tell(SS_K_RECVFROM,
                "one recvfrom() returns one whole datagram "
                "(here %ld byte%s) and says who sent it: UDP keeps the "
                "boundaries of what was sent",
                (long)n, n == 1 ? "" : "s");
        if ((size_t)n > len)
            ss_wrap(4, 0, "",
                    "the datagram was longer than the buffer: only the "
                    "first bytes were kept and the rest is lost "
                    "(MSG_TRUNC made recvfrom() return the real length)",
                    "");
    }
    errno = err;
    return n;
}

/* ------------------------------------------------------------------ */
/* Options.                                                            */
/* ------------------------------------------------------------------ */

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
    struct ss_call c = {0};
    struct ss_sock *s = ss_sock_find(fd);
    int rc, err, on = 0;

    ss_args(&c, "%d, %s, %s, %s, %u", fd,
            ss_name_of(ss_levels, SS_COUNT(ss_levels), level).s,
            ss_optname(level, name).s, ss_optval(level, name, v, len).s,
            (unsigned)len);
    ss_pre(&c, "setsockopt");
    rc = setsockopt(fd, level, name, v, len);
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
                    "12). It never lets two sockets listen on one port");
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
        if (!lg.l_onoff)
            ss_tell(SS_K_LINGER,
                    "SO_LINGER with l_onoff=0: close() "
                    "returns at once, and the kernel still sends what is "
                    "left, then the FIN (the default)");
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
        if (getsockopt(fd, level, name, &kept, &klen) == 0)
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
    struct ss_call c = {0};
    int rc, err;

    ss_args(&c, "%d, %s, %s, &val, &len", fd,
            ss_name_of(ss_levels, SS_COUNT(ss_levels), level).s,
            ss_optname(level, name).s);
    ss_pre(&c, "getsockopt");
    rc = getsockopt(fd, level, name, v, len);
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

/* ------------------------------------------------------------------ */
/* Names, waiting, processes (Part II).                                */
/* ------------------------------------------------------------------ */

/* glibc's EAI_ADDRFAMILY is declared only with _GNU_SOURCE. */
#if defined(EAI_ADDRFAMILY)
#define SS_EAI_ADDRFAMILY EAI_ADDRFAMILY
#elif defined(__GLIBC__)
#define SS_EAI_ADDRFAMILY (-9)
#endif

/* clang-format off */
static const struct ss_name ss_eai[] = {
    SS_N(EAI_AGAIN), SS_N(EAI_BADFLAGS), SS_N(EAI_FAIL), SS_N(EAI_FAMILY),
    SS_N(EAI_MEMORY), SS_N(EAI_NONAME), SS_N(EAI_SERVICE),
    SS_N(EAI_SOCKTYPE), SS_N(EAI_SYSTEM),
#ifdef SS_EAI_ADDRFAMILY
    {SS_EAI_ADDRFAMILY, "EAI_ADDRFAMILY"},
#endif
};
static const struct ss_name ss_aiflags[] = {
    SS_N(AI_PASSIVE), SS_N(AI_CANONNAME), SS_N(AI_NUMERICHOST),
    SS_N(AI_NUMERICSERV), SS_N(AI_ADDRCONFIG), SS_N(AI_V4MAPPED),
    SS_N(AI_ALL)};
/* clang-format on */

static inline const char *ss_eai_advice(int rc)
{
    switch (rc) {
    case EAI_NONAME:
        return "likely cause: the name is not in /etc/hosts and DNS does "
               "not know it (or, with AI_ADDRCONFIG, no address of a family "
               "this machine has); try: check the spelling, or give an "
               "address such as 127.0.0.1 or ::1";
    case EAI_AGAIN:
        return "likely cause: the name server could not be reached, or "
               "did not answer in time; try: again, or check the network "
               "and /etc/resolv.conf";
    case EAI_SERVICE:
        return "likely cause: the service name is not in /etc/services "
               "for this socket type; try: a port number";
    case EAI_FAMILY:
        return "likely cause: the address family asked for is not "
               "supported; try: AF_UNSPEC";
#ifdef SS_EAI_ADDRFAMILY
    case SS_EAI_ADDRFAMILY:
        return "likely cause: the address is of a family the hints leave "
               "out: another ai_family, or, with AI_ADDRCONFIG, a family "
               "this machine has no address of (127.0.0.1 and ::1 do not "
               "count); try: an address of the other family";
#endif
    default:
        return NULL;
    }
}

static inline int ss_getaddrinfo(const char *node, const char *service,
                                 const struct addrinfo *hints,
                                 struct addrinfo **res)
{
    struct ss_call c = {0};
    struct addrinfo *ai;
    char hint[200] = "NULL", shown_node[80], shown_serv[40];
    int rc, err;

    ss_escape(shown_node, sizeof shown_node, node ? node : "",
              node ? strlen(node) : 0, 1);
    ss_escape(shown_serv, sizeof shown_serv, service ? service : "",
              service ? strlen(service) : 0, 1);
    if (hints != NULL)
        snprintf(
            hint, sizeof hint, "{%.100s, %.30s, %.50s}",
            ss_flags_of(ss_aiflags, SS_COUNT(ss_aiflags), hints->ai_flags).s,
            ss_family_name(hints->ai_family).s,
            hints->ai_socktype ? ss_socktype_name(hints->ai_socktype).s : "0");
    snprintf(c.args, sizeof c.args, "%s%s%s, %s%s%s, %s, &res",
             node ? "\"" : "", node ? shown_node : "NULL", node ? "\"" : "",
             service ? "\"" : "", service ? shown_serv : "NULL",
             service ? "\"" : "", hint);
    ss_pre(&c, "getaddrinfo");
    rc = getaddrinfo(node, service, hints, res);
    err = errno;
    if (rc == 0) {
        char line[600];
        int i;
        snprintf(line, sizeof line, "getaddrinfo(%s) = 0", c.args);
        ss_step_done();
        ss_wrap(0, 4, "", line, SS_BOLD);
        for (ai = *res, i = 1; ai != NULL; ai = ai->ai_next, i++) {
            snprintf(line, sizeof line, "[%d] %s %s %s", i,
                     ss_family_name(ai->ai_family).s,
                     ss_socktype_name(ai->ai_socktype).s,
                     ss_addr_len(ai->ai_addr, ai->ai_addrlen).s);
            ss_wrap(4, 4, "", line, "");
        }
        ss_tell(SS_K_GAI,
                "getaddrinfo() made a list of addresses to try, "
                "in the order this machine prefers (see /etc/gai.conf); it "
                "belongs to the program until freeaddrinfo()");
    } else {
        char line[600];
        const char *advice = ss_eai_advice(rc);
        ss_step_done();
        snprintf(line, sizeof line, "getaddrinfo(%s) = %s (%s)", c.args,
                 ss_name_of(ss_eai, SS_COUNT(ss_eai), rc).s, gai_strerror(rc));
        ss_wrap(0, 4, "", line, SS_RED);
        if (advice != NULL)
            ss_wrap(4, 4, "", advice, "");
        if (rc == EAI_SYSTEM)
            ss_wrap(4, 4, "EAI_SYSTEM: errno says why: ", strerror(err), "");
    }
    errno = err;
    return rc;
}

static inline void ss_freeaddrinfo(struct addrinfo *res)
{
    struct ss_call c = {0};
    int err = errno;

    snprintf(c.args, sizeof c.args, "res");
    ss_pre(&c, "freeaddrinfo");
    freeaddrinfo(res);
    ss_step_done();
    ss_wrap(0, 4, "", "freeaddrinfo(res)", SS_BOLD);
    errno = err;
}

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
    rc = poll(fds, n, timeout);
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
                "an error to read with SO_ERROR, and POLLHUP that the "
                "connection is closed both ways (on Linux: a reset, a "
                "failed connect(), or both sides shut down; the peer's FIN "
                "alone shows as POLLIN, and recv() returns 0)");
    } else if (rc == 0) {
        ss_wrap(4, 4, "", "nothing was ready before the timeout", "");
    }
    errno = err;
    return rc;
}

static inline int ss_fcntl(int fd, int cmd, ...)
{
    struct ss_call c = {0};
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
    rc = has_arg ? fcntl(fd, cmd, arg) : fcntl(fd, cmd);
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

static inline pid_t ss_fork(void)
{
    struct ss_call c = {0};
    pid_t pid;
    int err, stepped;

    c.args[0] = '\0';
    ss_pre(&c, "fork");
    fflush(stdout); /* or the child would print the parent's buffer too */
    pid = fork();
    err = errno;
    /* One process at a time reads the terminal: --step stays with the
       parent, which also clears its own "running" line. */
    stepped = pid == 0 && ss_nar.step;
    if (stepped)
        ss_nar.step = 0;
    if (pid == 0) {
        /* from here on, each line the child prints says so */
        snprintf(ss_tag, sizeof ss_tag, "[child %ld] ", (long)getpid());
        ss_nlate = ss_late_lost = 0; /* the parent tells its handlers' */
    }
    ss_post(&c, (long)pid, err);
    if (pid == 0) {
        char line[120];
        snprintf(line, sizeof line,
                 "(in the child, pid %ld: fork() "
                 "returned 0 here)",
                 (long)getpid());
        ss_wrap(4, 4, "", line, "");
        if (stepped)
            ss_wrap(4, 4, "",
                    "--step goes on in the parent only: the "
                    "child runs without stopping",
                    "");
    } else if (pid > 0) {
        ss_tell(SS_K_FORK,
                "fork() made a child process, pid %ld: a copy "
                "of this one, with copies of all its descriptors, so each "
                "socket now has two. In the parent fork() returns the "
                "child's pid, in the child 0. When the child ends, the "
                "kernel sends the parent SIGCHLD",
                (long)pid);
    }
    errno = err;
    return pid;
}

static inline pid_t ss_waitpid(pid_t pid, int *status, int options)
{
    struct ss_call c = {0};
    pid_t rc;
    int err;

    if (ss_in_handler) { /* made now, told later (see ss_trampoline) */
        rc = waitpid(pid, status, options);
        err = errno;
        if (ss_nlate < SS_MAX_LATE) {
            int i = ss_nlate;
            ss_late[i].sig = ss_in_handler;
            ss_late[i].pid = (long)pid;
            ss_late[i].options = options;
            ss_late[i].has_status = status != NULL;
            ss_late[i].status = status != NULL && rc > 0 ? *status : 0;
            ss_late[i].rc = (long)rc;
            ss_late[i].err = err;
            ss_nlate = i + 1;
        } else {
            ss_late_lost++;
        }
        errno = err;
        return rc;
    }
    ss_wait_args(c.args, sizeof c.args, (long)pid, status != NULL, 0, options,
                 0);
    ss_pre(&c, "waitpid");
    rc = waitpid(pid, status, options);
    err = errno;
    ss_wait_args(c.args, sizeof c.args, (long)pid, status != NULL,
                 status != NULL && rc > 0 ? *status : 0, options, (long)rc);
    ss_post(&c, (long)rc, err);
    if (rc > 0)
        ss_tell(SS_K_WAIT,
                "waitpid() collected child %ld's exit status; "
                "until a parent does that, a child that has ended stays in "
                "the process table as a zombie (state Z)",
                (long)rc);
    errno = err;
    return rc;
}

/*
 * sigaction(): the lesson's handler runs inside ss_trampoline, so that
 * the calls it makes are told safely (see above). The kernel is given the
 * lesson's mask and flags as they are.
 */
static inline int ss_sigaction(int sig, const struct sigaction *act,
                               struct sigaction *old)
{
    struct ss_call c = {0};
    struct sigaction mine;
    const struct sigaction *use = act;
    void (*before)(int) = NULL;
    char what[120];
    int rc, err, wrapped = 0;

    if (act == NULL)
        snprintf(what, sizeof what, "NULL");
    else if (act->sa_handler == SIG_IGN)
        snprintf(what, sizeof what, "{SIG_IGN}");
    else if (act->sa_handler == SIG_DFL)
        snprintf(what, sizeof what, "{SIG_DFL}");
    else
        snprintf(what, sizeof what, "{handler%s%s}",
                 act->sa_flags & SA_RESTART ? ", SA_RESTART" : "",
                 act->sa_flags & SA_SIGINFO ? ", SA_SIGINFO" : "");
    ss_args(&c, "%s, %s, %s", ss_signame(sig), what,
            old != NULL ? "&old" : "NULL");
    if (act != NULL && !(act->sa_flags & SA_SIGINFO) &&
        act->sa_handler != SIG_IGN && act->sa_handler != SIG_DFL && sig > 0 &&
        sig < SS_NSIG) {
        mine = *act;
        mine.sa_handler = ss_trampoline;
        use = &mine;
        before = ss_handler[sig];
        ss_handler[sig] = act->sa_handler; /* before a signal can come */
        wrapped = 1;
    }
    ss_pre(&c, "sigaction");
    rc = sigaction(sig, use, old);
    err = errno;
    if (rc == -1 && wrapped)
        ss_handler[sig] = before;
    if (rc == 0 && old != NULL && old->sa_handler == ss_trampoline)
        old->sa_handler = before;
    if (rc == 0 && wrapped)
        ss_exit_hook = ss_late_flush;
    ss_post(&c, (long)rc, err);
    if (rc == 0 && wrapped)
        ss_tell(SS_K_SIGACTION,
                "from now on, when %s comes, the kernel "
                "stops the program wherever it is and runs the handler. %s",
                ss_signame(sig),
                act->sa_flags & SA_RESTART
                    ? "A call the handler interrupts is made again "
                      "(SA_RESTART), except, on Linux, a socket call with "
                      "a timeout (SO_RCVTIMEO, SO_SNDTIMEO): it fails with "
                      "EINTR"
                    : "A call it interrupts fails with EINTR");
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
        return fgets(buf, size, f);
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

/* ------------------------------------------------------------------ */
/* Limits, epoll and sendfile (Part II; epoll and sendfile: Linux).    */
/* ------------------------------------------------------------------ */

static const struct ss_name ss_rlimits[] = {
    SS_N(RLIMIT_NOFILE), SS_N(RLIMIT_CORE),  SS_N(RLIMIT_CPU),
    SS_N(RLIMIT_DATA),   SS_N(RLIMIT_FSIZE), SS_N(RLIMIT_STACK),
    SS_N(RLIMIT_AS)};

/* "{rlim_cur=1024, rlim_max=RLIM_INFINITY}" */
static inline struct ss_text ss_rlim_text(const struct rlimit *r)
{
    struct ss_text t;
    size_t o = 0;

    t.s[0] = '\0';
    if (r == NULL) {
        ss_tcat(&t, &o, "NULL");
        return t;
    }
    if (r->rlim_cur == RLIM_INFINITY)
        ss_tcat(&t, &o, "{rlim_cur=RLIM_INFINITY, ");
    else
        ss_tcat(&t, &o, "{rlim_cur=%llu, ", (unsigned long long)r->rlim_cur);
    if (r->rlim_max == RLIM_INFINITY)
        ss_tcat(&t, &o, "rlim_max=RLIM_INFINITY}");
    else
        ss_tcat(&t, &o, "rlim_max=%llu}", (unsigned long long)r->rlim_max);
    return t;
}

static inline int ss_getrlimit(int resource, struct rlimit *r)
{
    struct ss_call c = {0};
    int rc, err;

    ss_args(&c, "%s, &rlim",
            ss_name_of(ss_rlimits, SS_COUNT(ss_rlimits), resource).s);
    ss_pre(&c, "getrlimit");
    rc = getrlimit(resource, r);
    err = errno;
    if (rc == 0)
        ss_args(&c, "%s, %s",
                ss_name_of(ss_rlimits, SS_COUNT(ss_rlimits), resource).s,
                ss_rlim_text(r).s);
    ss_post(&c, rc, err);
    if (rc == 0 && resource == RLIMIT_NOFILE)
        ss_tell(SS_K_RLIMIT,
                "RLIMIT_NOFILE: a descriptor number must stay "
                "below the soft limit (rlim_cur), or socket(), accept() and "
                "open() fail with EMFILE. A process may raise its soft limit "
                "up to the hard limit (rlim_max) by itself; only root may "
                "raise the hard limit");
    errno = err;
    return rc;
}

static inline int ss_setrlimit(int resource, const struct rlimit *r)
{
    struct ss_call c = {0};
    int rc, err;

    ss_args(&c, "%s, %s",
            ss_name_of(ss_rlimits, SS_COUNT(ss_rlimits), resource).s,
            ss_rlim_text(r).s);
    ss_pre(&c, "setrlimit");
    rc = setrlimit(resource, r);
    err = errno;
    ss_post(&c, rc, err);
    if (rc == 0 && resource == RLIMIT_NOFILE)
        ss_tell(SS_K_RLIMIT,
                "RLIMIT_NOFILE: a descriptor number must stay "
                "below the soft limit (rlim_cur), or socket(), accept() and "
                "open() fail with EMFILE. A process may raise its soft limit "
                "up to the hard limit (rlim_max) by itself; only root may "
                "raise the hard limit");
    errno = err;
    return rc;
}

#ifdef __linux__
#include <sys/epoll.h>
#include <sys/sendfile.h>

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
    fd = epoll_create1(flags);
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
    rc = epoll_ctl(ep, op, fd, e);
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
    rc = epoll_wait(ep, ev, max, timeout);
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

static inline ssize_t ss_sendfile(int out, int in, off_t *offset, size_t count)
{
    struct ss_call c = {0};
    char before[40] = "NULL";
    ssize_t n;
    int err;

    if (ss_muted)
        return sendfile(out, in, offset, count);
    if (offset != NULL)
        snprintf(before, sizeof before, "[%lld]", (long long)*offset);
    ss_args(&c, "%d, %d, %s, %zu", out, in, before, count);
    ss_pre(&c, "sendfile");
    n = sendfile(out, in, offset, count);
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

/* ------------------------------------------------------------------ */
/* Socket pairs, and messages that carry descriptors (Part II).        */
/* ------------------------------------------------------------------ */

static inline int ss_socketpair(int domain, int type, int protocol, int sv[2])
{
    struct ss_call c = {0};
    int rc, err;

    ss_args(&c, "%s, %s, %d, sv", ss_family_name(domain).s,
            ss_socktype_name(type).s, protocol);
    ss_pre(&c, "socketpair");
    rc = socketpair(domain, type, protocol, sv);
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
                ss_sock_add(sv[i], type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC));
#else
            struct ss_sock *s = ss_sock_add(sv[i], type);
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
        struct cmsghdr *cm;
        ss_tcat(&t, &o, ", msg_control=[");
        for (cm = CMSG_FIRSTHDR(m); cm != NULL;
             cm = CMSG_NXTHDR((struct msghdr *)m, cm)) {
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
    struct ss_call c = {0};
    ssize_t n;
    int err;

    ss_args(&c, "%d, %s, %s", fd, ss_msg_text(m, -1).s,
            ss_flags_of(ss_msgflags, SS_COUNT(ss_msgflags), flags).s);
    ss_pre(&c, "sendmsg");
    n = sendmsg(fd, m, flags);
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
    struct ss_call c = {0};
    ssize_t n;
    int err;

    ss_args(&c, "%d, msg, %s", fd,
            ss_flags_of(ss_msgflags, SS_COUNT(ss_msgflags), flags).s);
    ss_pre(&c, "recvmsg");
    n = recvmsg(fd, m, flags);
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
                s = type != 0 ? ss_sock_add(got, type) : NULL;
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

/* ------------------------------------------------------------------ */
/* From here on, a lesson's calls are the narrated ones.               */
/* ------------------------------------------------------------------ */

#define socket(d, t, p)             ss_socket(d, t, p)
#define bind(f, a, l)               ss_bind(f, a, l)
#define listen(f, b)                ss_listen(f, b)
#define accept(f, a, l)             ss_accept(f, a, l)
#define connect(f, a, l)            ss_connect(f, a, l)
#define shutdown(f, h)              ss_shutdown(f, h)
#define close(f)                    ss_close(f)
#define dup(f)                      ss_dup(f)
#define getsockname(f, a, l)        ss_getsockname(f, a, l)
#define getpeername(f, a, l)        ss_getpeername(f, a, l)
#define send(f, b, n, fl)           ss_send(f, b, n, fl)
#define recv(f, b, n, fl)           ss_recv(f, b, n, fl)
#define sendto(f, b, n, fl, a, l)   ss_sendto(f, b, n, fl, a, l)
#define recvfrom(f, b, n, fl, a, l) ss_recvfrom(f, b, n, fl, a, l)
#define setsockopt(f, l, n, v, s)   ss_setsockopt(f, l, n, v, s)
#define getsockopt(f, l, n, v, s)   ss_getsockopt(f, l, n, v, s)
#define getaddrinfo(n, s, h, r)     ss_getaddrinfo(n, s, h, r)
#define freeaddrinfo(r)             ss_freeaddrinfo(r)
#define poll(f, n, t)               ss_poll(f, n, t)
#define fcntl                       ss_fcntl
#define fork()                      ss_fork()
#define waitpid(p, s, o)            ss_waitpid(p, s, o)
#define sigaction(s, a, o)          ss_sigaction(s, a, o)
#define fgets(b, n, f)              ss_fgets(b, n, f)
#define socketpair(d, t, p, v)      ss_socketpair(d, t, p, v)
#define sendmsg(f, m, fl)           ss_sendmsg(f, m, fl)
#define recvmsg(f, m, fl)           ss_recvmsg(f, m, fl)
#define getrlimit(r, l)             ss_getrlimit(r, l)
#define setrlimit(r, l)             ss_setrlimit(r, l)
#ifdef __linux__
#define epoll_create1(f)        ss_epoll_create1(f)
#define epoll_ctl(e, o, f, ev)  ss_epoll_ctl(e, o, f, ev)
#define epoll_wait(e, ev, n, t) ss_epoll_wait(e, ev, n, t)
#define sendfile(o, i, off, n)  ss_sendfile(o, i, off, n)
#endif

#endif /* SOCKSTEP_PLAIN */
#endif /* SS_CALLS_H */
