/*
 * Lesson 06: send() and recv(), the server
 *
 * An echo server: recv() and send() in loops; recv() == 0 is the end.
 * sockstep.h narrates each socket call; -DSOCKSTEP_PLAIN leaves that out.
 *
 * Build: make 06-send-recv  (or: cc lessons/06-send-recv/server.c -o 06-server)
 * Run:   build/06-send-recv-server, then in a second terminal
 *        build/06-send-recv-client  (or any client: nc -N 127.0.0.1 8888)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "../common/sockstep.h"

static const struct ss_lesson lesson = {
    .name = "06-send-recv-server",
    .summary = "an echo server: sends back every byte, one client at a time",
    .example = "  build/06-send-recv-server --count 2\n"
               "  then in a second terminal: build/06-send-recv-client\n"
               "  and in a third: build/06-send-recv-client  # waits its turn",
    .options = SS_OPT_NET | SS_OPT_COUNT,
    .port = 8888,
    .timeout = 300,
    .timeout_help = "seconds accept() waits for a client, each recv() for "
                    "a client's next bytes (a person typing) and each "
                    "echo of them for room: each wait, not a client's "
                    "whole session",
    .count = 0,
    .count_help = "clients to serve, one after another",
};

/*
 * Send every byte back until the client closes its side (recv() returns
 * 0); returns how many bytes were echoed.
 */
static long long echo(int conn, const struct sockaddr_in *client, int timeout)
{
    char buf[4096];
    ssize_t got, sent, off;
    long long echoed = 0;
    time_t start;

    for (;;) {
        got = recv(conn, buf, sizeof buf, 0);
        if (got == -1 && errno == EINTR)
            continue; /* a signal (Ctrl-Z, then fg): wait again */
        if (got == 0)
            return echoed; /* the client has closed its side */
        if (got == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            printf("client %s sent nothing for %d s (--timeout): the server "
                   "closes it\n",
                   ss_addr(client).s, timeout);
            return echoed;
        }
        if (got == -1) {
            perror("recv");
            return echoed;
        }
        /* send() may take fewer bytes than asked: send the rest, for
           --timeout seconds in all. A send() whose timeout ran out after
           a little room opened returns that little, not EAGAIN: the
           clock, not the error, ends the wait.
           MSG_NOSIGNAL: a send() that fails with EPIPE (the client has
           gone) does not also raise SIGPIPE, which would end the server. */
        start = time(NULL);
        for (off = 0; off < got; off += sent) {
            sent = send(conn, buf + off, (size_t)(got - off), MSG_NOSIGNAL);
            if (sent == -1 && errno == EINTR) {
                sent = 0; /* a signal: send again */
                continue;
            }
            if (sent == -1 && errno != EAGAIN && errno != EWOULDBLOCK) {
                perror("send");
                return echoed;
            }
            if (sent == -1 ||
                (sent < got - off && time(NULL) - start >= timeout)) {
                printf("client %s left its echo unread for %d s "
                       "(--timeout): the server closes it\n",
                       ss_addr(client).s, timeout);
                return echoed + (sent > 0 ? sent : 0);
            }
            echoed += sent;
        }
    }
}

int main(int argc, char **argv)
{
    struct ss_options opt;
    struct sockaddr_in addr, client;
    socklen_t len;
    struct timeval tv;
    long long echoed;
    int fd, conn, one = 1;
    long served = 0;

    ss_start(&lesson, &opt, argc, argv);

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
    /* accept() waits at most --timeout seconds; so will each client. */
    tv.tv_sec = opt.timeout;
    tv.tv_usec = 0;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == -1) {
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
    /* A whole lecture hall may connect at once, and they wait here while
       one is served (lesson 03 keeps a small backlog to show the queue). */
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
        if (conn == -1 && (errno == EINTR || errno == ECONNABORTED))
            continue; /* a signal, or a client that gave up: wait again */
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

        /* This client's own limits: one that sends nothing, or reads
           nothing, holds the server for at most --timeout per wait. */
        echoed = 0;
        if (setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == -1 ||
            setsockopt(conn, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == -1)
            perror("setsockopt");
        else
            echoed = echo(conn, &client, opt.timeout);
        printf("client %s: %lld bytes echoed\n", ss_addr(&client).s, echoed);
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
