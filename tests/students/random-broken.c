/* verdict: random.spec: FAIL zombies: a child per client, never reaped. */
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
    char line[128];
    srand((unsigned)getpid());
    while (fgets(line, sizeof line, in)) {
        char out[16];
        int n = snprintf(out, sizeof out, "%d\n", rand() % 100 + 1);
        if (send(c, out, (size_t)n, MSG_NOSIGNAL) < 0)
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
        if (c < 0)
            continue;
        if (fork() == 0) {
            close(s);
            serve(c);
            _exit(0);
        }
        close(c);   /* the parent never calls waitpid() */
    }
}
