/* gai-client.c: the plain client again, with getaddrinfo(): HOST may be a
 * name or any address, IPv4 or IPv6.
 * Build: cc -Wall -o gai-client gai-client.c */
#define _POSIX_C_SOURCE 200809L
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
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

/* A TCP socket connected to the first address of host and port that
 * answers. No send() or recv() on it waits longer than 30 s; on Linux,
 * no connect() either. */
static int tcp_connect(const char *host, const char *port)
{
    struct addrinfo hints, *list, *ai;
    struct timeval wait = {.tv_sec = 30};
    int fd = -1, rc;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;     /* IPv6 or IPv4: whatever host has */
    hints.ai_socktype = SOCK_STREAM; /* TCP */
    if ((rc = getaddrinfo(host, port, &hints, &list)) != 0) {
        fprintf(stderr, "getaddrinfo: %s\n", gai_strerror(rc));
        exit(2);
    }
    for (ai = list; ai != NULL && fd == -1; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd == -1) {
            perror("socket"); /* then try the next address */
            continue;
        }
        if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait) == -1)
            fail("setsockopt");
        if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof wait) == -1)
            fail("setsockopt");
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
            perror("connect");
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(list);
    if (fd == -1)
        exit(1);
    return fd;
}

int main(int argc, char *argv[])
{
    char buf[512];
    size_t got = 0;
    ssize_t n, i;
    int fd;

    if (argc != 4) {
        fprintf(stderr, "usage: %s HOST PORT MESSAGE\n", argv[0]);
        return 2;
    }
    fd = tcp_connect(argv[1], argv[2]);
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
