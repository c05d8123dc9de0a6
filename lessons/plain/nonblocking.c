/* nonblocking.c: a TCP client that waits at most 5 s for anything. Its
 * socket is non-blocking: connect() only starts the handshake, poll()
 * waits for the end of it, and SO_ERROR says how it ended. Then it prints
 * what the server sends. Build: cc -Wall -o nonblocking nonblocking.c */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define WAIT_MS 5000 /* poll() counts in milliseconds: 5 s */

static void fail(const char *call)
{
    perror(call); /* the call's name, then errno's message */
    exit(1);
}

int main(int argc, char *argv[])
{
    struct sockaddr_in addr = {.sin_family = AF_INET};
    struct pollfd p;
    socklen_t len = sizeof(int);
    char buf[512], *end = "";
    long port = argc == 3 ? strtol(argv[2], &end, 10) : -1;
    ssize_t n, i;
    int fd, flags, err, rc;

    if (port < 1 || port > 65535 || *end != '\0' ||
        inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
        fprintf(stderr, "usage: %s IPV4-ADDRESS PORT\n", argv[0]);
        return 2;
    }
    addr.sin_port = htons((unsigned short)port);
    if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
        fail("socket");
    if ((flags = fcntl(fd, F_GETFL)) == -1 ||
        fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
        fail("fcntl");
    p.fd = fd;
    p.events = POLLOUT; /* writable: the handshake has ended, either way */
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == -1) {
        if (errno != EINPROGRESS) /* EINPROGRESS: started, not failed */
            fail("connect");
        if ((rc = poll(&p, 1, WAIT_MS)) == -1)
            fail("poll");
        if (rc == 0) {
            fprintf(stderr, "connect: no answer within 5 s\n");
            return 1;
        }
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
            fail("getsockopt");
        if (err != 0) { /* what a blocking connect() would have said */
            fprintf(stderr, "connect: %s\n", strerror(err));
            return 1;
        }
    }
    printf("connected\n");
    fflush(stdout); /* shown now, before any error on stderr */
    p.events = POLLIN;
    while ((n = recv(fd, buf, sizeof buf, 0)) != 0) {
        if (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK)
            fail("recv");
        if (n == -1) { /* nothing yet: recv() does not wait, poll() does */
            if ((rc = poll(&p, 1, WAIT_MS)) == -1)
                fail("poll");
            if (rc == 0) {
                fprintf(stderr, "recv: nothing within 5 s\n");
                return 1;
            }
            continue;
        }
        printf("received ");
        for (i = 0; i < n; i++) /* escaped: never raw bytes to a terminal */
            if (buf[i] >= ' ' && buf[i] <= '~')
                putchar(buf[i]);
            else
                printf("\\x%02x", (unsigned char)buf[i]);
        putchar('\n');
    }
    printf("the server closed the connection\n");
    close(fd);
    return 0;
}
