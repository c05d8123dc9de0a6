/*
 * sockstep.h - narration and command-line options for the sockstep lessons.
 *
 * Header-only, so one plain command builds a lesson:
 *     cc lessons/04-accept/accept.c -o accept
 *
 * The socket calls are never made here: every lesson writes its own calls
 * out, with their checks. This file only
 *   - parses the options every lesson shares (--host, --port, --timeout,
 *     --count, --step, --no-color, --help),
 *   - prints each call strace-style with its real arguments and the value it
 *     returned, and for a failure the errno name, its message, the likely
 *     cause and what to try,
 *   - shows what the kernel reports about a socket (Linux: /proc), and
 *   - on Ctrl-C or SIGTERM closes the sockets that are still open and exits.
 *
 * A lesson narrates a call in three steps:
 *     ss_next("bind(%d, %s, %u)", fd, ss_addr(&addr).s, len);
 *     int rc = bind(fd, (struct sockaddr *)&addr, len);
 *     ss_ret(rc);
 * ss_next() records the call (and in --step mode shows it and waits for
 * Enter); ss_ret() prints "bind(3, 127.0.0.1:8888, 16) = 0".
 *
 * Each lesson defines _POSIX_C_SOURCE 200809L before its includes.
 */
#ifndef SOCKSTEP_H
#define SOCKSTEP_H

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#if defined(__GNUC__) || defined(__clang__)
#define SS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define SS_NORETURN __attribute__((noreturn))
#else
#define SS_PRINTF(f, a)
#define SS_NORETURN
#endif

/* ------------------------------------------------------------------ */
/* Text values: returned by value, so no static buffers are shared.    */
/* ------------------------------------------------------------------ */

/* Fits "255.255.255.255:65535" and a quoted, escaped preview of data. */
struct ss_text {
    char s[64];
};

/* "127.0.0.1:8888" for an IPv4 socket address. Leaves errno alone. */
static inline struct ss_text ss_addr(const struct sockaddr_in *a)
{
    struct ss_text t;
    char ip[INET_ADDRSTRLEN];
    int saved = errno;

    if (a->sin_family != AF_INET ||
        inet_ntop(AF_INET, &a->sin_addr, ip, sizeof ip) == NULL)
        snprintf(t.s, sizeof t.s, "{family %d}", (int)a->sin_family);
    else
        snprintf(t.s, sizeof t.s, "%s:%u", ip, (unsigned)ntohs(a->sin_port));
    errno = saved;
    return t;
}

/*
 * "\"hello\\n\"" for data: a preview of at most 24 characters between the
 * quotes (escapes count), then "..." if there was more. Leaves errno.
 */
static inline struct ss_text ss_bytes(const void *buf, long len)
{
    struct ss_text t;
    const unsigned char *p = buf;
    char one[8];
    size_t o = 0;
    long i;
    int saved = errno;

    t.s[o++] = '"';
    for (i = 0; i < len; i++) {
        unsigned char c = p[i];
        size_t w;
        if (c == '\n')
            snprintf(one, sizeof one, "\\n");
        else if (c == '\r')
            snprintf(one, sizeof one, "\\r");
        else if (c == '\t')
            snprintf(one, sizeof one, "\\t");
        else if (c == '"' || c == '\\')
            snprintf(one, sizeof one, "\\%c", c);
        else if (c < 32 || c > 126)
            snprintf(one, sizeof one, "\\x%02x", c);
        else
            snprintf(one, sizeof one, "%c", c);
        w = strlen(one);
        if (o - 1 + w > 24)
            break;
        memcpy(t.s + o, one, w);
        o += w;
    }
    t.s[o++] = '"';
    t.s[o] = '\0';
    if (i < len)
        snprintf(t.s + o, sizeof t.s - o, "...");
    errno = saved;
    return t;
}

/* ------------------------------------------------------------------ */
/* Narration state. Only the narrator and the signal handler use it.   */
/* ------------------------------------------------------------------ */

#define SS_MAX_FDS 64

static struct {
    const char *prog;  /* "04-accept", for messages */
    int color;         /* ANSI colour on */
    int step;          /* --step, and stdin is a terminal */
    int stamps;        /* SOCKSTEP_TIMESTAMPS set: time every call */
    char call[160];    /* the call announced by ss_next() */
    struct timespec t0; /* when ss_next() let the call go */
} ss_narrator = {"sockstep", 0, 0, 0, "", {0, 0}};

