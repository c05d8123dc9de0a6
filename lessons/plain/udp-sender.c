/* udp-sender.c: a plain UDP sender. It sends each message as one datagram,
 * then says from which port. Build: cc -Wall -o udp-sender udp-sender.c */
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

int main(int argc, char *argv[])
{
    struct sockaddr_in addr = {.sin_family = AF_INET}, me;
    socklen_t len = sizeof me;
    char *end = "";
    long port = argc >= 4 ? strtol(argv[2], &end, 10) : -1;
    int fd, i;

    if (port < 1 || port > 65535 || *end != '\0' ||
        inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
        fprintf(stderr, "usage: %s IPV4-ADDRESS PORT MESSAGE...\n", argv[0]);
        return 2;
    }
    addr.sin_port = htons((unsigned short)port);
    if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
        fail("socket");
    for (i = 3; i < argc; i++) /* one sendto(), one datagram */
        if (sendto(fd, argv[i], strlen(argv[i]), 0, (struct sockaddr *)&addr,
                   sizeof addr) == -1)
            fail("sendto");
    if (getsockname(fd, (struct sockaddr *)&me, &len) == -1)
        fail("getsockname");
    printf("datagrams sent: %d, from port %d\n", argc - 3, ntohs(me.sin_port));
    close(fd);
    return 0;
}
