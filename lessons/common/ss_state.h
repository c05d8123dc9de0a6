/*
 * ss_state.h - everything the narrator remembers, in one place: the
 * state of the run (ss_nar, one struct), what a signal handler may touch
 * (beside it, as volatile sig_atomic_t), the table of open sockets, and
 * the keys of the explanations given once per run (one enum). No other
 * room keeps state of its own.
 *
 * Needs: nothing
 * Part of sockstep.h; include that, not this.
 */
#ifndef SS_STATE_H
#define SS_STATE_H

#define SS_MAX_FDS 64
#define SS_CYCLE   4 /* the longest cycle of repeated calls seen */

/* What the narrator knows about one open socket. Its family, type and
   protocol are the kernel's answer (ss_sock_ask()), asked when the
   socket is first seen, however it came: made, inherited, received,
   dup'd. */
struct ss_sock {
    int fd;
    int type;          /* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_RAW */
    int proto;         /* SO_PROTOCOL: IPPROTO_TCP, IPPROTO_ICMP ...; 0 */
    unsigned long ino; /* the socket's inode: the same socket still? */
    int reuseaddr;     /* SO_REUSEADDR was set to 1 */
    int listening;     /* listen() succeeded */
    int connected;     /* connect() or accept() succeeded */
    int linger0;       /* SO_LINGER {1, 0} was set: close() resets */
    int bound;         /* bind() gave it its address (or it had one when
                          first seen): not one the kernel chose at connect() */
    socklen_t llen, plen;
    struct sockaddr_storage local, peer; /* last seen (bind, connect ...) */
    int family; /* AF_INET, AF_INET6, AF_UNIX; 0: not known */
};

/* One call as the repeat watch sees it (ss_repeat.h): its whole line, to
   compare, and the facts the repeat's summary is made of. */
struct ss_seen {
    char key[512];   /* "name(args) = result" */
    char name[24];   /* "recv" */
    char result[48]; /* "0", "-1 EAGAIN", as told in the summary */
    int fd;          /* the descriptor the call was on; -1: none */
    long ret;        /* what it returned */
    int err;         /* errno when it returned -1 */
};

static struct {
    const char *prog;      /* "04-accept", for messages */
    int color;             /* ANSI colour on */
    int step;              /* --step, and stdin is a terminal */
    int cursor;            /* stdout is a terminal that moves its cursor */
    int stamps;            /* SOCKSTEP_TIMESTAMPS set: time every call */
    int width;             /* wrap narration at this column; 0: ask first */
    int timeout;           /* --timeout: how long stdout may stay stuck */
    int lesson;            /* ss_start() ran: a lesson, with its options */
    int out_dead;          /* stdout failed: no more narration */
    int out_errno;         /* and why; not EPIPE: exit status 1 at the end */
    int expect;            /* an errno the lesson's next call should return */
    unsigned long told[4]; /* generic explanations already given */
    struct ss_sock socks[SS_MAX_FDS];
    char pending[4096]; /* text typed at a --step prompt, for the program */
    size_t npending;
    int stdin_eof;         /* Ctrl-D was typed at a --step prompt */
    int muted, muted_step; /* ss_narration_off(), and --step before it */
    /* In a forked child, "[child 4242] ": put in front of every line it
       narrates. Parent and children write to one terminal, and their
       lines interleave; the tag says whose each line is. */
    char tag[24];
    /* In a preload, a thread other than the process's first: "[thread
       4567] " (its kernel thread id), after tag; set under the lock. And
       the signal whose handler ran while the call just made waited, and
       after which the kernel made the call again (SA_RESTART): 0 if
       none, or if that cannot be told (ss_post() says it). */
    char ttag[32];
    /* In a preload run by scripts/check: its secret for this run and a
       space ($SOCKSTEP_SEAL, which the library takes out of the
       program's environment), before every line, so that the checker
       can tell the library's lines from lines the program wrote into
       the same file itself. Empty otherwise. */
    char seal[48];
    int restarted;
    /* In a preload under SOCKSTEP_FAULTS, for the call just made: the
       length the program gave and the shorter one the kernel was given
       (the call's line shows the kernel's), and whether it sends; 0 when
       no fault changed the length. ss_post() says it. */
    size_t fault_asked, fault_given;
    int fault_sending;
    void (*exit_hook)(void); /* narration still owed at exit (ss_call.h) */
    int at_exit;             /* an atexit() function runs exit_hook */
    FILE *out; /* where narration goes; NULL: stdout (a preload: its own) */
    /* Called with 1 when a wrapper is about to make the real call, and
       with 0 when it has returned (a preload lets other threads narrate
       while one waits in a call); NULL in a lesson. */
    void (*call_hook)(int making);
    /* The same calls with the same results, again and again (a loop
       that never waits): the last calls (a ring, head the next slot),
       the length of the cycle they repeat and how many calls have
       repeated it, and whether this one's narration is held back
       (ss_call.h). */
    struct ss_seen recent[SS_CYCLE];
    int head, period;
    unsigned long repeats;
    int hush;
    /* How many times the process had waited (given up the CPU of its
       own accord) at the cycle's first repeat and at its latest: a loop
       that waits between its calls polls, one that never does spins
       (ss_repeat.h). */
    long rep_waits[2];
    /* The waits with a time limit the process has asked for (select(),
       poll(), epoll_wait() ... with a timeout other than 0), told or
       not: a loop that makes them does not spin. */
    long wait_calls;
    /* scripts/narrate --time: each line starts with the time since the
       run began (t0, the same in every process of the run), as
       "+1.234567 ": the time the line was written, so a call's when it
       returned. 0: off. */
    int clock;
    struct timespec t0;
    /* fd + 1 of the descriptor ss_sock_find() checked (fstat) during
       the call being narrated: not checked again until the next call
       (ss_pre() clears it); 0: none. */
    int known_fd;
} ss_nar = {.prog = "sockstep", .timeout = 30}; /* .width 0: not asked yet */

