/*
 * ss_kernel.h - what the kernel reports about a socket. On Linux it reads
 * /proc/self/fd and /proc/net/{tcp,tcp6,udp,udp6,unix}; elsewhere these
 * functions print nothing and find nothing.
 *
 * A socket is found by its inode (the number in "socket:[12345]"). Some
 * entries have no inode, because no descriptor owns them: a connection
 * waiting in a listening socket's queue, one whose program has closed it
 * while the kernel finishes the goodbye, and every TIME_WAIT entry. Those
 * are found by their addresses.
 *
 * When a /proc file cannot be read, the narration says so, with the errno,
 * and concludes nothing from it.
 *
 * Part of sockstep.h; include that, not this.
 */
#ifndef SS_KERNEL_H
#define SS_KERNEL_H

/* ss_once() keys of this room (ss_calls.h numbers its own from 32). */
enum { SS_K_UNLISTED = 0 };

/* One line of /proc/net/tcp, tcp6, udp or udp6. */
struct ss_procsock {
    const char *proto; /* "tcp", "udp" (also for tcp6, udp6) */
    struct sockaddr_storage local, remote;
    int state;
    unsigned long txq, rxq, inode;
};

enum {
    SS_TCP_ESTABLISHED = 1,
    SS_TCP_SYN_SENT,
    SS_TCP_SYN_RECV,
    SS_TCP_FIN_WAIT1,
    SS_TCP_FIN_WAIT2,
    SS_TCP_TIME_WAIT,
    SS_TCP_CLOSE,
    SS_TCP_CLOSE_WAIT,
    SS_TCP_LAST_ACK,
    SS_TCP_LISTEN,
    SS_TCP_CLOSING
};

/* The state's name as /proc's numbers mean it (ss prints FIN-WAIT-2 for
   FIN_WAIT2: the same state). */
static inline const char *ss_tcp_state(int st)
{
    static const char *const names[] = {
        "?",          "ESTABLISHED", "SYN_SENT",  "SYN_RECV",
        "FIN_WAIT1",  "FIN_WAIT2",   "TIME_WAIT", "CLOSE",
        "CLOSE_WAIT", "LAST_ACK",    "LISTEN",    "CLOSING"};
    return st > 0 && st < 12 ? names[st] : "?";
}

/*
 * The parsing below is written out by hand, not with sscanf(): a busy
 * machine lists tens of thousands of connections (TIME_WAIT ones among
 * them), each narrated call may read the whole list, and sscanf() made
 * that slow enough to be felt.
 */

/* The value of hex digit C, or -1. */
static inline int ss_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Read up to MAX hex digits at *P into *V (at least one); 0 if there were
   none. *P moves past them. */
static inline int ss_hexnum(const char **p, int max, unsigned long *v)
{
    int d, n = 0;

    *v = 0;
    while (n < max && (d = ss_hexval(**p)) >= 0) {
        *v = *v * 16 + (unsigned long)d;
        ++*p;
        n++;
    }
    return n > 0;
}

static inline void ss_skip_blanks(const char **p)
{
    while (**p == ' ' || **p == '\t')
        ++*p;
}

/* Parse "0100007F:22B8" (v4) or 32 hex digits ":port" (v6) at *P. Each
   group of 8 digits is one 32-bit word in memory order. */
static inline int ss_proc_addr(const char **p, struct sockaddr_storage *ss)
{
    const char *q;
    unsigned long port, w;
    uint32_t words[4];
    int n = 0, i;

    memset(ss, 0, sizeof *ss);
    ss_skip_blanks(p);
    for (q = *p; ss_hexval(*q) >= 0; q++)
        n++;
    if ((n != 8 && n != 32) || *q != ':')
        return -1;
    for (i = 0; i < n / 8; i++) {
        ss_hexnum(p, 8, &w);
        words[i] = (uint32_t)w;
    }
    ++*p; /* the ':' */
    if (!ss_hexnum(p, 4, &port))
        return -1;
    if (n == 32) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
        a->sin6_family = AF_INET6;
        memcpy(&a->sin6_addr, words, sizeof words);
        a->sin6_port = htons((unsigned short)port);
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)ss;
        a->sin_family = AF_INET;
        memcpy(&a->sin_addr, &words[0], sizeof words[0]);
        a->sin_port = htons((unsigned short)port);
    }
    return 0;
}

