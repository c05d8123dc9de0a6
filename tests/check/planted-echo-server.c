/* An echo server as a careful student writes it, a process per client,
 * with one mistake planted by a macro (tests/check-kind.bats builds each):
 *   -DNO_REAP         no SIGCHLD handler: every child stays a zombie
 *   -DNO_REUSEADDR    no SO_REUSEADDR: a restart cannot bind its port
 *                     while the last connection is in TIME_WAIT
 *   -DIGNORE_SEND     send()'s count is dropped: what it did not take is
 *                     lost
 * Without any, it passes every check of the echo-server kind. Not a
 * mistake: -DREAD_WRITE reads and writes the connection with read() and
 * write(), as many students do, SIGPIPE ignored.
 *     planted-echo-server PORT */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef NO_REAP
static void reap(int sig)
{
    int saved = errno;
    (void)sig;
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
    errno = saved;
}
#endif

/* Every byte of buf, or -1. */
static int send_all(int fd, const char *buf, size_t len)
{
#ifdef IGNORE_SEND
    send(fd, buf, len, MSG_NOSIGNAL);
    return 0;
#else
    while (len > 0) {
#ifdef READ_WRITE
        ssize_t n = write(fd, buf, len);
#else
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
#endif
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
#endif
}

static void echo(int conn)
{
    char buf[4096];
    for (;;) {
#ifdef READ_WRITE
        ssize_t n = read(conn, buf, sizeof buf);
#else
        ssize_t n = recv(conn, buf, sizeof buf, 0);
#endif
        if (n == -1 && errno == EINTR)
            continue;
        if (n <= 0 || send_all(conn, buf, (size_t)n) == -1)
            return;
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }
#ifdef READ_WRITE
    signal(SIGPIPE, SIG_IGN); /* write() takes no MSG_NOSIGNAL */
#endif
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd == -1) {
        perror("socket");
        return 1;
    }
#ifndef NO_REUSEADDR
    int one = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1) {
        perror("setsockopt");
        return 1;
    }
#endif
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)atoi(argv[1]));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == -1) {
        perror("bind");
        return 1;
    }
    if (listen(fd, 16) == -1) {
        perror("listen");
        return 1;
    }
#ifndef NO_REAP
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = reap;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGCHLD, &sa, NULL);
#endif
    for (;;) {
        int conn = accept(fd, NULL, NULL);
        if (conn == -1) {
            if (errno == EINTR)
                continue;
            perror("accept");
            return 1;
        }
        pid_t pid = fork();
        if (pid == 0) {
            close(fd);
            echo(conn);
            close(conn);
            _exit(0);
        }
        if (pid == -1)
            perror("fork");
        close(conn);
    }
}
