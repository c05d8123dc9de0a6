/*
 * ss_options.h - the command line, and how a lesson starts and ends.
 *
 * ss_start() makes sure descriptors 0, 1 and 2 are open (on /dev/null if
 * not), parses the options this lesson takes and no others, sets up the
 * narrator, and installs the handlers for SIGINT, SIGTERM and SIGHUP,
 * which close what is open, say so, and exit 128 + the signal's number.
 * SIGPIPE is not ignored: a send() to a peer that has gone ends the
 * program unless it passes MSG_NOSIGNAL, as the chapters teach. Only a
 * reader of standard output that went away (lesson | grep -m1 ...) is
 * forgiven: the SIGPIPE handler sees that stdout is the broken pipe, points
 * it at /dev/null, and the program goes on; any other SIGPIPE ends the
 * program as it would without the header (status 141 in a shell).
 *
 * Bad input gets one line on stderr naming the option, and exit status 2.
 *
 * Needs: ss_text.h ss_state.h ss_narrate.h
 * Part of sockstep.h; include that, not this.
 */
#ifndef SS_OPTIONS_H
#define SS_OPTIONS_H

/* The options a lesson may take besides --step, --color and --help. */
enum {
    SS_OPT_HOST = 1,     /* --host */
    SS_OPT_PORT = 2,     /* --port */
    SS_OPT_TIMEOUT = 4,  /* --timeout */
    SS_OPT_COUNT = 8,    /* --count */
    SS_OPT_MESSAGE = 16, /* --message */
    SS_OPT_CLIENT = 32,  /* --host and --port name the peer, not us */
    SS_OPT_NAMES = 64,   /* --host takes names and IPv6, --port services */
    SS_OPT_NET = SS_OPT_HOST | SS_OPT_PORT | SS_OPT_TIMEOUT
};

/* One option of a lesson's own: a flag (arg NULL) or one with a value,
   and the lesson's variable it sets: given on the command line, a flag
   sets *flag to 1, a number is stored in *num, a text in *text. */
struct ss_extra {
    const char *name; /* "--v6only" */
    const char *arg;  /* "N", "PATH"; NULL for a flag */
    const char *help; /* one line */
    long lo, hi;      /* a number from lo to hi; lo > hi: any text */
    int *flag;
    long *num;
    const char **text;
};

#define SS_MAX_EXTRA 12

/* What a lesson tells ss_start() about itself. */
struct ss_lesson {
    const char *name;         /* "04-accept" */
    const char *summary;      /* one line: what it does */
    const char *example;      /* usage example line(s) */
    unsigned options;         /* SS_OPT_... */
    unsigned short port;      /* default --port */
    const char *host;         /* default --host; NULL: 127.0.0.1 */
    int timeout;              /* default --timeout; 0: 30 */
    const char *timeout_help; /* what --timeout bounds here */
    long count;               /* default --count; 0: no limit */
    const char *count_help;   /* what --count counts */
    struct ss_extra extra[SS_MAX_EXTRA];
};

/* The options, as parsed. */
struct ss_options {
    const char *host_text; /* --host as given (or the default) */
    struct in_addr host;   /* --host as IPv4, when it is one */
    char port_text[32];    /* --port as given (a number or a service) */
    unsigned short port;   /* --port as a number (0 for a service name) */
    int timeout;           /* --timeout, in seconds */
    long count;            /* --count; 0: no limit */
    const char *message;   /* --message, or NULL */
    int step;              /* --step */
    struct {
        int set;          /* given on the command line */
        long num;         /* its number */
        const char *text; /* its text */
    } extra[SS_MAX_EXTRA];
};

/* One option in --help: its name in 15 columns, then its text wrapped
   within 78 columns, later lines indented to line up. */
static inline void ss_usage_opt(FILE *to, const char *left, const char *fmt,
                                ...) SS_PRINTF(3, 4);
static inline void ss_usage_opt(FILE *to, const char *left, const char *fmt,
                                ...)
{
    char text[400];
    const char *p = text;
    int first = 1;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    while (*p != '\0') {
        int n = ss_piece(p, 78 - 17);
        fprintf(to, "  %-14s %.*s\n", first ? left : "", n, p);
        p += n;
        while (*p == ' ')
            p++;
        first = 0;
    }
}

