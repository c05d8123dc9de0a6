/* server.c: a plain TCP server. It sends back all that one client sends,
 * until the client closes. Build: cc -Wall -o server server.c */
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

/* send() may take fewer bytes than it was given: send the rest, until
 * all are gone. MSG_NOSIGNAL: if the peer has gone, send() fails with
 * EPIPE, instead of a SIGPIPE that would end the program unannounced. */
static void send_all(int fd, const char *buf, size_t len)
{
    ssize_t n;

    while (len > 0) {
        if ((n = send(fd, buf, len, MSG_NOSIGNAL)) == -1)
            fail("send");
        buf += n;
        len -= (size_t)n;
    }
}

int main(int argc, char *argv[])
{
    struct sockaddr_in addr = {.sin_family = AF_INET};
    socklen_t len = sizeof addr;
    char buf[512], *end = "";
    long port = argc == 3 ? strtol(argv[2], &end, 10) : -1;
    ssize_t n;
    int fd, conn;

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
    if ((conn = accept(fd, NULL, NULL)) == -1)
        fail("accept");
    while ((n = recv(conn, buf, sizeof buf, 0)) > 0)
        send_all(conn, buf, (size_t)n);
    if (n == -1)
        fail("recv");
    close(conn);
    close(fd);
    return 0;
}
