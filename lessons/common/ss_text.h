/*
 * ss_text.h - turning values into text: socket addresses of any family,
 * bytes a peer sent (always escaped), and the names of constants (AF_INET,
 * SOCK_STREAM, MSG_NOSIGNAL, SO_REUSEADDR, POLLIN, O_NONBLOCK ...).
 *
 * Needs: nothing
 * Part of sockstep.h; include that, not this. Every function here returns
 * its text by value (no static buffers) and leaves errno alone.
 */
#ifndef SS_TEXT_H
#define SS_TEXT_H

/* Does text s start with the string literal lit? (Its length counted by
 * the compiler; "" lit "" takes a literal only.) */
#define SS_STARTS(s, lit) (strncmp((s), "" lit "", sizeof(lit) - 1) == 0)

/* Room for "[ffff:...:ffff%eth0]:65535", a unix path, or a data preview. */
struct ss_text {
    char s[160];
};

/* Append printf-style to t at *o, never past its end. */
static inline void ss_tcat(struct ss_text *t, size_t *o, const char *fmt, ...)
    SS_PRINTF(3, 4);
static inline void ss_tcat(struct ss_text *t, size_t *o, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (*o >= sizeof t->s)
        return;
    va_start(ap, fmt);
    n = vsnprintf(t->s + *o, sizeof t->s - *o, fmt, ap);
    va_end(ap);
    if (n > 0)
        *o = *o + (size_t)n < sizeof t->s ? *o + (size_t)n : sizeof t->s - 1;
}

/*
 * One byte sequence as text a terminal cannot act on: printable ASCII and
 * valid UTF-8 as they are; \n \r \t \" \\ as escapes; every other byte
 * (C0 and C1 controls, DEL, invalid UTF-8) as \xNN. Writes at most cap-1
 * characters to out (always terminated) and returns how many input bytes
 * it used, so a caller can go on where it stopped.
 */
