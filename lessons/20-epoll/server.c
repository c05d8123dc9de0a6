/*
 * Lesson 20: epoll, thousands of clients
 *
 * poll() (lesson 13) passes every descriptor on each call; epoll keeps the
 * list in the kernel, and epoll_wait() returns only the ready ones. This
 * echo server's sockets are non-blocking. With --edge (edge-triggered) each
 * event must be drained: read until EAGAIN; --no-drain shows why. Linux only.
 * sockstep.h narrates each socket call; -DSOCKSTEP_PLAIN leaves that out.
 *
 * Build: make 20-epoll-server   (or: cc lessons/20-epoll/server.c)
 * Run:   build/20-epoll-server, then build/06-send-recv-client in two more
 *        terminals (or any client: nc -N 127.0.0.1 8888)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../common/sockstep.h"

#define MAX_EVENTS 256 /* events one epoll_wait() may return */

/* The lesson's own options, set by ss_start() when given. */
static int edge_opt, no_drain_opt;
static long quiet_after_opt = 30;

static const struct ss_lesson lesson = {
    .name = "20-epoll-server",
    .summary = "an echo server for many clients at once: non-blocking "
               "sockets and epoll",
    .example = "  build/20-epoll-server --edge\n"
               "  then in two more terminals: build/06-send-recv-client",
    .options = SS_OPT_NET | SS_OPT_COUNT,
    .port = 8888,
    .timeout = 300,
    .timeout_help = "seconds epoll_wait() waits for anything to happen",
    .count = 0,
    .count_help = "clients to serve; the server ends when they have gone",
    .extra = {{.name = "--edge",
               .help = "edge-triggered (EPOLLET): read until EAGAIN each time",
               .flag = &edge_opt},
              {.name = "--no-drain",
               .help = "with --edge: read once per event (and see the stall)",
               .flag = &no_drain_opt},
              {.name = "--quiet-after",
               .arg = "N",
               .lo = 0,
               .hi = 1000000,
               .help = "narrate the calls of the first N events and "
                       "clients, then print a line a second",
               .num = &quiet_after_opt}},
};

/* One client: its socket and what is still to be sent back to it. */
struct client {
    int fd;
    unsigned events; /* what epoll watches for it (level-triggered) */
    size_t off, len; /* buf[off..len) is not sent back yet */
    char buf[4096];
};

/* The server's state, for the loop and its summary lines. */
struct server {
    int ep, listener, edge, drain, full;
    struct client **clients; /* by descriptor number */
    long limit, served, open, most, seen, quiet_after;
    long long echoed;
};

/* One more event or client: after --quiet-after of them, no narration. */
static void tally(struct server *s)
{
    if (++s->seen != s->quiet_after)
        return;
    say("that was %ld events and clients: from here on the calls are not "
        "narrated, and a line a second sums up",
        s->seen);
    ss_narration_off();
}

/* Level-triggered: watch the client for events (EPOLLIN or EPOLLOUT). */
static int watch(struct server *s, struct client *c, unsigned events)
{
    struct epoll_event ev;

    if (s->edge || c->events == events)
        return 0; /* edge-triggered: both, from the start */
    memset(&ev, 0, sizeof ev);
    ev.events = events;
    ev.data.fd = c->fd;
    if (epoll_ctl(s->ep, EPOLL_CTL_MOD, c->fd, &ev) == -1) {
        perror("epoll_ctl");
        return -1;
    }
    c->events = events;
    return 0;
}

/* Out of descriptors (full), accept() fails with EMFILE and the client
   stays queued: the listening socket is ready again at once, and a loop
   that called accept() again would spin. So it is watched for nothing
   (events 0) until a client leaves; then for EPOLLIN again, and on an
   edge EPOLL_CTL_MOD reports a client still queued. */
static void watch_listener(struct server *s, int full)
{
    struct epoll_event ev;

    memset(&ev, 0, sizeof ev);
    ev.events = full ? 0 : s->edge ? EPOLLIN | EPOLLET : EPOLLIN;
    ev.data.fd = s->listener;
    if (epoll_ctl(s->ep, EPOLL_CTL_MOD, s->listener, &ev) == -1)
        perror("epoll_ctl");
    s->full = full;
}

