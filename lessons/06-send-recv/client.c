/*
 * Lesson 06: send() and recv(), the client
 *
 * The client sends each line of its standard input to an echo server and
 * reads the same number of bytes back: TCP delivers a stream of bytes, so
 * one recv() may return part of a line, and the client calls it until the
 * whole line is back. At the end of the input, shutdown(SHUT_WR) tells the
 * server that nothing more will come; its recv() then returns 0.
 *
 * Build: make 06-send-recv  (or: cc lessons/06-send-recv/client.c -o client)
 * Run:   build/06-send-recv-server --port 8888
 *        and in a second terminal: build/06-send-recv-client --port 8888
 *        then type lines, and Ctrl-D to finish
 *        (or pipe them in: printf 'one\ntwo\n' | build/06-send-recv-client)
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "../common/sockstep.h"

static const struct ss_lesson lesson = {
    .name = "06-send-recv-client",
    .summary = "an echo client: send each line of input, print it echoed",
    .example = "  build/06-send-recv-server --port 8888\n"
               "  then in a second terminal:\n"
               "  printf 'one\\ntwo\\n' | build/06-send-recv-client "
               "--port 8888",
    .port = 8888,
    .options = 0,
    .count = 0,
};

int main(int argc, char **argv)
{
    struct ss_options opt;
    struct sockaddr_in server;
    struct timeval wait;
    char buf[4096];
    char *line = NULL, *back = NULL;
    size_t cap = 0, back_cap;
    ssize_t n, got, sent, off;
    long lines = 0;
    int fd, rc;

    ss_start(&lesson, &opt, argc, argv);

    /* Where each echoed line is collected; it grows for longer lines. */
    back_cap = sizeof buf;
    back = malloc(back_cap);
    if (back == NULL) {
        perror("06-send-recv-client: malloc");
        return 1;
    }

    ss_next("socket(AF_INET, SOCK_STREAM, 0)");
    fd = socket(AF_INET, SOCK_STREAM, 0);
    ss_ret(fd);
    if (fd == -1) {
        free(back);
        return 1;
    }

    /* Lesson 05: limit every wait, then connect. */
    wait.tv_sec = opt.timeout;
    wait.tv_usec = 0;
    ss_next("setsockopt(%d, SOL_SOCKET, SO_SNDTIMEO, {%d s}, %u)", fd,
            opt.timeout, (unsigned)sizeof wait);
    rc = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof wait);
    ss_ret(rc);
    if (rc == -1)
        goto fail;
    ss_next("setsockopt(%d, SOL_SOCKET, SO_RCVTIMEO, {%d s}, %u)", fd,
            opt.timeout, (unsigned)sizeof wait);
    rc = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    ss_ret(rc);
    if (rc == -1)
        goto fail;
    ss_say("connect(), send() and recv() each wait at most %d s", opt.timeout);

    memset(&server, 0, sizeof server);
    server.sin_family = AF_INET;
    server.sin_addr = opt.host;
    server.sin_port = htons(opt.port);
    do {
        ss_next("connect(%d, %s, %u)", fd, ss_addr(&server).s,
                (unsigned)sizeof server);
        rc = connect(fd, (struct sockaddr *)&server, sizeof server);
        ss_ret(rc);
        /* EINTR: the handshake goes on in the kernel; wait for it again. */
    } while (rc == -1 && errno == EINTR);
    if (rc == -1) {
        if (errno == EINPROGRESS || errno == EALREADY)
            ss_timed_out("the server did not answer the handshake",
                         opt.timeout);
        goto fail;
    }
    ss_kernel(fd);

    /* region: lines */
    ss_ask("type a line and press Enter (Ctrl-D ends)");
    while ((n = getline(&line, &cap, stdin)) != -1) {
        lines++;
        ss_title("line %ld: %ld byte%s", lines, (long)n, n == 1 ? "" : "s");

        /* region: sendall */
        /* send() may take fewer bytes than asked: loop until all are sent. */
        for (off = 0; off < n; off += sent) {
            ss_next("send(%d, %s, %ld, MSG_NOSIGNAL)", fd,
                    ss_bytes(line + off, n - off).s, (long)(n - off));
            sent = send(fd, line + off, (size_t)(n - off), MSG_NOSIGNAL);
            ss_ret(sent);
            if (sent == -1 && errno == EINTR) {
                sent = 0; /* a signal, not an error: send again */
                continue;
            }
            if (sent == -1) {
                if (errno == EPIPE || errno == ECONNRESET)
                    ss_say("the server has closed the connection; "
                           "MSG_NOSIGNAL made that an error instead of a "
                           "SIGPIPE that would have killed this client");
                goto fail;
            }
            if (sent < n - off)
                ss_say("send() took only %ld of the %ld bytes: the loop "
                       "sends the rest",
                       (long)sent, (long)(n - off));
        }
        /* endregion: sendall */

        /* region: recv */
        /* A byte stream: call recv() until as many bytes came back. */
        if (back_cap < (size_t)n) {
            char *bigger = realloc(back, (size_t)n);
            if (bigger == NULL) {
                perror("06-send-recv-client: realloc");
                goto fail;
            }
            back = bigger;
            back_cap = (size_t)n;
        }
        for (off = 0; off < n; off += got) {
            ss_next("recv(%d, back, %ld, 0)", fd, (long)(n - off));
            got = recv(fd, back + off, (size_t)(n - off), 0);
            if (got == -1) {
                ss_ret(got);
                if (errno == EINTR) {
                    got = 0; /* a signal, not an error: wait again */
                    continue;
                }
                if (errno == EAGAIN || errno == EWOULDBLOCK)
                    ss_timed_out("the echo did not come back", opt.timeout);
                goto fail;
            }
            ss_ret_as(got, "recv(%d, %s, %ld, 0)", fd,
                      ss_bytes(back + off, got).s, (long)(n - off));
            if (got == 0) {
                ss_say("recv() returned 0: the server closed the "
                       "connection before sending the whole line back");
                goto fail;
            }
            if (got < n - off)
                ss_say("only %ld of the %ld bytes have arrived so far: TCP "
                       "is a byte stream, so recv() returns what is there",
                       (long)got, (long)(n - off));
        }
        /* endregion: recv */
        fputs("echo: ", stdout);
        fwrite(back, 1, (size_t)(back[n - 1] == '\n' ? n - 1 : n), stdout);
        putchar('\n');
        ss_ask("type a line and press Enter (Ctrl-D ends)");
    }
    /* endregion: lines */
    if (ferror(stdin)) {
        perror("06-send-recv-client: reading standard input");
        goto fail;
    }

    /* region: shutdown */
    ss_title("end of input after %ld line%s", lines, lines == 1 ? "" : "s");
    ss_next("shutdown(%d, SHUT_WR)", fd);
    rc = shutdown(fd, SHUT_WR);
    ss_ret(rc);
    if (rc == -1)
        goto fail;
    ss_say("our FIN is on its way: the server's recv() will return 0. Our "
           "side can still receive, so we read until the server closes");
    ss_kernel(fd);

    for (;;) {
        ss_next("recv(%d, buf, %u, 0)", fd, (unsigned)sizeof buf);
        got = recv(fd, buf, sizeof buf, 0);
        if (got == -1) {
            ss_ret(got);
            if (errno == EINTR)
                continue; /* a signal, not an error: wait again */
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                ss_timed_out("the server did not close the connection",
                             opt.timeout);
            goto fail;
        }
        ss_ret_as(got, "recv(%d, %s, %u, 0)", fd, ss_bytes(buf, got).s,
                  (unsigned)sizeof buf);
        if (got == 0)
            break;
        ss_say("%ld more byte%s that we did not send:", (long)got,
               got == 1 ? "" : "s");
        fwrite(buf, 1, (size_t)got, stdout);
        if (buf[got - 1] != '\n')
            putchar('\n');
    }
    ss_say("recv() returned 0: the server has closed its side too");
    /* endregion: shutdown */

    free(line);
    free(back);
    ss_next("close(%d)", fd);
    ss_ret(close(fd));
    return 0;

fail:
    free(line);
    free(back);
    ss_next("close(%d)", fd);
    ss_ret(close(fd));
    return 1;
}
