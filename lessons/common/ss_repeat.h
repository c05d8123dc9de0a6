/*
 * ss_repeat.h - a loop's repeated calls: told three times, then counted.
 *
 * A loop that makes the same calls and gets the same results, again and
 * again, never waiting (recv() returning 0 once the peer has gone, a
 * send() of nothing, recv() again) would fill the screen. ss_repeat()
 * sees the cycle, ss_post() holds its narration back, and ss_repeat_say()
 * tells how many more came and what the repeat means: a loop that never
 * waited spins, one that waited between its calls (or in them) polls.
 *
 * Needs: ss_text.h ss_state.h ss_narrate.h
 * Part of sockstep.h; include that, not this.
 */
#ifndef SS_REPEAT_H
#define SS_REPEAT_H
#ifndef SOCKSTEP_PLAIN

/* 12345678 as "12,345,678". */
static inline struct ss_text ss_count_text(unsigned long n)
{
    struct ss_text t;
    char digits[32];
    size_t len, i, o = 0;

    snprintf(digits, sizeof digits, "%lu", n);
    len = strlen(digits);
    for (i = 0; i < len && o + 2 < sizeof t.s; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            t.s[o++] = ',';
        t.s[o++] = digits[i];
    }
    t.s[o] = '\0';
    return t;
}

/*
 * A loop that makes the same calls and gets the same results, again and
 * again, never waiting: the classic is recv() returning 0 once the peer
 * has gone, a send() of nothing, recv() again. A cycle of up to
 * SS_CYCLE calls is narrated SS_SHOWN times; after that its narration
 * is held back and counted, and a line says how many more came, at 10,
 * 100, 1,000 ... and when the cycle ends, with what the repeat means.
 */
enum { SS_SHOWN = 3, SS_SPIN = 100 };

/* Is name a wait on many descriptors (poll, select, epoll_wait ...)? */
static inline int ss_is_wait(const char *name)
{
    static const char *const waits[] = {"poll",    "ppoll",      "select",
                                        "pselect", "epoll_wait", "epoll_pwait"};
    size_t i;

    for (i = 0; i < SS_COUNT(waits); i++)
        if (strcmp(name, waits[i]) == 0)
            return 1;
    return 0;
}

/* May this call wait (block) when it is made? A wait with a limit other
   than 0 (nowait: it has none), and a call that receives, accepts or
   connects on a descriptor without O_NONBLOCK, with no MSG_DONTWAIT. */
static inline int ss_may_block(const char *name, int fd, int flags, int nowait)
{
    static const char *const calls[] = {"accept",   "accept4", "recv",
                                        "recvfrom", "recvmsg", "read",
                                        "readv",    "connect", "recvmmsg"};
    size_t i;
    int fl, dontwait = 0;

    if (ss_is_wait(name) || strcmp(name, "epoll_pwait2") == 0)
        return !nowait;
#ifdef MSG_DONTWAIT
    dontwait = (flags & MSG_DONTWAIT) != 0;
#endif
    for (i = 0; i < SS_COUNT(calls); i++)
        if (strcmp(name, calls[i]) == 0) {
            int saved = errno;
            fl = fd >= 0 ? SS_REAL(fcntl)(fd, F_GETFL) : -1;
            errno = saved;
            /* cppcheck sees no system header, so no MSG_DONTWAIT: */
            /* cppcheck-suppress knownConditionTrueFalse */
            return !dontwait && fl != -1 && !(fl & O_NONBLOCK);
        }
    return 0;
}

/* The call k calls back (1: the last one). */
static inline const struct ss_seen *ss_recent(int k)
{
    return &ss_nar.recent[(ss_nar.head + SS_CYCLE - k) % SS_CYCLE];
}

/* How many times the process has waited so far: given up the CPU of
   its own accord, in a sleep or a call that blocked, and the waits it
   asked for with a time limit (select(), poll(), epoll_wait() ..., told
   or not: ss_nar.wait_calls). Being made to give up the CPU, on a busy
   machine, does not count. */
static inline long ss_waits(void)
{
    struct rusage ru;

    return (SS_REAL(getrusage)(RUSAGE_SELF, &ru) == 0 ? ru.ru_nvcsw : 0) +
           ss_nar.wait_calls;
}