/* Skip one field of blanks and non-blanks. */
static inline void ss_skip_field(const char **p)
{
    ss_skip_blanks(p);
    while (**p != '\0' && **p != ' ' && **p != '\t')
        ++*p;
}

/* Parse one line of /proc/net/{tcp,udp}[6]:
   "  sl  local_address rem_address   st tx_queue:rx_queue tr:tm->when
   retrnsmt   uid  timeout inode ..."; 0 if it is one (not the header). */
static inline int ss_proc_line(const char *p, struct ss_procsock *s)
{
    unsigned long st;
    int i;

    ss_skip_blanks(&p);
    while (*p >= '0' && *p <= '9')
        p++;
    if (*p++ != ':')
        return -1; /* the header line */
    if (ss_proc_addr(&p, &s->local) != 0 || ss_proc_addr(&p, &s->remote) != 0)
        return -1;
    ss_skip_blanks(&p);
    if (!ss_hexnum(&p, 2, &st))
        return -1;
    ss_skip_blanks(&p);
    if (!ss_hexnum(&p, 8, &s->txq) || *p++ != ':' || !ss_hexnum(&p, 8, &s->rxq))
        return -1;
    for (i = 0; i < 4; i++) /* tr:tm->when, retrnsmt, uid, timeout */
        ss_skip_field(&p);
    ss_skip_blanks(&p);
    if (*p < '0' || *p > '9')
        return -1;
    s->inode = strtoul(p, NULL, 10);
    s->state = (int)st;
    return 0;
}

/* Read the next entry of an open /proc/net/{tcp,udp}[6]; 1 if one was. */
static inline int ss_proc_next(FILE *f, struct ss_procsock *s)
{
    char line[512];

    while (fgets(line, sizeof line, f) != NULL)
        if (ss_proc_line(line, s) == 0)
            return 1;
    return 0;
}

static inline unsigned ss_port_of(const struct sockaddr_storage *a)
{
    if (a->ss_family == AF_INET)
        return ntohs(((const struct sockaddr_in *)a)->sin_port);
    if (a->ss_family == AF_INET6)
        return ntohs(((const struct sockaddr_in6 *)a)->sin6_port);
    return 0;
}

/* Same address and port? An IPv4 address also matches its ::ffff: form. */
static inline int ss_same_addr(const struct sockaddr_storage *a,
                               const struct sockaddr_storage *b)
{
    unsigned char x[16] = {0}, y[16] = {0};
    const struct sockaddr_storage *p[2] = {a, b};
    unsigned char *out[2] = {x, y};
    int i;

    if (ss_port_of(a) != ss_port_of(b))
        return 0;
    for (i = 0; i < 2; i++) {
        memset(out[i], 0, 16);
        if (p[i]->ss_family == AF_INET) {
            out[i][10] = out[i][11] = 0xff;
            memcpy(out[i] + 12, &((const struct sockaddr_in *)p[i])->sin_addr,
                   4);
        } else if (p[i]->ss_family == AF_INET6) {
            memcpy(out[i], &((const struct sockaddr_in6 *)p[i])->sin6_addr, 16);
        } else {
            return 0;
        }
    }
    return memcmp(x, y, 16) == 0;
}

static inline void ss_kernel_line(const char *text)
{
    ss_wrap(4, 4, "kernel: ", text, SS_CYAN);
}

/* "could not read /proc/net/tcp: EMFILE (Too many open files)" */
static inline void ss_proc_failed(const char *path, int err)
{
    char text[400];

    snprintf(text, sizeof text,
             "could not read %s: %s (%s); nothing is "
             "concluded from it",
             path, ss_errname(err).s, strerror(err));
    ss_kernel_line(text);
}

