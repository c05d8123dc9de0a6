/*
 * ss_narrate.h - the narrator: where its lines go and how they look.
 *
 * Uses the narrator's state (ss_nar in ss_state.h: colour, wrap width,
 * --step) for the colours, the guard that keeps standard output from
 * killing or freezing a lesson, the wrap of narrated lines, say() and
 * heading() for the few sentences a lesson adds, and the --step prompt.
 *
 * Needs: ss_text.h ss_state.h
 * Part of sockstep.h; include that, not this.
 */
#ifndef SS_NARRATE_H
#define SS_NARRATE_H

#define SS_BOLD    "\033[1m"
#define SS_RED     "\033[1;31m"
#define SS_CYAN    "\033[36m"
#define SS_REVERSE "\033[1;7m"
#define SS_RESET   "\033[0m"

static inline const char *ss_c(const char *code)
{
    return ss_nar.color ? code : "";
}

/* The stream narration goes to (stdout in a lesson), and its fd. */
static inline FILE *ss_out(void)
{
    return ss_nar.out != NULL ? ss_nar.out : stdout;
}

static inline int ss_out_fd(void)
{
    return fileno(ss_out());
}

/* ------------------------------------------------------------------ */
/* The guard: standard output never kills, freezes or silently fails.  */
/* ------------------------------------------------------------------ */

/*
 * Stop writing to stdout (the narration's stream) for good: say why on
 * stderr once, and point its fd at /dev/null so that no later printf can
 * block or fail.
 */
static inline void ss_out_gone(int err, const char *why)
{
    int null;

    if (ss_nar.out_dead)
        return;
    ss_nar.out_dead = 1;
    ss_sig_quiet = 1;
    if (err != EPIPE && err != 0)
        ss_nar.out_errno = err;
    /* (not in the preload library: there stderr is the program's own) */
    if (ss_nar.out == NULL)
        fprintf(stderr, "%s: %s; narration stops, the program goes on\n",
                ss_nar.prog, why);
    clearerr(ss_out());
    null = open("/dev/null", O_WRONLY);
    if (null >= 0 && null != ss_out_fd()) {
        dup2(null, ss_out_fd());
        SS_REAL(close)(null);
    }
}

/* Flush stdout; note a failure. Returns 0 if stdout still works. */
static inline int ss_out_check(void)
{
    char why[160];

    if (ss_nar.out_dead)
        return -1;
    if (fflush(ss_out()) == 0 && !ferror(ss_out()))
        return 0;
    snprintf(why, sizeof why, "could not write to standard output (%s)",
             strerror(errno));
    ss_out_gone(errno == 0 ? EIO : errno, why);
    return -1;
}

/*
 * Wait until stdout can take a line, at most --timeout seconds: a reader
 * that went away, or a terminal stopped with Ctrl-S, cannot freeze us.
 */
static inline int ss_out_ready(void)
{
    struct pollfd p;
    int rc;

    if (ss_nar.out_dead || ss_out_check() != 0)
        return 0;
    p.fd = ss_out_fd();
    p.events = POLLOUT;
    p.revents = 0;
    do
        rc = SS_REAL(poll)(&p, 1, ss_nar.timeout * 1000);
    while (rc == -1 && errno == EINTR);
    if (rc == 0) {
        char why[96];
        snprintf(why, sizeof why,
                 "standard output has not been read for %d s%s", ss_nar.timeout,
                 ss_nar.lesson ? " (--timeout)" : "");
        ss_out_gone(0, why);
        return 0;
    }
    /* cppcheck does not know that SS_REAL(poll)(...) fills in revents */
    /* cppcheck-suppress knownConditionTrueFalse */
    if (rc > 0 && (p.revents & POLLERR)) {
        ss_out_gone(EPIPE, "the reader of standard output has gone");
        return 0;
    }
    return 1;
}

/*
 * ss_narration_off(): from here on the header prints nothing and reads
 * nothing from /proc, while every call is still made as written; the
 * calls that move data (send, recv, sendfile, shutdown) go straight to
 * the C library. For a program whose calls come by the thousand (lesson
 * 20's 10,000 clients, lesson 19's timed loops), where one line per call
 * would scroll past unread and slow the program down. The program's own
 * printf() lines go on. ss_narration_on() turns it back on (and --step).
 */
