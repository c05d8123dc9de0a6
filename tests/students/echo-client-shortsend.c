/* verdict: echo-client.spec: short-send fails.
 * An echo client that sends each line with one send() and never looks
 * at what it returns: when send() takes part of a line, the rest is
 * never sent, and the client waits for an echo that cannot come whole. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &a.sin_addr) != 1 ||
        connect(s, (struct sockaddr *)&a, sizeof a) != 0) {
        perror("connect");
        return 1;
    }
    struct timeval tv = {5, 0};
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char line[1024], echo[1024];
    while (fgets(line, sizeof line, stdin) != NULL) {
        size_t len = strlen(line), got = 0;
        send(s, line, len, 0);
        while (got < len) {
            ssize_t n = recv(s, echo + got, len - got, 0);
            if (n <= 0) {
                fprintf(stderr, "no echo\n");
                return 1;
            }
            got += (size_t)n;
        }
        fwrite(echo, 1, got, stdout);
    }
    close(s);
    return 0;
}