/* Describe one entry, as truthfully as /proc allows. */
static inline void ss_proc_say(const struct ss_procsock *s, const char *file)
{
#ifndef SOCKSTEP_PLAIN /* the kernel's view is narration */
    char text[400];
    size_t n;
    int udp = strcmp(s->proto, "udp") == 0;
    int connected = ss_port_of(&s->remote) != 0;

    n = (size_t)snprintf(text, sizeof text, "%s %s", s->proto,
                         ss_addr(&s->local).s);
    if (connected)
        n += (size_t)snprintf(text + n, sizeof text - n, " -> %s",
                              ss_addr(&s->remote).s);
    if (udp) {
        if (connected)
            n += (size_t)snprintf(text + n, sizeof text - n, " (connected)");
        if (s->rxq > 0)
            n += (size_t)snprintf(text + n, sizeof text - n,
                                  ", %lu bytes of receive-buffer memory hold "
                                  "unread datagrams (the kernel counts its "
                                  "own overhead per datagram too)",
                                  s->rxq);
    } else {
        n += (size_t)snprintf(text + n, sizeof text - n, " %s",
                              ss_tcp_state(s->state));
        if (s->state == SS_TCP_LISTEN)
            n += (size_t)snprintf(text + n, sizeof text - n,
                                  ", %lu waiting for accept()", s->rxq);
        else if (s->rxq > 0 || s->txq > 0)
            n += (size_t)snprintf(text + n, sizeof text - n,
                                  ", %lu received and unread, %lu not yet "
                                  "acknowledged by the peer (in both, a SYN "
                                  "or a FIN counts as 1)",
                                  s->rxq, s->txq);
        if (s->inode == 0) {
            const char *why = "";
            switch (s->state) {
            case SS_TCP_ESTABLISHED:
                why = ", in a listening socket's queue: nobody has "
                      "accept()ed it yet";
                break;
            case SS_TCP_SYN_RECV:
                why = ", half-open: the SYN was answered, and no ACK of "
                      "the client's has been taken yet: not in the accept "
                      "queue";
                break;
            case SS_TCP_CLOSE_WAIT:
                why = ", in a listening socket's queue, not accept()ed; "
                      "its client has already closed its side";
                break;
            case SS_TCP_TIME_WAIT:
                why = ", a record no descriptor owns (TIME_WAIT entries "
                      "have no inode); it lasts 60 s on Linux";
                break;
            default:
                why = ", closed by its program: no descriptor owns it, and "
                      "the kernel finishes the goodbye alone";
                break;
            }
            n += (size_t)snprintf(text + n, sizeof text - n, "%s", why);
        }
    }
    snprintf(text + n, sizeof text - n, " (from %s)", file);
    ss_kernel_line(text);
#else
    (void)s;
    (void)file;
#endif
}

/*
 * Call each(entry, arg) for every entry of /proc/net/tcp and tcp6 (or udp
 * and udp6) until it returns nonzero. Returns that value, 0, or -1 after
 * saying which file could not be read.
 */
static inline int ss_proc_walk(const char *proto,
                               int (*each)(const struct ss_procsock *,
                                           const char *, void *),
                               void *arg)
{
#ifdef __linux__
    int v6, found = 0;

    for (v6 = 0; v6 < 2 && found == 0; v6++) {
        char path[32];
        struct ss_procsock s;
        FILE *f;
        snprintf(path, sizeof path, "/proc/net/%s%s", proto, v6 ? "6" : "");
        f = fopen(path, "r");
        if (f == NULL) {
            if (errno == ENOENT && v6)
                continue; /* no IPv6 in this kernel */
            ss_proc_failed(path, errno);
            return -1;
        }
        s.proto = proto;
        while (found == 0 && ss_proc_next(f, &s))
            found = each(&s, path, arg);
        fclose(f);
    }
    return found;
#else
    (void)proto;
    (void)each;
    (void)arg;
    return 0;
#endif
}

