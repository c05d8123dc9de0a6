/* getaddrinfo.c: a TCP client by name. getaddrinfo() turns a host and a
 * port into addresses, IPv6 or IPv4, and the first that connects is
 * used. It prints what the server sends until the server closes.
 * Build: cc -Wall -o getaddrinfo getaddrinfo.c */
#define _POSIX_C_SOURCE 200809L
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
    struct addrinfo hints, *list, *ai;
    char host[64], buf[512]; /* host: an address as text, IPv6 too */
    ssize_t n, i;
    int fd = -1, rc;

    if (argc != 3) {
        fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
        return 2;
    }
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;     /* IPv6 or IPv4: whatever HOST has */
    hints.ai_socktype = SOCK_STREAM; /* TCP */
    rc = getaddrinfo(argv[1], argv[2], &hints, &list);
    if (rc != 0) { /* not -1 and errno: its own codes */
        fprintf(stderr, "getaddrinfo: %s\n", gai_strerror(rc));
        return 1;
    }
    for (ai = list; ai != NULL; ai = ai->ai_next) {
        if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof host, NULL, 0,
                        NI_NUMERICHOST) != 0)
            strcpy(host, "?");
        printf("trying %s\n", host);
        fflush(stdout); /* before a perror() below, even into a pipe */
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd == -1) {
            perror("socket");
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break; /* connected: keep fd */
        perror("connect");
        close(fd);
        fd = -1;
    }
    freeaddrinfo(list); /* every address, the one used too */
    if (fd == -1) {
        fprintf(stderr, "no address of %s answered\n", argv[1]);
        return 1;
    }
    printf("connected to %s\n", host);
    while ((n = recv(fd, buf, sizeof buf, 0)) > 0) {
        printf("received ");
        for (i = 0; i < n; i++) /* escaped: never raw bytes to a terminal */
            if (buf[i] >= ' ' && buf[i] <= '~')
                putchar(buf[i]);
            else
                printf("\\x%02x", (unsigned char)buf[i]);
        putchar('\n');
    }
    if (n == -1)
        perror("recv");
    close(fd);
    return n == -1;
}
