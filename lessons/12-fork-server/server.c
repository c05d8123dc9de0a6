/*
 * Lesson 12: a server that forks a child per client
 *
 * fork() copies the process, and with it every descriptor: the child
 * serves the client it was made for (lesson 06's echo) while the parent
 * goes back to accept the next one, so a slow client holds up nobody. Each
 * closes the socket it does not need. When a child ends, SIGCHLD tells the
 * parent, which collects its exit status with waitpid(); until then the
 * child is a zombie. --no-reap shows that, --max-children caps them.
 *
 * Build: make 12-fork-server (or: cc lessons/12-fork-server/server.c -o server)
 * Run:   build/12-fork-server
 *        and in two more terminals: build/06-send-recv-client
 *        (any client works too: nc -N 127.0.0.1 8888)
 *
 * Every socket call below narrates itself: sockstep.h wraps each one in a
 * macro of the same name that prints it as strace would. Build with
 * -DSOCKSTEP_PLAIN for the same program without the narration.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/sockstep.h"

#define MAX_KIDS 1000

static const struct ss_lesson lesson = {
    .name = "12-fork-server",
    .summary = "an echo server that forks a child for each client",
    .example = "  build/12-fork-server --max-children 2\n"
               "  then in three more terminals: build/06-send-recv-client",
    .options = SS_OPT_NET | SS_OPT_COUNT,
    .port = 8888,
    .timeout = 300,
    .timeout_help = "seconds the server waits for the next client, and\n"
                    "                 each child's recv() for its client's "
                    "next bytes",
    .count = 0,
    .count_help = "clients to serve in all (then wait for the children)",
    .extra = {{"--max-children", "N",
               "children at once, 1..1000 (default 20); more clients\n"
               "                 wait in the listen queue until one ends",
               1, MAX_KIDS},
              {"--no-reap", NULL,
               "never call waitpid(): children that end stay zombies", 1, 0}},
};

/* The children still running (or, with --no-reap, not yet collected). */
struct kid {
    pid_t pid;
    struct sockaddr_in client;
    int seen_dead; /* its state Z has been shown */
};

/* The self-pipe: the SIGCHLD handler writes a byte, and poll() wakes. */
static int wake[2] = {-1, -1};

static void on_sigchld(int sig)
{
    int saved = errno;
    ssize_t n = write(wake[1], "", 1); /* full: a byte already waits */

    (void)sig;
    (void)n;
    errno = saved;
}

/* Echo until the client closes (0: all went well) or fails (1). */
static int serve(int conn, const struct sockaddr_in *client, int timeout)
{
    char buf[4096];
    ssize_t sent, off;
    long long echoed = 0;
    struct timeval tv;

    tv.tv_sec = timeout;
    tv.tv_usec = 0;
    if (setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == -1 ||
        setsockopt(conn, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == -1) {
        perror("setsockopt");
        return 1;
    }
    for (;;) {
        ssize_t got = recv(conn, buf, sizeof buf, 0);
        if (got == -1 && errno == EINTR)
            continue;
        if (got == 0)
            break; /* the client has closed its side */
        if (got == -1) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                printf("client %s sent nothing for %d s (--timeout)\n",
                       ss_addr(client).s, timeout);
            else
                perror("recv");
            return 1;
        }
        for (off = 0; off < got; off += sent) {
            sent = send(conn, buf + off, (size_t)(got - off), MSG_NOSIGNAL);
            if (sent == -1 && errno == EINTR)
                sent = 0;
            else if (sent == -1) {
                perror("send");
                return 1;
            }
        }
        echoed += got;
    }
    printf("client %s: %lld bytes echoed\n", ss_addr(client).s, echoed);
    return 0;
}

/* Linux: each child's state in /proc/PID/stat, shown once it is Z. */
static void show_zombies(struct kid *kids, int n, int all)
{
#ifdef __linux__
    char path[64], line[512], *p;
    FILE *f;
    int i;

    for (i = 0; i < n; i++) {
        snprintf(path, sizeof path, "/proc/%ld/stat", (long)kids[i].pid);
        f = fopen(path, "r");
        p = f != NULL && fgets(line, sizeof line, f) ? strrchr(line, ')')
                                                     : NULL;
        if (f != NULL)
            fclose(f);
        if (p == NULL || p[1] != ' ' || (kids[i].seen_dead && !all))
            continue;
        if (p[2] == 'Z')
            kids[i].seen_dead = 1;
        if (p[2] == 'Z' || all)
            printf("child %ld: state %c in %s%s\n", (long)kids[i].pid, p[2],
                   path, p[2] == 'Z' ? " (ended: a zombie)" : "");
    }
#else
    (void)kids;
    (void)n;
    (void)all;
#endif
}

/* Collect ended children: without waiting (WNOHANG), or wait for one. */
static void reap(struct kid *kids, int *n, int options)
{
    int status, i;
    pid_t pid;

    while ((pid = waitpid(-1, &status, options)) != 0) {
        if (pid == -1 && errno == EINTR)
            continue;
        if (pid == -1) {
            *n = 0; /* ECHILD: no child left */
            return;
        }
        for (i = 0; i < *n && kids[i].pid != pid; i++)
            ;
        if (i == *n)
            continue;
        if (WIFEXITED(status))
            printf("child %ld (client %s) exited with status %d\n", (long)pid,
                   ss_addr(&kids[i].client).s, WEXITSTATUS(status));
        else
            printf("child %ld (client %s) was killed by signal %d\n", (long)pid,
                   ss_addr(&kids[i].client).s, WTERMSIG(status));
        kids[i] = kids[--*n];
        if (options == 0)
            return;
    }
}