/* The entry ss_kernel() found last: its addresses, as the kernel has them
   (an accepted socket's local address, a client's ephemeral port). */
static struct ss_procsock ss_found;

static inline int ss_by_inode(const struct ss_procsock *s, const char *file,
                              void *arg)
{
    if (s->inode != *(unsigned long *)arg)
        return 0;
    ss_found = *s;
    ss_proc_say(s, file);
    return 1;
}

/* The entry with these two addresses (a connection no fd owns). */
struct ss_pair {
    const struct sockaddr_storage *local, *peer;
};

static inline int ss_by_pair(const struct ss_procsock *s, const char *file,
                             void *arg)
{
    const struct ss_pair *p = arg;

    if (!ss_same_addr(&s->local, p->local) ||
        !ss_same_addr(&s->remote, p->peer))
        return 0;
    ss_proc_say(s, file);
    return 1;
}

static inline int ss_by_pair_quiet(const struct ss_procsock *s,
                                   const char *file, void *arg)
{
    const struct ss_pair *p = arg;

    (void)file;
    return ss_same_addr(&s->local, p->local) &&
           ss_same_addr(&s->remote, p->peer);
}

/*
 * Whether this connection is listed in /proc/net/tcp (or tcp6) now: 1 or
 * 0, -1 when it cannot tell (not Linux, narration off, a failed read). A
 * connection already ended by a reset is no longer listed.
 */
static inline int ss_pair_listed(const struct ss_sock *was)
{
#ifdef __linux__
    struct ss_pair p;
    int n;

    if (ss_muted || was->plen == 0)
        return -1;
    p.local = &was->local;
    p.peer = &was->peer;
    n = ss_proc_walk("tcp", ss_by_pair_quiet, &p);
    return n < 0 ? -1 : n > 0;
#else
    (void)was;
    return -1;
#endif
}

/* Whether directory DIR (a /proc/PID/fd) has a link to socket:[inode],
   other than SKIP (-1: none): 1 or 0. */
static inline int ss_fd_dir_has(const char *dir, unsigned long inode, int skip)
{
    char path[384], link[64], want[64];
    struct dirent *e;
    DIR *d = opendir(dir);
    int found = 0;
    ssize_t len;

    if (d == NULL)
        return 0; /* gone, or another user's: cannot hold our socket */
    snprintf(want, sizeof want, "socket:[%lu]", inode);
    while (!found && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || (skip >= 0 && atoi(e->d_name) == skip))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        len = readlink(path, link, sizeof link - 1);
        if (len > 0) {
            link[len] = '\0';
            found = strcmp(link, want) == 0;
        }
    }
    closedir(d);
    return found;
}

/*
 * Before close(fd): does another descriptor refer to the same socket, in
 * this process (dup()) or in another one (fork(), SCM_RIGHTS)? 1 or 0, -1
 * when it cannot tell (not Linux, narration off, no inode). Processes of
 * other users cannot be read and are not counted.
 */
static inline int ss_held_elsewhere(int fd, unsigned long inode)
{
#ifdef __linux__
    char dir[64];
    struct dirent *e;
    DIR *proc;
    long self = (long)getpid();
    int found, saved = errno;

    if (ss_muted || inode == 0)
        return -1;
    found = ss_fd_dir_has("/proc/self/fd", inode, fd);
    proc = found ? NULL : opendir("/proc");
    if (!found && proc == NULL) {
        errno = saved;
        return -1;
    }
    while (!found && (e = readdir(proc)) != NULL) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        if (pid <= 0 || *end != '\0' || pid == self)
            continue;
        snprintf(dir, sizeof dir, "/proc/%ld/fd", pid);
        found = ss_fd_dir_has(dir, inode, -1);
    }
    if (proc != NULL)
        closedir(proc);
    errno = saved;
    return found;
#else
    (void)fd;
    (void)inode;
    return -1;