/* Sockets that are open now: the signal handler closes these. */
static volatile sig_atomic_t ss_open_fds[SS_MAX_FDS];
static volatile sig_atomic_t ss_open_count;

#define SS_BOLD "\033[1m"
#define SS_RED "\033[1;31m"
#define SS_GREEN "\033[32m"
#define SS_CYAN "\033[36m"
#define SS_YELLOW "\033[1;33m"
#define SS_REVERSE "\033[1;7m"
#define SS_RESET "\033[0m"

static inline const char *ss_c(const char *code)
{
    return ss_narrator.color ? code : "";
}

/* Print text indented by `indent` columns, wrapped to stay within 78. */
static inline void ss_wrap(int indent, const char *prefix, const char *text)
{
    const char *p = text;
    int first = 1;
    int width = 78 - indent;

    while (*p != '\0') {
        int room = width - (first ? (int)strlen(prefix) : 0);
        int n = (int)strlen(p);
        if (n > room) {
            int cut = room;
            while (cut > 0 && p[cut] != ' ')
                cut--;
            n = cut > 0 ? cut : room;
        }
        printf("%*s%s%.*s\n", indent, "", first ? prefix : "", n, p);
        p += n;
        while (*p == ' ')
            p++;
        first = 0;
    }
}

/* One or more lines of plain English under the call just printed. */
static inline void ss_say(const char *fmt, ...) SS_PRINTF(1, 2);
static inline void ss_say(const char *fmt, ...)
{
    char text[512];
    va_list ap;
    int saved = errno;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    ss_wrap(4, "", text);
    errno = saved;
}

/* A heading between the stages of a lesson: "== 2. bind ==". */
static inline void ss_title(const char *fmt, ...) SS_PRINTF(1, 2);
static inline void ss_title(const char *fmt, ...)
{
    char text[160];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    printf("\n%s== %s ==%s\n", ss_c(SS_BOLD), text, ss_c(SS_RESET));
}

/*
 * Ask the person at the terminal for input, as visibly as a --step prompt:
 *     >>> type a line and press Enter (Ctrl-D ends)
 * Prints nothing when standard input is not a terminal.
 */
static inline void ss_ask(const char *text)
{
    if (!isatty(STDIN_FILENO))
        return;
    printf("\n%s>>> %s%s\n", ss_c(SS_BOLD), text, ss_c(SS_RESET));
}

/* ------------------------------------------------------------------ */
/* errno: its name, and what usually causes it in a socket program.    */
/* ------------------------------------------------------------------ */

struct ss_errinfo {
    int num;
    const char *call; /* only for this call, or NULL for any */
    const char *name;
    const char *cause;
    const char *fix;
};