int main(int argc, char **argv)
{
    static struct kid kids[MAX_KIDS];
    struct ss_options opt;
    struct sockaddr_in addr, client;
    struct sigaction sa;
    struct pollfd pfd[2];
    socklen_t len;
    char drain[64];
    int fd, conn, rc, nfds, nkids = 0, one = 1, max, no_reap;
    long served = 0;
    pid_t pid;

    ss_start(&lesson, &opt, argc, argv);
    max = opt.extra[0].set ? (int)opt.extra[0].num : 20;
    no_reap = opt.extra[1].set;

    /* Lessons 01 to 04: a TCP socket, bound to --host and --port. */
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd == -1) {
        perror("socket");
        return 1;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1) {
        perror("setsockopt");
        goto fail;
    }
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr = opt.host;
    addr.sin_port = htons(opt.port);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == -1) {
        perror("bind");
        goto fail;
    }
    if (listen(fd, SOMAXCONN) == -1) {
        perror("listen");
        goto fail;
    }

    /* A handler that only set a flag would miss a child that ends just
       before poll() starts to wait: that zombie would stay until the next
       client. A byte in a pipe waits for poll() whenever it came. The
       handler's end never blocks (a new pipe has no other flag to keep). */
    if (pipe(wake) == -1 || fcntl(wake[1], F_SETFL, O_NONBLOCK) == -1) {
        perror("pipe");
        goto fail;
    }
    say("a pipe: the SIGCHLD handler writes into fd %d, poll() watches fd %d",
        wake[1], wake[0]);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigchld;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART; /* calls it interrupts start again */
    if (sigaction(SIGCHLD, &sa, NULL) == -1) {
        perror("sigaction");
        goto fail;
    }
    len = sizeof addr;
    if (getsockname(fd, (struct sockaddr *)&addr, &len) == -1) {
        perror("getsockname");
        goto fail;
    }
    printf("listening on %s\n", ss_addr(&addr).s);

    pfd[0].fd = wake[0]; /* a child has ended */
    pfd[0].events = POLLIN;
    pfd[1].fd = fd; /* a client is waiting for accept() */
    pfd[1].events = POLLIN;
    heading("waiting for client 1");
    while (opt.count == 0 || served < opt.count) {
        /* At the cap, only a child's end is waited for. */
        nfds = nkids < max ? 2 : 1;
        rc = poll(pfd, nfds, opt.timeout * 1000);
        if (rc == -1 && errno == EINTR)
            continue; /* SIGCHLD came during poll(): its byte waits */
        if (rc == -1) {
            perror("poll");
            goto fail;
        }
        if (rc == 0 && nfds == 1)
            continue; /* the children are still serving */
        if (rc == 0 && served == 0) {
            printf("no client connected within --timeout %d s\n", opt.timeout);
            goto fail;
        }
        if (rc == 0) {
            printf("no more clients within --timeout %d s\n", opt.timeout);
            break;
        }
        if (pfd[0].revents & POLLIN) {
            if (read(wake[0], drain, sizeof drain) == -1 && errno != EINTR)
                perror("read");
            show_zombies(kids, nkids, 0);
            if (!no_reap)
                reap(kids, &nkids, WNOHANG);
        }
        /* pfd[1].revents is this poll()'s only if pfd[1] was in it */
        if (nfds == 1 || !(pfd[1].revents & POLLIN))
            continue;

        len = sizeof client;
        conn = accept(fd, (struct sockaddr *)&client, &len);
        if (conn == -1 && (errno == EINTR || errno == ECONNABORTED))
            continue;
        if (conn == -1) {
            perror("accept");
            goto fail;
        }
        served++;
        pid = fork();
        if (pid == -1) {
            perror("fork"); /* EAGAIN: too many processes */
            close(conn);
            continue;
        }
        if (pid == 0) {
            say("the child serves %s; fd %d, the listening socket, is the "
                "parent's business",
                ss_addr(&client).s, fd);
            close(fd);
            rc = serve(conn, &client, opt.timeout);
            close(conn);
            exit(rc);
        }
        printf("client %s: served by child %ld\n", ss_addr(&client).s,
               (long)pid);
        kids[nkids].pid = pid;
        kids[nkids].client = client;
        kids[nkids++].seen_dead = 0;
        close(conn); /* the child has its own descriptor for it */
        if (nkids == max && no_reap) {
            printf("--max-children %d reached, and without waitpid() no "
                   "child ever frees its place\n",
                   max);
            break;
        }
        if (nkids == max)
            printf("%d children at once (--max-children): new clients "
                   "wait in the listen queue until one ends\n",
                   max);
        if (opt.count == 0 || served < opt.count)
            heading("waiting for client %ld", served + 1);
    }

    heading("done: served %ld client%s", served, served == 1 ? "" : "s");
    if (close(fd) == -1)
        perror("close");
    if (no_reap) {
        show_zombies(kids, nkids, 1);
        say("when this process ends, its children are handed to init (pid "
            "1) or, on Linux, to a subreaper: a normal init reaps them");
    }
    while (!no_reap && nkids > 0)
        reap(kids, &nkids, 0);
    return 0;

fail:
    close(fd);
    return 1;
}
