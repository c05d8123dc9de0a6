/* verdict: calculator.spec: FAIL out-of-range (a wrong answer to the next
 * client): each request is read with one recv() into a buffer that is
 * never emptied, and the second number is found at its last space. After
 * a request longer than the last, the next finds a stale number there. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char buf[33]; /* buf[32] stays '\0': strrchr() ends there */

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
        while (recv(c, buf, sizeof buf - 1, 0) > 0) {
            char *last = strrchr(buf, ' '); /* the stale bytes count too */
            char op = buf[strcspn(buf, "+-*")];
            double x = strtod(buf, NULL), y = last ? strtod(last, NULL) : 0;
            double r = op == '+' ? x + y : op == '-' ? x - y : x * y;
            char out[64];
            int n = snprintf(out, sizeof out, "%.15g\n", r);
            send(c, out, (size_t)n, MSG_NOSIGNAL);
        }
        close(c);
    }
}
