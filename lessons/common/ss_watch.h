/*
 * ss_watch.h - lesson 03's watch of its accept queue: what the kernel
 * holds for a listening socket that never calls accept(), read from
 * /proc/net/tcp every 0.1 s. Each client is told as it appears or changes
 * state, and the queue's length (the listener's Recv-Q) as it changes.
 *
 * Needs: ss_text.h ss_state.h ss_narrate.h ss_errors.h ss_proc.h ss_kernel.h
 * Part of sockstep.h; include that, not this.
 */
#ifndef SS_WATCH_H
#define SS_WATCH_H

/* Is a our address? Listening on 0.0.0.0, any address with our port is. */
static inline int ss_watch_is_me(const struct ss_watch *w,
                                 const struct sockaddr_storage *a)
{
    const struct sockaddr_in *me = (const struct sockaddr_in *)&w->me;

    if (me->sin_addr.s_addr == htonl(INADDR_ANY))
        return ss_port_of(a) == ntohs(me->sin_port);
    return ss_same_addr(a, &w->me);
}

/* For each entry of /proc/net/tcp: note the queue's length, and tell each
   client that is new or in a new state since the last look. */
static inline int ss_watch_look(const struct ss_procsock *s, const char *file,
                                void *arg)
{
    struct ss_watch *w = arg;
    const struct sockaddr_storage *client;
    int i, ours = ss_watch_is_me(w, &s->local);

    if (s->state == SS_TCP_LISTEN && ss_same_addr(&s->local, &w->me)) {
        w->waiting = (long)s->rxq;
        return 0;
    }
    /* A queued connection has no inode: no process owns it yet. */
    if (ours && s->inode == 0 &&
        (s->state == SS_TCP_ESTABLISHED || s->state == SS_TCP_CLOSE_WAIT ||
         s->state == SS_TCP_SYN_RECV))
        client = &s->remote;
    else if (ss_watch_is_me(w, &s->remote) && s->state == SS_TCP_SYN_SENT)
        client = &s->local; /* a client on this machine, still knocking */
    else
        return 0;

    for (i = 0; i < w->nseen; i++)
        if (ss_same_addr(&w->seen[i].addr, client))
            break;
    if (i == SS_WATCH_MAX || (i < w->nseen && w->seen[i].state == s->state))
        return 0;
    if (i == w->nseen)
        w->nseen++;
    w->seen[i].addr = *client;
    w->seen[i].state = s->state;
    if (s->state == SS_TCP_ESTABLISHED)
        printf("client %s: handshake complete, waiting for accept()\n",
               ss_addr(client).s);
    else if (s->state == SS_TCP_CLOSE_WAIT)
        printf("client %s: has closed its side, still in the queue\n",
               ss_addr(client).s);
    else if (s->state == SS_TCP_SYN_RECV)
        printf("client %s: SYN_RECV, its SYN answered, not in the queue\n",
               ss_addr(client).s);
    else
        printf("client %s: SYN_SENT, its SYN has had no answer\n",
               ss_addr(client).s);
    ss_proc_say(s, file);
    if (s->state == SS_TCP_SYN_RECV && !w->half_said) {
        w->half_said = 1;
        say("its SYN came while the queue had room. An ACK that arrives "
            "while the queue is full is dropped (on Linux, with "
            "net.ipv4.tcp_abort_on_overflow 0) and counted in "
            "ListenOverflows: the client's connect() has returned, but the "
            "server's kernel holds the connection half-open and sends its "
            "SYN-ACK again later");
    }
    return 0;
}

static const char *const ss_watch_counter[3] = {
    "ListenOverflows", "ListenDrops", "SyncookiesSent"};

/* ss_watch_start(): right after listen(), the kernel's counters of full
   accept queues, to compare with at the end of ss_watch_queue(). */
static inline void ss_watch_start(void)
{
    struct ss_watch *w = &ss_watch_state;

    memset(w, 0, sizeof *w);
    w->counted = ss_tcpext(3, ss_watch_counter, w->before) == 0;
}

/*
 * ss_watch_queue(addr, count, timeout): watch the accept queue of the
 * listening socket bound to addr (its getsockname()) until count
 * connections wait (count 0: no such end) or timeout seconds pass, then
 * tell how the kernel's counters of full queues grew since
 * ss_watch_start(). Returns 1 when count was given and not reached in
 * time, else 0.
 */
static inline int ss_watch_queue(const struct sockaddr_in *addr, long count,
                                 int timeout)
{
    const char *const *counter = ss_watch_counter;
    struct ss_watch *w = &ss_watch_state;
    struct timespec t0, t1, pause = {0, 100000000L}; /* 0.1 s */
    long after[3], last = 0;
    int i, blind = 0, crowded = 0, status = 0;

    memcpy(&w->me, addr, sizeof *addr);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        if (!blind && ss_proc_walk("tcp", ss_watch_look, w) < 0)
            blind = 1; /* it said why; nothing is concluded */
        if (!blind && w->waiting != last)
            printf("%ld connection%s waiting for accept()\n", w->waiting,
                   w->waiting == 1 ? "" : "s");
        last = w->waiting;
        if (!blind && w->waiting > 6 && !crowded) {
            crowded = 1;
            say("%ld waiting, more than the 6 that fit: the kernel checks "
                "that the queue has room and adds the connection to it in "
                "two steps, so two handshakes ending at the same moment on "
                "two CPUs can both find room (on Linux)",
                w->waiting);
        }
        if (!blind && count > 0 && w->waiting >= count)
            break;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if ((t1.tv_sec - t0.tv_sec) * 1000 +
                (t1.tv_nsec - t0.tv_nsec) / 1000000 >=
            timeout * 1000L) {
            if (count > 0 && !blind)
                printf("only %ld of %ld connections waited within "
                       "--timeout %d s\n",
                       w->waiting, count, timeout);
            status = count > 0;
            break;
        }
        nanosleep(&pause, NULL); /* a signal may cut it short: fine */
    }

    heading("done: nothing was accept()ed");
    if (w->counted && ss_tcpext(3, counter, after) == 0) {
        for (i = 0; i < 3; i++)
            if (w->before[i] >= 0 && after[i] >= 0)
                printf("%s: +%ld since listen() (kernel counter, all "
                       "sockets)\n",
                       counter[i], after[i] - w->before[i]);
        say("ListenOverflows and ListenDrops count each SYN (retries too), "
            "and each last ACK of a handshake, dropped because an accept "
            "queue was full, for every socket on this machine");
    }
    return status;
}

#endif /* SS_WATCH_H */
