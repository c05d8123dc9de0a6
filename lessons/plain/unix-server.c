/* unix-server.c: a server on a Unix domain socket, whose address is a
 * file name. It greets each client, and on Ctrl-C, or after 30 s without
 * one, removes the socket file it made and ends.
 * Build: cc -Wall -o unix-server unix-server.c */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static volatile sig_atomic_t stop; /* set by Ctrl-C (SIGINT) or SIGTERM */

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

int main(int argc, char *argv[])
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    struct sigaction sa = {.sa_handler = on_signal}; /* sa_flags 0 */
    struct pollfd p = {.events = POLLIN};
    char line[64];
    long served = 0;
    int rc = 0, conn, n;

    if (argc != 2 || strlen(argv[1]) >= sizeof addr.sun_path) {
        fprintf(stderr, "usage: %s PATH (at most %d bytes)\n", argv[0],
                (int)sizeof addr.sun_path - 1);
        return 2;
    }
    memcpy(addr.sun_path, argv[1], strlen(argv[1]) + 1); /* it fits */
    if (sigaction(SIGINT, &sa, NULL) == -1 ||
        sigaction(SIGTERM, &sa, NULL) == -1) {
        perror("sigaction");
        return 1;
    }
    if ((p.fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1) {
        perror("socket");
        return 1;
    }
    umask(077); /* the file bind() makes: mode 700, only you may connect */
    if (bind(p.fd, (struct sockaddr *)&addr, sizeof addr) == -1) {
        perror("bind"); /* EADDRINUSE: the name exists. Not ours: kept */
        return 1;
    }
    if (listen(p.fd, 5) == -1) {
        perror("listen");
        stop = rc = 1;
    } else {
        printf("listening on %s\n", argv[1]);
        fflush(stdout);
    }
    while (!stop) {
        /* poll() ends on a signal (EINTR), on a client or after 30 s */
        if ((n = poll(&p, 1, 30000)) == 0)
            break;
        if (n == -1 && errno != EINTR) {
            perror("poll");
            rc = 1;
            break;
        }
        if (n == -1)
            continue; /* stop says whether to end */
        if ((conn = accept(p.fd, NULL, NULL)) == -1) {
            n = errno == EMFILE || errno == ENFILE; /* out of descriptors */
            perror("accept");
            if (n)
                sleep(1); /* the client stays queued: try again later */
            continue;
        }
        n = snprintf(line, sizeof line, "hello, client %ld\n", ++served);
        /* One send(): a short line goes whole into a new socket's buffer */
        if (send(conn, line, (size_t)n, MSG_NOSIGNAL) == -1)
            perror("send"); /* that client left first; serve the next */
        close(conn);
    }
    close(p.fd); /* the file stays until unlink(): ours, so we remove it */
    if (unlink(argv[1]) == -1) {
        perror("unlink");
        return 1;
    }
    printf("served %ld, removed %s\n", served, argv[1]);
    return rc;
}
