/* verdict: quote.spec: every check passes. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *quotes[] = {
    "Simplicity is prerequisite for reliability.\n",
    "Premature optimization is the root of all evil.\n",
    "Talk is cheap. Show me the code.\n",
};

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
    for (unsigned i = 0;; i++) {
        int c = accept(s, NULL, NULL);
        if (c < 0)
            continue;
        const char *q = quotes[i % 3];
        size_t len = strlen(q), done = 0;
        while (done < len) { /* send() may take less than it is given */
            ssize_t n = send(c, q + done, len - done, MSG_NOSIGNAL);
            if (n < 0)
                break;
            done += (size_t)n;
        }
        close(c);
    }
}
