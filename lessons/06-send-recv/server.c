/*
 * Lesson 06: send() and recv(), the server
 *
 * A connected socket carries a stream of bytes, not messages: recv()
 * returns whatever has arrived, and send() may take fewer bytes than it
 * was given, so both are called in loops. recv() returning 0 means the
 * peer has closed its side. This echo server sends every byte it receives
 * back to the client, and serves clients one after another.
 *
 * Build: make 06-send-recv  (or: cc lessons/06-send-recv/server.c -o server)
 * Run:   build/06-send-recv-server --port 8888
 *        and in a second terminal: build/06-send-recv-client --port 8888
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
    .name = "06-send-recv-server",
    .summary = "an echo server: send back every byte each client sends",
    .example = "  build/06-send-recv-server --port 8888 --count 2\n"
               "  then in a second terminal: build/06-send-recv-client "
               "--port 8888",
    .port = 8888,
    .options = SS_OPT_COUNT,
    .count = 0,
};

int main(int argc, char **argv)
{
    struct ss_options opt;
    struct sockaddr_in addr, client;
    socklen_t len;
    struct timeval wait;
    char buf[4096];
    ssize_t got, sent, off;
    int fd, rc, one = 1, status = 0, told_stream = 0, told_signal = 0;
    long served = 0;

    ss_start(&lesson, &opt, argc, argv);

    /* region: setup */
    /* Lessons 01 to 04: socket, bind, listen, with a timeout for accept. */
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

    while (opt.count == 0 || served < opt.count) {
        int conn, talking;

        ss_title("waiting for client %ld", served + 1);
        /* region: accept */
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
        ss_say("fd %d talks to client %s; fd %d keeps listening", conn,
               ss_addr(&client).s, fd);
        ss_kernel(conn);
        served++;

        /*
         * This connection's own limits, so that one client cannot hold
         * the server forever: one that says nothing, or one that never
         * reads what we send back.
         */
        ss_next("setsockopt(%d, SOL_SOCKET, SO_RCVTIMEO, {%d s}, %u)", conn,
                opt.timeout, (unsigned)sizeof wait);
        rc = setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
        ss_ret(rc);
        if (rc == 0) {
            ss_next("setsockopt(%d, SOL_SOCKET, SO_SNDTIMEO, {%d s}, %u)", conn,
                    opt.timeout, (unsigned)sizeof wait);
            rc = setsockopt(conn, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof wait);
            ss_ret(rc);
        }
        talking = rc == 0;
        if (talking)
            ss_say("a client that sends nothing for %d s, or does not read "
                   "for %d s, is closed, and the server goes on",
                   opt.timeout, opt.timeout);
        /* endregion: accept */

        /* region: echo */
        while (talking) {
            ss_next("recv(%d, buf, %u, 0)", conn, (unsigned)sizeof buf);
            got = recv(conn, buf, sizeof buf, 0);
            if (got == -1) {
                ss_ret(got);
                if (errno == EINTR)
                    continue; /* a signal, not an error: wait again */
                if (errno == EAGAIN || errno == EWOULDBLOCK)
                    ss_say("client %s sent nothing for %d s: the server "
                           "closes it and serves the next client",
                           ss_addr(&client).s, opt.timeout);
                else
                    ss_say("this connection is broken: the server closes "
                           "it and serves the next client");
                break;
            }
            ss_ret_as(got, "recv(%d, %s, %u, 0)", conn, ss_bytes(buf, got).s,
                      (unsigned)sizeof buf);
            if (got == 0) {
                ss_say("recv() returned 0: the client has closed its side "
                       "(its FIN arrived), and no more bytes will ever come. "
                       "A loop that ignored the 0 would spin here forever");
                ss_kernel(conn);
                break;
            }
            if (!told_stream)
                ss_say("TCP is a stream of bytes, not of messages: recv() "
                       "returns whatever has arrived, up to %u bytes, "
                       "however the client split it into send()s",
                       (unsigned)sizeof buf);
            told_stream = 1;

            /* region: sendall */
            /*
             * send() may take fewer bytes than asked: loop until all are
             * sent. MSG_NOSIGNAL: if the client has closed, send() fails
             * with EPIPE instead of SIGPIPE killing this server.
             */
            for (off = 0; off < got; off += sent) {
                ss_next("send(%d, %s, %ld, MSG_NOSIGNAL)", conn,
                        ss_bytes(buf + off, got - off).s, (long)(got - off));
                sent = send(conn, buf + off, (size_t)(got - off), MSG_NOSIGNAL);
                ss_ret(sent);
                if (sent == -1 && errno == EINTR) {
                    sent = 0; /* a signal, not an error: send again */
                    continue;
                }
                if (sent == -1) {
                    if (errno == EPIPE)
                        ss_say("client %s has closed its end, so nobody "
                               "reads these bytes; without MSG_NOSIGNAL "
                               "this send() would have killed the server",
                               ss_addr(&client).s);
                    else if (errno == ECONNRESET)
                        ss_say("client %s is gone: its kernel reset the "
                               "connection",
                               ss_addr(&client).s);
                    else if (errno == EAGAIN || errno == EWOULDBLOCK)
                        ss_say("client %s has not read what we sent for "
                               "%d s, so its buffers are full and the "
                               "send timeout (SO_SNDTIMEO) ran out",
                               ss_addr(&client).s, opt.timeout);
                    ss_say("the server closes this client and serves the "
                           "next");
                    talking = 0;
                    break;
                }
                if (!told_signal)
                    ss_say("MSG_NOSIGNAL: had the client closed, send() "
                           "would fail with EPIPE; without it the kernel "
                           "would kill this server with SIGPIPE");
                told_signal = 1;
                if (sent < got - off)
                    ss_say("send() took only %ld of the %ld bytes: the "
                           "loop sends the rest",
                           (long)sent, (long)(got - off));
            }
            /* endregion: sendall */
        }
        /* endregion: echo */

        ss_next("close(%d)", conn);
        rc = close(conn);
        ss_ret(rc);
        ss_say("client %ld is done; fd %d still listens", served, fd);
    }

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
