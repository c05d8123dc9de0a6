/*
 * Lesson 14: a non-blocking connect()
 *
 * On an O_NONBLOCK socket no call waits. connect() fails with EINPROGRESS;
 * poll() waits, as long as you choose, until the socket is writable; then
 * getsockopt(SO_ERROR) says how the handshake ended. This bounds connect()
 * on every system, unlike lesson 05's SO_SNDTIMEO. Reading waits in poll() too.
 * sockstep.h narrates each socket call; -DSOCKSTEP_PLAIN leaves that out.
 *
 * Build: make 14-nonblocking-connect
 *        (or: cc lessons/14-nonblocking/connect.c -o connect)
 * Run:   build/04-accept, then this client in a second terminal
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../common/sockstep.h"

static const struct ss_lesson lesson = {
    .name = "14-nonblocking-connect",
    .summary = "a client: connect without blocking, wait in poll() with a "
               "timeout, read what the server sends",
    .example = "  build/04-accept\n"
               "  then in a second terminal: build/14-nonblocking-connect",
    .options = SS_OPT_NET | SS_OPT_NAMES | SS_OPT_CLIENT,
    .port = 8888,
    .host = "localhost",
    .timeout_help = "seconds poll() waits for the handshake, and then for "
                    "each piece of data",
};

/* Connect to one address within ms milliseconds: returns the socket,
   connected and non-blocking, or -1 (the socket closed again). */
static int connect_within(const struct addrinfo *ai, int ms)
{
    struct pollfd p;
    socklen_t len;
    int fd, flags, rc, err;

    fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd == -1) {
        perror("socket");
        return -1;
    }
    flags = fcntl(fd, F_GETFL);
    if (flags == -1) {
        perror("fcntl");
        goto fail;
    }
    if (fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1) {
        perror("fcntl");
        goto fail;
    }
    rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc == 0)
        return fd; /* done at once: allowed, though rare */
    if (errno != EINPROGRESS) {
        perror("connect");
        goto fail;
    }
    p.fd = fd;
    p.events = POLLOUT;
    do
        rc = poll(&p, 1, ms);
    while (rc == -1 && errno == EINTR);
    if (rc == -1) {
        perror("poll");
        goto fail;
    }
    if (rc == 0) {
        printf("no answer within --timeout %d s\n", ms / 1000);
        goto fail;
    }
    len = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1) {
        perror("getsockopt");
        goto fail;
    }
    if (err != 0) {
        /* How the handshake failed: what connect() would have said. */
        fprintf(stderr, "connect: %s\n", strerror(err));
        goto fail;
    }
    return fd;

fail:
    close(fd);
    return -1;
}

int main(int argc, char **argv)
{
    struct ss_options opt;
    struct addrinfo hints, *list, *ai;
    struct pollfd p;
    char buf[4096];
    int fd = -1, rc, status = 0;

    ss_start(&lesson, &opt, argc, argv);

    /* As in lesson 10: every address --host has, tried in turn. */
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG;
    rc = getaddrinfo(opt.host_text, opt.port_text, &hints, &list);
    if (rc != 0) {
        fprintf(stderr, "getaddrinfo: %s\n", gai_strerror(rc));
        return 1;
    }
    for (ai = list; ai != NULL; ai = ai->ai_next) {
        heading("trying %s", ss_addr_len(ai->ai_addr, ai->ai_addrlen).s);
        fd = connect_within(ai, opt.timeout * 1000);
        if (fd != -1)
            break;
    }
    if (fd == -1) {
        printf("could not connect to %s port %s\n", opt.host_text,
               opt.port_text);
        freeaddrinfo(list);
        return 1;
    }
    printf("connected to %s\n", ss_addr_len(ai->ai_addr, ai->ai_addrlen).s);
    freeaddrinfo(list);

    heading("reading what the server sends");
    p.fd = fd;
    p.events = POLLIN;
    for (;;) {
        ssize_t got;

        got = recv(fd, buf, sizeof buf, 0);
        if (got > 0) {
            ss_put_data(stdout, buf, (size_t)got);
            putchar('\n');
            continue;
        }
        if (got == 0)
            break; /* the server closed the connection */
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            perror("recv");
            status = 1;
            break;
        }
        say("nothing to read yet, and recv() on a non-blocking socket does "
            "not wait: poll() waits, until there is");
        rc = poll(&p, 1, opt.timeout * 1000);
        if (rc == -1 && errno == EINTR)
            continue;
        if (rc == -1) {
            perror("poll");
            status = 1;
            break;
        }
        if (rc == 0) {
            printf("the server neither sent nor closed within --timeout "
                   "%d s\n",
                   opt.timeout);
            status = 1;
            break;
        }
    }
    if (close(fd) == -1) {
        perror("close");
        return 1;
    }
    return status;
}