/* Descriptors the signal handler closes: only what it may read safely. */
static volatile sig_atomic_t ss_sig_fds[SS_MAX_FDS];
static volatile sig_atomic_t ss_sig_nfds;
static volatile sig_atomic_t ss_sig_quiet; /* stdout is dead */

#ifndef SOCKSTEP_PLAIN
/*
 * A lesson's signal handler runs inside ss_trampoline (ss_call.h), and
 * the calls it makes are kept in ss_late until they can be told. Only
 * these, and ss_sig_fds above, are written by a signal handler.
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
/* ss_late_flush()'s copy of ss_late, taken with signals blocked (not on
   the stack: it is 28 KB). */
static struct ss_late_call ss_late_told[SS_MAX_LATE];
#endif

/* Lesson 03's watch of its accept queue (ss_watch.h). */
enum { SS_WATCH_MAX = 64 };

struct ss_watch {
    long before[3];             /* the counters, at ss_watch_start() */
    int counted;                /* they could be read */
    struct sockaddr_storage me; /* the listening socket's address */
    long waiting;               /* its Recv-Q: connections in the queue */
    int nseen;
    int half_said; /* the SYN_RECV case has been explained */
    struct {
        struct sockaddr_storage addr;
        int state;
    } seen[SS_WATCH_MAX]; /* each client, and its state when last told */
};
static struct ss_watch ss_watch_state; /* 8 KiB: not on the stack */