static inline void ss_usage(const struct ss_lesson *l, FILE *to)
{
    unsigned o = l->options;
    int client = (o & SS_OPT_CLIENT) != 0, i;
    const char *host = l->host != NULL ? l->host : "127.0.0.1";
    char head[300];
    const char *p = head;

    /* "NAME: summary", wrapped within 78 columns */
    snprintf(head, sizeof head, "%s: %s", l->name, l->summary);
    while (*p != '\0') {
        int n = ss_piece(p, p == head ? 78 : 74);
        fprintf(to, "%s%.*s\n", p == head ? "" : "    ", n, p);
        p += n;
        while (*p == ' ')
            p++;
    }
    fprintf(to, "\nusage: build/%s [options]\n\noptions:\n", l->name);
    if (o & SS_OPT_HOST)
        ss_usage_opt(to, o & SS_OPT_NAMES ? "--host NAME" : "--host ADDR",
                     "%s (default %s%s)",
                     client ? "the server's address" : "the address to bind to",
                     host, client ? "" : ": this machine only");
    if ((o & SS_OPT_PORT) && client)
        ss_usage_opt(to, "--port N", "the server's port (default %u)",
                     (unsigned)l->port);
    else if (o & SS_OPT_PORT)
        ss_usage_opt(to, "--port N",
                     "the port to use, 0..65535 (default %u; 0: the kernel "
                     "chooses a free one and the ready line says which)",
                     (unsigned)l->port);
    if (o & SS_OPT_TIMEOUT)
        ss_usage_opt(to, "--timeout S", "%s (default %d)",
                     l->timeout_help != NULL ? l->timeout_help
                                             : "seconds each wait may last",
                     l->timeout > 0 ? l->timeout : 30);
    if (o & SS_OPT_COUNT) {
        const char *what =
            l->count_help != NULL ? l->count_help : "how many to handle";
        if (l->count > 0)
            ss_usage_opt(to, "--count N", "%s (default %ld)", what, l->count);
        else
            ss_usage_opt(to, "--count N", "%s (default: no limit)", what);
    }
    if (o & SS_OPT_MESSAGE)
        ss_usage_opt(to, "--message T",
                     "send T as one datagram instead of reading lines");
    for (i = 0; i < SS_MAX_EXTRA && l->extra[i].name != NULL; i++) {
        char left[40];
        snprintf(left, sizeof left, "%s%s%s", l->extra[i].name,
                 l->extra[i].arg ? " " : "",
                 l->extra[i].arg ? l->extra[i].arg : "");
        ss_usage_opt(to, left, "%s", l->extra[i].help);
    }
    ss_usage_opt(to, "--step",
                 "show each socket call and wait for Enter before making it");
    ss_usage_opt(to, "--color WHEN",
                 "auto, always or never (auto: on a terminal, unless "
                 "NO_COLOR is set or TERM=dumb); --no-color is --color never");
    ss_usage_opt(to, "-h, --help", "this help");
    fprintf(to, "\nexample:\n%s\n", l->example);
}

/* Bad command line: one line naming the option, then exit status 2. */
static inline SS_NORETURN void ss_bad(const struct ss_lesson *l,
                                      const char *opt, const char *wants,
                                      const char *got)
{
    if (got != NULL) {
        char shown[80];
        ss_escape(shown, sizeof shown, got, strlen(got), 0);
        fprintf(stderr, "%s: %s: expected %s, got '%s' (see --help)\n", l->name,
                opt, wants, shown);
    } else {
        fprintf(stderr, "%s: %s: expected %s (see --help)\n", l->name, opt,
                wants);
    }
    exit(2);
}

/* A whole decimal number from lo to hi: digits only, no sign, no space. */
static inline long ss_number(const struct ss_lesson *l, const char *opt,
                             const char *text, long lo, long hi,
                             const char *wants)
{
    long v = 0;
    size_t i, n = strlen(text);

    if (n == 0 || n > 9)
        ss_bad(l, opt, wants, text);
    for (i = 0; i < n; i++) {
        if (text[i] < '0' || text[i] > '9')
            ss_bad(l, opt, wants, text);
        v = v * 10 + (text[i] - '0');
    }
    if (v < lo || v > hi)
        ss_bad(l, opt, wants, text);
    return v;
}