/* clang-format off */
static const struct ss_errinfo ss_errors[] = {
    {EADDRINUSE, NULL, "EADDRINUSE",
     "another socket already has this address and port: another program, "
     "an earlier run still running, or a recently closed connection in "
     "TIME_WAIT",
     "use another --port, or --port 0 to let the kernel choose; see who "
     "holds it with: ss -tulpn | grep PORT"},
    {EADDRNOTAVAIL, NULL, "EADDRNOTAVAIL",
     "the address is not one of this machine's addresses",
     "use 127.0.0.1, or an address that 'ip addr' lists for this machine"},
    {EACCES, "bind", "EACCES",
     "ports below 1024 are reserved for privileged programs",
     "use a port of 1024 or above, or --port 0"},
    {EACCES, NULL, "EACCES",
     "permission denied (a firewall rule or a broadcast address)",
     "check the address and any firewall rules"},
    {ECONNREFUSED, "connect", "ECONNREFUSED",
     "nothing is listening on that address and port: the peer answered "
     "the SYN with a RST",
     "start the server first, and check --host and --port against its "
     "'listening on' line"},
    {ECONNREFUSED, NULL, "ECONNREFUSED",
     "an earlier datagram reached a port where nothing was listening",
     "start the receiver first, and check --host and --port"},
    {EINPROGRESS, "connect", "EINPROGRESS",
     "the handshake did not finish within --timeout (SO_SNDTIMEO ran out): "
     "the server may be too busy to answer, or packets are being dropped",
     "check the server is running and accepting, or raise --timeout"},
    {EALREADY, "connect", "EALREADY",
     "connect() was made again after a signal interrupted it, and the "
     "handshake still did not finish within --timeout (SO_SNDTIMEO)",
     "check the server is running and accepting, or raise --timeout"},
    {EAGAIN, "send", "EAGAIN",
     "the peer has not read what was sent for --timeout seconds: the "
     "buffers are full and the wait set with SO_SNDTIMEO ran out",
     "the peer must read what it is sent; or raise --timeout"},
    {EAGAIN, "sendto", "EAGAIN",
     "the send buffer stayed full for --timeout seconds (SO_SNDTIMEO)",
     "send less at a time, or raise --timeout"},
    {EAGAIN, NULL, "EAGAIN",
     "nothing arrived within --timeout: the wait set with SO_RCVTIMEO ran "
     "out",
     "start the peer sooner, or raise --timeout"},
    {ETIMEDOUT, NULL, "ETIMEDOUT",
     "the peer never answered: it is down, or packets are being dropped",
     "check the address and that the peer is reachable (ping it)"},
    {ECONNRESET, NULL, "ECONNRESET",
     "the peer reset the connection (it closed with data unread, or "
     "crashed, or used SO_LINGER 0)",
     "nothing to fix here: this side closes its end and carries on"},
    {EPIPE, NULL, "EPIPE",
     "the peer has closed the connection, so there is nobody to send to; "
     "MSG_NOSIGNAL turned the deadly SIGPIPE into this error",
     "stop sending to this peer and close the socket"},
    {ENETUNREACH, NULL, "ENETUNREACH",
     "no route to that network from this machine",
     "check --host; on one machine use 127.0.0.1"},
    {EHOSTUNREACH, NULL, "EHOSTUNREACH",
     "the host cannot be reached",
     "check --host and that the other machine is up"},
    {EINTR, NULL, "EINTR",
     "a signal interrupted the wait (for example Ctrl-Z then fg)",
     "nothing is wrong: the lesson simply makes the call again"},
    {EMFILE, NULL, "EMFILE",
     "this process has too many files open: sockets are not being closed",
     "close every socket when done with it (ulimit -n shows the limit)"},
    {ENFILE, NULL, "ENFILE", "the whole system has too many files open",
     "close programs, or raise the system's limit"},
    {EBADF, NULL, "EBADF", "the number is not an open file descriptor",
     "check the socket was created and not closed already"},
    {ENOTSOCK, NULL, "ENOTSOCK", "the descriptor is not a socket",
     "pass the number socket() or accept() returned"},
    {ENOTCONN, NULL, "ENOTCONN", "the socket is not connected",
     "connect() a TCP socket (or accept()) before sending on it"},
    {EISCONN, NULL, "EISCONN", "the socket is already connected",
     "connect() each socket once"},
    {EINVAL, NULL, "EINVAL",
     "an argument is not valid for this socket in its current state "
     "(for example binding a socket twice)",
     "check the order of the calls and their arguments"},
    {EAFNOSUPPORT, NULL, "EAFNOSUPPORT",
     "this address family is not supported here",
     "use AF_INET with a struct sockaddr_in"},
    {EPROTONOSUPPORT, NULL, "EPROTONOSUPPORT",
     "this protocol is not supported for this socket type",
     "pass 0 as the protocol to get the default"},
    {EMSGSIZE, NULL, "EMSGSIZE",
     "the datagram is too large to send in one piece",
     "send at most 65507 bytes per UDP datagram"},
    {ENOBUFS, NULL, "ENOBUFS", "the kernel ran out of buffer space",
     "slow down, or try again"},
    {ENOMEM, NULL, "ENOMEM", "the kernel ran out of memory",
     "close something and try again"},
    {EOPNOTSUPP, NULL, "EOPNOTSUPP",
     "this operation is not supported on this kind of socket",
     "listen() and accept() are for SOCK_STREAM sockets only"},
    {EPERM, NULL, "EPERM", "the operation is not permitted",
     "a firewall rule may block it; check as root with 'nft list ruleset'"},
};
/* clang-format on */

/* The entry for this errno (and this call, if one is more specific). */
static inline const struct ss_errinfo *ss_errinfo(int err, const char *call)
{
    size_t i, n = sizeof ss_errors / sizeof ss_errors[0];

    for (i = 0; i < n; i++) {
        const struct ss_errinfo *e = &ss_errors[i];
        if (e->num == err && (e->call == NULL || strcmp(e->call, call) == 0))
            return e;
    }
    return NULL;
}