#endif
}

/* An AF_UNIX socket's line of /proc/net/unix. */
static inline int ss_kernel_unix(unsigned long inode)
{
#ifdef __linux__
    char line[512], path[300];
    unsigned long num, ref, proto, flags, ino;
    unsigned type, st;
    FILE *f = fopen("/proc/net/unix", "r");

    if (f == NULL) {
        ss_proc_failed("/proc/net/unix", errno);
        return -1;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        char text[400];
        int k;
        path[0] = '\0';
        k = sscanf(line, "%lx: %lx %lx %lx %x %x %lu %299s", &num, &ref, &proto,
                   &flags, &type, &st, &ino, path);
        if (k < 7 || ino != inode)
            continue;
        snprintf(text, sizeof text, "unix %s %s%s%s (from /proc/net/unix)",
                 type == 1   ? "stream"
                 : type == 2 ? "dgram"
                             : "seqpacket",
                 (flags & 0x10000) ? "LISTEN"
                 : st == 3         ? "CONNECTED"
                 : st == 2         ? "CONNECTING"
                                   : "UNCONNECTED",
                 path[0] ? " at " : "", path);
        ss_kernel_line(text);
        fclose(f);
        return 1;
    }
    fclose(f);
    return 0;
#else
    (void)inode;
    return 0;
#endif
}

/* What the kernel says about the socket behind fd, in one line or two. */
static inline void ss_kernel(int fd)
{
#ifdef __linux__
    char path[64], link[64], text[400];
    unsigned long inode = 0;
    struct ss_sock *me = ss_sock_find(fd);
    ssize_t len;
    int saved = errno, found;

    if (ss_muted)
        return;
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    len = readlink(path, link, sizeof link - 1);
    if (len < 0) {
        ss_proc_failed(path, errno);
        errno = saved;
        return;
    }
    link[len] = '\0';
    if (sscanf(link, "socket:[%lu]", &inode) != 1) {
        snprintf(text, sizeof text, "fd %d is %s (from %s)", fd, link, path);
        ss_kernel_line(text);
        errno = saved;
        return;
    }
    found = ss_proc_walk("tcp", ss_by_inode, &inode);
    if (found > 0 && me != NULL && ss_port_of(&ss_found.remote) != 0) {
        me->local = ss_found.local;
        me->llen = sizeof me->local;
        me->peer = ss_found.remote;
        me->plen = sizeof me->peer;
    }
    if (found == 0)
        found = ss_proc_walk("udp", ss_by_inode, &inode);
    if (found == 0)
        found = ss_kernel_unix(inode);
    if (found == 0 && me != NULL && me->type == SOCK_STREAM && me->plen > 0) {
        /* A TIME_WAIT entry has no inode: look for its addresses. */
        struct ss_pair p;
        p.local = &me->local;
        p.peer = &me->peer;
        found = ss_proc_walk("tcp", ss_by_pair, &p);
        if (found > 0) {
            snprintf(text, sizeof text,
                     "fd %d is still open, but its "
                     "connection is over: the line above is matched by "
                     "its addresses",
                     fd);
            ss_kernel_line(text);
        }
    }
    if (found == 0 && me != NULL && me->connected) {
        snprintf(text, sizeof text,
                 "fd %d is %s, but /proc/net lists no connection for it: "
                 "the connection is over (reset, or closed by both ends) "
                 "though this descriptor is still open",
                 fd, link);
        ss_kernel_line(text);
    } else if (found == 0) {
        if (ss_once(SS_K_UNLISTED))
            snprintf(text, sizeof text,
                     "fd %d is %s (from /proc/self/fd), and it is not in "
                     "/proc/net: a TCP socket is listed there only once it "
                     "listens or has a connection (bound is not enough), a "
                     "UDP socket once it has an address",
                     fd, link);
        else
            snprintf(text, sizeof text, "fd %d is %s, not in /proc/net yet", fd,
                     link);
        ss_kernel_line(text);
    }
    errno = saved;
#else
    (void)fd;
#endif
}

