/* poll-chat.c: a chat server in one process. poll() waits on the
 * listening socket and on every client at once; what one client sends
 * goes to all the others. Build: cc -Wall -o poll-chat poll-chat.c */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_FDS 64 /* the listening socket and up to 63 clients */

static void fail(const char *call)
{
    perror(call); /* the call's name, then errno's message */
    exit(1);
}

int main(int argc, char *argv[])
{
    struct sockaddr_in addr = {.sin_family = AF_INET};
    struct pollfd fds[MAX_FDS];
    socklen_t len = sizeof addr;
    char buf[512], *end = "";
    long port = argc == 3 ? strtol(argv[2], &end, 10) : -1;
    ssize_t n;
    int nfds = 1, i, j, conn, one = 1;

    if (port < 0 || port > 65535 || *end != '\0' || end == argv[2] ||
        inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
        fprintf(stderr, "usage: %s IPV4-ADDRESS PORT\n", argv[0]);
        return 2;
    }
    addr.sin_port = htons((unsigned short)port);
    if ((fds[0].fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
        fail("socket");
    if (setsockopt(fds[0].fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1)
        fail("setsockopt");
    if (bind(fds[0].fd, (struct sockaddr *)&addr, sizeof addr) == -1)
        fail("bind");
    if (listen(fds[0].fd, 5) == -1)
        fail("listen");
    if (getsockname(fds[0].fd, (struct sockaddr *)&addr, &len) == -1)
        fail("getsockname");
    printf("listening on %s:%d\n", argv[1], ntohs(addr.sin_port));
    fflush(stdout);
    fds[0].events = POLLIN; /* a client waits to be accepted */
    for (;;) {
        if (poll(fds, (nfds_t)nfds, -1) == -1) { /* -1: no time limit */
            if (errno == EINTR)
                continue; /* a signal came first: wait again */
            fail("poll");
        }
        if (fds[0].revents & POLLIN) {
            if ((conn = accept(fds[0].fd, NULL, NULL)) == -1) {
                /* EINTR, ECONNABORTED: again. Out of descriptors: say so,
                   and stop watching for new clients (events 0) until one
                   leaves; they wait in the kernel's queue meanwhile. */
                if (errno == EMFILE || errno == ENFILE) {
                    perror("accept");
                    fds[0].events = 0;
                } else if (errno != EINTR && errno != ECONNABORTED) {
                    fail("accept");
                }
            } else if (nfds == MAX_FDS) {
                close(conn); /* full: this client is turned away */
            } else {
                fds[nfds].fd = conn;
                fds[nfds].events = POLLIN;
                fds[nfds].revents = 0;
                nfds++;
                printf("fd %d joined\n", conn);
                fflush(stdout);
            }
        }
        for (i = 1; i < nfds; i++) {
            if (fds[i].revents == 0)
                continue; /* nothing from this client */
            n = recv(fds[i].fd, buf, sizeof buf, 0);
            if (n <= 0) { /* it closed (0) or failed (-1): forget it */
                printf("fd %d left\n", fds[i].fd);
                fflush(stdout);
                close(fds[i].fd);
                fds[0].events = POLLIN; /* a descriptor is free again */
                fds[i] = fds[nfds - 1]; /* the last takes its place */
                nfds--;
                i--; /* and is looked at next */
                continue;
            }
            /* MSG_DONTWAIT: never wait for a client that does not read.
               One that cannot take it all is cut off with shutdown().
               On Linux, recv() here returns its queued bytes, then 0 or -1. */
            for (j = 1; j < nfds; j++)
                if (j != i && send(fds[j].fd, buf, (size_t)n,
                                   MSG_NOSIGNAL | MSG_DONTWAIT) != n)
                    shutdown(fds[j].fd, SHUT_RDWR);
        }
    }
}