static inline void ss_narration_off(void)
{
    if (!ss_nar.muted)
        ss_nar.muted_step = ss_nar.step;
    ss_nar.muted = 1;
    ss_nar.step = 0;
}

static inline void ss_narration_on(void)
{
    if (ss_nar.muted)
        ss_nar.step = ss_nar.muted_step;
    ss_nar.muted = 0;
}

/* "+1.234567 ": the time since the run began (--time), or "". */
static inline struct ss_text ss_clock_text(void)
{
    struct ss_text t;
    struct timespec at;
    long sec, nsec;

    t.s[0] = '\0';
    if (!ss_nar.clock || clock_gettime(CLOCK_REALTIME, &at) != 0)
        return t;
    sec = (long)(at.tv_sec - ss_nar.t0.tv_sec);
    nsec = at.tv_nsec - ss_nar.t0.tv_nsec;
    if (nsec < 0) {
        sec--;
        nsec += 1000000000L;
    }
    if (sec < 0)
        sec = nsec = 0; /* a clock set back: no negative times */
    snprintf(t.s, sizeof t.s, "+%ld.%06ld ", sec, nsec / 1000);
    return t;
}

/* The columns in front of each line: the tags, and --time's time. */
static inline int ss_lead_width(void)
{
    return (int)strlen(ss_nar.tag) + (int)strlen(ss_nar.ttag) +
           (ss_nar.clock ? (int)sizeof "+0.000000 " - 1 : 0);
}

/* Print finished lines of narration (text already ends in \n), each but
   an empty one after the child's tag. stdout is line-buffered: a tag and
   its line go out in one write. */
static inline void ss_emit(const char *text)
{
    const char *p;

    if (ss_nar.muted || ss_nar.hush || !ss_out_ready())
        return;
    for (p = text; *p != '\0';) {
        const char *nl = strchr(p, '\n');
        size_t n = nl != NULL ? (size_t)(nl - p) + 1 : strlen(p);
        if (*p != '\n') {
            fputs(ss_nar.seal, ss_out());
            fputs(ss_nar.tag, ss_out());
            fputs(ss_nar.ttag, ss_out());
            if (ss_nar.clock)
                fputs(ss_clock_text().s, ss_out());
        }
        fwrite(p, 1, n, ss_out());
        p += n;
    }
    if (ss_out_check() != 0 && ss_nar.out_errno == 0)
        ss_out_gone(EPIPE, "the reader of standard output has gone");
}

/* At exit: output that could not be written is an error (exit 1). */
static void ss_out_at_exit(void)
{
    if (ss_nar.exit_hook != NULL)
        ss_nar.exit_hook();
    if (!ss_nar.out_dead)
        ss_out_check();
    if (ss_nar.out_errno != 0)
        _exit(1);
}

/* Whether fd is a terminal that moves its cursor as told (TERM is not
   "dumb"), and one that also shows colour (NO_COLOR unset or empty):
   what the lessons' --color auto and the preload's narration ask. */
static inline int ss_term_cursor(int fd)
{
    const char *term = getenv("TERM");

    return isatty(fd) && (term == NULL || strcmp(term, "dumb") != 0);
}

static inline int ss_term_color(int fd)
{
    const char *no_color = getenv("NO_COLOR");

    return ss_term_cursor(fd) && (no_color == NULL || no_color[0] == '\0');
}

/* Narration's width: the terminal's, else $COLUMNS, else 78; at most 100.
   $COLUMNS is a guess, so it counts from 60 up. A real terminal counts
   from 40 up: a side-by-side pane of a 120-column projector is 59 wide,
   and a line wider than the pane would wrap in the middle of a word.
   On a terminal it is asked again before each line (ss_follow_width), so
   narration follows a window that is resized, or split after the program
   started. SOCKSTEP_NOWRAP set: each line whole, for a reader that wraps
   lines itself (the handout's build, a browser). */
