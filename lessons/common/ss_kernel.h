/*
 * ss_kernel.h - what the kernel reports about a socket, after a call that
 * changed it. On Linux it reads /proc/self/fd and the tables of
 * ss_proc.h (and /proc/net/unix); elsewhere these functions print nothing
 * and find nothing.
 *
 * A socket is found by its inode (the number in "socket:[12345]"). Some
 * entries have no inode, because no descriptor owns them: a connection
 * waiting in a listening socket's queue, one whose program has closed it
 * while the kernel finishes the goodbye, and every TIME_WAIT entry. Those
 * are found by their addresses.
 *
 * Needs: ss_text.h ss_state.h ss_narrate.h ss_errors.h ss_proc.h
 * Part of sockstep.h; include that, not this.
 */
#ifndef SS_KERNEL_H
#define SS_KERNEL_H

/* Looking for a socket by its inode; found: its entry, with its
   addresses as the kernel has them (an accepted socket's local address,
   a client's ephemeral port). */
struct ss_inode_search {
    unsigned long inode;
    struct ss_procsock found;
};

static inline int ss_by_inode(const struct ss_procsock *s, const char *file,
                              void *arg)
{
    struct ss_inode_search *q = arg;

    if (s->inode != q->inode)
        return 0;
    q->found = *s;
    ss_proc_say(s, file);
    return 1;
}

static inline int ss_inode_quiet(const struct ss_procsock *s, const char *file,
                                 void *arg)
{
    struct ss_inode_search *q = arg;

    (void)file;
    if (s->inode != q->inode)
        return 0;
    q->found = *s;
    return 1;
}

/* The entry with these two addresses (a connection no fd owns). */
struct ss_pair {
    const struct sockaddr_storage *local, *peer;
    const char *lead; /* before the entry's line ("the peer's end: "), or
                         NULL */
};