/* "EADDRINUSE", or "errno 123" for an errno the table does not know. */
static inline struct ss_text ss_errname(int err)
{
    struct ss_text t;
    size_t i, n = sizeof ss_errors / sizeof ss_errors[0];

    for (i = 0; i < n; i++) {
        if (ss_errors[i].num == err) {
            snprintf(t.s, sizeof t.s, "%s", ss_errors[i].name);
            return t;
        }
    }
    snprintf(t.s, sizeof t.s, "errno %d", err);
    return t;
}

/* ------------------------------------------------------------------ */
/* Announcing and printing calls.                                      */
/* ------------------------------------------------------------------ */

/* Record the call about to be made. In --step mode, show it and wait. */
static inline void ss_next(const char *fmt, ...) SS_PRINTF(1, 2);
static inline void ss_next(const char *fmt, ...)
{
    va_list ap;
    int saved = errno;

    va_start(ap, fmt);
    vsnprintf(ss_narrator.call, sizeof ss_narrator.call, fmt, ap);
    va_end(ap);
    if (ss_narrator.step) {
        char c = 0;
        int typed = 0;
        /* Forget keys pressed early: one Enter runs exactly one call. */
        tcflush(STDIN_FILENO, TCIFLUSH);
        printf("\n%s>>> next: %s %s\n", ss_c(SS_REVERSE), ss_narrator.call,
               ss_c(SS_RESET));
        printf("%s>>> press Enter to run it (Ctrl-C to stop)%s ",
               ss_c(SS_BOLD), ss_c(SS_RESET));
        fflush(stdout);
        while (read(STDIN_FILENO, &c, 1) == 1 && c != '\n')
            typed++;
        if (typed > 0)
            printf("    (only Enter runs the call: the %d character%s typed "
                   "here were not used)\n",
                   typed, typed == 1 ? "" : "s");
    }
    clock_gettime(CLOCK_REALTIME, &ss_narrator.t0);
    errno = saved;
}

static inline void ss_track(const char *call, long ret)
{
    int fd, i;

    if (ret < 0)
        return;
    if (strncmp(call, "socket(", 7) == 0 || strncmp(call, "accept(", 7) == 0) {
        if (ss_open_count < SS_MAX_FDS)
            ss_open_fds[ss_open_count++] = (int)ret;
    } else if (sscanf(call, "close(%d)", &fd) == 1) {
        for (i = 0; i < ss_open_count; i++) {
            if (ss_open_fds[i] == fd) {
                ss_open_fds[i] = ss_open_fds[ss_open_count - 1];
                ss_open_count--;
                break;
            }
        }
    }
}

/*
 * Print the announced call with what it returned:
 *     bind(3, 127.0.0.1:8888, 16) = 0
 *     connect(3, 127.0.0.1:9, 16) = -1 ECONNREFUSED (Connection refused)
 * A failure is followed by its likely cause and what to try.
 * Returns ret and leaves errno as the call left it.
 */
static inline long ss_ret(long ret)
{
    int err = errno;
    struct timespec t1;
    char name[32];
    size_t n = strcspn(ss_narrator.call, "(");

    clock_gettime(CLOCK_REALTIME, &t1);
    snprintf(name, sizeof name, "%.*s", (int)n, ss_narrator.call);
    ss_track(ss_narrator.call, ret);
    if (ss_narrator.stamps)
        printf("[%ld.%06ld %ld.%06ld] ", (long)ss_narrator.t0.tv_sec,
               ss_narrator.t0.tv_nsec / 1000, (long)t1.tv_sec,
               t1.tv_nsec / 1000);
    if (ret != -1) {
        printf("%s%s%s = %s%ld%s\n", ss_c(SS_BOLD), ss_narrator.call,
               ss_c(SS_RESET), ss_c(SS_GREEN), ret, ss_c(SS_RESET));
    } else {
        const struct ss_errinfo *e = ss_errinfo(err, name);
        printf("%s%s%s = %s-1 %s (%s)%s\n", ss_c(SS_BOLD), ss_narrator.call,
               ss_c(SS_RESET), ss_c(SS_RED), ss_errname(err).s,
               strerror(err), ss_c(SS_RESET));
        if (e != NULL) {
            ss_wrap(4, "likely cause: ", e->cause);
            ss_wrap(4, "try: ", e->fix);
        }
    }
    errno = err;
    return ret;
}

