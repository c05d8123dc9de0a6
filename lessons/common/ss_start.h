/*
 * ss_start.h - how a lesson starts and ends.
 *
 * ss_start() makes sure descriptors 0, 1 and 2 are open (on /dev/null if
 * not), parses the options this lesson takes and no others (ss_options.h),
 * sets up the narrator, and installs the handlers for SIGINT, SIGTERM and
 * SIGHUP, which close what is open, say so, and exit 128 + the signal's
 * number. SIGPIPE is not ignored: a send() to a peer that has gone ends
 * the program unless it passes MSG_NOSIGNAL, as the chapters teach. Only
 * a reader of standard output that went away (lesson | grep -m1 ...) is
 * forgiven: the SIGPIPE handler sees that stdout is the broken pipe,
 * points it at /dev/null, and the program goes on; any other SIGPIPE ends
 * the program as it would without the header (status 141 in a shell).
 *
 * Needs: ss_text.h ss_state.h ss_narrate.h ss_options.h
 * Part of sockstep.h; include that, not this.
 */
#ifndef SS_START_H
#define SS_START_H

/* Only async-signal-safe calls below: close(), poll(), write(), _exit(),
   and ss_text.h's ss_put_str() and ss_put_num(). */
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

/* An option no table knows: one line naming it (escaped), exit 2. */
static inline SS_NORETURN void ss_unknown(const struct ss_lesson *l,
                                          const char *name)
{
    char shown[80];

    ss_escape(shown, sizeof shown, name, strlen(name), 0);
    fprintf(stderr, "%s: %s: unknown option (see --help)\n", l->name, shown);
    exit(2);
}

/*
 * Parse the command line and set up output and signals. Exits 0 after
 * --help and 2 on a bad option, with one line on stderr naming it.
 */
static inline void ss_start(const struct ss_lesson *l, struct ss_options *o,
                            int argc, char **argv)
{
    struct sigaction sa;
    int color = -1, i, k;
    unsigned opts = l->options;
    long num0[SS_MAX_EXTRA] = {0};
    const char *text0[SS_MAX_EXTRA] = {NULL};

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
    for (k = 0; k < SS_MAX_EXTRA && l->extra[k].name != NULL; k++) {
        num0[k] = l->extra[k].num != NULL ? *l->extra[k].num : 0;
        text0[k] = l->extra[k].text != NULL ? *l->extra[k].text : NULL;
    }

    for (i = 1; i < argc; i++) {
        const char *arg = argv[i], *val = NULL, *eq = strchr(arg, '=');
        char name[64];
        int takes = 0, extra = -1;

        if (SS_STARTS(arg, "--") && eq != NULL) {
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
        if (!takes && val != NULL)
            ss_unknown(l, name);

        if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0) {
            ss_usage(l, stdout, argv[0], num0, text0);
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
            /* a service name (http, pop3, x11) starts with a letter; a
               value that starts with a digit is a number, 0x too */
            if ((opts & SS_OPT_NAMES) && n > 0 && n < sizeof o->port_text &&
                strchr("abcdefghijklmnopqrstuvwxyz", val[0]) != NULL &&
                strspn(val, "abcdefghijklmnopqrstuvwxyz0123456789-") == n) {
                o->port = 0; /* for getaddrinfo to look up */
            } else {
                o->port = (unsigned short)ss_number(l, name, val, 0, 65535,
                                                    ss_wants(l, name));
            }
            snprintf(o->port_text, sizeof o->port_text, "%s", val);
        } else if (takes && strcmp(name, "--timeout") == 0) {
            o->timeout =
                (int)ss_number(l, name, val, 1, 86400, ss_wants(l, name));
        } else if (takes && strcmp(name, "--count") == 0) {
            o->count = ss_number(l, name, val, l->count == 0 ? 0 : 1, 1000000,
                                 ss_wants(l, name));
        } else if (takes && strcmp(name, "--message") == 0) {
            if (strlen(val) > 65507)
                ss_bad(l, name, ss_wants(l, name), NULL);
            o->message = val;
        } else if (takes && strcmp(name, "--color") == 0) {
            /* takes is 1 for --color; tested here as in the branches
               above, for clang's analyzer: it cannot tell that two
               strcmp() of one name agree, so it thought val NULL */
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
            char wants[64], lo[24], hi[24];
            if (e->num != NULL && e->size) {
                ss_size_text(lo, sizeof lo, e->lo);
                ss_size_text(hi, sizeof hi, e->hi);
                snprintf(wants, sizeof wants, "a size from %s to %s", lo, hi);
                *e->num = ss_size(l, name, val, e->lo, e->hi, wants);
            } else if (e->num != NULL) {
                snprintf(wants, sizeof wants, "a whole number from %ld to %ld",
                         e->lo, e->hi);
                *e->num = ss_number(l, name, val, e->lo, e->hi, wants);
            } else if (e->text != NULL) {
                *e->text = val;
            } else {
                *e->flag = 1;
            }
        } else {
            ss_unknown(l, name);
        }
    }
    if (color == -1)
        color = ss_term_color(STDOUT_FILENO);

    /* Line-buffered: a pipe sees every line as soon as it is printed. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    atexit(ss_out_at_exit);
    ss_nar.at_exit = 1;
    ss_nar.color = color;
    ss_nar.cursor = ss_term_cursor(STDOUT_FILENO);
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

#endif /* SS_START_H */
