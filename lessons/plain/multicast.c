/* multicast.c: a plain multicast receiver and sender. With a port, it
 * joins the group 239.255.0.1 on loopback and prints each datagram sent
 * to the group and port, until 30 s pass without one. With messages too,
 * it sends each as one datagram to the group, out of loopback.
 * Build: cc -Wall -o multicast multicast.c */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* struct ip_mreq: not in POSIX */
#include <arpa/inet.h>
#include <errno.h>
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
    struct sockaddr_in addr = {.sin_family = AF_INET}, from;
    struct ip_mreq mreq; /* a group, and the interface to join it on */
    struct timeval wait = {.tv_sec = 30};
    socklen_t len = sizeof addr;
    unsigned char ttl = 1; /* 1: no further than this network */
    char buf[512], host[INET_ADDRSTRLEN], *end = "";
    long port = argc >= 2 ? strtol(argv[1], &end, 10) : -1;
    ssize_t n, i;
    int fd, one = 1;

    if (port < 0 || port > 65535 || *end != '\0' || end == argv[1] ||
        (argc > 2 && port == 0)) {
        fprintf(stderr, "usage: %s PORT [MESSAGE...]\n", argv[0]);
        return 2;
    }
    inet_pton(AF_INET, "239.255.0.1", &mreq.imr_multiaddr);
    inet_pton(AF_INET, "127.0.0.1", &mreq.imr_interface); /* loopback */
    addr.sin_addr = mreq.imr_multiaddr;
    addr.sin_port = htons((unsigned short)port);
    if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
        fail("socket");
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait) == -1 ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof wait) == -1)
        fail("setsockopt");
    if (argc > 2) { /* the sender: out of which interface, how far */
        if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq.imr_interface,
                       sizeof mreq.imr_interface) == -1 ||
            setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl) ==
                -1)
            fail("setsockopt");
        for (i = 2; i < argc; i++) /* one sendto(), one datagram, to all */
            if (sendto(fd, argv[i], strlen(argv[i]), 0,
                       (struct sockaddr *)&addr, sizeof addr) == -1)
                fail("sendto");
        printf("datagrams sent to 239.255.0.1:%ld: %d\n", port, argc - 2);
        close(fd);
        return 0;
    }
    /* The receiver. Every member on this machine has the same port: each
       must say so before bind(). Bound to the group's address, it gets
       only what is sent to the group, not to another group at the port. */
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1)
        fail("setsockopt");
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == -1)
        fail("bind");
    if (getsockname(fd, (struct sockaddr *)&addr, &len) == -1)
        fail("getsockname");
    if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof mreq) == -1)
        fail("setsockopt");
    printf("receiving on 239.255.0.1:%d\n", ntohs(addr.sin_port));
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
    close(fd); /* leaves the group too */
    return 0;
}