/* After close(): what became of the connection the descriptor had. */
static inline void ss_kernel_after_close(const struct ss_sock *was)
{
#ifdef __linux__
    char text[400];
    int found = 0;

    if (ss_muted || was == NULL || was->type != SOCK_STREAM || was->llen == 0 ||
        was->family == AF_UNIX)
        return; /* a Unix socket is not in /proc/net/tcp */
    if (was->plen > 0) {
        struct ss_pair p;
        p.local = &was->local;
        p.peer = &was->peer;
        found = ss_proc_walk("tcp", ss_by_pair, &p);
        if (found == 0) {
            snprintf(text, sizeof text,
                     "the connection %s -> %s is gone from /proc/net/%s",
                     ss_addr(&was->local).s, ss_addr(&was->peer).s,
                     was->family == AF_INET6 ? "tcp6" : "tcp");
            ss_kernel_line(text);
            /* Its other end, when that is on this machine too. */
            p.local = &was->peer;
            p.peer = &was->local;
            ss_proc_walk("tcp", ss_by_pair, &p);
        }
    }
#else
    (void)was;
#endif
}

/* The inode of the socket behind fd ("socket:[12345]"), or 0. */
static inline unsigned long ss_inode_of(int fd)
{
    unsigned long inode = 0;
#ifdef __linux__
    char path[64], link[64];
    ssize_t len;
    int saved = errno;

    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    len = readlink(path, link, sizeof link - 1);
    if (len > 0) {
        link[len] = '\0';
        if (sscanf(link, "socket:[%lu]", &inode) != 1)
            inode = 0;
    }
    errno = saved;
#else
    (void)fd;
#endif
    return inode;
}

static inline int ss_has_inode(const struct ss_procsock *s, const char *file,
                               void *arg)
{
    (void)file;
    return s->inode == *(unsigned long *)arg;
}

/*
 * After close(): does a descriptor still refer to this TCP socket (one
 * made by dup() or fork())? Then /proc/net/tcp still lists its inode.
 */
static inline int ss_still_open(unsigned long inode)
{
    return !ss_muted && inode != 0 &&
           ss_proc_walk("tcp", ss_has_inode, &inode) > 0;
}

struct ss_portq {
    unsigned port;
    int quiet, count;
};

static inline int ss_by_port(const struct ss_procsock *s, const char *file,
                             void *arg)
{
    struct ss_portq *q = arg;

    if (ss_port_of(&s->local) != q->port && ss_port_of(&s->remote) != q->port)
        return 0;
    q->count++;
    if (!q->quiet)
        ss_proc_say(s, file);
    return 0;
}

/*
 * Every entry of /proc/net/PROTO (and PROTO6) with this local or remote
 * port, printed unless quiet. Returns how many, or -1 when a file could
 * not be read (said on the spot).
 */
static inline int ss_kernel_port(const char *proto, unsigned port, int quiet)
{
#ifdef __linux__
    struct ss_portq q;
    int saved = errno;

    q.port = port;
    q.quiet = quiet;
    q.count = 0;
    if (ss_proc_walk(proto, ss_by_port, &q) < 0) {
        errno = saved;
        return -1;
    }
    errno = saved;
    return q.count;
#else
    (void)proto;
    (void)port;
    (void)quiet;
    return -1;
#endif
}

/*
 * Some of the kernel's TCP counters, such as ListenOverflows, from the
 * "TcpExt:" rows of /proc/net/netstat (a row of names, then a row of
 * values): value[k] for name[k], or -1 if there is no such counter. They
 * count for the whole machine (its network namespace), not for one
 * socket. Returns 0, or -1 when the file cannot be read (said on the
 * spot) and on systems without it.
 */
