/*
 * Lesson 04: accept()
 *
 * A new socket for each client; the listening socket goes on listening.
 * sockstep.h narrates each socket call; -DSOCKSTEP_PLAIN leaves that out.
 *
 * Build: make 04-accept  (or: cc lessons/04-accept/accept.c -o 04-accept)
 * Run:   build/04-accept, then in a second terminal build/05-connect
 *        (or any client: nc 127.0.0.1 8888)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "../common/sockstep.h"

static const struct ss_lesson lesson = {
    .name = "04-accept",
    .summary = "a server: accept a client, greet it with one line, close",
    .example = "  build/04-accept --count 2\n"
               "  then in a second terminal: build/05-connect",
    .options = SS_OPT_NET | SS_OPT_COUNT,
    .port = 8888,
    .timeout = 300,
    .timeout_help = "seconds accept() waits for each client",
    .count = 1,
    .count_help = "how many clients to serve",
};

int main(int argc, char **argv)
{
    struct ss_options opt;
    struct sockaddr_in addr, client;
    socklen_t len;
    struct timeval wait;
    char greeting[128];
    int fd, conn, n, one = 1;
    long served = 0;

    ss_start(&lesson, &opt, argc, argv);

    /* Lessons 01 to 03: a TCP socket, bound to --host and --port. */
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd == -1) {
        perror("socket");
        return 1;
    }
    /* Restart at once even while old connections wait in TIME_WAIT. */
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1) {
        perror("setsockopt");
        goto fail;
    }
    /* accept() waits at most --timeout seconds. */
    wait.tv_sec = opt.timeout;
    wait.tv_usec = 0;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait) == -1) {
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
    /* A backlog as large as the system allows: a whole lecture hall
       may connect at the same moment, and none should be turned away. */
    if (listen(fd, SOMAXCONN) == -1) {
        perror("listen");
        goto fail;
    }
    len = sizeof addr;
    if (getsockname(fd, (struct sockaddr *)&addr, &len) == -1) {
        perror("getsockname");
        goto fail;
    }
    printf("listening on %s\n", ss_addr(&addr).s);

    while (opt.count == 0 || served < opt.count) {
        heading("waiting for client %ld", served + 1);
        len = sizeof client;
        conn = accept(fd, (struct sockaddr *)&client, &len);
        if (conn == -1 && errno == EINTR)
            continue; /* a signal (Ctrl-Z, then fg): wait again */
        if (conn == -1 && errno == ECONNABORTED)
            continue; /* that client left before accept(): take the next */
        if (conn == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (served == 0) {
                printf("no client connected within --timeout %d s\n",
                       opt.timeout);
                goto fail;
            }
            printf("no more clients within --timeout %d s\n", opt.timeout);
            break;
        }
        if (conn == -1) {
            perror("accept");
            goto fail;
        }
        served++;
        say("the client is %s: its port was chosen by its own kernel",
            ss_addr(&client).s);

        n = snprintf(greeting, sizeof greeting,
                     "hello %s, you are client %ld\n", ss_addr(&client).s,
                     served);
        /* MSG_NOSIGNAL: a client that has gone cannot kill the server
           with SIGPIPE (lesson 06). */
        if (send(conn, greeting, (size_t)n, MSG_NOSIGNAL) == -1)
            perror("send"); /* that client has gone: serve the next */
        if (close(conn) == -1)
            perror("close");
    }

    heading("done: served %ld client%s", served, served == 1 ? "" : "s");
    if (close(fd) == -1) {
        perror("close");
        return 1;
    }
    return 0;

fail:
    close(fd);
    return 1;
}