/* Like ss_ret(), but first rewrite the call with what it filled in. */
static inline long ss_ret_as(long ret, const char *fmt, ...) SS_PRINTF(2, 3);
static inline long ss_ret_as(long ret, const char *fmt, ...)
{
    va_list ap;
    int err = errno;

    va_start(ap, fmt);
    vsnprintf(ss_narrator.call, sizeof ss_narrator.call, fmt, ap);
    va_end(ap);
    errno = err;
    return ss_ret(ret);
}

/* A wait that ran out: say so plainly (the lesson then exits 1). */
static inline void ss_timed_out(const char *what, int seconds)
{
    printf("%s!! timed out%s: %s within --timeout %d s; giving up\n",
           ss_c(SS_RED), ss_c(SS_RESET), what, seconds);
}

/* ------------------------------------------------------------------ */
/* What the kernel sees (Linux: /proc). Elsewhere these print nothing. */
/* ------------------------------------------------------------------ */

/* One line of /proc/net/tcp or /proc/net/udp. */
struct ss_procsock {
    struct sockaddr_in local, remote;
    int state;
    unsigned long txq, rxq, inode;
};

static inline const char *ss_tcp_state(int st)
{
    static const char *const names[] = {
        "?",          "ESTABLISHED", "SYN_SENT",   "SYN_RECV",
        "FIN_WAIT1",  "FIN_WAIT2",   "TIME_WAIT",  "CLOSE",
        "CLOSE_WAIT", "LAST_ACK",    "LISTEN",     "CLOSING"};
    return st > 0 && st < 12 ? names[st] : "?";
}

/* Read the next entry of an open /proc/net file; 1 if one was read. */
static inline int ss_proc_next(FILE *f, struct ss_procsock *s)
{
    char line[512];
    unsigned la, lp, ra, rp, st;

    while (fgets(line, sizeof line, f) != NULL) {
        if (sscanf(line,
                   " %*d: %x:%x %x:%x %x %lx:%lx %*x:%*x %*x %*u %*d %lu",
                   &la, &lp, &ra, &rp, &st, &s->txq, &s->rxq,
                   &s->inode) != 8)
            continue; /* the header line */
        memset(&s->local, 0, sizeof s->local);
        memset(&s->remote, 0, sizeof s->remote);
        s->local.sin_family = s->remote.sin_family = AF_INET;
        s->local.sin_addr.s_addr = la; /* /proc prints it in memory order */
        s->remote.sin_addr.s_addr = ra;
        s->local.sin_port = htons((unsigned short)lp);
        s->remote.sin_port = htons((unsigned short)rp);
        s->state = (int)st;
        return 1;
    }
    return 0;
}

/* Describe one entry: "tcp 127.0.0.1:8888 LISTEN, 0 waiting for ..." */
static inline void ss_proc_say(const char *proto, const struct ss_procsock *s)
{
    char text[256];
    int udp = strcmp(proto, "udp") == 0;
    int n = snprintf(text, sizeof text, "%s %s", proto, ss_addr(&s->local).s);

    if (s->remote.sin_port != 0)
        n += snprintf(text + n, sizeof text - (size_t)n, " -> %s",
                      ss_addr(&s->remote).s);
    if (udp)
        n += snprintf(text + n, sizeof text - (size_t)n, "%s",
                      s->remote.sin_port != 0 ? " (connected)" : "");
    else
        n += snprintf(text + n, sizeof text - (size_t)n, " %s",
                      ss_tcp_state(s->state));
    if (!udp && s->state == 10)
        n += snprintf(text + n, sizeof text - (size_t)n,
                      ", %lu waiting for accept()", s->rxq);
    else if (udp && s->rxq > 0)
        n += snprintf(text + n, sizeof text - (size_t)n,
                      ", %lu bytes of receive buffer hold unread datagrams",
                      s->rxq);
    else if (s->state == 1 && (s->rxq > 0 || s->txq > 0))
        n += snprintf(text + n, sizeof text - (size_t)n,
                      ", %lu bytes unread, %lu unsent", s->rxq, s->txq);
    if (s->inode == 0 && !udp) {
        const char *why = ", closed by its program; the kernel finishes the "
                          "goodbye alone";
        if (s->state == 1 || s->state == 3)
            why = ", not accept()ed yet";
        else if (s->state == 6)
            why = ", owned by no process now";
        n += snprintf(text + n, sizeof text - (size_t)n, "%s", why);
    }
    snprintf(text + n, sizeof text - (size_t)n, " (from /proc/net/%s)", proto);
    printf("%s", ss_c(SS_CYAN));
    ss_wrap(4, "kernel: ", text);
    printf("%s", ss_c(SS_RESET));
}

