/*
 * ss_options.h - the command line: a lesson's options, its --help, and
 * the checks of what was given.
 *
 * A lesson declares its options in a struct ss_lesson; ss_start()
 * (ss_start.h) parses them. Bad input gets one line on stderr naming the
 * option, and exit status 2 (ss_bad).
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
    SS_OPT_SIDES = 128,  /* --host, --port: ours with --receive, the
                            peer's with --send */
    SS_OPT_NET = SS_OPT_HOST | SS_OPT_PORT | SS_OPT_TIMEOUT
};

/* One option of a lesson's own and the lesson's variable it sets: a
   flag sets *flag to 1; an option with a value (arg) stores a number
   from lo to hi in *num, or any text in *text. With size set, the number
   is a count of bytes and may end in K, M or G (times 1024, 1024 * 1024,
   1024 * 1024 * 1024). */
struct ss_extra {
    const char *name; /* "--v6only" */
    const char *arg;  /* "N", "PATH"; NULL for a flag */
    const char *help; /* one line */
    long lo, hi;      /* *num: from lo to hi */
    int size;         /* *num is a size: 64K, 1M, 1G */
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
    long count;               /* default --count; 0: no limit, and 0 taken */
    const char *count_help;   /* what --count counts */
    const char *peer; /* a client's peer: "receiver's"; NULL: server's */
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
};

/*
 * One option in --help, laid out as git's parse-options does: its name in
 * the first 15 columns, or alone on its line when it is longer, then its
 * text from column 17, wrapped within 78 columns. dflt, unless NULL, ends
 * the text as "(default dflt)", or as "; default dflt" inside the text's
 * own closing parenthesis: never two in a row, and never split.
 */
static inline void ss_usage_opt(FILE *to, const char *left, const char *help,
                                const char *dflt)
{
    char text[400], keep[80];
    const char *p = text;
    size_t n = strlen(help), k;
    int first = strlen(left) <= 14, m;

    snprintf(keep, sizeof keep, "default%s%s",
             dflt != NULL && !SS_STARTS(dflt, ": ") ? " " : "",
             dflt != NULL ? dflt : "");
    for (k = 0; keep[k] != '\0'; k++)
        if (keep[k] == ' ')
            keep[k] = SS_NBSP; /* ss_piece() never breaks a line there */
    if (dflt == NULL)
        snprintf(text, sizeof text, "%s", help);
    else if (n > 0 && help[n - 1] == ')')
        snprintf(text, sizeof text, "%.*s; %s)", (int)n - 1, help, keep);
    else
        snprintf(text, sizeof text, "%s (%s)", help, keep);
    if (!first)
        fprintf(to, "  %s\n", left);
    while (*p != '\0') {
        m = ss_piece(p, 78 - 17);
        fprintf(to, "  %-14s ", first ? left : "");
        for (k = 0; k < (size_t)m; k++)
            fputc(p[k] == SS_NBSP ? ' ' : p[k], to);
        fputc('\n', to);
        p += m;
        while (*p == ' ')
            p++;
        first = 0;
    }
}

/* A size as --help and messages write it: 65536 is "64K". */
static inline void ss_size_text(char *out, size_t cap, long v)
{
    int unit = 0;

    while (unit < 3 && v >= 1024 && v % 1024 == 0) {
        v /= 1024;
        unit++;
    }
    if (unit == 0)
        snprintf(out, cap, "%ld", v);
    else
        snprintf(out, cap, "%ld%c", v, "KMG"[unit - 1]);
}

/* --help: every option, its text and its default from the lesson's table
   and variables (num0 and text0: the variables before any option). */
