/* verdict: calculator.spec: FAIL empty-line (killed by SIGSEGV): it looks
 * for the operator with strchr() and uses the result unchecked. */
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
        struct timeval t = {5, 0}; /* a client that never reads */
        setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &t, sizeof t);
        FILE *in = fdopen(c, "r");
        char line[128];
        while (fgets(line, sizeof line, in)) {
            char *op = strchr(line, ' ');
            volatile char sign = op[1];   /* NULL + 1 on a line without ' ' */
            long x = atol(line), y = atol(op + 3), r = 0;
            if (sign == '+')
                r = x + y;
            else if (sign == '-')
                r = x - y;
            else if (sign == '*')
                r = x * y;
            char out[32];
            int n = snprintf(out, sizeof out, "%ld\n", r);
            if (send(c, out, (size_t)n, MSG_NOSIGNAL) < 0)
                break;
        }
        fclose(in);
    }
}