/* What /proc says about the socket behind fd. */
static inline void ss_kernel(int fd)
{
#ifdef __linux__
    static const char *const protos[] = {"tcp", "udp"};
    char path[64], link[64], text[512];
    unsigned long inode = 0;
    ssize_t len;
    int saved = errno;
    size_t i;

    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    len = readlink(path, link, sizeof link - 1);
    if (len < 0) {
        errno = saved;
        return;
    }
    link[len] = '\0';
    if (sscanf(link, "socket:[%lu]", &inode) != 1) {
        snprintf(text, sizeof text, "fd %d -> %s (from %s)", fd, link, path);
        ss_wrap(4, "kernel: ", text);
        errno = saved;
        return;
    }
    for (i = 0; i < 2; i++) {
        struct ss_procsock s;
        FILE *f;
        snprintf(path, sizeof path, "/proc/net/%s", protos[i]);
        f = fopen(path, "r");
        if (f == NULL)
            continue;
        while (ss_proc_next(f, &s)) {
            if (s.inode == inode) {
                fclose(f);
                ss_proc_say(protos[i], &s);
                errno = saved;
                return;
            }
        }
        fclose(f);
    }
    snprintf(text, sizeof text,
             "fd %d is %s (from /proc/self/fd/%d); it is not in "
             "/proc/net/tcp or /proc/net/udp, which list a TCP socket only "
             "while it listens or has a live connection (a finished one "
             "may linger there in TIME_WAIT, owned by no fd), and a UDP "
             "socket once it has an address",
             fd, link, fd);
    printf("%s", ss_c(SS_CYAN));
    ss_wrap(4, "kernel: ", text);
    printf("%s", ss_c(SS_RESET));
    errno = saved;
#else
    (void)fd;
#endif
}

/*
 * Every entry of /proc/net/PROTO with this local or remote port, printed
 * unless quiet. Returns how many there were, or -1 where /proc is missing.
 * Sockets that no process holds (waiting in a backlog, or in TIME_WAIT)
 * are only found this way: they have no file descriptor.
 */
static inline int ss_kernel_port(const char *proto, unsigned port, int quiet)
{
#ifdef __linux__
    char path[32];
    struct ss_procsock s;
    int count = 0;
    int saved = errno;
    FILE *f;

    snprintf(path, sizeof path, "/proc/net/%s", proto);
    f = fopen(path, "r");
    if (f == NULL) {
        errno = saved;
        return -1;
    }
    while (ss_proc_next(f, &s)) {
        if (ntohs(s.local.sin_port) != port &&
            ntohs(s.remote.sin_port) != port)
            continue;
        count++;
        if (!quiet)
            ss_proc_say(proto, &s);
    }
    fclose(f);
    errno = saved;
    return count;
#else
    (void)proto;
    (void)port;
    (void)quiet;
    return -1;
#endif
}

/* ------------------------------------------------------------------ */
/* Signals: Ctrl-C and SIGTERM close what is open and exit.            */
/* ------------------------------------------------------------------ */

/* Append a number to buf, in the handler where printf is not allowed. */
static inline size_t ss_put_num(char *buf, size_t o, size_t cap, long v)
{
    char digits[24];
    int n = 0;

    if (v < 0) {
        if (o < cap)
            buf[o++] = '-';
        v = -v;
    }
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    while (n > 0 && o < cap)
        buf[o++] = digits[--n];
    return o;
}

static inline size_t ss_put_str(char *buf, size_t o, size_t cap,
                                const char *s)
{
    while (*s != '\0' && o < cap)
        buf[o++] = *s++;
    return o;
}

