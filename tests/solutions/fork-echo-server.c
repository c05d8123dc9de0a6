/*
 * A solution to assignment 4 (Part II): an echo server that serves many
 * clients at once, a child process each (lesson 12), reaping its
 * children in a SIGCHLD handler. Kept out of the handout;
 * tests/assignments.bats checks it with scripts/check.
 * Usage: fork-echo-server PORT
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static void reap(int sig)
{
    int saved = errno;

    (void)sig;
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    errno = saved;
}

static int send_all(int fd, const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t sent = send(fd, buf, n, MSG_NOSIGNAL);
        if (sent == -1 && errno == EINTR)
            continue;
        if (sent == -1)
            return -1;
        buf += sent;
        n -= (size_t)sent;
    }
    return 0;
}

static void serve(int conn)
{
    char buf[4096];
    ssize_t got;

    for (;;) {
        got = recv(conn, buf, sizeof buf, 0);
        if (got == -1 && errno == EINTR)
            continue;
        if (got <= 0 || send_all(conn, buf, (size_t)got) == -1)
            return;
    }
}

int main(int argc, char **argv)
{
    struct sockaddr_in addr;
    struct sigaction sa;
    struct timeval wait = {5, 0};
    int fd, conn, one = 1;
    pid_t pid;

    if (argc != 2) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = reap;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    if (sigaction(SIGCHLD, &sa, NULL) == -1) {
        perror("sigaction");
        return 1;
    }
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd == -1) {
        perror("socket");
        return 1;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1)
        perror("setsockopt");
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)atoi(argv[1]));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == -1 ||
        listen(fd, 64) == -1) {
        perror("bind/listen");
        return 1;
    }
    for (;;) {
        conn = accept(fd, NULL, NULL);
        if (conn == -1) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            perror("accept");
            return 1;
        }
        pid = fork();
        if (pid == -1) {
            perror("fork");
            close(conn);
            continue;
        }
        if (pid == 0) { /* the child: this client only */
            close(fd);
            setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
            setsockopt(conn, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof wait);
            serve(conn);
            close(conn);
            _exit(0);
        }
        close(conn); /* the parent: the child has its own copy */
    }
}
