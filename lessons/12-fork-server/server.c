/*
 * Lesson 12: fork(), a child per client
 *
 * fork() copies the process and its descriptors: the child serves one
 * client (lesson 06's echo) while the parent accepts the next. A child
 * that ends is a zombie until the parent collects its exit status with
 * waitpid(), here in a SIGCHLD handler; --no-reap shows the zombies.
 * sockstep.h narrates each socket call; -DSOCKSTEP_PLAIN leaves that out.
 *
 * Build: make 12-fork-server (or: cc lessons/12-fork-server/server.c -o server)
 * Run:   build/12-fork-server, then build/06-send-recv-client in two more
 *        terminals at once
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/sockstep.h"

enum { SHOWN = 100 }; /* --no-reap lists the first 100 children */

static int no_reap;
static volatile sig_atomic_t late; /* SIGALRM came: stop waiting */

static const struct ss_lesson lesson = {
    .name = "12-fork-server",
    .summary = "an echo server that forks a child for each client",
    .example = "  build/12-fork-server\n"
               "  then in two more terminals: build/06-send-recv-client",
    .options = SS_OPT_NET | SS_OPT_COUNT,
    .port = 8888,
    .timeout = 300,
    .timeout_help = "seconds the server waits for the next client, and "
                    "each child's recv() for its client, or its echo of "
                    "them; at the end, twice S for its children",
    .count = 0,
    .count_help = "clients to serve in all (then wait for the children)",
    .extra = {{.name = "--no-reap",
               .help = "never call waitpid(): children that end stay zombies",
               .flag = &no_reap}},
};

/* SIGCHLD: collect every child that has ended. Several may end before
   the handler runs (a signal is pending once, not counted), so it loops
   until waitpid() finds none ended (0) or no child left (-1). A handler
   may call only async-signal-safe functions: waitpid() is one, printf()
   is not. It keeps errno, which the code it interrupted may be using. */
static void on_sigchld(int sig)
{
    int saved = errno;

    (void)sig;
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ; /* one more child collected */
    errno = saved;
}

/*
 * Send every byte back until the client closes its side (recv() returns
 * 0); returns how many bytes were echoed.
 */
static long long echo(int conn, const struct sockaddr_in *client, int timeout)
{
    char buf[4096];
    ssize_t got, sent, off;
    long long echoed = 0;
    time_t start;

    for (;;) {
        got = recv(conn, buf, sizeof buf, 0);
        if (got == -1 && errno == EINTR)
            continue; /* a signal (Ctrl-Z, then fg): wait again */
        if (got == 0)
            return echoed; /* the client has closed its side */
        if (got == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            printf("client %s sent nothing for %d s (--timeout): the server "
                   "closes it\n",
                   ss_addr(client).s, timeout);
            return echoed;
        }
        if (got == -1) {
            perror("recv");
            return echoed;
        }
        /* send() may take fewer bytes than asked: send the rest, for
           --timeout seconds in all. A send() whose timeout ran out after
           a little room opened returns that little, not EAGAIN: the
           clock, not the error, ends the wait.
           MSG_NOSIGNAL: a send() that fails with EPIPE (the client has
           gone) does not also raise SIGPIPE, which would end the server. */
        start = time(NULL);
        for (off = 0; off < got; off += sent) {
            sent = send(conn, buf + off, (size_t)(got - off), MSG_NOSIGNAL);
            if (sent == -1 && errno == EINTR) {
                sent = 0; /* a signal: send again */
                continue;
            }
            if (sent == -1 && errno != EAGAIN && errno != EWOULDBLOCK) {
                perror("send");
                return echoed;
            }
            if (sent == -1 ||
                (sent < got - off && time(NULL) - start >= timeout)) {
                printf("client %s left its echo unread for %d s "
                       "(--timeout): the server closes it\n",
                       ss_addr(client).s, timeout);
                return echoed + (sent > 0 ? sent : 0);
            }
            echoed += sent;
        }
    }
}

/* A child's work: lesson 06's limits for its client, and lesson 06's echo. */
static void serve(int conn, const struct sockaddr_in *client,
                  const struct timeval *tv, int timeout)
{
    long long echoed = 0;

    if (setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, tv, sizeof *tv) == -1 ||
        setsockopt(conn, SOL_SOCKET, SO_SNDTIMEO, tv, sizeof *tv) == -1)
        perror("setsockopt");
    else
        echoed = echo(conn, client, timeout);
    printf("client %s: %lld bytes echoed\n", ss_addr(client).s, echoed);
    if (close(conn) == -1)
        perror("close");
}

/* SIGALRM: the final wait has lasted twice --timeout. alarm(1) sends it
   again a second later, in case it came just before waitpid() began. */
static void on_sigalrm(int sig)
{
    (void)sig;
    late = 1;
    alarm(1);
}