/* Only async-signal-safe calls here: close(), write() and _exit(). */
static void ss_on_signal(int sig)
{
    char msg[512];
    size_t o = 0, cap = sizeof msg - 1;
    int i;

    o = ss_put_str(msg, o, cap, sig == SIGINT ? "\n^C: caught SIGINT"
                                              : "\ncaught SIGTERM");
    o = ss_put_str(msg, o, cap, ", closing what is open:");
    for (i = ss_open_count - 1; i >= 0; i--) {
        int rc = close(ss_open_fds[i]);
        o = ss_put_str(msg, o, cap, " close(");
        o = ss_put_num(msg, o, cap, ss_open_fds[i]);
        o = ss_put_str(msg, o, cap, ") = ");
        o = ss_put_num(msg, o, cap, rc);
        o = ss_put_str(msg, o, cap, i > 0 ? "," : ";");
    }
    if (ss_open_count == 0)
        o = ss_put_str(msg, o, cap, " nothing;");
    o = ss_put_str(msg, o, cap, "\n    exit status ");
    o = ss_put_num(msg, o, cap, 128 + sig);
    msg[o++] = '\n';
    if (write(STDOUT_FILENO, msg, o) < 0)
        _exit(128 + sig);
    _exit(128 + sig);
}

/* ------------------------------------------------------------------ */
/* Command-line options.                                               */
/* ------------------------------------------------------------------ */

/* Options a lesson may take besides the common ones. */
enum { SS_OPT_COUNT = 1, SS_OPT_MESSAGE = 2 };

/* What a lesson tells ss_start() about itself. */
struct ss_lesson {
    const char *name;    /* "04-accept" */
    const char *summary; /* one line: what it does */
    const char *example; /* usage example line(s) */
    unsigned short port; /* default --port */
    unsigned options;    /* SS_OPT_COUNT, SS_OPT_MESSAGE */
    long count;          /* default --count; 0 = no limit */
};

/* The options, as parsed. */
struct ss_options {
    struct in_addr host;           /* --host */
    char host_text[INET_ADDRSTRLEN];
    unsigned short port;           /* --port, host byte order */
    int timeout;                   /* --timeout, in seconds */
    long count;                    /* --count; 0 = no limit */
    const char *message;           /* --message, or NULL */
    int step;                      /* --step */
};

static inline void ss_usage(const struct ss_lesson *l, FILE *to)
{
    fprintf(to, "%s: %s\n\n", l->name, l->summary);
    fprintf(to, "usage: build/%s [options]\n\n", l->name);
    fprintf(to, "options:\n");
    fprintf(to, "  --host ADDR   IPv4 address (default 127.0.0.1)\n");
    fprintf(to, "  --port N      port 0..65535 (default %u; 0 = the kernel "
                "chooses)\n",
            (unsigned)l->port);
    fprintf(to, "  --timeout S   seconds any wait may last (default 30)\n");
    if (l->options & SS_OPT_COUNT) {
        if (l->count > 0)
            fprintf(to, "  --count N     how many to handle (default %ld)\n",
                    l->count);
        else
            fprintf(to, "  --count N     how many to handle (default: no "
                        "limit; it stops at Ctrl-C\n"
                        "                or when a wait reaches --timeout)\n");
    }
    if (l->options & SS_OPT_MESSAGE)
        fprintf(to, "  --message T   send T as one datagram instead of "
                    "reading lines\n");
    fprintf(to, "  --step        wait for Enter before each socket call\n");
    fprintf(to, "  --no-color    no colour (also when NO_COLOR is set)\n");
    fprintf(to, "  -h, --help    this help\n\n");
    fprintf(to, "example:\n%s\n", l->example);
}

/* Bad command line: one line naming the option, then exit status 2. */
static inline SS_NORETURN void ss_bad(const struct ss_lesson *l,
                                      const char *opt, const char *wants,
                                      const char *got)
{
    if (got != NULL)
        fprintf(stderr, "%s: %s: expected %s, got '%s' (see --help)\n",
                l->name, opt, wants, got);
    else
        fprintf(stderr, "%s: %s: expected %s (see --help)\n", l->name, opt,
                wants);
    exit(2);
}

/* What an option that takes a value accepts: said when it is wrong. */
static inline const char *ss_wants(const char *name)
{
    if (strcmp(name, "--host") == 0)
        return "an IPv4 address such as 127.0.0.1 (names are not looked up)";
    if (strcmp(name, "--port") == 0)
        return "a port from 0 to 65535";
    if (strcmp(name, "--timeout") == 0)
        return "whole seconds from 1 to 86400";
    if (strcmp(name, "--count") == 0)
        return "a whole number from 1 to 1000000";
    return "a text";
}

