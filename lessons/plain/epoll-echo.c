/* epoll-echo.c: a TCP echo server in one process. One epoll instance
 * watches the listening socket and every client. Linux only: epoll is
 * Linux's own. Build: cc -Wall -o epoll-echo epoll-echo.c */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static void fail(const char *call)
{
    perror(call); /* the call's name, then errno's message */
    exit(1);
}

int main(int argc, char *argv[])
{
    struct sockaddr_in addr = {.sin_family = AF_INET};
    struct epoll_event ev = {.events = EPOLLIN}, events[64];
    struct rlimit lim;
    socklen_t len = sizeof addr;
    char buf[512], *end = "";
    long port = argc == 3 ? strtol(argv[2], &end, 10) : -1;
    ssize_t n;
    int fd, ep, ready, i, conn, full = 0, one = 1;

    if (port < 0 || port > 65535 || *end != '\0' || end == argv[2] ||
        inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
        fprintf(stderr, "usage: %s IPV4-ADDRESS PORT\n", argv[0]);
        return 2;
    }
    addr.sin_port = htons((unsigned short)port);
    if (getrlimit(RLIMIT_NOFILE, &lim) == -1)
        fail("getrlimit");
    lim.rlim_cur = lim.rlim_max; /* as many descriptors as allowed */
    if (setrlimit(RLIMIT_NOFILE, &lim) == -1)
        fail("setrlimit");
    if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
        fail("socket");
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1)
        fail("setsockopt");
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == -1)
        fail("bind");
    if (listen(fd, SOMAXCONN) == -1)
        fail("listen");
    if (getsockname(fd, (struct sockaddr *)&addr, &len) == -1)
        fail("getsockname");
    printf("listening on %s:%d\n", argv[1], ntohs(addr.sin_port));
    fflush(stdout);
    if ((ep = epoll_create1(0)) == -1)
        fail("epoll_create1");
    ev.data.fd = fd; /* level-triggered: reported while it is ready */
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == -1)
        fail("epoll_ctl");
    for (;;) {
        ready = epoll_wait(ep, events, 64, -1); /* -1: no time limit */
        if (ready == -1 && errno != EINTR)      /* EINTR: call it again */
            fail("epoll_wait");
        for (i = 0; i < ready; i++) {
            if ((conn = events[i].data.fd) == fd) { /* a client to accept */
                if ((conn = accept(fd, NULL, NULL)) == -1) {
                    /* EINTR, ECONNABORTED: again. Out of descriptors: say
                       so, and stop watching fd until a client leaves. */
                    if (errno == EMFILE || errno == ENFILE) {
                        perror("accept");
                        if (epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL) == -1)
                            fail("epoll_ctl");
                        full = 1;
                    } else if (errno != EINTR && errno != ECONNABORTED) {
                        fail("accept");
                    }
                    continue;
                }
                ev.data.fd = conn; /* EPOLLIN: something to read */
                if (epoll_ctl(ep, EPOLL_CTL_ADD, conn, &ev) == -1)
                    fail("epoll_ctl");
                continue;
            }
            n = recv(conn, buf, sizeof buf, 0); /* 0: closed, -1: failed */
            /* MSG_DONTWAIT: never wait for a client that does not read */
            if (n > 0 &&
                send(conn, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) == n)
                continue;
            if (epoll_ctl(ep, EPOLL_CTL_DEL, conn, NULL) == -1)
                fail("epoll_ctl");
            close(conn); /* it ended, or its echo did not fit */
            if (full) {
                ev.data.fd = fd; /* a descriptor is free: watch fd again */
                if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == -1)
                    fail("epoll_ctl");
                full = 0;
            }
        }
    }
}
