/*
 * Lesson 04: accept()
 *
 * A listening socket only queues connections; accept() takes one off the
 * queue and returns a NEW socket for talking to that one client, together
 * with the client's address and port. The listening socket stays open for
 * the next client. This server greets each client with one line and closes
 * that client's socket; it serves one client, or --count N.
 *
 * Build: make 04-accept      (or: cc lessons/04-accept/accept.c -o accept)
 * Run:   build/04-accept --port 8888
 *        and in a second terminal: build/05-connect --port 8888
 *        (any client works too: nc 127.0.0.1 8888)
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
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
    .example = "  build/04-accept --port 8888 --count 2\n"
               "  then in a second terminal: build/05-connect --port 8888",
    .port = 8888,
    .options = SS_OPT_COUNT,
    .count = 1,
};

int main(int argc, char **argv)
{
    struct ss_options opt;
    struct sockaddr_in addr, client;
    socklen_t len;
    struct timeval wait;
    int fd, rc, one = 1, status = 0;
    long served = 0;

    ss_start(&lesson, &opt, argc, argv);

    /* region: setup */
    /* Steps 1 to 3 are lessons 01 to 03: socket, bind, listen. */
    ss_next("socket(AF_INET, SOCK_STREAM, 0)");
    fd = socket(AF_INET, SOCK_STREAM, 0);
    ss_ret(fd);
    if (fd == -1)
        return 1;

    /* Restart at once even while old connections sit in TIME_WAIT. */
    ss_next("setsockopt(%d, SOL_SOCKET, SO_REUSEADDR, [1], %u)", fd,
            (unsigned)sizeof one);
    rc = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    ss_ret(rc);
    if (rc == -1)
        goto fail;
    ss_say("lesson 07 shows why a server sets SO_REUSEADDR");

    /* accept() waits at most --timeout seconds: a receive timeout. */
    wait.tv_sec = opt.timeout;
    wait.tv_usec = 0;
    ss_next("setsockopt(%d, SOL_SOCKET, SO_RCVTIMEO, {%d s}, %u)", fd,
            opt.timeout, (unsigned)sizeof wait);
    rc = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    ss_ret(rc);
    if (rc == -1)
        goto fail;

    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr = opt.host;
    addr.sin_port = htons(opt.port);
    ss_next("bind(%d, %s, %u)", fd, ss_addr(&addr).s, (unsigned)sizeof addr);
    rc = bind(fd, (struct sockaddr *)&addr, sizeof addr);
    ss_ret(rc);
    if (rc == -1)
        goto fail;

    ss_next("listen(%d, 5)", fd);
    rc = listen(fd, 5);
    ss_ret(rc);
    if (rc == -1)
        goto fail;

    len = sizeof addr;
    ss_next("getsockname(%d, &addr, &len)", fd);
    rc = getsockname(fd, (struct sockaddr *)&addr, &len);
    ss_ret_as(rc, "getsockname(%d, %s, %u)", fd, ss_addr(&addr).s,
              (unsigned)len);
    if (rc == -1)
        goto fail;
    ss_kernel(fd);
    printf("listening on %s\n", ss_addr(&addr).s);
    /* endregion: setup */

    /* region: accept */
    while (opt.count == 0 || served < opt.count) {
        char greeting[128];
        ssize_t sent;
        int conn, n;

        ss_title("waiting for client %ld", served + 1);
        ss_say("accept() blocks until a client has connected (at most %d s)",
               opt.timeout);
        len = sizeof client;
        ss_next("accept(%d, &client, &len)", fd);
        conn = accept(fd, (struct sockaddr *)&client, &len);
        if (conn == -1) {
            ss_ret(conn);
            if (errno == EINTR || errno == ECONNABORTED)
                continue; /* interrupted, or the client gave up: wait on */
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                ss_timed_out("no client connected", opt.timeout);
            status = 1;
            break;
        }
        ss_ret_as(conn, "accept(%d, %s, %u)", fd, ss_addr(&client).s,
                  (unsigned)len);
        ss_say("a new socket, fd %d, for this client only; the client is "
               "%s (its port was chosen by its kernel); fd %d keeps "
               "listening",
               conn, ss_addr(&client).s, fd);
        ss_kernel(conn);
        served++;

        /* One line to the client. MSG_NOSIGNAL: see lesson 06. */
        n = snprintf(greeting, sizeof greeting,
                     "hello %s, you are client %ld\n", ss_addr(&client).s,
                     served);
        ss_next("send(%d, %s, %d, MSG_NOSIGNAL)", conn,
                ss_bytes(greeting, n).s, n);
        sent = send(conn, greeting, (size_t)n, MSG_NOSIGNAL);
        ss_ret(sent);
        if (sent == -1)
            ss_say("the client has gone already; closing its socket and "
                   "carrying on");

        ss_next("close(%d)", conn);
        rc = close(conn);
        ss_ret(rc);
        ss_say("this client's connection is closed; fd %d still listens",
               fd);
    }
    /* endregion: accept */

    ss_title("done: served %ld client%s", served, served == 1 ? "" : "s");
    ss_next("close(%d)", fd);
    ss_ret(close(fd));
    ss_say("the listening socket is gone: new clients are now refused");
    return status;

fail:
    ss_next("close(%d)", fd);
    ss_ret(close(fd));
    return 1;
}
