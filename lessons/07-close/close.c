/*
 * Lesson 07: shutdown() and close()
 *
 * Half-close, FIN or RST, TIME_WAIT and SO_REUSEADDR.
 * sockstep.h narrates each socket call; -DSOCKSTEP_PLAIN leaves that out.
 *
 * Build: make 07-close  (or: cc lessons/07-close/close.c -o 07-close)
 * Run:   build/07-close  (it plays both ends of three connections); with
 *        --pause 10 it stops at each stage: watch with ss -tan | grep 8888
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "../common/sockstep.h"

static long pause_s; /* --pause */

static const struct ss_lesson lesson = {
    .name = "07-close",
    .summary = "shutdown and close: half-close, TIME_WAIT, SO_REUSEADDR",
    .example = "  build/07-close --pause 10\n"
               "  and in a second terminal: ss -tan | grep 8888",
    .options = SS_OPT_NET,
    .port = 8888,
    .timeout_help = "seconds each accept() and recv() may wait",
    .extra = {{.name = "--pause",
               .arg = "S",
               .lo = 0,
               .hi = 3600,
               .help = "stop S seconds at each stage, to watch with ss -tan",
               .num = &pause_s}},
};

/* --pause S: time to look at the connections from another terminal. */
static void pause_here(int seconds)
{
    struct timespec left = {0, 0};

    left.tv_sec = seconds;
    if (seconds > 0) {
        say("--pause: %d s to look with ss -tan in another terminal", seconds);
    }
    while (nanosleep(&left, &left) == -1 && errno == EINTR)
        ;
}

/*
 * Lessons 04 and 05 in one process: a new client socket connects to the
 * listening socket lfd, and the server accepts it. *cfd is the client's
 * end, *sfd the server's. Another program that connects to the port in
 * the meantime is told apart by its address, and closed.
 */
static int connect_to_self(int lfd, const struct sockaddr_in *addr,
                           const struct timeval *wait, int *cfd, int *sfd)
{
    struct sockaddr_in mine, peer;
    socklen_t len;

    *sfd = -1;
    *cfd = socket(AF_INET, SOCK_STREAM, 0);
    if (*cfd == -1) {
        perror("socket");
        return -1;
    }
    /* The client's recv() waits at most --timeout seconds too. */
    if (setsockopt(*cfd, SOL_SOCKET, SO_RCVTIMEO, wait, sizeof *wait) == -1) {
        perror("setsockopt");
        return -1;
    }
    if (connect(*cfd, (const struct sockaddr *)addr, sizeof *addr) == -1) {
        perror("connect");
        return -1;
    }
    len = sizeof mine;
    if (getsockname(*cfd, (struct sockaddr *)&mine, &len) == -1) {
        perror("getsockname");
        return -1;
    }
    for (;;) {
        len = sizeof peer;
        *sfd = accept(lfd, (struct sockaddr *)&peer, &len);
        if (*sfd == -1 && errno == EINTR)
            continue;
        if (*sfd == -1) {
            perror("accept");
            return -1;
        }
        if (peer.sin_port == mine.sin_port &&
            peer.sin_addr.s_addr == mine.sin_addr.s_addr)
            return 0;
        printf("a stranger connected from %s: closing it\n", ss_addr(&peer).s);
        if (close(*sfd) == -1)
            perror("close");
    }
}

