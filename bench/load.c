/*
 * bench/load.c - the load generator of `make bench` and of lesson 20's
 * tests: many TCP clients at once, from one process, over loopback.
 *
 * Every client is a non-blocking socket in one epoll instance (Linux only,
 * like lesson 20: with poll() the generator's own cost would grow with the
 * number of clients and hide the servers' differences). The clients
 * connect, at most --burst handshakes under way at a time, and once all
 * have connected:
 *   timed mode (the default): each client sends a --size byte message,
 *     waits for all of it to come back, waits --think milliseconds
 *     (default 0), and sends the next, for --seconds; every round trip's
 *     time is kept. With --think the clients' first messages are spread
 *     over the first think time, so that they do not all come at once;
 *   --check: each client sends one message of its own and waits for its
 *     echo, and no connection is closed until all are back: N connections
 *     open at once, each echoed byte for byte.
 * It prints one summary line of name=value pairs and nothing else: it is a
 * measuring tool, not a lesson, so nothing is narrated. Exit status 0 when
 * every client connected (timed) or was echoed (--check), 1 otherwise, 2
 * for bad options.
 *
 * Build: make build/bench/load   (or: cc -std=c11 -O2 bench/load.c -o load)
 * Run:   build/bench/load --port 8888 --clients 100 --seconds 2
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_SIZE   65536
#define MAX_EVENTS 512

enum state { CONNECTING, THINKING, SENDING, RECEIVING, DONE, FAILED };

struct client {
    int fd;
    enum state state;
    unsigned events;  /* what epoll watches for */
    size_t sent, got; /* of the current message */
    double started;   /* when the current message's first byte went */
    double next;      /* THINKING: when to send again */
    long round_trips;
};

struct options {
    struct in_addr host;
    unsigned port;
    long clients, burst, size;
    double seconds, think;
    int check;
};

static struct options o;
static struct client *cl;
static int ep;
static char *msgs; /* client k's message at msgs + k * (size + 1) */
static long lost;  /* clients whose connection failed */

/* Latencies in milliseconds, one per round trip. */
static double *lat;
static size_t nlat, caplat;

static double now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: load --port N [--host ADDR] [--clients N] [--seconds S]\n"
            "            [--size BYTES] [--think MS] [--burst N] [--check]\n");
    exit(2);
}

static double number(const char *name, const char *text, double lo, double hi)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(text, &end);
    if (errno != 0 || end == text || *end != '\0' || !(v >= lo && v <= hi)) {
        fprintf(stderr, "load: %s: expected %g to %g, got '%s'\n", name, lo, hi,
                text);
        exit(2);
    }
    return v;
}

static void parse(int argc, char **argv)
{
    int i;

    o.host.s_addr = htonl(INADDR_LOOPBACK);
    o.clients = 1;
    o.burst = 256;
    o.size = 64;
    o.seconds = 2;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--check") == 0) {
            o.check = 1;
            continue;
        }
        if (v == NULL)
            usage();
        i++;
        if (strcmp(a, "--host") == 0 && inet_pton(AF_INET, v, &o.host) == 1)
            continue;
        else if (strcmp(a, "--port") == 0)
            o.port = (unsigned)number(a, v, 1, 65535);
        else if (strcmp(a, "--clients") == 0)
            o.clients = (long)number(a, v, 1, 1000000);
        else if (strcmp(a, "--burst") == 0)
            o.burst = (long)number(a, v, 1, 100000);
        else if (strcmp(a, "--size") == 0)
            o.size = (long)number(a, v, 1, MAX_SIZE);
        else if (strcmp(a, "--seconds") == 0)
            o.seconds = number(a, v, 0.01, 3600);
        else if (strcmp(a, "--think") == 0)
            o.think = number(a, v, 0, 60000) / 1000;
        else
            usage();
    }
    if (o.port == 0)
        usage();
}

/* Client k's connection failed (or was refused): close it, count it. */
static void fail(long k)
{
    if (cl[k].fd != -1)
        close(cl[k].fd);
    cl[k].fd = -1;
    cl[k].state = FAILED;
    lost++;
}

