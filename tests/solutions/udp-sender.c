/*
 * A solution to assignment 3 (Part I): a UDP sender, each line of
 * standard input one datagram. Kept out of the handout;
 * tests/assignments.bats checks it with scripts/check.
 * Usage: udp-sender HOST PORT
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct sockaddr_in to;
    static char line[65536];
    size_t len;
    int fd;

    if (argc != 3) {
        fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
        return 2;
    }
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_port = htons((unsigned short)atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
        fprintf(stderr, "%s: not an IPv4 address\n", argv[1]);
        return 2;
    }
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd == -1) {
        perror("socket");
        return 1;
    }
    while (fgets(line, sizeof line, stdin) != NULL) {
        len = strlen(line);
        if (len > 0 && line[len - 1] == '\n')
            len--;
        if (sendto(fd, line, len, 0, (struct sockaddr *)&to, sizeof to) == -1)
            perror("sendto"); /* a refusal from an earlier datagram */
    }
    close(fd);
    return 0;
}