/* A whole decimal number from lo to hi, or exit 2 naming the option. */
static inline long ss_number(const struct ss_lesson *l, const char *opt,
                             const char *text, long lo, long hi)
{
    const char *wants = ss_wants(opt);
    char *end;
    long v;

    if (text == NULL)
        ss_bad(l, opt, wants, NULL);
    errno = 0;
    v = strtol(text, &end, 10);
    if (text[0] == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi ||
        text[0] == ' ' || text[0] == '+')
        ss_bad(l, opt, wants, text);
    return v;
}

/* The options that take no value: "--step=1" is "no value", but
 * "--count=1" where there is no --count is an unknown option. */
static inline int ss_is_flag(const char *name)
{
    return strcmp(name, "--step") == 0 || strcmp(name, "--no-color") == 0 ||
           strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0;
}

/*
 * Parse the command line, set up output and signals. Exits 0 after
 * --help and 2 on a bad option, with one line on stderr naming it.
 */
static inline void ss_start(const struct ss_lesson *l, struct ss_options *o,
                            int argc, char **argv)
{
    struct sigaction sa;
    const char *no_color = getenv("NO_COLOR");
    int color = isatty(STDOUT_FILENO) &&
                (no_color == NULL || no_color[0] == '\0');
    int i;

    memset(o, 0, sizeof *o);
    o->host.s_addr = htonl(INADDR_LOOPBACK);
    o->port = l->port;
    o->timeout = 30;
    o->count = l->count;
    ss_narrator.prog = l->name;

    for (i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *val = NULL;
        const char *eq = strchr(arg, '=');
        char name[64];
        int takes;

        if (strncmp(arg, "--", 2) == 0 && eq != NULL) {
            snprintf(name, sizeof name, "%.*s", (int)(eq - arg), arg);
            val = eq + 1;
        } else {
            snprintf(name, sizeof name, "%s", arg);
        }
        takes = strcmp(name, "--host") == 0 || strcmp(name, "--port") == 0 ||
                strcmp(name, "--timeout") == 0 ||
                (strcmp(name, "--count") == 0 && (l->options & SS_OPT_COUNT)) ||
                (strcmp(name, "--message") == 0 &&
                 (l->options & SS_OPT_MESSAGE));
        if (takes && val == NULL) {
            if (i + 1 >= argc) {
                char wants[96];
                snprintf(wants, sizeof wants, "%s after it", ss_wants(name));
                ss_bad(l, name, wants, NULL);
            }
            val = argv[++i];
        }
        if (!takes && val != NULL && ss_is_flag(name))
            ss_bad(l, name, "no value", val);

        if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0) {
            ss_usage(l, stdout);
            exit(0);
        } else if (strcmp(name, "--host") == 0) {
            if (inet_pton(AF_INET, val, &o->host) != 1)
                ss_bad(l, name, ss_wants(name), val);
        } else if (strcmp(name, "--port") == 0) {
            o->port = (unsigned short)ss_number(l, name, val, 0, 65535);
        } else if (strcmp(name, "--timeout") == 0) {
            o->timeout = (int)ss_number(l, name, val, 1, 86400);
        } else if (strcmp(name, "--count") == 0 &&
                   (l->options & SS_OPT_COUNT)) {
            o->count = ss_number(l, name, val, 1, 1000000);
        } else if (strcmp(name, "--message") == 0 &&
                   (l->options & SS_OPT_MESSAGE)) {
            if (val == NULL || strlen(val) > 65507)
                ss_bad(l, "--message", "at most 65507 bytes", NULL);
            o->message = val;
        } else if (strcmp(name, "--step") == 0) {
            o->step = 1;
        } else if (strcmp(name, "--no-color") == 0) {
            color = 0;
        } else {
            fprintf(stderr, "%s: %s: unknown option (see --help)\n", l->name,
                    name);
            exit(2);
        }
    }
    inet_ntop(AF_INET, &o->host, o->host_text, sizeof o->host_text);

    /* Line-buffered: a pipe sees every line as soon as it is printed. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    ss_narrator.color = color;
    ss_narrator.stamps = getenv("SOCKSTEP_TIMESTAMPS") != NULL;
    /* --step reads Enter from standard input, and only from a terminal:
       no extra descriptor is opened, so fd numbers match a normal run. */
    ss_narrator.step = o->step && isatty(STDIN_FILENO);

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = ss_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

#endif /* SOCKSTEP_H */