/* "final": the cycle has ended (another call came, or the end). */
static inline void ss_repeat_say(int final)
{
    char line[1024], calls[400] = "", fd[32] = "", waited[200] = "";
    const char *meaning = NULL;
    long waits = ss_nar.rep_waits[1] - ss_nar.rep_waits[0];
    unsigned long more =
        ss_nar.repeats / (unsigned long)ss_nar.period - (SS_SHOWN - 1);
    int first_fd = -1;
    int i, k, e, same_fd = 1, failed = 1, empty_recv = 0, again = 0;
    int again_send = 0, again_accept = 0; /* EAGAIN from those calls */
    int waited_in = 0; /* a wait (select, poll ...) is in the cycle */
    int spun;
    size_t o = 0;

    /* The calls in the order the cycle first made them: the call being
       told is its element e (counting from 0), and the ring holds the
       last SS_CYCLE calls, the oldest at ss_recent(period). Told at the
       end (final), the last call made was the cycle's element r - 1. */
    e = (int)((final ? ss_nar.repeats : ss_nar.repeats - 1) %
              (unsigned long)ss_nar.period);
    for (i = 0; i < ss_nar.period; i++) {
        const struct ss_seen *c;
        int is_recv, again_err;

        k = ss_nar.period - (i - e + ss_nar.period) % ss_nar.period;
        c = ss_recent(k);
        if (c->fd >= 0 && first_fd == -1)
            first_fd = c->fd;
        else if (c->fd < 0 || c->fd != first_fd)
            same_fd = 0;
        is_recv = strcmp(c->name, "recv") == 0 ||
                  strcmp(c->name, "read") == 0 || strcmp(c->name, "readv") == 0;
        /* 0 ends a stream; on a datagram socket it is an empty
           datagram (ss_repeat() does not fold those) */
        if (c->ret == 0 && is_recv &&
            (ss_kind_of(c->fd) == SS_KIND_TCP ||
             ss_kind_of(c->fd) == SS_KIND_USTREAM))
            empty_recv = 1;
        if (c->ret != -1)
            waited_in |= ss_is_wait(c->name);
        again_err = c->ret == -1 && (c->err == EAGAIN || c->err == EWOULDBLOCK);
        if (again_err &&
            (SS_STARTS(c->name, "send") || SS_STARTS(c->name, "write")))
            again_send = 1; /* send, sendto, sendmsg, write, writev */
        else if (again_err && SS_STARTS(c->name, "accept"))
            again_accept = 1;
        else if (again_err)
            again = 1;
        if (c->ret != -1)
            failed = 0;
        if (o < sizeof calls)
            o += (size_t)snprintf(calls + o, sizeof calls - o,
                                  "%s%s() returned %s",
                                  i == 0                   ? ""
                                  : i == ss_nar.period - 1 ? " and "
                                                           : ", ",
                                  c->name, c->result);
    }
    if (same_fd && first_fd >= 0)
        snprintf(fd, sizeof fd, " on fd %d", first_fd);
    /* From the cycle's first repeat to its last, a wait for every other
       call or more: the loop waits between its calls or in them (a
       sleep, a call not told here such as select(), a timeout). */
    if (waits > 0 && (unsigned long)waits * 2 >= ss_nar.repeats - 1)
        snprintf(waited, sizeof waited,
                 "polling: the same call%s again and again, and the "
                 "process waits between the tries or in them, so it does "
                 "not spin",
                 ss_nar.period > 1 ? "s" : "");
    /* "Spins" only where the loop went round many times and the
       process never waited meanwhile (a sleep, a call that blocked, a
       wait with a time limit: ss_waits()); a few calls that returned at
       once are a check, not a spin. */
    spun = ss_nar.repeats >= SS_SPIN * (unsigned long)ss_nar.period &&
           (unsigned long)waits * 50 < ss_nar.repeats;
    if (empty_recv)
        meaning = "the peer closed long ago, and the loop never looks: "
                  "recv() returning 0 means the end, stop there";
    else if (waited[0] != '\0')
        meaning = waited;
    else if (!spun && waits > 0)
        meaning = "the same calls, the same results; the process waited "
                  "now and then meanwhile, so it does not spin";
    else if (!spun && (waited_in || again || again_send || again_accept))
        meaning = "calls that did not wait (a timeout of 0, O_NONBLOCK or "
                  "MSG_DONTWAIT): the program checks without waiting, too "
                  "few times to call it a spin; it may wait elsewhere";
    else if (!spun && !failed)
        meaning = "the same calls, the same results, without a wait "
                  "between them";
    else if (waited_in)
        meaning = "the wait returns at once, every time (a timeout of 0, or "
                  "a descriptor it reports ready that the loop never reads "
                  "or writes): the loop spins without waiting";
    else if (again)
        meaning = "nothing has come, and the call may not wait "
                  "(O_NONBLOCK or MSG_DONTWAIT): the loop spins instead of "
                  "waiting in poll() for POLLIN";
    else if (again_send)
        meaning = "the send buffer is full, and the call may not wait "
                  "(O_NONBLOCK or MSG_DONTWAIT): the loop spins instead of "
                  "waiting in poll() for POLLOUT";
    else if (again_accept)
        meaning = "no client is waiting, and accept() may not wait "
                  "(O_NONBLOCK): the loop spins instead of waiting in "
                  "poll() for POLLIN";
    else if (failed)
        meaning = "the same failure at once, again and again: the loop "
                  "tries again without waiting or giving up";
    else
        meaning = "the same calls, the same results: the loop goes round "
                  "without waiting for anything to change";
    snprintf(line, sizeof line, "%.400s%s, %s more time%s%s: %.300s", calls, fd,
             ss_count_text(more).s, more == 1 ? "" : "s",
             final ? " in all" : " so far", meaning);
    ss_nar.hush = 0;
    ss_wrap(0, 4, "", line, SS_RED);
}

