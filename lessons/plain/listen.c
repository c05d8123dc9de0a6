/* listen.c: a TCP socket that listens and never accepts. The kernel
 * completes each client's handshake meanwhile, until you press Enter.
 * Build: cc -Wall -o listen listen.c */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
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
    struct sockaddr_in addr = {.sin_family = AF_INET};
    socklen_t len = sizeof addr;
    char *end = "";
    long port = argc == 3 ? strtol(argv[2], &end, 10) : -1;
    int fd;

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
    /* The queue: 5 connections not yet accepted (6 on Linux). */
    if (listen(fd, 5) == -1)
        fail("listen");
    if (getsockname(fd, (struct sockaddr *)&addr, &len) == -1)
        fail("getsockname");
    printf("listening on %s:%d\n", argv[1], ntohs(addr.sin_port));
    printf("press Enter to stop\n");
    fflush(stdout);
    getchar(); /* connect now: nc, or ss -tln to see the queue */
    close(fd);
    return 0;
}
