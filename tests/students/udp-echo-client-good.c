/* verdict: udp-echo-client.spec: every check passes.
 * A student's UDP echo client: each line of input goes to the server as
 * one datagram, and the reply is printed. The socket is connect()ed, so
 * the kernel drops datagrams from anyone but the server; a reply that
 * does not come within 3 s ends it with status 1. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static char line[65536];
static char reply[65536]; /* room for any datagram */

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
        return 2;
    }
    struct sockaddr_in to;
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_port = htons((unsigned short)atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
        fprintf(stderr, "not an IPv4 address: %s\n", argv[1]);
        return 2;
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) {
        perror("socket");
        return 1;
    }
    struct timeval wait = {3, 0};
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait) < 0 ||
        connect(fd, (struct sockaddr *)&to, sizeof to) < 0) {
        perror("setsockopt/connect");
        return 1;
    }
    while (fgets(line, sizeof line, stdin) != NULL) {
        size_t len = strcspn(line, "\n");
        if (send(fd, line, len, 0) < 0) {
            perror("send");
            return 1;
        }
        ssize_t n = recv(fd, reply, sizeof reply, 0);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                printf("no reply within 3 s\n");
            else
                printf("recv: %s\n", strerror(errno));
            return 1;
        }
        fwrite(reply, 1, (size_t)n, stdout);
        putchar('\n');
        fflush(stdout);
    }
    close(fd);
    return 0;
}
