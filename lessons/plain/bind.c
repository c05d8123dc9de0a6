/* bind.c: a TCP socket bound to an IPv4 address and port, then a second
 * socket that tries the same address and port.
 * Build: cc -Wall -o bind bind.c */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static void fail(const char *call)
{
    perror(call); /* the call's name, then errno's message */
    exit(1);
}

int main(int argc, char *argv[])
{
    struct sockaddr_in addr = {.sin_family = AF_INET};
    socklen_t len = sizeof addr;
    char *end = "";
    long port = argc == 3 ? strtol(argv[2], &end, 10) : -1;
    int fd, fd2;

    if (port < 0 || port > 65535 || *end != '\0' || end == argv[2] ||
        inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
        fprintf(stderr, "usage: %s IPV4-ADDRESS PORT\n", argv[0]);
        return 2;
    }
    addr.sin_port = htons((unsigned short)port); /* high byte first */
    if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
        fail("socket");
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == -1)
        fail("bind");
    /* With port 0 the kernel chose a port: ask it which. */
    if (getsockname(fd, (struct sockaddr *)&addr, &len) == -1)
        fail("getsockname");
    printf("bound to %s:%d\n", argv[1], ntohs(addr.sin_port));
    fflush(stdout); /* before perror() below, even into a pipe */

    /* A second socket, the same address and port: the kernel refuses. */
    if ((fd2 = socket(AF_INET, SOCK_STREAM, 0)) == -1)
        fail("socket");
    if (bind(fd2, (struct sockaddr *)&addr, sizeof addr) == -1)
        perror("second bind"); /* second bind: Address already in use */
    else
        printf("second bind: it worked\n");
    close(fd2);
    close(fd);
    return 0;
}