int main(int argc, char **argv)
{
    struct ss_options opt;
    struct sockaddr_in addr;
    struct timeval wait;
    socklen_t len;
    char buf[64];
    ssize_t n;
    unsigned port;
    int lfd, cfd = -1, sfd = -1, dfd, one = 1;

    ss_start(&lesson, &opt, argc, argv);

    heading("the server: socket, bind, listen (lessons 01 to 03)");
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    if (lfd == -1) {
        perror("socket");
        return 1;
    }
    /* The last stage shows what this is for. */
    if (setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1) {
        perror("setsockopt");
        goto fail;
    }
    /* accept() waits at most --timeout seconds, and so does recv() on
       each accepted socket: it inherits the option. */
    wait.tv_sec = opt.timeout;
    wait.tv_usec = 0;
    if (setsockopt(lfd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait) == -1) {
        perror("setsockopt");
        goto fail;
    }
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr = opt.host;
    addr.sin_port = htons(opt.port);
    if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) == -1) {
        perror("bind");
        goto fail;
    }
    if (listen(lfd, SOMAXCONN) == -1) {
        perror("listen");
        goto fail;
    }
    len = sizeof addr;
    if (getsockname(lfd, (struct sockaddr *)&addr, &len) == -1) {
        perror("getsockname");
        goto fail;
    }
    port = ntohs(addr.sin_port);
    printf("listening on %s\n", ss_addr(&addr).s);
    pause_here((int)pause_s);

    heading("connection 1: the client closes first");
    if (connect_to_self(lfd, &addr, &wait, &cfd, &sfd) == -1)
        goto fail;
    if (send(cfd, "hello\n", sizeof "hello\n" - 1, MSG_NOSIGNAL) == -1) {
        perror("send");
        goto fail;
    }
    /* "That was my whole request": the client sends its FIN. */
    if (shutdown(cfd, SHUT_WR) == -1) {
        perror("shutdown");
        goto fail;
    }
    say("FIN_WAIT1 lasts until the server's kernel acknowledges the FIN; "
        "then the client's end is in FIN_WAIT2, waiting for the server's");
    pause_here((int)pause_s);
    /* The server reads the request up to its end: recv() returns 0. */
    do
        n = recv(sfd, buf, sizeof buf, 0);
    while (n > 0 || (n == -1 && errno == EINTR));
    if (n == -1) {
        perror("recv");
        goto fail;
    }
    say("CLOSE_WAIT: the client's FIN has arrived, and the server's end "
        "stays in CLOSE_WAIT until its program calls close()");
    if (send(sfd, "bye\n", sizeof "bye\n" - 1, MSG_NOSIGNAL) == -1) {
        perror("send");
        goto fail;
    }
    if (recv(cfd, buf, sizeof buf, 0) == -1) {
        perror("recv");
        goto fail;
    }
    say("half-closed, the client still receives: the server's answer came "
        "after the server's recv() returned 0");
    if (close(cfd) == -1)
        perror("close");
    cfd = -1;
    if (close(sfd) == -1)
        perror("close");
    sfd = -1;
    say("the client's FIN went first, so its end keeps the TIME_WAIT: it "
        "holds the client's port, not the server's port %u",
        port);

    heading("connection 2: the server closes first");
    if (connect_to_self(lfd, &addr, &wait, &cfd, &sfd) == -1)
        goto fail;
    /* A second descriptor for the server's end, as fork() would make. */
    dfd = dup(sfd);
    if (dfd == -1) {
        perror("dup");
        goto fail;
    }
    if (close(sfd) == -1)
        perror("close");
    sfd = dfd;            /* the server's end has this one descriptor left */
    if (close(sfd) == -1) /* the last: now the FIN goes */
        perror("close");
    sfd = -1;
    pause_here((int)pause_s);
    if (recv(cfd, buf, sizeof buf, 0) == -1) {
        perror("recv");
        goto fail;
    }
    if (close(cfd) == -1)
        perror("close");
    cfd = -1;
    say("the server's FIN went first: now a TIME_WAIT, owned by no "
        "program, holds the server's port %u for 60 s",
        port);

    heading("connection 3: the server closes with data left unread");
    if (connect_to_self(lfd, &addr, &wait, &cfd, &sfd) == -1)
        goto fail;
    if (send(cfd, "hello\nworld\n", sizeof "hello\nworld\n" - 1,
             MSG_NOSIGNAL) == -1) {
        perror("send");
        goto fail;
    }
    /* The server reads the first line only, and hangs up. */
    if (recv(sfd, buf, sizeof "hello\n" - 1, 0) == -1) {
        perror("recv");
        goto fail;
    }
    if (close(sfd) == -1)
        perror("close");
    sfd = -1;
    ss_expect_error(ECONNRESET);
    if (recv(cfd, buf, sizeof buf, 0) == -1)
        perror("recv"); /* the server's RST: ECONNRESET */
    if (close(cfd) == -1)
        perror("close");
    cfd = -1;

    heading("the server stops, and starts again on port %u", port);
    if (close(lfd) == -1)
        perror("close");
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    if (lfd == -1) {
        perror("socket");
        return 1;
    }
    ss_expect_error(EADDRINUSE);
    if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) == -1) {
        perror("bind"); /* connection 2's TIME_WAIT holds the port */
        if (setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1) {
            perror("setsockopt");
            goto fail;
        }
        if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) == -1) {
            perror("bind");
            goto fail;
        }
        say("with SO_REUSEADDR the same bind() succeeds. On Linux the "
            "socket in TIME_WAIT needs it too, and has it: it was accepted "
            "from a listening socket that had it. So a server sets it "
            "before every bind(), its first start included");
    }
    if (close(lfd) == -1) {
        perror("close");
        return 1;
    }
    return 0;

fail:
    if (sfd != -1)
        close(sfd);
    if (cfd != -1)
        close(cfd);
    close(lfd);
    return 1;
}