/* Watch client k for these events (EPOLLIN, EPOLLOUT). */
static int watch(long k, unsigned events)
{
    struct epoll_event ev;
    struct client *c = &cl[k];
    int op = c->events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;

    if (c->events == events)
        return 0;
    memset(&ev, 0, sizeof ev);
    ev.events = events;
    ev.data.u64 = (uint64_t)k;
    if (epoll_ctl(ep, op, c->fd, &ev) == -1)
        return -1;
    c->events = events;
    return 0;
}

/* Start a non-blocking connect(): CONNECTING, or FAILED. */
static void start_connect(long k)
{
    struct sockaddr_in addr;
    struct client *c = &cl[k];
    int one = 1;

    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (c->fd == -1) {
        fail(k);
        return;
    }
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr = o.host;
    addr.sin_port = htons((unsigned short)o.port);
    if (fcntl(c->fd, F_SETFL, O_NONBLOCK) == -1 ||
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == -1 ||
        (connect(c->fd, (struct sockaddr *)&addr, sizeof addr) == -1 &&
         errno != EINPROGRESS) ||
        watch(k, EPOLLOUT) == -1) {
        fail(k);
        return;
    }
    c->state = CONNECTING;
}

/* Send what is left of client k's message, then wait for its echo. */
static void push(long k)
{
    struct client *c = &cl[k];
    const char *msg = msgs + k * (o.size + 1);

    if (c->state != SENDING) {
        c->state = SENDING;
        c->sent = c->got = 0;
        c->started = now();
    }
    while (c->sent < (size_t)o.size) {
        ssize_t n =
            send(c->fd, msg + c->sent, (size_t)o.size - c->sent, MSG_NOSIGNAL);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (watch(k, EPOLLIN | EPOLLOUT) == -1)
                fail(k);
            return; /* the rest when epoll says EPOLLOUT */
        }
        if (n == -1) {
            fail(k);
            return;
        }
        c->sent += (size_t)n;
    }
    c->state = RECEIVING;
    if (watch(k, EPOLLIN) == -1)
        fail(k);
}

