/*
 * Lesson 03: listen()
 *
 * listen() lets clients connect to a bound TCP socket: the kernel completes
 * each handshake itself and queues the connection for accept() (lesson 04).
 * This lesson never calls accept(). It watches the queue (backlog 5) in
 * /proc/net/tcp and shows what becomes of clients that find it full.
 *
 * Build: make 03-listen  (or: cc lessons/03-listen/listen.c -o listen)
 * Run:   build/03-listen --count 2, then in two more terminals, clients that
 *        stay connected: nc 127.0.0.1 8888  (or build/05-connect)
 */
#define _POSIX_C_SOURCE 200809L

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../common/sockstep.h"

static const struct ss_lesson lesson = {
    .name = "03-listen",
    .summary = "listen, never accept: watch connections wait in the backlog",
    .example = "  build/03-listen --count 2\n"
               "  then in two more terminals: nc 127.0.0.1 8888",
    .options = SS_OPT_NET | SS_OPT_COUNT,
    .port = 8888,
    .timeout = 300,
    .timeout_help = "seconds to watch the queue (with --count: at most)",
    .count_help = "stop as soon as N connections wait",
};

#define MAX_SEEN 64

/* What the lesson has seen of its queue in /proc/net/tcp. */
struct watch {
    struct sockaddr_storage me; /* the listening socket's address */
    long waiting;               /* its Recv-Q: connections in the queue */
    int nseen;
    int half_said; /* the SYN_RECV case has been explained */
    struct {
        struct sockaddr_storage addr;
        int state;
    } seen[MAX_SEEN]; /* each client, and its state when last reported */
};

/* Is a our address? Listening on 0.0.0.0, any address with our port is. */
static int is_me(const struct watch *w, const struct sockaddr_storage *a)
{
    const struct sockaddr_in *me = (const struct sockaddr_in *)&w->me;

    if (me->sin_addr.s_addr == htonl(INADDR_ANY))
        return ss_port_of(a) == ntohs(me->sin_port);
    return ss_same_addr(a, &w->me);
}

/*
 * Called for each entry of /proc/net/tcp: note the queue's length, and
 * report each client that is new or in a new state since the last look.
 */
static int look(const struct ss_procsock *s, const char *file, void *arg)
{
    struct watch *w = arg;
    const struct sockaddr_storage *client;
    int i, ours = is_me(w, &s->local);

    if (s->state == SS_TCP_LISTEN && ss_same_addr(&s->local, &w->me)) {
        w->waiting = (long)s->rxq;
        return 0;
    }
    /* A queued connection has no inode: no process owns it yet. */
    if (ours && s->inode == 0 &&
        (s->state == SS_TCP_ESTABLISHED || s->state == SS_TCP_CLOSE_WAIT ||
         s->state == SS_TCP_SYN_RECV))
        client = &s->remote;
    else if (is_me(w, &s->remote) && s->state == SS_TCP_SYN_SENT)
        client = &s->local; /* a client on this machine, still knocking */
    else
        return 0;

    for (i = 0; i < w->nseen; i++)
        if (ss_same_addr(&w->seen[i].addr, client))
            break;
    if (i == MAX_SEEN || (i < w->nseen && w->seen[i].state == s->state))
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

int main(int argc, char **argv)
{
    static const char *const counter[3] = {"ListenOverflows", "ListenDrops",
                                           "SyncookiesSent"};
    struct ss_options opt;
    struct sockaddr_in addr;
    struct watch w;
    struct timespec t0, now, pause = {0, 100000000L}; /* 0.1 s */
    socklen_t len;
    long before[3], after[3], last = 0;
    int fd, i, counted, blind = 0, crowded = 0, status = 0;

    ss_start(&lesson, &opt, argc, argv);

    /* Lessons 01 and 02: a TCP socket, bound to --host and --port. */
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd == -1) {
        perror("socket");
        return 1;
    }
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr = opt.host;
    addr.sin_port = htons(opt.port);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == -1) {
        perror("bind");
        goto fail;
    }
    /* A backlog of 5, small on purpose: this lesson fills the queue. */
    if (listen(fd, 5) == -1) {
        perror("listen");
        goto fail;
    }
    counted = ss_tcpext(3, counter, before) == 0;
    say("on Linux 6 connections fit in this queue. When it is full the "
        "kernel drops each new SYN unanswered, counting it in "
        "ListenOverflows, and the client's kernel sends it again after a "
        "second, then after longer waits (on Linux 6.5 and later, "
        "net.ipv4.tcp_syn_linear_timeouts keeps the first few at a "
        "second), until there is room or connect() gives up. SYN cookies "
        "(net.ipv4.tcp_syncookies) help when the queue of half-done "
        "handshakes is full, not this one");
    len = sizeof addr;
    if (getsockname(fd, (struct sockaddr *)&addr, &len) == -1) {
        perror("getsockname");
        goto fail;
    }
    printf("listening on %s\n", ss_addr(&addr).s);

    heading("waiting, without accept()");
    say("connect to %s now: each client's connect() returns once the "
        "kernel has completed its handshake, and this program calls "
        "nothing",
        ss_addr(&addr).s);
    memset(&w, 0, sizeof w);
    memcpy(&w.me, &addr, sizeof addr);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        if (!blind && ss_proc_walk("tcp", look, &w) < 0)
            blind = 1; /* the header said why; nothing is concluded */
        if (!blind && w.waiting != last)
            printf("%ld connection%s waiting for accept()\n", w.waiting,
                   w.waiting == 1 ? "" : "s");
        last = w.waiting;
        if (!blind && w.waiting > 6 && !crowded) {
            crowded = 1;
            say("%ld waiting, more than the 6 that fit: the kernel checks "
                "that the queue has room and adds the connection to it in "
                "two steps, so two handshakes ending at the same moment on "
                "two CPUs can both find room (on Linux)",
                w.waiting);
        }
        if (!blind && opt.count > 0 && w.waiting >= opt.count)
            break;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if ((now.tv_sec - t0.tv_sec) * 1000 +
                (now.tv_nsec - t0.tv_nsec) / 1000000 >=
            opt.timeout * 1000L) {
            if (opt.count > 0 && !blind)
                printf("only %ld of %ld connections waited within "
                       "--timeout %d s\n",
                       w.waiting, opt.count, opt.timeout);
            status = opt.count > 0;
            break;
        }
        nanosleep(&pause, NULL); /* a signal may cut it short: fine */
    }

    heading("done: nothing was accept()ed");
    if (counted && ss_tcpext(3, counter, after) == 0) {
        for (i = 0; i < 3; i++)
            if (before[i] >= 0 && after[i] >= 0)
                printf("%s: +%ld since listen() (kernel counter, all "
                       "sockets)\n",
                       counter[i], after[i] - before[i]);
        say("ListenOverflows and ListenDrops count each SYN (retries too), "
            "and each last ACK of a handshake, dropped because an accept "
            "queue was full, for every socket on this machine");
    }
    if (close(fd) == -1) {
        perror("close");
        return 1;
    }
    return status;

fail:
    close(fd);
    return 1;
}
