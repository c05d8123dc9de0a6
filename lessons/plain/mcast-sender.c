/* mcast-sender.c: a plain multicast sender. It sends each message as one
 * datagram to the group 239.255.0.1, out of the loopback interface.
 * Build: cc -Wall -o mcast-sender mcast-sender.c */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
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

int main(int argc, char *argv[])
{
    struct sockaddr_in addr = {.sin_family = AF_INET};
    struct in_addr iface;
    struct timeval wait = {.tv_sec = 5};
    unsigned char ttl = 1; /* 1: no further than this network */
    char *end = "";
    long port = argc >= 3 ? strtol(argv[1], &end, 10) : -1;
    int fd, i;

    if (port < 1 || port > 65535 || *end != '\0') {
        fprintf(stderr, "usage: %s PORT MESSAGE...\n", argv[0]);
        return 2;
    }
    inet_pton(AF_INET, "239.255.0.1", &addr.sin_addr); /* the group */
    inet_pton(AF_INET, "127.0.0.1", &iface);           /* loopback */
    addr.sin_port = htons((unsigned short)port);
    if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
        fail("socket");
    if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof wait) == -1)
        fail("setsockopt");
    /* Options of the socket, for every datagram it sends to a group:
       out of which interface, and how far (a char, as the BSDs want). */
    if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &iface, sizeof iface) == -1)
        fail("setsockopt");
    if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl) == -1)
        fail("setsockopt");
    for (i = 2; i < argc; i++) /* one sendto(), one datagram, to all */
        if (sendto(fd, argv[i], strlen(argv[i]), 0, (struct sockaddr *)&addr,
                   sizeof addr) == -1)
            fail("sendto");
    printf("sent %d datagrams to 239.255.0.1:%ld\n", argc - 2, port);
    close(fd);
    return 0;
}
