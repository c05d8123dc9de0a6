/*
 * A solution to assignment 3 (Part I): a UDP receiver that prints every
 * datagram, escaped, whatever its size (MSG_TRUNC tells a cut one).
 * Kept out of the handout; tests/assignments.bats checks it with
 * scripts/check. Usage: udp-receiver PORT
 */
#define _GNU_SOURCE /* MSG_TRUNC's real size is Linux's */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct sockaddr_in addr, from;
    socklen_t len;
    static char buf[65536];
    ssize_t got, i;
    int fd;

    if (argc != 2) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd == -1) {
        perror("socket");
        return 1;
    }
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)atoi(argv[1]));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == -1) {
        perror("bind");
        return 1;
    }
    for (;;) {
        len = sizeof from;
        got = recvfrom(fd, buf, sizeof buf, MSG_TRUNC, (struct sockaddr *)&from,
                       &len);
        if (got == -1) {
            if (errno == EINTR)
                continue;
            perror("recvfrom");
            return 1;
        }
        if (got > (ssize_t)sizeof buf)
            got = (ssize_t)sizeof buf; /* cut: print what was kept */
        printf("%zd bytes: ", got);
        for (i = 0; i < got; i++) {
            unsigned char c = (unsigned char)buf[i];
            if (isprint(c) && c != '\\')
                putchar(c);
            else
                printf("\\x%02x", c);
        }
        putchar('\n');
        fflush(stdout);
    }
}
