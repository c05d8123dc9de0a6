/* dual-stack.c: a TCP server with one IPv6 socket for IPv6 and IPv4
 * clients. IPV6_V6ONLY 0 lets an IPv4 client in, seen as ::ffff:a.b.c.d.
 * It greets each client with its address, one after another.
 * Build: cc -Wall -o dual-stack dual-stack.c */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
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
    struct addrinfo hints, *res;
    struct sockaddr_in6 addr; /* 28 bytes: an IPv6 address and port */
    socklen_t len = sizeof addr;
    char host[64], msg[128];
    int fd, conn, rc, off = 0, one = 1;

    if (argc != 3) {
        fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
        return 2;
    }
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET6; /* IPv6, whatever HOST is */
    hints.ai_socktype = SOCK_STREAM;
    /* An address to listen on; an IPv4 one mapped (::ffff:127.0.0.1);
       a number only, so no name server is asked. */
    hints.ai_flags = AI_PASSIVE | AI_V4MAPPED | AI_NUMERICHOST;
    rc = getaddrinfo(argv[1], argv[2], &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "getaddrinfo: %s\n", gai_strerror(rc));
        return 2;
    }
    if ((fd = socket(AF_INET6, SOCK_STREAM, 0)) == -1)
        fail("socket");
    /* 0: IPv4 too. Set it before bind(), whatever the default is. */
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) == -1)
        fail("setsockopt");
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1)
        fail("setsockopt");
    rc = bind(fd, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res); /* bind() copied the address */
    if (rc == -1)
        fail("bind");
    if (listen(fd, 5) == -1)
        fail("listen");
    if (getsockname(fd, (struct sockaddr *)&addr, &len) == -1)
        fail("getsockname");
    inet_ntop(AF_INET6, &addr.sin6_addr, host, sizeof host);
    printf("listening on [%s]:%d\n", host, ntohs(addr.sin6_port));
    fflush(stdout);
    for (;;) {
        len = sizeof addr; /* in and out: set before every accept() */
        if ((conn = accept(fd, (struct sockaddr *)&addr, &len)) == -1) {
            if (errno == ECONNABORTED)
                continue; /* that client reset first: not fatal */
            fail("accept");
        }
        inet_ntop(AF_INET6, &addr.sin6_addr, host, sizeof host);
        printf("client [%s]:%d%s\n", host, ntohs(addr.sin6_port),
               IN6_IS_ADDR_V4MAPPED(&addr.sin6_addr) ? ", over IPv4" : "");
        fflush(stdout);
        snprintf(msg, sizeof msg, "hello [%s]:%d\n", host,
                 ntohs(addr.sin6_port));
        /* One send(): a short line goes whole into a new socket's buffer */
        if (send(conn, msg, strlen(msg), MSG_NOSIGNAL) == -1)
            perror("send"); /* that client has gone: serve the next */
        close(conn);        /* that client's socket; fd listens on */
    }
}
