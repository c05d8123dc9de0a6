/*
 * ss_proc.h - reading the kernel's tables of sockets: one line of
 * /proc/net/tcp, tcp6, udp or udp6 parsed into a struct ss_procsock, a
 * walk over every line, and one entry described in words ("kernel: ...").
 * On Linux only; elsewhere a walk finds nothing.
 *
 * When a /proc file cannot be read, the narration says so, with the errno,
 * and concludes nothing from it.
 *
 * Needs: ss_text.h ss_state.h ss_narrate.h ss_errors.h
 * Part of sockstep.h; include that, not this.
 */
#ifndef SS_PROC_H
#define SS_PROC_H

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

/* Has the peer's FIN come, by the state? CLOSE_WAIT (only the peer has
   closed), CLOSING (both at once), LAST_ACK (both, the peer first),
   TIME_WAIT (both, this side first). */
static inline int ss_fin_came(int st)
{
    return st == SS_TCP_CLOSE_WAIT || st == SS_TCP_CLOSING ||
           st == SS_TCP_LAST_ACK || st == SS_TCP_TIME_WAIT;
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

    while (SS_REAL(fgets)(line, sizeof line, f) != NULL)
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

/* What one count of a TCP entry's queue holds, after ", ": /proc counts
   a SYN or a FIN as one place in the sequence, as if it were a byte, so
   where the state says one is there it is told apart from the bytes.
   what: "received and unread" or "not yet acknowledged by the peer". */
static inline size_t ss_tcp_count(char *out, size_t size, unsigned long q,
                                  const char *flag, const char *what)
{
    if (q == 0)
        return 0;
    if (flag == NULL)
        return (size_t)snprintf(out, size, ", %lu byte%s %s", q,
                                q == 1 ? "" : "s", what);
    if (q == 1)
        return (size_t)snprintf(out, size, ", %s %s", flag, what);
    return (size_t)snprintf(out, size, ", %lu byte%s and %s %s", q - 1,
                            q == 2 ? "" : "s", flag, what);
}

/* The two queues of a TCP entry that does not listen, in words: what it
   has received that its program has not read, and what it has sent that
   the peer has not acknowledged. */
static inline size_t ss_tcp_queues(char *out, size_t size,
                                   const struct ss_procsock *s)
{
    int st = s->state;
    /* the peer's FIN has come: until recv() returns 0 it is counted */
    int fin_in = st == SS_TCP_CLOSE_WAIT || st == SS_TCP_CLOSING ||
                 st == SS_TCP_LAST_ACK;
    /* ours is sent, and counted until the peer acknowledges it */
    int fin_out =
        st == SS_TCP_FIN_WAIT1 || st == SS_TCP_CLOSING || st == SS_TCP_LAST_ACK;
    int syn_out = st == SS_TCP_SYN_SENT || st == SS_TCP_SYN_RECV;
    size_t n = ss_tcp_count(out, size, s->rxq, fin_in ? "the peer's FIN" : NULL,
                            "received and unread");

    if (n >= size)
        return n;
    return n + ss_tcp_count(out + n, size - n, s->txq,
                            fin_out   ? "its FIN"
                            : syn_out ? "its SYN"
                                      : NULL,
                            "not yet acknowledged by the peer");
}

/* A TIME_WAIT entry. (net.ipv4.tcp_tw_reuse is not told here: it lets
   a new connect() take over only an entry whose own side connected, not
   one left by an accept()ed connection, which a new SYN from the same
   client port takes over with or without it; an entry does not say
   which side it was.) */
#define SS_TW_TEXT ", a record no descriptor owns; it lasts up to 60 s on Linux"

/* Describe one entry, as truthfully as /proc allows; LEAD goes first
   ("the peer's end: ", or ""). */
static inline void ss_proc_say_lead(const struct ss_procsock *s,
                                    const char *file, const char *lead)
{
#ifndef SOCKSTEP_PLAIN /* the kernel's view is narration */
    char text[400];
    size_t n;
    int udp = strcmp(s->proto, "udp") == 0;
    int connected = ss_port_of(&s->remote) != 0;

    if (strcmp(s->proto, "raw") == 0 || strcmp(s->proto, "icmp") == 0) {
        /* where a port would be: a raw socket's IP protocol, a ping
           socket's ICMP identifier */
        char ip[INET6_ADDRSTRLEN] = "?", peer[INET6_ADDRSTRLEN] = "";
        const void *l =
            s->local.ss_family == AF_INET
                ? (const void *)&((const struct sockaddr_in *)&s->local)
                      ->sin_addr
                : (const void *)&((const struct sockaddr_in6 *)&s->local)
                      ->sin6_addr;
        const void *r =
            s->remote.ss_family == AF_INET
                ? (const void *)&((const struct sockaddr_in *)&s->remote)
                      ->sin_addr
                : (const void *)&((const struct sockaddr_in6 *)&s->remote)
                      ->sin6_addr;
        static const unsigned char zero[16];
        inet_ntop(s->local.ss_family, l, ip, sizeof ip);
        if (memcmp(r, zero, s->remote.ss_family == AF_INET ? 4 : 16) != 0)
            inet_ntop(s->remote.ss_family, r, peer, sizeof peer);
        snprintf(text, sizeof text, "%s socket on %s, %s %u%s%s (from %s)",
                 s->proto, ip,
                 s->proto[0] == 'r' ? "IP protocol" : "identifier",
                 ss_port_of(&s->local), peer[0] ? ", connected to " : "", peer,
                 file);
        ss_kernel_line(text);
        return;
    }
    n = (size_t)snprintf(text, sizeof text, "%s%s %s", lead, s->proto,
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
        else
            n += ss_tcp_queues(text + n, sizeof text - n, s);
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
                why = SS_TW_TEXT;
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
    (void)lead;
#endif
}

static inline void ss_proc_say(const struct ss_procsock *s, const char *file)
{
    ss_proc_say_lead(s, file, "");
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

/* The entries of a walk on one port, described in words: "a listener
   on ADDR", "a connection in TIME_WAIT, ADDR to ADDR" (four at most). */
struct ss_holders {
    unsigned port;
    int n;
    char text[600];
};

static inline int ss_holder(const struct ss_procsock *e, const char *file,
                            void *arg)
{
    struct ss_holders *h = arg;
    size_t o = strlen(h->text);
    int udp = strcmp(e->proto, "udp") == 0;

    (void)file;
    if (ss_port_of(&e->local) != h->port)
        return 0;
    if (++h->n > 4)
        return 0; /* counted, not shown */
    if (udp)
        snprintf(h->text + o, sizeof h->text - o, "%sa udp socket on %s",
                 h->n > 1 ? "; " : "",
                 ss_addr_len(&e->local, sizeof e->local).s);
    else if (e->state == SS_TCP_LISTEN)
        snprintf(h->text + o, sizeof h->text - o, "%sa listener on %s",
                 h->n > 1 ? "; " : "",
                 ss_addr_len(&e->local, sizeof e->local).s);
    else
        snprintf(h->text + o, sizeof h->text - o,
                 "%sa connection in %s, %s to %s", h->n > 1 ? "; " : "",
                 ss_tcp_state(e->state),
                 ss_addr_len(&e->local, sizeof e->local).s,
                 ss_addr_len(&e->remote, sizeof e->remote).s);
    return 0;
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

/*
 * EADDRNOTAVAIL from bind(), connect() or sendto() (call) on ::1, or on
 * ::, which connect() takes for it, where the loopback has no IPv6
 * address: on Linux, /proc/net/if_inet6 then lists no ::1 (a container
 * started without IPv6). The generic advice, "use 127.0.0.1 or ::1",
 * would send the reader round in a circle. Returns 1 when it said so.
 */
static inline int ss_advise_no_ipv6(const char *call,
                                    const struct sockaddr_storage *sa, int err)
{
#ifdef __linux__
    const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)sa;
    char line[200];
    int listed = 0;
    FILE *f;

    if (err != EADDRNOTAVAIL || sa->ss_family != AF_INET6 ||
        (strcmp(call, "bind") != 0 && strcmp(call, "connect") != 0 &&
         strcmp(call, "sendto") != 0) ||
        !(IN6_IS_ADDR_LOOPBACK(&a->sin6_addr) ||
          IN6_IS_ADDR_UNSPECIFIED(&a->sin6_addr)))
        return 0;
    f = fopen("/proc/net/if_inet6", "r");
    while (f != NULL && SS_REAL(fgets)(line, sizeof line, f) != NULL)
        if (SS_STARTS(line, "00000000000000000000000000000001 "))
            listed = 1;
    if (f != NULL)
        fclose(f);
    if (listed)
        return 0;
    ss_wrap(4, 4, "likely cause: ",
            "::1 is not an address of this machine: /proc/net/if_inet6 "
            "lists no ::1, so IPv6 is off on its loopback (as in a "
            "container started without IPv6, or with "
            "net.ipv6.conf.lo.disable_ipv6 = 1)",
            "");
    ss_wrap(4, 4, "try: ",
            "use IPv4, 127.0.0.1, where the program takes it; or turn "
            "IPv6 on, as root: sysctl -w net.ipv6.conf.lo.disable_ipv6=0 "
            "(in Docker: docker run --sysctl "
            "net.ipv6.conf.all.disable_ipv6=0)",
            "");
    return 1;
#else
    (void)call;
    (void)sa;
    (void)err;
    return 0;
#endif
}

#endif /* SS_PROC_H */