/* Keys for ss_once() and ss_tell(): one per explanation. */
enum {
    SS_K_UNLISTED, /* ss_kernel.h: an entry /proc/net does not list */
    SS_K_SOCKET,
    SS_K_BIND,
    SS_K_BIND0,
    SS_K_LISTEN,
    SS_K_ACCEPT,
    SS_K_CONNECT,
    SS_K_CONNECT_UDP,
    SS_K_SEND,
    SS_K_SEND_DGRAM,
    SS_K_NOSIGNAL,
    SS_K_RECV,
    SS_K_SENDTO,
    SS_K_SENDTO_BIND,
    SS_K_CLOSE,
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
    SS_K_GETSOCKNAME,
    SS_K_BROADCAST,
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
    SS_K_SOERROR_UDP,
    SS_K_SELECT,
    SS_K_READV,
    SS_K_WRITEV,
    SS_K_SENDMMSG,
    SS_K_RECVMMSG,
    SS_K_PROBE_NOTCONN,
    SS_K_PROBE_NOTSOCK,
    SS_K_FULL,
    SS_K_SEND_USEQ,
    SS_K_SEND_UDGRAM,
    SS_K_SEND_ICMP,
    SS_K_SEND_RAW,
    SS_K_SENDTO_UNIX,
    SS_K_RECVFROM_NONAME,
    SS_K_RECV_RAW,
    SS_K_RECV_ICMP,
    SS_K_PEEK,
    SS_K_CONNECT_DGRAM,
    SS_K_SENDTO_UNNAMED,
    SS_K_RECV_EMPTY,
    SS_K_POLLHUP_TCP,
    SS_K_POLLHUP_LOCAL,
    SS_K_REUSEPORT,
    /* "one whole datagram" (record, packet), once a run for each kind
       of socket: SS_K_UNIT + 2 * kind, + 1 when no address was asked */
    SS_K_UNIT,
    SS_K_CMSG = SS_K_UNIT + 2 * 16 /* and one more for each row of
                                      ss_cmsgs (ss_data.h) */
};

/* A generic explanation is given once per run: has key k been told? */
static inline int ss_once(unsigned k)
{
    unsigned long bit = 1UL << (k % (8 * sizeof(unsigned long)));
    unsigned long *w = &ss_nar.told[(k / (8 * sizeof(unsigned long))) % 4];

    if (*w & bit)
        return 0;
    *w |= bit;
    return 1;
}

/* ------------------------------------------------------------------ */
/* The table of open sockets.                                          */
/* ------------------------------------------------------------------ */

/* The slot fd has in the table, as last seen, or NULL. */
static inline struct ss_sock *ss_sock_slot(int fd)
{
    int i;

    for (i = 0; i < SS_MAX_FDS; i++)
        if (ss_nar.socks[i].fd == fd + 1) /* 0 marks a free slot */
            return &ss_nar.socks[i];
    return NULL;
}

/* A new socket (from socket, accept): remember it, for Ctrl-C too. The
   caller fills in what the call that made it says it is (the family,
   type and protocol the kernel gave it); ss_sock_find() asks the kernel
   about one the narrator did not see made. */
static inline struct ss_sock *ss_sock_add(int fd, int type)
{
    struct ss_sock *s = ss_sock_slot(fd);
    struct stat st;
    int i, saved = errno;

    for (i = 0; s == NULL && i < SS_MAX_FDS; i++)
        if (ss_nar.socks[i].fd == 0)
            s = &ss_nar.socks[i];
    if (s == NULL) /* the table is full: ss_sock_new() says so */
        return NULL;
    memset(s, 0, sizeof *s);
    s->fd = fd + 1;
    s->type = type;
    s->ino = fstat(fd, &st) == 0 ? (unsigned long)st.st_ino : 0;
    errno = saved;
    if (ss_sig_nfds < SS_MAX_FDS)
        ss_sig_fds[ss_sig_nfds++] = fd;
    return s;
}

static inline void ss_sock_drop(int fd)
{
    struct ss_sock *s = ss_sock_slot(fd);
    int i;

    if (ss_nar.known_fd == fd + 1)
        ss_nar.known_fd = 0;
    if (s != NULL)
        s->fd = 0;
    for (i = 0; i < ss_sig_nfds; i++)
        if (ss_sig_fds[i] == fd) {
            ss_sig_fds[i] = ss_sig_fds[ss_sig_nfds - 1];
            ss_sig_nfds--;
            break;
        }
}

/*
 * Ask the kernel what the socket behind fd is: its family, type and
 * protocol (SO_DOMAIN, SO_TYPE, SO_PROTOCOL), whether it listens
 * (SO_ACCEPTCONN), and its addresses. What the program said when it made
 * the socket is not enough: a descriptor may come from elsewhere
 * (inherited across exec, passed with SCM_RIGHTS, made inside the C
 * library, dup2()'d), and every sentence is chosen by what it is.
 */
