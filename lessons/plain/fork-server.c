/* fork-server.c: a TCP echo server that forks a child for each client,
 * so many are served at once. Build: cc -Wall -o fork-server fork-server.c */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void fail(const char *call)
{
    perror(call); /* the call's name, then errno's message */
    exit(1);
}

/* SIGCHLD: collect every child that has ended; one signal may stand for
   several. Only async-signal-safe calls here, and errno kept. */
static void on_sigchld(int sig)
{
    int saved = errno;

    (void)sig;
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    errno = saved;
}

int main(int argc, char *argv[])
{
    struct sockaddr_in addr = {.sin_family = AF_INET};
    struct sigaction sa = {.sa_handler = on_sigchld};
    socklen_t len = sizeof addr;
    char buf[512], *end = "", *p;
    long port = argc == 3 ? strtol(argv[2], &end, 10) : -1;
    ssize_t n, sent;
    int fd, conn, one = 1;

    if (port < 0 || port > 65535 || *end != '\0' || end == argv[2] ||
        inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
        fprintf(stderr, "usage: %s IPV4-ADDRESS PORT\n", argv[0]);
        return 2;
    }
    addr.sin_port = htons((unsigned short)port);
    sa.sa_flags = SA_RESTART; /* accept() goes on after the handler */
    if (sigaction(SIGCHLD, &sa, NULL) == -1)
        fail("sigaction");
    if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
        fail("socket");
    /* A restart binds while old connections hold the port (lesson 07). */
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1)
        fail("setsockopt");
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == -1)
        fail("bind");
    if (listen(fd, 5) == -1)
        fail("listen");
    if (getsockname(fd, (struct sockaddr *)&addr, &len) == -1)
        fail("getsockname");
    printf("listening on %s:%d\n", argv[1], ntohs(addr.sin_port));
    fflush(stdout); /* before fork(): the child must not print it again */
    for (;;) {
        if ((conn = accept(fd, NULL, NULL)) == -1) {
            /* EINTR, ECONNABORTED: again. Out of descriptors: the client
               stays queued and accept() would fail again at once, so say
               so and wait a second before trying again. */
            if (errno == EMFILE || errno == ENFILE) {
                perror("accept");
                sleep(1);
            } else if (errno != EINTR && errno != ECONNABORTED) {
                fail("accept");
            }
            continue;
        }
        switch (fork()) {
        case -1:
            perror("fork"); /* this client is not served; the next may be */
            break;
        case 0: /* the child: this client only */
            close(fd);
            while ((n = recv(conn, buf, sizeof buf, 0)) > 0)
                for (p = buf; n > 0; p += sent, n -= sent) /* all n bytes */
                    if ((sent = send(conn, p, (size_t)n, MSG_NOSIGNAL)) == -1)
                        fail("send");
            if (n == -1)
                fail("recv");
            close(conn);
            exit(0);
        }
        close(conn); /* the parent: the child has its own copy */
    }
}