/* Linux: the state of each child in /proc/PID/stat (Z: a zombie). */
static void show_states(const pid_t *kids, int n)
{
#ifdef __linux__
    char path[64], line[512], *p;
    FILE *f;
    int i;

    for (i = 0; i < n; i++) {
        snprintf(path, sizeof path, "/proc/%ld/stat", (long)kids[i]);
        f = fopen(path, "r");
        p = f != NULL && fgets(line, sizeof line, f) ? strrchr(line, ')')
                                                     : NULL;
        if (f != NULL)
            fclose(f);
        if (p != NULL && p[1] == ' ')
            printf("child %ld: state %c in %s%s\n", (long)kids[i], p[2], path,
                   p[2] == 'Z' ? " (ended: a zombie)" : "");
    }
#else
    (void)kids;
    (void)n;
#endif
}

int main(int argc, char **argv)
{
    static pid_t kids[SHOWN];
    struct ss_options opt;
    struct sockaddr_in addr, client;
    struct sigaction sa;
    struct timeval tv;
    socklen_t len;
    int fd, conn, nkids = 0, one = 1;
    long served = 0;
    time_t full = 0; /* when accept() began to fail with EMFILE, or 0 */
    pid_t pid;

    ss_start(&lesson, &opt, argc, argv);

    /* Lessons 01 to 04: a TCP socket, bound to --host and --port; each
       wait in accept(), and in a child's recv() or send(), ends after
       --timeout. */
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd == -1) {
        perror("socket");
        return 1;
    }
    tv.tv_sec = opt.timeout;
    tv.tv_usec = 0;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1 ||
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == -1) {
        perror("setsockopt");
        goto fail;
    }
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr = opt.host;
    addr.sin_port = htons(opt.port);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == -1) {
        perror("bind");
        goto fail;
    }
    if (listen(fd, SOMAXCONN) == -1) {
        perror("listen");
        goto fail;
    }
    if (!no_reap) {
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_sigchld;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART; /* calls it interrupts start again */
        if (sigaction(SIGCHLD, &sa, NULL) == -1) {
            perror("sigaction");
            goto fail;
        }
    }
    len = sizeof addr;
    if (getsockname(fd, (struct sockaddr *)&addr, &len) == -1) {
        perror("getsockname");
        goto fail;
    }
    printf("listening on %s\n", ss_addr(&addr).s);

    heading("waiting for client 1");
    while (opt.count == 0 || served < opt.count) {
        len = sizeof client;
        conn = accept(fd, (struct sockaddr *)&client, &len);
        /* EINTR: SIGCHLD came while accept() waited. On Linux a socket
           call with a timeout fails so even with SA_RESTART: wait again. */
        if (conn == -1 && (errno == EINTR || errno == ECONNABORTED))
            continue;
        if (conn == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            printf("no %s within --timeout %d s\n",
                   served == 0 ? "client connected" : "more clients",
                   opt.timeout);
            if (served == 0)
                goto fail;
            break;
        }
        if (conn == -1 && (errno == EMFILE || errno == ENFILE)) {
            /* Out of descriptors, the client stays queued: accept() at
               once would fail again, and again. Wait a second and try
               again, for --timeout seconds at most. */
            perror("accept");
            if (full == 0)
                full = time(NULL);
            if (time(NULL) - full >= opt.timeout) {
                printf("out of descriptors for --timeout %d s\n", opt.timeout);
                goto fail;
            }
            sleep(1);
            continue;
        }
        if (conn == -1) {
            perror("accept");
            goto fail;
        }
        full = 0;
        pid = fork();
        if (pid == -1) {
            perror("fork"); /* EAGAIN: too many processes */
            close(conn);
            continue;
        }
        served++;
        if (pid == 0) {
            /* the listening socket is the parent's business */
            if (close(fd) == -1)
                perror("close");
            serve(conn, &client, &tv, opt.timeout);
            exit(0);
        }
        printf("client %s: served by child %ld\n", ss_addr(&client).s,
               (long)pid);
        /* the child has its own descriptor for it */
        if (close(conn) == -1)
            perror("close");
        if (no_reap && nkids < SHOWN)
            kids[nkids++] = pid;
        if (opt.count == 0 || served < opt.count) {
            heading("waiting for client %ld", served + 1);
        }
    }

    heading("done: served %ld client%s", served, served == 1 ? "" : "s");
    if (close(fd) == -1)
        perror("close");
    if (no_reap) {
        show_states(kids, nkids);
        say("when this process ends, its children are handed to init (pid "
            "1) or, on Linux, to a subreaper: a normal init reaps them");
        return 0;
    }
    /* Wait for the children still serving, until none is left (ECHILD).
       Each of a child's waits ends after --timeout, so a child whose
       client has gone quiet ends within --timeout and a moment: the wait
       lasts at most twice --timeout, then SIGALRM interrupts waitpid()
       (its handler has no SA_RESTART). A child still there has a client
       that keeps it busy. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigalrm;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGALRM, &sa, NULL) == -1) {
        perror("sigaction");
        return 1;
    }
    alarm(2 * (unsigned)opt.timeout);
    while (waitpid(-1, NULL, 0) != -1 || (errno == EINTR && !late))
        ; /* one more child collected */
    if (errno == EINTR) {
        alarm(0);
        printf("children still serving after %d s (twice --timeout): "
               "ending without them\n",
               2 * opt.timeout);
    }
    return 0;

fail:
    close(fd);
    return 1;
}
