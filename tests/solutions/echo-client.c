/*
 * A solution to assignment 2 (Part I): a TCP echo client. Each line of
 * standard input is sent whole, and exactly as many bytes are read back
 * and printed. Kept out of the handout; tests/assignments.bats checks it
 * with scripts/check. Usage: echo-client HOST PORT
 */
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

int main(int argc, char **argv)
{
    struct sockaddr_in addr;
    struct timeval wait = {10, 0};
    char line[4096], back[4096];
    size_t len, off;
    ssize_t n;
    int fd;

    if (argc != 3) {
        fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
        return 2;
    }
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
        fprintf(stderr, "%s: not an IPv4 address\n", argv[1]);
        return 2;
    }
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd == -1) {
        perror("socket");
        return 1;
    }
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof wait);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == -1) {
        perror("connect");
        return 1;
    }
    while (fgets(line, sizeof line, stdin) != NULL) {
        len = strlen(line);
        for (off = 0; off < len; off += (size_t)n) {
            n = send(fd, line + off, len - off, MSG_NOSIGNAL);
            if (n == -1) {
                perror("send");
                return 1;
            }
        }
        for (off = 0; off < len; off += (size_t)n) {
            n = recv(fd, back + off, len - off, 0);
            if (n == -1 && errno == EINTR) {
                n = 0;
                continue;
            }
            if (n <= 0) {
                if (n == 0)
                    fprintf(stderr, "the server closed the connection\n");
                else
                    perror("recv");
                return 1;
            }
        }
        fwrite(back, 1, len, stdout);
        fflush(stdout);
    }
    shutdown(fd, SHUT_WR);
    close(fd);
    return 0;
}
