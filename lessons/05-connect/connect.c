/*
 * Lesson 05: connect()
 *
 * A client: the handshake inside connect(), a port the kernel chooses.
 * sockstep.h narrates each socket call; -DSOCKSTEP_PLAIN leaves that out.
 *
 * Build: make 05-connect  (or: cc lessons/05-connect/connect.c -o 05-connect)
 * Run:   build/04-accept, then in a second terminal build/05-connect
 *        (or any server: nc -l 127.0.0.1 8888)
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

static const struct ss_lesson lesson = {
    .name = "05-connect",
    .summary = "a client: connect to a server, read what it sends, close",
    .example = "  build/04-accept\n"
               "  then in a second terminal: build/05-connect",
    .options = SS_OPT_NET | SS_OPT_CLIENT,
    .port = 8888,
    .timeout_help = "seconds connect() and each recv() wait for the server",
};

/*
 * What is left of timeout seconds since start, in *left; 0 if nothing is.
 * (A timeout of 0 s in SO_SNDTIMEO would mean: wait for ever.)
 */
static int time_left(const struct timespec *start, int timeout,
                     struct timeval *left)
{
    struct timespec now;
    long long us;

    if (clock_gettime(CLOCK_MONOTONIC, &now) == -1)
        return 0;
    us = (long long)timeout * 1000000 -
         ((long long)(now.tv_sec - start->tv_sec) * 1000000 +
          (now.tv_nsec - start->tv_nsec) / 1000);
    if (us <= 0)
        return 0;
    left->tv_sec = us / 1000000;
    left->tv_usec = us % 1000000;
    return 1;
}

int main(int argc, char **argv)
{
    struct ss_options opt;
    struct sockaddr_in server, local;
    socklen_t len;
    struct timeval wait;
    struct timespec start;
    char buf[4096];
    ssize_t got;
    long total = 0;
    int fd, rc;

    ss_start(&lesson, &opt, argc, argv);

    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd == -1) {
        perror("socket");
        return 1;
    }
    /* The limits first: connect() and recv() may both wait. On Linux the
       send timeout limits connect() too. */
    wait.tv_sec = opt.timeout;
    wait.tv_usec = 0;
    if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof wait) == -1) {
        perror("setsockopt");
        goto fail;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait) == -1) {
        perror("setsockopt");
        goto fail;
    }

    memset(&server, 0, sizeof server);
    server.sin_family = AF_INET;
    server.sin_addr = opt.host;
    server.sin_port = htons(opt.port);
    heading("connecting to %s", ss_addr(&server).s);
    if (clock_gettime(CLOCK_MONOTONIC, &start) == -1) {
        perror("clock_gettime");
        goto fail;
    }
    for (;;) {
        rc = connect(fd, (struct sockaddr *)&server, sizeof server);
        if (rc == 0 || errno != EINTR)
            break;
        /* A signal (Ctrl-Z, then fg) ended the wait, not the handshake.
           On Linux connect() again waits for it (lesson 14 shows the
           portable way), but only for what is left of --timeout. */
        if (!time_left(&start, opt.timeout, &wait))
            break;
        if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof wait) == -1) {
            perror("setsockopt");
            goto fail;
        }
    }
    /* EINPROGRESS: SO_SNDTIMEO ran out; EALREADY: it ran out in a call
       made again after EINTR; EINTR: no time was left to make one. */
    if (rc == -1 &&
        (errno == EINPROGRESS || errno == EALREADY || errno == EINTR)) {
        printf("the server did not answer within --timeout %d s "
               "(raise it with --timeout)\n",
               opt.timeout);
        goto fail;
    }
    if (rc == -1 && errno == ECONNREFUSED) {
        say("a refusal is an answer: connect() returned as soon as the "
            "RST came, without waiting for --timeout. Only silence (a "
            "full queue, a firewall that drops the SYN) makes it wait");
    }
    if (rc == -1) {
        perror("connect");
        goto fail;
    }
    len = sizeof local;
    if (getsockname(fd, (struct sockaddr *)&local, &len) == -1) {
        perror("getsockname");
        goto fail;
    }
    printf("connected to %s from %s\n", ss_addr(&server).s, ss_addr(&local).s);
    say("we never called bind(): connect() bound the socket to port %u, "
        "which Linux takes from /proc/sys/net/ipv4/ip_local_port_range",
        (unsigned)ntohs(local.sin_port));

    heading("reading what the server sends");
    say("each piece is printed escaped: \\n is a newline the server sent, "
        "\\xNN a byte that is not text, so none can act on this terminal");
    for (;;) {
        got = recv(fd, buf, sizeof buf, 0);
        if (got == -1 && errno == EINTR)
            continue; /* a signal (Ctrl-Z, then fg): wait again */
        if (got == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            printf("the server sent nothing more and did not close within "
                   "--timeout %d s\n",
                   opt.timeout);
            goto fail;
        }
        if (got == -1) {
            perror("recv");
            goto fail;
        }
        if (got == 0)
            break;
        total += got;
        ss_put_data(stdout, buf, (size_t)got);
        putchar('\n');
    }
    printf("the server closed the connection: %ld byte%s in all\n", total,
           total == 1 ? "" : "s");

    if (close(fd) == -1) {
        perror("close");
        return 1;
    }
    return 0;

fail:
    close(fd);
    return 1;
}
