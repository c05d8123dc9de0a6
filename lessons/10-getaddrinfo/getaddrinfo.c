/*
 * Lesson 10: getaddrinfo()
 *
 * getaddrinfo() turns --host and --port (a name or an address, IPv4 or
 * IPv6) into a list of addresses ready for socket() and connect(). The
 * client tries each in turn until one connects, then reads as lesson 05 does.
 * sockstep.h narrates each socket call; -DSOCKSTEP_PLAIN leaves that out.
 *
 * Build: make 10-getaddrinfo
 *        (or: cc lessons/10-getaddrinfo/getaddrinfo.c -o getaddrinfo)
 * Run:   build/04-accept, then in a second terminal build/10-getaddrinfo
 *        (IPv6: build/11-dual-stack-server; build/10-getaddrinfo --host ::1)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "../common/sockstep.h"

static const struct ss_lesson lesson = {
    .name = "10-getaddrinfo",
    .summary = "a client: look up --host, try each address until one "
               "connects, read what the server sends",
    .example = "  build/04-accept\n"
               "  then in a second terminal: build/10-getaddrinfo",
    .options = SS_OPT_NET | SS_OPT_NAMES | SS_OPT_CLIENT,
    .port = 8888,
    .host = "localhost",
    .timeout_help = "seconds each connect() and each recv() may wait",
};

/* What is left of timeout seconds since start, in *left; 0 if nothing is
   (lesson 05's). A timeout of 0 s in SO_SNDTIMEO would mean: for ever. */
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
    struct addrinfo hints, *list, *ai;
    struct timeval wait, left;
    struct timespec start;
    char buf[4096];
    ssize_t got;
    int fd = -1, rc, status = 0;

    ss_start(&lesson, &opt, argc, argv);

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;     /* IPv4 or IPv6, whichever it has */
    hints.ai_socktype = SOCK_STREAM; /* addresses for TCP */
    hints.ai_flags = AI_ADDRCONFIG;  /* only families this machine uses */
    rc = getaddrinfo(opt.host_text, opt.port_text, &hints, &list);
    if (rc != 0) {
        /* getaddrinfo() does not set errno: gai_strerror() says why. */
        fprintf(stderr, "getaddrinfo: %s\n", gai_strerror(rc));
        return 1;
    }
    say("AI_ADDRCONFIG: glibc leaves out IPv6 addresses unless this "
        "machine has an IPv6 address other than ::1, and IPv4 ones unless "
        "it has one other than 127.0.0.1; a machine with only those two "
        "gets every address, none left out");

    wait.tv_sec = opt.timeout;
    wait.tv_usec = 0;
    for (ai = list; ai != NULL; ai = ai->ai_next) {
        heading("trying %s", ss_addr_len(ai->ai_addr, ai->ai_addrlen).s);
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd == -1) {
            perror("socket");
            continue;
        }
        /* On Linux the send timeout bounds connect() too (lesson 05). */
        if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof wait) == -1) {
            perror("setsockopt");
            goto next;
        }
        if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait) == -1) {
            perror("setsockopt");
            goto next;
        }
        if (clock_gettime(CLOCK_MONOTONIC, &start) == -1) {
            perror("clock_gettime");
            goto next;
        }
        for (;;) {
            rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
            if (rc == 0 || errno != EINTR)
                break;
            /* A signal ended the wait, not the handshake: connect() again
               waits for it, for what is left of --timeout (lesson 05). */
            if (!time_left(&start, opt.timeout, &left))
                break;
            rc = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &left, sizeof left);
            if (rc == -1) {
                perror("setsockopt");
                goto next;
            }
        }
        if (rc == 0)
            break;
        if (errno == EINPROGRESS || errno == EALREADY || errno == EINTR)
            printf("no answer within --timeout %d s\n", opt.timeout);
        else
            perror("connect");
        if (ai->ai_next != NULL) {
            say("one address failing says nothing about the others: the "
                "server may listen on only one of them, so on to the next");
        }
    next:
        close(fd);
        fd = -1;
    }
    if (ai == NULL) {
        printf("could not connect to %s port %s\n", opt.host_text,
               opt.port_text);
        freeaddrinfo(list);
        return 1;
    }
    /* ai points into the list: use it before freeaddrinfo(), not after. */
    printf("connected to %s\n", ss_addr_len(ai->ai_addr, ai->ai_addrlen).s);
    freeaddrinfo(list);

    heading("reading what the server sends");
    for (;;) {
        got = recv(fd, buf, sizeof buf, 0);
        if (got == -1 && errno == EINTR)
            continue;
        if (got == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            printf("the server neither sent nor closed within --timeout "
                   "%d s\n",
                   opt.timeout);
            status = 1;
            break;
        }
        if (got == -1) {
            perror("recv");
            status = 1;
            break;
        }
        if (got == 0)
            break; /* the server closed the connection */
        ss_put_data(stdout, buf, (size_t)got);
        putchar('\n');
    }
    if (close(fd) == -1) {
        perror("close");
        return 1;
    }
    return status;
}