static inline int ss_width(void)
{
    int w = 0, least = 60;
    const char *cols = getenv("COLUMNS");
    const char *nowrap = getenv("SOCKSTEP_NOWRAP");

    if (nowrap != NULL && nowrap[0] != '\0')
        return 900;
#ifdef TIOCGWINSZ
    struct winsize ws;
    if (isatty(ss_out_fd()) &&
        SS_REAL(ioctl)(ss_out_fd(), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
        w = ws.ws_col;
        least = 40;
    }
#endif
    /* cppcheck sees no system header, so no TIOCGWINSZ: */
    /* cppcheck-suppress knownConditionTrueFalse */
    if (w == 0 && cols != NULL)
        w = atoi(cols);
    if (w <= 0)
        return 78;
    return w < least ? least : w > 100 ? 100 : w;
}

/* On a terminal, take its width now (it may have changed); in a program
   that never called ss_start() (a student's own, with one include), the
   first line asks what the width is. */
static inline void ss_follow_width(void)
{
    if (ss_nar.width == 0 || (ss_nar.cursor && !ss_nar.stamps))
        ss_nar.width = ss_width();
}

/* ------------------------------------------------------------------ */
/* Lines: wrapped to the width, with a hanging indent.                 */
/* ------------------------------------------------------------------ */

/* A space that ss_wrap() never breaks a line at (printed as a space). */
#define SS_NBSP '\001'

/*
 * A call line, "name(args) = result", goes on one line when it fits.
 * Otherwise it breaks where a reader expects it to: after the ", "
 * between two arguments, its later lines under the first argument, as
 * clang-format lays out a call; never inside an argument when a break
 * between arguments fits. Only an argument too long for a line of its
 * own is broken: between the items of its own list ({fd=3, ...}, ...),
 * else at a space, else after a "/" of a path, else where the line
 * ends. Before " = result" is a break too, of the second kind: the
 * result stays whole. docs/filters/transcripts.lua wraps the handout's
 * transcripts the same way.
 */
enum { SS_BRK_ARG = 1, SS_BRK_INNER, SS_BRK_SPACE, SS_BRK_SLASH };

/* The column of a call line's first argument, just after its "name("
   (after "[...] " prefixes: a time stamp, "[SIGCHLD handler] "); 0 when
   text is not a call line. */
static inline int ss_call_open(const char *t)
{
    int i = 0, j;

    while (t[i] == '[') {
        const char *e = strchr(t + i, ']');
        if (e == NULL || e[1] != ' ')
            return 0;
        i = (int)(e - t) + 2;
    }
    for (j = i; (t[j] >= 'a' && t[j] <= 'z') || (t[j] >= 'A' && t[j] <= 'Z') ||
                (t[j] >= '0' && t[j] <= '9') || t[j] == '_';
         j++)
        ;
    return j > i && t[j] == '(' ? j + 1 : 0;
}

#define SS_IS_SPACE(ch) ((ch) == ' ' || (ch) == SS_NBSP)

/* Where the result after a call's ")" ends: " = 3", " = -1 ENAME
   (message)", " = EAI_NONAME": the text after it is words. */
static inline int ss_result_end(const char *t, int i)
{
    int minus;

    if (!SS_IS_SPACE(t[i]) || t[i + 1] != '=' || !SS_IS_SPACE(t[i + 2]))
        return i;
    i += 3;
    minus = t[i] == '-' && t[i + 1] == '1' && SS_IS_SPACE(t[i + 2]);
    while (t[i] != '\0' && !SS_IS_SPACE(t[i]))
        i++;
    if (minus) {
        for (i++; t[i] != '\0' && !SS_IS_SPACE(t[i]); i++)
            ;
        if (SS_IS_SPACE(t[i]) && t[i + 1] == '(' && strchr(t + i, ')'))
            i = (int)(strchr(t + i, ')') - t) + 1;
    }
    return i;
}

/* kind[k]: how good a break before t[k] is (0: none). A break drops the
   spaces at k; after ", " the comma ends the line. */
static inline void ss_call_breaks(const char *t, int open, char *kind)
{
    int i, depth = 0, quoted = 0, rest = -1;

    for (i = open - 1; t[i] != '\0'; i++) {
        char ch = t[i];
        if (rest >= 0) {
            if (ch == ' ' && i >= rest)
                kind[i] = SS_BRK_ARG; /* words after the call */
        } else if (quoted) {
            if (ch == '\\' && t[i + 1] != '\0')
                i++;
            else if (ch == '"')
                quoted = 0;
            else if (ch == ' ')
                kind[i] = SS_BRK_SPACE;
        } else if (ch == '"') {
            quoted = 1;
        } else if (ch == '(' || ch == '[' || ch == '{') {
            depth++;
        } else if (ch == ')' || ch == ']' || ch == '}') {
            if (--depth <= 0) {
                rest = ss_result_end(t, i + 1);
                if (rest > i + 1)
                    kind[i + 1] = SS_BRK_INNER; /* before " = result" */
            }
        } else if (ch == ',' && t[i + 1] == ' ') {
            kind[i + 1] = (char)(depth == 1   ? SS_BRK_ARG
                                 : depth == 2 ? SS_BRK_INNER
                                              : SS_BRK_SPACE);
        } else if (ch == ' ' && kind[i] == 0) {
            kind[i] = SS_BRK_SPACE;
        } else if (ch == '/' && kind[i + 1] == 0) {
            kind[i + 1] = SS_BRK_SLASH;
        }
    }
}

static inline void ss_wrap_call(int open, const char *text, const char *color)
{
    char kind[1024], line[1024];
    int n = (int)strlen(text), s = 0, first = 1, hang = open, from, cls, k;
    int room = ss_nar.width - ss_lead_width();

    memset(kind, 0, sizeof kind);
    ss_call_breaks(text, open, kind);
    /* Under the name instead, 4 columns in, when a piece that should stay
       whole (an argument, " = result") is wider than the room under the
       first argument: on a narrow terminal, after a long name. */
    for (k = 0, from = 0; k <= n; k++)
        if (k == n || kind[k] == SS_BRK_ARG || kind[k] == SS_BRK_INNER) {
            if (k - from > room - hang)
                hang = 4;
            from = k + 1;
        }
    while (s < n || first) {
        int lead = first ? 0 : hang, fit = room - lead < 20 ? 20 : room - lead;
        if (n - s <= fit) {
            k = n;
        } else {
            /* the best kind of break that fits; the last one of it */
            for (k = s, cls = SS_BRK_ARG; k == s && cls <= SS_BRK_SLASH; cls++)
                for (k = s + fit; k > s && kind[k] != cls; k--)
                    ;
            if (k == s)
                k = s + fit;
        }
        snprintf(line, sizeof line, "%*s%s%.*s%s\n", lead, "", ss_c(color),
                 k - s, text + s, ss_c(SS_RESET));
        for (from = 0; line[from] != '\0'; from++)
            if (line[from] == SS_NBSP)
                line[from] = ' ';
        ss_emit(line);
        for (s = k; text[s] == ' ' || text[s] == SS_NBSP; s++)
            ;
        first = 0;
    }
}

/*
 * Print text starting `indent` columns in, after `prefix`, wrapped at
 * spaces so no line is wider than ss_nar.width; later lines are indented
 * by `indent` + `hang`. color wraps each line (colour codes take no
 * columns). A call line (indent 0, no prefix) is ss_wrap_call()'s.
 */
static inline void ss_wrap(int indent, int hang, const char *prefix,
                           const char *text, const char *color)
{
    const char *p = text;
    int first = 1, open = ss_call_open(text);
    size_t k;
    char line[1024];

    ss_follow_width();
    if (indent == 0 && prefix[0] == '\0' && open > 0 &&
        strlen(text) < sizeof line - 24) {
        ss_wrap_call(open, text, color);
        return;
    }
    while (*p != '\0' || first) {
        int lead = first ? indent : indent + hang;
        int room = ss_nar.width - ss_lead_width() - lead -
                   (first ? (int)strlen(prefix) : 0);
        int n;
        if (room < 20)
            room = 20;
        n = ss_piece(p, room);
        snprintf(line, sizeof line, "%*s%s%s%.*s%s\n", lead, "", ss_c(color),
                 first ? prefix : "", n, p, ss_c(SS_RESET));
        for (k = 0; line[k] != '\0'; k++)
            if (line[k] == SS_NBSP)
                line[k] = ' ';
        ss_emit(line);
        p += n;
        while (*p == ' ')
            p++;
        first = 0;
    }
}

#ifndef SOCKSTEP_PLAIN
/* A sentence of the lesson's own, under the call just printed. */
static inline void say(const char *fmt, ...) SS_PRINTF(1, 2);
static inline void say(const char *fmt, ...)
{
    char text[600];
    va_list ap;
    int saved = errno;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    ss_wrap(4, 0, "", text, "");
    errno = saved;
}

/* A heading between the stages of a lesson: "== waiting for client 1 ==" */
static inline void heading(const char *fmt, ...) SS_PRINTF(1, 2);
static inline void heading(const char *fmt, ...)
{
    char text[200], line[260];
    va_list ap;
    int saved = errno;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    snprintf(line, sizeof line, "\n%s== %s ==%s\n", ss_c(SS_BOLD), text,
             ss_c(SS_RESET));
    ss_emit(line);
    errno = saved;
}

/*
 * The lesson's next call is meant to fail with err: its failure is then
 * narrated as expected, with no "try:" advice.
 */
static inline void ss_expect_error(int err)
{
    ss_nar.expect = err;
}
#else
static inline void say(const char *fmt, ...) SS_PRINTF(1, 2);
static inline void say(const char *fmt, ...)
{
    (void)fmt;
}
static inline void heading(const char *fmt, ...) SS_PRINTF(1, 2);
static inline void heading(const char *fmt, ...)
{
    (void)fmt;
}
static inline void ss_expect_error(int err)
{
    (void)err;
}
#endif

/*
 * Ask the person at the terminal for input, as visibly as a --step
 * prompt. Prints nothing when standard input is not a terminal.
 */
static inline void ss_ask(const char *text)
{
    char line[200];

    if (!isatty(STDIN_FILENO))
        return;
    snprintf(line, sizeof line, "%s>>> %s%s\n", ss_c(SS_BOLD), text,
             ss_c(SS_RESET));
    ss_emit(line);
}

/* ------------------------------------------------------------------ */
/* --step: show the call, wait for Enter.                              */
/* ------------------------------------------------------------------ */

/*
 * Show the next call on one line and wait for Enter on the terminal. A
 * line with text on it was typed for the program, not for the prompt (a
 * pasted line, say): it is kept, and the program's next fgets(),
 * getchar() or getline() on stdin gets it first (ss_wait.h). Once Enter
 * is pressed the prompt
 * becomes "... running: CALL" until the call returns, since a call such
 * as accept() may block.
 */
static inline void ss_step_wait(const char *call)
{
    char line[512], in[256];
    /* ">>> next: " (10) + call + "  [Enter runs it] " (18) fit the width;
       a longer call is cut, with "...". */
    int room;

    ss_follow_width();
    room = ss_nar.width - 28;
    if ((int)strlen(call) > room)
        room -= 3;
    if (!ss_out_ready())
        return;
    snprintf(line, sizeof line, "%s>>> next: %.*s%s%s  [Enter runs it] ",
             ss_c(SS_REVERSE), room, call,
             (int)strlen(call) > room ? "..." : "", ss_c(SS_RESET));
    fputs(line, stdout);
    ss_out_check();
    for (;;) {
        ssize_t n = SS_REAL(read)(STDIN_FILENO, in, sizeof in);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == 0) {
            /* Ctrl-D: the end of input is the program's, like a line
               typed here; the prompt takes it as Enter too. */
            ss_nar.stdin_eof = 1;
            fputs("    (end of input kept for the program)\n", stdout);
            break;
        }
        if (n < 0)
            break; /* stdin is gone: run the rest without waiting */
        if (n == 1 && in[0] == '\n')
            break;
        if (ss_nar.npending + (size_t)n <= sizeof ss_nar.pending) {
            memcpy(ss_nar.pending + ss_nar.npending, in, (size_t)n);
            ss_nar.npending += (size_t)n;
        }
        fputs("    (kept for the program; Enter alone runs the call) ", stdout);
        ss_out_check();
    }
    if (ss_nar.cursor) /* the prompt line becomes the running line */
        snprintf(line, sizeof line, "\033[1A\r\033[2K%s... running: %.*s%s%s\n",
                 ss_c(SS_BOLD), room, call,
                 (int)strlen(call) > room ? "..." : "", ss_c(SS_RESET));
    else
        snprintf(line, sizeof line, "... running: %.*s%s\n", room, call,
                 (int)strlen(call) > room ? "..." : "");
    ss_emit(line);
}

/* After the call: on a terminal, the running line gives way to the result. */
static inline void ss_step_done(void)
{
    /* the call has returned: every wrapper says so here first */
    if (ss_nar.call_hook != NULL)
        ss_nar.call_hook(0);
    if (ss_nar.step && ss_nar.cursor)
        ss_emit("\033[1A\r\033[2K");
}

#endif /* SS_NARRATE_H */
