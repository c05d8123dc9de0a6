/* A correct submission for hello.spec, as a student hands it in to the
 * autograder (tests/autograder.bats): every check passes, recv-pieces
 * included (it reads with recv(), where the fault acts, not fgets()).
 * Each line read is answered "Hello, NAME"; a line longer than the
 * buffer is answered in parts; every reply is sent whole. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

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

static int greet(int c, const char *name, size_t len)
{
    return send_all(c, "Hello, ", 7) < 0 || send_all(c, name, len) < 0 ||
                   send_all(c, "\n", 1) < 0
               ? -1
               : 0;
}

static void serve(int c)
{
    char buf[256];
    size_t have = 0;
    for (;;) {
        ssize_t n = recv(c, buf + have, sizeof buf - have, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        have += (size_t)n;
        char *nl;
        while ((nl = memchr(buf, '\n', have)) != NULL) {
            size_t line = (size_t)(nl - buf) + 1;
            size_t len = line - 1;
            if (len > 0 && buf[len - 1] == '\r')
                len--;
            if (greet(c, buf, len) < 0)
                return;
            memmove(buf, buf + line, have - line);
            have -= line;
        }
        if (have == sizeof buf) { /* no newline in a full buffer */
            if (greet(c, buf, have) < 0)
                return;
            have = 0;
        }
    }
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int on = 1;
    if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on))
        return 1;
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
        close(c);
    }
}