/* Take new clients: one per event, or until EAGAIN when draining. */
static void take_clients(struct server *s, long count)
{
    struct epoll_event ev;
    struct sockaddr_in addr;
    socklen_t len;
    struct client *c;

    do {
        int fd, flags;

        len = sizeof addr;
        fd = accept(s->listener, (struct sockaddr *)&addr, &len);
        if (fd == -1 && (errno == EINTR || errno == ECONNABORTED))
            continue;
        if (fd == -1 && (errno == EMFILE || errno == ENFILE)) {
            perror("accept");
            printf("out of descriptors: new clients wait in the queue "
                   "until a client leaves\n");
            watch_listener(s, 1);
            return;
        }
        if (fd == -1) {
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                perror("accept");
            return;
        }
        /* On Linux an accepted socket does not inherit O_NONBLOCK. */
        flags = fcntl(fd, F_GETFL);
        if (flags == -1 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1) {
            perror("fcntl");
            close(fd);
            continue;
        }
        c = calloc(1, sizeof *c);
        if (c == NULL) {
            perror("calloc");
            close(fd);
            continue;
        }
        memset(&ev, 0, sizeof ev);
        ev.events = s->edge ? EPOLLIN | EPOLLOUT | EPOLLET : EPOLLIN;
        ev.data.fd = fd;
        if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) == -1) {
            perror("epoll_ctl");
            free(c);
            close(fd);
            continue;
        }
        c->fd = fd;
        c->events = ev.events;
        s->clients[fd] = c;
        tally(s);
        s->served++;
        s->open++;
        if (s->open > s->most)
            s->most = s->open;
    } while (s->drain && (count == 0 || s->served < count));
}

/* Echo what has come. Returns -1 when the client is to be closed. */
static int serve(struct server *s, struct client *c)
{
    ssize_t n;
    int reads = 0;

    for (;;) {
        /* First what is still to be sent back, then read more. */
        while (c->off < c->len) {
            n = send(c->fd, c->buf + c->off, c->len - c->off, MSG_NOSIGNAL);
            if (n == -1 && errno == EINTR)
                continue;
            if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
                return watch(s, c, EPOLLOUT); /* the client must read */
            if (n == -1)
                return -1; /* EPIPE, ECONNRESET: the client has gone */
            c->off += (size_t)n;
            s->echoed += n;
        }
        c->off = c->len = 0;
        if (reads == 1 && !s->drain)
            return watch(s, c, EPOLLIN); /* once per event */
        n = recv(c->fd, c->buf, sizeof c->buf, 0);
        reads++;
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return watch(s, c, EPOLLIN); /* all read: wait for more */
        if (n <= 0)
            return -1; /* 0: the client has closed; or ECONNRESET */
        c->len = (size_t)n;
    }
}

static void drop(struct server *s, struct client *c)
{
    s->clients[c->fd] = NULL;
    s->open--;
    if (close(c->fd) == -1)
        perror("close");
    free(c);
    if (s->full && s->listener != -1)
        watch_listener(s, 0); /* a descriptor is free again */
}