static inline void ss_sock_ask(struct ss_sock *s, int fd)
{
    struct stat st;
    struct sockaddr_storage a;
    socklen_t len;
    int v, saved = errno;

    len = sizeof v;
    if (SS_REAL(getsockopt)(fd, SOL_SOCKET, SO_TYPE, &v, &len) == 0)
        s->type = v;
#ifdef SO_DOMAIN
    len = sizeof v;
    if (SS_REAL(getsockopt)(fd, SOL_SOCKET, SO_DOMAIN, &v, &len) == 0)
        s->family = v;
#endif
#ifdef SO_PROTOCOL
    len = sizeof v;
    if (SS_REAL(getsockopt)(fd, SOL_SOCKET, SO_PROTOCOL, &v, &len) == 0)
        s->proto = v;
#endif
#ifdef SO_ACCEPTCONN
    len = sizeof v;
    if (SS_REAL(getsockopt)(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == 0)
        s->listening = v != 0;
#endif
    len = sizeof a;
    memset(&a, 0, sizeof a);
    if (SS_REAL(getsockname)(fd, (struct sockaddr *)&a, &len) == 0 &&
        len <= sizeof a) {
        if (s->family == 0)
            s->family = a.ss_family;
        /* named: a port, or a Unix path or abstract name */
        if ((a.ss_family == AF_INET &&
             ((struct sockaddr_in *)&a)->sin_port != 0) ||
            (a.ss_family == AF_INET6 &&
             ((struct sockaddr_in6 *)&a)->sin6_port != 0) ||
            (a.ss_family == AF_UNIX && len > sizeof(sa_family_t))) {
            s->local = a;
            s->llen = len;
        }
    }
    len = sizeof a;
    s->bound = s->llen > 0 &&
               SS_REAL(getpeername)(fd, (struct sockaddr *)&a, &len) != 0;
    len = sizeof a;
    if (SS_REAL(getpeername)(fd, (struct sockaddr *)&a, &len) == 0 &&
        len <= sizeof a) {
        s->connected = 1;
        if (len > sizeof(sa_family_t)) {
            s->peer = a;
            s->plen = len;
        }
    }
    s->ino = fstat(fd, &st) == 0 ? (unsigned long)st.st_ino : 0;
    errno = saved;
}

/*
 * The table's entry for the socket behind fd, asked of the kernel the
 * first time fd is seen, and again when fd now names another socket
 * (closed and reused where the narrator did not see it: dup2(), a call
 * inside the C library). NULL when fd is no socket, or the table is
 * full.
 */
static inline struct ss_sock *ss_sock_find(int fd)
{
    struct ss_sock *s = ss_sock_slot(fd);
    struct stat st;
    int saved = errno;

    if (s != NULL && ss_nar.known_fd == fd + 1)
        return s; /* checked already during this call */
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) {
        errno = saved;
        if (s != NULL)
            ss_sock_drop(fd);
        return NULL;
    }
    errno = saved;
    if (s == NULL || s->ino != (unsigned long)st.st_ino) {
        s = ss_sock_add(fd, 0);
        if (s != NULL)
            ss_sock_ask(s, fd);
    }
    if (s != NULL)
        ss_nar.known_fd = fd + 1;
    return s;
}

/* The protocol the kernel gives a socket() that asks for 0. */
static inline int ss_proto_default(int family, int type, int proto)
{
    if (proto != 0 || (family != AF_INET && family != AF_INET6))
        return proto;
    return type == SOCK_STREAM  ? IPPROTO_TCP
           : type == SOCK_DGRAM ? IPPROTO_UDP
                                : 0;
}

/*
 * What a descriptor is, in the kinds the narration has sentences for:
 * from the table (asked of the kernel), and for what is no socket, from
 * fstat().
 */