/* The cycle of repeats is over (a different call, or the end): say so. */
static inline void ss_repeat_end(void)
{
    if (ss_nar.period > 0 &&
        ss_nar.repeats >= SS_SHOWN * (unsigned long)ss_nar.period)
        ss_repeat_say(1);
    ss_nar.period = 0;
    ss_nar.repeats = 0;
}

/* Does this call repeat a cycle of the last calls, with the same
   results? 1: hold its narration back (ss_emit prints nothing until the
   next call). A call that moved bytes (send() or recv() returning more
   than 0, or a datagram of 0 bytes) made progress, however alike: it
   never counts as a repeat. */
static inline int ss_repeat(const struct ss_seen *call)
{
    static const char *const moves[] = {
        "send",    "recv",     "sendto",  "recvfrom", "sendmsg",
        "recvmsg", "sendfile", "read",    "write",    "readv",
        "writev",  "sendmmsg", "recvmmsg"};
    unsigned long held;
    int k, hold = 0, moved = 0;

    if (ss_nar.stamps)
        return 0; /* a timeline needs every call */
    for (k = 0; call->ret >= 0 && k < (int)SS_COUNT(moves); k++)
        moved |= strcmp(call->name, moves[k]) == 0;
    /* 0 bytes moved: progress on a datagram socket (an empty datagram
       sent or received), not on a stream */
    if (moved && call->ret == 0 && call->fd >= 0 &&
        !ss_kind_records(ss_kind_of(call->fd)))
        moved = 0;
    if (moved) {
        ss_repeat_end();
    } else if (ss_nar.period > 0 &&
               strcmp(call->key, ss_recent(ss_nar.period)->key) == 0) {
        ss_nar.repeats++;
        ss_nar.rep_waits[1] = ss_waits();
        /* shown: the cycle, then SS_SHOWN - 1 more times */
        if (ss_nar.repeats > (SS_SHOWN - 1) * (unsigned long)ss_nar.period) {
            hold = 1;
            held =
                ss_nar.repeats - (SS_SHOWN - 1) * (unsigned long)ss_nar.period;
            if (held % (unsigned long)ss_nar.period == 0) {
                held /= (unsigned long)ss_nar.period;
                while (held % 10 == 0)
                    held /= 10;
                if (held == 1 &&
                    ss_nar.repeats > SS_SHOWN * (unsigned long)ss_nar.period)
                    ss_repeat_say(0);
            }
        }
    } else {
        ss_repeat_end();
        for (k = 1; k <= SS_CYCLE; k++)
            if (strcmp(call->key, ss_recent(k)->key) == 0) {
                ss_nar.period = k;
                ss_nar.repeats = 1;
                ss_nar.rep_waits[0] = ss_nar.rep_waits[1] = ss_waits();
                break;
            }
    }
    ss_nar.recent[ss_nar.head] = *call;
    ss_nar.head = (ss_nar.head + 1) % SS_CYCLE;
    ss_nar.hush = hold;
    return hold;
}

#endif /* SOCKSTEP_PLAIN */
#endif /* SS_REPEAT_H */