/* What an option that takes a value accepts: said when it is wrong. */
static inline const char *ss_wants(const struct ss_lesson *l, const char *name)
{
    int names = (l->options & SS_OPT_NAMES) != 0, k;

    if (strcmp(name, "--host") == 0)
        return names ? "a host name, or an IPv4 or IPv6 address"
                     : "an IPv4 address such as 127.0.0.1 (names come in "
                       "lesson 10)";
    if (strcmp(name, "--port") == 0)
        return names ? "a port from 0 to 65535, or a service name"
                     : "a port from 0 to 65535";
    if (strcmp(name, "--timeout") == 0)
        return "whole seconds from 1 to 86400";
    if (strcmp(name, "--count") == 0)
        return "a whole number from 1 to 1000000";
    if (strcmp(name, "--message") == 0)
        return "a text of at most 65507 bytes";
    if (strcmp(name, "--color") == 0)
        return "auto, always or never";
    for (k = 0; k < SS_MAX_EXTRA && l->extra[k].name != NULL; k++)
        if (strcmp(name, l->extra[k].name) == 0 && l->extra[k].arg != NULL)
            return l->extra[k].lo <= l->extra[k].hi ? "a whole number"
                                                    : l->extra[k].arg;
    return "a value";
}

/* Only async-signal-safe calls below: close(), poll(), write(), _exit(). */
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

static void ss_on_signal(int sig)
{
#ifndef SOCKSTEP_PLAIN
    char msg[600];
    size_t o = 0, cap = sizeof msg - 1;
    struct pollfd p;
    int i;

    o = ss_put_str(msg, o, cap,
                   sig == SIGINT   ? "\n^C: caught SIGINT"
                   : sig == SIGHUP ? "\ncaught SIGHUP (the terminal closed)"
                                   : "\ncaught SIGTERM");
    o = ss_put_str(msg, o, cap, ", closing what is open:");
    for (i = ss_sig_nfds - 1; i >= 0; i--) {
        int rc = SS_REAL(close)(ss_sig_fds[i]);
        o = ss_put_str(msg, o, cap, " close(");
        o = ss_put_num(msg, o, cap, ss_sig_fds[i]);
        o = ss_put_str(msg, o, cap, ") = ");
        o = ss_put_num(msg, o, cap, rc);
        o = ss_put_str(msg, o, cap, i > 0 ? "," : ";");
    }
    if (ss_sig_nfds == 0)
        o = ss_put_str(msg, o, cap, " nothing;");
    o = ss_put_str(msg, o, cap, "\n    exit status ");
    o = ss_put_num(msg, o, cap, 128 + sig);
    msg[o++] = '\n';
    /* Write only if stdout can take it now: a handler never blocks. */
    p.fd = STDOUT_FILENO;
    p.events = POLLOUT;
    p.revents = 0;
    if (!ss_sig_quiet && SS_REAL(poll)(&p, 1, 0) == 1 &&
        (p.revents & POLLOUT) && write(STDOUT_FILENO, msg, o) < 0)
        _exit(128 + sig);
#endif
    _exit(128 + sig);
}

/* SIGPIPE: if standard output is a pipe or socket nobody reads any more,
   that was the write that failed: send stdout to /dev/null (the write
   returns EPIPE) and go on. Otherwise it came from a socket: die of it,
   as a program without this header would. */
static void ss_on_sigpipe(int sig)
{
    struct pollfd p;
    struct sigaction dfl;
    int saved = errno, null;

    p.fd = STDOUT_FILENO;
    p.events = POLLOUT;
    p.revents = 0;
    if (SS_REAL(poll)(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP))) {
        ss_sig_quiet = 1;
        null = open("/dev/null", O_WRONLY);
        if (null >= 0 && null != STDOUT_FILENO) {
            dup2(null, STDOUT_FILENO);
            SS_REAL(close)(null);
        }
        errno = saved;
        return;
    }
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    SS_REAL(sigaction)(sig, &dfl, NULL);
    raise(sig); /* delivered as this handler returns: the default death */
}

