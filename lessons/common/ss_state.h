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

/* What the narrator knows about one open socket. */
struct ss_sock {
    int fd;
    int type;      /* SOCK_STREAM, SOCK_DGRAM */
    int reuseaddr; /* SO_REUSEADDR was set to 1 */
    int listening; /* listen() succeeded */
    int connected; /* connect() or accept() succeeded */
    int linger0;   /* SO_LINGER {1, 0} was set: close() resets */
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
    SS_K_RECVFROM,
    SS_K_RECV_DGRAM,
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
    SS_K_FULL
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

static inline struct ss_sock *ss_sock_find(int fd)
{
    int i;

    for (i = 0; i < SS_MAX_FDS; i++)
        if (ss_nar.socks[i].fd == fd + 1) /* 0 marks a free slot */
            return &ss_nar.socks[i];
    return NULL;
}

/* A new socket (from socket, accept): remember it, for Ctrl-C too. */
static inline struct ss_sock *ss_sock_add(int fd, int type)
{
    struct ss_sock *s = ss_sock_find(fd);
    int i;

    for (i = 0; s == NULL && i < SS_MAX_FDS; i++)
        if (ss_nar.socks[i].fd == 0)
            s = &ss_nar.socks[i];
    if (s == NULL) /* the table is full: ss_sock_new() says so */
        return NULL;
    memset(s, 0, sizeof *s);
    s->fd = fd + 1;
    s->type = type;
    if (ss_sig_nfds < SS_MAX_FDS)
        ss_sig_fds[ss_sig_nfds++] = fd;
    return s;
}

static inline void ss_sock_drop(int fd)
{
    struct ss_sock *s = ss_sock_find(fd);
    int i;

    if (s != NULL)
        s->fd = 0;
    for (i = 0; i < ss_sig_nfds; i++)
        if (ss_sig_fds[i] == fd) {
            ss_sig_fds[i] = ss_sig_fds[ss_sig_nfds - 1];
            ss_sig_nfds--;
            break;
        }
}

#endif /* SS_STATE_H */
