/* A UDP receiver that prints each datagram with fputs(), adding no line
 * end: on a terminal, C's stdout keeps what it was given until a line
 * end comes (or its buffer is full), so what it received stays unseen.
 *     unflushed-receiver PORT */
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
    struct sockaddr_in addr;
    char buf[65536];
    int fd = socket(AF_INET, SOCK_DGRAM, 0);

    if (argc != 2 || fd == -1)
        return 2;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)atoi(argv[1]));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == -1) {
        perror("bind");
        return 1;
    }
    for (;;) {
        ssize_t n = recvfrom(fd, buf, sizeof buf - 1, 0, NULL, NULL);
        if (n == -1) {
            perror("recvfrom");
            return 1;
        }
        buf[n] = '\0';
        fputs(buf, stdout);
    }
}