static inline int ss_by_pair(const struct ss_procsock *s, const char *file,
                             void *arg)
{
    const struct ss_pair *p = arg;

    if (!ss_same_addr(&s->local, p->local) ||
        !ss_same_addr(&s->remote, p->peer))
        return 0;
    ss_proc_say_lead(s, file, p->lead != NULL ? p->lead : "");
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
    struct ss_pair p = {NULL, NULL, NULL};
    int n;

    if (ss_nar.muted || was->plen == 0)
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

    if (ss_nar.muted || inode == 0)
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
    while (SS_REAL(fgets)(line, sizeof line, f) != NULL) {
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
    struct ss_inode_search q;
    struct ss_sock *me = ss_sock_find(fd);
    ssize_t len;
    int saved = errno, found, kind;

    if (ss_nar.muted || ss_nar.hush) /* off, or a repeat held back */
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
    q.inode = inode;
    kind = ss_kind_of(fd);
    if (kind == SS_KIND_SOCKET) {
        /* netlink, packet ...: their tables are not read here */
        snprintf(text, sizeof text,
                 "fd %d is %s, a socket of family %s: its table in "
                 "/proc/net is not read here",
                 fd, link, ss_family_name(me != NULL ? me->family : -1).s);
        ss_kernel_line(text);
        errno = saved;
        return;
    }
    found = kind == SS_KIND_TCP ? ss_proc_walk("tcp", ss_by_inode, &q) : 0;
    if (found > 0 && me != NULL && ss_port_of(&q.found.remote) != 0) {
        me->local = q.found.local;
        me->llen = sizeof me->local;
        me->peer = q.found.remote;
        me->plen = sizeof me->peer;
    }
    if (found == 0 && kind == SS_KIND_UDP)
        found = ss_proc_walk("udp", ss_by_inode, &q);
    if (found == 0 && kind == SS_KIND_RAW)
        found = ss_proc_walk("raw", ss_by_inode, &q);
    if (found == 0 && kind == SS_KIND_ICMP)
        found = ss_proc_walk("icmp", ss_by_inode, &q);
    if (found == 0 && ss_kind_unix(kind))
        found = ss_kernel_unix(inode);
    if (found == 0 && kind == SS_KIND_TCP && me != NULL && me->plen > 0) {
        /* A TIME_WAIT entry has no inode: look for its addresses. */
        struct ss_pair p = {NULL, NULL, NULL};
        p.local = &me->local;
        p.peer = &me->peer;
        found = ss_proc_walk("tcp", ss_by_pair, &p);
        if (found > 0) {
            snprintf(text, sizeof text,
                     "fd %d is still open, but its "
                     "connection is over: the line above is what is left "
                     "of it",
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
        /* The rule is told where it shows: a socket with an address that
           /proc/net still does not list (a TCP socket bound only). */
        if (me != NULL && me->llen > 0 && kind == SS_KIND_TCP &&
            ss_once(SS_K_UNLISTED))
            snprintf(text, sizeof text,
                     "fd %d is %s (from /proc/self/fd), and it is not in "
                     "/proc/net: a TCP socket is listed there only once it "
                     "listens or has a connection (bound is not enough)",
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

    if (ss_nar.muted || was == NULL || was->type != SOCK_STREAM ||
        was->llen == 0 || was->family == AF_UNIX)
        return; /* a Unix socket is not in /proc/net/tcp */
    if (was->plen > 0) {
        struct ss_pair p = {NULL, NULL, NULL};
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
            p.lead = "the peer's end: ";
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

/* The state of the TCP connection fd has, as /proc/net/tcp lists it: by
   its inode, or, for a TIME_WAIT record that has none, by its addresses.
   A state number (ss_proc.h), or 0 when none is listed (not Linux, a
   reset), fd is no socket, or nothing would be told (narration off, or
   a repeat held back: a program that spins on recv() = 0 must not read
   /proc at every turn). */
struct ss_state_search {
    unsigned long inode;
    struct ss_pair pair;
    int state;
};

static inline int ss_state_by_inode(const struct ss_procsock *s,
                                    const char *file, void *arg)
{
    struct ss_state_search *q = arg;

    (void)file;
    if (s->inode != q->inode)
        return 0;
    q->state = s->state;
    return 1;
}

static inline int ss_state_by_pair(const struct ss_procsock *s,
                                   const char *file, void *arg)
{
    struct ss_state_search *q = arg;

    if (s->inode != 0 || !ss_by_pair_quiet(s, file, &q->pair))
        return 0;
    q->state = s->state;
    return 1;
}

static inline int ss_tcp_state_of(int fd)
{
    struct ss_state_search q;
    struct ss_sock *me = ss_sock_find(fd);
    int saved = errno;

    if (ss_nar.muted || ss_nar.hush)
        return 0;
    q.inode = ss_inode_of(fd);
    q.state = 0;
    if (q.inode != 0 && ss_proc_walk("tcp", ss_state_by_inode, &q) <= 0)
        q.state = 0;
    if (q.state == 0 && q.inode != 0 && me != NULL && me->plen > 0) {
        q.pair.local = &me->local;
        q.pair.peer = &me->peer;
        if (ss_proc_walk("tcp", ss_state_by_pair, &q) <= 0)
            q.state = 0;
    }
    errno = saved;
    return q.state;
}

/*
 * After close(): does a descriptor still refer to this TCP socket (one
 * made by dup() or fork())? Then /proc/net/tcp still lists its inode.
 */
static inline int ss_still_open(unsigned long inode)
{
    return !ss_nar.muted && inode != 0 &&
           ss_proc_walk("tcp", ss_has_inode, &inode) > 0;
}

/* The local address the kernel lists for fd's socket in /proc/net, as
   text into out (TCP, UDP, ICMP: once it has a port or identifier; a
   Unix socket: its name, "@name" when abstract); 1 if listed with one.
   /proc, not getsockname(): a call the program did not make is not
   made. */
static inline int ss_local_text(int fd, int kind, char *out, size_t cap)
{
    struct ss_inode_search q;
    int found = 0, saved = errno;

    memset(&q, 0, sizeof q);
    q.inode = ss_inode_of(fd);
    if (q.inode == 0 || ss_nar.muted)
        return 0;
    if (ss_kind_unix(kind)) {
#ifdef __linux__
        char line[512], path[300];
        unsigned long ino;
        FILE *f = fopen("/proc/net/unix", "r");
        while (f != NULL && !found &&
               SS_REAL(fgets)(line, sizeof line, f) != NULL) {
            path[0] = '\0';
            if (sscanf(line, "%*x: %*x %*x %*x %*x %*x %lu %299s", &ino,
                       path) >= 1 &&
                ino == q.inode && path[0] != '\0') {
                snprintf(out, cap, "%s", path);
                found = 1;
            }
        }
        if (f != NULL)
            fclose(f);
#endif
    } else {
        const char *table = kind == SS_KIND_TCP    ? "tcp"
                            : kind == SS_KIND_UDP  ? "udp"
                            : kind == SS_KIND_ICMP ? "icmp"
                                                   : NULL;
        if (table != NULL)
            found = ss_proc_walk(table, ss_inode_quiet, &q) > 0 &&
                    ss_port_of(&q.found.local) != 0;
        if (found)
            snprintf(out, cap, "%s", ss_addr(&q.found.local).s);
    }
    errno = saved;
    return found;
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

    while (f != NULL && type == 0 &&
           SS_REAL(fgets)(line, sizeof line, f) != NULL)
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
    while (SS_REAL(fgets)(line, sizeof line, f) != NULL) {
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
