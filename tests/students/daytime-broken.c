/* verdict: daytime.spec: FAIL exchange (the connection was still open):
 * it sends the date but never closes the client's socket. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
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
        time_t now = time(NULL);
        char line[64];
        snprintf(line, sizeof line, "%s", ctime(&now));
        send(c, line, strlen(line), MSG_NOSIGNAL);
        /* forgot: close(c); */
    }
}
