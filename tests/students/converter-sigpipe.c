/* verdict: converter.spec: FAIL sigpipe (killed by SIGPIPE): it answers
 * with send(..., 0) and never looks at what send() returns, so a client
 * that resets while answers are still to go kills it. */
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
        FILE *in = fdopen(c, "r");
        char line[128];
        while (fgets(line, sizeof line, in)) {
            char unit[8] = "";
            double km = 0;
            char out[64];
            int n;
            if (sscanf(line, "%lf %7s", &km, unit) == 2
                && strcmp(unit, "km") == 0)
                n = snprintf(out, sizeof out, "%.2f mi\n", km * 0.621371);
            else
                n = snprintf(out, sizeof out, "ERR expected: NUMBER km\n");
            send(c, out, (size_t)n, 0);
        }
        fclose(in);
    }
}
