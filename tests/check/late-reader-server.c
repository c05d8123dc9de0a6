/* A server of one client at a time that closes first and never sets
 * SO_REUSEADDR (tests/check-restart.bats runs it on a fixed port): each
 * line but "QUIT" comes back in capitals; "QUIT" closes the connection.
 * It reads each next line only a second after its reply, so that a
 * checker that ends it at once after sending "QUIT" ends it with that
 * line unread:
 * its end of the connection is then reset (on Linux, close() with bytes
 * unread sends a RST), and no TIME_WAIT is left on its port.
 *     late-reader-server PORT */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* One line (at most size - 1 bytes, its newline kept) into buf: its
 * length, or 0 at the end of the connection (or an error). */
static size_t read_line(int fd, char *buf, size_t size)
{
    size_t n = 0;
    while (n + 1 < size) {
        ssize_t got = recv(fd, buf + n, 1, 0);
        if (got <= 0)
            break;
        n++;
        if (buf[n - 1] == '\n')
            break;
    }
    buf[n] = '\0';
    return n;
}

static void serve(int fd)
{
    char line[256];
    size_t n;
    const struct timespec second = {1, 0};
    while ((n = read_line(fd, line, sizeof line)) > 0) {
        if (strcmp(line, "QUIT\n") == 0)
            break;
        for (size_t i = 0; i < n; i++)
            line[i] = (char)toupper((unsigned char)line[i]);
        if (send(fd, line, n, MSG_NOSIGNAL) != (ssize_t)n)
            break;
        nanosleep(&second, NULL); /* the next line waits */
    }
    close(fd);
}

int main(int argc, char **argv)
{
    struct sockaddr_in addr;
    int ls;
    if (argc != 2) {
        fprintf(stderr, "usage: late-reader-server PORT\n");
        return 2;
    }
    ls = socket(AF_INET, SOCK_STREAM, 0);
    if (ls < 0) {
        perror("socket");
        return 1;
    }
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)atoi(argv[1]));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(ls, (struct sockaddr *)&addr, sizeof addr) < 0) {
        perror("bind");
        return 1;
    }
    if (listen(ls, 16) < 0) {
        perror("listen");
        return 1;
    }
    for (;;) {
        int fd = accept(ls, NULL, NULL);
        if (fd >= 0)
            serve(fd);
    }
}
