/*
 * Lesson 03: listen()
 *
 * listen() turns a bound TCP socket into one that clients can connect to.
 * From then on the kernel completes each client's handshake by itself and
 * puts the new connection in a queue, the backlog, where it waits for
 * accept() (lesson 04). This lesson never calls accept(): it watches the
 * queue fill up in /proc/net/tcp, then closes the listening socket, which
 * resets every connection still waiting.
 *
 * Build: make 03-listen      (or: cc lessons/03-listen/listen.c -o listen)
 * Run:   build/03-listen --port 8888 --timeout 60
 *        and in other terminals, one or more clients that stay connected:
 *        nc 127.0.0.1 8888   (or build/05-connect --port 8888)
 *
 * It watches for --timeout seconds and exits 0. With --count N it stops as
 * soon as N connections are waiting (exit 0), or exits 1 if --timeout runs
 * out first.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../common/sockstep.h"

static const struct ss_lesson lesson = {
    .name = "03-listen",
    .summary = "listen, never accept: watch connections wait in the backlog",
    .example = "  build/03-listen --port 8888 --timeout 60\n"
               "  then in other terminals: nc 127.0.0.1 8888",
    .port = 8888,
    .options = SS_OPT_COUNT,
    .count = 0,
};

#define MAX_SEEN 64

/*
 * Read /proc/net/tcp once. Print each connection to `port` whose handshake
 * completed since the last look: it has no file descriptor yet, so no
 * inode, because nobody has accept()ed it. Return how many connections
 * wait in the queue of our listening socket (its Recv-Q), or -1 if there
 * is no /proc/net/tcp to read.
 */
static long look(unsigned long inode, unsigned port, struct sockaddr_in *seen,
                 int *nseen)
{
    struct ss_procsock s;
    long waiting = 0;
    int i;
    FILE *f = fopen("/proc/net/tcp", "r");

    if (f == NULL)
        return -1;
    while (ss_proc_next(f, &s)) {
        if (s.inode == inode && s.state == 10) /* 10: LISTEN, our socket */
            waiting = (long)s.rxq;
        /* 1: ESTABLISHED; 8: CLOSE_WAIT, the client has hung up since */
        if (ntohs(s.local.sin_port) != port || s.inode != 0 ||
            (s.state != 1 && s.state != 8))
            continue;
        for (i = 0; i < *nseen; i++)
            if (seen[i].sin_port == s.remote.sin_port &&
                seen[i].sin_addr.s_addr == s.remote.sin_addr.s_addr)
                break;
        if (i < *nseen || *nseen == MAX_SEEN)
            continue;
        seen[(*nseen)++] = s.remote;
        ss_say("client %s: its handshake is complete, though nobody has "
               "called accept()",
               ss_addr(&s.remote).s);
        ss_proc_say("tcp", &s);
    }
    fclose(f);
    return waiting;
}

