/* A forking echo server whose SIGCHLD handler reaps one child per
 * signal:
 *     reap-once-server PORT
 *
 * The handler calls waitpid() once. Signals of one kind do not queue:
 * children that end while a SIGCHLD is pending give one signal between
 * them, one of them is reaped, the rest stay zombies. How many stay
 * depends on how the children's ends fall, on the machine and its load:
 * none on a quiet machine, where each child ends alone, several on a
 * busy one. scripts/check's zombies check must FAIL it every time (it
 * makes the children end while the parent cannot take a signal), and
 * pass the same server with the handler's loop
 * (while (waitpid(-1, NULL, WNOHANG) > 0)), which is -DREAP_ALL.
 * -DNO_RESTART installs the handler without SA_RESTART and ends at a
 * failed accept(): the first SIGCHLD that comes while it waits in
 * accept() ends it (EINTR); zombies must FAIL that too, not call it
 * NOT RUN, and must however slowly it comes back to accept() after each
 * fork() (-DSLOW_BACK: the checker stops it only once it sleeps). */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void reap(int sig)
{
    (void)sig;
#ifdef REAP_ALL
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
#else
    waitpid(-1, NULL, WNOHANG);
#endif
}

int main(int argc, char **argv)
{
    struct sockaddr_in a;
    struct sigaction sa;
    /* the children's own limit, far beyond a burst on a busy machine:
     * a child whose recv() timed out would end alone, outside the
     * burst, and how this sample fares would move with the load */
    struct timeval t = {300, 0};
    int s, on = 1;

    if (argc != 2)
        return 2;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = reap;
#ifdef NO_RESTART
    sa.sa_flags = 0;
#else
    sa.sa_flags = SA_RESTART;
#endif
    sigaction(SIGCHLD, &sa, NULL);
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
        int c = accept(s, NULL, NULL);
        if (c < 0) {
#ifdef NO_RESTART
            perror("accept");
            return 1;
#else
            continue;
#endif
        }
        if (fork() == 0) {
            char buf[4096];
            ssize_t n;
            close(s);
            setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &t, sizeof t);
            setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &t, sizeof t);
            while ((n = recv(c, buf, sizeof buf, 0)) > 0)
                if (send(c, buf, (size_t)n, MSG_NOSIGNAL) != n)
                    break;
            _exit(0);
        }
        close(c);
#ifdef SLOW_BACK
        {
            /* a parent slow to come back to accept(), as on a busy
             * machine: 0.2 s of its own CPU time */
            clock_t t0 = clock();
            while (clock() - t0 < CLOCKS_PER_SEC / 5)
                ;
        }
#endif
    }
}