/* Read client k's echo; a whole one is a round trip. 1 when it is. */
static int pull(long k, long *bad)
{
    char buf[MAX_SIZE];
    struct client *c = &cl[k];
    const char *msg = msgs + k * (o.size + 1);
    ssize_t n;

    n = recv(c->fd, buf, (size_t)o.size - c->got, 0);
    if (n == -1 && (errno == EAGAIN || errno == EINTR))
        return 0;
    if (n <= 0) {
        fail(k);
        return 0;
    }
    if (memcmp(buf, msg + c->got, (size_t)n) != 0)
        ++*bad;
    c->got += (size_t)n;
    if (c->got < (size_t)o.size)
        return 0;
    if (nlat == caplat) {
        size_t cap = caplat ? caplat * 2 : 65536;
        double *v = realloc(lat, cap * sizeof *v);
        if (v == NULL) {
            perror("load: realloc");
            exit(1);
        }
        lat = v;
        caplat = cap;
    }
    lat[nlat++] = (now() - c->started) * 1000;
    c->round_trips++;
    return 1;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    static struct epoll_event ev[MAX_EVENTS];
    struct rlimit lim;
    long i, k, connected = 0, pending = 0, next = 0;
    long echoed = 0, bad = 0, answered = 0, open = 0;
    long *queue, qhead = 0, qtail = 0; /* THINKING clients, in order */
    double t0, t_end, deadline;
    int n;

    parse(argc, argv);
    signal(SIGPIPE, SIG_IGN);
    /* One descriptor per client: the soft limit up to the hard one. */
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_NOFILE, &lim);
    }
    ep = epoll_create1(0);
    cl = calloc((size_t)o.clients, sizeof *cl);
    queue = calloc((size_t)o.clients, sizeof *queue);
    msgs = malloc((size_t)o.clients * (size_t)(o.size + 1));
    if (ep == -1 || cl == NULL || queue == NULL || msgs == NULL) {
        perror("load");
        free(cl);
        free(queue);
        free(msgs);
        return 1;
    }
    for (k = 0; k < o.clients; k++) {
        char *m = msgs + k * (o.size + 1);
        int len = snprintf(m, (size_t)o.size + 1, "client %ld ", k);
        for (i = len < o.size ? len : o.size; i < o.size; i++)
            m[i] = (char)('a' + (k + i) % 26);
        cl[k].fd = -1;
    }

    /* Connect everyone, at most --burst handshakes at a time. */
    deadline = now() + 10 + (double)o.clients / 1000;
    while (connected + lost < o.clients && now() < deadline) {
        for (; next < o.clients && pending < o.burst; next++) {
            start_connect(next);
            pending += cl[next].state == CONNECTING;
        }
        n = epoll_wait(ep, ev, MAX_EVENTS, 100);
        for (i = 0; i < n; i++) {
            int err = 0;
            socklen_t len = sizeof err;
            k = (long)ev[i].data.u64;
            if (cl[k].state != CONNECTING)
                continue;
            pending--;
            if (getsockopt(cl[k].fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 &&
                err == 0 && watch(k, EPOLLIN) == 0) {
                cl[k].state = THINKING;
                connected++;
            } else {
                fail(k);
            }
        }
    }

    /* Everyone sends (with --think, spread over the first think time, as
       independent clients would), then round trips until time is up. */
    t0 = now();
    t_end = t0 + o.seconds;
    for (k = 0; k < o.clients; k++) {
        if (cl[k].state != THINKING)
            continue;
        if (o.think == 0 || o.check) {
            push(k);
            continue;
        }
        cl[k].next = t0 + o.think * (double)k / (double)o.clients;
        queue[qtail++ % o.clients] = k;
    }
    for (;;) {
        double t = now();
        int wait_ms;

        while (qhead < qtail && cl[queue[qhead % o.clients]].next <= t)
            push(queue[qhead++ % o.clients]);
        if (t >= t_end || (o.check && echoed + lost >= o.clients))
            break;
        wait_ms = (int)((t_end - t) * 1000) + 1;
        if (qhead < qtail) {
            double at = cl[queue[qhead % o.clients]].next;
            wait_ms = (int)((at - t) * 1000) + 1;
        }
        n = epoll_wait(ep, ev, MAX_EVENTS, wait_ms);
        for (i = 0; i < n; i++) {
            struct client *c;
            k = (long)ev[i].data.u64;
            c = &cl[k];
            if (c->state == SENDING && (ev[i].events & EPOLLOUT))
                push(k);
            if (c->state != RECEIVING || !pull(k, &bad))
                continue;
            if (o.check) {
                c->state = DONE;
                echoed++;
            } else if (o.think > 0) {
                c->state = THINKING;
                c->next = now() + o.think;
                queue[qtail++ % o.clients] = k;
            } else {
                push(k);
            }
        }
    }
    t_end = now();

    /* No connection was closed until here: all that have not failed were
       open at once. */
    for (k = 0; k < o.clients; k++) {
        answered += cl[k].round_trips > 0;
        open += cl[k].fd != -1 && cl[k].state != CONNECTING;
        if (cl[k].fd != -1)
            close(cl[k].fd);
    }
    qsort(lat, nlat, sizeof *lat, by_value);
    printf("clients=%ld connected=%ld answered=%ld seconds=%.2f "
           "round_trips=%zu per_second=%.0f p50_ms=%.3f p99_ms=%.3f "
           "failed=%ld",
           o.clients, connected, answered, t_end - t0, nlat,
           (double)nlat / (t_end - t0), nlat ? lat[nlat / 2] : -1.0,
           nlat ? lat[(size_t)((double)nlat * 0.99)] : -1.0, lost);
    if (o.check)
        printf(" echoed=%ld mismatched=%ld open_at_once=%ld", echoed, bad,
               open);
    printf("\n");
    close(ep);
    free(lat);
    free(msgs);
    free(queue);
    free(cl);
    if (o.check)
        return echoed != o.clients || bad != 0;
    return connected != o.clients;
}