int main(int argc, char **argv)
{
    struct ss_options opt;
    struct sockaddr_in addr, seen[MAX_SEEN];
    struct timespec start, now, pause;
    struct stat st;
    socklen_t len;
    long waiting = 0, last = 0;
    int fd, rc, nseen = 0, status = 0;

    ss_start(&lesson, &opt, argc, argv);

    /* Steps 1 and 2 are lessons 01 and 02: socket and bind. */
    ss_next("socket(AF_INET, SOCK_STREAM, 0)");
    fd = socket(AF_INET, SOCK_STREAM, 0);
    ss_ret(fd);
    if (fd == -1)
        return 1;

    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr = opt.host;
    addr.sin_port = htons(opt.port);
    ss_next("bind(%d, %s, %u)", fd, ss_addr(&addr).s, (unsigned)sizeof addr);
    rc = bind(fd, (struct sockaddr *)&addr, sizeof addr);
    ss_ret(rc);
    if (rc == -1)
        goto fail;
    ss_kernel(fd);

    /* region: listen */
    ss_next("listen(%d, 5)", fd);
    rc = listen(fd, 5);
    ss_ret(rc);
    if (rc == -1)
        goto fail;
    ss_say("fd %d is now a listening socket: the kernel answers clients' "
           "connection requests itself, and it never sends or receives "
           "data",
           fd);
    ss_say("5 is the backlog: how many finished connections may wait for "
           "accept(). Linux lets one more wait (6 here); when the queue is "
           "full it ignores new clients' SYNs, and their connect() keeps "
           "retrying until there is room or it times out.");

    len = sizeof addr;
    ss_next("getsockname(%d, &addr, &len)", fd);
    rc = getsockname(fd, (struct sockaddr *)&addr, &len);
    ss_ret_as(rc, "getsockname(%d, %s, %u)", fd, ss_addr(&addr).s,
              (unsigned)len);
    if (rc == -1)
        goto fail;
    ss_kernel(fd);
    printf("listening on %s\n", ss_addr(&addr).s);
    /* endregion: listen */

    /* region: watch */
    ss_title("waiting, without accept()");
    ss_say("connect to %s now. Each client's handshake completes and "
           "its connect() returns, yet this program calls nothing: the "
           "connection waits in the backlog, ESTABLISHED, until someone "
           "calls accept().",
           ss_addr(&addr).s);
    if (opt.count > 0)
        ss_say("watching /proc/net/tcp until %ld connection%s wait (at "
               "most %d s)",
               opt.count, opt.count == 1 ? "" : "s", opt.timeout);
    else
        ss_say("watching /proc/net/tcp for %d s", opt.timeout);

    /* The kernel names a socket by its inode: find ours in /proc. */
    if (fstat(fd, &st) == -1 ||
        ss_kernel_port("tcp", ntohs(addr.sin_port), 1) < 0) {
        ss_say("this system has no /proc/net/tcp, so the queue cannot be "
               "seen from here; waiting %d s anyway",
               opt.timeout);
        st.st_ino = 0;
        waiting = -1; /* not known */
    }

    clock_gettime(CLOCK_MONOTONIC, &start);
    pause.tv_sec = 0;
    pause.tv_nsec = 100000000L; /* look ten times a second */
    for (;;) {
        if (st.st_ino != 0) {
            waiting = look((unsigned long)st.st_ino, ntohs(addr.sin_port), seen,
                           &nseen);
            if (waiting != last)
                ss_say("%ld connection%s waiting for accept() (the Recv-Q "
                       "of the LISTEN socket)",
                       waiting, waiting == 1 ? "" : "s");
            last = waiting;
            if (opt.count > 0 && waiting >= opt.count)
                break;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - start.tv_sec + (now.tv_nsec - start.tv_nsec) / 1e9 >=
            opt.timeout) {
            if (opt.count > 0) {
                char what[96];
                snprintf(what, sizeof what,
                         "only %ld of %ld connection%s arrived", waiting,
                         opt.count, opt.count == 1 ? "" : "s");
                ss_timed_out(what, opt.timeout);
                status = 1;
            }
            break;
        }
        nanosleep(&pause, NULL); /* a signal may cut it short: fine */
    }
    /* endregion: watch */

    if (waiting >= 0)
        ss_title("done: %ld connection%s waiting, none accept()ed", waiting,
                 waiting == 1 ? "" : "s");
    ss_kernel(fd);

    /* region: close */
    ss_next("close(%d)", fd);
    ss_ret(close(fd));
    if (waiting != 0)
        ss_say("the listening socket is gone, and with it its queue: the "
               "kernel resets (RST) each connection that was still "
               "waiting, so those clients' next recv() fails with "
               "ECONNRESET");
    else
        ss_say("the listening socket is gone: new clients are now "
               "refused");
    /* endregion: close */
    return status;

fail:
    ss_next("close(%d)", fd);
    ss_ret(close(fd));
    return 1;
}
