/* accept.c: a TCP server that greets three clients with one line each,
 * one after another, and closes each connection.
 * Build: cc -Wall -o accept accept.c */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static void fail(const char *call)
{
    perror(call); /* the call's name, then errno's message */
    exit(1);
}

int main(int argc, char *argv[])
{
    struct sockaddr_in addr = {.sin_family = AF_INET}, client;
    socklen_t len = sizeof addr;
    char line[64], host[INET_ADDRSTRLEN], *end = "";
    long port = argc == 3 ? strtol(argv[2], &end, 10) : -1;
    int fd, conn, n, served;

    if (port < 0 || port > 65535 || *end != '\0' || end == argv[2] ||
        inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
        fprintf(stderr, "usage: %s IPV4-ADDRESS PORT\n", argv[0]);
        return 2;
    }
    addr.sin_port = htons((unsigned short)port);
    if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
        fail("socket");
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == -1)
        fail("bind");
    if (listen(fd, 5) == -1)
        fail("listen");
    if (getsockname(fd, (struct sockaddr *)&addr, &len) == -1)
        fail("getsockname");
    printf("listening on %s:%d\n", argv[1], ntohs(addr.sin_port));
    fflush(stdout);
    for (served = 1; served <= 3;) { /* served++ when one is served */
        len = sizeof client; /* in and out: set it before every accept() */
        if ((conn = accept(fd, (struct sockaddr *)&client, &len)) == -1) {
            if (errno == ECONNABORTED)
                continue; /* that client reset first: not fatal, no turn */
            fail("accept");
        }
        inet_ntop(AF_INET, &client.sin_addr, host, sizeof host);
        printf("client %d is %s:%d\n", served, host, ntohs(client.sin_port));
        fflush(stdout);
        n = snprintf(line, sizeof line, "hello, client %d\n", served);
        if (send(conn, line, (size_t)n, MSG_NOSIGNAL) == -1)
            perror("send"); /* this client has gone; serve the next */
        close(conn);        /* that client's socket; fd listens on */
        served++;
    }
    close(fd);
    return 0;
}