static inline size_t ss_escape(char *out, size_t cap, const void *buf,
                               size_t len, int quote)
{
    const unsigned char *p = buf;
    size_t i = 0, o = 0;

    while (i < len) {
        unsigned char c = p[i];
        char one[16];
        size_t w = 0, use = 1;

        if (c == '\n' || c == '\r' || c == '\t') {
            one[w++] = '\\';
            one[w++] = (char)(c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
        } else if (c == '\\' || (quote && c == '"')) {
            one[w++] = '\\';
            one[w++] = (char)c;
        } else if (c >= 0x20 && c < 0x7f) {
            one[w++] = (char)c;
        } else {
            /* A whole, shortest-form UTF-8 sequence that is not a C1
               control (U+0080..U+009F) is printed as it is. */
            size_t n = c >= 0xc2 && c <= 0xdf   ? 2
                       : c >= 0xe0 && c <= 0xef ? 3
                       : c >= 0xf0 && c <= 0xf4 ? 4
                                                : 0;
            size_t k;
            int ok = n > 0 && i + n <= len;
            for (k = 1; ok && k < n; k++)
                ok = (p[i + k] & 0xc0) == 0x80;
            if (ok && n == 2 && c == 0xc2 && p[i + 1] < 0xa0)
                ok = 0; /* C1 control */
            if (ok && n == 3 && c == 0xe0 && p[i + 1] < 0xa0)
                ok = 0; /* overlong */
            if (ok && n == 3 && c == 0xed && p[i + 1] >= 0xa0)
                ok = 0; /* surrogate */
            if (ok && n == 4 && c == 0xf0 && p[i + 1] < 0x90)
                ok = 0; /* overlong */
            if (ok && n == 4 && c == 0xf4 && p[i + 1] >= 0x90)
                ok = 0; /* above U+10FFFF */
            if (ok) {
                memcpy(one, p + i, n);
                w = n;
                use = n;
            } else {
                w = (size_t)snprintf(one, sizeof one, "\\x%02x", c);
            }
        }
        if (o + w >= cap)
            break;
        memcpy(out + o, one, w);
        o += w;
        i += use;
    }
    if (cap > 0)
        out[o < cap ? o : cap - 1] = '\0';
    return i;
}

/*
 * "\"hello\\n\"" for data in a call line: at most 32 characters between
 * the quotes, then "..." when there was more.
 */
static inline struct ss_text ss_bytes(const void *buf, long len)
{
    struct ss_text t;
    char inner[40];
    size_t used;
    int saved = errno;

    if (buf == NULL || len < 0) {
        snprintf(t.s, sizeof t.s, "NULL");
        errno = saved;
        return t;
    }
    used = ss_escape(inner, 33, buf, (size_t)len, 1);
    snprintf(t.s, sizeof t.s, "\"%s\"%s", inner,
             used < (size_t)len ? "..." : "");
    errno = saved;
    return t;
}

/*
 * Print len bytes a peer sent to f, escaped as ss_escape() does, so that
 * nothing a peer sends can move the cursor, set a title or forge a line.
 */
static inline void ss_put_data(FILE *f, const void *buf, size_t len)
{
    const char *p = buf;
    char out[512];

    while (len > 0) {
        size_t used = ss_escape(out, sizeof out, p, len, 0);
        fputs(out, f);
        p += used;
        len -= used;
    }
}

/*
 * Any socket address as text: "127.0.0.1:8888", "[::1]:8888",
 * "/tmp/x.sock", "@name" (abstract), "(unnamed)". len is the address's
 * length as the call saw it (sizeof for the lessons' own structs).
 * Never inlined: inlined into a caller that has a sockaddr_in, GCC 12
 * warns (-Warray-bounds) about the IPv6 branch, which never runs there.
 */
static SS_NOINLINE struct ss_text ss_addr_len(const void *sa, socklen_t len)
{
    struct ss_text t;
    size_t o = 0;
    sa_family_t fam;
    int saved = errno;

    t.s[0] = '\0';
    if (sa == NULL) {
        ss_tcat(&t, &o, "NULL");
        errno = saved;
        return t;
    }
    memcpy(&fam, (const char *)sa + offsetof(struct sockaddr, sa_family),
           sizeof fam);
    if (fam == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
        struct sockaddr_in a;
        char ip[INET_ADDRSTRLEN];
        memcpy(&a, sa, sizeof a);
        inet_ntop(AF_INET, &a.sin_addr, ip, sizeof ip);
        ss_tcat(&t, &o, "%s:%u", ip, (unsigned)ntohs(a.sin_port));
    } else if (fam == AF_INET6 &&
               len >= (socklen_t)sizeof(struct sockaddr_in6)) {
        struct sockaddr_in6 a;
        char ip[INET6_ADDRSTRLEN];
        memcpy(&a, sa, sizeof a);
        inet_ntop(AF_INET6, &a.sin6_addr, ip, sizeof ip);
        if (a.sin6_scope_id != 0)
            ss_tcat(&t, &o, "[%s%%%u]:%u", ip, (unsigned)a.sin6_scope_id,
                    (unsigned)ntohs(a.sin6_port));
        else
            ss_tcat(&t, &o, "[%s]:%u", ip, (unsigned)ntohs(a.sin6_port));
    } else if (fam == AF_UNIX) {
        struct sockaddr_un a;
        size_t n = len > offsetof(struct sockaddr_un, sun_path)
                       ? (size_t)len - offsetof(struct sockaddr_un, sun_path)
                       : 0;
        char path[sizeof a.sun_path * 4 + 1];
        memset(&a, 0, sizeof a);
        memcpy(&a, sa, len < sizeof a ? len : sizeof a);
        if (n > sizeof a.sun_path)
            n = sizeof a.sun_path;
        if (n == 0) {
            ss_tcat(&t, &o, "(unnamed)");
        } else if (a.sun_path[0] == '\0') {
            ss_escape(path, sizeof path, a.sun_path + 1, n - 1, 0);
            ss_tcat(&t, &o, "@%s", path);
        } else {
            ss_escape(path, sizeof path, a.sun_path, strnlen(a.sun_path, n), 0);
            ss_tcat(&t, &o, "%s", path);
        }
    } else {
        ss_tcat(&t, &o, "{family %d, %u bytes}", (int)fam, (unsigned)len);
    }
    errno = saved;
    return t;
}

/* The address in a struct the lesson owns: its family says its size. */
static inline struct ss_text ss_addr(const void *sa)
{
    sa_family_t fam;

    if (sa == NULL)
        return ss_addr_len(sa, 0);
    memcpy(&fam, (const char *)sa + offsetof(struct sockaddr, sa_family),
           sizeof fam);
    return ss_addr_len(sa, fam == AF_INET    ? sizeof(struct sockaddr_in)
                           : fam == AF_INET6 ? sizeof(struct sockaddr_in6)
                                             : sizeof(struct sockaddr_un));
}

/* A table entry: a constant's value and its name. */
struct ss_name {
    long value;
    const char *name;
};
#define SS_N(x)                                                                \
    {                                                                          \
        (long)(x), #x                                                          \
    }
#define SS_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The name of v in the table, or the number itself. */
static inline struct ss_text ss_name_of(const struct ss_name *tab, size_t n,
                                        long v)
{
    struct ss_text t;
    size_t i;

    for (i = 0; i < n; i++)
        if (tab[i].value == v) {
            snprintf(t.s, sizeof t.s, "%s", tab[i].name);
            return t;
        }
    snprintf(t.s, sizeof t.s, "%ld", v);
    return t;
}

/* Bit flags as "A|B|0x40"; "0" when none is set. */
static inline struct ss_text ss_flags_of(const struct ss_name *tab, size_t n,
                                         long v)
{
    struct ss_text t;
    size_t i, o = 0;

    t.s[0] = '\0';
    for (i = 0; i < n; i++)
        if (tab[i].value != 0 && (v & tab[i].value) == tab[i].value) {
            ss_tcat(&t, &o, "%s%s", o ? "|" : "", tab[i].name);
            v &= ~tab[i].value;
        }
    if (v != 0 || o == 0)
        ss_tcat(&t, &o, o ? "|%#lx" : "%ld", v);
    return t;
}

static const struct ss_name ss_families[] = {SS_N(AF_INET), SS_N(AF_INET6),
                                             SS_N(AF_UNIX), SS_N(AF_UNSPEC)};
static const struct ss_name ss_socktypes[] = {
    SS_N(SOCK_STREAM), SS_N(SOCK_DGRAM), SS_N(SOCK_SEQPACKET), SS_N(SOCK_RAW)};
static const struct ss_name ss_msgflags[] = {
#ifdef MSG_NOSIGNAL
    SS_N(MSG_NOSIGNAL),
#endif
#ifdef MSG_DONTWAIT
    SS_N(MSG_DONTWAIT),
#endif
    SS_N(MSG_PEEK),     SS_N(MSG_WAITALL), SS_N(MSG_OOB),
    SS_N(MSG_TRUNC),    SS_N(MSG_CTRUNC),  SS_N(MSG_EOR)};
static const struct ss_name ss_levels[] = {SS_N(SOL_SOCKET), SS_N(IPPROTO_TCP),
                                           SS_N(IPPROTO_IP), SS_N(IPPROTO_IPV6),
                                           SS_N(IPPROTO_UDP)};
static const struct ss_name ss_sockopts[] = {
    SS_N(SO_REUSEADDR), SS_N(SO_RCVTIMEO),   SS_N(SO_SNDTIMEO),
    SS_N(SO_TYPE),      SS_N(SO_ERROR),      SS_N(SO_KEEPALIVE),
    SS_N(SO_LINGER),    SS_N(SO_SNDBUF),     SS_N(SO_RCVBUF),
    SS_N(SO_BROADCAST), SS_N(SO_ACCEPTCONN),
#ifdef SO_REUSEPORT
    SS_N(SO_REUSEPORT),
#endif
#ifdef SO_DOMAIN
    SS_N(SO_DOMAIN),
#endif
#ifdef SO_PROTOCOL
    SS_N(SO_PROTOCOL),
#endif
#ifdef SO_PEERCRED
    SS_N(SO_PEERCRED),
#endif
};
/* The keepalive options: no lesson sets them, but curl does (a preload
   tells its calls, scripts/narrate). */
static const struct ss_name ss_tcpopts[] = {
    SS_N(TCP_NODELAY),
#ifdef TCP_KEEPIDLE
    SS_N(TCP_KEEPIDLE),
    SS_N(TCP_KEEPINTVL),
    SS_N(TCP_KEEPCNT),
#endif
};
static const struct ss_name ss_ipopts[] = {
    SS_N(IP_MULTICAST_TTL),
    SS_N(IP_MULTICAST_LOOP),
    SS_N(IP_ADD_MEMBERSHIP),
    SS_N(IP_DROP_MEMBERSHIP),
    SS_N(IP_TTL),
    SS_N(IP_MULTICAST_IF),
#ifdef IP_MULTICAST_ALL
    SS_N(IP_MULTICAST_ALL),
#endif
};
static const struct ss_name ss_ip6opts[] = {SS_N(IPV6_V6ONLY)};
static const struct ss_name ss_hows[] = {SS_N(SHUT_RD), SS_N(SHUT_WR),
                                         SS_N(SHUT_RDWR)};
static const struct ss_name ss_pollbits[] = {
    SS_N(POLLIN),     SS_N(POLLPRI),    SS_N(POLLOUT),    SS_N(POLLERR),
    SS_N(POLLHUP),    SS_N(POLLNVAL),
#ifdef POLLRDNORM /* the X/Open bits: curl asks for them */
    SS_N(POLLRDNORM), SS_N(POLLRDBAND), SS_N(POLLWRNORM), SS_N(POLLWRBAND),
#endif
};
static const struct ss_name ss_fcntlcmds[] = {
    SS_N(F_GETFL), SS_N(F_SETFL), SS_N(F_GETFD), SS_N(F_SETFD), SS_N(F_DUPFD)};
static const struct ss_name ss_oflags[] = {SS_N(O_NONBLOCK), SS_N(O_RDWR),
                                           SS_N(O_WRONLY), SS_N(O_APPEND)};

/* "AF_INET" */
static inline struct ss_text ss_family_name(long v)
{
    return ss_name_of(ss_families, SS_COUNT(ss_families), v);
}

/* "SOCK_STREAM|SOCK_NONBLOCK" */
static inline struct ss_text ss_socktype_name(long v)
{
    struct ss_text t, base;
    size_t o;
    long extra = 0;

#ifdef SOCK_NONBLOCK
    extra = v & (SOCK_NONBLOCK | SOCK_CLOEXEC);
#endif
    base = ss_name_of(ss_socktypes, SS_COUNT(ss_socktypes), v & ~extra);
    t = base;
    /* read below where SOCK_NONBLOCK exists (cppcheck sees no header): */
    /* cppcheck-suppress unreadVariable */
    o = strlen(t.s);
#ifdef SOCK_NONBLOCK
    if (extra & SOCK_NONBLOCK)
        ss_tcat(&t, &o, "|SOCK_NONBLOCK");
    if (extra & SOCK_CLOEXEC)
        ss_tcat(&t, &o, "|SOCK_CLOEXEC");
#endif
    return t;
}

/* The option's name at its level: "SO_REUSEADDR", "TCP_NODELAY". */
static inline struct ss_text ss_optname(int level, int name)
{
    if (level == SOL_SOCKET)
        return ss_name_of(ss_sockopts, SS_COUNT(ss_sockopts), name);
    if (level == IPPROTO_TCP)
        return ss_name_of(ss_tcpopts, SS_COUNT(ss_tcpopts), name);
    if (level == IPPROTO_IP)
        return ss_name_of(ss_ipopts, SS_COUNT(ss_ipopts), name);
    if (level == IPPROTO_IPV6)
        return ss_name_of(ss_ip6opts, SS_COUNT(ss_ip6opts), name);
    return ss_name_of(NULL, 0, name);
}

/* Word wrap, the one loop every wrapped text uses: how much of p goes on
   a line `room` columns wide (cut at the last space that fits, or at
   room when no space does). The caller prints that much, then skips the
   spaces that follow it. */
static inline int ss_piece(const char *p, int room)
{
    int n = (int)strlen(p), cut = room;

    if (n <= room)
        return n;
    while (cut > 0 && p[cut] != ' ')
        cut--;
    return cut > 0 ? cut : room;
}

/* Text built in a signal handler: no printf(), only stores into buf from
   o, never past cap; each returns the new end. */
static inline size_t ss_put_str(char *buf, size_t o, size_t cap, const char *s)
{
    while (*s != '\0' && o < cap)
        buf[o++] = *s++;
    return o;
}

static inline size_t ss_put_num(char *buf, size_t o, size_t cap, long v)
{
    char digits[24];
    int n = 0;

    if (v < 0 && o < cap) {
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

#endif /* SS_TEXT_H */
