/* An echo server of lines whose long line overflows into its socket's
 * descriptor:
 *     overflow-fd-server PORT
 *
 * It keeps the client's descriptor just after a 64-byte line buffer and
 * reads a line a byte at a time with no bound: past byte 64, the line
 * overwrites the descriptor ("AAAA" is 1094795585). Its next recv() then
 * fails (EBADF), its close() closes nothing, and it goes back to
 * accept(): the client's socket stays open for good, that client gets
 * no reply and no end, and the next client is served. scripts/check's
 * long-line must FAIL it (the client left hanging), not pass it for
 * serving the next client. Everything else about it is a careful
 * server of one client at a time. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* the buffer, then the descriptor, then room for the rest of a long
   line (so that it overwrites no more than the descriptor) */
static struct {
    char line[64];
    int fd;
    char spill[1 << 18];
} c;

int main(int argc, char **argv)
{
    struct sockaddr_in a;
    struct timeval t = {5, 0};
    int s, on = 1;

    if (argc != 2)
        return 2;
    signal(SIGPIPE, SIG_IGN);
    s = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)atoi(argv[1]));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 16) != 0)
        return 1;
    for (;;) {
        size_t n = 0;
        char ch;
        c.fd = accept(s, NULL, NULL);
        if (c.fd < 0)
            continue;
        setsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &t, sizeof t);
        setsockopt(c.fd, SOL_SOCKET, SO_SNDTIMEO, &t, sizeof t);
        while (recv(c.fd, &ch, 1, 0) == 1) {
            /* the fault: no bound at the line's own end */
            if (n < sizeof c.line + sizeof c.fd + sizeof c.spill)
                /* cppcheck-suppress arrayIndexOutOfBoundsCond */
                c.line[n++] = ch;
            if (ch == '\n') {
                if (send(c.fd, c.line, n, MSG_NOSIGNAL) < 0)
                    break;
                n = 0;
            }
        }
        close(c.fd);
    }
}
