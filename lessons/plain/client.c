/* client.c: a plain TCP client. It sends its message, prints what comes
 * back until it has it all, and closes. Build: cc -Wall -o client client.c */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void fail(const char *call)
{
    perror(call); /* the call's name, then errno's message */
    exit(1);
}

/* send() may take fewer bytes: send the rest. The same as server.c's. */
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
    char buf[512], *end = "";
    long port = argc == 4 ? strtol(argv[2], &end, 10) : -1;
    size_t got = 0;
    ssize_t n, i;
    int fd;

    if (port < 1 || port > 65535 || *end != '\0' ||
        inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
        fprintf(stderr, "usage: %s IPV4-ADDRESS PORT MESSAGE\n", argv[0]);
        return 2;
    }
    addr.sin_port = htons((unsigned short)port);
    if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
        fail("socket");
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == -1)
        fail("connect");
    send_all(fd, argv[3], strlen(argv[3]));
    while (got < strlen(argv[3])) {
        if ((n = recv(fd, buf, sizeof buf, 0)) == -1)
            fail("recv");
        if (n == 0)
            break; /* the server closed first */
        printf("received ");
        for (i = 0; i < n; i++) /* escaped: never raw bytes to a terminal */
            if (buf[i] >= ' ' && buf[i] <= '~')
                putchar(buf[i]);
            else
                printf("\\x%02x", (unsigned char)buf[i]);
        putchar('\n');
        got += (size_t)n;
    }
    close(fd);
    return 0;
}