static inline int ss_tcpext(int n, const char *const name[], long value[])
{
#ifdef __linux__
    char tok[128];
    int i = 0, k, in = 0, rows = 0, at[16], saved = errno;
    FILE *f = fopen("/proc/net/netstat", "r");

    if (n > 16)
        n = 16; /* at most 16 counters at a time */
    for (k = 0; k < n; k++) {
        value[k] = -1;
        at[k] = -1;
    }
    if (f == NULL) {
        ss_proc_failed("/proc/net/netstat", errno);
        errno = saved;
        return -1;
    }
    while (fscanf(f, "%127s", tok) == 1) {
        if (tok[strlen(tok) - 1] == ':') { /* a row starts: "TcpExt:" */
            if (rows == 2)
                break; /* past the row of values */
            in = strcmp(tok, "TcpExt:") == 0;
            rows += in;
            i = 0;
            continue;
        }
        for (k = 0; in && k < n; k++) {
            if (rows == 1 && strcmp(tok, name[k]) == 0)
                at[k] = i;
            else if (rows == 2 && i == at[k])
                value[k] = strtol(tok, NULL, 10);
        }
        i++;
    }
    fclose(f);
    errno = saved;
    return 0;
#else
    int k;
    (void)name;
    for (k = 0; k < n; k++)
        value[k] = -1;
    return -1;
#endif
}

/* A Unix socket's type (SOCK_STREAM ...) and whether it is connected, from
   /proc/net/unix; 0 when inode is not a Unix socket (or not on Linux). */
static inline int ss_unix_kind(unsigned long inode, int *connected)
{
    int type = 0;
#ifdef __linux__
    char line[512];
    unsigned long ino, flags;
    unsigned t, st;
    int saved = errno;
    FILE *f = fopen("/proc/net/unix", "r");

    while (f != NULL && type == 0 && fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "%*x: %*x %*x %lx %x %x %lu", &flags, &t, &st, &ino) ==
                4 &&
            ino == inode) {
            type = t == 1 ? SOCK_STREAM : t == 2 ? SOCK_DGRAM : SOCK_SEQPACKET;
            *connected = st == 3;
        }
    if (f != NULL)
        fclose(f);
    errno = saved;
#else
    (void)inode;
    (void)connected;
#endif
    return type;
}

/*
 * The interfaces that are members of an IPv4 multicast group, from
 * /proc/net/igmp (Linux): a line per interface, with how many sockets
 * have joined the group there ("Users").
 */
static inline void ss_kernel_igmp(struct in_addr group)
{
#ifdef __linux__
    char line[256], dev[32] = "?", text[200], ip[INET_ADDRSTRLEN];
    unsigned long hex;
    int users, found = 0, saved = errno;
    FILE *f = fopen("/proc/net/igmp", "r");

    inet_ntop(AF_INET, &group, ip, sizeof ip);
    if (f == NULL) {
        ss_proc_failed("/proc/net/igmp", errno);
        errno = saved;
        return;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        uint32_t word;
        if (line[0] >= '0' && line[0] <= '9') { /* "1  lo  :  2  V3" */
            if (sscanf(line, "%*d %31s", dev) != 1)
                snprintf(dev, sizeof dev, "?");
            continue;
        }
        /* "  0100FFEF  1 0:00000000  0": the group as the kernel holds
           it (network order), read as a number in this machine's. */
        if (sscanf(line, " %8lx %d", &hex, &users) != 2)
            continue;
        word = (uint32_t)hex;
        if (memcmp(&word, &group, sizeof word) != 0)
            continue;
        found = 1;
        snprintf(text, sizeof text,
                 "%s is in group %s, for %d socket%s "
                 "(from /proc/net/igmp)",
                 dev, ip, users, users == 1 ? "" : "s");
        ss_kernel_line(text);
    }
    fclose(f);
    if (!found) {
        snprintf(text, sizeof text,
                 "no interface of this machine is in "
                 "group %s (from /proc/net/igmp)",
                 ip);
        ss_kernel_line(text);
    }
    errno = saved;
#else
    (void)group;
#endif
}

#endif /* SS_KERNEL_H */
