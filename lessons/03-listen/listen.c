/*
 * Lesson 03: listen()
 *
 * The kernel completes handshakes and queues them; this lesson watches.
 * sockstep.h narrates each socket call; -DSOCKSTEP_PLAIN leaves that out.
 *
 * Build: make 03-listen  (or: cc lessons/03-listen/listen.c -o 03-listen)
 * Run:   build/03-listen --count 2, then in two more terminals, clients that
 *        stay connected: nc 127.0.0.1 8888  (or build/05-connect)
 */
#define _POSIX_C_SOURCE 200809L

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../common/sockstep.h"

static const struct ss_lesson lesson = {
    .name = "03-listen",
    .summary = "listen, never accept: watch connections wait in the backlog",
    .example = "  build/03-listen --count 2\n"
               "  then in two more terminals: nc 127.0.0.1 8888",
    .options = SS_OPT_NET | SS_OPT_COUNT,
    .port = 8888,
    .timeout = 300,
    .timeout_help = "seconds to watch the queue (with --count: at most)",
    .count_help = "stop as soon as N connections wait",
};

int main(int argc, char **argv)
{
    struct ss_options opt;
    struct sockaddr_in addr;
    socklen_t len;
    int fd, status;

    ss_start(&lesson, &opt, argc, argv);

    /* Lessons 01 and 02: a TCP socket, bound to --host and --port. */
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd == -1) {
        perror("socket");
        return 1;
    }
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr = opt.host;
    addr.sin_port = htons(opt.port);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == -1) {
        perror("bind");
        goto fail;
    }
    /* A backlog of 5, small on purpose: this lesson fills the queue. */
    if (listen(fd, 5) == -1) {
        perror("listen");
        goto fail;
    }
    ss_watch_start(); /* the kernel's counters of full queues, now */
    say("a SYN the full queue leaves unanswered is counted in "
        "ListenOverflows; the client's kernel sends it again later, until "
        "there is room or connect() gives up");
    len = sizeof addr;
    if (getsockname(fd, (struct sockaddr *)&addr, &len) == -1) {
        perror("getsockname");
        goto fail;
    }
    printf("listening on %s\n", ss_addr(&addr).s);

    heading("waiting, without accept()");
    say("connect to %s now: each client's connect() returns once the "
        "kernel has completed its handshake, and this program calls "
        "nothing",
        ss_addr(&addr).s);
    /* Every 0.1 s until --count wait or --timeout passes: /proc/net/tcp,
       the queue's length and each client's state (the header's code). */
    status = ss_watch_queue(&addr, opt.count, opt.timeout);

    if (close(fd) == -1) {
        perror("close");
        return 1;
    }
    return status;

fail:
    close(fd);
    return 1;
}