static inline void ss_usage(const struct ss_lesson *l, FILE *to,
                            const char *argv0, const long *num0,
                            const char *const *text0)
{
    unsigned o = l->options;
    int client = (o & SS_OPT_CLIENT) != 0, i;
    const char *host = l->host != NULL ? l->host : "127.0.0.1";
    const char *peer = l->peer != NULL ? l->peer : "server's";
    char head[300], text[200], dflt[40];
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
    fprintf(to, "\nusage: %s [options]\n\noptions:\n",
            argv0 != NULL ? argv0 : l->name);
    if (o & SS_OPT_SIDES)
        snprintf(text, sizeof text,
                 "--receive: the address to bind to; --send: the %s", peer);
    else if (client)
        snprintf(text, sizeof text, "the %s address", peer);
    else
        snprintf(text, sizeof text,
                 "the address to bind to (loopback: this machine only)");
    if (o & SS_OPT_HOST)
        ss_usage_opt(to, o & SS_OPT_NAMES ? "--host NAME" : "--host ADDR", text,
                     host);
    if (o & SS_OPT_SIDES)
        snprintf(text, sizeof text,
                 "--receive: the port to listen on, 0..65535 (0: the kernel "
                 "chooses a free one and the ready line says which); "
                 "--send: the %s",
                 peer);
    else if (client)
        snprintf(text, sizeof text, "the %s port", peer);
    else
        snprintf(text, sizeof text,
                 "the port to use, 0..65535 (0: the kernel chooses a free "
                 "one and the ready line says which)");
    snprintf(dflt, sizeof dflt, "%u", (unsigned)l->port);
    if (o & SS_OPT_PORT)
        ss_usage_opt(to, "--port N", text, dflt);
    snprintf(dflt, sizeof dflt, "%d", l->timeout > 0 ? l->timeout : 30);
    if (o & SS_OPT_TIMEOUT)
        ss_usage_opt(to, "--timeout S",
                     l->timeout_help != NULL ? l->timeout_help
                                             : "seconds each wait may last",
                     dflt);
    snprintf(dflt, sizeof dflt, "%ld", l->count);
    if (o & SS_OPT_COUNT)
        ss_usage_opt(to, "--count N",
                     l->count_help != NULL ? l->count_help
                                           : "how many to handle",
                     l->count > 0 ? dflt : "0: no limit");
    if (o & SS_OPT_MESSAGE)
        ss_usage_opt(to, "--message T",
                     "send T as one datagram instead of reading lines", NULL);
    for (i = 0; i < SS_MAX_EXTRA && l->extra[i].name != NULL; i++) {
        const struct ss_extra *e = &l->extra[i];
        char left[40];
        const char *d = NULL;
        snprintf(left, sizeof left, "%s%s%s", e->name, e->arg ? " " : "",
                 e->arg ? e->arg : "");
        if (e->num != NULL && num0[i] >= e->lo && num0[i] <= e->hi) {
            if (e->size)
                ss_size_text(dflt, sizeof dflt, num0[i]);
            else
                snprintf(dflt, sizeof dflt, "%ld", num0[i]);
            d = dflt;
        } else if (e->text != NULL) {
            d = text0[i];
        }
        ss_usage_opt(to, left, e->help, d);
    }
    ss_usage_opt(to, "--step",
                 "show each socket call and wait for Enter before making it",
                 NULL);
    ss_usage_opt(to, "--color WHEN",
                 "auto, always or never (auto: on a terminal, unless "
                 "NO_COLOR is set or TERM=dumb); --no-color is --color never",
                 NULL);
    ss_usage_opt(to, "-h, --help", "this help", NULL);
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

/* A size from lo to hi bytes: a whole number, then K, M or G or nothing. */
static inline long ss_size(const struct ss_lesson *l, const char *opt,
                           const char *text, long lo, long hi,
                           const char *wants)
{
    char digits[16];
    size_t n = strlen(text);
    int shift = 0;
    long v;

    if (n > 0 && strchr("KMG", text[n - 1]) != NULL)
        shift = 10 * (int)(strchr("KMG", text[--n]) - "KMG" + 1);
    if (n >= sizeof digits)
        ss_bad(l, opt, wants, text);
    memcpy(digits, text, n);
    digits[n] = '\0';
    v = ss_number(l, opt, digits, 0, 999999999, wants);
    if (v > hi >> shift || v << shift < lo)
        ss_bad(l, opt, wants, text);
    return v << shift;
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
    if (strcmp(name, "--count") == 0) /* 0 where it is the default */
        return l->count == 0 ? "a whole number from 0 (no limit) to 1000000"
                             : "a whole number from 1 to 1000000";
    if (strcmp(name, "--message") == 0)
        return "a text of at most 65507 bytes";
    if (strcmp(name, "--color") == 0)
        return "auto, always or never";
    for (k = 0; k < SS_MAX_EXTRA && l->extra[k].name != NULL; k++)
        if (strcmp(name, l->extra[k].name) == 0 && l->extra[k].arg != NULL)
            return l->extra[k].text != NULL ? l->extra[k].arg
                   : l->extra[k].size       ? "a size"
                                            : "a whole number";
    return "a value";
}

#endif /* SS_OPTIONS_H */
