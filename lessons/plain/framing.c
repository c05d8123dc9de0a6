/* framing.c: a TCP client that sends each argument as one message: a
 * 4-byte length, high byte first, then the bytes. It reads each reply,
 * framed alike, and prints it. Build: cc -Wall -o framing framing.c */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <stdint.h>
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

/* send() may take fewer bytes than it is given: send the rest. */
static void send_all(int fd, const void *data, size_t n)
{
    const char *p = data;
    ssize_t k;

    while (n > 0) {
        if ((k = send(fd, p, n, MSG_NOSIGNAL)) == -1)
            fail("send");
        p += k;
        n -= (size_t)k;
    }
}

/* recv() may return fewer bytes than asked for: read until all n came. */
static void recv_all(int fd, void *data, size_t n)
{
    char *p = data;
    ssize_t k;

    while (n > 0) {
        if ((k = recv(fd, p, n, 0)) == -1)
            fail("recv");
        if (k == 0) {
            fprintf(stderr, "the server closed in the middle of a reply\n");
            exit(1);
        }
        p += k;
        n -= (size_t)k;
    }
}

int main(int argc, char *argv[])
{
    struct sockaddr_in addr = {.sin_family = AF_INET};
    char buf[65536], *end = "";
    long port = argc > 3 ? strtol(argv[2], &end, 10) : -1;
    uint32_t len;
    size_t n, i;
    int fd, arg;

    if (port < 1 || port > 65535 || *end != '\0' ||
        inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
        fprintf(stderr, "usage: %s IPV4-ADDRESS PORT MESSAGE...\n", argv[0]);
        return 2;
    }
    addr.sin_port = htons((unsigned short)port);
    if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
        fail("socket");
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == -1)
        fail("connect");
    for (arg = 3; arg < argc; arg++) {
        len = htonl((uint32_t)strlen(argv[arg])); /* high byte first */
        send_all(fd, &len, sizeof len);
        send_all(fd, argv[arg], strlen(argv[arg]));
        recv_all(fd, &len, sizeof len);
        if ((n = ntohl(len)) > sizeof buf) {
            fprintf(stderr, "a reply of %zu bytes: too long\n", n);
            return 1;
        }
        recv_all(fd, buf, n);
        printf("%zu bytes: ", n);
        for (i = 0; i < n; i++) /* escaped: never raw bytes to a terminal */
            if (buf[i] >= ' ' && buf[i] <= '~')
                putchar(buf[i]);
            else
                printf("\\x%02x", (unsigned char)buf[i]);
        putchar('\n');
        fflush(stdout); /* each reply shows as it comes, even into a pipe */
    }
    close(fd);
    return 0;
}
