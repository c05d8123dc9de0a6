/* select-chat.c: poll-chat.c's chat server, with select(). Each time
 * round it fills a set with the descriptors to watch; select() leaves in
 * it those that are ready. Build: cc -Wall -o select-chat select-chat.c */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/select.h>
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
    int clients[FD_SETSIZE]; /* FD_SETSIZE: 1024 with glibc */
    fd_set ready;
    socklen_t len = sizeof addr;
    char buf[512], *end = "";
    long port = argc == 3 ? strtol(argv[2], &end, 10) : -1;
    ssize_t n;
    int fd, nclients = 0, maxfd, i, j, conn, full = 0, one = 1;

    if (port < 0 || port > 65535 || *end != '\0' || end == argv[2] ||
        inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
        fprintf(stderr, "usage: %s IPV4-ADDRESS PORT\n", argv[0]);
        return 2;
    }
    addr.sin_port = htons((unsigned short)port);
    if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
        fail("socket");
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1)
        fail("setsockopt");
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == -1)
        fail("bind");
    if (listen(fd, 5) == -1)
        fail("listen");
    if (getsockname(fd, (struct sockaddr *)&addr, &len) == -1)
        fail("getsockname");
    printf("listening on %s:%d\n", argv[1], ntohs(addr.sin_port));
    fflush(stdout);
    for (;;) {
        FD_ZERO(&ready); /* select() changed the set: fill it again */
        if (!full)
            FD_SET(fd, &ready); /* full: new clients wait in the queue */
        maxfd = fd;
        for (i = 0; i < nclients; i++) {
            FD_SET(clients[i], &ready);
            if (clients[i] > maxfd)
                maxfd = clients[i];
        }
        /* maxfd + 1: how many descriptors to look at, from 0 up; the
         * last NULL: no time limit */
        if (select(maxfd + 1, &ready, NULL, NULL, NULL) == -1) {
            if (errno == EINTR)
                continue; /* a signal came first: wait again */
            fail("select");
        }
        if (FD_ISSET(fd, &ready)) {
            if ((conn = accept(fd, NULL, NULL)) == -1) {
                /* EINTR, ECONNABORTED: again. Out of descriptors: say so,
                   and leave fd out of the set until a client leaves. */
                if (errno == EMFILE || errno == ENFILE) {
                    perror("accept");
                    full = 1;
                } else if (errno != EINTR && errno != ECONNABORTED) {
                    fail("accept");
                }
            } else if (conn >= FD_SETSIZE) { /* FD_SET() would write past */
                printf("fd %d turned away: too high for select()\n", conn);
                close(conn);
            } else {
                clients[nclients++] = conn;
                printf("fd %d joined\n", conn);
            }
            fflush(stdout);
        }
        for (i = 0; i < nclients; i++) {
            if (!FD_ISSET(clients[i], &ready))
                continue; /* nothing from this client */
            n = recv(clients[i], buf, sizeof buf, 0);
            if (n <= 0) { /* it closed (0) or failed (-1): forget it */
                printf("fd %d left\n", clients[i]);
                fflush(stdout);
                close(clients[i]);
                full = 0; /* a descriptor is free again */
                clients[i] = clients[nclients - 1]; /* the last moves here */
                nclients--;
                i--; /* and is looked at next */
                continue;
            }
            /* As in poll-chat.c: a client that cannot take it all now
               is cut off, never waited for. */
            for (j = 0; j < nclients; j++)
                if (j != i && send(clients[j], buf, (size_t)n,
                                   MSG_NOSIGNAL | MSG_DONTWAIT) != n)
                    shutdown(clients[j], SHUT_RDWR);
        }
    }
}