/* Descriptors 0, 1 and 2 must be open, or the first socket would be one
   of them (and stdout's narration would go to a peer). */
static inline void ss_std_fds(void)
{
    int fd;

    for (fd = 0; fd <= 2; fd++) {
        if (SS_REAL(fcntl)(fd, F_GETFD) == -1 && errno == EBADF) {
            int null = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
            if (null != fd) { /* the lowest free number is fd */
                if (null >= 0)
                    SS_REAL(close)(null);
                _exit(1);
            }
        }
    }
}

/*
 * Parse the command line and set up output and signals. Exits 0 after
 * --help and 2 on a bad option, with one line on stderr naming it.
 */
static inline void ss_start(const struct ss_lesson *l, struct ss_options *o,
                            int argc, char **argv)
{
    struct sigaction sa;
    const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM");
    int color = -1, i, k;
    unsigned opts = l->options;

    ss_std_fds();
    memset(o, 0, sizeof *o);
    o->host_text = l->host != NULL ? l->host : "127.0.0.1";
    if (inet_pton(AF_INET, o->host_text, &o->host) != 1)
        o->host.s_addr = htonl(INADDR_LOOPBACK);
    o->port = l->port;
    snprintf(o->port_text, sizeof o->port_text, "%u", (unsigned)l->port);
    o->timeout = l->timeout > 0 ? l->timeout : 30;
    o->count = l->count;
    ss_nar.prog = l->name;

    for (i = 1; i < argc; i++) {
        const char *arg = argv[i], *val = NULL, *eq = strchr(arg, '=');
        char name[64];
        int takes = 0, extra = -1;

        if (strncmp(arg, "--", 2) == 0 && eq != NULL) {
            snprintf(name, sizeof name, "%.*s", (int)(eq - arg), arg);
            val = eq + 1;
        } else {
            snprintf(name, sizeof name, "%s", arg);
        }
        for (k = 0; k < SS_MAX_EXTRA && l->extra[k].name != NULL; k++)
            if (strcmp(name, l->extra[k].name) == 0)
                extra = k;
        if ((strcmp(name, "--host") == 0 && (opts & SS_OPT_HOST)) ||
            (strcmp(name, "--port") == 0 && (opts & SS_OPT_PORT)) ||
            (strcmp(name, "--timeout") == 0 && (opts & SS_OPT_TIMEOUT)) ||
            (strcmp(name, "--count") == 0 && (opts & SS_OPT_COUNT)) ||
            (strcmp(name, "--message") == 0 && (opts & SS_OPT_MESSAGE)) ||
            strcmp(name, "--color") == 0 ||
            (extra >= 0 && l->extra[extra].arg != NULL))
            takes = 1;
        if (takes && val == NULL) {
            if (i + 1 >= argc) {
                char wants[120];
                snprintf(wants, sizeof wants, "%s after it", ss_wants(l, name));
                ss_bad(l, name, wants, NULL);
            }
            val = argv[++i];
        }
        if (!takes && val != NULL &&
            (strcmp(name, "--step") == 0 || strcmp(name, "--no-color") == 0 ||
             strcmp(name, "--help") == 0 || extra >= 0))
            ss_bad(l, name, "no value", val);
        if (!takes && val != NULL) {
            char shown[80];
            ss_escape(shown, sizeof shown, name, strlen(name), 0);
            fprintf(stderr, "%s: %s: unknown option (see --help)\n", l->name,
                    shown);
            exit(2);
        }

        if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0) {
            ss_usage(l, stdout);
            exit(0);
        } else if (takes && strcmp(name, "--host") == 0) {
            int ok = inet_pton(AF_INET, val, &o->host) == 1;
            if (!ok && (opts & SS_OPT_NAMES)) {
                size_t n = strlen(val);
                ok = n > 0 && n < 254 && val[0] != '-' &&
                     strspn(val, "abcdefghijklmnopqrstuvwxyz"
                                 "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                 "0123456789.-:%_") == n;
            }
            if (!ok)
                ss_bad(l, name, ss_wants(l, name), val);
            o->host_text = val;
        } else if (takes && strcmp(name, "--port") == 0) {
            size_t n = strlen(val);
            if ((opts & SS_OPT_NAMES) && n > 0 && n < sizeof o->port_text &&
                strspn(val, "abcdefghijklmnopqrstuvwxyz-") == n) {
                o->port = 0; /* a service name, for getaddrinfo */
            } else {
                o->port = (unsigned short)ss_number(l, name, val, 0, 65535,
                                                    ss_wants(l, name));
            }
            snprintf(o->port_text, sizeof o->port_text, "%s", val);
        } else if (takes && strcmp(name, "--timeout") == 0) {
            o->timeout =
                (int)ss_number(l, name, val, 1, 86400, ss_wants(l, name));
        } else if (takes && strcmp(name, "--count") == 0) {
            o->count = ss_number(l, name, val, 1, 1000000, ss_wants(l, name));
        } else if (takes && strcmp(name, "--message") == 0) {
            if (strlen(val) > 65507)
                ss_bad(l, name, ss_wants(l, name), NULL);
            o->message = val;
        } else if (strcmp(name, "--color") == 0) {
            if (strcmp(val, "always") == 0)
                color = 1;
            else if (strcmp(val, "never") == 0)
                color = 0;
            else if (strcmp(val, "auto") == 0)
                color = -1;
            else
                ss_bad(l, name, ss_wants(l, name), val);
        } else if (strcmp(name, "--no-color") == 0) {
            color = 0;
        } else if (strcmp(name, "--step") == 0) {
            o->step = 1;
        } else if (extra >= 0) {
            const struct ss_extra *e = &l->extra[extra];
            o->extra[extra].set = 1;
            o->extra[extra].text = val;
            if (e->arg != NULL && e->lo <= e->hi) {
                char wants[64];
                snprintf(wants, sizeof wants, "a whole number from %ld to %ld",
                         e->lo, e->hi);
                o->extra[extra].num =
                    ss_number(l, name, val, e->lo, e->hi, wants);
            }
            if (e->flag != NULL)
                *e->flag = 1;
            if (e->num != NULL)
                *e->num = o->extra[extra].num;
            if (e->text != NULL)
                *e->text = val;
        } else {
            char shown[80];
            ss_escape(shown, sizeof shown, name, strlen(name), 0);
            fprintf(stderr, "%s: %s: unknown option (see --help)\n", l->name,
                    shown);
            exit(2);
        }
    }
    if (color == -1)
        color = isatty(STDOUT_FILENO) &&
                (no_color == NULL || no_color[0] == '\0') &&
                (term == NULL || strcmp(term, "dumb") != 0);

    /* Line-buffered: a pipe sees every line as soon as it is printed. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    atexit(ss_out_at_exit);
    ss_nar.at_exit = 1;
    ss_nar.color = color;
    ss_nar.cursor =
        isatty(STDOUT_FILENO) && (term == NULL || strcmp(term, "dumb") != 0);
    ss_nar.width = ss_width();
    ss_nar.timeout = o->timeout;
    ss_nar.lesson = 1;
    ss_nar.stamps = getenv("SOCKSTEP_TIMESTAMPS") != NULL;
    if (ss_nar.stamps)
        ss_nar.width = 900; /* a timeline reads each call from one line */
#ifndef SOCKSTEP_PLAIN
    /* --step reads Enter from standard input, and only from a terminal:
       no descriptor is opened, so fd numbers match a normal run. */
    ss_nar.step = o->step && isatty(STDIN_FILENO);
#endif

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = ss_on_signal;
    sigemptyset(&sa.sa_mask);
    SS_REAL(sigaction)(SIGINT, &sa, NULL);
    SS_REAL(sigaction)(SIGTERM, &sa, NULL);
    SS_REAL(sigaction)(SIGHUP, &sa, NULL);
    sa.sa_handler = ss_on_sigpipe;
    SS_REAL(sigaction)(SIGPIPE, &sa, NULL);
}

#endif /* SS_OPTIONS_H */
