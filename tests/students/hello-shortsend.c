/* verdict: hello.spec: short-send fails.
 * Reads lines (a name each), answers "Hello, NAME" with one send() whose
 * result it checks only for -1: when send() takes part of the reply, the
 * rest is never sent. (hello-good.c sends the rest.) */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void serve(int c)
{
    FILE *in = fdopen(c, "r");
    char name[256];
    while (fgets(name, sizeof name, in) != NULL) {
        name[strcspn(name, "\r\n")] = '\0';
        char reply[300];
        int n = snprintf(reply, sizeof reply, "Hello, %s\n", name);
        if (send(c, reply, (size_t)n, MSG_NOSIGNAL) < 0)
            break;
    }
    fclose(in);
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int on = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)atoi(argv[1]));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 10) != 0)
        return 1;
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c >= 0)
            serve(c);
    }
}
