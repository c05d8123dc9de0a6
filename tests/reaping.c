/*
 * reaping.c - children that end in clumps while the parent narrates, so
 * tests/truth.bats can check that every waitpid() a SIGCHLD handler makes
 * is told once: the narrator keeps a handler's calls in a list and tells
 * them before the next call, and a handler that runs while it tells them
 * must not overwrite calls not yet told.
 *
 *   reaping > OUT    then compare OUT's "fork() = N" lines with its
 *                    "[SIGCHLD handler] waitpid(...) = N" lines
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lessons/common/sockstep.h"

enum { CHILDREN = 300, CLUMP = 30 };

static void reap(int sig)
{
    int saved = errno;

    (void)sig;
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    errno = saved;
}

int main(void)
{
    struct sigaction sa;
    int i;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = reap;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGCHLD, &sa, NULL) == -1)
        return 1;
    for (i = 0; i < CHILDREN; i++) {
        pid_t pid = fork();
        if (pid == -1)
            return 1;
        if (pid == 0) { /* a clump of children ends every 20 ms */
            struct timespec t = {0, 20000000L * (i / CLUMP)};
            nanosleep(&t, NULL);
            _exit(0);
        }
    }
    for (i = 0; i < 60; i++) { /* narrated calls while they end */
        struct timespec t = {0, 5000000L};
        int fd;
        nanosleep(&t, NULL);
        fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd != -1)
            close(fd);
    }
    while (waitpid(-1, NULL, 0) != -1 || errno == EINTR)
        ;
    return 0;
}