static double now(void)
{
    struct timespec t;

    if (clock_gettime(CLOCK_MONOTONIC, &t) == -1) {
        perror("clock_gettime"); /* only with a bad argument */
        exit(1);
    }
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    static struct epoll_event events[MAX_EVENTS];
    struct ss_options opt;
    struct epoll_event ev;
    struct server s;
    struct sockaddr_in addr;
    struct rlimit lim;
    socklen_t len;
    double start, last;
    long i;
    int n, one = 1, flags, status = 0;

    ss_start(&lesson, &opt, argc, argv);
    if (no_drain_opt && !edge_opt)
        ss_bad(&lesson, "--no-drain", "--edge with it", NULL);
    memset(&s, 0, sizeof s);
    s.ep = -1;
    s.edge = edge_opt;
    s.drain = s.edge && !no_drain_opt;
    s.quiet_after = quiet_after_opt;

    /* One descriptor per client: raise the soft limit to the hard one,
       which a process may do by itself. */
    if (getrlimit(RLIMIT_NOFILE, &lim) == -1) {
        perror("getrlimit");
        return 1;
    }
    if (lim.rlim_max != RLIM_INFINITY)
        lim.rlim_cur = lim.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &lim) == -1)
        perror("setrlimit"); /* then the old limit stays */
    if (getrlimit(RLIMIT_NOFILE, &lim) == -1) {
        perror("getrlimit");
        return 1;
    }
    s.limit = lim.rlim_cur == RLIM_INFINITY ? 1 << 20 : (long)lim.rlim_cur;
    printf("descriptor limit: %ld (the hard limit is %ld)\n", s.limit,
           lim.rlim_max == RLIM_INFINITY ? -1 : (long)lim.rlim_max);
    s.clients = calloc((size_t)s.limit, sizeof(struct client *));
    if (s.clients == NULL) {
        perror("calloc");
        return 1;
    }

    /* Lessons 01 to 04, with the listening socket non-blocking too: on
       an edge the loop accepts until EAGAIN, and the last accept() must
       not wait. */
    s.listener = socket(AF_INET, SOCK_STREAM, 0);
    if (s.listener == -1) {
        perror("socket");
        free(s.clients);
        return 1;
    }
    if (setsockopt(s.listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ==
        -1) {
        perror("setsockopt");
        goto fail;
    }
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr = opt.host;
    addr.sin_port = htons(opt.port);
    if (bind(s.listener, (struct sockaddr *)&addr, sizeof addr) == -1) {
        perror("bind");
        goto fail;
    }
    if (listen(s.listener, SOMAXCONN) == -1) {
        perror("listen");
        goto fail;
    }
    flags = fcntl(s.listener, F_GETFL);
    if (flags == -1 || fcntl(s.listener, F_SETFL, flags | O_NONBLOCK) == -1) {
        perror("fcntl");
        goto fail;
    }
    len = sizeof addr;
    if (getsockname(s.listener, (struct sockaddr *)&addr, &len) == -1) {
        perror("getsockname");
        goto fail;
    }

    s.ep = epoll_create1(0);
    if (s.ep == -1) {
        perror("epoll_create1");
        goto fail;
    }
    memset(&ev, 0, sizeof ev);
    ev.events = s.edge ? EPOLLIN | EPOLLET : EPOLLIN;
    ev.data.fd = s.listener;
    if (epoll_ctl(s.ep, EPOLL_CTL_ADD, s.listener, &ev) == -1) {
        perror("epoll_ctl");
        goto fail;
    }
    printf("%s\n", !s.edge   ? "level-triggered"
                   : s.drain ? "edge-triggered, reading until EAGAIN"
                             : "edge-triggered, reading once per event");
    printf("listening on %s\n", ss_addr(&addr).s);

    start = last = now();
    if (s.quiet_after == 0)
        ss_narration_off();
    while (s.listener != -1 || s.open > 0) {
        n = epoll_wait(s.ep, events, MAX_EVENTS, opt.timeout * 1000);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1) {
            perror("epoll_wait");
            status = 1;
            break;
        }
        if (n == 0 && s.open > 0) {
            printf("nothing happened within --timeout %d s: closing %ld "
                   "idle client%s\n",
                   opt.timeout, s.open, s.open == 1 ? "" : "s");
            break;
        }
        if (n == 0) {
            printf("no %s within --timeout %d s\n",
                   s.served == 0 ? "client connected" : "more clients",
                   opt.timeout);
            status = s.served == 0;
            break;
        }
        for (i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            tally(&s);
            if (fd == s.listener)
                take_clients(&s, opt.count);
            else if (s.clients[fd] != NULL && serve(&s, s.clients[fd]) == -1)
                drop(&s, s.clients[fd]);
        }
        /* --count clients served: take no more, end when they have gone */
        if (opt.count > 0 && s.served >= opt.count && s.listener != -1) {
            if (close(s.listener) == -1)
                perror("close");
            s.listener = -1;
        }
        if (now() - last >= 1 || (s.listener == -1 && s.open == 0)) {
            last = now();
            printf("%.1f s: clients open %ld, served %ld; %lld bytes "
                   "echoed\n",
                   last - start, s.open, s.served, s.echoed);
        }
    }

    for (i = 0; i < s.limit && s.open > 0; i++)
        if (s.clients[i] != NULL)
            drop(&s, s.clients[i]);
    printf("served %ld client%s, at most %ld at once, %lld bytes echoed\n",
           s.served, s.served == 1 ? "" : "s", s.most, s.echoed);
    if (close(s.ep) == -1)
        perror("close");
    if (s.listener != -1 && close(s.listener) == -1)
        perror("close");
    free(s.clients);
    return status;

fail:
    if (s.ep != -1)
        close(s.ep);
    close(s.listener);
    free(s.clients);
    return 1;
}
