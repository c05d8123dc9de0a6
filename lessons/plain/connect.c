/* connect.c: a TCP client. It connects, prints what the server sends
 * until the server closes, and closes. Build: cc -Wall -o connect connect.c */
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
    struct sockaddr_in addr = {.sin_family = AF_INET}, local;
    socklen_t len = sizeof local;
    char buf[512], *end = "";
    long port = argc == 3 ? strtol(argv[2], &end, 10) : -1;
    ssize_t n, i;
    int fd;

    if (port < 1 || port > 65535 || *end != '\0' ||
        inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
        fprintf(stderr, "usage: %s IPV4-ADDRESS PORT\n", argv[0]);
        return 2;
    }
    addr.sin_port = htons((unsigned short)port);
    if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
        fail("socket");
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == -1)
        fail("connect");
    /* No bind(): connect() gave the socket a port. Which one? */
    if (getsockname(fd, (struct sockaddr *)&local, &len) == -1)
        fail("getsockname");
    printf("connected from port %d\n", ntohs(local.sin_port));
    while ((n = recv(fd, buf, sizeof buf, 0)) > 0) {
        printf("received ");
        for (i = 0; i < n; i++) /* escaped: never raw bytes to a terminal */
            if (buf[i] >= ' ' && buf[i] <= '~')
                putchar(buf[i]);
            else
                printf("\\x%02x", (unsigned char)buf[i]);
        putchar('\n');
    }
    if (n == -1)
        fail("recv");
    printf("the server closed the connection\n");
    close(fd);
    return 0;
}
