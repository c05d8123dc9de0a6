/* gai-server.c: the plain server again, with getaddrinfo(): HOST may be a
 * name or any address, IPv4 or IPv6. It serves one client.
 * Build: cc -Wall -o gai-server gai-server.c */
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

/* A TCP socket bound to the first address of host and port that binds. */
static int tcp_listen(const char *host, const char *port)
{
    struct addrinfo hints, *list, *ai;
    int fd = -1, rc, one = 1;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;     /* IPv6 or IPv4: whatever host has */
    hints.ai_socktype = SOCK_STREAM; /* TCP */
    hints.ai_flags = AI_PASSIVE;     /* addresses to bind to */
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
        /* A restart binds while old connections hold the port (lesson 07). */
        if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1)
            fail("setsockopt");
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
            perror("bind");
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(list); /* the kernel has copied the address it took */
    if (fd == -1)
        exit(1);
    return fd;
}

int main(int argc, char *argv[])
{
    struct sockaddr_storage addr; /* room for any kind of address */
    socklen_t len = sizeof addr;
    struct timeval wait = {.tv_sec = 30};
    char host[64], port[8], buf[512]; /* host: an address as text */
    ssize_t n;
    int fd, conn, rc;

    if (argc != 3) {
        fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
        return 2;
    }
    fd = tcp_listen(argv[1], argv[2]);
    if (listen(fd, 5) == -1)
        fail("listen");
    if (getsockname(fd, (struct sockaddr *)&addr, &len) == -1)
        fail("getsockname");
    rc = getnameinfo((struct sockaddr *)&addr, len, host, sizeof host, port,
                     sizeof port, NI_NUMERICHOST | NI_NUMERICSERV);
    if (rc != 0) { /* the address as text, not a name: no name server */
        fprintf(stderr, "getnameinfo: %s\n", gai_strerror(rc));
        return 1;
    }
    printf(addr.ss_family == AF_INET6 ? "listening on [%s]:%s\n"
                                      : "listening on %s:%s\n",
           host, port);
    fflush(stdout);
    if ((conn = accept(fd, NULL, NULL)) == -1) /* waits for a client */
        fail("accept");
    /* No recv() or send() on the connection waits longer than 30 s. */
    if (setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait) == -1 ||
        setsockopt(conn, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof wait) == -1)
        fail("setsockopt");
    while ((n = recv(conn, buf, sizeof buf, 0)) > 0)
        send_all(conn, buf, (size_t)n);
    if (n == -1)
        fail("recv");
    close(conn);
    close(fd);
    return 0;
}
