/* udp-receiver.c: a plain UDP receiver. It prints each datagram and who
 * sent it, until 30 s pass without one.
 * Build: cc -Wall -o udp-receiver udp-receiver.c */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static void fail(const char *call)
{
    perror(call); /* the call's name, then errno's message */
    exit(1);
}

int main(int argc, char *argv[])
{
    struct sockaddr_in addr = {.sin_family = AF_INET}, from;
    struct timeval wait = {.tv_sec = 30};
    socklen_t len = sizeof addr;
    char buf[512], host[INET_ADDRSTRLEN], *end = "";
    long port = argc == 3 ? strtol(argv[2], &end, 10) : -1;
    ssize_t n, i;
    int fd;

    if (port < 0 || port > 65535 || *end != '\0' || end == argv[2] ||
        inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
        fprintf(stderr, "usage: %s IPV4-ADDRESS PORT\n", argv[0]);
        return 2;
    }
    addr.sin_port = htons((unsigned short)port);
    if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
        fail("socket");
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait) == -1)
        fail("setsockopt");
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == -1)
        fail("bind");
    if (getsockname(fd, (struct sockaddr *)&addr, &len) == -1)
        fail("getsockname");
    printf("receiving on %s:%d\n", argv[1], ntohs(addr.sin_port));
    fflush(stdout);
    for (;;) {
        len = sizeof from;
        n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
        if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break; /* the timeout ran out */
        if (n == -1 && errno == EINTR)
            continue; /* a signal, or Ctrl-Z then fg: wait again */
        if (n == -1)
            fail("recvfrom");
        inet_ntop(AF_INET, &from.sin_addr, host, sizeof host);
        printf("%zd bytes from %s:%d: ", n, host, ntohs(from.sin_port));
        for (i = 0; i < n; i++) /* escaped: never raw bytes to a terminal */
            if (buf[i] >= ' ' && buf[i] <= '~')
                putchar(buf[i]);
            else
                printf("\\x%02x", (unsigned char)buf[i]);
        putchar('\n');
        fflush(stdout);
    }
    printf("no datagram for 30 s: done\n");
    close(fd);
    return 0;
}