enum {
    SS_KIND_NONE,    /* not open */
    SS_KIND_TCP,     /* AF_INET, AF_INET6 SOCK_STREAM */
    SS_KIND_UDP,     /* AF_INET, AF_INET6 SOCK_DGRAM, not ICMP */
    SS_KIND_ICMP,    /* a ping socket: SOCK_DGRAM, IPPROTO_ICMP(V6) */
    SS_KIND_RAW,     /* SOCK_RAW */
    SS_KIND_USTREAM, /* AF_UNIX SOCK_STREAM */
    SS_KIND_UDGRAM,  /* AF_UNIX SOCK_DGRAM */
    SS_KIND_USEQ,    /* AF_UNIX SOCK_SEQPACKET */
    SS_KIND_SOCKET,  /* another socket: netlink, packet ... */
    SS_KIND_PIPE,    /* a pipe or a FIFO */
    SS_KIND_FILE     /* a file, a terminal, anything else */
};

/* The kind of a socket of this family, type and protocol. */
static inline int ss_kind_is(int family, int type, int proto)
{
    if (family == AF_UNIX)
        return type == SOCK_STREAM      ? SS_KIND_USTREAM
               : type == SOCK_DGRAM     ? SS_KIND_UDGRAM
               : type == SOCK_SEQPACKET ? SS_KIND_USEQ
                                        : SS_KIND_SOCKET;
    if (family != AF_INET && family != AF_INET6)
        return SS_KIND_SOCKET;
    if (type == SOCK_STREAM)
        return SS_KIND_TCP;
    if (type == SOCK_RAW)
        return SS_KIND_RAW;
    if (type == SOCK_DGRAM)
        return proto == IPPROTO_ICMP || proto == 58 /* ICMPv6 */
                   ? SS_KIND_ICMP
                   : SS_KIND_UDP;
    return SS_KIND_SOCKET;
}

static inline int ss_kind_of(int fd)
{
    struct ss_sock *s = ss_sock_find(fd), asked;
    struct stat st;
    int saved = errno, isfifo, ok;

    if (s != NULL)
        return ss_kind_is(s->family, s->type, s->proto);
    ok = fstat(fd, &st) == 0;
    isfifo = ok && S_ISFIFO(st.st_mode);
    errno = saved;
    if (!ok)
        return SS_KIND_NONE;
    if (!S_ISSOCK(st.st_mode))
        return isfifo ? SS_KIND_PIPE : SS_KIND_FILE;
    { /* a socket, and the table is full: asked, not kept */
        memset(&asked, 0, sizeof asked);
        ss_sock_ask(&asked, fd);
        s = &asked;
    }
    return ss_kind_is(s->family, s->type, s->proto);
}

/* A Unix socket of any type? */
static inline int ss_kind_unix(int kind)
{
    return kind == SS_KIND_USTREAM || kind == SS_KIND_UDGRAM ||
           kind == SS_KIND_USEQ;
}

/* Does a socket of this kind keep what each send() sent as one unit
   (a datagram, a record, a packet)? */
static inline int ss_kind_records(int kind)
{
    return kind == SS_KIND_UDP || kind == SS_KIND_ICMP || kind == SS_KIND_RAW ||
           kind == SS_KIND_UDGRAM || kind == SS_KIND_USEQ;
}

/* The tag of a kind in the advice's keys ("unix", "udp6", "icmp",
   "raw", "tcp"); "" for none. */
static inline const char *ss_kind_tag_is(int k, int family)
{
    return ss_kind_unix(k)     ? "unix"
           : k == SS_KIND_UDP  ? (family == AF_INET6 ? "udp6" : "udp")
           : k == SS_KIND_ICMP ? "icmp"
           : k == SS_KIND_RAW  ? "raw"
           : k == SS_KIND_TCP  ? "tcp"
                               : "";
}

/* The same for the socket behind fd, asked of the kernel. */
static inline void ss_kind_tag(char *out, size_t cap, int fd)
{
    struct ss_sock *s = ss_sock_find(fd);

    snprintf(out, cap, "%s",
             ss_kind_tag_is(fd >= 0 ? ss_kind_of(fd) : SS_KIND_NONE,
                            s != NULL ? s->family : 0));
}

/* A wait was asked for: one with a time limit other than 0 counts, for
   the repeat watch (ss_repeat.h): a loop that makes it does not spin. */
static inline void ss_wait_asked(int limited)
{
    if (limited)
        ss_nar.wait_calls++;
}

#endif /* SS_STATE_H */
