/*
 * A solution to assignment 1 (Part I): an iterative TCP echo server.
 * Kept out of the handout; tests/assignments.bats checks it with
 * scripts/check. Usage: echo-server PORT
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* Send all n bytes, or return -1. */
static int send_all(int fd, const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t sent = send(fd, buf, n, MSG_NOSIGNAL);
        if (sent == -1 && errno == EINTR)
            continue;
        if (sent == -1)
            return -1;
        buf += sent;
        n -= (size_t)sent;
    }
    return 0;
}

static void serve(int conn)
{
    char buf[4096];
    ssize_t got;

    for (;;) {
        got = recv(conn, buf, sizeof buf, 0);
        if (got == -1 && errno == EINTR)
            continue;
        if (got <= 0) /* 0: the client closed; -1: reset or timeout */
            return;
        if (send_all(conn, buf, (size_t)got) == -1)
            return;
    }
}

int main(int argc, char **argv)
{
    struct sockaddr_in addr;
    struct timeval wait = {5, 0};
    int fd, conn, one = 1;

    if (argc != 2) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd == -1) {
        perror("socket");
        return 1;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1)
        perror("setsockopt");
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)atoi(argv[1]));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == -1 ||
        listen(fd, 16) == -1) {
        perror("bind/listen");
        return 1;
    }
    for (;;) {
        conn = accept(fd, NULL, NULL);
        if (conn == -1) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            perror("accept");
            return 1;
        }
        /* A silent client cannot hold the server for ever. */
        setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
        setsockopt(conn, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof wait);
        serve(conn);
        close(conn);
    }
}
