/* verdict: hello.spec: FAIL descriptors: it stops at recv() == 0 but
 * never closes the client's socket, so one descriptor stays per client. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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
        if (c < 0)
            continue;
        char buf[512];
        size_t used = 0;
        ssize_t n;
        while ((n = recv(c, buf + used, sizeof buf - 1 - used, 0)) > 0) {
            used += (size_t)n;
            buf[used] = '\0';
            char *nl;
            while ((nl = strchr(buf, '\n')) != NULL) {
                *nl = '\0';
                char reply[600];
                int len = snprintf(reply, sizeof reply, "Hello, %s\n", buf);
                send(c, reply, (size_t)len, MSG_NOSIGNAL);
                used -= (size_t)(nl + 1 - buf);
                memmove(buf, nl + 1, used + 1);
            }
            if (used == sizeof buf - 1)
                used = 0;   /* a line too long: dropped */
        }
        /* the client has gone; forgot: close(c); */
    }
}
